"""An export puts the bytes exactly where its record says, and never into the ledger.

The destination directory is opened once, before the decision, and every step after goes
through that descriptor (``approval.files.atomic.Staged``). A directory swapped for another, or
for a link to another, is caught before the export is recorded (nothing recorded, nothing
written) or, after, before the bytes are placed (the record says so, nothing written); even a
swap that wins every check puts the bytes only in the directory opened, never in the one swapped
in. The swaps are made by ``Staged`` subclasses at a chosen moment, so nothing here races.

A destination inside the ledger (its refs, its objects, the directory itself, by any path that
reaches it) or inside any git directory is refused before anything is read or recorded.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.demo.synthetic import aggregate_csv, detention_workbook
from approval.errors import ApprovalError, UsageError
from approval.files.atomic import DestinationMoved, Staged, copy_hashing, write_private
from approval.ledger.session import load
from approval.workflow.export import Exported, export_file
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> World:
    world = World(tmp_path_factory.mktemp("world"), make_key)
    result = world.init()
    assert result.code == 0, result.output
    return world


def _head(world: World) -> str | None:
    with load(world.ledger) as session:
        return session.head


def _destinations(world: World, source: Path) -> dict[str, str]:
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    with load(world.ledger) as session:
        return {e.id: e.destination for e in session.state.exports_for(sha256)}


def _all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _swap(directory: Path, elsewhere: Path) -> None:
    """What the attacker's watcher does: ``directory`` moved aside, a link to ``elsewhere`` in
    its place."""
    directory.rename(directory.with_name(directory.name + ".real"))
    directory.symlink_to(elsewhere)


def _places(tmp_path: Path) -> tuple[Path, Path]:
    pub, elsewhere = tmp_path / "pub", tmp_path / "elsewhere"
    pub.mkdir()
    elsewhere.mkdir()
    return pub, elsewhere


class _SwapWhenOpened(Staged):
    """The directory is swapped just after it was opened, before the decision."""

    elsewhere: Path

    def __init__(self, final: Path, *, unnamed: bool = True):
        super().__init__(final, unnamed=unnamed)
        _swap(final.parent, self.elsewhere)


class _SwapBeforePlacing(Staged):
    """The directory is swapped after the decision (and the record), before the link."""

    elsewhere: Path

    def _before_placing(self) -> None:
        _swap(self.final.parent, self.elsewhere)


class _SwapAndWinTheCheck(_SwapBeforePlacing):
    """A swap that lands between the last check and the link: the check sees nothing."""

    def check_place(self) -> None:
        pass


def _stager(kind: type[Staged], elsewhere: Path, unnamed: bool = True) -> type[Staged]:
    return type(kind.__name__, (kind,), {"elsewhere": elsewhere})


# -- Staged alone: the descriptor decides where the bytes go --------------------------------


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "private-directory"])
def test_a_swap_before_placing_writes_nothing_anywhere(tmp_path: Path, unnamed: bool) -> None:
    pub, elsewhere = _places(tmp_path)
    source = tmp_path / "source.csv"
    source.write_bytes(b"year,count\n2022,5\n")
    stage = _stager(_SwapBeforePlacing, elsewhere)(pub / "stats.csv", unnamed=unnamed)
    try:
        copy_hashing(source, stage.file)
        with pytest.raises(DestinationMoved):
            stage.commit()
    finally:
        stage.discard()
    assert list(elsewhere.iterdir()) == []
    assert list((tmp_path / "pub.real").iterdir()) == []  # no staging left behind either


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "private-directory"])
def test_a_swap_that_wins_every_check_still_writes_only_where_opened(
    tmp_path: Path, unnamed: bool
) -> None:
    pub, elsewhere = _places(tmp_path)
    recorded = pub.resolve()
    source = tmp_path / "source.csv"
    source.write_bytes(b"year,count\n2022,5\n")
    stage = _stager(_SwapAndWinTheCheck, elsewhere)(pub / "stats.csv", unnamed=unnamed)
    try:
        copy_hashing(source, stage.file)
        stage.commit()
    finally:
        stage.discard()
    assert stage.target == recorded / "stats.csv"
    assert list(elsewhere.iterdir()) == []
    assert _all_files(tmp_path / "pub.real") == ["stats.csv"]


def test_the_target_is_the_directory_resolved_when_opened(tmp_path: Path) -> None:
    real = tmp_path / "release-7"
    real.mkdir()
    (tmp_path / "current").symlink_to(real)
    stage = Staged(tmp_path / "current" / "stats.csv")
    try:
        assert stage.directory == real.resolve()
        assert stage.target == real.resolve() / "stats.csv"
        (tmp_path / "current").unlink()
        (tmp_path / "current").symlink_to(tmp_path)
        stage.check_place()  # the directory it names is still the one opened
        real.rename(tmp_path / "release-7.old")
        with pytest.raises(DestinationMoved):
            stage.check_place()
    finally:
        stage.discard()


# -- export: the record names where the bytes are, or the failure says so --------------------


def _swapped(
    world: World, tmp_path: Path, swap: type
) -> tuple[Path, Path, Path, Callable[[], Exported]]:
    """``pub/``, the directory swapped in for it, a clean source, and its export by the
    publisher with the stage that makes the swap ``swap``."""
    pub, elsewhere = _places(tmp_path)
    source = tmp_path / "aggregates.csv"
    aggregate_csv(source)

    def export() -> Exported:
        key = world.key("p.publisher").private
        return export_file(world.ledger, source, pub, key, None, staging=_stager(swap, elsewhere))

    return pub, elsewhere, source, export


def test_a_swap_before_the_record_records_nothing_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    _, elsewhere, _, export = _swapped(world, tmp_path, _SwapWhenOpened)
    head = _head(world)
    with pytest.raises(UsageError, match="nothing was exported or recorded"):
        export()
    assert _head(world) == head
    assert list(elsewhere.iterdir()) == []
    assert list((tmp_path / "pub.real").iterdir()) == []


def test_a_swap_after_the_record_writes_nothing_and_says_so(world: World, tmp_path: Path) -> None:
    pub, elsewhere, source, export = _swapped(world, tmp_path, _SwapBeforePlacing)
    recorded = pub.resolve()
    before = _destinations(world, source)
    with pytest.raises(ApprovalError, match=r"was recorded, but .* could not be written") as e:
        export()
    assert e.value.exit_code == 2
    (new,) = set(_destinations(world, source).items()) - set(before.items())
    assert new[1] == str(recorded / "aggregates.csv")
    # The record names pub/, which holds nothing: a recorded export that did not happen, and
    # said so; the bytes are nowhere else.
    assert list(elsewhere.iterdir()) == []
    assert list((tmp_path / "pub.real").iterdir()) == []


def test_a_swap_that_wins_every_check_puts_the_bytes_only_in_the_recorded_directory(
    world: World, tmp_path: Path
) -> None:
    pub, elsewhere, source, export = _swapped(world, tmp_path, _SwapAndWinTheCheck)
    recorded = pub.resolve()
    done = export()
    assert done.statement is not None
    # The recorded directory is the one opened (moved since, as any directory may be after an
    # export): its bytes are there, and not in the directory swapped in.
    assert _destinations(world, source)[done.statement] == str(recorded / "aggregates.csv")
    assert list(elsewhere.iterdir()) == []
    assert (tmp_path / "pub.real" / "aggregates.csv").read_bytes() == source.read_bytes()


# -- never into the ledger, nor into any git directory ---------------------------------------


@pytest.mark.parametrize(
    "dest",
    [
        "{ledger}/refs/heads/ledger",
        "{ledger}/",
        "{ledger}/objects/",
        "{alias}/heads/ledger",
        "{repo}/.git/refs/heads/main",
        "{repo}/.git/",
        "{bare}/refs/heads/",
    ],
)
def test_a_destination_in_the_ledger_or_a_git_directory_is_refused(
    world: World, tmp_path: Path, dest: str
) -> None:
    source = tmp_path / "aggregates.csv"
    aggregate_csv(source)
    repo, bare, alias = tmp_path / "repo", tmp_path / "bare.git", tmp_path / "alias"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    (repo / ".git" / "refs" / "heads" / "main").write_text("0" * 40 + "\n")
    alias.symlink_to(world.ledger / "refs")  # the ledger by another path
    target = dest.format(ledger=world.ledger, repo=repo, bare=bare, alias=alias)
    head = _head(world)
    refs = (world.ledger / "refs" / "heads" / "ledger").read_bytes()
    result = world.run("export", source, "--to", target, as_="p.publisher")
    assert result.code == 2, result.output
    first = result.stderr.strip().splitlines()[0]
    assert "is inside the ledger" in first or "is inside a git directory" in first
    assert "Traceback" not in result.output
    assert _head(world) == head
    assert (world.ledger / "refs" / "heads" / "ledger").read_bytes() == refs
    assert not (world.ledger / "aggregates.csv").exists()
    assert (repo / ".git" / "refs" / "heads" / "main").read_text() == "0" * 40 + "\n"


def test_the_ledger_is_named_as_such(world: World, tmp_path: Path) -> None:
    source = tmp_path / "old.txt"
    source.write_text("nothing protected here\n")
    result = world.run(
        "export", source, "--to", world.ledger / "refs/heads/ledger", as_="p.publisher"
    )
    assert result.code == 2
    assert "refs/heads/ledger is inside the ledger: nothing was written" in result.stderr


def test_a_work_tree_beside_dot_git_is_a_fine_destination(world: World, tmp_path: Path) -> None:
    repo = tmp_path / "site"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    source = tmp_path / "aggregates.csv"
    aggregate_csv(source)
    done = export_file(world.ledger, source, repo, world.key("p.publisher").private, None)
    assert done.exported
    assert (repo / "aggregates.csv").read_bytes() == source.read_bytes()
    assert list((repo / ".git" / "refs" / "heads").iterdir()) == []


def test_a_redaction_is_not_written_into_the_ledger_either(world: World, tmp_path: Path) -> None:
    source = tmp_path / "stats.xlsx"
    detention_workbook(source, count=3)
    head = _head(world)
    result = world.run("redact", source, "--out", world.ledger / "stats.xlsx", as_="p.publisher")
    assert result.code == 2, result.output
    assert "is inside the ledger: nothing was written" in result.stderr
    assert not (world.ledger / "stats.xlsx").exists()
    assert _head(world) == head


# -- the privacy office's 0600 person lists: the same discipline ------------------------------


def test_a_private_list_replaces_a_link_never_writes_through_it(tmp_path: Path) -> None:
    elsewhere = tmp_path / "www"
    elsewhere.mkdir()
    (elsewhere / "persons.txt").write_text("served\n")
    out = tmp_path / "persons.txt"
    out.symlink_to(elsewhere / "persons.txt")
    with pytest.raises(FileExistsError):
        write_private(out, b"A-number list\n", force=False)
    write_private(out, b"A-number list\n", force=True)
    assert (elsewhere / "persons.txt").read_text() == "served\n"
    assert not out.is_symlink() and out.read_bytes() == b"A-number list\n"
    assert out.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["persons.txt", "www"]


def test_no_staged_writer_writes_into_a_git_directory(world: World, tmp_path: Path) -> None:
    # The HTML report goes through the same staging: never over the ledger's branch.
    refs = (world.ledger / "refs" / "heads" / "ledger").read_bytes()
    result = world.run("audit", "--html", world.ledger / "refs" / "heads" / "ledger")
    assert result.code == 2, result.output
    assert "is inside a git directory" in result.stderr.strip().splitlines()[0]
    assert (world.ledger / "refs" / "heads" / "ledger").read_bytes() == refs
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with pytest.raises(UsageError, match="inside a git directory"):
        Staged(repo / ".git" / "config")
    with pytest.raises(UsageError, match="inside a git directory"):
        write_private(repo / ".git" / "persons.txt", b"list\n", force=True)
    assert not (repo / ".git" / "persons.txt").exists()
