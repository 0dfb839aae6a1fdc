"""An entry file has a cap by kind (approval.statements.limits): a statement over it is refused
when written (exit 2), and a file over it appended by plain git is never read: git names its
size first, and every reader (``Ledger.entries``, the audit's history, the CLI's ``audit``,
``status``, ``check``) reports an integrity failure naming the entry (exit 3)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from approval.demo.synthetic import detention_workbook
from approval.errors import EXIT_INTEGRITY, EXIT_USAGE, IntegrityError, UsageError
from approval.ledger import Ledger
from approval.ledger.git import Git, ObjectReader, TooLarge
from approval.ledger.history import _read, read_history
from approval.signing import PrivateKey, sign_statement
from approval.statements import KINDS, STATEMENT_TYPE, Envelope, format_time, now
from approval.statements.limits import (
    DEFAULT_MAX_ENTRY_BYTES,
    MAX_ENTRY_BYTES,
    kind_in_path,
    max_entry_bytes,
    oversize,
    size_words,
)
from approval.statements.paths import path_for
from approval.trust.failure import AuditFailure, Rule
from tests.ledger.conftest import MakeStatement
from tests.ledger.test_integrity import forge
from tests.support import KeyMaker
from tests.world import World


def test_every_kind_has_a_cap_and_the_smallest_is_the_default() -> None:
    assert set(MAX_ENTRY_BYTES) == set(KINDS)
    assert DEFAULT_MAX_ENTRY_BYTES == min(MAX_ENTRY_BYTES.values()) == 64 * 1024
    assert max_entry_bytes("no-such-kind") == DEFAULT_MAX_ENTRY_BYTES


@pytest.mark.parametrize(
    ("kind", "size", "problem"),
    [
        ("signoff", 64 * 1024, None),
        ("signoff", 64 * 1024 + 1, "64.0 KiB (65537 bytes), over the signoff cap of 64 KiB"),
        ("revocation", 3 * 1024 * 1024, "3 MiB (3145728 bytes), over the revocation cap of 64 KiB"),
        ("adoption", 4 * 1024 * 1024, None),
        ("request", 100_000_000, None),
        ("checkpoint", 257 * 1024 * 1024,
         "257 MiB (269484032 bytes), over the checkpoint cap of 256 MiB"),
    ],
)  # fmt: skip
def test_oversize_names_kind_size_and_cap(kind: str, size: int, problem: str | None) -> None:
    assert oversize(kind, size) == problem


def test_size_words() -> None:
    assert [size_words(n) for n in (10, 2048, 1536 * 1024)] == ["10 bytes", "2 KiB", "1.5 MiB"]


def _giant_adoption(key: PrivateKey) -> Envelope:
    """A schema-valid adoption (its policy is any object) of ~5 MiB: over its 4 MiB cap."""
    statement = {
        "type": STATEMENT_TYPE,
        "kind": "adoption",
        "created": format_time(now()),
        "seen_head": None,
        "policy": {"padding": "x" * (5 * 1024 * 1024)},
        "roster": {},
        "previous": None,
    }
    return Envelope(statement, (sign_statement(statement, key, "c.clerk"),))


def test_a_statement_over_its_cap_is_refused_before_anything_is_written(
    ledger: Ledger, key: PrivateKey
) -> None:
    with pytest.raises(UsageError) as refused:
        ledger.append(_giant_adoption(key))
    assert refused.value.exit_code == EXIT_USAGE
    assert refused.value.message.startswith("refusing to append this adoption: 5.0 MiB")
    assert "over the adoption cap of 4 MiB" in refused.value.message
    assert ledger.head() is None
    with pytest.raises(UsageError):
        ledger.commit_entry(_giant_adoption(key), None)


def _push_giant(ledger: Ledger, tmp_path: Path, kind: str, size: int) -> str:
    """A commit adding an entry file of ``size`` bytes, by plain git, with the path and
    trailer a real entry of ``kind`` would have: only its size is wrong. The entry's path."""
    fake_id = hashlib.sha256(b"giant").hexdigest()
    path = path_for(format_time(now()), kind, fake_id)
    padding = b'{"signatures":[],"statement":{"reason":"' + b"x" * size + b'"}}\n'
    forge(ledger, tmp_path, {path: padding}, f"{kind} {fake_id}\n\nApproval-Entry: {path}")
    return path


def test_readers_refuse_an_entry_over_its_cap_naming_it(
    ledger: Ledger, tmp_path: Path, statement: MakeStatement
) -> None:
    ledger.append(statement("before"))
    path = _push_giant(ledger, tmp_path, "signoff", 70 * 1024)
    head = ledger.head()
    assert head is not None
    with pytest.raises(IntegrityError) as failed:
        list(ledger.entries(use_cache=False))
    assert failed.value.exit_code == EXIT_INTEGRITY
    assert path in failed.value.message and "over the signoff cap of 64 KiB" in failed.value.message
    # The reader is usable again after the one it closed (the oversize bytes stayed in its pipe).
    assert ledger.resolve(head) == head
    with pytest.raises(AuditFailure) as audited:
        list(read_history(ledger, head))
    assert audited.value.rule is Rule.ENTRY_FILE
    assert (
        path in audited.value.message and "over the signoff cap of 64 KiB" in audited.value.message
    )


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0, world.last
    return world


def test_audit_status_and_check_say_so_cleanly(world: World, tmp_path: Path) -> None:
    book = world.root / "detainees.xlsx"
    detention_workbook(book, count=20)
    request = world.request(book)
    with Ledger.open(world.ledger) as ledger:
        path = _push_giant(ledger, tmp_path, "revocation", 2 * 1024 * 1024)
    for args in (("audit",), ("status", request[:12]), ("check", book)):
        result = world.run(*args)
        assert result.code == EXIT_INTEGRITY, (args, result.output)
        assert "Traceback" not in result.output
        assert path in result.output and "over the revocation cap of 64 KiB" in result.output, (
            result.output
        )
    document = json.loads(world.run("audit", "--format", "json").stdout)
    assert "over the revocation cap of 64 KiB" in json.dumps(document)


@pytest.mark.parametrize("kind", KINDS)
def test_kind_in_path_reads_every_kind_back(kind: str) -> None:
    path = path_for("2026-12-07T21:47:56Z", kind, "0b132ea2f6cd" + "0" * 52)
    assert kind_in_path(path) == kind


@pytest.mark.parametrize("path", ["", "entries/x.json", "README.md"])
def test_kind_in_path_of_no_entry_is_empty(path: str) -> None:
    assert kind_in_path(path) == ""


def test_a_blob_read_again_after_a_miss_is_capped_too(
    ledger: Ledger, tmp_path: Path, statement: MakeStatement
) -> None:
    """A blob the long-lived ``cat-file`` called missing is asked of a fresh one (a concurrent
    repack): that read is held to the same cap, never read whole."""
    ledger.append(statement("before"))
    path = _push_giant(ledger, tmp_path, "signoff", 70 * 1024)
    head = ledger.head()
    assert head is not None
    git = Git(ledger.git_dir)
    blob = git.output(["rev-parse", f"{head}:{path}"])
    with pytest.raises(TooLarge):
        ObjectReader(git).get(blob, max_entry_bytes("signoff"))
    objects = ObjectReader(git)
    try:
        objects.request(["0" * 40])  # what the long-lived reader answers: missing
        with pytest.raises(AuditFailure) as failed:
            _read(objects, [(2, head, (), "signoff", path, blob)], git)
    finally:
        objects.close()
    assert failed.value.rule is Rule.ENTRY_FILE
    assert path in failed.value.message and "over the signoff cap of 64 KiB" in failed.value.message
