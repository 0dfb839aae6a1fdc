"""What the CLI shows of text it did not write itself.

A rogue client can sign any string into a statement (a purpose, a destination, a file's name,
a comment) and append it with plain git: its escape sequences, carriage returns or bidi
controls must never reach the terminal an official signs from, whether the ledger refuses the
statement (exit 3) or shows it. And an error that echoes what the user typed (a path whose
directory is named after a person, with an A-number) must not write the name into a CI log.

The renderers are driven with plain values; the commands through the real CLI in a
subprocess, on a real ledger, piped and as on a terminal (``FORCE_COLOR``, as rich decides).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from approval.cli import render, screen
from approval.cli.jsontext import inert_json
from tests.corpus.carriers import payload_csv
from tests.support import CliResult, KeyMaker, run_approval
from tests.world import World

# What the red team signed into statements: erase the line, return, repaint; cursor up; bidi.
ESCAPES = "\x1b[2K\r\x1b[32mverdict: clean\x1b[0m"
CURSOR = "names\x1b[1A\x1b[2K\x1b[1GSign-offs: allowed"
BIDI = "\u202egpj.stats\u202c"
# None of these may reach stdout or stderr (rich's own styling on a terminal is ESC + "[1m",
# "[0m"..., never these).
FORBIDDEN = ("\x1b[2K", "\x1b[32m", "\x1b[1A", "\x1b[1G", "\r", "\u202e", "\u202c", "\x9b")
PERSON = "GARCIA, Maria A212345678"


def _clean(text: str) -> None:
    found = [repr(f) for f in FORBIDDEN if f in text]
    assert not found, f"{found} reached the output: {text!r}"


# -- the renderers, on plain values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("plain words", "plain words"),
        ("José Núñez, 名前", "José Núñez, 名前"),
        ("a\x1b[2Kb", "a\ufffd[2Kb"),
        ("one\ntwo\rthree\tfour", "one\ufffdtwo\ufffdthree\ufffdfour"),
        ("\u202egpj.csv", "\ufffdgpj.csv"),
        ("csi\x9b2J del\x7f", "csi\ufffd2J del\ufffd"),
        ("line\u2028para\u2029bom\ufeff", "line\ufffdpara\ufffdbom\ufffd"),
        ("lone \udcff surrogate", "lone \ufffd surrogate"),
        (42, "42"),
    ],
)
def test_inert_leaves_one_line_a_terminal_cannot_act_on(given: Any, shown: str) -> None:
    assert render.inert(given) == shown


def test_stdout_keeps_its_layout_and_loses_every_other_control() -> None:
    text = "a\tb\nc\x1b[1mbold\x1b[0m\rd\u202ee\x9bf\x00g — é\n"
    assert (
        render.harmless(text) == "a\tb\nc\ufffd[1mbold\ufffd[0m\ufffdd\ufffde\ufffdf\ufffdg — é\n"
    )
    # Where rich styles a terminal, its escape sequences pass; nothing else does.
    assert render.harmless(text, escape=True) == (
        "a\tb\nc\x1b[1mbold\x1b[0m\ufffdd\ufffde\ufffdf\ufffdg — é\n"
    )
    assert render.harmless("plain\n") == "plain\n"


def test_json_escapes_what_a_terminal_acts_on_and_reads_back_the_same() -> None:
    value = {"purpose": ESCAPES + BIDI, "c1": "\x9b\x85", "tag": "\U000e0041", "ok": "é 名"}
    text = inert_json(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(text) == value
    _clean(text)
    assert "\\u202e" in text and "\\u009b" in text and "\\udb40\\udc41" in text
    assert "é 名" in text  # readable text stays as it is


def test_a_command_s_json_escapes_what_a_terminal_acts_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from approval.cli.output import emit

    emit("show", {"purpose": ESCAPES, "destination": BIDI})
    out = capsys.readouterr().out
    _clean(out)
    assert json.loads(out)["destination"] == BIDI


def test_an_error_redacts_a_person_and_keeps_the_tool_s_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    render.print_error(
        [
            # 9 decimal digits in a hex id are not an A-number.
            "ledger commit 1d5762f0672f, entry 6, adoption 826013917fe0: 2 admin signatures",
            f"hint: {PERSON}/stats.csv: no such file{ESCAPES}",
        ],
        [f"{PERSON}.yaml:3: no keys"],
    )
    err = capsys.readouterr().err
    _clean(err)
    assert "A212345678" not in err and "GARCIA" not in err and "Maria" not in err
    assert "[redacted]/stats.csv: no such file" in err and "[redacted].yaml:3" in err
    assert "adoption 826013917fe0: 2 admin" in err


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """rich's console as on a terminal: panels, tables and escape sequences of its own."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    render.stdout.cache_clear()
    yield
    render.stdout.cache_clear()


