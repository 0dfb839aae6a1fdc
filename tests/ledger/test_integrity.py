"""A ledger changed outside the tool is reported, naming the commit: every entry must be one
canonical, schema-valid statement, added alone by a commit on the previous entry, in a file
named after it (exit 3). Signatures are the replay's business, not checked here."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.errors import EXIT_INTEGRITY, IntegrityError
from approval.ledger import BRANCH, Ledger, entry_path
from approval.statements import Envelope
from tests.ledger.conftest import MakeStatement, git


def forge(
    ledger: Ledger,
    tmp_path: Path,
    files: dict[str, bytes | None],
    message: str,
    *,
    parents: list[str] | None = None,
) -> str:
    """Make a commit with git's plumbing, as someone rewriting the ledger by hand would, on
    ``parents`` (default: the current head), and move the branch to it."""
    repo = ledger.path
    (tmp_path / "worktree").mkdir(exist_ok=True)  # update-index wants one, even if unused
    index = {
        "GIT_INDEX_FILE": str(tmp_path / "forged-index"),
        "GIT_WORK_TREE": str(tmp_path / "worktree"),
    }
    parents = [ledger.head() or ""] if parents is None else parents
    if parents and parents[0]:
        git(repo, "read-tree", parents[0], **index)
    else:
        git(repo, "read-tree", "--empty", **index)
    for path, data in files.items():
        if data is None:
            git(repo, "update-index", "--force-remove", path, **index)
        else:
            blob = git(repo, "hash-object", "-w", "--stdin", input=data)
            git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", **index)
    tree = git(repo, "write-tree", **index)
    Path(index["GIT_INDEX_FILE"]).unlink()
    args = [arg for parent in parents if parent for arg in ("-p", parent)]
    commit = git(repo, "commit-tree", *args, "-m", message, tree)
    git(repo, "update-ref", BRANCH, commit)
    return commit


def message(envelope: Envelope, path: str | None = None) -> str:
    return f"revocation {envelope.id}\n\nApproval-Entry: {path or entry_path(envelope)}"


def read_all(ledger: Ledger, **kw: bool) -> int:
    return sum(1 for _ in ledger.entries(**kw))


Tamper = Callable[[Ledger, Path, MakeStatement], None]


def rewritten_content(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    """The last entry replaced by a different statement under the old name and message."""
    last = list(ledger.entries())[-1]
    changed = {**last.envelope.statement, "reason": "never happened"}
    forged = Envelope(changed, last.envelope.signatures).to_json()
    parent = git(ledger.path, "rev-parse", f"{last.commit}^")
    forge(ledger, tmp_path, {last.path: forged}, message(last.envelope), parents=[parent])


def two_files(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    first, second = statement("two-a"), statement("two-b")
    files = {entry_path(e): e.to_json() for e in (first, second)}
    forge(ledger, tmp_path, files, message(first))


def removes_an_entry(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    first = next(iter(ledger.entries()))
    forge(ledger, tmp_path, {first.path: None}, message(first.envelope))


def not_json(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    envelope = statement("garbled")
    forge(ledger, tmp_path, {entry_path(envelope): b"{not json\xff"}, message(envelope))


def not_canonical(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    envelope = statement("pretty")
    pretty = json.dumps(envelope.to_dict(), indent=2).encode()
    forge(ledger, tmp_path, {entry_path(envelope): pretty}, message(envelope))


def duplicate_keys(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    """A reader sees one reason, the parser the other: canonical form rules it out."""
    envelope = statement("twice")
    raw = envelope.to_json().replace(b'"reason":', b'"reason":"decoy","reason":', 1)
    forge(ledger, tmp_path, {entry_path(envelope): raw}, message(envelope))


def schema_invalid(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    envelope = statement("extra")
    doc = envelope.to_dict()
    doc["statement"]["person"] = "A123456789"
    import rfc8785

    forge(ledger, tmp_path, {entry_path(envelope): rfc8785.dumps(doc) + b"\n"}, message(envelope))


def wrong_trailer(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    envelope, other = statement("trail"), statement("other")
    files = {entry_path(envelope): envelope.to_json()}
    forge(ledger, tmp_path, files, message(envelope, entry_path(other)))


def wrong_subject(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    envelope, other = statement("subject"), statement("elsewhere")
    text = f"revocation {other.id}\n\nApproval-Entry: {entry_path(envelope)}"
    forge(ledger, tmp_path, {entry_path(envelope): envelope.to_json()}, text)


def not_an_entry_path(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    envelope = statement("readme")
    forge(ledger, tmp_path, {"README.md": envelope.to_json()}, message(envelope, "README.md"))


def merge(ledger: Ledger, tmp_path: Path, statement: MakeStatement) -> None:
    first = next(iter(ledger.entries()))
    side = forge(ledger, tmp_path, {}, "side", parents=[first.commit])
    git(ledger.path, "update-ref", BRANCH, git(ledger.path, "rev-parse", f"{side}^"))
    envelope = statement("merged")
    files = {entry_path(envelope): envelope.to_json()}
    forge(ledger, tmp_path, files, message(envelope), parents=[ledger.head() or "", side])


def history_rewritten_under_later_entries(
    ledger: Ledger, tmp_path: Path, statement: MakeStatement
) -> None:
    """A new root commit replays the last entry on its own: it no longer follows the first."""
    last = list(ledger.entries())[-1]
    forge(ledger, tmp_path, {last.path: last.raw}, message(last.envelope), parents=[])
    envelope = statement("after")
    forge(ledger, tmp_path, {entry_path(envelope): envelope.to_json()}, message(envelope))


TAMPERS = [
    rewritten_content,
    two_files,
    removes_an_entry,
    not_json,
    not_canonical,
    duplicate_keys,
    schema_invalid,
    wrong_trailer,
    wrong_subject,
    not_an_entry_path,
    merge,
]


@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda t: t.__name__)
@pytest.mark.parametrize("use_cache", [True, False], ids=["cached", "uncached"])
def test_a_tampered_ledger_is_reported_naming_the_commit(
    ledger: Ledger, tmp_path: Path, statement: MakeStatement, tamper: Tamper, use_cache: bool
) -> None:
    genuine = {ledger.append(statement(tag)) for tag in ("one", "two")}
    assert read_all(ledger) == 2  # and the cache now knows both files
    tamper(ledger, tmp_path, statement)
    forged = set(git(ledger.path, "rev-list", BRANCH).split()) - genuine
    with pytest.raises(IntegrityError) as raised:
        read_all(ledger, use_cache=use_cache)
    assert raised.value.exit_code == EXIT_INTEGRITY
    named = re.match(r"ledger commit ([0-9a-f]{12}): ", str(raised.value))
    assert named, str(raised.value)
    assert named[1] in {commit[:12] for commit in forged}


def test_a_replayed_root_is_not_on_the_previous_entry(
    ledger: Ledger, tmp_path: Path, statement: MakeStatement
) -> None:
    for tag in ("one", "two"):
        ledger.append(statement(tag))
    history_rewritten_under_later_entries(ledger, tmp_path, statement)
    # The forged history is linear again from its own root, so it reads: it is the replay's job
    # to notice that each statement's seen_head is no longer in it (invariant 4).
    assert read_all(ledger) == 2
    seen = [e.envelope.statement["seen_head"] for e in ledger.entries()]
    assert seen == [None, None]


def test_a_branch_on_something_else_than_a_commit(ledger: Ledger, statement: MakeStatement) -> None:
    ledger.append(statement("one"))
    tree = git(ledger.path, "rev-parse", "refs/heads/ledger^{tree}")
    # git itself refuses to point a branch at a tree: write the ref file by hand.
    (ledger.path / "refs" / "heads" / "ledger").write_text(tree + "\n")
    with pytest.raises(IntegrityError, match="not a commit"):
        ledger.head()


def test_a_forged_cache_line_does_not_let_a_changed_file_through(
    ledger: Ledger, tmp_path: Path, statement: MakeStatement
) -> None:
    """Someone who can write the ledger's directory writes the cache too: the cache may skip the
    schema, but never the check that the file holds the statement its name says."""
    for tag in ("one", "two"):
        ledger.append(statement(tag))
    original = list(ledger.entries())[-1]
    rewritten_content(ledger, tmp_path, statement)
    forged_blob = git(ledger.path, "rev-parse", f"refs/heads/ledger:{original.path}")
    [cache] = ledger.cache_dir.glob("valid-entries-*")
    with cache.open("a") as lines:
        lines.write(f"{forged_blob} {original.envelope.id}\n")
    with pytest.raises(IntegrityError, match="holds statement"):
        read_all(ledger)
