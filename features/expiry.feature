Feature: Approvals expire
  An approval is valid for the days the policy says (30 under 8 CFR 208.6), so that a stale
  decision is not reused for a file that leaves much later.

  Scenario: An approval signed 31 days ago no longer counts
    Given a ledger whose approvals for a workbook were signed 31 days ago
    Then the status says the file is blocked
    And the status says "expired"