def _screen() -> None:
    screen.show(
        [
            screen.Section(
                f"Request {ESCAPES}",
                [("purpose", ESCAPES), ("destination", BIDI), ("file", "a\nfaked: line")],
                ("official", "comment"),
                [("o.privacy", CURSOR)],
                notes=[CURSOR],
            )
        ]
    )
    screen.say(f"signed: {ESCAPES}")
    screen.print_line(f"  purpose: {BIDI}")
    screen.show_timeline([(ESCAPES, 1, CURSOR)], empty="")


def test_a_screen_shows_no_control_from_its_values(capsys: pytest.CaptureFixture[str]) -> None:
    _screen()
    out = capsys.readouterr().out
    _clean(out)
    assert "\x1b" not in out  # piped: no styling at all
    assert "verdict: clean" in out and "\ufffd" in out  # shown, inert
    # A newline in a value does not start a line of its own.
    assert not any(line.startswith("faked") for line in out.splitlines())


@pytest.mark.usefixtures("terminal")
def test_a_screen_on_a_terminal_shows_no_control_from_its_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _screen()
    out = capsys.readouterr().out
    _clean(out)
    assert "\x1b[" in out  # rich did style it: the terminal path was taken
    assert "verdict: clean" in out and "\ufffd" in out


# -- the real CLI on a ledger holding forged text -----------------------------------------------


def _git(
    ledger: Path, *args: str, input: bytes | None = None, env: dict[str, str] | None = None
) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(ledger), *args],
        input=input,
        capture_output=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return done.stdout.decode().strip()


