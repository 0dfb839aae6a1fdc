Feature: Finding protected-person data before a file leaves the agency
  8 CFR 208.6 forbids disclosing that a person sought asylum or other protection, or anything
  from their claim, without their consent or the sign-off of designated officials. A publisher
  scans every file before it is published or sent. A file that ties a person to a protection
  claim is protected; a file the scanner cannot read is never passed; a file that only talks
  about asylum, countries or officials stays clean, because a scanner that cries wolf is
  switched off.

  Scenario: A hidden sheet is scanned
    Given a workbook whose first sheet shows aggregate statistics
    And a hidden second sheet listing 40 detainees with their fear-interview results
    When the publisher scans it
    Then the scan exits 1
    And the file is protected, with 40 persons of class "protected-person"
    And the findings are marked hidden, on sheet "Detainees"

  Scenario: A detainee list with fear-interview results is protected
    Given a CSV export of 25 detainees with A-numbers, birthdates, facilities and fear results
    When the publisher scans it
    Then the scan exits 1
    And the file is protected, with 25 persons of class "protected-person"
    And the report shows the A-number column "A" with a redacted sample only

  Scenario: The same person listed twice is one person
    Given a CSV export of 10 detainees in which 4 of them are listed a second time
    When the publisher scans it
    Then the file is protected, with 10 persons of class "protected-person"

  Scenario: A name alone is not protected
    Given a list of 10 names with nothing else about the persons
    When the publisher scans it
    Then the scan exits 0
    And the file is clean

  Scenario: A name with a claim is protected
    Given a list of 7 names with the relief each of them sought
    When the publisher scans it
    Then the file is protected, with 7 persons of class "protected-person"

  Scenario: Detainees without any claim are personal data
    Given a list of 12 detainees with A-numbers, birthdates and facilities but no claim
    When the publisher scans it
    Then the file is protected, with 12 persons of class "personal-data"

  Scenario: Headers are understood the way people abbreviate them
    Given a table headed "Alien No.", "Subj Nm", "D.O.B.", "Ctry of Citz" and "CFI Result" for 9 persons
    When the publisher scans it
    Then the file is protected, with 9 persons of class "protected-person"

  Scenario: A table without a header row is classified from its values
    Given a CSV export of 8 detainees without a header row
    When the publisher scans it
    Then the file is protected, with 8 persons of class "protected-person"

  Scenario Outline: A CSV is read whatever its delimiter and encoding
    Given a CSV export of 25 detainees separated by <delimiter> and saved as <encoding>
    When the publisher scans it
    Then the file is protected, with 25 persons of class "protected-person"

    Examples:
      | delimiter | encoding  |
      | comma     | utf-8     |
      | semicolon | utf-8-sig |
      | tab       | utf-16    |
      | pipe      | cp1252    |

  Scenario: A memo naming persons under a credible-fear heading is protected
    Given a Markdown memo headed "Credible fear interviews" that lists 6 persons
    When the publisher scans it
    Then the file is protected, with 6 persons of class "protected-person"
    And the claim is found in the heading

  Scenario: A message confirming that deportees claimed fear is protected
    Given a plain-text message to a foreign government naming 3 deportees who claimed fear of return
    When the publisher scans it
    Then the file is protected, with 3 persons of class "protected-person"

  Scenario: A message that names persons in running prose as having sought asylum is protected
    Given a message to a foreign government confirming in plain sentences that 3 named persons sought asylum, beside named officials
    When the publisher scans it
    Then the file is protected, with 3 persons of class "protected-person"

  Scenario: An email naming a person and their credible-fear interview is protected
    Given an email whose subject is "Credible fear interview" and whose body names a person in the agency's LAST, First style
    When the publisher scans it
    Then the file is protected, with 1 person of class "protected-person"

  Scenario Outline: Files a website publishes every day stay clean
    Given <file>
    When the publisher scans it
    Then the scan exits 0
    And the file is clean

    Examples:
      | file                                                                  |
      | aggregate statistics that mention asylum and countries                |
      | a list of detention facilities                                        |
      | a staff directory whose titles say "Asylum Officer"                   |
      | a press release that names officials and mentions credible fear       |
      | invoices and phone numbers that look like A-numbers                   |
      | a public court calendar with counts of asylum hearings                |
      | a list of meeting attendees written LAST, First                       |

  Scenario Outline: A file the scanner cannot read is never passed
    Given <file>
    When the publisher scans it
    Then the scan exits 1
    And the file is unscannable because "<reason>"
    And nothing was printed as a traceback

    Examples:
      | file                | reason                           |
      | a photograph        | unsupported format: image/png    |
      | random bytes        | unsupported format: application/octet-stream |

  Scenario Outline: Odd files never crash the scan
    Given <file>
    When the publisher scans it
    Then the scan exits 0
    And nothing was printed as a traceback

    Examples:
      | file                                 |
      | an empty file                        |
      | a 5 MB line without a line break     |

  Scenario: A scan never shows the data it found
    Given a CSV export of 25 detainees with A-numbers, birthdates, facilities and fear results
    When the publisher scans it as JSON
    Then no name, A-number or birthdate of those persons appears in the output
