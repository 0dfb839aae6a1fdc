"""Steps for offices sharing one ledger through a git remote (sync.feature).

A bare repository on the local filesystem is the remote; headquarters made the ledger with
``approval init --remote``, the other offices with ``approval clone``; every step runs the real
CLI in a subprocess against one office's clone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from tests.support import CliResult, KeyMaker
from tests.sync.conftest import Office, Shared, bare_remote, git
from tests.world import World

scenarios("sync.feature")

# The offices of the story, by the words the feature uses.
HQ, PRIVACY, PUBLISHING = "headquarters", "the privacy office", "the publishing office"


@pytest.fixture
def shared(tmp_path: Path, make_key: KeyMaker) -> Shared:
    world = World(tmp_path, make_key)
    return Shared(world, bare_remote(tmp_path / "remote.git"))


@pytest.fixture
def story(shared: Shared) -> dict[str, object]:
    www = shared.world.root / "www"
    www.mkdir()
    return {"www": www}


def _office(shared: Shared, name: str) -> Office:
    return shared.offices[name]


def _path(story: dict[str, object], key: str) -> Path:
    value = story[key]
    assert isinstance(value, Path)
    return value


def _text(story: dict[str, object], key: str) -> str:
    value = story[key]
    assert isinstance(value, str)
    return value


def _last(story: dict[str, object]) -> CliResult:
    value = story["last"]
    assert isinstance(value, CliResult)
    return value


def _unreachable(shared: Shared, name: str) -> None:
    """The office's network goes down, its clone up to date until then: its remote points
    nowhere (the other offices are fine)."""
    office = _office(shared, name)
    assert office.run("sync").code == 0
    git(office.path, "config", "remote.origin.url", str(shared.world.root / "unreachable.git"))


# -- given ----------------------------------------------------------------------------------


@given("headquarters shares a ledger through a git remote")
def headquarters(shared: Shared) -> None:
    world = shared.world
    result = world.run(
        "init", "--policy", world.policy(), "--roster", world.roster(),
        "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
        "--remote", shared.remote,
    )  # fmt: skip
    assert result.code == 0, result.output
    shared.offices[HQ] = Office(HQ, world.ledger, world)


@given("the privacy office and the publishing office have cloned it")
def cloned(shared: Shared) -> None:
    for name, directory in ((PRIVACY, "privacy"), (PUBLISHING, "publishing")):
        shared.clone(directory)
        shared.offices[name] = shared.offices.pop(directory)


@given(
    parsers.parse(
        "a detention-statistics workbook whose hidden second sheet lists {count:d} asylum seekers"
    )
)
def workbook(shared: Shared, story: dict[str, object], count: int) -> None:
    story["file"] = shared.workbook(count=count)


@given("the publishing office has requested approval to publish it")
def requested(shared: Shared, story: dict[str, object]) -> None:
    story["request"] = _office(shared, PUBLISHING).request(_path(story, "file"))


@given("the privacy officer and the senior official have approved it in their offices")
def approved(shared: Shared, story: dict[str, object]) -> None:
    request = _text(story, "request")
    for office, who in ((PRIVACY, "o.privacy"), (HQ, "s.senior")):
        result = _office(shared, office).sign(request, who)
        assert result.code == 0, result.output


@given(parsers.parse("{office} cannot reach the remote"))
def cannot_reach(shared: Shared, office: str) -> None:
    _unreachable(shared, office)


@given("someone rewinds the shared ledger to its first entry")
def rewound(shared: Shared, story: dict[str, object]) -> None:
    publishing = _office(shared, PUBLISHING)
    story["verified"] = publishing.head()
    first = git(shared.remote, "rev-list", "--max-parents=0", "refs/heads/ledger")
    git(shared.remote, "update-ref", "refs/heads/ledger", first)  # what a force-push does
    story["rewound"] = first


# -- when -----------------------------------------------------------------------------------


@when("the privacy officer approves the request in the privacy office")
def privacy_approves(shared: Shared, story: dict[str, object]) -> None:
    story["last"] = _office(shared, PRIVACY).sign(_text(story, "request"), "o.privacy")


@when("the senior official approves the request at headquarters")
def senior_approves(shared: Shared, story: dict[str, object]) -> None:
    result = _office(shared, HQ).sign(_text(story, "request"), "s.senior")
    assert result.code == 0, result.output


@when(
    parsers.parse(
        'the privacy officer withdraws the approval in the privacy office because "{why}"'
    )
)
def withdraws(shared: Shared, story: dict[str, object], why: str) -> None:
    privacy = _office(shared, PRIVACY)
    signoff = next(s for s in privacy.statements() if s.startswith("signoff ")).split()[1]
    result = privacy.run("revoke", signoff, "--reason", why, as_="o.privacy")
    assert result.code == 0, result.output


@when("the publisher exports the workbook in the publishing office")
def exports(shared: Shared, story: dict[str, object]) -> None:
    publishing = _office(shared, PUBLISHING)
    story["last"] = publishing.run(
        "export", _path(story, "file"), "--to", _path(story, "www"), as_="p.publisher"
    )


@when("the privacy office can reach the remote again and syncs")
def reconnects(shared: Shared) -> None:
    privacy = _office(shared, PRIVACY)
    git(privacy.path, "config", "remote.origin.url", str(shared.remote))
    result = privacy.run("sync")
    assert result.code == 0, result.output
    assert "went out: 1 statement (1 sign-off)" in result.stdout


@when("the publishing office syncs")
def publishing_syncs(shared: Shared, story: dict[str, object]) -> None:
    story["last"] = _office(shared, PUBLISHING).run("sync")


# -- then -----------------------------------------------------------------------------------


@then("the export succeeds")
def export_succeeds(story: dict[str, object]) -> None:
    result = _last(story)
    assert result.code == 0, result.output
    assert "exported" in result.stdout


@then("the export is refused")
def export_refused(story: dict[str, object]) -> None:
    result = _last(story)
    assert result.code == 1, result.output
    assert "export refused" in result.stdout
    assert "privacy-officer" in result.stdout


@then(parsers.parse("the export fails with exit code {code:d}"))
def export_fails(story: dict[str, object], code: int) -> None:
    assert _last(story).code == code, _last(story).output


@then(parsers.parse("the sync fails with exit code {code:d}"))
def sync_fails(story: dict[str, object], code: int) -> None:
    assert _last(story).code == code, _last(story).output


@then(parsers.parse('it says "{text}"'))
def it_says(story: dict[str, object], text: str) -> None:
    assert text in _last(story).output


@then("the website holds a byte-identical copy")
def byte_identical(story: dict[str, object]) -> None:
    file = _path(story, "file")
    assert (_path(story, "www") / file.name).read_bytes() == file.read_bytes()


@then("the website holds nothing")
def website_empty(story: dict[str, object]) -> None:
    assert list(_path(story, "www").iterdir()) == []


@then("after a sync every office's ledger records the export")
def everyone_records_it(shared: Shared) -> None:
    for office in shared.offices.values():
        result = office.run("sync")
        assert result.code == 0, result.output
        assert office.statements()[-1].startswith("export ")
        assert office.head() == shared.remote_head()


@then("it warns that the sign-off is kept in the privacy office for the next sync")
def kept_locally(shared: Shared, story: dict[str, object]) -> None:
    result = _last(story)
    assert result.code == 0, result.output
    assert "kept in this clone" in result.stderr
    assert "approval sync" in result.stderr
    assert _office(shared, PRIVACY).statements()[-1].startswith("signoff ")
    assert not any(s.startswith("signoff ") for s in shared.remote_statements())


def _status(shared: Shared, story: dict[str, object]) -> CliResult:
    return _office(shared, PUBLISHING).run("status", _text(story, "request"))


@then("the publishing office's status does not show the sign-off")
def status_without(shared: Shared, story: dict[str, object]) -> None:
    result = _status(shared, story)
    assert result.code == 1, result.output
    missing = next(line for line in result.stdout.splitlines() if "missing:" in line)
    assert "privacy-officer" in missing


@then("the publishing office's status shows the sign-off")
def status_with(shared: Shared, story: dict[str, object]) -> None:
    result = _status(shared, story)
    assert result.code == 1, result.output  # one role of two: still blocked
    missing = next(line for line in result.stdout.splitlines() if "missing:" in line)
    assert missing.split() == ["missing:", "senior-official"]


@then("it names the head the publishing office verified and the rewound head")
def names_heads(story: dict[str, object]) -> None:
    stderr = _last(story).stderr
    assert _text(story, "verified")[:12] in stderr
    assert _text(story, "rewound")[:12] in stderr
    assert "rewritten" in stderr


@then("the publishing office's ledger is unchanged")
def unchanged(shared: Shared, story: dict[str, object]) -> None:
    publishing = _office(shared, PUBLISHING)
    assert publishing.head() == _text(story, "verified")
    assert (
        subprocess.run(
            ["git", "--git-dir", str(publishing.path), "fsck", "--no-dangling"], capture_output=True
        ).returncode
        == 0
    )
