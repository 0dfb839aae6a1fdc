Feature: The gate in the publishing path
  The 2022 file went out "during a routine update of the website". Under 8 CFR 208.6 a file that
  ties a person to a protection claim may leave only with the sign-off of designated officials,
  for those exact bytes. So the gate sits where files leave: in the command a publisher uses to
  put a file out, and in the CI and pre-commit hooks of the repository a website is built from.
  A refused file leaves the website exactly as it was.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy

  Scenario: A clean file is exported without approval
    Given a CSV of aggregate figures
    When the publisher exports it to the website
    Then the export succeeds
    And the website holds a byte-identical copy
    And the ledger records the export, naming no request and no sign-off

  Scenario: A protected workbook without approval is refused, and the website is untouched
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the website already holds yesterday's version of it
    When the publisher exports it to the website
    Then the export is refused
    And it says sign-offs as "privacy-officer" and "senior-official" are missing
    And it prints the command to request approval
    And the website still holds yesterday's version

  Scenario: An approved workbook is exported byte-identical, and the export is recorded
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the privacy officer and the senior official have approved it
    When the publisher exports it to the website
    Then the export succeeds
    And the website holds a byte-identical copy
    And the ledger records the export, by the publisher, on both sign-offs

  Scenario: A workbook changed after its approval is refused
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the privacy officer and the senior official have approved it
    When one byte of the workbook changes
    And the publisher exports it to the website
    Then the export is refused
    And it says "no request for this file"
    And the website holds nothing

  Scenario: An approval signed 31 days ago is refused
    Given a workbook whose approvals were signed 31 days ago
    When the publisher exports it to the website
    Then the export is refused
    And it says "expired"
    And the website holds nothing

  Scenario: A revoked approval is refused
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the privacy officer and the senior official have approved it
    When the privacy officer withdraws the approval because "signed the wrong file"
    And the publisher exports it to the website
    Then the export is refused
    And it says "was revoked by o.privacy"
    And the website holds nothing

  Scenario: After a new policy is adopted, the refusal says to request approval again
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the privacy officer and the senior official have approved it
    When two admins adopt policy version 2
    And the publisher exports it to the website
    Then the export is refused
    And the next step it prints is a new request, because the approvals were made under the earlier policy

  Scenario: A rejection is lifted by withdrawing it, not by more signatures
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the senior official has rejected it because "hidden sheet"
    When the publisher exports it to the website
    Then the export is refused
    And the next step it prints is to withdraw the rejection, by its official or an admin
    And it prints no command to sign

  Scenario: The gate never writes over a device or a pipe
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the privacy officer and the senior official have approved it
    And the website's copy of it is a named pipe
    When the publisher exports it to the website
    Then the export fails with one line saying it is a named pipe
    And the named pipe is still a named pipe
    And the ledger records no export

  Scenario: The gate never writes into the ledger
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    And the privacy officer and the senior official have approved it
    When the publisher exports it into the ledger's own directory
    Then the export fails with one line saying the destination is inside the ledger
    And the ledger is as it was before the export

  Scenario: A file named after a person leaves under a name that names no one, and the ledger does not name the person
    Given a protected file named "A212345679 Juan Lopez.csv"
    And the privacy officer and the senior official have approved it
    When the publisher exports it to the website as "detainees.csv"
    Then the export succeeds
    And the website's "detainees.csv" is a byte-identical copy
    And the ledger records the export of "[redacted].csv" to the website's "detainees.csv"
    And nothing in the ledger's history holds "212345679", "Juan" or "Lopez"

  Scenario: A file is never published under a name that holds protected data, whatever it holds
    Given a CSV of aggregate figures
    When the publisher exports it to the website as "Maria Lopez A212345678 asylum granted.csv"
    Then the export fails with one line saying its name holds protected data
    And the error names no one: not "Maria", "Lopez" or "212345678"
    And the website holds no file
    And the ledger records no export

  Scenario: A file named after a person is refused even when it keeps its own name
    Given a CSV of aggregate figures named "Maria Lopez A212345678 asylum granted.csv"
    When the publisher exports it to the website
    Then the export fails with one line saying its name holds protected data
    And the website holds no file
    And the ledger records no export

  Scenario: A folder named after a person is part of the name a file is published under
    Given a CSV of aggregate figures
    And the website has a folder named "Maria Lopez A212345678 asylum"
    When the publisher exports it into that folder
    Then the export fails with one line saying its name holds protected data
    And the error names no one: not "Maria", "Lopez" or "212345678"
    And the website holds no file
    And the ledger records no export

  Scenario: A file that cannot be read is refused
    Given a workbook encrypted with a password
    When the publisher exports it to the website
    Then the export is refused
    And it says "unscannable (encrypted)"
    And the website holds nothing

  Scenario: Redacting the workbook makes a file that needs no approval
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    When the publisher redacts it, signing the provenance
    Then the redaction names the hidden sheet it removed and both files' sha256
    And the ledger records the redaction
    And the redacted workbook exports with no approval

  Scenario: A redacted copy is never written under a name that holds protected data
    Given a detention-statistics workbook whose hidden second sheet lists 5 asylum seekers
    When the publisher redacts it into the website as "Jose Perez A098765432 credible fear.xlsx"
    Then the redaction fails with one line saying its name holds protected data
    And the error names no one: not "Jose", "Perez" or "098765432"
    And the website holds no file
    And the ledger records no redaction

  Scenario: CI fails a site with an unapproved protected file, and passes once it is approved
    Given a website repository with aggregate figures and the workbook
    When CI checks the website
    Then the check fails and names the workbook
    When the privacy officer and the senior official approve the workbook
    And CI checks the website
    Then the check passes

  Scenario: CI passes once the workbook is replaced by its redacted version
    Given a website repository with aggregate figures and the workbook
    When the publisher replaces the workbook by its redacted version
    And CI checks the website
    Then the check passes

  Scenario: The pre-commit hook checks what is staged, not the working copy
    Given a website repository with aggregate figures and the workbook
    And the workbook is staged
    And the working copy of the workbook is replaced by a clean file
    When the pre-commit hook runs
    Then the check fails and names the workbook
    When the clean file is staged
    And the pre-commit hook runs
    Then the check passes
