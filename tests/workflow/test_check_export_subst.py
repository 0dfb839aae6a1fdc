"""``git archive`` (a common way to publish a site) fills in ``$Format:...$`` placeholders in
files with the ``export-subst`` attribute: a commit message (``%B``), notes (``%N``), author
names. No check reads those: a file with the attribute that holds a placeholder is blocked, in
a tree and staged, whatever .approvalignore says (finding G1, f_export_subst). Near-misses (the
attribute without a placeholder, a placeholder without the attribute) are scanned as usual."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.files.worktree import EXPORT_SUBST, SUBSTITUTED
from approval.workflow.check import CheckResult, check
from tests.workflow.checking import git

pytestmark = pytest.mark.usefixtures("no_ledger")

TABLE = "Nationality,Book-ins\nMexico,12\nGuatemala,9\n"


def refusals(result: CheckResult) -> dict[str, str]:
    return {f.path: f.refusal or "" for f in result.files if f.refusal}


@pytest.mark.parametrize(
    "placeholder", ["$Format:%B$", "$Format:%N$", "built from $Format:%an <%ae>$ on %cd"]
)
def test_a_placeholder_git_archive_fills_in_is_blocked(here: Path, placeholder: str) -> None:
    git(here, "init", "-q")
    (here / ".gitattributes").write_text("stats.csv export-subst\ndata/** export-subst\n")
    (here / "stats.csv").write_text(f"{TABLE}{placeholder}\n")
    (here / "data").mkdir()
    (here / "data" / "v.txt").write_text(f"version {placeholder}\n")
    (here / ".approvalignore").write_text("data/\n")  # the rewrite is not the file left out
    git(here, "add", ".")
    for result in (check(None, [Path()]), check(None, [], staged=True)):
        assert result.exit_code == 1
        assert refusals(result) == {"stats.csv": SUBSTITUTED, "data/v.txt": SUBSTITUTED}
        assert {f.report.format for f in result.files if f.refusal} == {EXPORT_SUBST}


def test_the_attribute_without_a_placeholder_and_the_placeholder_without_it_pass(
    here: Path,
) -> None:
    git(here, "init", "-q")
    (here / ".gitattributes").write_text("stats.csv export-subst\nnotes.txt -export-subst\n")
    (here / "stats.csv").write_text(TABLE)
    (here / "notes.txt").write_text("git archive expands $Format:%H$ where export-subst is set\n")
    (here / "other.txt").write_text("the same $Format:%B$ here, without the attribute\n")
    git(here, "add", ".")
    for result in (check(None, [Path()]), check(None, [], staged=True)):
        assert result.exit_code == 0
        assert not refusals(result)


def test_an_attribute_only_in_the_index_still_counts(here: Path) -> None:
    """``git archive HEAD`` reads the committed .gitattributes, not the work tree's."""
    git(here, "init", "-q")
    (here / ".gitattributes").write_text("*.csv export-subst\n")
    (here / "stats.csv").write_text(f"{TABLE}$Format:%B$\n")
    git(here, "add", ".")
    (here / ".gitattributes").write_text("")  # the work tree's says nothing
    assert refusals(check(None, [Path()])) == {"stats.csv": SUBSTITUTED}
    assert refusals(check(None, [], staged=True)) == {"stats.csv": SUBSTITUTED}
