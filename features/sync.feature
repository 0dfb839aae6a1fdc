Feature: Many offices, one ledger
  Publishers, privacy officers and senior officials sit in different offices and sign on their
  own machines. The offices share one ledger through a git remote: each works in its own clone,
  and each command fetches what the other offices recorded before it decides, and pushes what it
  recorded. A sign-off withdrawn in one office stops the export in another at once; a sign-off
  made while an office's network is down is kept there and shared by the next sync; a shared
  history that was rewound or rewritten is refused.

  Background:
    Given headquarters shares a ledger through a git remote
    And the privacy office and the publishing office have cloned it
    And a detention-statistics workbook whose hidden second sheet lists 12 asylum seekers
    And the publishing office has requested approval to publish it

  Scenario: An official signs in one office, the publisher exports in another
    When the privacy officer approves the request in the privacy office
    And the senior official approves the request at headquarters
    And the publisher exports the workbook in the publishing office
    Then the export succeeds
    And the website holds a byte-identical copy
    And after a sync every office's ledger records the export

  Scenario: A sign-off withdrawn in one office blocks the export in another
    Given the privacy officer and the senior official have approved it in their offices
    When the privacy officer withdraws the approval in the privacy office because "wrong sheet"
    And the publisher exports the workbook in the publishing office
    Then the export is refused
    And the website holds nothing

  Scenario: A sign-off made while the network is down waits for the next sync
    Given the privacy office cannot reach the remote
    When the privacy officer approves the request in the privacy office
    Then it warns that the sign-off is kept in the privacy office for the next sync
    And the publishing office's status does not show the sign-off
    When the privacy office can reach the remote again and syncs
    Then the publishing office's status shows the sign-off

  Scenario: The publisher will not decide on a copy that may be stale
    Given the publishing office cannot reach the remote
    When the publisher exports the workbook in the publishing office
    Then the export fails with exit code 2
    And it says "refusing to decide on this clone's copy"
    And the website holds nothing

  Scenario: A shared history rewound by force is refused
    Given someone rewinds the shared ledger to its first entry
    When the publishing office syncs
    Then the sync fails with exit code 3
    And it names the head the publishing office verified and the rewound head
    And the publishing office's ledger is unchanged
