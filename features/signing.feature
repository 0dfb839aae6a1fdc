Feature: Designated officials sign off, or refuse, in their own name and role
  The privacy officer and the senior official (the Secretary's designee) each sign the request
  with their own SSH key. The requester never counts, each role is filled by a distinct
  official, a refusal blocks until it is withdrawn, and approvals expire.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy
    And a detention-statistics workbook whose hidden second sheet lists 12 asylum seekers
    And the publisher has requested approval to publish it

  Scenario: The privacy officer and the senior official approve
    When "o.privacy" approves the request
    And "s.senior" approves the request
    Then the status says the file may be exported

  Scenario: One role is not enough
    When "o.privacy" approves the request
    Then the status says the file is blocked
    And the status says only a sign-off as "senior-official" is missing

  Scenario: The requester cannot approve their own request
    Given "q.publisher" has requested approval to publish it
    When "q.publisher" approves that request as "privacy-officer"
    Then the command fails with exit code 1
    And it says "made this request and cannot approve it"

  Scenario: An official without the role cannot fill it
    When "o.privacy" approves the request as "senior-official"
    Then the command fails with exit code 2
    And it says "does not hold the role"

  Scenario: A rejection blocks until it is withdrawn
    When "s.senior" refuses the request because "names on the hidden sheet"
    And "o.privacy" approves the request
    Then the status says the file is blocked
    And the status says "rejected by s.senior"
    When "s.senior" withdraws the refusal because "reviewed again"
    And "s.senior" approves the request
    Then the status says the file may be exported

  Scenario: A revoked sign-off no longer counts
    When "o.privacy" approves the request
    And "s.senior" approves the request
    And "o.privacy" withdraws the approval because "signed the wrong file"
    Then the status says the file is blocked
    And the status says only a sign-off as "privacy-officer" is missing

  Scenario: Signing needs a typed confirmation, or --yes without a terminal
    When "o.privacy" signs the request without a terminal and without --yes
    Then the command fails with exit code 2
    And it says "signing needs a typed confirmation on a terminal"

  Scenario: A new roster adopted without the admin threshold is refused
    When one admin alone adopts policy version 2 with a new roster
    Then the command fails with exit code 2
    And it says "2 admin signatures needed"

  Scenario: Re-adopting an old policy is refused
    When two admins adopt policy version 2
    And two admins adopt policy version 1
    Then the command fails with exit code 2
    And it says "an older policy can never be re-adopted"
