"""``approval export``: clean files leave, protected ones only with the ledger's approval of their
exact bytes; a refusal leaves the destination as it was, an approved export is recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.errors import UsageError
from approval.workflow.atomic import PREFIX, Staged, copy_hashing
from approval.workflow.export import export_file
from approval.workflow.ledger import load
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    result = world.init()
    assert result.code == 0, result.output
    return world


@pytest.fixture
def www(tmp_path: Path) -> Path:
    directory = tmp_path / "www"
    directory.mkdir()
    return directory


def _approve(world: World, file: Path) -> str:
    request = world.request(file)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who).code == 0
    return request


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(PREFIX)]


def _head(world: World) -> str | None:
    with load(world.ledger) as session:
        return session.head


def test_a_clean_file_is_copied_without_a_record(world: World, www: Path) -> None:
    source = world.root / "aggregates.csv"
    aggregate_csv(source)
    head = _head(world)
    done = export_file(world.ledger, source, www, world.key("p.publisher").private, None)
    assert done.exported and done.statement is None and not done.needed_approval
    assert (www / "aggregates.csv").read_bytes() == source.read_bytes()
    assert _head(world) == head  # nothing appended
    assert _leftovers(www) == []


def test_a_protected_file_without_approval_leaves_dest_as_it_was(world: World, www: Path) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    (www / "stats.xlsx").write_bytes(b"yesterday's file")
    key = world.key("p.publisher").private
    done = export_file(world.ledger, source, www, key, None)
    assert not done.exported
    assert done.decision.missing == ("privacy-officer", "senior-official")
    assert (www / "stats.xlsx").read_bytes() == b"yesterday's file"
    assert _leftovers(www) == []
    assert done.next_steps[0].startswith(f"approval request {source} ")
    assert f"--key {key}" in done.next_steps[0]
    assert f"--destination {www / 'stats.xlsx'}" in done.next_steps[0]


def test_an_approved_file_is_copied_byte_identical_and_recorded(world: World, www: Path) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    request = _approve(world, source)
    target = www / "published.xlsx"
    done = export_file(world.ledger, source, target, world.key("p.publisher").private, None)
    assert done.exported and done.statement is not None
    assert target.read_bytes() == source.read_bytes()
    with load(world.ledger) as session:
        (export,) = session.state.exports_for(done.report.sha256)
        assert export.id == done.statement
        assert export.signer == "p.publisher"
        assert export.request == request
        assert export.destination == str(target.resolve())
        assert (
            export.artifact.name == "stats.xlsx" and export.artifact.size == target.stat().st_size
        )
        assert set(export.signoffs) == {s.id for s in done.decision.used}
        assert {s.role for s in done.decision.used} == {"privacy-officer", "senior-official"}
    assert _leftovers(www) == []


def test_one_changed_byte_is_refused(world: World, www: Path) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    _approve(world, source)
    source.write_bytes(source.read_bytes() + b"\0")
    done = export_file(world.ledger, source, www, world.key("p.publisher").private, None)
    assert not done.exported
    assert "no request for this file" in done.decision.reasons
    assert list(www.iterdir()) == []


def test_an_unscannable_file_needs_what_a_protected_one_needs(world: World, www: Path) -> None:
    source = world.root / "archive.7z"
    source.write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(range(256)) * 4)
    done = export_file(world.ledger, source, www, world.key("p.publisher").private, None)
    assert not done.exported and done.report.verdict == "unscannable"
    assert done.decision.missing == ("privacy-officer", "senior-official")
    assert list(www.iterdir()) == []


def test_an_exporter_outside_the_roster_is_refused_before_anything(world: World, www: Path) -> None:
    source = world.root / "aggregates.csv"
    aggregate_csv(source)
    with pytest.raises(UsageError, match="belongs to no official"):
        export_file(world.ledger, source, www, world.key("z.stranger").private, None)
    assert list(www.iterdir()) == []


def test_bad_destinations_are_usage_errors(world: World, www: Path) -> None:
    source = world.root / "aggregates.csv"
    aggregate_csv(source)
    key = world.key("p.publisher").private
    with pytest.raises(UsageError, match="no such directory"):
        export_file(world.ledger, source, www / "missing" / "a.csv", key, None)
    with pytest.raises(UsageError, match="is the file itself"):
        export_file(world.ledger, source, world.root, key, None)
    with pytest.raises(UsageError, match="no such file"):
        export_file(world.ledger, world.root / "nope.csv", www, key, None)


def test_an_expired_approval_is_refused(tmp_path: Path, make_key: KeyMaker, www: Path) -> None:
    from approval.detect.scan import scan_file
    from approval.policy import default_policy
    from approval.statements import now

    world = World(tmp_path, make_key)
    source = tmp_path / "stats.xlsx"
    detention_workbook(source, count=5)
    report = scan_file(source, default_policy())
    start = now() - timedelta(days=32)
    adoption = world.init_at(start)
    request = world.append_at(
        "request", start + timedelta(minutes=1), "p.publisher",
        artifact={"sha256": report.sha256, "size": report.size, "name": source.name},
        policy={"id": "8cfr208.6", "version": 1, "adoption": adoption},
        purpose="FY2022 statistics", destination="www", scan=report.summary(),
    )  # fmt: skip
    for who, role in (("o.privacy", "privacy-officer"), ("s.senior", "senior-official")):
        world.append_at(
            "signoff", start + timedelta(days=1), who, request=request,
            artifact_sha256=report.sha256, decision="approve", role=role,
        )  # fmt: skip
    done = export_file(world.ledger, source, www, world.key("p.publisher").private, None)
    assert not done.exported
    assert any("expired" in reason for reason in done.decision.reasons)
    assert list(www.iterdir()) == []


def test_the_cli_refusal_says_what_is_missing_role_by_role(world: World, www: Path) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    request = world.request(source)
    assert world.sign(request, "o.privacy").code == 0
    result = world.run("export", source, "--to", www, as_="p.publisher")
    assert result.code == 1, result.output
    assert "export refused" in result.stdout
    assert "privacy-officer  signed by o.privacy" in result.stdout
    assert "senior-official  MISSING" in result.stdout
    assert f"$ approval sign {request[:12]} --key KEY --role senior-official" in result.stdout
    assert list(www.iterdir()) == []
    assert world.sign(request, "s.senior").code == 0
    result = world.run("export", source, "--to", www, as_="p.publisher")
    assert result.code == 0, result.output
    assert "export recorded as" in result.stdout
    assert (www / "stats.xlsx").read_bytes() == source.read_bytes()


def test_the_cli_bad_input_is_one_line_exit_2(world: World, www: Path) -> None:
    result = world.run("export", world.root / "missing.xlsx", "--to", www, as_="p.publisher")
    assert result.code == 2
    assert result.stderr.strip().splitlines()[0].startswith("error: ")
    assert "Traceback" not in result.output


def test_staged_files_disappear_unless_committed(tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    source.write_bytes(b"x" * 3_000_000)
    final = tmp_path / "final.bin"
    stage = Staged(final)
    sha256, size = copy_hashing(source, stage.file)
    assert size == 3_000_000 and len(sha256) == 64
    assert stage.path.name.endswith("-final.bin") and stage.path.exists()
    stage.discard()
    assert not stage.path.exists() and not final.exists()
    stage = Staged(final)
    copy_hashing(source, stage.file)
    stage.commit()
    stage.discard()
    assert final.read_bytes() == source.read_bytes()
    assert _leftovers(tmp_path) == []
    # A rename that fails (the target became a directory) leaves the target as it was.
    blocked = tmp_path / "blocked"
    stage = Staged(blocked)
    blocked.mkdir()
    (blocked / "inside").write_text("kept")
    with pytest.raises(OSError):
        stage.commit()
    stage.discard()
    assert (blocked / "inside").read_text() == "kept"
    assert _leftovers(tmp_path) == []
