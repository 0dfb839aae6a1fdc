Feature: Who each export exposed, readable by the privacy office alone
  After the 2022 leak it took weeks to find out by hand whom the file had exposed. Every
  request and export of a protected file records its persons, encrypted to the privacy
  officers' keys in the roster in force, so that a privacy officer finds every export that
  exposed a person in seconds, and nobody else can read or guess them.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy
    And a detention-statistics workbook whose hidden second sheet lists 12 asylum seekers
    And the workbook was requested, approved and exported to the website

  Scenario: A privacy officer finds the export that exposed a person
    When the privacy officer asks which exports exposed the third person of the workbook
    Then one export is listed, to the website, by the publisher
    And it names the sign-offs of the privacy officer and the senior official

  Scenario: A privacy officer counts the persons of an export and writes them to a private file
    When the privacy officer asks whom the workbook's exports exposed, into "persons.txt"
    Then it says 12 persons
    And "persons.txt" is readable by its owner only and lists the 12 A-numbers
    And asking again into "persons.txt" is refused, and the file is unchanged

  Scenario: A publisher's key reads nothing
    When the publisher asks which exports exposed the third person of the workbook
    Then it fails with exit 2 and one line "this key cannot read exposure records"
    And the line names no person

  Scenario: After a roster change, new records go to the new privacy officer
    When the admins adopt a roster that adds a new privacy officer and drops another
    And the workbook is exported again to another directory
    Then the new privacy officer finds that export, and not the one made before the change
