Feature: Officials review the bytes they sign, not the requester's description of them
  A request carries the scan summary its requester's program wrote, and a patched program
  writes what it likes: in the 2022 case it could have called a hidden sheet of 3,000 asylum
  seekers "1 person, nationality, visible sheet". So each official's own client rescans the
  file before they sign, the sign-off records that it did, the 8 CFR 208.6 rule counts only
  such sign-offs, and the gate refuses to let out more than the officials approved.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy
    And a detention-statistics workbook whose hidden second sheet lists 40 asylum seekers

  Scenario: An official does not sign a request whose description does not match the bytes
    Given a patched program has requested approval, describing it as 1 person on a visible sheet
    When "o.privacy" opens the review screen with the file at hand
    Then the screen says in red that the request does not describe the bytes
    And the screen shows the 40 persons on the hidden sheet that the rescan found
    When "o.privacy" approves the request
    Then the command fails with exit code 1
    And it says "does not describe its file"
    And nothing was signed
    When "o.privacy" refuses the request because "the description does not match the bytes"
    Then the refusal says its official rescanned the bytes

  Scenario: An official who checked the bytes signs, and the sign-off says so
    Given the publisher has requested approval to publish it
    When "o.privacy" approves the request
    Then the approval says its official rescanned the bytes and which description they checked

  Scenario: Without the file at hand an approval is refused, with the way to give it
    Given the publisher has requested approval to publish it
    And the workbook is not in the official's directory
    When "o.privacy" approves the request
    Then the command fails with exit code 2
    And it says "counts only a sign-off made after a rescan of the bytes"
    And it says "--file PATH"

  Scenario: The gate does not let out more than the officials approved
    Given a patched program has requested approval, describing it as 1 person on a visible sheet
    And two officials' approvals of that request were recorded as if after a rescan
    When the publisher exports the workbook to the site
    Then the command fails with exit code 1
    And it says "the file holds more than request"
    And the site is empty

  Scenario: One live request per file
    Given the publisher has requested approval to publish it
    When the publisher requests approval to publish it again
    Then the command fails with exit code 1
    And it says "these bytes already have request"

  Scenario: A refused file with one figure changed says it was refused before
    Given the publisher has requested approval to publish it
    When "o.privacy" refuses the request because "names on the hidden sheet"
    And the publisher changes one figure of the workbook and requests approval for it
    And "s.senior" opens the review screen with the file at hand
    Then it says "refused before: detention-stats.xlsx"
    And it says "by o.privacy on"
    And it says "names on the hidden sheet"