def _append_raw(world: World, statement: dict[str, Any], signer: str, scratch: Path) -> str:
    """Sign ``statement`` with ``signer``'s real key and append it with git's plumbing, as a
    rogue client with push access would: no check of ours runs on the way in."""
    import rfc8785

    from approval.signing import load_private_key, sign_statement
    from approval.statements import short_id
    from approval.statements.paths import path_for

    head = _git(world.ledger, "rev-parse", "refs/heads/ledger")
    statement = {**statement, "seen_head": head}
    signature = sign_statement(statement, load_private_key(world.key(signer).private), signer)
    envelope: dict[str, Any] = {
        "signatures": [
            {"key": signature.key, "signature": signature.signature, "signer": signature.signer}
        ],
        "statement": statement,
    }
    ident = hashlib.sha256(rfc8785.dumps(statement)).hexdigest()
    path = path_for(statement["created"], statement["kind"], ident)
    blob = _git(world.ledger, "hash-object", "-w", "--stdin", input=rfc8785.dumps(envelope) + b"\n")
    index = {"GIT_INDEX_FILE": str(scratch / "forged-index")}
    _git(world.ledger, "read-tree", head, env=index)
    _git(world.ledger, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
    tree = _git(world.ledger, "write-tree", env=index)
    (scratch / "forged-index").unlink()
    message = f"{statement['kind']} {ident}\n\nApproval-Entry: {path}\n"
    commit = _git(world.ledger, "commit-tree", tree, "-p", head, "-m", message)
    _git(world.ledger, "update-ref", "refs/heads/ledger", commit, head)
    return short_id(ident)


def _statement(world: World, kind: str) -> dict[str, Any]:
    """The newest honest statement of ``kind`` in the ledger, as signed."""
    head = _git(world.ledger, "rev-parse", "refs/heads/ledger")
    names = _git(world.ledger, "ls-tree", "-r", "--name-only", head).split()
    name = [n for n in names if f"-{kind}-" in n][-1]
    statement: dict[str, Any] = json.loads(_git(world.ledger, "show", f"{head}:{name}"))[
        "statement"
    ]
    return statement


def _world(root: Path, make_key: KeyMaker) -> tuple[World, str]:
    """A ledger with an honest request for ``people.csv`` (its id)."""
    world = World(root, make_key)
    assert world.init().code == 0, world.last
    people = root / "people.csv"
    people.write_bytes(payload_csv())
    return world, world.request(people)


@pytest.fixture(scope="module")
def forged(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> dict[str, Any]:
    """A ledger with an honest request, a forged one whose free text and file name carry
    escapes and bidi controls, and a forged refusal of the honest one whose comment moves the
    cursor (the red team's p5, p6, p12)."""
    from approval.statements import format_time, now

    root = tmp_path_factory.mktemp("forged")
    world, honest = _world(root, make_key)
    assert world.sign(honest, "s.senior").code == 0, world.last
    created = format_time(now())
    request = _statement(world, "request")
    signoff = _statement(world, "signoff")
    request.update(
        created=created,
        purpose=f"stats {ESCAPES}",
        destination=f"www {BIDI}",
        artifact={**request["artifact"], "sha256": "ab" * 32, "name": f"people{ESCAPES}.csv"},
    )
    rogue = _append_raw(world, request, "p.publisher", root)
    signoff.update(created=created, decision="reject", signer="o.privacy", role="privacy-officer")
    signoff["comment"] = CURSOR
    _append_raw(world, signoff, "o.privacy", root)
    return {"world": world, "honest": honest[:12], "rogue": rogue}


def _run(world: World, *args: str | Path, terminal: bool = False) -> CliResult:
    env = {"APPROVAL_LEDGER": str(world.ledger)}
    if terminal:
        env |= {"FORCE_COLOR": "1", "NO_COLOR": ""}
    return run_approval(*args, cwd=world.root, env=env)


COMMANDS = {
    "show the forged request": ("show", "{rogue}"),
    "status of the refused request": ("status", "{honest}"),
    "inbox": ("inbox", "--all"),
    "audit": ("audit",),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_forged_text_never_reaches_the_terminal(
    forged: dict[str, Any], command: tuple[str, ...], terminal: bool
) -> None:
    args = [arg.format(**forged) for arg in command]
    result = _run(forged["world"], *args, terminal=terminal)
    _clean(result.stdout)
    _clean(result.stderr)
    # The ledger refuses the forged statements before any screen shows them (trust.text):
    # exit 3, naming the field and the code point, never echoing the text. What the ledger
    # admits, the screens show inert (the renderer tests above).
    assert result.code == 3, result.output
    assert "artifact.name holds an escape character (U+001B)" in result.stderr


@pytest.mark.parametrize("command", [("show", "{rogue}"), ("inbox", "--all"), ("audit",)])
def test_forged_text_in_json_is_escaped(forged: dict[str, Any], command: tuple[str, ...]) -> None:
    args = [arg.format(**forged) for arg in command]
    result = _run(forged["world"], *args, "--format", "json", terminal=True)
    _clean(result.output)
    assert result.code == 3, result.output  # refused, as on the screen
    assert "U+001B" in result.stderr


# -- errors that echo a path named after a person -----------------------------------------------


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, make_key: KeyMaker) -> dict[str, Any]:
    """An honest ledger, and a directory named after a person with a file in it, as a
    user's desk may hold."""
    world, honest = _world(tmp_path_factory.mktemp("desk"), make_key)
    directory = world.root / PERSON
    directory.mkdir()
    (directory / "ok.csv").write_bytes(payload_csv())
    (directory / "counts.csv").write_text("office,count\nnorth,3\n")
    return {"world": world, "honest": honest[:12], "dir": directory}


PATH_COMMANDS = {
    "status DIR": ("status", "{dir}"),
    "request DIR": ("request", "{dir}", "--purpose", "x", "--destination", "www"),
    "request missing": ("request", "{dir}/missing.csv", "--purpose", "x", "--destination", "w"),
    "export --to missing": ("export", "people.csv", "--to", "{dir}/no/deeper/", "--offline"),
    "audit --artifact": ("audit", "--artifact", "{dir}/missing.csv"),
    "audit --export": ("audit", "--export", "{dir}/exported"),
    "incident open --file": ("incident", "open", "--file", "{dir}/missing.csv"),
    "exposure --artifact": ("exposure", "--artifact", "{dir}/missing.csv"),
    "exposure --person-file": ("exposure", "--person-file", "{dir}/counts.csv"),
    "sign --key": ("sign", "{honest}", "--yes", "--key", "{dir}/key"),
    "--ledger": ("status", "people.csv", "--ledger", "{dir}/ledger"),
}
SIGNS_AS = {
    "request": "p.publisher",
    "export": "p.publisher",
    "incident": "o.privacy",
    "exposure": "o.privacy",
}


@pytest.mark.parametrize("command", PATH_COMMANDS.values(), ids=PATH_COMMANDS.keys())
def test_a_path_named_after_a_person_is_shown_redacted(
    desk: dict[str, Any], command: tuple[str, ...]
) -> None:
    world: World = desk["world"]
    args: list[str | Path] = [arg.format(**desk) for arg in command]
    if command[0] in SIGNS_AS:
        args += ["--key", world.key(SIGNS_AS[command[0]]).private]
    result = _run(world, *args)
    for part in ("A212345678", "GARCIA", "Maria"):
        assert part not in result.output, result.output
    assert "[redacted]" in result.output, result.output
