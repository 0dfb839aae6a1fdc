"""The payload, the harmless statistics, and what a case is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.corpus.people import people


@dataclass(frozen=True)
class Content:
    """Records with a header, and the textual forms a place can hold: a table, labelled
    lines, one line, key/value records, CSV."""

    kind: str  # "payload" or "harmless"
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def table(self) -> list[list[str]]:
        return [list(self.header), *map(list, self.rows)]

    def labelled(self) -> list[str]:
        """One record per line: ``Name: ...; A-Number: ...; ...``."""
        return [
            "; ".join(f"{h}: {v}" for h, v in zip(self.header, row, strict=True))
            for row in self.rows
        ]

    def lines(self) -> list[str]:
        return [self.title, "", *self.labelled()]

    def text(self) -> str:
        return "\n".join(self.lines()) + "\n"

    def line(self) -> str:
        """Every record on one line, for places that hold one (a header, a title)."""
        return f"{self.title}: " + " / ".join(self.labelled())

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]

    def csv(self, delimiter: str = ",") -> str:
        def cell(value: str) -> str:
            return f'"{value}"' if delimiter in value or '"' in value else value

        return "".join(delimiter.join(map(cell, row)) + "\r\n" for row in self.table())


def _payload() -> Content:
    persons = people(12)
    return Content(
        "payload",
        "Credible fear interviews, December 2022",
        ("Name", "A-Number", "Date of birth", "Nationality", "Fear interview"),
        tuple(
            (
                p.last_first,
                p.a_number,
                p.birthdate.strftime("%m/%d/%Y"),
                p.nationality,
                "Credible fear: positive",
            )
            for p in persons
        ),
    )


PAYLOAD = _payload()
HARMLESS = Content(
    "harmless",
    "Asylum statistics, FY2022",
    ("Country of citizenship", "Asylum applications", "Credible fear referrals", "Granted"),
    (
        ("Guatemala", "12,345", "4,321", "1,234"),
        ("Honduras", "9,876", "3,210", "987"),
        ("El Salvador", "7,654", "2,109", "765"),
        ("Total", "29,875", "9,640", "2,986"),
    ),
)

Build = Callable[[Content], bytes]


@dataclass(frozen=True)
class Case:
    """One place of one format. ``ordinary``: the harmless build is a file people publish
    every day and must scan clean (False for what a gate may rightly refuse: polyglots,
    nesting past the limit, objects no reader reads)."""

    fmt: str
    place: str
    suffix: str  # the format's own file-name suffix
    build: Build
    ordinary: bool = True

    @property
    def id(self) -> str:
        return f"{self.fmt}:{self.place}"

    def __str__(self) -> str:  # the test id
        return self.id
