Feature: The gate checks what a web root deployed from git serves
  A web root is often a git checkout: uploads and local files that git ignores are never
  committed, yet the web server serves them. Files kept in Git LFS are committed as pointers,
  yet the list itself is what reaches the LFS store and every checkout. The gate never passes
  a file of asylum seekers because git does not hold its bytes.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy

  Scenario: Files git ignores are named, and checked when the web root asks for it
    Given a web root deployed as a git checkout that ignores "uploads/"
    And the uploads hold a list of 4 asylum seekers
    When CI checks the web root
    Then the check passes
    And it says "uploads/: left out: ignored by git"
    And it says "--include-ignored"
    When CI checks the web root with "--include-ignored"
    Then the check fails
    And it says "uploads/people.csv: BLOCKED"

  Scenario: A list of asylum seekers staged into Git LFS is blocked by the pre-commit gate
    Given a repository that keeps CSV files in Git LFS
    And a list of 4 asylum seekers staged there as "stats.csv"
    When the pre-commit gate checks the staged files
    Then the check fails
    And it says "stats.csv: BLOCKED (protected (csv)"

  Scenario: A git repository planted in a web root neither hides files nor runs its commands
    Given a web root that is a plain directory holding a list of 4 asylum seekers
    And someone planted a git repository there that ignores every file and names a command
    When the deploy job checks the web root from the directory above it
    Then the check fails
    And it says "www/people.csv: BLOCKED"
    And it says "www/.git: BLOCKED (a git repository this check does not run in"
    And the planted command did not run
    When CI checks the web root
    Then the check fails
    And it says ".: BLOCKED (nothing in this directory was checked: every file is left out"
    And it says "people.csv: left out: ignored by git"
    And the planted command did not run
