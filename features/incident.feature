Feature: An incident is run from the ledger
  On 2022-11-28 a detention-statistics workbook whose hidden second sheet named 6,252 people who
  had sought protection was posted to the agency's website outside any approval, and found
  about five hours later. Under 8 CFR 208.6 that was a disclosure. The agency then spent weeks
  finding out by hand where the file had gone and whom it exposed. Here the privacy officer runs
  the incident from the ledger: each action is a statement signed with their own key, holding
  counts, ids and hashes only; whom it exposed is read with a privacy officer's key and never
  by a publisher's.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy
    And a detention-statistics workbook whose hidden second sheet lists 6252 asylum seekers
    And two earlier approved exports that hold 103 of the same persons between them
    And the workbook was published outside the gate and found five hours later

  Scenario: The privacy officer contains the 2022 leak, notifies the persons and closes it
    When the privacy officer opens an incident from the found copy, with where and when it was found
    Then the incident names the copy by its sha256 and counts 6252 persons, and names no person
    When a publisher tries to scope the incident with their own key
    Then it is refused: only a privacy officer scopes an incident
    When the privacy officer scopes the incident
    Then the scope counts 6252 persons, and 2 earlier exports that share 103 of them
    When the privacy officer records the take-down 12 minutes after the copy was found
    And the privacy officer records claw-back letters sent to 14 downloaders
    And a publisher asks for the list of persons to notify
    Then it is refused, and no list is written
    When the privacy officer writes the list of persons to notify
    Then the list holds the 6252 persons, and only its owner can read it
    When the privacy officer records that the persons were notified
    And the privacy officer closes the incident with a summary
    Then nothing more can be recorded on the incident
    And approval audit verifies every statement and shows the incident with time to contain 12 min
