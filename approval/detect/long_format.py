"""Tables in long format: one row per field of a record, not one per record.

``record | field | value`` (an entity-attribute-value export, a database's audit table, a
pandas ``melt``) spreads each person over several rows: ``0 | Name | Ruby Stephens``,
``0 | Relief | Asylum``. Read as it stands, no row holds both the name and the claim, so no row
is a protected person's. Pivoted back, one row per record under its field names as headers,
it is the table it was melted from, and the classifier reads it as any other.

A table is in long format when one of its columns (not the last) holds field names: few
distinct values that repeat, half of them at least headers of the policy's vocabulary, naming
two elements or more (a name and a claim); the column after it holds the values. The first
column, when the labels are not in it, is the record's id; rows of one id are one record,
whatever their order (an export sorted by field interleaves the records). Without an id column
(``field | value`` pairs, one record after another), a record ends where a field it already
has comes again. This is pure: rows in, rows out, no policy, no I/O.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from approval.detect.units import Cell

MAX_LABELS = 40  # distinct field names of a long table: more, and the column is data
OPEN_RECORDS = 50_000  # records kept open by id at once (an interleaved export); memory bound


@dataclass(frozen=True)
class Shape:
    """Where a long table keeps its parts: the column of field names, of values, of the
    record's id (None: records follow one another), and the field names in order of first
    appearance (the pivoted table's header, after the id's)."""

    labels: int
    values: int
    id: int | None
    fields: tuple[str, ...]
    id_header: str  # what the id column's header said ("" without a header row)


def shape(rows: Sequence[Sequence[str]], role: Callable[[str], str | None]) -> Shape | None:
    """The long format of a table, from its first rows as text (``role``: the element a
    header names, or None), or None when it is no long table."""
    width = max(map(len, rows), default=0)
    if width < 2 or len(rows) < 4:
        return None
    for col in range(width - 1):
        column = [r[col].strip() if col < len(r) else "" for r in rows]
        filled = [v for v in column if v]
        counts: dict[str, int] = {}
        for value in filled:
            counts[value] = counts.get(value, 0) + 1
            if len(counts) > MAX_LABELS:
                break
        if len(counts) > MAX_LABELS or len(counts) < 2:
            continue
        # Field names repeat, record after record (a header's word, "field", comes once): two
        # of the repeated names at least name elements, and different ones (a name, a claim).
        fields = [v for v in counts if counts[v] >= 2]
        roles = {v: role(v) for v in fields}
        named = [v for v in filled if roles.get(v) is not None]
        if len({roles[v] for v in named}) < 2 or 2 * len(named) < len(filled):
            continue
        first = rows[0][col].strip() if col < len(rows[0]) else ""
        header = first not in fields
        id_col = 0 if col > 0 else None
        id_header = ""
        if id_col is not None and header and rows[0]:
            id_header = rows[0][id_col].strip()
        return Shape(col, col + 1, id_col, tuple(fields), id_header)
    return None


class Pivot:
    """The records of a long table, one row each, as its rows are fed in: the id (when the
    table has one), then the value of each of ``form.fields`` ("" where the record has none).
    Rows under other field names (a header row, a field first seen past the sample) add
    nothing: the table's plain reading still reads them. Memory stays flat: at most
    ``OPEN_RECORDS`` records are open at once."""

    def __init__(self, form: Shape, text: Callable[[Cell], str], open_records: int = OPEN_RECORDS):
        self.form = form
        self._bound = open_records
        self._text = text
        self._at = {name: k for k, name in enumerate(form.fields)}
        self._open: OrderedDict[str, tuple[Cell, list[Cell]]] = OrderedDict()
        self._current: list[Cell] | None = None

    def add(self, row: Sequence[Cell]) -> list[list[Cell]]:
        """Feed one row of the long table: the records it completes."""
        form = self.form
        if form.values >= len(row):
            return []
        k = self._at.get(self._text(row[form.labels]).strip())
        if k is None:
            return []
        value, done = row[form.values], []
        if form.id is None:
            current = self._current
            if current is None or current[k] != "":
                if current is not None:
                    done.append(current)
                current = self._current = [""] * len(form.fields)
            current[k] = value
            return done
        ident = row[form.id]
        key = self._text(ident).strip()
        record = self._open.get(key)
        if record is None:
            record = self._open[key] = (ident, [""] * len(form.fields))
            if len(self._open) > self._bound:
                first, values = self._open.popitem(last=False)[1]
                done.append([first, *values])
        if record[1][k] == "":
            record[1][k] = value
        return done

    def rest(self) -> list[list[Cell]]:
        """The records still open, once the last row is fed."""
        done = [] if self._current is None else [self._current]
        done += [[ident, *values] for ident, values in self._open.values()]
        self._current = None
        self._open.clear()
        return done


def header(form: Shape) -> list[str]:
    """The pivoted table's header row."""
    return [*([form.id_header] if form.id is not None else []), *form.fields]
