"""Terminal output: rich on a terminal, plain text when piped, ``NO_COLOR`` honoured.

Writing the output can fail: the reader of a pipe goes away (``approval audit | head``), or the
disk behind a redirection is full. The rule, the same for every command:

- a closed pipe ends the command quietly, with the exit code it had decided on before it began
  to print (``outcome``), else 2; never 1 on its own account, since 1 means "blocked";
- any other failure to write is one line, ``cannot write output: <reason>``, and exit 2.

``GuardedOutput`` makes such a failure an ``OutputError``, told apart from an ``OSError`` on an
input, and out of the reach of Click, whose own handling of a closed pipe exits 1.

What is shown can also mislead. A string from the ledger or from a file (a purpose, a
destination, a file, sheet or column name, a comment, a role) is written by whoever signed it,
maybe a rogue client: an escape sequence, a carriage return or a bidi control in it could
repaint the screen an official signs from. So:

- every such string is made ``inert`` where it is rendered (``approval.cli.screen`` does it
  for every ``Section``, ``say``, ``print_line`` and timeline): control and format characters
  become U+FFFD, as ``approval.detect.strings.printable`` makes them, and a value stays one
  line; JSON escapes them instead (``approval.cli.jsontext.inert_json``);
- ``GuardedOutput``, the last line of defence, replaces in whatever reaches stdout every
  control and format character but newline, tab and, where rich styles a terminal, ESC: what a
  screen forgets to make inert can no longer return the carriage or reorder text, and piped
  output holds no escape sequence at all;
- an error or a warning can echo what the user typed, such as a path whose directory is named
  after a person: ``print_error`` and ``print_warning`` redact, as a report does, what
  identifies a person (``approval.detect.strings.safe_text``), and a path a command names on
  success goes through ``shown_path``.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from rich.console import Console

    from approval.policy import Policy

# What ``approval.detect.strings.printable`` replaces: control, format, line and paragraph
# separators, and lone surrogates (bytes of a file name that are not UTF-8), which stdout
# cannot even encode.
INVISIBLE = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))
REPLACEMENT = "\ufffd"
# What ``harmless`` looks at: every C0 control but tab and newline, DEL, and everything beyond
# ASCII (C1 controls, bidi and other format characters among it, told apart by category).
_STRAY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\U0010ffff]")
_ASCII_STRAY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ASCII_STRAY_BUT_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]")
# In a long text, one character at a time: ``c in text`` is a memchr (~2 ms a MB for all of
# them, against ~8 ms for the regex; an audit's JSON can be 100 MB).
_ASCII_STRAYS = tuple(chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F))
_ASCII_STRAYS_BUT_ESCAPE = tuple(c for c in _ASCII_STRAYS if c != "\x1b")
_LONG = 4096
_HEX_ID = re.compile(r"(?<![0-9A-Za-z])([0-9a-f]{12,64})(?![0-9A-Za-z])")


class OutputError(Exception):
    """Writing to stdout failed; ``reason`` is the system's words (never the output itself)."""

    def __init__(self, error: OSError):
        super().__init__(error.strerror or type(error).__name__)
        self.errno = error.errno
        self.reason = error.strerror or type(error).__name__


