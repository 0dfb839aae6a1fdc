"""``approval export``: clean files leave, protected ones only with the ledger's approval of their
exact bytes; a refusal leaves the destination as it was, an approved export is recorded."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.errors import UsageError
from approval.files.atomic import PREFIX
from approval.ledger.session import load
from approval.workflow.export import export_file
from tests.support import KeyMaker
from tests.world import World


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


def test_a_clean_file_is_copied_and_recorded_naming_no_request(world: World, www: Path) -> None:
    source = world.root / "aggregates.csv"
    aggregate_csv(source)
    head = _head(world)
    done = export_file(world.ledger, source, www, world.key("p.publisher").private, None)
    # Recorded (policy exposure.record_clean_exports, on by default): a scanner miss found
    # later can be scoped by its sha256 and destination.
    assert done.exported and done.statement is not None and not done.needed_approval
    assert (www / "aggregates.csv").read_bytes() == source.read_bytes()
    assert _head(world) != head
    with load(world.ledger) as session:
        export = session.state.get(done.statement)
    assert export is not None and export.request is None  # type: ignore[union-attr]
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

    world = World(tmp_path, make_key)
    source = tmp_path / "stats.xlsx"
    detention_workbook(source, count=5)
    world.approved_long_ago(source)
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
    assert (
        f"$ approval sign {request[:12]} --file {source} --key KEY --role senior-official"
        in result.stdout
    )
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


# -- DEST that is not a regular file: never replaced, nothing recorded ----------------------


def _pipe(path: Path) -> Path:
    """A named pipe: the "not a regular file" case, made here (never a real device)."""
    os.mkfifo(path)
    return path


def test_a_pipe_as_dest_is_refused_and_left_alone(world: World, www: Path) -> None:
    source = world.root / "aggregates.csv"
    aggregate_csv(source)
    key = world.key("p.publisher").private
    pipe = _pipe(www / "pipe")
    with pytest.raises(UsageError, match="is a named pipe, not a regular file or a directory"):
        export_file(world.ledger, source, pipe, key, None)
    # A directory DEST whose DEST/<name> is the pipe, and a link to a pipe, the same.
    _pipe(www / "aggregates.csv")
    with pytest.raises(UsageError, match=r"aggregates\.csv is a named pipe"):
        export_file(world.ledger, source, www, key, None)
    (www / "link.csv").symlink_to(pipe)
    with pytest.raises(UsageError, match=r"link\.csv is a named pipe"):
        export_file(world.ledger, source, www / "link.csv", key, None)
    assert stat.S_ISFIFO(pipe.stat().st_mode) and stat.S_ISFIFO(
        (www / "aggregates.csv").lstat().st_mode
    )
    assert _leftovers(www) == []


def test_an_approved_file_is_not_exported_into_a_pipe_nor_recorded(world: World, www: Path) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    _approve(world, source)
    head = _head(world)
    pipe = _pipe(www / "stats.xlsx")
    result = world.run("export", source, "--to", pipe, as_="p.publisher")
    assert result.code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        f"error: {pipe} is a named pipe, not a regular file or a directory: nothing was exported"
    )
    result = world.run("export", source, "--to", www, as_="p.publisher")
    assert result.code == 2 and "is a named pipe" in result.stderr
    assert _head(world) == head  # nothing appended
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert _leftovers(www) == []


# -- "Next": what actually unblocks a refused export ----------------------------------------


def _refused(world: World, source: Path, www: Path) -> list[str]:
    result = world.run("export", source, "--to", www, as_="p.publisher")
    assert result.code == 1, result.output
    return [
        line.strip()[2:] for line in result.stdout.splitlines() if line.strip().startswith("$ ")
    ]


def test_after_a_new_policy_the_next_step_is_a_new_request(world: World, www: Path) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    request = _approve(world, source)
    adopted = world.run(
        "policy", "adopt", world.policy(version=2, name="policy2.yaml"), "--roster",
        world.roster(), "--key", world.key("a.admin").private, as_="b.admin",
    )  # fmt: skip
    assert adopted.code == 0, adopted.output
    (step,) = _refused(world, source, www)
    assert step.startswith(f"approval request {source} ")
    assert step.endswith(f"# {request[:12]} was made under an earlier policy")
    assert "approval sign" not in step
    # ... and it is what unblocks: a new request, signed, lets the file out.
    _approve(world, source)
    assert world.run("export", source, "--to", www, as_="p.publisher").code == 0


def test_after_the_request_was_withdrawn_the_next_step_is_a_new_request(
    world: World, www: Path
) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    request = world.request(source)
    assert world.sign(request, "o.privacy").code == 0
    assert world.run("revoke", request, "--reason", "wrong file", as_="p.publisher").code == 0
    (step,) = _refused(world, source, www)
    assert step.startswith(f"approval request {source} ")
    assert step.endswith(f"# {request[:12]} was withdrawn")


def test_a_standing_rejection_needs_its_revocation_not_a_signature(world: World, www: Path) -> None:
    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    request = world.request(source)
    assert world.sign(request, "o.privacy").code == 0
    assert world.sign(request, "s.senior", "--reject", "--comment", "hidden sheet").code == 0
    with load(world.ledger) as session:
        (rejection,) = [s for s in session.state.signoffs_for(request) if not s.approves]
    revoke, again = _refused(world, source, www)
    assert revoke == (
        f'approval revoke {rejection.id[:12]} --key KEY --reason "..."   '
        "# by s.senior or an admin who did not request it"
    )
    assert again.startswith(f"approval request {source} ")
    assert again.endswith("# once the file is changed: the rejection binds its bytes")
    # ... and it is what unblocks: the admin withdraws it, then a senior official signs.
    assert world.run("revoke", rejection.id[:12], "--reason", "reviewed", as_="a.admin").code == 0
    assert _refused(world, source, www) == [
        f"approval sign {request[:12]} --file {source} --key KEY --role senior-official"
    ]
    assert world.sign(request, "t.senior").code == 0
    assert world.run("export", source, "--to", www, as_="p.publisher").code == 0


def test_expired_approvals_need_a_new_request(
    tmp_path: Path, make_key: KeyMaker, www: Path
) -> None:

    world = World(tmp_path, make_key)
    source = tmp_path / "stats.xlsx"
    detention_workbook(source, count=5)
    request = world.approved_long_ago(source)
    steps = _refused(world, source, www)
    assert steps[0].startswith(f"approval request {source} ")
    assert steps[0].endswith(f"# approvals of {request[:12]} expired")
    assert steps[1:] == [
        f"approval sign {request[:12]} --file {source} --key KEY --role {role}"
        for role in ("privacy-officer", "senior-official")
    ]


def test_redact_never_replaces_a_pipe_either(world: World, www: Path) -> None:
    from approval.workflow.redact import redact_file

    source = world.root / "stats.xlsx"
    detention_workbook(source, count=5)
    pipe = _pipe(www / "stats.xlsx")
    with pytest.raises(UsageError, match="is a named pipe"):
        redact_file(world.ledger, source, www)
    with pytest.raises(UsageError, match="is a named pipe"):
        redact_file(world.ledger, source, pipe)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert _leftovers(www) == []


def test_what_is_given_to_read_must_be_a_regular_file(tmp_path: Path) -> None:
    """export, request and redact say what the path is instead of "no such file"."""
    from approval.workflow.export import require_file

    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "dir").mkdir()
    (tmp_path / "ok.csv").write_text("a,b\n")
    require_file(tmp_path / "ok.csv")
    for name, words in (("pipe.csv", "is a named pipe"), ("dir", "is a directory"),
                        ("gone.csv", "no such file")):  # fmt: skip
        with pytest.raises(UsageError, match=words):
            require_file(tmp_path / name)
