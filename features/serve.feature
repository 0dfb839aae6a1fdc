Feature: The web server serves no protected file without sign-offs
  The 2022 workbook was not exported by a command: it was uploaded while the website was being
  updated, and the web server served it for five hours. Under 8 CFR 208.6 a file that ties a
  person to a protection claim may be disclosed only with the sign-off of designated officials.
  So the web server asks the gate about every file it is about to serve: clean or approved is
  served, anything else is refused, and a withdrawn approval stops the file within seconds.

  Background:
    Given a ledger adopted by two admins under the 8 CFR 208.6 policy
    And a detention-statistics workbook whose hidden second sheet lists 30 asylum seekers
    And the workbook and a page of aggregate figures are in the website's document root
    And the web server asks approval serve about every request

  Scenario: The workbook is refused until approved, and again once the approval is withdrawn
    Then the web server may serve the page of aggregate figures
    And the web server must refuse the workbook as protected
    When a privacy officer and a senior official approve the workbook
    Then the web server may serve the workbook within seconds
    When the privacy officer revokes their approval
    Then the web server must refuse the workbook within seconds
    And the refusal log names the workbook by its sha256 and names no person

  Scenario: Tricks to reach a file the gate did not decide are refused
    Then the web server must refuse "/../ledger/HEAD"
    And the web server must refuse "/data%2Fdetention-stats.xlsx"
    And the web server must refuse "/.git/config"
    And the web server must refuse a link that leaves the document root
