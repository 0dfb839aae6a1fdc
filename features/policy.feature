Feature: The regulation as a policy that officials can read and a machine can enforce
  8 CFR 208.6 forbids disclosing that a person sought asylum or other protection without
  sign-off by designated officials. The policy says who must sign for what; the roster says
  who the officials are. Neither may be ambiguous, and a mistake in either is caught before
  it can let a file out or block every file forever.

  Scenario: The shipped policy and the example roster are valid
    Given the shipped policy and the example roster
    When an administrator checks them
    Then the check passes
    And it says the policy has 2 data classes and 2 rules
    And it says the roster has 5 officials and an admin threshold of 2

  Scenario: A rule that names an unknown role is refused with its line
    Given the shipped policy with "role: senior-official" changed to "role: senior-oficial"
    When an administrator checks it with the example roster
    Then the check fails with exit code 2
    And the problem names the file, line and column of "senior-oficial"
    And the problem says "rules[0].require[1].role: 'senior-oficial' is not a role defined in the roster or policy"

  Scenario: A threshold the roster cannot meet is refused
    Given a roster in which one official is both the only privacy officer and the only senior official
    When an administrator checks the shipped policy with it
    Then the check fails with exit code 2
    And the problem says "needs 2 distinct officials (privacy-officer, senior-official)"

  Scenario: A protected-person file needs two distinct officials, and the requester never counts
    Given the shipped policy
    Then files with protected-person data need sign-offs as "privacy-officer" and "senior-official"
    And the two sign-offs must come from distinct officials
    And the requester may not sign their own request
    And an approval is valid for 30 days
    And a rejection blocks until it is withdrawn

  Scenario: A file that cannot be read is treated as protected
    Given the shipped policy
    Then unscannable files need the same sign-offs as protected-person files

  Scenario: YAML with a duplicate key is refused
    Given a policy file in which "version" appears twice
    When an administrator checks it
    Then the check fails with exit code 2
    And the problem says "duplicate key 'version'"

  Scenario: YAML with a Python tag is refused without running anything
    Given a policy file that carries a Python object tag which would create a file
    When an administrator checks it
    Then the check fails with exit code 2
    And the problem says "unsafe or unknown YAML tag refused"
    And no file was created

  Scenario: Every problem is listed in one run, in every file given
    Given the shipped policy with "version: 1" changed to "version: one"
    And its rule names the role "senior-oficial"
    And a roster whose official's last valid day is "2026-02-30"
    When an administrator checks them all with the example roster
    Then the check fails with exit code 2
    And the problem says "version: 'one' is not of type 'integer'"
    And the problem says "rules[0].require[1].role: 'senior-oficial' is not a role defined in the roster or policy"
    And the problem says "officials[0].valid_until: '2026-02-30' is not a real date (day is out of range for month)"
    And the example roster is still said to be valid

  Scenario: A file nested too deeply is one problem, not a crash
    Given a policy file of 5000 opening brackets
    When an administrator checks it
    Then the check fails with exit code 2
    And the problem says "nested too deeply"

  Scenario: A senior official's laptop is lost: the approval she gave last week still counts, the thief's does not
    Given a protected workbook that the privacy officer and the senior official approved last week
    And the senior official's laptop was lost two days ago
    And since the loss her old key approved another protected workbook
    When the admins adopt a roster with her new key that names the old one compromised since the loss
    Then the adoption says it is a roster change and that standing approvals are kept
    And policy version 1 is still in force
    And the workbook she approved last week can be exported
    And the other workbook is blocked: the approval made with the old key after the loss does not count
    And her old key can sign nothing more
    And with her new key she can approve the other workbook, which can then be exported
    And the auditor's bundle, checked with ssh-keygen alone, refuses the old key from the time of the loss
