Feature: The gate checks what a web root deployed from git serves
  A web root is often a git checkout: uploads and local files that git ignores are never
  committed, yet the web server serves them. Files kept in Git LFS are committed as pointers,
  yet the list itself is what reaches the LFS store and every checkout. The gate never passes
  a file of asylum seekers because git does not hold its bytes.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy

  Scenario: Files git ignores are named, scanned, and blocked when they hold protected data
    Given a web root deployed as a git checkout that ignores "uploads/"
    And the uploads hold only figures
    When CI checks the web root
    Then the check passes
    And it says "uploads/: left out: ignored by git"
    And it says "--include-ignored"
    Given the uploads hold a list of 4 asylum seekers
    When CI checks the web root
    Then the check fails
    And it says "uploads/people.csv: BLOCKED (left out by .gitignore:1: uploads/, but it holds protected data"
    And it says "hint: approve it, remove it, or move it out of the published tree"
    When CI checks the web root with "--include-ignored"
    Then the check fails
    And it says "uploads/people.csv: BLOCKED (protected (csv)"

  Scenario: An ignore file planted in a plain web root does not hide a list of asylum seekers
    Given a web root that is a plain directory holding a list of 4 asylum seekers
    And someone planted an .approvalignore there that names "people.csv"
    When the deploy job checks the web root from the directory above it
    Then the check fails
    And it says "www/people.csv: BLOCKED (left out by www/.approvalignore:1, but it holds protected data"

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
    And it says "people.csv: BLOCKED (left out by .git/info/exclude:1: *, but it holds protected data"
    And it says "people.csv: left out: ignored by git"
    And the planted command did not run
