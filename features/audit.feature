Feature: An auditor proves that every export had its approvals and that nobody rewrote the record
  Auditors come years later, when the officials have moved on and keys have been rotated. From
  the ledger alone they verify every signature and the append-only history, see who approved and
  exported what and when, and see the ledger as it stood at any past moment. With ssh-keygen
  alone, and no copy of this tool, they check every signature again.

  Background:
    Given the ledger of a workbook that was requested, approved by the privacy officer and the senior official, and exported through the gate

  Scenario: The ledger of the journey is intact
    When the auditor audits the ledger
    Then the audit passes
    And the timeline says "o.privacy approved request" and "as privacy-officer"
    And the timeline says "s.senior approved request" and "as senior-official"
    And the timeline says "p.publisher exported detention-stats.xlsx" and "approved by o.privacy (privacy-officer), s.senior (senior-official)"

  Scenario: The ledger as it stood when the last approval was given
    When the auditor asks for the ledger as it stood when the senior official approved
    Then policy "8cfr208.6 v1" was in force
    And the request was open, with 2 valid approvals
    And nothing had been exported yet

  Scenario: One file's whole history
    When the auditor asks for the history of the workbook
    Then it lists the request, the 2 approvals and the export, with where it went

  Scenario: Every signature checks out with ssh-keygen alone
    When the auditor exports the ledger for stock tools
    Then verify.sh passes
    When one byte of an exported statement is changed
    Then verify.sh fails, naming that statement

  Scenario Outline: Changing the record after the fact is caught
    When someone <tampers>
    And the auditor audits the ledger
    Then the audit fails with exit code 3, naming the commit, the statement and the rule "<rule>"
    And the audit says "<why>"

    Examples:
      | tampers                                                             | rule           | why                                                        |
      | changes the request's purpose in its file and rewrites the history   | entry-file     | the file was changed after it was written                  |
      | removes the privacy officer's approval from the history              | seen-head      | the history it was signed on has been rewritten            |
      | swaps the two approvals in the history                               | seen-head      | the history it was signed on has been rewritten            |
      | changes one character of the privacy officer's signature             | signature      | the signature of o.privacy does not verify                 |
      | re-signs the privacy officer's approval with a key of their own      | trust-chain    | which is not in the roster in force                        |
      | adds their own key to the roster with a single admin's signature     | trust-chain    | 2 admin signatures of the roster in force needed, 1 given  |
      | has two admins adopt the same policy version again                   | trust-chain    | an older policy can never be re-adopted                    |
      | is the publisher and records an export of a file nobody approved     | export-allowed | when it was not allowed                                    |

  Scenario: A history rewritten on the shared ledger and force-pushed to a clone
    Given the auditor keeps a clone of the ledger
    When someone removes the privacy officer's approval from the history
    And the clone takes the rewritten history by force
    And the auditor audits the clone
    Then the audit fails with exit code 3, naming the commit, the statement and the rule "seen-head"

  Scenario: A clone audited before is cut short by a force-push
    Given the auditor keeps a clone of the ledger
    And the auditor has audited the clone
    When someone cuts the last statement from the history
    And the clone takes the rewritten history by force
    And the auditor audits the clone
    Then the audit fails with exit code 3, naming the rule "nothing-removed"
    And the audit says "is no longer in it"
