"""mbox: a mailbox file of many messages, each read as the email reader reads one.

Content decides: an mbox opens with a ``From `` separator line (``From sender date``). Each
message runs to the next separator line, with or without a blank line before it (mboxo,
mboxrd and the "From " lines Thunderbird and mutt write; mutt and Python's ``mailbox`` split at
a separator that follows a body line directly, so a message there is a message of its own,
its body decoded, not text of the one before); ``>From `` quoting in bodies is undone
(mboxrd). The separator lines are read too, as text of their own (``separator lines``): a
body line that looks like one ("From Maria ... 1990") starts a message in every mail reader,
and it is still there for anyone who opens the file as text, as a web server serves it. A
reply is read under what earlier messages of its thread said (``eml.Thread``). A
message's units are named ``message N`` (its parts ``message N/part 1.2``, its
attachments ``box.mbox/message N/report.csv``).

The file is streamed: one message is held at a time, bounded by the email reader's
``MAX_BYTES``; more than ``Limits.max_entries`` messages is ``Unscannable``, as for an
archive's members.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from approval.detect.readers.eml import MAX_BYTES, Thread, message_units
from approval.detect.units import (
    PARSED,
    Limits,
    Part,
    Probe,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

# "From sender date": an address (or MAILER-DAEMON) and a date with digits in it.
_SEPARATOR = re.compile(rb"From \S+ +[^\r\n]*\d")
_QUOTED = re.compile(rb">+From ")
_LINE_BYTES = 1024 * 1024


class MboxReader:
    name = "mbox"

    def __init__(self, max_bytes: int = MAX_BYTES, max_separators: int = MAX_BYTES):
        self.max_bytes = max_bytes  # of one message
        self.max_separators = max_separators  # of the separator lines, together

    def accepts(self, probe: Probe) -> bool:
        head = probe.head.removeprefix(b"\xef\xbb\xbf")
        return _SEPARATOR.match(head) is not None

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        thread = Thread()
        separators: list[str] = []
        for count, message in enumerate(self._messages(source, separators), 1):
            if count > limits.max_entries:
                raise Unscannable(
                    f"too many messages: more than {limits.max_entries} (limits.max_entries)"
                )
            name = f"message {count}"
            yield Part(name, "message", len(message), PARSED)
            try:
                yield from message_units(message, source, limits, prefix=name, thread=thread)
            except Unscannable as exc:
                raise Unscannable(f"{name}: {exc.reason}") from None
        yield Text(Where(part="separator lines"), separators, "mbox")

    def _messages(self, source: Source, separators: list[str]) -> Iterator[bytes]:
        """Each message's bytes; each separator line's text, without ``From ``, to
        ``separators`` (bounded as a message is)."""
        current: list[bytes] = []
        size = 0
        blank = True  # the start of the file counts as after a blank line
        started = False
        at_start = True  # whether this piece starts a line (a long line comes in pieces)
        separated = 0  # bytes of separator lines
        with source.open() as stream:
            for line in iter(lambda: stream.readline(_LINE_BYTES), b""):
                starts, at_start = at_start, line.endswith(b"\n")
                if starts and _SEPARATOR.match(line):
                    separated += len(line)
                    if separated > self.max_separators:
                        limit = self.max_separators
                        raise Unscannable(f"too large: separator lines over {limit} bytes")
                    separators.append(_text(line[5:]).rstrip("\r\n"))
                    if started:
                        # A blank line before the separator belongs to it.
                        yield b"".join(current[:-1] if blank else current)
                    current, size, started = [], 0, True
                    blank = False
                    continue
                blank = starts and not line.strip()
                if starts and _QUOTED.match(line):
                    line = line[1:]
                size += len(line)
                if size > self.max_bytes:
                    raise Unscannable(f"too large: a message over {self.max_bytes} bytes")
                current.append(line)
        if started:
            yield b"".join(current)


def _text(line: bytes) -> str:
    """A separator line as text: UTF-8, else Latin-1 (the charset of the mail is not known
    before its headers)."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


READER = MboxReader()
