"""Common given names and surnames, folded (lower case, no accents), for names written without
the case that shows them: ``notes_jose_hernandez_asylum.png``, ``MARIA GARCIA interview.zip``.

Title case tells a name in prose (``claimants``, ``PersonName.looks_like``); a file name in
lower case or in capitals does not, so a word from these lists is what marks the run of words
around it as a name (``approval.detect.strings``). The lists favour the people 8 CFR 208.6
protects (Central and South America, the Caribbean, Africa, South and West Asia, Eastern
Europe), and leave out names that are also common English words (``grace``, ``mark``,
``will``, ``rose``, ``white``), which would make ordinary file names look like persons'.

Not exhaustive, and it need not be: with a word of a protection claim in the same string
(``asylum``, ``credible fear``) any run of words that are not known vocabulary is taken for a
name; without one, a name in capitals or lower case that is on neither list is missed (a Title
Case one is still found by its shape).
"""

from __future__ import annotations

from approval.detect.textnorm import word_set

GIVEN = word_set(
    """
    maria jose juan luis carlos jorge miguel pedro pablo antonio manuel francisco javier
    alejandro fernando ricardo roberto eduardo rafael sergio andres diego daniel david mario
    oscar raul ruben hector julio cesar arturo alberto alfredo armando enrique ernesto gerardo
    gustavo hugo ignacio jaime joaquin lorenzo marco marcos mauricio nestor octavio omar
    orlando ramon rene rodrigo santiago teodoro tomas ulises vicente wilfredo
    yesenia ana carmen rosa lucia elena isabel sofia valentina camila gabriela daniela
    mariana andrea paola patricia veronica monica claudia silvia sandra adriana alejandra
    beatriz cristina diana esperanza estela fernanda guadalupe ines irma josefina
    juana julia laura leticia lorena lourdes luz margarita marisol marta martha mercedes
    miriam nancy norma olga pilar raquel rocio rosario sara teresa yolanda ximena yadira
    jesus angel emilio felipe guillermo ivan kevin brayan bryan edwin elmer wilson nelson
    jonathan cristian josue moises abel efrain isaac ismael elias
    dulce karla karina katherine yessenia brenda evelyn wendy heidy glenda ingrid xiomara
    jean pierre marie jacques louis joseph wilner jeanne nadege fabiola guerline
    mohammed muhammad mohamed ahmed ahmad ali hassan hussein omar abdul abdullah ibrahim
    yusuf youssef mustafa khalid mahmoud tariq karim rashid samir walid fatima aisha
    khadija zainab maryam amina leila layla noor nour yasmin hamid farid reza hossein
    kwame kofi kojo yaw ama akosua abena adwoa chinedu emeka ngozi oluwaseun tunde
    mamadou moussa ousmane ibrahima aminata fatoumata mariama seydou abdoulaye
    raj rajesh ravi sanjay sunil anil vijay amit arjun priya pooja anita sunita deepak
    gurpreet harpreet manpreet jaspreet simran
    wei li ming hui xin yan ling jing lei chen
    nguyen thi minh anh tuan linh thanh duc quang
    ivan dmitri sergei andrei alexei olga natalia svetlana irina tatiana oleksandr
    mykola volodymyr yuri vladimir artem bogdan anastasia ekaterina
    michael john james robert william richard thomas charles christopher matthew anthony
    steven paul andrew joshua kenneth brian george edward ronald timothy jason jeffrey
    ryan jacob gary eric stephen larry justin scott brandon benjamin samuel gregory
    alexander patrick jack dennis jerry tyler aaron henry douglas peter adam nathan
    zachary kyle walter harold jeremy ethan carl keith roger gerald terry
    sean arthur lawrence jesse dylan bryan joe billy bruce albert willie
    gabriel logan alan juan wayne roy ralph randy vincent russell elijah louis
    bobby philip johnny mary jennifer linda elizabeth barbara susan jessica sarah karen
    lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda
    dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela
    shirley anna brenda pamela emma nicole helen samantha katherine christine debra
    rachel carolyn janet catherine maria heather diane ruth julie olivia joyce
    kelly lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline
    martha gloria teresa ann sara frances kathryn janice jean abigail alice judy
    sophia denise marilyn danielle beverly isabella theresa diana natalie brittany
    marie kayla alexis lori
    """
)

SURNAMES = word_set(
    """
    garcia rodriguez martinez hernandez lopez gonzalez gonzales perez sanchez ramirez torres
    flores rivera gomez diaz reyes morales cruz ortiz gutierrez chavez ramos ruiz alvarez
    mendoza castillo jimenez moreno romero herrera medina aguilar vargas castro guzman
    fernandez juarez mendez salazar soto delgado pena rios alvarado sandoval contreras
    valdez guerrero ortega estrada nunez vasquez vazquez dominguez maldonado molina
    espinoza figueroa marquez cortez cortes rojas navarro campos avila santiago acosta
    salinas trujillo solis velasquez velazquez mejia pineda orellana quintanilla zelaya
    argueta portillo escobar cabrera fuentes carrillo lara ibarra padilla rosales
    villanueva cervantes zamora bautista cardenas galvan montoya orozco miranda vega
    benitez barrera cisneros rosario sosa ayala paredes calderon serrano velez arias
    duarte ochoa palacios pacheco suarez valencia zuniga aguirre beltran bonilla
    cano cuevas enriquez gallegos godinez hidalgo lozano murillo olivares osorio quiroz
    rincon saavedra tapia toledo urbina vallejo villalobos yanez zapata
    jean pierre louis joseph charles baptiste francois desir etienne augustin jacques
    dorvil celestin pierrelouis toussaint
    mohammed ahmed ali hassan hussein khan rahman hossain uddin begum akter
    mensah owusu boateng asante osei adjei appiah nkrumah okafor okeke eze nwosu obi
    adeyemi adebayo oladipo diallo traore diop ndiaye camara keita toure kone
    coulibaly cisse sylla bah barry balde jalloh kamara conteh sesay bangura
    singh kaur kumar sharma patel shah gupta verma yadav reddy rao nair iyer
    nguyen tran pham hoang phan vu vo dang bui ngo duong
    wang zhang liu chen yang huang zhao zhou xu zhu guo lin gao luo
    ivanov petrov smirnov sidorov popov kuznetsov volkov sokolov shevchenko kovalenko
    bondarenko tkachenko kravchenko
    smith johnson williams jones davis miller wilson moore taylor anderson thomas
    jackson harris martin thompson robinson clark lewis walker allen hernandez
    nelson carter mitchell roberts turner phillips campbell parker evans edwards collins
    stewart morris murphy rogers morgan peterson cooper bailey kelly
    howard cox richardson watson james bennett hughes sanders
    myers ross
    """
)

NAMES = GIVEN | SURNAMES


def full_name(words: list[str]) -> bool:
    """Whether folded ``words`` are a given name and a surname from these lists, two to four
    words in all (``maria lopez``, ``jose luis ramirez``): a name written without case, in a
    key (``maria.lopez``, ``maria_lopez``) or a careless note, not two words that merely are
    names."""
    return (
        2 <= len(words) <= 4
        and all(w in NAMES for w in words)
        and words[0] in GIVEN
        and any(w in SURNAMES for w in words[1:])
    )
