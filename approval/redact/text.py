"""Plain text, Markdown and email read as text: identifiers replaced by ``[REDACTED]``.

What is replaced, line by line: whatever the policy's identifier detectors find in prose (names
written ``LAST, First``, A-numbers) and birthdates; values written after a label of one of those
(``Name: ...``, ``DOB 03/04/1985``, ``Alien No. 212345678``); and in Markdown pipe tables, the
cells of the columns the scan found identifying (matched by header). Attributes and claims in
prose stay: once nobody is identified they disclose nothing about a person. The rescan decides
whether that was enough.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

from approval.detect.classify import column_letters
from approval.detect.scan import engine_for
from approval.detect.textio import sniff_encoding
from approval.redact.base import MARK, Plan

# Attributes that identify a person with a name in this policy's sense, and are redacted in
# prose too; nationality and facility stay (they are what statistics are about).
_ALSO = ("birthdate",)
# The end of a labelled value: the next separator, or the end of the line.
_VALUE = r"[^;|\r\n]+"
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


class TextRedactor:
    name = "text"

    def redact(self, source: Path, out: BinaryIO, plan: Plan) -> list[str]:
        raw = source.read_bytes()
        encoding = sniff_encoding(raw[:8192]) or "utf-8"
        text = raw.decode(encoding, errors="replace")
        engine = engine_for(plan.policy)
        elements = {d.id: d.element for d in plan.policy.detectors}
        wanted = [d for d in engine.detectors if elements.get(d) == "identifier" or d in _ALSO]
        labels = _label_pattern(plan, wanted)
        counts: dict[str, int] = {}
        lines = text.splitlines(keepends=True)
        tables = _pipe_tables(lines, plan)
        for number, line in enumerate(lines):
            spans: list[tuple[int, int, str]] = []
            for det in wanted:
                spans += [(f.start, f.end, det) for f in engine.detectors[det].find(line)]
            if engine.inline_labels is not None:
                for match in engine.inline_labels.finditer(line):
                    named = engine.index.match(match.group(1))
                    if named is not None and named in wanted:
                        spans.append((*match.span(2), named))
            if labels is not None:
                for match in labels.finditer(line):
                    named = engine.index.match(match.group(1))
                    value = match.group(2).rstrip()
                    if named is not None and named in wanted and value.strip():
                        start = match.start(2)
                        spans.append((start, start + len(value), named))
            if spans:
                lines[number] = _replace(line, spans, counts)
        out.write("".join(lines).encode(encoding, errors="replace"))
        return tables + [
            f"{n} {det} value{'s' if n != 1 else ''} replaced by {MARK}"
            for det, n in sorted(counts.items())
        ]


def _label_pattern(plan: Plan, wanted: list[str]) -> re.Pattern[str] | None:
    """``<label>: <value>`` for the labels (headers) of the wanted detectors."""
    labels = sorted(
        {h for d in wanted if (vocab := plan.policy.detector(d)) for h in vocab.headers},
        key=len,
        reverse=True,
    )
    if not labels:
        return None
    words = "|".join(r"[\s._-]*".join(map(re.escape, label.split())) for label in labels)
    return re.compile(rf"(?i)(?<!\w)({words})\s*[:：]\s*({_VALUE})")


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return body.split("|")


def _pipe_tables(lines: list[str], plan: Plan) -> list[str]:
    """Drop, from each Markdown pipe table, the columns whose header the scan found
    identifying (the scanner reads such a table as a table, and names its columns); dropped,
    not blanked, as in a CSV: a column of marks under "Name" still reads as a name column."""
    headers = {
        (letter, (header or "").strip().lower()) for letter, header in plan.columns(None).items()
    }
    if not headers:
        return []
    removed: dict[str, None] = {}
    number = 0
    while number + 1 < len(lines):
        line = lines[number]
        if "|" not in line or not _PIPE_SEPARATOR.match(lines[number + 1]):
            number += 1
            continue
        names = [cell.strip() for cell in _cells(line)]
        drop = {
            i
            for i, name in enumerate(names)
            if {(column_letters(i), name.lower()), (column_letters(i), "")} & headers
        }
        first = number
        number += 2
        while number < len(lines) and "|" in lines[number]:
            number += 1
        if not drop:
            continue
        for i in sorted(drop):
            removed[f"column {column_letters(i)} ({names[i]}) of the table on line {first + 1}"] = (
                None
            )
        for row in range(first, number):
            cells = _cells(lines[row])
            kept = [cell for i, cell in enumerate(cells) if i not in drop]
            ending = lines[row][len(lines[row].rstrip("\r\n")) :]
            lines[row] = "|" + "|".join(kept) + "|" + ending
    return list(removed)


def _replace(line: str, spans: list[tuple[int, int, str]], counts: dict[str, int]) -> str:
    """``line`` with each span (merged where they overlap) replaced by the mark."""
    merged: list[tuple[int, int, str]] = []
    for start, end, det in sorted(spans):
        if merged and start <= merged[-1][1]:
            first, last, found = merged[-1]
            merged[-1] = (first, max(last, end), found)
        else:
            merged.append((start, end, det))
    out = []
    at = 0
    for start, end, det in merged:
        out += [line[at:start], MARK]
        at = end
        counts[det] = counts.get(det, 0) + 1
    out.append(line[at:])
    return "".join(out)


REDACTOR = TextRedactor()
