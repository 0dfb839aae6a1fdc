"""Country names (English, and Spanish as agencies in the Americas write them) and ISO 3166-1
codes: the value shapes of a nationality. Generated once from the Debian iso-codes data and
Faker's Spanish country list; facts, not policy: the policy decides the headers.
"""

from __future__ import annotations

from approval.detect.textnorm import fold, word_set

ALPHA2 = word_set(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """
)

ALPHA3 = word_set(
    """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR
    BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG
    COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH
    FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY
    HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM
    KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL
    MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR
    NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU
    SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA
    TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB
    VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
    """
)

# One name per line.
_NAMES = """
Afganistán
Afghanistan
Albania
Alemania
Algeria
American Samoa
Andorra
Angola
Anguilla
Antarctica
Antigua and Barbuda
Antigua y Barbuda
Arabia Saudita
Argelia
Argentina
Armenia
Aruba
Australia
Austria
Azerbaijan
Azerbaiyán
Bahamas
Bahrain
Bahrein
Bangladesh
Barbados
Belarus
Belarús
Belgium
Belice
Belize
Benin
Bermuda
Bhutan
Bhután
Bolivia
Bolivia, Plurinational State of
Bonaire
Bonaire, Sint Eustatius and Saba
Bosnia and Herzegovina
Bosnia y Herzegovina
Botswana
Bouvet Island
Brasil
Brazil
British Indian Ocean Territory
Brunei
Brunei Darussalam
Bulgaria
Burkina Faso
Burma
Burundi
Bélgica
Cabo Verde
Cambodia
Camboya
Cameroon
Camerún
Canada
Canadá
Cape Verde
Cayman Islands
Central African Republic
Chad
Chile
China
Chipre
Christmas Island
Cocos (Keeling) Islands
Colombia
Comoras
Comoros
Congo
Congo, The Democratic Republic of the
Cook Islands
Costa Rica
Croacia
Croatia
Cuba
Curaçao
Cyprus
Czech Republic
Czechia
Côte d'Ivoire
DRC
Democratic Republic of the Congo
Denmark
Dinamarca
Djibouti
Dominica
Dominican Republic
Dominicana
East Timor
Ecuador
Egipto
Egypt
El Salvador
Emiratos Árabes Unidos
England
Equatorial Guinea
Eritrea
Eslovaquia
Eslovenia
España
Estados Unidos de América
Estonia
Eswatini
Ethiopia
Etiopía
Falkland Islands (Malvinas)
Faroe Islands
Federación de Rusia
Fiji
Filipinas
Finland
Finlandia
France
Francia
French Guiana
French Polynesia
French Southern Territories
Gabon
Gabón
Gambia
Georgia
Germany
Ghana
Gibraltar
Granada
Great Britain
Grecia
Greece
Greenland
Grenada
Guadeloupe
Guam
Guatemala
Guernsey
Guinea
Guinea Bissau
Guinea Ecuatorial
Guinea-Bissau
Guyana
Haiti
Haití
Heard Island and McDonald Islands
Holland
Holy See (Vatican City State)
Honduras
Hong Kong
Hungary
Hungría
Iceland
India
Indonesia
Iran
Iran, Islamic Republic of
Iraq
Ireland
Irlanda
Irán
Islandia
Islas Marshall
Islas Salomón
Isle of Man
Israel
Italia
Italy
Ivory Coast
Jamaica
Japan
Japón
Jersey
Jordan
Jordania
Kazajstán
Kazakhstan
Kenya
Kirguistán
Kiribati
Korea
Korea, Democratic People's Republic of
Korea, Republic of
Kosovo
Kuwait
Kyrgyzstan
Lao People's Democratic Republic
Laos
Latvia
Lebanon
Lesotho
Letonia
Liberia
Libia
Libya
Liechtenstein
Lithuania
Lituania
Luxembourg
Luxemburgo
Líbano
Macao
Macedonia
Madagascar
Malasia
Malawi
Malaysia
Maldivas
Maldives
Mali
Malta
Marruecos
Marshall Islands
Martinique
Mauricio
Mauritania
Mauritius
Mayotte
Mexico
Micronesia
Micronesia, Federated States of
Moldova
Moldova, Republic of
Monaco
Mongolia
Montenegro
Montserrat
Morocco
Mozambique
Myanmar
México
Mónaco
Namibia
Nauru
Nepal
Netherlands
New Caledonia
New Zealand
Nicaragua
Niger
Nigeria
Niue
Norfolk Island
North Korea
North Macedonia
Northern Mariana Islands
Noruega
Norway
Nueva Zelandia
Oman
Omán
Pakistan
Pakistán
Palau
Palestine
Palestine, State of
Panama
Panamá
Papua New Guinea
Papua Nueva Guinea
Paraguay
Países Bajos
Peru
Perú
Philippines
Pitcairn
Poland
Polonia
Portugal
Puerto Rico
Qatar
Reino Unido de Gran Bretaña e Irlanda del Norte
República Centroafricana
República Checa
República Democrática Popular Lao
República Democrática del Congo
República Dominicana
República Federal Democrática de Nepal
República Popular Democrática de Corea
República Unida de Tanzanía
República de Corea
República de Macedonia del Norte
República de Moldova
República Árabe Siria
Romania
Rumania
Russia
Russian Federation
Rwanda
Réunion
Saint Barthélemy
Saint Helena
Saint Helena, Ascension and Tristan da Cunha
Saint Kitts and Nevis
Saint Kitts y Nevis
Saint Lucia
Saint Martin (French part)
Saint Pierre and Miquelon
Saint Vincent and the Grenadines
Samoa
San Marino
San Vicente y las Granadinas
Santa Lucía
Santo Tomé y Príncipe
Sao Tome and Principe
Saudi Arabia
Scotland
Senegal
Serbia
Seychelles
Sierra Leona
Sierra Leone
Singapore
Singapur
Sint Maarten (Dutch part)
Slovakia
Slovenia
Solomon Islands
Somalia
South Africa
South Georgia and the South Sandwich Islands
South Korea
South Sudan
Spain
Sri Lanka
Sudan
Sudáfrica
Sudán
Sudán del Sur
Suecia
Suiza
Suriname
Svalbard and Jan Mayen
Swaziland
Swazilandia
Sweden
Switzerland
Syria
Syrian Arab Republic
Tailandia
Taiwan
Taiwan, Province of China
Tajikistan
Tanzania
Tanzania, United Republic of
Tayikistán
Thailand
The Bahamas
The Gambia
Timor-Leste
Togo
Tokelau
Tonga
Trinidad and Tobago
Trinidad y Tabago
Tunisia
Turkey
Turkmenistan
Turkmenistán
Turks and Caicos Islands
Turquía
Tuvalu
Túnez
Türkiye
U.S.A.
USA
Ucrania
Uganda
Ukraine
United Arab Emirates
United Kingdom
United States
United States Minor Outlying Islands
Uruguay
Uzbekistan
Uzbekistán
Vanuatu
Vatican
Venezuela
Venezuela, Bolivarian Republic of
Viet Nam
Vietman
Vietnam
Virgin Islands
Virgin Islands, British
Virgin Islands, U.S.
Wales
Wallis and Futuna
Western Sahara
Yemen
Zambia
Zimbabwe
Åland Islands
"""

COUNTRY_NAMES = frozenset(fold(n.strip()) for n in _NAMES.strip().splitlines())
