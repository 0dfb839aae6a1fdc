Feature: The gate sees what the web server serves
  A web server publishes a directory as it finds it: it follows symbolic links (nginx, Apache
  with FollowSymLinks, rsync -L, aws s3 sync), and a CI checkout brings in submodules. A file
  of asylum seekers reached through any of these is disclosed as surely as one copied in, so
  the gate looks where the server looks, and names everything it does not check.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy
    And a website directory with an index page

  Scenario: A symlinked directory of protected data under the site is blocked by check
    Given a directory outside the website holding a list of 4 asylum seekers
    And the website links to that directory as "data"
    When CI checks the website
    Then the check fails
    And it says "data/people.csv: BLOCKED"
    And it says the link "data" leads outside the checked tree

  Scenario: A git repository inside the site is blocked, whatever it holds
    Given a backup repository inside the website
    When CI checks the website
    Then the check fails
    And it says "backup.git: BLOCKED (a version-control repository inside the published tree)"

  Scenario: A link that cannot be resolved here is blocked
    A link whose target is not where the gate runs may well be where the site is published: a
    git-ignored file in the publisher's checkout, an absolute path on the deploy host.
    Given the website links to a file that no longer exists as "old.csv"
    When CI checks the website
    Then the check fails
    And it says "old.csv: BLOCKED (a link to"
    And it says "removed.csv that cannot be read here)"
    And it says "hint: check it where it resolves, or remove it"

  Scenario: A committed link to a git-ignored list is blocked before the commit and in CI
    Given a repository whose website links "stats.csv" to a git-ignored list of 4 asylum seekers
    When the pre-commit gate checks the staged files
    Then the check fails
    And it says "site/stats.csv: BLOCKED (protected (csv)"
    When the link is committed and CI checks a fresh clone
    Then the check fails
    And it says "site/stats.csv: BLOCKED (a link to ../private/people.csv that cannot be read here)"

  Scenario: A list committed outside a sparse checkout is checked from what git holds
    Git pushes and archives what it holds, not what the work tree shows: a file a sparse
    checkout leaves out, or one marked skip-worktree, is checked from its index blob.
    Given a repository with a list of 4 asylum seekers in "data", checked out without "data"
    When CI checks the repository
    Then the check fails
    And it says "data/people.csv (index): BLOCKED (protected (csv)"

  Scenario: A protected file committed and deleted in the same push is blocked
    A push publishes every commit it carries, not only the last one's tree: anyone who clones
    or browses the repository reads a list that one commit added and the next deleted. CI
    checks every file the pushed commits added or changed.
    Given a repository where one push added a list of 4 asylum seekers and then deleted it
    When CI checks a fresh clone
    Then the check passes
    When CI checks a fresh clone with the commits pushed
    Then the check fails
    And it says ":detainees.csv: BLOCKED (protected (csv)"
    And it says "3 commits in the range"
    And it says "rewrite the history without it"

  Scenario: A list in the history that the officials approved passes
    Given a repository where one push added a list of 4 asylum seekers and then deleted it
    And the officials approved that list
    When CI checks a fresh clone with the commits pushed
    Then the check passes

  Scenario: A shallow clone cannot vouch for the history it does not hold
    Given a repository where one push added a list of 4 asylum seekers and then deleted it
    When CI checks a shallow clone with the commits pushed
    Then the check fails
    And it says "the history is cut at commit"
    And it says "hint: fetch the whole history"