class GuardedOutput:
    """A text stream (stdout) whose failures to write or flush raise ``OutputError``, and on
    which no control or format character arrives but newline, tab and, where rich styles a
    terminal, ESC (each other one is U+FFFD); everything else is the stream's own."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        # rich writes escape sequences only to a terminal (or when FORCE_COLOR asks); text
        # piped to a file or a pager has none of its own, so none at all.
        self.styled = bool(os.environ.get("FORCE_COLOR")) or _isatty(stream)

    def write(self, text: str) -> int:
        try:
            return self.stream.write(harmless(text, escape=self.styled))
        except OSError as e:
            raise OutputError(e) from e

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as e:
            raise OutputError(e) from e

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or closed
        return False


def harmless(text: str, *, escape: bool = False) -> str:
    """``text`` as written to stdout: every control and format character but newline and tab
    (and ESC when ``escape``) replaced by U+FFFD. The last line of defence: values are made
    ``inert`` before they are laid out, newlines included."""
    if text.isascii():
        if len(text) > _LONG:
            strays = _ASCII_STRAYS_BUT_ESCAPE if escape else _ASCII_STRAYS
            if not any(stray in text for stray in strays):
                return text
        elif (_ASCII_STRAY_BUT_ESCAPE if escape else _ASCII_STRAY).search(text) is None:
            return text
    keep = "\x1b" if escape else ""
    return _STRAY.sub(
        lambda m: (
            m[0] if m[0] == keep or unicodedata.category(m[0]) not in INVISIBLE else REPLACEMENT
        ),
        text,
    )


def inert(text: object) -> str:
    """A string from the ledger or from a file, as one line that cannot act on a terminal:
    control and format characters (ESC, CR, newline, tab, U+202E...) become U+FFFD
    (``approval.detect.strings.printable``, what a name from a file gets before it is signed)."""
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():
        return value
    from approval.detect.strings import printable

    return printable(value)


def shown_path(path: str | Path, policy: Policy | None = None) -> str:
    """A path the user gave, as a message shows it: a directory or file name in it that
    identifies a person redacted (``[redacted]/ok.csv``), as in a report; ``policy`` is the
    one in force where it is known, else the default."""
    from approval.detect.strings import safe_text

    return safe_text(str(path), policy or _default_policy())


@cache
def _default_policy() -> Policy:
    from approval.policy import default_policy

    return default_policy()


# The exit code the running command has decided on, for a reader that closes the pipe early.
_outcome: list[int] = []


def outcome(code: int) -> None:
    """Record the exit code this command ends with, once it is known and before the answer
    is printed: ``approval audit | head`` then still exits 0 on an intact ledger."""
    _outcome[:] = [code]


def decided() -> int | None:
    """The code given to ``outcome`` in this run, if any."""
    return _outcome[0] if _outcome else None


def forget_outcome() -> None:
    _outcome.clear()


def discard(stream: TextIO) -> None:
    """After a failed write, send what ``stream`` still buffers nowhere: otherwise the
    interpreter's last flush fails again, prints an "Exception ignored" warning and exits 120."""
    try:
        target = os.open(os.devnull, os.O_WRONLY)
        os.dup2(target, stream.fileno())
        os.close(target)
    except (OSError, ValueError):
        pass  # no file descriptor (an in-process test's stream): nothing is flushed at exit


def terminal() -> bool:
    """Whether stdout gets the terminal's rendering (tables and panels), decided as rich decides
    it without importing rich: stdout is a terminal, or FORCE_COLOR asks for it (as
    ``approval demo`` does on a terminal, to show each step's screens as they would look)."""
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


@cache
def stdout() -> Console:
    from rich.console import Console

    # rich itself turns colour off when NO_COLOR is set or stdout is not a terminal.
    return Console(highlight=False, soft_wrap=False)


@cache
def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def print_error(lines: list[str], details: list[str] | None = None) -> None:
    """Any detail lines, then the message prefixed ``error:`` and its hint, on stderr (unless
    stderr itself cannot be written: the exit code still tells)."""
    with contextlib.suppress(OSError):
        _print_error(lines, details)


def print_warning(message: str) -> None:
    """``warning: MESSAGE`` on stderr, made safe as an error is."""
    with contextlib.suppress(OSError):
        line = f"warning: {_safe_line(message)}"
        if sys.stderr.isatty():
            stderr().print(_escape(line), style="yellow")
        else:
            print(line, file=sys.stderr)


def _safe_line(line: str) -> str:
    """A line of an error: inert, and what identifies a person in it redacted. An error may
    echo what the user typed (a path, a value) or what a file or the ledger holds; it is not
    known which words those are, so the whole line is checked, as a scan checks a file name
    (the tool's own words are lower case: nothing of them is taken for a name)."""
    text = inert(line)
    try:
        # Ids and commits (12 to 64 hex digits) are the tool's: a run of 8-9 decimal digits in
        # one is not an A-number, and the id must stay whole to be of use.
        parts = _HEX_ID.split(text)
        return "".join(
            part if index % 2 else shown_path(part) if part else part
            for index, part in enumerate(parts)
        )
    except Exception:
        # Not checked is not shown: the line could hold what it was to hide.
        return "(a message that could not be checked for personal data; run with --debug)"


def _print_error(lines: list[str], details: list[str] | None) -> None:
    lines = [_safe_line(line) for line in lines]
    details = [_safe_line(line) for line in details or ()]
    first, *rest = lines or ["error"]
    if sys.stderr.isatty():
        console = stderr()
        for line in details or ():
            console.print(_escape(line))
        console.print(f"[bold red]error:[/] {_escape(first)}")
        for line in rest:
            console.print(_escape(line), style="dim" if line.startswith("hint:") else None)
    else:
        for line in details or ():
            print(line, file=sys.stderr)
        print(f"error: {first}", file=sys.stderr)
        for line in rest:
            print(line, file=sys.stderr)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
