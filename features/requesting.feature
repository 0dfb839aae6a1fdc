Feature: A publisher asks the designated officials to approve one exact file
  Under 8 CFR 208.6 a file that ties a person to a protection claim may leave only with the
  sign-off of designated officials. The publisher records a signed request for the exact bytes
  of the file; officials review what the scan found, never the data itself.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy

  Scenario: A workbook with asylum seekers on a hidden sheet needs two sign-offs
    Given a detention-statistics workbook whose hidden second sheet lists 40 asylum seekers
    When the publisher requests approval to publish it
    Then the request is recorded and its id is printed on the last line
    And the review screen shows 40 distinct protected persons
    And the review screen shows the hidden sheet
    And the review screen shows the purpose and the destination
    And the status says sign-offs as "privacy-officer" and "senior-official" are missing
    And the ledger holds no name, A-number or birthdate from the file

  Scenario: A clean file needs no request
    Given a CSV of aggregate figures
    When the publisher requests approval to publish it
    Then the command fails with exit code 2
    And it says "no approval is needed"

  Scenario: A key outside the roster is refused
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    When someone whose key is not in the roster requests approval to publish it
    Then the command fails with exit code 2
    And it says "belongs to no official in the roster in force"

  Scenario: A byte changed in the file is a different artifact
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the publisher has requested approval to publish it
    When one byte of the workbook changes
    Then the status of the changed workbook says "no request for this file"
