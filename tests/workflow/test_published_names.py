"""A path is published with the file: ``approval export`` and ``approval redact --out`` refuse a
target whose path holds protected data (its name, or any directory in it, as given or resolved),
by the rule ``approval check`` and ``approval serve`` apply, before anything is staged, written
or recorded (exit 1); the error names the path redacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv
from approval.errors import EXIT_BLOCKED, BlockedError
from approval.files.atomic import Staged
from approval.ledger.session import load
from approval.workflow.export import export_file
from approval.workflow.redact import redact_file
from tests.corpus import tabular
from tests.world import World

NAMED = "Maria Lopez A212345678 asylum granted.csv"
FORBIDDEN = ("Maria", "Lopez", "212345678")


def _head(world: World) -> str | None:
    with load(world.ledger) as session:
        return session.head


def _every_file(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if not p.is_dir())


def _refused(error: BlockedError) -> str:
    message = "\n".join(error.diagnostics())
    assert error.exit_code == EXIT_BLOCKED
    assert "its name holds protected data (protected-person): rename it" in error.message
    assert "[redacted]" in error.message
    assert [word for word in FORBIDDEN if word in message] == []
    return error.message


def _clean(world: World) -> Path:
    source = world.root / "stats.csv"
    aggregate_csv(source)
    return source


def _never_staged(target: Path) -> Staged:
    raise AssertionError(f"staged at {target}: the path was not refused before staging")


def _export_refused(world: World, www: Path, source: Path, dest: Path) -> str:
    head = _head(world)
    with pytest.raises(BlockedError) as caught:
        # Refused before the destination directory is even opened (nothing staged there).
        key = world.key("p.publisher").private
        export_file(world.ledger, source, dest, key, None, staging=_never_staged)
    assert _every_file(www) == []
    assert _head(world) == head  # nothing recorded, not even a clean export
    return _refused(caught.value)


def test_export_refuses_a_file_name_that_holds_protected_data(world: World, www: Path) -> None:
    message = _export_refused(world, www, _clean(world), www / NAMED)
    assert message.startswith(f"{www}/[redacted] asylum granted.csv: not exported: ")


def test_export_refuses_the_source_s_own_name_kept_in_a_directory(world: World, www: Path) -> None:
    source = world.root / NAMED
    aggregate_csv(source)  # clean bytes: the name alone is the data
    _export_refused(world, www, source, www)


def test_export_refuses_a_directory_named_after_a_person(world: World, www: Path) -> None:
    folder = www / "Maria Lopez A212345678 asylum"
    folder.mkdir()
    message = _export_refused(world, www, _clean(world), folder / "stats.csv")
    assert message.startswith(f"{www}/[redacted] asylum/stats.csv: ")


def test_export_refuses_a_person_named_across_directories(world: World, www: Path) -> None:
    # No single component names the person and the claim; the path does.
    folder = www / "Maria Lopez" / "A212345678" / "asylum"
    folder.mkdir(parents=True)
    _export_refused(world, www, _clean(world), folder)


def test_export_refuses_a_relative_path_naming_a_person(
    world: World, www: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (www / "Maria Lopez A212345678 asylum").mkdir()
    monkeypatch.chdir(www)
    _export_refused(world, www, _clean(world), Path("Maria Lopez A212345678 asylum/../x.csv"))


def test_export_refuses_a_link_to_a_directory_named_after_a_person(world: World, www: Path) -> None:
    # The path given names no one; the directory the bytes land in (and the statement would
    # name) does.
    folder = www / "Maria Lopez A212345678 asylum"
    folder.mkdir()
    (www / "latest").symlink_to(folder.name)
    _export_refused(world, www, _clean(world), www / "latest" / "stats.csv")


def test_export_under_a_clean_path_still_exports(world: World, www: Path) -> None:
    # The rule is about the path: the same clean bytes under a name that names no one leave.
    source = world.root / NAMED
    aggregate_csv(source)
    done = export_file(
        world.ledger, source, www / "stats.csv", world.key("p.publisher").private, None
    )
    assert done.exported
    assert (www / "stats.csv").read_bytes() == source.read_bytes()


def _protected(world: World) -> Path:
    return tabular.detainee_sheet(3).write_csv(world.root / "detainees.csv")


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
def test_redact_refuses_an_out_path_that_holds_protected_data(
    world: World, www: Path, signed: bool
) -> None:
    head = _head(world)
    key = world.key("p.publisher").private if signed else None
    out = www / "Jose Perez A098765432 credible fear positive.csv"
    with pytest.raises(BlockedError) as caught:
        redact_file(world.ledger, _protected(world), out, key, None)
    assert "[redacted] credible fear positive.csv: not written: " in caught.value.message
    assert [w for w in ("Jose", "Perez", "098765432") if w in caught.value.message] == []
    assert caught.value.exit_code == EXIT_BLOCKED
    assert _every_file(www) == []
    assert _head(world) == head


def test_redact_refuses_the_source_s_own_name_kept_in_a_directory(world: World, www: Path) -> None:
    source = tabular.detainee_sheet(3).write_csv(world.root / NAMED)
    head = _head(world)
    with pytest.raises(BlockedError) as caught:
        redact_file(world.ledger, source, www, world.key("p.publisher").private, None)
    _refused(caught.value)
    assert _every_file(www) == []
    assert _head(world) == head


def test_redact_without_a_ledger_refuses_under_the_default_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("APPROVAL_LEDGER", raising=False)
    source = tabular.detainee_sheet(3).write_csv(tmp_path / "detainees.csv")
    out = tmp_path / "Maria Lopez A212345678 asylum"
    out.mkdir()
    with pytest.raises(BlockedError) as caught:
        redact_file(None, source, out / "public.csv")
    _refused(caught.value)
    assert list(out.iterdir()) == []
