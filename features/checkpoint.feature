Feature: A witness vouches for the ledger, so that a new machine need not replay it all
  A CI runner has no cache: before its first check it would verify every entry of a ledger
  that grows for years. Witnesses, officials of another office, sign checkpoints of the state
  their own client verified; a fresh clone starts from the newest one and verifies only what
  came after it. The auditor still verifies everything, and a false checkpoint is caught.

  Background:
    Given a ledger whose roster names a witness, with 5 requests in it

  Scenario: A fresh clone starts from the witness's checkpoint
    When the witness makes a checkpoint
    And a publisher requests approval for another file
    Then the checkpoint status names the witness, with 2 entries since
    And a fresh clone verifies only the 2 entries after the checkpoint
    And a fresh clone passes "approval check" on a clean file
    And "approval clone --from-checkpoint" says it verified from the checkpoint at entry 6, witnessed by w.witness
    And "approval clone" says it verified every entry from the first
    And the audit passes

  Scenario: Only a witness may vouch for the ledger
    When the publisher tries to make a checkpoint
    Then it is refused with exit code 2, saying "does not hold the role 'witness'"

  Scenario: A checkpoint of another state is an integrity failure
    When the witness signs a checkpoint of a state with one request left out
    Then the audit fails with exit code 3, saying "a false checkpoint"
    And a fresh clone refuses the ledger with exit code 3
    And "approval clone" refuses it with exit code 3, leaving nothing behind
