"""Record-level classification: which records identify a person, which tie them to a claim,
and which data class that makes them, as the policy says.

A record is a table row, a JSON object, or a paragraph / list item in text. The detectors
found in a record, plus those in the context that governs it (a column header, a table or sheet
title, a heading, the sentence that introduces a list), form a set; the first class of the
policy whose ``identified_by`` and ``context`` that set satisfies is the record's class. Sets
are bit masks, so that the class of a mask is computed once per table, not once per row.

Tables are classified in batches of rows, column by column, with one C-level call per column
where the values allow (``Element.column``): a header and a sample of rows decide what each
column holds, and a batch in which nobody is identified costs one regex over its free text.

No row goes unjudged by what the sample decided. The plan (``_Plan``: the header row, each
column's role, by a share of the sample's values) is a default, not a verdict on the rows it
did not see, nor on a minority of those it did: rows of persons below 10,000 filler rows, at
the very end, one every 500 rows, or a third of the sample itself would otherwise pass under
roles that say "nothing here". So every batch whose rows the plan does not all identify is
looked at again (``Classifier._unplanned``), as a table of its own would be:

- every column that is not the plan's name column, whatever its role, is tested for values
  with a name's shape that its role does not explain; at C speed where the column's text
  cannot hold two words (counts, codes, one-word categories: ``_may_hold_words``), once per
  distinct value otherwise (remembered per table), so the cost falls on role-less columns,
  per batch and not per cell, and a table whose rows are all identified pays nothing;
- such a value is a name when the row says so: a common given name or surname in it, an
  A-number or a birthdate in its row (among names that differ), or a run of consecutive
  rows of names that differ (a run cut by the end of a batch is read again with the next);
  categories with a name's shape ("Single Adults") repeat and have none of these;
- A-numbers are looked for in columns the sample gave another role, and under an
  "A-Number" header whose sample held none;
- a header after blank rows starts a second table, planned from its own header (a sheet with
  two tables, its blank rows as wide as the rest).

Records (JSON, YAML) are judged the same way, record by record, under keys whose values in the
first records had no role (``Classifier._unplanned_names``).

A claim stated once governs the persons it is about, wherever it is stated:

- a heading, a lead line or a line that introduces a list ("Asylum seekers detained at Port
  Isabel:") governs the list of names that follows it, one a line, as a sheet's title governs
  its rows (``Classifier._listed``; lists of officials, speakers, authors or contacts are not
  the claimants', ``claimants.claimant_list``);
- a claim typed into a cell of a row that identifies a person makes the row a protected
  person's, whatever role the sample gave the column (``Classifier._claims_elsewhere``);
- records split over tables of one file joined by a key (names in "People", claims in "Cases"
  under the person's ID; persons.csv beside cases.csv in one archive) are joined
  (``Classifier._join``), by any column whose values are unique per row where two tables share
  most of them ("Case", "Idx": ``Classifier._join_loose``).

A table turned sideways (one record per column, a one-person form of label/value pairs) is read
transposed too (``Classifier._sideways``), one in long format (``record | field | value``)
pivoted too, one row per record (``Classifier.table``, ``long_format``); a 1 under a claim
header is the claim of the named person in its row (``Classifier._flag_columns``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from itertools import chain, compress, islice
from typing import Any

from approval.detect import identity, long_format
from approval.detect.claimants import (
    MAX_CLAIM_LINE,
    MAX_RECORD,
    addressed_claim,
    claim_line,
    claimant_list,
    gazetteer_name,
    listed_name,
    record_subject,
    salutation,
    states_claim,
)
from approval.detect.claimants import persons as named_persons
from approval.detect.contacts import CONTACTS, credits, lists_organisations, tied_in_prose
from approval.detect.detectors import OTHER_IDENTIFIERS, Element, Found, build
from approval.detect.detectors.a_number import broken_over_lines, spread_over_cells
from approval.detect.detectors.a_number import person_key as a_key
from approval.detect.detectors.countries import COUNTRY_NAMES
from approval.detect.detectors.person_name import PersonName
from approval.detect.detectors.person_name import person_key as name_key
from approval.detect.detectors.protection_claim import ProtectionClaim
from approval.detect.detectors.terms import AccentBlind, accent_blind
from approval.detect.gazetteer import GIVEN, full_name
from approval.detect.gazetteer import NAMES as KNOWN_NAMES
from approval.detect.numfmt import render
from approval.detect.report import WEAK_KEYS, Tally
from approval.detect.textnorm import NEGATIONS, fold, is_count, is_null, norm_header
from approval.detect.units import Cell, Records, Table, Text, Where
from approval.detect.vocabulary import (
    HeaderIndex,
    identifier_columns,
    is_staff_directory,
    names_other_party,
    record_numbers,
)
from approval.policy import Policy

NAME, CLAIM = "person-name", "protection-claim"
# What, said of a name in its sentence, makes it a person's (see claimants.persons).
_ANCHORS = ("a-number", "birthdate", "detention-facility")
# Headers that name a part of a name only when they are the whole header.
_BARE_NAME_PARTS = frozenset(
    {"last", "first", "middle", "given", "family", "surnm", "lst", "fst", "ln", "fn"}
)
# Initials that head the parts of a name side by side only (``L | F``): alone, an "F" is a sex.
_INITIAL_PARTS = (("l", "f"), ("f", "l"))
HEAD_ROWS = 10  # rows searched for a header (titles may come first)
SAMPLE_ROWS = 200  # data rows that decide what a column holds
BATCH_ROWS = 512  # small enough that a batch stays in the CPU cache (4x faster than 2048)
MAX_BLOCK_LINES = 200  # a text record longer than this is cut (memory stays flat)
MAX_BLOCK_CHARS = 256 * 1024
_RECORD_LINES = 6  # a block of prose this short may be one person's record (``_claimants``)
# Detectors tried, in this order, on the values of a column without a header.
_PROFILE_ORDER = (
    "a-number",
    "birthdate",
    "nationality",
    "person-name",
    "detention-facility",
    "protection-claim",
)
_PROFILE_SHARE = 0.6  # share of a column's values that must have one element's shape
_ROLE_SHARE = 0.5  # share of values under a header that must fit it, or the header is wrong
_MAX_SAMPLE_CHARS = 500  # a longer value is prose, not a field: read as free text instead
# A name split over columns of a table without a header (see ``Classifier._name_parts``).
_NAME_PARTS = (2, 4)  # adjacent columns: last and first name, up to two of each
_DISTINCT_SHARE = 0.5  # share of distinct names and of distinct birthdates among the rows
# Names found below or beside the plan (``Classifier._unplanned``): a run of this many names
# in a column of one batch, nearly all different, is a list of persons on its own.
_RUN_ROWS = 5
_RUN_DISTINCT = 0.9
# Headers of a key that joins the tables of a relational export (``Classifier._join``), and how
# many key values of a file are kept for it.
_KEYS = frozenset({"id", "key", "ref", "no", "number", "nbr", "num", "#", "code"})
_MAX_KEYED = 200_000
_PIVOT_CHUNK = 4096  # records of a long table read pivoted at a time (``Classifier.table``)
_HELD_CHUNK = 1 << 16  # held keys moved into the file's tally at a time (``Classifier.finish``)
_HELD_NAMES = 200_000  # names held as text at most (about 15 MB); past it, as keys
# A key found by its values (``Classifier._loose_key``): short, and under no header of counts.
_MAX_KEY_CHARS = 40
_MEASURES = frozenset({"count", "counts", "total", "totals", "sum", "cases", "persons"})
_SHAPE_CACHE = 4096  # values of one column whose shape is remembered (a table's categories)
_PLAIN_VALUES = 8  # values of two words that are no names, stripped from a column's text
# Attributes looked for, in this order, in the cells of a row found to name a person.
_ROW_ATTRIBUTES = ("birthdate", "nationality", "detention-facility")
# The ASCII characters that cannot stand between two words of a name (``PersonName.looks_like``
# joins words by any one character but a letter, a digit, ``'``, ``.`` or ``-``; ``@`` and
# digits are no name's), deleted in one C-level pass to see what else a column's text holds.
_NOT_GAPS = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.'-@"
# The longest strings a finding's location may carry (``$defs/scan_summary`` in the statement
# schema): sheet, part and key names come from the file, which may make them as long as it
# likes. Headers are cut shorter still (80).
LOCATION_LIMITS = {"sheet": 200, "part": 500, "column": 200, "key": 200}


def cell_text(value: Cell | date, fmt: str | None = None) -> str:
    """A cell as its reader would see it: numbers through their format, dates as ISO, and a
    boolean as a spreadsheet shows it, ``TRUE`` or ``FALSE``: a yes/no flag stored as a real
    boolean (an xlsx ``TRUE``, a JSON ``true``) is the same flag as a typed ``Y``, and
    ``FALSE`` is the "no" (``NEGATIONS``) that leaves a claim column empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: a bool is an int to Python
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return render(value, fmt)
    # Readers should hand over dates as text; a date object is accepted all the same.
    obj: object = value
    if isinstance(obj, datetime):
        return obj.date().isoformat() if obj.time() == datetime.min.time() else str(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    return str(obj)


def column_letters(index: int) -> str:
    """0 -> A, 26 -> AA: a spreadsheet's name for a column (redaction names them too)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Hit:
    """A detector's value in a record, and where (a column, a key, a line)."""

    detector: str
    value: str
    where: Any  # column index, key, or line number
    line: int = 0


class Engine:
    """What a policy decides, prepared once per scan: detectors, headers, class masks."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.detectors: dict[str, Element] = build(policy)
        self.index = HeaderIndex.from_policy(policy)
        self.bits = {d: 1 << i for i, d in enumerate(self.detectors)}
        kinds = {d.id: d.element for d in policy.detectors}
        self.identifiers = tuple(d for d in self.detectors if kinds.get(d) == "identifier")
        self.others = tuple(d for d in self.detectors if d not in self.identifiers)
        self._classes = [
            (
                c.id,
                [self._mask(alt) for alt in c.identified_by],
                self._mask(c.context),
            )
            for c in policy.classes
        ]
        # Records without any of these bits cannot be in any class: the fast path skips them.
        id_mask = self._mask(self.identifiers)
        every_alt_needs_id = all(a & id_mask for _, alts, _ in self._classes for a in alts)
        self.gate = id_mask if every_alt_needs_id else 0
        self.class_cache: dict[int, str | None] = {}

    # Compiled when a text first needs them (a colon, a digit in prose or a free column): a
    # table whose columns are all named by their headers never does.
    @cached_property
    def label_prefilter(self) -> AccentBlind | None:
        return self._label_prefilter()

    @cached_property
    def inline_labels(self) -> AccentBlind | None:
        return self._inline_label_pattern()

    def column_role(self, header: object) -> str | None:
        """The detector a column header (or a record's key) names: the policy's vocabulary,
        or a bare part of a name as systems export it (``LAST``, ``FIRST``), which is one
        only as the whole header ("Last updated" is a date)."""
        found = self.index.match(header)
        bare = (
            found is None
            and NAME in self.detectors
            and isinstance(header, str)
            and len(header) < 20
            and norm_header(header) in _BARE_NAME_PARTS
        )
        return NAME if bare else found

    def _mask(self, ids: Iterable[str]) -> int:
        mask = 0
        for i in ids:
            mask |= self.bits.get(i, 0)
        return mask

    def class_of(self, mask: int) -> str | None:
        if mask in self.class_cache:
            return self.class_cache[mask]
        found = None
        for cls, alts, ctx in self._classes:
            if any(a & mask == a for a in alts) and ctx & mask == ctx:
                found = cls
                break
        self.class_cache[mask] = found
        return found

    def context_mask(self, text: str) -> tuple[int, list[Found]]:
        """Attributes and context named in a title, heading or header (not identifiers)."""
        if not text:
            return 0, []
        text = text.replace("_", " ")  # asylum_applicants
        mask = 0
        found: list[Found] = []
        for det_id in self.others:
            hits = _distinct(self.detectors[det_id].find(text))
            if hits:
                mask |= self.bits[det_id]
                found += [Found(f"{det_id}\0{h.value}", h.start, h.end) for h in hits]
        return mask, found

    def _label_prefilter(self) -> AccentBlind | None:
        words = {
            norm_header(h)
            for d in self.identifiers
            for h in self.policy.detector(d).headers  # type: ignore[union-attr]
        }
        if not words:
            return None
        # Accent-blind (``Número de extranjero:``), in two forms: see ``AccentBlind``.
        return AccentBlind(
            lambda accents: (
                r"(?<!\w)(?:"
                + "|".join(_label_regex(w, accents) for w in sorted(words))
                + r")['\"’]?\s*(?:[:：=]|->)"
            )
        )

    def _inline_label_pattern(self) -> AccentBlind | None:
        """Labels of numbers and dates written without a colon: ``Alien No. 212345678``,
        ``DOB 03/04/1985``, ``born on March 2, 1985``."""
        labels: list[str] = []
        for det_id in ("a-number", "birthdate"):
            vocab = self.policy.detector(det_id)
            if vocab is not None and det_id in self.detectors:
                labels += [norm_header(h) for h in vocab.headers]
        if not labels:
            return None
        value = (
            r"(\d[\d ./-]{4,12}\d|\d{1,2}(?:st|nd|rd|th)?(?: de)? [^\W\d_]{3,10}\.?,?(?: de)? \d{4}"
            r"|[^\W\d_]{3,10}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})"
        )
        return AccentBlind(
            lambda accents: (
                r"(?<!\w)("
                + "|".join(_label_regex(w, accents) for w in labels)
                + r")\s*[:#=]?\s*(?:on |el |en )?"
                + value
            )
        )


def _label_regex(normal: str, accents: bool = True) -> str:
    # Accent-blind: the header is folded (``numero``), the text is not (``Número``).
    parts = []
    for word in normal.split():
        if len(word) <= 4 and word.isalpha():
            parts.append(r"\.?".join(accent_blind(c, accents) for c in word) + r"\.?")
        else:
            parts.append(accent_blind(word, accents))
    return r"[\s._-]*".join(parts)


# --- tables -----------------------------------------------------------------------------------


@dataclass
class _Plan:
    start: int  # index of the first data row
    width: int
    header: list[str] | None
    roles: dict[int, str]  # column -> detector id
    header_bits: dict[int, int]  # column -> context bits named by its header
    header_hits: dict[int, list[Found]]
    free: list[int]
    title_bits: int
    title_hits: list[Found]
    formats: dict[int, str]
    base: dict[str, Any]  # location fields shared by every finding of the table
    hidden_columns: frozenset[int]
    hidden_rows: frozenset[int]
    sheet_hidden: bool
    names: list[str] = field(default_factory=list)
    staff: bool = False  # a directory of staff (``vocabulary.is_staff_directory``)
    prose: bool = False  # rows of sentences, not of fields: read as lines of text too
    # Columns whose header names someone who is no subject of the records ("Interpreter").
    other_party: frozenset[int] = frozenset()
    # Columns headed "A-Number" whose sample held none: a number below is one all the same.
    numbered: frozenset[int] = frozenset()
    # column -> value -> whether the value has a name's shape the column's role does not
    # explain (``Classifier._unplanned``): the values of a column repeat, batch after batch.
    shapes: dict[int, dict[str, bool]] = field(default_factory=dict)
    # column -> its few values of two words or more that are no names, when it has few: a
    # batch holding no other such value is passed over without a look at its values.
    plain: dict[int, list[str]] = field(default_factory=dict)
    # What the last batch left to the next (``Classifier.table``): rows at its end to read
    # again, and where a second table starts in it.
    held: int = 0
    split: int | None = None
    # What the table gives to records split over tables (``Classifier._join``): its key
    # column, and its names' or its claims' column (None: not decided yet; (): neither).
    join: tuple[int, str, int, int] | tuple[()] | None = None
    # column -> value -> the claim it holds, or None (``Classifier._claims_elsewhere``).
    claims: dict[int, dict[str, str | None]] = field(default_factory=dict)
    # (column, hidden row) -> the location of its findings: the same for every batch.
    locations: dict[tuple[int, bool], dict[str, Any]] = field(default_factory=dict)
    # A table turned sideways (``Classifier._sideways``): its rows as columns, read as a
    # table of their own too; and, in that reading, the row of the unit its first column was.
    transposed: list[list[str]] | None = None
    row_of_column: int | None = None
    # Columns whose values are told present one by one, not by their detector's ``column``:
    # per-person flags under a claim header (``Classifier._flag_columns``: a "1" is the
    # person's claim), a pivot's labels of persons among labels of groups (``_grouped``).
    present: dict[int, Callable[[str], bool]] = field(default_factory=dict)


@dataclass
class _TextState:
    """What governs the lines of prose as they are read: open headings (level, text, context
    bits, context hits, line), the lead line (a heading written as a plain line: bits, hits,
    line, text), and what the first pieces of a paragraph too long to hold said (bits, hits,
    line: a claim governs the rest of its paragraph)."""

    headings: list[tuple[int, str, int, list[Found], int]] = field(default_factory=list)
    lead: tuple[int, list[Found], int, str] | None = None
    carry: tuple[int, list[Found], int] | None = None
    # Whether only lists of names have followed the last heading, lead or introducing line
    # (or the start of the unit): such a list is what that context is about.
    listing: bool = True

    def moved(self) -> _TextState:
        """A copy for the unit that continues the flow: its lines count from 1 again, so the
        context it inherits has no line of its own."""
        lead, carry = self.lead, self.carry
        return _TextState(
            [(level, text, bits, found, 0) for level, text, bits, found, _ in self.headings],
            None if lead is None else (lead[0], lead[1], 0, lead[3]),
            None if carry is None else (carry[0], carry[1], 0),
            self.listing,
        )


class _Columns:
    """The columns of one batch of rows (all as wide as the table), transposed once by
    ``zip`` at C speed when first asked for: each as text, and joined by newlines (for
    one-call checks), kept for the rest of the batch."""

    def __init__(
        self,
        batch: list[Sequence[Cell]],
        formats: dict[int, str],
        cells: list[tuple[Any, ...]] | None = None,
    ):
        self._batch = batch
        self._formats = formats
        self._cells = cells  # the columns, when the caller transposed the batch already
        self._text: dict[int, tuple[Sequence[str], str]] = {}

    def text(self, col: int) -> tuple[Sequence[str], str]:
        done = self._text.get(col)
        if done is not None:
            return done
        if self._cells is None:
            self._cells = list(zip(*self._batch, strict=True))
        values: Sequence[Any] = self._cells[col]
        try:
            done = values, "\n".join(values)  # raises unless every cell is text: C speed
        except TypeError:
            fmt = self._formats.get(col)
            texts = [cell_text(v, fmt) for v in values]
            done = texts, "\n".join(texts)
        self._text[col] = done
        return done

    def blank(self, col: int) -> bool:
        """Whether a cell of the column is empty: one C-level pass over it."""
        if self._cells is None:
            self._cells = list(zip(*self._batch, strict=True))
        column = self._cells[col]
        return "" in column or None in column


class Classifier:
    """Classifies the units of one file into a ``Tally``."""

    def __init__(self, engine: Engine, tally: Tally):
        self.engine = engine
        self.tally = tally
        # What governs the end of the last unit of each flow of text (``Text.flow``).
        self._flows: dict[str, _TextState] = {}
        # Records split over tables of the file joined by a key (``_join``): the persons of a
        # table of names by their key's value, and the key values of a table of claims.
        self._keyed_persons: dict[str, int] = {}
        self._keyed_claims: set[str] = set()
        self._keyed_where: dict[str, tuple[dict[str, Any], str]] = {}
        # A claim stated about the persons the file lists, anywhere in it (``finish``): where
        # it was first stated, and its term; the records that only lacked a claim, held in a
        # tally of their own under the class the claim would give them; that class per mask.
        self._stated: tuple[dict[str, Any], str] | None = None
        self._held: Tally | None = None
        self._targets: dict[int, str | None] = {}
        self._checked_cells: set[str] = set()  # cells that stated no claim (``_stated_in_cells``)
        # Names held as text (``_hold_names``), per the class a claim would give them.
        self._held_names: list[tuple[str, list[str]]] = []
        self._held_count = 0
        # The same, by a key column found by its values (``_loose_key``): per table, its role,
        # location and key -> value; per pair of tables, the keys they share, and those counted.
        self._loose: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self._loose_shared: dict[tuple[int, int], tuple[set[str], set[str]]] = {}
        self._loose_size = 0
        # While a table turned sideways is read transposed: the row its first column was.
        self._sideways_row: int | None = None
        self._pivoting = False  # while a long table's records are read (``table``)
        self._long = False  # while a long table is read as it stands (``table``)

    def unit(self, unit: Table | Records | Text) -> None:
        if isinstance(unit, Table):
            self.table(unit)
        elif isinstance(unit, Records):
            self.records(unit)
        else:
            self.text(unit)

    # ---- the file as a whole

    def finish(self) -> None:
        """Close the file: a claim stated anywhere in it about the persons it lists ("All
        persons listed above applied for asylum", a legend, a Readme sheet: ``_statement``)
        governs every record of the file that lacked only a claim (``_target``), as a sheet's
        title governs its rows: those records count in the class the claim gives them. Called
        once, after the last unit (``scan.scan_file``)."""
        held, stated = self._held, self._stated
        self._held = None
        if held is None or stated is None:
            return
        location, term = stated
        tally = self.tally
        for target, names in self._held_names:
            held.add_persons(target, (_name_keys(v, None, None, tally.names)[0] for v in names))
        self._held_names = []
        counts = held.classes()
        for cls in held.order:
            store = held.persons[cls]
            if not store:
                continue
            keys = iter(store)
            while chunk := list(islice(keys, _HELD_CHUNK)):
                tally.add_persons(cls, chunk)
            store.close()
            tally.add_finding(cls, CLAIM, location, counts.get(cls, 1), term)
        tally.counted_by_name()  # resolve the held name keys through the file's links
        for finding in held.findings():
            tally.add_finding(
                finding.cls, finding.detector, finding.location, finding.count, finding.sample
            )

    def _target(self, mask: int) -> str | None:
        """The class a claim stated about the file's persons would give a record of ``mask``,
        when it is stricter than the record's own (None: the claim would change nothing)."""
        if mask in self._targets:
            return self._targets[mask]
        engine = self.engine
        claim_bit = engine.bits.get(CLAIM, 0)
        target = None
        if claim_bit and not mask & claim_bit and (not engine.gate or mask & engine.gate):
            order = self.tally.order
            own, claimed = engine.class_of(mask), engine.class_of(mask | claim_bit)
            if (claimed is not None and claimed != own) and (
                own is None or order.index(claimed) < order.index(own)
            ):
                target = claimed
        self._targets[mask] = target
        return target

    def _hold(self) -> Tally:
        """The tally of the records a stated claim would make stricter (``finish``)."""
        if self._held is None:
            self._held = Tally(self.tally.order)
        return self._held

    def _statement(
        self, text: str, location: dict[str, Any], spans: list[Found] | None = None
    ) -> None:
        """Whether ``text`` (a paragraph, a line, a cell) states a claim of the persons the
        file lists (``claimants.states_claim``; ``spans``: its claims, when known): the first
        such statement is kept."""
        claim = self.engine.detectors.get(CLAIM)
        if self._stated is not None or not isinstance(claim, ProtectionClaim):
            return
        found = states_claim(text, claim.spans(text) if spans is None else spans)
        if found is not None:
            self._stated = ({**location, "context": "statement"}, claim.redact(found.value))

    # ---- tables

    def table(self, unit: Table) -> None:
        """Read a table. One in long format (``record | field | value``: ``long_format``) is
        read pivoted too, one row per record under its field names, as the table it was
        melted from; its plain reading stands as well (a person counts once)."""
        if self._pivoting:
            self._table(unit)
            return
        rows = iter(unit.rows)
        head = list(islice(rows, HEAD_ROWS + SAMPLE_ROWS))
        form = long_format.shape([[cell_text(v) for v in r] for r in head], self.engine.column_role)
        if form is None:
            self._table(replace(unit, rows=rows), head)  # no layer more per row
            return
        pivot = long_format.Pivot(form, cell_text)
        pending: list[list[Cell]] = []

        def tapped() -> Iterator[Sequence[Cell]]:
            for row in chain(head, rows):
                yield row
                pending.extend(pivot.add(row))
                if len(pending) >= _PIVOT_CHUNK:
                    self._pivoted(unit, form, pending)
                    pending.clear()

        self._long = True
        try:
            self._table(replace(unit, rows=tapped()))
        finally:
            self._long = False
        self._pivoted(unit, form, [*pending, *pivot.rest()])

    def _pivoted(self, unit: Table, form: long_format.Shape, records: list[list[Cell]]) -> None:
        """Read records of a long table as a table of their own, under its field names; its
        findings are located in the long table's columns (the values', the id's)."""
        if not records:
            return
        names = list(unit.column_names or ())

        def name(col: int) -> str:
            return names[col] if col < len(names) else column_letters(col)

        ids = [] if form.id is None else [name(form.id)]
        pivoted = Table(
            where=unit.where,
            rows=[long_format.header(form), *records],
            title=unit.title,
            column_names=[*ids, *(name(form.values) for _ in form.fields)],
        )
        self._pivoting = True
        try:
            self._table(pivoted)
        finally:
            self._pivoting = False

    def _table(self, unit: Table, first: list[Sequence[Cell]] | None = None) -> None:
        """``first``: the unit's first rows, when the caller has taken them from its rows."""
        rows: Iterator[Sequence[Cell]] = iter(unit.rows)
        offset = 0  # rows of the unit before the table being read (see ``_header_at``)
        while True:
            head = first if first is not None else list(islice(rows, HEAD_ROWS + SAMPLE_ROWS))
            first = None
            if not head:
                return
            plan = self._plan(unit, head, offset)
            if plan.transposed is not None:
                self._read_sideways(unit, plan.transposed, offset)
            index = offset + plan.start
            data: Iterator[Sequence[Cell]] = chain(islice(head, plan.start, None), rows)
            while True:
                batch = list(islice(data, BATCH_ROWS))
                if not batch:
                    return
                later = self._header_at(plan, batch, index == offset + plan.start)
                if later is not None:
                    # A table under a preface read as rows (sentences with commas, a report's
                    # notes): its header starts a table of its own, however far down it is.
                    batch, rows = batch[:later], chain(batch[later:], data)
                if batch:
                    self._batch(plan, batch, index, unit)
                    if plan.split is not None:
                        # A header after blank rows (``_header_after_blank``): a second table,
                        # planned from its own header and rows.
                        split, plan.split = plan.split, None
                        rest = data if later is None else rows
                        batch, rows, later = batch[:split], chain(batch[split:], rest), split
                    elif plan.held and later is None and len(batch) == BATCH_ROWS:
                        # Rows at the end of the batch that may begin a run of names which
                        # goes on in the next (``_unplanned``): judged again with it. They
                        # identified nobody, so nothing of theirs was counted (a table read as
                        # prose too never holds rows back: its lines would be read twice).
                        held = 0 if plan.prose else plan.held
                        data = chain(batch[len(batch) - held :], data)
                        batch = batch[: len(batch) - held]
                    if plan.prose:
                        # The first time with the rows above the data: its "header" too.
                        above = head[: plan.start] if index == offset + plan.start else []
                        self._as_prose(unit, [*above, *batch])
                    index += len(batch)
                if later is not None:
                    offset = index
                    break

    def _header_at(self, plan: _Plan, batch: list[Sequence[Cell]], first: bool) -> int | None:
        """Where in a batch of a table without a header a header row starts a wider table
        (or one after a blank row): one C-level pass over the rows' lengths when every row is
        as wide as the table. ``first``: the batch starts the table (its first row is no
        later header)."""
        if plan.header is not None:
            return None
        lengths = list(map(len, batch))
        if min(lengths) == plan.width == max(lengths):
            return None
        for j, row in enumerate(batch):
            wider = lengths[j] > plan.width or (j > 0 and not any(batch[j - 1]))
            if (
                lengths[j] > 1
                and wider
                and (j or not first)
                and self._is_header(
                    [cell_text(v) for v in row],
                    [cell_text(v) for v in batch[j + 1]] if j + 1 < len(batch) else None,
                )
            ):
                return j
        return None

    def _as_prose(self, unit: Table, batch: list[Sequence[Cell]]) -> None:
        """Rows of sentences split at their commas ("Credible fear interview: NAME, born
        DATE, COUNTRY."): read as the lines of prose they are too; the stricter reading wins."""
        lines = [",".join(cell_text(v) for v in row) for row in batch]
        self.text(Text(where=unit.where, lines=lines, title=unit.title))

    def _plan(self, unit: Table, head: list[Sequence[Cell]], offset: int = 0) -> _Plan:
        engine = self.engine
        formats = dict(unit.formats)
        per_cell = unit.cell_formats
        texts = [
            [
                cell_text(v, (per_cell(r, c) if per_cell is not None else None) or formats.get(c))
                for c, v in enumerate(row)
            ]
            for r, row in enumerate(head, offset)
        ]
        width = max(map(len, texts), default=0)
        titles = [unit.title] if unit.title else []
        header_at: int | None = None
        labels = False  # a header found by its values, outside the vocabulary (``_heads_columns``)
        above: list[str] = []
        for i, row in enumerate(texts[:HEAD_ROWS]):
            filled = [v.strip() for v in row if v.strip()]
            if not filled:
                continue
            if width > 1 and len(filled) == 1:
                above.append(filled[0])  # a title line above the table
                continue
            if self._is_header(row, texts[i + 1] if i + 1 < len(texts) else None):
                header_at = i
                break
            # A line of a few cells ("Prepared by:", "J. Smith") above a wider header is the
            # report's preamble, not data: the header is the first wider row that is one.
            later = self._header_below(texts, i, len(filled))
            if later is None:
                if self._heads_columns(row, texts[i + 1 :]):
                    header_at, labels = i, True  # "Case | Result": no row of data
                break
            header_at = later
            above += [
                " ".join(f) for r in texts[i:later] if (f := [v.strip() for v in r if v.strip()])
            ]
            break
        titles += above
        title_bits, title_hits = engine.context_mask(" / ".join(titles))
        if header_at is None and title_bits and names_other_party(_title_leaf(unit.title)):
            # A list under ``contributors``, ``attorneys``, ``maintainers`` (a JSON array, a
            # YAML list) names them: the claim words of the title around it are nobody's.
            title_bits &= ~engine.bits.get(CLAIM, 0)
            title_hits = [h for h in title_hits if not h.value.startswith(CLAIM + "\0")]
        roles: dict[int, str] = {}
        header: list[str] | None = None
        staff = prose = False
        transposed: list[list[str]] | None = None
        present: dict[int, Callable[[str], bool]] = {}
        header_bits: dict[int, int] = {}
        header_hits: dict[int, list[Found]] = {}
        other_party: set[int] = set()
        dropped: set[int] = set()  # A-number headers over a sample of something else
        if header_at is not None:
            header = texts[header_at]
            for c, name in enumerate(header):
                det = engine.column_role(name)
                if det is not None:
                    roles[c] = det
                bits, hits = engine.context_mask(name)
                if det is not None:
                    bits &= ~engine.bits[det]
                if bits:
                    header_bits[c] = bits
                    header_hits[c] = hits
            for c in range(len(header) - 1):
                pair = (norm_header(header[c]), norm_header(header[c + 1]))
                free = not {c, c + 1} & roles.keys()
                if pair in _INITIAL_PARTS and free and NAME in engine.detectors:
                    roles[c] = roles[c + 1] = NAME
            sample = texts[header_at + 1 :]
            # Only a header that names someone who is no subject of the records ("Requester",
            # "Interpreter", "Asylum Officer") explains a column of names without them being
            # the persons the policy protects.
            other_party = {c for c, name in enumerate(header) if names_other_party(name)}
            for c, det in list(roles.items()):
                column = [r[c] for r in sample if c < len(r)]
                if not self._fits(det, column):
                    del roles[c]
                    if det == "a-number":
                        dropped.add(c)
                elif (
                    det == CLAIM
                    and c not in other_party
                    and (who := self._profile(column)) in engine.identifiers
                ):
                    # Any value fits a claim header, names too: "Asylum seekers" over names
                    # is a column of persons, and the header says what they claimed.
                    roles[c] = who
                    header_bits[c], header_hits[c] = engine.context_mask(header[c])
            # Columns the header does not explain are judged by their values, names included,
            # exactly as in a table without a header: a header outside the vocabulary
            # ("Claimant", "Detainees", "ФИО") must never make a column less suspicious than
            # no header at all (decided once per column, from the sample).
            columns = [[r[c] if c < len(r) else "" for r in sample] for c in range(width)]
            for c in range(width):
                if c not in roles:
                    profiled = self._profile(columns[c], skip=(NAME,) if c in other_party else ())
                    if profiled is None and c < len(header) and _PIVOT_HEADER.match(header[c]):
                        profiled = self._grouped(columns[c])
                        if profiled is not None:
                            present[c] = self._not_group(profiled)
                    if profiled is not None:
                        roles[c] = profiled
                    elif header_bits.get(c, 0) & engine.bits.get(CLAIM, 0) and any(
                        engine.detectors[CLAIM].looks_like(r[c]) for r in sample if c < len(r)
                    ):
                        # A header that names a claim by its code ("CAT") over values some of
                        # which name it too ("W/H"): any value but "no" is the claim ("def.").
                        # The values must agree: "CAT" also heads a column of categories.
                        roles[c] = CLAIM
            if other_party and {"a-number", "birthdate"} & set(roles.values()):
                # Rows that give birthdates or A-numbers are about the persons they name,
                # whatever the header calls them: officials are listed without either.
                for c in other_party:
                    column = [r[c] for r in sample if c < len(r)]
                    if roles.get(c, CLAIM) == CLAIM and self._profile(column) == NAME:
                        roles[c] = NAME  # "Asylum Officer" names no claim of theirs
                other_party = set()
            # A name split over columns whose headers say nothing known ("Apellido paterno |
            # Primer nombre" spelled otherwise) is found as in a table without a header.
            claim_bit = engine.bits.get(CLAIM, 0)
            claimed = bool((title_bits | _or_bits(header_bits.values())) & claim_bit)
            if (
                "a-number" in engine.detectors
                and not labels  # read as without a header: its words name nothing known
                and (claimed or {CLAIM, NAME, "birthdate"} & set(roles.values()))
            ):
                # A "File number" or "Case No." of 8-9 digits beside a claim, names or
                # birthdates is the A-number (``vocabulary.identifier_columns``).
                for c in identifier_columns(header, columns, roles):
                    roles[c] = "a-number"
            for c in self._name_parts(columns, roles, claimed):
                if c not in other_party:
                    roles[c] = NAME
            if "a-number" not in roles.values() and is_staff_directory(
                header, sample, engine.index
            ):
                # Officials with their job titles: the claim words of the directory's title
                # and of its units' names ("Credible Fear Unit") are nobody's claim. A column
                # its header names a claim ("CFI Result") still is one.
                staff = True
                no_claim = ~engine.bits.get(CLAIM, 0)
                title_bits &= no_claim
                title_hits = [h for h in title_hits if not h.value.startswith(CLAIM + "\0")]
                header_bits = {c: b & no_claim for c, b in header_bits.items()}
                roles = {
                    c: d
                    for c, d in roles.items()
                    if d != CLAIM or engine.index.match(header[c]) == CLAIM
                }
            persons = {c for c, d in roles.items() if d in (NAME, "birthdate", "a-number")}
            persons |= {c for c, h in enumerate(header) if engine.index.match(h) == CLAIM}
            if CONTACTS.intersection(roles.values()) and lists_organisations(
                header, sample, persons
            ):
                # Legal-aid providers' office phones and mailboxes, beside their services.
                roles = {c: d for c, d in roles.items() if d not in CONTACTS}
            if not staff:
                for c in self._flag_columns(header, columns, roles, header_bits, other_party):
                    roles[c] = CLAIM
                    present[c] = _flag_set
            # A "header" as long as the sentences under it ("Credible fear interview: NAME,
            # born DATE, ...") is one more of them: prose split at its commas, read as lines
            # of text too. A real header is a label ("Notes") above a column of sentences.
            prose = _split_prose(texts[header_at:]) and any(
                roles.get(c) not in engine.identifiers
                and _sentences(columns[c])
                and 2 * len(header[c].split()) >= _median_words(columns[c])
                for c in range(width)
            )
            start = header_at + 1
        else:
            start = 0
            if (
                self._sideways_row is None
                and not self._long
                and len(head) < HEAD_ROWS + SAMPLE_ROWS
            ):
                # (A long table's pairs are read pivoted, one record each: ``table``.)
                transposed = self._sideways(texts, width)
            columns = [[r[c] if c < len(r) else "" for r in texts] for c in range(width)]
            for c in range(width):
                det = self._profile(columns[c])
                if det is not None:
                    roles[c] = det
            claimed = bool(title_bits & engine.bits.get("protection-claim", 0))
            for c in self._name_parts(columns, roles, claimed):
                roles[c] = "person-name"
            # Sentences split at their commas (", born DATE, COUNTRY."): read as prose too.
            prose = _split_prose(texts) and any(
                roles.get(c) not in engine.identifiers and _sentences(columns[c])
                for c in range(width)
            )
        base = _base(replace(unit.where, hidden=False))  # hidden: per column, see below
        names = list(unit.column_names or ())
        return _Plan(
            start=start,
            width=width,
            header=header,
            roles=roles,
            header_bits=header_bits,
            header_hits=header_hits,
            free=[c for c in range(width) if c not in roles],
            title_bits=title_bits,
            title_hits=title_hits,
            formats=formats,
            base=base,
            hidden_columns=unit.hidden_columns,
            hidden_rows=unit.hidden_rows,
            sheet_hidden=unit.where.hidden,
            names=names,
            staff=staff,
            prose=prose,
            other_party=frozenset(other_party),
            numbered=frozenset(c for c in dropped if roles.get(c) is None),
            transposed=transposed,
            row_of_column=self._sideways_row,
            present=present,
        )

    def _flag_columns(
        self,
        header: list[str],
        columns: list[list[str]],
        roles: dict[int, str],
        header_bits: dict[int, int],
        other_party: set[int],
    ) -> list[int]:
        """Columns of per-person flags: a claim header ("Asylum", "CF POS", "Sum of CFI
        Positive") over 0s and 1s, in a table of persons (a pivot per person, a checklist).
        A number under a claim header is a count of cases, an aggregate (``_fits``), unless
        the rows are distinct persons: then a 1 is that person's claim. The sample's numbers
        must be mostly 0 or 1 (a caseload per officer counts 12, 7, 30) and the table's names,
        where a column holds them, must differ (an officer named on every row is no list of
        persons); the rows whose person is found row by row (names under group labels of a
        pivot) are the only ones classed, as ever."""
        engine = self.engine
        claim_bit = engine.bits.get(CLAIM, 0)
        if not claim_bit:
            return []
        names = [c for c, d in roles.items() if d == NAME and c not in other_party]
        for c in names:
            filled = [fold(v.strip()) for v in columns[c] if not is_null(v)]
            if not _distinct_enough(filled):
                return []
        flags = []
        for c, name in enumerate(header):
            if roles.get(c, CLAIM) != CLAIM or c in other_party:
                continue  # a claim column fits 0s and 1s half-way ("0" is a "no")
            if not (header_bits.get(c, 0) & claim_bit or engine.column_role(name) == CLAIM):
                continue
            filled = [v.strip() for v in columns[c] if not is_null(v)]
            counts = [v for v in filled if is_count(v)]
            bits = [v for v in counts if _FLAG.fullmatch(v)]
            if (
                filled
                and len(counts) == len(filled)
                and 2 * len(bits) >= len(filled)
                and any(v[:1] == "1" for v in bits)
            ):
                flags.append(c)
        return flags

    def _grouped(self, values: list[str]) -> str | None:
        """What a pivot's "Row Labels" column holds at its deepest level: its labels of
        groups (a facility, a country) set aside, the identifier most of the rest are
        (``Port Isabel`` over ``GARCIA, Maria`` and ``LOPEZ, Ana``)."""
        detectors = self.engine.detectors
        groups = [detectors[d] for d in ("detention-facility", "nationality") if d in detectors]
        rest = [v for v in values if not any(g.looks_like(v) for g in groups)]
        found = self._profile(rest) if 2 * len(rest) <= len(values) else None
        return found if found in self.engine.identifiers else None

    def _not_group(self, det_id: str) -> Callable[[str], bool]:
        """A value of a pivot's labels that is the identifier, not a group's label."""
        detectors = self.engine.detectors
        groups = [detectors[d] for d in ("detention-facility", "nationality") if d in detectors]
        detector = detectors[det_id]

        def present(value: str) -> bool:
            return detector.canonical(value) is not None and not any(
                g.looks_like(value) for g in groups
            )

        return present

    def _sideways(self, texts: list[list[str]], width: int) -> list[list[str]] | None:
        """A table turned sideways, transposed: one record per column under labels in its
        first column (``Name | GARCIA, Maria | LOPEZ, Ana``, ``DOB | ...``), or a one-person
        form of label/value pairs (``Applicant | Maria Garcia``, ``Outcome | Positive``).
        Such a table has no header row, so its columns mix every element and its rows are no
        records. It is one when the header vocabulary names two elements or more in its first
        column, in half its labels at least, and fewer than two in its first row. None for
        any other table (the whole table is in the head: a sideways table is short)."""
        if width < 2 or len(texts) < 2:
            return None
        role = self.engine.column_role
        labels = [r[0].strip() for r in texts if r and r[0].strip()]
        named = [d for d in map(role, labels) if d is not None]
        if len(set(named)) < 2 or 2 * len(named) < len(labels):
            return None
        if sum(1 for v in texts[0][1:] if role(v) is not None) >= 2:
            return None
        return [[r[c] if c < len(r) else "" for r in texts] for c in range(width)]

    def _read_sideways(self, unit: Table, rows: list[list[str]], offset: int) -> None:
        """Read a table turned sideways (``_sideways``) as the table it is: its first column
        the header, each other column a record. Its findings are located by the unit's row.
        The plain reading stands too: a person counts once, in the stricter class."""
        flipped = Table(
            where=unit.where,
            rows=rows,
            title=unit.title,
            hidden_rows=unit.hidden_columns,
            hidden_columns=frozenset(r - offset for r in unit.hidden_rows if r >= offset),
        )
        self._sideways_row = offset
        try:
            self.table(flipped)
        finally:
            self._sideways_row = None

    def _claims_over_claims(self, row: Sequence[str], below: Sequence[str]) -> bool:
        """Whether a row's only words of the vocabulary are claims over claims ("Asylum" over
        "CAT"), beside a word that is a common given name or surname, or a part of a name
        over another (``STEPHENS | Ruby | Asylum``): the first record of a table without a
        header, not its header."""
        claim, names = self.engine.detectors.get(CLAIM), self.engine.detectors.get(NAME)
        if claim is None or not isinstance(names, PersonName):
            return False
        role = self.engine.column_role
        vocabulary = [c for c, v in enumerate(row) if v.strip() and role(v) is not None]
        if not all(
            role(row[c]) == CLAIM
            and claim.looks_like(row[c])
            and c < len(below)
            and claim.looks_like(below[c])
            for c in vocabulary
        ):
            return False
        return any(
            c not in vocabulary
            and len(v.split()) == 1
            and (
                _known_name(v)
                or (names.looks_like_part(v) and c < len(below) and names.looks_like_part(below[c]))
            )
            for c, v in enumerate(row)
        )

    def _heads_columns(self, row: Sequence[str], below: Sequence[Sequence[str]]) -> bool:
        """Whether a row whose words are outside the header vocabulary is a header all the
        same (``Case | Result`` over ``HOU-0001 | Credible fear positive``): every cell a
        distinct short label without digits or any element's shape, over at least one column
        whose values below have an element's shape that its label does not have."""
        cells = [v.strip() for v in row]
        if len(cells) < 2 or not all(cells) or len({fold(v) for v in cells}) < len(cells):
            return False
        if any(len(v) > 40 or _DIGIT.search(v) or _known_name(v) for v in cells):
            return False
        detectors = self.engine.detectors
        if any(d.looks_like(v) for d in detectors.values() for v in cells):
            return False
        return any(
            self._profile([r[c] for r in below if c < len(r)]) is not None
            for c in range(len(cells))
        )

    def _header_below(self, texts: list[list[str]], at: int, cells: int) -> int | None:
        """The first row after ``at`` (within the head) that is a header wider than every row
        from ``at`` to it, each ``cells`` wide at least; None when there is none."""
        widest = cells
        for j in range(at + 1, min(len(texts), HEAD_ROWS)):
            filled = sum(1 for v in texts[j] if v.strip())
            if filled > widest and self._is_header(
                texts[j], texts[j + 1] if j + 1 < len(texts) else None
            ):
                return j
            widest = max(widest, filled)
        return None

    def _is_header(self, row: Sequence[str], below: Sequence[str] | None = None) -> bool:
        """Whether a row is a header: a word of the vocabulary in it, and no value. ``below``:
        the row under it, when there is one."""
        engine = self.engine
        filled = [v for v in row if v.strip()]
        if not any(engine.column_role(v) or _PIVOT_HEADER.match(v) for v in filled):
            return False
        numeric = sum(1 for v in filled if v.strip()[:1].isdigit())
        if numeric * 2 > len(filled):
            return False
        # A row holding values (an A-number, a date, a country, a name) is data, even when
        # one of its cells is a word of the vocabulary ("Asylum" in a claim column).
        shaped = ("a-number", "birthdate", "nationality")
        detectors = engine.detectors
        # (Not a header word of another identifier: ``FIN`` is also Finland's code.)
        if any(
            detectors[d].looks_like(v) and engine.column_role(v) not in OTHER_IDENTIFIERS
            for v in filled
            for d in shaped
            if d in detectors
        ):
            return False
        if below is not None and self._claims_over_claims(row, below):
            return False
        names = detectors.get(NAME)
        if names is None:
            return True
        # Headers in capitals ("ARREST METHOD", "BOND AMOUNT") have a name's shape in capitals:
        # a name in mixed case says a row is data, and one in capitals when it holds a common
        # given name or surname ("MARIA LOPEZ GARCIA") or when the row repeats a value of the
        # row under it ("ASYLUM" over "ASYLUM": a header is not its column's first value).
        capitals = False
        for v in filled:
            if names.looks_like(v) and not _PIVOT_HEADER.match(v):
                if not v.isupper() or _known_name(v):
                    return False
                capitals = True
            elif isinstance(names, PersonName) and _gazetteer_name(v, names):
                return False  # ``maria lopez``: a name in lower case is data too
        if capitals and below is not None:
            cells = [v.strip() for v in row]
            under = [v.strip() for v in below]
            if cells != under and any(v and v == u for v, u in zip(cells, under, strict=False)):
                return False
        return True

    def _fits(self, det_id: str, values: list[str]) -> bool:
        """Whether the sample under a header agrees with it (a "Name" column of courts does
        not hold persons; an "Asylum" column of counts holds no claim)."""
        detector = self.engine.detectors[det_id]
        filled = [v[:_MAX_SAMPLE_CHARS] for v in values if not is_null(v)]
        if self._sideways_row is not None and det_id in self.engine.identifiers:
            # A table read sideways has a record or a few under each label, and its labels may
            # head descriptions (a codebook): its identifiers must have their shape.
            shaped = sum(1 for v in filled if detector.looks_like(v))
            return 2 * shaped >= len(filled) > 0
        if len(filled) < 3:
            return True
        good = sum(
            1 for v in filled if detector.canonical(v) is not None or fold(v.strip()) in NEGATIONS
        )
        return good >= len(filled) * _ROLE_SHARE

    def _profile(self, values: list[str], skip: Sequence[str] = ()) -> str | None:
        filled = [v for v in values if len(v) <= _MAX_SAMPLE_CHARS and not is_null(v)]
        if not filled:
            return None
        for det_id in _PROFILE_ORDER:
            if det_id in skip:
                continue
            detector = self.engine.detectors.get(det_id)
            if detector is None:
                continue
            refused = [v for v in filled if not detector.looks_like(v)]
            shaped = len(filled) - len(refused)
            if shaped < len(filled) * _PROFILE_SHARE and isinstance(detector, PersonName):
                # Names typed in lower case (or capitals), or surname first, have no name's
                # shape: a common given name and surname each, as a line of text takes them
                # (``_gazetteer_name``).
                shaped += sum(1 for v in refused if _gazetteer_name(v, detector))
            if shaped >= len(filled) * _PROFILE_SHARE:
                return det_id
        return None

    def _name_parts(
        self, columns: list[list[str]], roles: dict[int, str], claimed: bool
    ) -> list[int]:
        """The columns of a table without a header that hold a name split in parts
        (``GARCIA | Maria``), judged from the sample.

        One word per cell is weak evidence (a city, a status, a code), so it takes all of:
        2 to 4 adjacent columns of capitalised words that are no common word, place, month or
        status (``PersonName.looks_like_part``); a column of birthdates in the same rows; a
        claim (a column of claim terms, or the title) or both a nationality and a detention
        facility column, which is the shape of a detainee roster; and rows that differ: the
        names together, and the birthdates, distinct in at least half of the rows (a
        directory of staff has no birthdates, statistics repeat their categories and dates).
        Where several runs qualify, the one with the most distinct names wins. Rows with an
        A-number column are persons already: the A-numbers stand for the birthdates, and no
        claim or roster is needed (``LEWIS | Camila | A225297511 | Adelanto``). Without
        either, a column of claims anchors the parts when a third of the rows at least hold a
        common given name or surname (``gazetteer``: ``GARCIA | Maria | Asylum``).
        """
        detector = self.engine.detectors.get("person-name")
        kinds = set(roles.values())
        # Rows numbered by A-number are persons already: the parts beside the number name
        # them (``LEWIS, Camila, A225297511, Adelanto``), with the numbers as the rows' keys.
        anchor = "a-number" if "a-number" in kinds else "birthdate"
        if anchor not in kinds and CLAIM in kinds and NAME not in kinds:
            anchor = CLAIM  # the parts must then hold known names (below)
        if (
            not isinstance(detector, PersonName)
            or "person-name" in kinds  # names written whole: the parts are something else
            or anchor not in kinds
            or not (
                anchor == "a-number"
                or claimed
                or "protection-claim" in kinds
                or {"nationality", "detention-facility"} <= kinds
            )
        ):
            return []
        rows = len(columns[0]) if columns else 0
        dob_cols = [c for c, d in roles.items() if d == anchor]
        births = [
            next((columns[c][r] for c in dob_cols if not is_null(columns[c][r])), "")
            for r in range(rows)
        ]
        if anchor != CLAIM and not _distinct_enough([b for b in births if b]):
            return []
        candidates = [
            c not in roles and self._part_column(detector, columns[c]) for c in range(len(columns))
        ]
        best: list[int] = []
        best_distinct = 0
        run: list[int] = []
        for c in range(len(columns) + 1):
            if c < len(columns) and candidates[c]:
                run.append(c)
                continue
            if _NAME_PARTS[0] <= len(run) <= _NAME_PARTS[1]:
                names = [
                    tuple(fold(columns[k][r].strip()) for k in run)
                    for r in range(rows)
                    if births[r] and all(not is_null(columns[k][r]) for k in run)
                ]
                distinct = len(set(names))
                if anchor == CLAIM:
                    known = sum(1 for n in names if any(w in KNOWN_NAMES for w in n))
                    if 3 * known < len(names) or known < 2:
                        distinct = 0  # single words beside a claim: categories, unless names
                if _distinct_enough(names) and distinct > best_distinct:
                    best, best_distinct = run, distinct
            run = []
        return best

    @staticmethod
    def _part_column(detector: PersonName, values: list[str]) -> bool:
        filled = [v for v in values if not is_null(v)]
        if not filled:
            return False
        parts = [v for v in filled if detector.looks_like_part(v)]
        return len(parts) >= len(filled) * _PROFILE_SHARE and len(set(parts)) >= min(len(parts), 3)

    def _batch(self, plan: _Plan, batch: list[Sequence[Cell]], first: int, unit: Table) -> None:
        engine = self.engine
        plan.held = 0
        n = len(batch)
        # Rows as wide as the table (nearly every batch) are transposed at once, with no test
        # per row: a strict ``zip`` fails on rows of other widths, which are looked at then.
        cells: list[tuple[Any, ...]] | None
        try:
            cells = list(zip(*batch, strict=True))
        except ValueError:
            cells = None
        if cells is None or len(cells) != plan.width:
            cells = None
            lengths = set(map(len, batch))  # one pass for the widest and the narrowest row
            width = max(lengths)
            if width > plan.width:
                plan.free += range(plan.width, width)
                plan.width = width
            if min(lengths) < plan.width:
                pad = ("",) * plan.width
                batch = [r if len(r) >= plan.width else (*r, *pad[len(r) :]) for r in batch]
        if unit.cell_formats is not None:
            batch = self._apply_cell_formats(batch, first, unit.cell_formats)
            cells = None
        columns = _Columns(batch, plan.formats, cells)
        if self._stated is None and not plan.staff:
            self._stated_in_cells(plan, batch, columns)
        if plan.join is None:
            plan.join = self._join_role(plan, columns)
        if plan.join:
            self._join(plan, columns, first)

        const = plan.title_bits
        rowbits: list[int] | None = None
        presence: dict[int, list[bool] | None] = {}
        values: dict[int, Sequence[str]] = {}
        joins: dict[int, str] = {}  # the same, joined by newlines

        def add(col: int, det_id: str) -> None:
            nonlocal const, rowbits
            vals, joined = columns.text(col)
            test = plan.present.get(col)
            if test is not None:
                present: list[bool] | None = list(map(test, vals))
            else:
                present = engine.detectors[det_id].column(vals, joined)
            presence[col] = present
            values[col] = vals
            joins[col] = joined
            bit = engine.bits[det_id] | plan.header_bits.get(col, 0)
            if present is None:
                const |= bit
            else:
                column_bits = [bit if p else 0 for p in present]
                rowbits = (
                    column_bits if rowbits is None else list(map(int.__or__, rowbits, column_bits))
                )

        for col, det_id in plan.roles.items():
            if det_id in engine.identifiers:
                add(col, det_id)

        # Identifiers written in free text (a notes column, an unlabelled column).
        extra: dict[int, list[Hit]] = {}
        if plan.free:
            self._free_hits(plan, columns, engine.identifiers, extra, labels=True)
        if NAME not in plan.roles.values() and not plan.staff:
            self._claim_cells(plan, columns, extra)
        # An A-number with thousands commas in an unquoted CSV line is read as three cells.
        if "a-number" in engine.detectors:
            spread = spread_over_cells(
                columns.text, plan.width, plan.header, lambda c: presence.get(c, ()) is None
            )
            for i, col, number in spread:
                extra.setdefault(i, []).append(Hit("a-number", number, col))

        if engine.gate and not const & engine.gate:
            # Rows the plan does not identify are judged by their own values too: the plan's
            # roles come from a sample, and rows below it (or a minority within it) may hold
            # what the sample did not.
            shaped = self._unplanned(plan, columns, n, rowbits, presence, extra)
            if (shaped or extra) and (split := self._header_after_blank(plan, batch, columns)):
                # Read up to the second table only: nothing of this batch is counted yet.
                self._batch(plan, batch[:split], first, unit)
                plan.split = split
                return
            if not any(batch[-1]):
                # A blank row may end the batch and a header begin the next: read it again.
                plan.held = max(plan.held, 1)
            identified = [
                i
                for i in range(n)
                if (rowbits is not None and rowbits[i] & engine.gate) or i in extra
            ]
            if not identified:
                return  # the fast path: nobody in this batch
        for col, det_id in plan.roles.items():
            if det_id not in engine.identifiers:
                add(col, det_id)
        # Attributes and claims in free text, unless every row already has them.
        wanted = [
            d
            for d in engine.others
            if not const & engine.bits[d] and not (plan.staff and d == CLAIM)
        ]
        if plan.free and wanted:
            self._free_hits(plan, columns, wanted, extra, labels=False)

        masks = [const] * n if rowbits is None else [const | b for b in rowbits]
        for i, hits in extra.items():
            for hit in hits:
                masks[i] |= engine.bits[hit.detector]
        claim_bit = engine.bits.get(CLAIM, 0)
        if claim_bit and not const & claim_bit and not plan.staff:
            self._claims_elsewhere(plan, columns, masks, extra, claim_bit)
        classes = [engine.class_of(m) for m in masks] if len(set(masks)) > 1 else None
        if classes is None:
            only = engine.class_of(masks[0])
            if only is None:
                # Nobody here, unless a claim the file states makes them someone (``finish``).
                target = None if plan.staff else self._target(masks[0])
                if target is not None:
                    self._hold_names(plan, target, n, presence, values, extra)
                return
            classes = [only] * n
        self._tally_batch(plan, batch, first, classes, masks, presence, values, extra, joins)

    def _join_role(self, plan: _Plan, columns: _Columns) -> tuple[int, str, int, int] | tuple[()]:
        """Whether the table is one half of records split over tables joined by a key (a
        relational export: names in "People", claims in "Cases" under the person's ID; or
        persons.csv beside cases.csv in one archive): a key column beside names and no claim,
        or beside claims and no identifier. Tables that list staff are not. The key is the
        column its header names one (``ID``, ``person_id``), else one whose values (in the
        first batch) are unique per row, whatever its header ("Case", "Idx", "Row":
        ``_loose_key``); such a key joins two tables only where they share most of their
        values (``_join_loose``). The last item: the table's index in ``_loose``, or -1."""
        header = plan.header
        if header is None or plan.staff:
            return ()
        roles = plan.roles
        keys = [
            c
            for c, text in enumerate(header)
            if c not in roles and (words := norm_header(text).split()) and words[-1] in _KEYS
        ]
        if len(keys) > 1:
            return ()
        side: tuple[str, int] | None = None
        if CLAIM not in roles.values():
            # The persons, by their A-number where the table has one, else by their name.
            for det_id in ("a-number", NAME):
                ids = [c for c, d in roles.items() if d == det_id and c not in plan.other_party]
                if ids:
                    side = (det_id, ids[0])
                    break
        if side is None and not any(d in self.engine.identifiers for d in roles.values()):
            claims = [c for c, d in roles.items() if d == CLAIM]
            if claims:
                side = (CLAIM, claims[0])
        if side is None:
            return ()
        if keys:
            return (keys[0], *side, -1)
        loose = self._loose_key(plan, columns)
        if loose is None or (side[0] == CLAIM and self._counts_beside(plan, columns, loose)):
            return ()
        self._loose.append((side[0], self._column_location(plan, side[1], False), {}))
        return (loose, *side, len(self._loose) - 1)

    def _counts_beside(self, plan: _Plan, columns: _Columns, key: int) -> bool:
        """Whether a table of claims counts them (``Relief | Cases``, numbered rows): an
        aggregate, whose row numbers are nobody's key."""
        for c in range(plan.width):
            if c == key or c in plan.roles:
                continue
            filled = [v for v in columns.text(c)[0] if v.strip()]
            if filled and all(map(is_count, filled)):
                return True
        return False

    def _loose_key(self, plan: _Plan, columns: _Columns) -> int | None:
        """The first column without a role whose values in the batch are a key: one on
        nearly every row, each different, short (a case number, a row's index); a header
        of counts ("Total", "Cases") heads no key."""
        for c, text in enumerate(plan.header or ()):
            if c in plan.roles or c in plan.other_party or c >= plan.width:
                continue
            if _MEASURES.intersection(norm_header(text).split()):
                continue
            vals = columns.text(c)[0]
            filled = [v for v in map(str.strip, vals) if v]
            if (
                len(filled) >= 2
                and 10 * len(filled) >= 9 * len(vals)
                and len(set(filled)) == len(filled)
                and max(map(len, filled)) <= _MAX_KEY_CHARS
            ):
                return c
        return None

    def _join(self, plan: _Plan, columns: _Columns, first: int) -> None:
        """Persons of a table of names whose key a table of claims of the same file holds
        (in either order) are protected persons, counted once each."""
        key_col, role, col, loose = plan.join  # type: ignore[misc]
        if loose >= 0:
            self._join_loose(columns, key_col, role, col, loose)
            return
        engine = self.engine
        detector = engine.detectors[role]
        keys, vals = columns.text(key_col)[0], columns.text(col)[0]
        room = _MAX_KEYED - len(self._keyed_persons) - len(self._keyed_claims) - self._loose_size
        found = 0
        for key, value in zip(keys, vals, strict=True):
            key = key.strip()
            if not key or not value or found >= room:
                continue
            canonical = detector.canonical(value)
            if canonical is None:
                continue
            found += 1
            if role == CLAIM:
                self._keyed_claims.add(key)
            else:
                person = a_key(canonical) if role == "a-number" else name_key(canonical)
                self._keyed_persons.setdefault(key, person)
            if role not in self._keyed_where:
                location = self._column_location(plan, col, False)
                self._keyed_where[role] = (location, detector.redact(canonical))
        matched = self._keyed_claims.intersection(self._keyed_persons)
        if not matched:
            return
        cls = engine.class_of(_or_bits(engine.bits[d] for d in self._keyed_where))
        if cls is None:
            return
        for key in matched:
            self.tally.add_person(cls, [self._keyed_persons.pop(key)])
        for det, (location, sample) in self._keyed_where.items():
            self.tally.add_finding(cls, det, location, len(matched), sample)

    def _join_loose(self, columns: _Columns, key_col: int, role: str, col: int, table: int) -> None:
        """Records split over tables joined by a key found by its values (``_loose_key``):
        the values are kept as they are (one C-level pass per batch), and a person is judged
        only once its key is shared with a table of the other half, which most of the two
        tables' keys must be (a row's index in one table and a count in another share few)."""
        keys, vals = columns.text(key_col)[0], columns.text(col)[0]
        batch = dict(zip(map(str.strip, keys), vals, strict=True))
        batch.pop("", None)
        room = _MAX_KEYED - len(self._keyed_persons) - len(self._keyed_claims) - self._loose_size
        if len(batch) > room:
            batch = dict(islice(batch.items(), max(room, 0)))
        own = self._loose[table][2]
        own.update(batch)
        self._loose_size += len(batch)
        for other, (other_role, _, theirs) in enumerate(self._loose):
            if (other_role == CLAIM) == (role == CLAIM):
                continue
            pair = (other, table) if role == CLAIM else (table, other)
            shared, counted = self._loose_shared.setdefault(pair, (set(), set()))
            shared.update(batch.keys() & theirs.keys())
            if 2 * len(shared) < max(len(own), len(theirs)):
                continue
            fresh = shared - counted
            counted |= fresh
            if fresh:
                self._count_loose(pair, fresh)

    def _count_loose(self, pair: tuple[int, int], keys: set[str]) -> None:
        """Count the persons of a table of names whose keys a table of claims shares."""
        engine = self.engine
        role, where, persons = self._loose[pair[0]]
        _, claim_where, claims = self._loose[pair[1]]
        detector, claim = engine.detectors[role], engine.detectors[CLAIM]
        cls = engine.class_of(engine.bits[role] | engine.bits[CLAIM])
        if cls is None:
            return
        found: list[tuple[str, str]] = []
        for key in keys:
            canonical = detector.canonical(persons[key])
            said = claim.canonical(claims[key])
            if canonical is not None and said is not None:
                found.append((canonical, said))
                person = a_key(canonical) if role == "a-number" else name_key(canonical)
                self.tally.add_person(cls, [person])
        if found:
            self.tally.add_finding(cls, role, where, len(found), detector.redact(found[0][0]))
            self.tally.add_finding(cls, CLAIM, claim_where, len(found), claim.redact(found[0][1]))

    def _stated_in_cells(self, plan: _Plan, batch: list[Sequence[Cell]], columns: _Columns) -> None:
        """A claim stated of the file's persons in a row of its own: a table's closing line
        ("All persons listed above applied for asylum"), a legend under it ("1 = positive
        credible fear"), a Readme sheet (``_statement``). Such a row holds its text in the
        first column and leaves the last empty (a CSV line shorter than the table is padded):
        one pass over the rows' last cells, then the few such rows' text; a one-column table
        is tested with one C-level call. A value with a claim and four words or more, once
        per file."""
        claim = self.engine.detectors.get(CLAIM)
        if not isinstance(claim, ProtectionClaim) or plan.width < 1:
            return
        if plan.width == 1:
            if not isinstance(batch[0][0] if batch[0] else None, str):
                return
            values, joined = columns.text(0)
            if " " not in joined or not claim.may_find(joined):
                return
        elif columns.blank(plan.width - 1):
            values = [cell_text(row[0]) for row in batch if row and row[-1] in ("", None)]
        else:
            return
        checked = self._checked_cells
        for value in values:
            if not isinstance(value, str) or value.count(" ") < 3 or value in checked:
                continue
            if len(checked) < _SHAPE_CACHE:
                checked.add(value)
            if claim.may_find(value):
                self._statement(value, self._column_location(plan, 0, False))
                if self._stated is not None:
                    return

    def _hold_names(
        self,
        plan: _Plan,
        target: str,
        n: int,
        presence: dict[int, list[bool] | None],
        values: dict[int, Sequence[str]],
        extra: dict[int, list[Hit]],
    ) -> None:
        """Rows that name persons and nothing more (no class of their own), held for a claim
        the file may state: their names as the text they are, within ``_HELD_NAMES`` (their
        keys are made only when a claim is stated, in ``finish``: a directory of names costs
        no more than it did), past it their keys; and the findings that would show them."""
        engine = self.engine
        held = self._hold()
        cols = [c for c, d in plan.roles.items() if d == NAME and c in values]
        if len(cols) == 1:
            present = presence[cols[0]]
            column = values[cols[0]]
            found = list(filter(None, column if present is None else compress(column, present)))
        else:
            parts = [[values[c][i] for c in cols if _present(presence[c], i)] for i in range(n)]
            found = [" ".join(p) for p in parts if p]
        found += [h.value for hits in extra.values() for h in hits if h.detector == NAME]
        if self._held_count + len(found) <= _HELD_NAMES:
            self._held_names.append((target, found))
            self._held_count += len(found)
        else:
            names = self.tally.names
            held.add_persons(target, (_name_keys(v, None, None, names)[0] for v in found))
        for col, det_id in plan.roles.items():
            present = presence.get(col, [])
            if det_id not in engine.identifiers or col not in values:
                continue
            count = n if present is None else sum(present)
            if count:
                raws = (v for v in values[col] if v)
                self._hold_finding(held, target, plan, col, det_id, count, raws)

    def _hold_rows(
        self,
        plan: _Plan,
        masks: list[int],
        keys: list[int],
        more: dict[int, list[int]],
        presence: dict[int, list[bool] | None],
        values: dict[int, Sequence[str]],
    ) -> None:
        """Rows that lacked only a claim, held until the file is read (``finish``): their
        persons under the class a claim would give them, and the findings of their
        identifiers there. A few distinct masks per batch."""
        engine = self.engine
        targets = {m: t for m in set(masks) if (t := self._target(m)) is not None}
        if not targets:
            return
        held = self._hold()
        for mask, target in targets.items():
            sel = [m == mask for m in masks] if len(targets) > 1 or len(set(masks)) > 1 else None
            chosen_keys = keys if sel is None else compress(keys, sel)
            held.add_persons(target, filter(None, chosen_keys))
            for i, rest in more.items():
                if sel is None or sel[i]:
                    held.add_persons(target, rest)
            for col, det_id in plan.roles.items():
                if det_id not in engine.identifiers or col not in presence:
                    continue
                present = presence[col]
                everyone = [True] * len(masks) if sel is None else sel
                chosen = everyone if present is None else list(map(bool.__and__, everyone, present))
                count = sum(chosen)
                if count:
                    raws = compress(values[col], chosen)
                    self._hold_finding(held, target, plan, col, det_id, count, raws)

    def _hold_finding(
        self,
        held: Tally,
        target: str,
        plan: _Plan,
        col: int,
        det_id: str,
        count: int,
        raws: Iterator[str],
    ) -> None:
        """A held column's finding: where, how many, and a redacted sample (the first value of
        ``raws``, taken only when the place has none yet)."""
        location = self._column_location(plan, col, False)
        sample = ""
        if not held.has_finding(target, det_id, location):
            detector = self.engine.detectors[det_id]
            raw = next(raws)
            sample = detector.redact(detector.canonical(raw) or raw)
        held.add_finding(target, det_id, location, count, sample)

    def _claims_elsewhere(
        self,
        plan: _Plan,
        columns: _Columns,
        masks: list[int],
        extra: dict[int, list[Hit]],
        claim_bit: int,
    ) -> None:
        """Claims in the cells of rows that identify a person but hold no claim where the plan
        looks for one: a claim typed into the nationality, facility or birthdate column makes
        the row a protected person's, whatever the column's role (the sample's plan would
        class it personal data, which needs fewer sign-offs). One regex over each column's
        text per batch, then each distinct value once per table; the free columns and the
        claim column were searched already."""
        engine = self.engine
        claim = engine.detectors[CLAIM]
        gate = engine.gate or ~0
        # A batch has few distinct masks: one C-level pass says whether any row lacks a claim.
        if not any(m & gate and not m & claim_bit for m in set(masks)):
            return
        lacking = [i for i, m in enumerate(masks) if m & gate and not m & claim_bit]
        for col, det_id in plan.roles.items():
            if det_id == CLAIM or col in plan.other_party:
                continue
            vals, joined = columns.text(col)
            if not claim.may_find(joined):
                continue
            seen = plan.claims.setdefault(col, {})
            for i in lacking:
                value = vals[i]
                if not value:
                    continue
                found = seen.get(value, "")
                if found == "":
                    found = claim.canonical(value) if claim.may_find(value) else None
                    if len(seen) < _SHAPE_CACHE:
                        seen[value] = found
                if found is not None:
                    extra.setdefault(i, []).append(Hit(CLAIM, found, col))
                    masks[i] |= claim_bit

    def _header_after_blank(
        self, plan: _Plan, batch: list[Sequence[Cell]], columns: _Columns
    ) -> int | None:
        """Where a header after blank rows starts a second table in a batch (a sheet with two
        tables, one under the other, its blank rows as wide as the rest, which ``_header_at``
        does not see): the second is planned from its own header, which may say what the
        first's does not ("Fear result"). Asked only of batches with rows the plan identifies
        nobody in but that hold an identifier's shape (the only rows a second plan could
        judge otherwise); a blank row is an empty line in the first column's text."""
        vals, joined = columns.text(0)
        if not ("\n\n" in joined or joined[:1] == "\n" or joined[-1:] == "\n"):
            return None
        for j in range(len(batch) - 1):
            if vals[j] or any(batch[j]) or not any(batch[j + 1]):
                continue
            row = [cell_text(v) for v in batch[j + 1]]
            below = [cell_text(v) for v in batch[j + 2]] if j + 2 < len(batch) else None
            if [v.strip() for v in row] != [v.strip() for v in plan.header or ()] and (
                self._is_header(row, below)
            ):
                return j + 1
        return None

    def _unplanned(
        self,
        plan: _Plan,
        columns: _Columns,
        n: int,
        rowbits: list[int] | None,
        presence: dict[int, list[bool] | None],
        extra: dict[int, list[Hit]],
    ) -> bool:
        """Names in the rows of a batch that the plan identifies nobody in, found in columns
        the plan gave no name role: every row is judged, not only the sample's. Whether
        any value has a name's shape there (found a name or not).

        The plan decides a column's role from a sample, by a share of its values: a column
        of names is one where most values are names. Rows that differ from the sample (below
        it, after any number of filler rows, interleaved, at the very end, or a minority
        inside it) would keep the sample's roles and go unjudged. So each batch looks again
        at its unidentified rows, column by column, cheaply: a column whose text cannot hold
        two words (ASCII without a separator between letters: counts, codes, one-word
        categories) is passed over in one C-level pass (``_may_hold_words``); in the others,
        each distinct value is judged once per table (``_Plan.shapes``) by ``looks_like``
        (less what the column's own role explains: a country in a column of nationalities).
        A-numbers are looked for in columns the sample gave another role, as in free ones.

        A value with a name's shape is a person's name when the rows say so as a table of
        their own would: it holds a common given name or surname; or its row has an A-number
        or a birthdate, among names that differ; or it is one of a run of consecutive rows of
        names that differ (``_RUN_ROWS``; a run at the end of the batch is left to be read
        again with the next, ``_Plan.held``). Categories that have a name's shape ("Single
        Adults", "Voluntary Departure") repeat, hold no known name and stand beside no
        birthdate of their own. Columns headed as someone else's (an interpreter's) and
        directories of staff are left as the plan left them. The rows found are classified
        as any other: their claim comes from their own cells (``_free_hits``) or from the
        header and title."""
        engine = self.engine
        names = engine.detectors.get(NAME)
        if not isinstance(names, PersonName) or plan.staff:
            return False
        gate = engine.gate
        numbers = engine.detectors.get("a-number")
        shaped: dict[int, list[int]] = {}
        for col in range(plan.width):
            role = plan.roles.get(col)
            present = presence.get(col) if role in engine.identifiers else None
            if role in engine.identifiers and present is None:
                continue  # every value is the column's identifier
            vals, joined = columns.text(col)
            if col in plan.numbered and numbers is not None:
                # Under its header a number is an A-number (``canonical``), wherever it is,
                # as it would be in a table of its own (the sample's values decided otherwise).
                fits = numbers.column(vals, joined)
                for i, value in enumerate(vals):
                    if (
                        (fits is None or fits[i])
                        and (rowbits is None or not rowbits[i] & gate)
                        and not any(h.where == col for h in extra.get(i, ()))
                        and (number := numbers.canonical(value)) is not None
                    ):
                        extra.setdefault(i, []).append(Hit("a-number", number, col))
            if role not in (None, "a-number") and numbers is not None and numbers.may_find(joined):
                # A-numbers in a column the sample gave another role (free columns have
                # theirs looked for in ``_free_hits``).
                for i, value in enumerate(vals):
                    if (rowbits is None or not rowbits[i] & gate) and numbers.may_find(value):
                        hits = [Hit("a-number", f.value, col) for f in numbers.find(value)]
                        if hits:
                            extra.setdefault(i, []).extend(hits)
            if role == NAME or col in plan.other_party or not _may_hold_words(joined, n):
                continue
            plain = plan.plain.get(col)
            if plain and not _may_hold_words(_without(joined, plain), n):
                continue  # its only values of two words are the few known to be no names
            verdicts = plan.shapes.setdefault(col, {})
            explains = engine.detectors.get(role) if role is not None else None
            distinct = set(vals)
            suspect: set[str] = set()
            for value in distinct.difference(verdicts):
                verdict = (
                    (_may_be_name(value) and names.looks_like(value))
                    or _gazetteer_name(value, names)
                ) and not (explains is not None and explains.looks_like(value))
                if len(verdicts) < _SHAPE_CACHE:
                    verdicts[value] = verdict
                elif verdict:
                    suspect.add(value)
            # The values seen before (one C-level pass): most batches have no new ones.
            suspect.update(filter(verdicts.get, distinct))
            worded: list[str] = []  # "El Salvador", "Los Angeles": stripped, and skipped
            for value in distinct:
                if value not in suspect and _may_hold_words(value, 1):
                    worded.append(value)
                    if len(worded) > _PLAIN_VALUES:
                        break
            if len(worded) <= _PLAIN_VALUES:
                plan.plain[col] = worded
            if not suspect:
                continue
            rows = [
                i
                for i, v in enumerate(vals)
                if v in suspect
                and (rowbits is None or not rowbits[i] & gate)
                and (present is None or not present[i])
            ]
            if rows:
                shaped[col] = rows
        tail = 0  # rows at the end of the batch in a run too short to judge yet
        for col, rows in shaped.items():
            vals = columns.text(col)[0]
            found = [vals[i] for i in rows]
            varied = len(set(found)) >= len(found) * _DISTINCT_SHARE
            in_runs = _runs(rows, found)
            if rows[-1] == n - 1:
                start = len(rows) - 1
                while start and rows[start - 1] == rows[start] - 1:
                    start -= 1
                if len(rows) - start < _RUN_ROWS:
                    tail = max(tail, len(rows) - start)
            known = {v for v in set(found) if _known_name(v)}
            for i, value in zip(rows, found, strict=True):
                sure = i in in_runs or value in known
                if not (sure or varied):
                    continue  # a repeated category: not worth a look at the rest of its row
                attributes, anchored = self._row_attributes(plan, columns, i, col, rowbits, extra)
                if sure or anchored:
                    hits = extra.setdefault(i, [])
                    hits.append(Hit(NAME, names.canonical(value) or value.strip(), col))
                    hits += attributes
        # The next batch reads the short run again, with what follows it; never a row that
        # identified someone here (it would be counted twice).
        plan.held = min(tail, n - 1 - max(extra, default=-1))
        return bool(shaped)

    def _row_attributes(
        self,
        plan: _Plan,
        columns: _Columns,
        row: int,
        name_col: int,
        rowbits: list[int] | None,
        extra: dict[int, list[Hit]],
    ) -> tuple[list[Hit], bool]:
        """The attributes (birthdate, nationality, facility) in the role-less cells of a row
        found to name a person (the plan's role columns are read as always), and whether the
        row has an A-number or a birthdate: what anchors a name to a person."""
        engine = self.engine
        a_bit = engine.bits.get("a-number", 0)
        anchored = bool(rowbits is not None and rowbits[row] & a_bit) or any(
            h.detector == "a-number" for h in extra.get(row, ())
        )
        hits: list[Hit] = []
        shapes = [d for d in _ROW_ATTRIBUTES if d in engine.detectors]
        for col in range(plan.width):
            if col == name_col:
                continue
            role = plan.roles.get(col)
            value = columns.text(col)[0][row]
            if is_null(value) or len(value) > _MAX_SAMPLE_CHARS:
                continue
            if role == "birthdate":
                anchored = anchored or engine.detectors[role].canonical(value) is not None
                continue
            if role is not None:
                continue
            for det_id in shapes:
                detector = engine.detectors[det_id]
                if detector.looks_like(value):
                    hits.append(Hit(det_id, detector.canonical(value) or value.strip(), col))
                    anchored = anchored or det_id == "birthdate"
                    break
        return hits, anchored

    def _apply_cell_formats(
        self,
        batch: list[Sequence[Cell]],
        first: int,
        cell_formats: Callable[[int, int], str | None],
    ) -> list[Sequence[Cell]]:
        out: list[Sequence[Cell]] = []
        for i, row in enumerate(batch):
            new: list[Cell] = []
            for c, v in enumerate(row):
                if isinstance(v, int | float) and not isinstance(v, bool):
                    fmt = cell_formats(first + i, c)
                    new.append(render(v, fmt) if fmt else v)
                else:
                    new.append(v)
            out.append(new)
        return out

    def _claim_cells(self, plan: _Plan, batch: _Columns, extra: dict[int, list[Hit]]) -> None:
        """Cells that hold a name and a claim joined by a mark (``Ana Perez - asylum
        pending``, ``PEREZ, Ana (CF POS)``, a cell of two lines): a record each
        (``claimants.claim_line``). Only in a table with no column of names (whose rows that
        column identifies), and only in a column whose text holds a claim: a free column, or
        one the sample took for a column of claims."""
        claim, names = self.engine.detectors.get(CLAIM), self.engine.detectors.get(NAME)
        if not isinstance(claim, ProtectionClaim) or not isinstance(names, PersonName):
            return
        for col in [*plan.free, *(c for c, d in plan.roles.items() if d == CLAIM)]:
            vals, joined = batch.text(col)
            if _NAME_PAIR.search(joined):
                if not claim.may_find(joined):
                    continue
            elif not (" " in joined and claim.may_find(joined) and _may_name_caseless(joined)):
                # No two capitalised words, nor a common given name in any case (and a name
                # of two words needs a space: a column of numbers or codes is passed over at
                # memchr speed).
                continue
            # A column of categories (``Asylum``, ``CF POS``) repeats its values: each is
            # read once per batch, and only one with two capitalised words side by side or a
            # common given name (``maria lopez - asylum``, ``Maria lopez``).
            seen: dict[str, tuple[list[Found], list[Found]]] = {}
            for i, text in enumerate(vals):
                if not text or len(text) > MAX_CLAIM_LINE:
                    continue
                if text not in seen:
                    shaped = (
                        _NAME_PAIR.search(text) or _may_name_caseless(text)
                    ) and claim.may_find(text)
                    spans = claim.spans(text) if shaped else []
                    people = claim_line(text, spans, names, self._attribute) if spans else []
                    seen[text] = (spans, people)
                spans, persons = seen[text]
                if persons:
                    hits = [Hit(NAME, f.value, col) for f in persons]
                    extra.setdefault(i, []).extend([*hits, Hit(CLAIM, spans[0].value, col)])

    def _free_hits(
        self,
        plan: _Plan,
        batch: _Columns,
        detectors: Sequence[str],
        extra: dict[int, list[Hit]],
        *,
        labels: bool,
    ) -> None:
        """Hits of ``detectors`` in the free columns, looked for row by row only where a
        cheap test over the whole batch's text says there may be some."""
        engine = self.engine
        columns = plan.free
        # A column of claims is free text too ("A212345678 (GARCIA, Maria): CFI POS") where the
        # table has no column of identifiers of its own; where it has one, its rows are already
        # identified, and searching every claim for identifiers costs 5% of a large table scan.
        if labels and not any(d in engine.identifiers for d in plan.roles.values()):
            columns = [*plan.free, *(c for c, d in plan.roles.items() if d == CLAIM)]
        for col in columns:
            vals, joined = batch.text(col)
            prefilter = engine.label_prefilter
            if labels and prefilter is not None and may_label(joined) and prefilter.search(joined):
                maybe = list(detectors)
            else:
                maybe = [d for d in detectors if engine.detectors[d].may_find(joined)]
            if not maybe:
                continue
            for i, text in enumerate(vals):
                if text:
                    hits = self.text_hits(text, maybe, col)
                    if hits:
                        extra.setdefault(i, []).extend(hits)

    def _tally_batch(
        self,
        plan: _Plan,
        batch: list[Sequence[Cell]],
        first: int,
        classes: list[str | None],
        masks: list[int],
        presence: dict[int, list[bool] | None],
        values: dict[int, Sequence[str]],
        extra: dict[int, list[Hit]],
        joins: dict[int, str],
    ) -> None:
        engine = self.engine
        n = len(batch)
        keys, more_keys = self._row_keys(plan, n, presence, values, extra, joins)
        if not plan.staff:
            self._hold_rows(plan, masks, keys, more_keys, presence, values)
        hidden_rows = plan.hidden_rows
        row_hidden = [first + i in hidden_rows for i in range(n)] if hidden_rows else [False] * n
        groups: dict[tuple[str, bool], list[bool]] = {}
        kinds = set(classes)
        for cls in kinds:
            if cls is None:
                continue
            # Most batches are of one class: every row, with no comparison per row.
            selected = [True] * n if len(kinds) == 1 else [c == cls for c in classes]
            if hidden_rows:
                for hidden in (False, True):
                    sel = [s and h == hidden for s, h in zip(selected, row_hidden, strict=True)]
                    if any(sel):
                        groups[(cls, hidden)] = sel
            else:
                groups[(cls, False)] = selected
        for (cls, hidden), sel in groups.items():
            self.tally.add_persons(cls, filter(None, compress(keys, sel)))
            for i in more_keys:
                if sel[i]:
                    self.tally.add_persons(cls, more_keys[i])
            in_group = sum(sel)
            for col, det_id in plan.roles.items():
                if col not in presence:
                    continue
                present = presence[col]
                if present is None:
                    chosen, count = sel, in_group
                else:
                    chosen = list(map(bool.__and__, sel, present))
                    count = sum(chosen)
                if not count:
                    continue
                location = self._column_location(plan, col, hidden)
                if not self.tally.has_finding(cls, det_id, location):
                    detector = engine.detectors[det_id]
                    raw = next(compress(values[col], chosen))
                    sample = detector.redact(detector.canonical(raw) or raw)
                else:
                    sample = ""
                self.tally.add_finding(cls, det_id, location, count, sample)
                for header_hit in plan.header_hits.get(col, ()):
                    det, term = header_hit.value.split("\0")
                    sample = engine.detectors[det].redact(term)
                    self.tally.add_finding(cls, det, location, count, sample)
            if plan.title_hits and any(masks[i] & plan.title_bits for i in compress(range(n), sel)):
                location = {**plan.base, "context": "title"}
                if hidden or plan.sheet_hidden:
                    location["hidden"] = True
                count = sum(sel)
                for title_hit in plan.title_hits:
                    det, term = title_hit.value.split("\0")
                    sample = engine.detectors[det].redact(term)
                    self.tally.add_finding(cls, det, location, count, sample)
            for i in (i for i in extra if sel[i]):
                for hit in extra[i]:
                    location = self._column_location(plan, hit.where, hidden)
                    detector = engine.detectors[hit.detector]
                    self.tally.add_finding(
                        cls, hit.detector, location, 1, detector.redact(hit.value)
                    )

    def _row_keys(
        self,
        plan: _Plan,
        n: int,
        presence: dict[int, list[bool] | None],
        values: dict[int, Sequence[str]],
        extra: dict[int, list[Hit]],
        joins: dict[int, str],
    ) -> tuple[list[int], dict[int, list[int]]]:
        """The person of each row (0 for none): the canonical A-number, else name and
        birthdate; and the rows that name more persons in their free text. ``joins``: the
        columns' values joined by newlines, as the column checks had them."""
        engine = self.engine
        a_cols = [c for c, d in plan.roles.items() if d == "a-number" and c in values]
        name_cols = [c for c, d in plan.roles.items() if d == "person-name" and c in values]
        dob_cols = [c for c, d in plan.roles.items() if d == "birthdate" and c in values]
        keys: list[int] = [0] * n
        a_detector = engine.detectors.get("a-number")
        for col in reversed(a_cols):  # the first A-number column wins
            vals, present = values[col], presence[col]
            if present is None:
                # The column check passed: every value is [Aa]?digits, so this is C speed (the
                # A dropped from the whole column at once: a third faster than value by value).
                digits = joins[col].replace("A", "").replace("a", "")
                keys = list(map(int, digits.split("\n")))
            elif a_detector is not None:
                for i in compress(range(n), present):
                    canonical = a_detector.canonical(vals[i])
                    if canonical is not None:
                        keys[i] = a_key(canonical)
        tally = self.tally
        # Rows keyed by A-number link their names to it (the same persons on another sheet,
        # named but not numbered, are the same persons), while that costs little; rows without
        # one are keyed by name with birthdate, else with facility, else by name alone.
        if name_cols and (not all(keys) or tally.wants_aliases()):
            dob = engine.detectors.get("birthdate")
            fac_cols = [
                c for c, d in plan.roles.items() if d == "detention-facility" and c in values
            ]
            by_name = False
            for i in range(n):
                parts = [values[c][i] for c in name_cols if _present(presence[c], i)]
                if not parts:
                    continue
                birthdate = None
                for c in dob_cols:
                    if _present(presence[c], i) and dob is not None:
                        birthdate = dob.canonical(values[c][i])
                        break
                facility = next(
                    (values[c][i] for c in fac_cols if _present(presence[c], i) and values[c][i]),
                    None,
                )
                named = _name_keys(" ".join(parts), birthdate, facility, tally.names)
                if not keys[i]:
                    keys[i] = named[0]
                    by_name = True
                for weaker in named:
                    tally.alias(weaker, keys[i])
            if by_name:
                tally.counted_by_name()
        if not all(keys):
            _other_keys(plan.roles, engine.detectors, presence, values, keys)
        more: dict[int, list[int]] = {}
        for i, hits in extra.items():
            found = _merge_keys([keys[i]] if keys[i] else [], hits, tally.names)
            if found:
                keys[i], *rest = found
                if rest:
                    more[i] = rest
        return keys, more

    def _column_location(self, plan: _Plan, col: int, hidden_row: bool) -> dict[str, Any]:
        """Where a column's findings are (built once per table; never changed by callers)."""
        location = plan.locations.get((col, hidden_row))
        if location is None:
            location = plan.locations[(col, hidden_row)] = self._new_location(plan, col, hidden_row)
        return location

    def _new_location(self, plan: _Plan, col: int, hidden_row: bool) -> dict[str, Any]:
        location = dict(plan.base)
        if plan.row_of_column is not None:
            location["row"] = plan.row_of_column + col + 1  # a table read sideways
        else:
            column = plan.names[col] if col < len(plan.names) else column_letters(col)
            location["column"] = column[: LOCATION_LIMITS["column"]]
        if plan.header is not None and col < len(plan.header) and plan.header[col].strip():
            location["header"] = plan.header[col].strip()[:80]  # a header, not a paragraph
        location["hidden"] = plan.sheet_hidden or col in plan.hidden_columns or hidden_row
        return location

    # ---- records (JSON objects, YAML mappings)

    def records(self, unit: Records) -> None:
        engine = self.engine
        title_bits, title_hits = engine.context_mask(unit.title)
        base = _base(unit.where)
        records = iter(unit.records)
        head = list(islice(records, SAMPLE_ROWS))
        by_values = self._key_roles(head)
        flags = self._flag_keys(head)
        names = engine.detectors.get(NAME)
        keyed: dict[str, tuple[str, str] | None] = {}  # key path -> (name, masked path)
        for record in chain(head, records):
            hits: list[Hit] = []
            shaped: list[tuple[str, str]] = []  # values of keys without a role (see below)
            masked: dict[str, str] = {}
            persons: set[str] = set()
            if isinstance(names, PersonName):
                if len(keyed) > _MAX_KEYED:
                    keyed.clear()
                for key in record:
                    if key not in keyed:
                        keyed[key] = _named_key(key, names)
                    if (named := keyed[key]) is not None:
                        hits.append(Hit(NAME, names.canonical(named[0]) or named[0], named[1]))
                        masked[key] = named[1]
                        persons.add(named[0])
            for key, value in record.items():
                text = cell_text(value).strip()
                if is_null(text):
                    continue
                label = _key_label(key)
                det_id = engine.column_role(label) or by_values.get(label)
                if det_id is not None:
                    canonical = engine.detectors[det_id].canonical(text)
                    if canonical is None and label in flags and _flag_set(text):
                        canonical = flags[label]  # a 1 under ``asylum``: this person's "Y"
                    if canonical is not None:
                        hits.append(Hit(det_id, canonical, key))
                        _, found = engine.context_mask(_key_label(key))
                        hits += [
                            Hit(f.value.split("\0")[0], f.value.split("\0")[1], key)
                            for f in found
                            if f.value.split("\0")[0] != det_id
                        ]
                        continue
                if isinstance(value, str):
                    hits += self.text_hits(text, tuple(engine.detectors), key)
                    if det_id is None and names is not None and not names_other_party(label):
                        shaped.append((key, text))
            if shaped:
                hits += self._unplanned_names(shaped, hits)
            one = True
            if masked:
                # The key names the person: the report shows where without saying whom.
                hits = [replace(h, where=masked.get(h.where, h.where)) for h in hits]
                # Keys naming several persons (``{"Lopez, Maria": ..., "Ramirez, Jose": ...}``)
                # make a map of persons, not one person's record.
                one = len(persons) < 2
            self._record(hits, title_bits, title_hits, base, _key_location, one_person=one)

    def _unplanned_names(self, values: list[tuple[str, str]], hits: list[Hit]) -> list[Hit]:
        """Names under keys the first records gave no role (``_key_roles`` decides from a
        sample, as a table's plan does): each record is judged by its own values, as a
        table's rows are (``_unplanned``). A value with a name's shape is a name when it
        holds a common given name or surname, or when its record has an A-number or a
        birthdate (under its key, or with a birthdate's shape under another key)."""
        names = self.engine.detectors[NAME]
        if any(h.detector == NAME for h in hits):
            return []  # the record names its person already
        dob = self.engine.detectors.get("birthdate")
        anchored = any(h.detector in ("a-number", "birthdate") for h in hits)
        shaped = []
        born: list[Hit] = []
        for key, text in values:
            if len(text) > _MAX_SAMPLE_CHARS:
                continue
            if names.looks_like(text) or (
                isinstance(names, PersonName) and _gazetteer_name(text, names)
            ):
                shaped.append((key, text))
            elif dob is not None and dob.looks_like(text):
                born.append(Hit("birthdate", dob.canonical(text) or text, key))
        found = [
            Hit(NAME, names.canonical(text) or text, key)
            for key, text in shaped
            if anchored or born or _known_name(text)
        ]
        return [*found, *born] if found else []

    def _flag_keys(self, head: list[dict[str, Cell]]) -> dict[str, str]:
        """Claim keys whose values, over the first records, are yes/no flags written as
        numbers (``"asylum": 1``, ``"cf": "0"``), with the claim each names: a record is one
        person, so its 1 is that person's "Y", as a 0/1 column of a table of persons is
        (``_flag_columns``); a key that counts (12, 7, 30) is an aggregate still."""
        claims = self.engine.detectors.get(CLAIM)
        if claims is None:
            return {}
        values: dict[str, list[str]] = {}
        for record in head:
            for key, value in record.items():
                text = cell_text(value).strip() if not isinstance(value, bool) else ""
                if text and is_count(text):
                    label = _key_label(key)
                    if self.engine.column_role(label) == CLAIM:
                        values.setdefault(label, []).append(text)
        flags: dict[str, str] = {}
        for label, numbers in values.items():
            bits = [v for v in numbers if _FLAG.fullmatch(v)]
            if 2 * len(bits) >= len(numbers) and any(v[:1] == "1" for v in bits):
                flags[label] = claims.canonical(label) or "claim"
        return flags

    def _key_roles(self, head: list[dict[str, Cell]]) -> dict[str, str]:
        """Keys outside the vocabulary (``names``, ``claimant``) whose values, over the first
        records, have an identifier's shape, as a column without a header is judged: a key
        must never make a value less suspicious than a table without a header would."""
        engine = self.engine
        values: dict[str, list[str]] = {}
        for record in head:
            for key, value in record.items():
                if isinstance(value, str):
                    values.setdefault(_key_label(key), []).append(value)
        roles: dict[str, str] = {}
        for label, column in values.items():
            if engine.column_role(label) is None and not names_other_party(label):
                found = self._profile(column)
                if found in engine.identifiers:
                    roles[label] = found
        return roles

    # ---- text

    def text(self, unit: Text) -> None:
        engine = self.engine
        title_bits, title_hits = engine.context_mask(unit.title)
        base = _base(unit.where)
        # What governs the lines, carried over from the unit this one continues (the previous
        # page of a PDF): its open headings, its lead line, the context of its last paragraph.
        saved = self._flows.get(unit.flow) if unit.continues and unit.flow else None
        state = saved.moved() if saved is not None else _TextState()
        # Open headings: level, text, context bits, context hits, line.
        headings = state.headings
        intro: tuple[int, list[Found], int, str] | None = None  # bits, hits, line, text
        block: list[tuple[int, str]] = []
        block_chars = 0
        in_item = False
        addressee: list[tuple[int, Found]] = []  # a letter's, from its salutation

        def flush(cut: bool = False) -> None:
            nonlocal block, block_chars, intro
            if not block:
                return
            over = self._heading_over_list(block) if len(block) > 1 else 0
            if over:
                # A heading or an intro line right above a list of names, with no blank line
                # between (``Granted asylum:`` over names): read as the two blocks it is.
                block, rest = block[:over], block[over:]
                flush()
                block = rest
            hits: list[Hit] = []
            joined = "\n".join(t for _, t in block)
            maybe = self.could_identify(joined)
            if maybe is not None:
                for number, line in block:
                    hits += self.text_hits(line, maybe, number, line=number)
            hits += self._claimants(block, joined, base, addressee)
            records = (
                [Hit("a-number", v, n, n) for n, line in block for v in record_numbers(line)]
                if "a-number" in engine.detectors
                else []
            )
            if maybe is not None and "a-number" in maybe:  # cut by a line break: ``A2183-``
                hits += [Hit("a-number", v, n, n) for n, v in broken_over_lines(block, joined)]
            subjects = _quoted_subjects(block) if "ubject" in joined else set()
            if subjects:
                # A quoted message's header: its subject is what the message is about (the
                # context of what follows), not a person named "Subject".
                hits = [h for h in hits if not (h.detector == NAME and h.line in subjects)]
            listed = (
                self._listed(block, title_bits, unit.title, headings, state.lead, intro, base)
                if state.listing
                else None
            )
            if listed is None:
                state.listing = False  # something else than a list: the context's list ended
            else:
                lines = {h.line for h in hits if h.detector == NAME}
                hits += [h for h in listed if h.line not in lines]
            if (
                engine.gate  # a record without an identifier is in no class
                and len(block) <= _LEAD_LINES
                and all(_is_lead(t) for _, t in block)
                and not any(h.detector in engine.identifiers for h in hits)
                and not records
            ):
                # A line or two standing alone, which name nobody and are no sentence: a
                # heading as plain text, a PDF or a report writes it (a report's title and page
                # header). It governs what follows, until the next such lines or heading.
                text = " / ".join(t.strip() for _, t in block)
                bits, found = engine.context_mask(text)
                state.lead = (bits, found, block[0][0], text)
                state.carry = None
                state.listing = True
                intro = None
                block = []
                block_chars = 0
                return
            bits = title_bits
            context_hits = [(h, (0, "title")) for h in title_hits]
            carry = state.carry
            if carry is not None:
                bits |= carry[0]
                context_hits += [(h, (carry[2], "paragraph")) for h in carry[1]]
            if cut:
                own_bits, own_hits = engine.context_mask(joined)
                if carry is None:
                    state.carry = (own_bits, own_hits, block[0][0])
                else:
                    merged = _distinct(carry[1] + own_hits)
                    state.carry = (carry[0] | own_bits, merged, carry[2])
            else:
                state.carry = None
            for _, _, heading_bits, found, line_no in headings:
                bits |= heading_bits
                context_hits += [(h, (line_no, "heading")) for h in found]
            if state.lead is not None:
                bits |= state.lead[0]
                context_hits += [(h, (state.lead[2], "heading")) for h in state.lead[1]]
            if intro is not None:
                bits |= intro[0]
                context_hits += [(h, (intro[2], "introduction")) for h in intro[1]]
            if any(h.detector == "email" for h in hits):
                # An address in prose counts only tied to a claim (its sentence, its line,
                # its record, a list under a claim's heading): not a README's maintainers.
                claim_bit = engine.bits.get(CLAIM, 0)
                texts = [t for _, t in block]
                at = {n: k for k, (n, _) in enumerate(block)}
                governed = bool(bits & claim_bit) and not any(credits(h[1]) for h in headings[-1:])
                hits = [
                    h
                    for h in hits
                    if h.detector != "email"
                    or h.line not in at
                    or tied_in_prose(
                        texts,
                        at[h.line],
                        h.value,
                        lambda t: bool(engine.context_mask(t)[0] & claim_bit),
                        governed,
                    )
                ]
            if records:
                # A label that names a record's number (``File No.: 212345678``) names an
                # A-number beside a claim, a name or a birthdate, as such a header does.
                beside = _or_bits(engine.bits.get(d, 0) for d in (CLAIM, NAME, "birthdate"))
                if bits & beside or any(engine.bits[h.detector] & beside for h in hits):
                    hits += records
            self._record(
                hits,
                bits,
                [h for h, _ in context_hits],
                base,
                lambda line: {"line": line},
                context_lines=[n for _, n in context_hits],
            )
            for number, line in block:
                if number in subjects:
                    # A message quoted or forwarded in a body: its subject governs what follows.
                    subject = _SUBJECT.match(line)
                    if subject:
                        bits, found = engine.context_mask(subject.group(1))
                        state.lead = (bits, found, number, subject.group(1))
            last = block[-1][1].rstrip()
            if last.endswith(":"):
                text = " ".join(t.strip() for _, t in block)
                own_bits, own_hits = engine.context_mask(text)
                intro = (own_bits, own_hits, block[0][0], text)
                state.listing = True
            elif not in_item:
                intro = None
            block = []
            block_chars = 0

        stream = _Lines(unit.lines)
        for number, line in stream:
            if ">" in line[:4] and _QUOTED.match(line):
                # A quoted reply reads as the message it quotes: its paragraphs, headings and
                # tables keep their shape under the quote marks.
                line = _QUOTED.sub("", line, count=1)
            if "\f" in line:
                line = line.replace("\f", "")  # a page break is no text
            stripped = line.strip()
            if not stripped:
                flush()
                in_item = False
                continue
            heading = _HEADING.match(stripped)
            if heading:
                flush()
                in_item = False
                intro = None
                state.lead = None
                level = len(heading.group(1))
                while headings and headings[-1][0] >= level:
                    headings.pop()
                # A heading is read as well as it governs: it is a line a reader sees, and
                # may name a person (``# Maria Lopez - A212345678 - asylum granted``), under
                # the headings above it. One that names nobody only governs what follows.
                block, block_chars = [(number, heading.group(2))], len(heading.group(2))
                flush()
                intro = None
                state.lead = None
                bits, found = engine.context_mask(heading.group(2))
                headings.append((level, heading.group(2), bits, found, number))
                state.listing = True
                continue
            if not block and "|" in line and _PIPE_SEPARATOR.match(stream.peek()):
                next(stream)  # the separator line
                title = [unit.title, *(h[1] for h in headings)]
                if state.lead is not None:
                    title.append(state.lead[3])
                if intro is not None:
                    title.append(intro[3])
                table = Table(
                    where=unit.where,
                    rows=_pipe_rows(line, stream),
                    title=" / ".join(t for t in title if t),
                )
                self.table(table)
                intro = None
                continue
            fixed: tuple[str, str] | None = None  # (header line, the rule its columns end at)
            if block and stripped[:2] in ("--", "==") and _RULE.match(line):
                # Column headers underlined with dashes: a fixed-width report. The lines above
                # the header (the report's title, its page header) title the table.
                fixed = (block.pop()[1], line)
            elif (
                "  " in stripped
                and (rule := _aligned_header(line, stream.peek(), engine.column_role)) is not None
            ):
                # Column headers of the vocabulary over rows aligned under them, with no rule
                # of dashes: a fixed-width report all the same, cut where the headers start.
                fixed = (line, rule)
            if fixed is not None:
                above = [t.strip() for _, t in block]
                title = [unit.title, *(h[1] for h in headings)]
                if state.lead is not None:
                    title.append(state.lead[3])
                if intro is not None:
                    title.append(intro[3])
                flush()
                titled = " / ".join(t for t in (*title, *above) if t)
                table = Table(
                    where=unit.where,
                    rows=_fixed_rows(*fixed, stream, " ".join(t for t in (*title, *above) if t)),
                    title=titled,
                )
                self.table(table)
                intro = None
                continue
            if _LIST_ITEM.match(line):
                flush()
                in_item = True
            block.append((number, line))
            block_chars += len(line)
            if len(block) >= MAX_BLOCK_LINES or block_chars >= MAX_BLOCK_CHARS:
                flush(cut=True)
        # A unit that another continues passes on what its last paragraph said (a page ends
        # in the middle of a table as often as not).
        flush(cut=bool(unit.flow))
        if unit.flow and not unit.where.hidden:
            # A hidden unit of the flow (a page's notes) reads under it, and changes nothing.
            self._flows[unit.flow] = state

    def _listed(
        self,
        block: list[tuple[int, str]],
        title_bits: int,
        title: str,
        headings: list[tuple[int, str, int, list[Found], int]],
        lead: tuple[int, list[Found], int, str] | None,
        intro: tuple[int, list[Found], int, str] | None,
        base: dict[str, Any] | None = None,
    ) -> list[Hit] | None:
        """The names of a block that is a list of names (one a line, with at most an attribute:
        ``- Ana Perez (Mexico)``), as persons when what governs the block (the unit's title,
        the open headings, the lead line, the line that introduced the list) states a claim
        about them, as a sheet's title governs its rows (``claimants.listed_name``); [] when
        it does not; None when the block is no list of names or no claim governs it."""
        engine = self.engine
        names, claim_bit = engine.detectors.get(NAME), engine.bits.get(CLAIM, 0)
        if not isinstance(names, PersonName) or not claim_bit:
            return None
        contexts = [(b, t) for _, t, b, _, _ in headings]
        if title:
            contexts.insert(0, (title_bits, title))
        contexts += [(c[0], c[3]) for c in (lead, intro) if c is not None]
        if not any(bits & claim_bit for bits, _ in contexts):
            # No claim governs the block: a list of names waits for one the file may state
            # (``finish``), unless what governs it lists officials, speakers or authors.
            if base is None or any(claimant_list(t) is False for _, t in contexts):
                return None
            return self._hold_list(block, names, base)
        found = self._listed_hits(block, names)
        if found is None:
            return None
        # Innermost first: the context nearest the list decides whose names it holds.
        for _, text in reversed(contexts):
            verdict = claimant_list(text)
            if verdict is not None:
                return found if verdict else []
        return found

    def _heading_over_list(self, block: list[tuple[int, str]]) -> int:
        """How many lines open ``block`` as a heading or an intro that states a claim over
        the list of names below them (``Asylum applicants:``, ``CREDIBLE FEAR - POSITIVE``,
        ``We confirm that the following people sought asylum:``, ``**Granted asylum**``);
        0 when the block is no such heading and list."""
        engine = self.engine
        names, claim_bit = engine.detectors.get(NAME), engine.bits.get(CLAIM, 0)
        if not isinstance(names, PersonName) or not claim_bit:
            return 0
        first = block[0][1].strip()
        if len(first) > _LEAD_CHARS or listed_name(first, names, self._attribute) is not None:
            return 0
        for over in range(1, min(_LEAD_LINES, len(block) - 1) + 1):
            head = " ".join(t.strip() for _, t in block[:over])
            last = block[over - 1][1]
            if len(head) > _LEAD_CHARS or not (last.rstrip().endswith(":") or _is_lead(last)):
                return 0  # a heading or an intro, not a sentence or a closing (``Sincerely,``)
            if listed_name(block[over][1], names, self._attribute) is None:
                continue  # the heading goes on, or the block is no list
            if not engine.context_mask(head)[0] & claim_bit:
                return 0  # a list under no claim is left as it was written
            if self._listed_hits(block[over:], names) is None:
                return 0
            return over
        return 0

    def _listed_hits(self, block: list[tuple[int, str]], names: PersonName) -> list[Hit] | None:
        """Each line of ``block`` as the name it lists, or None when a line lists none."""
        found = []
        for number, line in block:
            name = listed_name(line, names, self._attribute)
            if name is None:
                return None
            found.append(Hit(NAME, name.value, number, number))
        return found

    def _hold_list(
        self, block: list[tuple[int, str]], names: PersonName, base: dict[str, Any]
    ) -> list[Hit] | None:
        """A list of names that no claim governs, held for one the file may state
        (``finish``): [] when the block is such a list (the list goes on), else None."""
        target = self._target(self.engine.bits[NAME])
        found = self._listed_hits(block, names) if target is not None else None
        if target is None or found is None:
            return None
        held = self._hold()
        held.add_persons(target, (p[0] for p in _record_persons(found, self.tally.names) if p))
        location = {**base, "line": block[0][0]}
        sample = names.redact(found[0].value)
        group = (tuple(base.items()), "text")
        held.add_finding(target, NAME, location, len(found), sample, group=group)
        return []

    def _attribute(self, value: str) -> bool:
        """Whether a value after a listed name is an attribute of a person of record."""
        detectors = self.engine.detectors
        return fold(value) in COUNTRY_NAMES or any(
            d in detectors and detectors[d].canonical(value) is not None for d in _ROW_ATTRIBUTES
        )

    def _claimants(
        self,
        block: list[tuple[int, str]],
        joined: str,
        base: dict[str, Any] | None = None,
        addressee: list[tuple[int, Found]] | None = None,
    ) -> list[Hit]:
        """Persons that a block's sentences name as claimants (see claimants.py), with the
        claims that tie them: prose names people in title case, without a label. A short
        block that opens with a person's name and holds a claim is a record of theirs
        (``claimants.record_subject``). A claim the block states of the persons the file
        lists is kept for the whole file (``_statement``; ``base``: where the block is).
        ``addressee``: the person a letter's salutation named (``Dear Ana Perez,``), set
        here from a block that opens with one, and a claimant where a block tells them of
        their own claim (``Your asylum application``)."""
        engine = self.engine
        claim, names = engine.detectors.get(CLAIM), engine.detectors.get(NAME)
        if not isinstance(claim, ProtectionClaim) or not isinstance(names, PersonName):
            return []
        if addressee is not None and block[0][1][:12].lstrip()[:1] in _GREETING_INITIALS:
            dear = salutation(block[0][1], names)
            if dear is not None:
                addressee[:] = [(block[0][0], dear)]
        # Names are persons beside a claim, or beside an A-number, a birthdate (in figures or
        # in words) or a facility in their sentence (see claimants.persons).
        anchoring = [d for d in _ANCHORS if d in engine.detectors]
        anchoring = [d for d in anchoring if engine.detectors[d].may_find(joined)]
        claimed = claim.may_find(joined)
        if not claimed and not anchoring:
            return []
        # One line of text per block, so that a sentence (and a name) may wrap; each line's
        # offset in it finds the line a name starts on.
        starts, parts, offset = [], [], 0
        for _, line in block:
            starts.append(offset)
            parts.append(line.strip())
            offset += len(parts[-1]) + 1
        text = " ".join(parts)
        spans = claim.spans(text) if claimed else []
        if spans and self._stated is None and base is not None:
            self._statement(text, {**base, "line": block[0][0]}, spans)
        anchors = [(d, f) for d in anchoring for f in engine.detectors[d].find(text)]
        found = named_persons(text, spans, [f for _, f in anchors], names, starts[1:])
        if spans and len(block) <= _RECORD_LINES and len(text) <= MAX_RECORD:
            subject = record_subject(text, starts[1:], spans, names, _known_name, self._attribute)
            if subject is not None and all(f.start != subject.start for f in found):
                found.append(subject)
        if spans:
            # Each line that joins a name to a claim by a mark (``Ana Perez - asylum``,
            # ``Asylum seekers: Ana Perez, Omar Haddad``): a record of its own, however many
            # such lines the block holds.
            for k in sorted({bisect_right(starts, c.start) - 1 for c in spans}):
                at, line = starts[k], parts[k]
                own = [Found(c.value, c.start - at, c.end - at) for c in spans]
                own = [c for c in own if c.start >= 0 and c.end <= len(line)]
                people = claim_line(line, own, names, self._attribute)
                if not people and k and not any(starts[k - 1] <= c.start < at for c in spans):
                    # A name on the line above its claim (a cell of two lines, copied out).
                    above = len(parts[k - 1]) + 1
                    at -= above
                    moved = [Found(c.value, c.start + above, c.end + above) for c in own]
                    people = claim_line(f"{parts[k - 1]}\n{line}", moved, names, self._attribute)
                for person in people:
                    if all(f.start != at + person.start for f in found):
                        found.append(Found(person.value, at + person.start, at + person.end))
        letter: list[Hit] = []
        if spans and addressee and addressed_claim(text, spans) is not None:
            number, dear = addressee[0]
            letter = [Hit(NAME, dear.value, number, number)]
        if not found and not letter:
            return []

        def line_of(at: int) -> int:
            return block[bisect_right(starts, at) - 1][0]

        tied = [Hit(NAME, f.value, line_of(f.start), line_of(f.start)) for f in found]
        tied += letter
        tied += [Hit(d, f.value, line_of(f.start), line_of(f.start)) for d, f in anchors]
        if not spans:
            return tied
        first = spans[0]
        return [*tied, Hit(CLAIM, first.value, line_of(first.start), line_of(first.start))]

    # ---- shared by records and text

    def could_identify(self, text: str) -> tuple[str, ...] | None:
        """The detectors worth running line by line over ``text`` (a block of prose), or None
        when nobody can be identified in it: one cheap pass over the block instead of every
        regex over every line."""
        engine = self.engine
        everything = tuple(engine.detectors)
        if not engine.gate:
            return everything
        if (
            may_label(text)
            and (labels := engine.label_prefilter) is not None
            and labels.search(text)
        ):
            return everything
        if (
            _DIGIT.search(text)
            and (inline := engine.inline_labels) is not None
            and inline.search(text)
        ):
            return everything
        if any(engine.detectors[d].may_find(text) for d in engine.identifiers):
            return everything
        return None

    def text_hits(
        self, text: str, detectors: Sequence[str], where: Any, line: int = 0
    ) -> list[Hit]:
        """Every element found in a piece of prose: by shape, and by label (``DOB: ...``)."""
        engine = self.engine
        hits: list[Hit] = []
        for det in detectors:
            detector = engine.detectors[det]
            if detector.may_find(text):
                hits += [Hit(det, f.value, where, line) for f in _distinct(detector.find(text))]
        if may_label(text):
            hits += [h for h in self._labelled(text, where, line) if h.detector in detectors]
        if _DIGIT.search(text) and (inline := engine.inline_labels) is not None:
            for match in inline.finditer(text):
                det_id = engine.index.match(match.group(1))
                if det_id is not None and det_id in detectors:
                    canonical = engine.detectors[det_id].canonical(match.group(2))
                    if canonical is not None:
                        hits.append(Hit(det_id, canonical, where, line))
        return hits

    def _labelled(self, text: str, where: Any, line: int) -> list[Hit]:
        engine = self.engine
        # Each label, with where it starts: at the words that name a header, so that the value
        # before it ends there (``name=Ruby Stephens relief=asylum`` on one line); a ``key=``
        # that names none is one word (``status=filed``), a ``Label:`` all its words.
        marks: list[tuple[int, int, str | None, bool]] = []
        for mark in _LABEL.finditer(text[:4096]):
            words = list(_LABEL_WORD.finditer(mark.group(1)))
            det_id, start = None, mark.start()
            sizes = range(min(4, len(words)), 0, -1)
            if mark.group(2) not in ":：":
                # A ``key=`` is one word as a rule: the value before it may end in words that
                # a header's phrase holds (``name="Ruby Stephens" cf_result=positive``).
                sizes = range(1, min(4, len(words)) + 1)
            for size in sizes:
                det_id = engine.index.match(" ".join(w.group() for w in words[-size:]))
                if det_id is not None:
                    start = mark.start(1) + words[-size].start()
                    break
            if det_id is None and mark.group(2) not in ":：" and words:
                start = mark.start(1) + words[-1].start()
            marks.append((start, mark.end(), det_id, mark.group(2) not in ":："))
        hits = []
        for k, (_, after, det_id, keyed) in enumerate(marks):
            if det_id is None:
                continue
            end = marks[k + 1][0] if k + 1 < len(marks) else len(text)
            # Quoted values (``name="Ruby Stephens"``, ``{'name': 'Ruby Stephens'}``) unquoted.
            value = _VALUE_END.split(text[after:end], maxsplit=1)[0].strip(_QUOTES)
            detector = engine.detectors[det_id]
            if keyed and det_id == NAME and not detector.looks_like(value):
                continue  # a ``name=`` of markup or code names a thing: ``name=description``
            canonical = detector.canonical(value) if value else None
            if canonical is not None:
                hits.append(Hit(det_id, canonical, where, line))
        return hits

    def _record(
        self,
        hits: list[Hit],
        context_bits: int,
        context_hits: list[Found],
        base: dict[str, Any],
        locate: Callable[[Any], dict[str, Any]],
        context_lines: list[tuple[int, str]] | None = None,
        *,
        one_person: bool = False,
    ) -> None:
        """Classify one record and tally it. ``one_person``: a structured record (a JSON
        object) describes one person, whose name may be split over several keys."""
        engine = self.engine
        mask = context_bits
        for hit in hits:
            mask |= engine.bits[hit.detector]
        if engine.gate and not mask & engine.gate:
            return
        cls = engine.class_of(mask)
        # A record that lacked only a claim waits for one the file may state (``finish``):
        # a structured record naming its person alone too, not a name alone in prose (a
        # message's sender, a signature).
        target = self._target(mask) if cls is not None or one_person else None
        if cls is None and target is None:
            return
        names = self.tally.names
        persons = _one_person_keys(hits, names) if one_person else _record_persons(hits, names)
        if target is not None:
            held = self._hold()
            held.add_persons(target, (person[0] for person in persons if person))
            for hit in hits:
                if hit.detector in engine.identifiers:
                    sample = engine.detectors[hit.detector].redact(hit.value)
                    location = {**base, **locate(hit.where)}
                    group = (tuple(base.items()), "text") if context_lines is not None else None
                    held.add_finding(target, hit.detector, location, 1, sample, group=group)
        if cls is None:
            return
        for person in persons:
            self.tally.add_person(cls, person)
        seen: set[tuple[str, Any]] = set()
        text_like = context_lines is not None
        for hit in hits:
            if (hit.detector, hit.where) in seen:
                continue
            seen.add((hit.detector, hit.where))
            location = {**base, **locate(hit.where)}
            # Prose findings add up per part, with the first line; records per key.
            group = (tuple(base.items()), "text") if text_like else None
            sample = engine.detectors[hit.detector].redact(hit.value)
            self.tally.add_finding(cls, hit.detector, location, 1, sample, group=group)
        for k, found in enumerate(context_hits):
            det, term = found.value.split("\0")
            if det in {h.detector for h in hits}:
                continue
            line_no, kind = context_lines[k] if context_lines else (0, "title")
            location = {**base, "context": kind}
            if line_no:
                location["line"] = line_no
            group = (tuple(base.items()), "context") if text_like else None
            sample = engine.detectors[det].redact(term)
            self.tally.add_finding(cls, det, location, 1, sample, group=group)


_DIGIT = re.compile(r"\d")
_PIPE_SEPARATOR = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"\s{0,3}(?:[-*+•]|\d{1,3}[.)])\s+\S")
# Quote marks of a reply ("> ", "> > "), a forwarded or quoted message's subject line.
_QUOTED = re.compile(r"\s{0,3}(?:>[ \t]?)+")
_SUBJECT = re.compile(r"\s*(?i:subject|subj|asunto|objet|assunto)\s*:\s*(\S.*)")
# Dashes under column headers (two columns at least): a fixed-width report.
_RULE = re.compile(r"\s*(?:-{2,}(?:[ \t]+-{2,})+|={2,}(?:[ \t]+={2,})+)\s*$")
_DASHES = re.compile(r"-+|=+")
_PAGE_HEAD_LINES = 12  # lines after a page break before the rule under the repeated header
# A heading written as a plain line: short, and no sentence; page numbers are not headings.
_LEAD_CHARS = 160
_LEAD_LINES = 3
_PAGE_NUMBER = re.compile(r"(?i)(?:page|pg\.?|p\.)?\s*-?\s*\d+\s*-?(?:\s*(?:of|/)\s*\d+)?")


_MAIL_HEADER = re.compile(r"\s*(?i:from|sent|to|cc|date|de|enviado|para|envoy[ée]|objet)\s*:")


# A capitalised word after a space, as the second word of a name has (``Ana Perez``, ``PEREZ,
# Ana``): a cheap test that a cell may hold a name (a literal first: C speed over a column).
_NAME_PAIR = re.compile(r" [^\W\da-z]")
# First letters of a letter's greeting (``Dear``, ``Estimada``, ``Querido``, ``Cher``): a
# cheap test before the salutation's pattern.
_GREETING_INITIALS = frozenset("DdEeQqCcPp")


def _quoted_subjects(block: list[tuple[int, str]]) -> set[int]:
    """The lines of a block that are the subject of a quoted or forwarded message: a
    ``Subject:`` line among other header lines (``From:``, ``Sent:``, ``To:``)."""
    subjects = {n for n, line in block if _SUBJECT.match(line)}
    if subjects and any(_MAIL_HEADER.match(line) for _, line in block):
        return subjects
    return set()


def _is_lead(line: str) -> bool:
    """Whether a line standing alone reads as a heading: short, not ending as a sentence or
    a label does, not a list item or a page number."""
    text = line.strip()
    return (
        2 < len(text) <= _LEAD_CHARS
        and text[-1] not in ".!?;,:"
        and not _LIST_ITEM.match(line)
        and not _PAGE_NUMBER.fullmatch(text)
        and any(ch.isalpha() for ch in text)
    )


def _fixed_rows(header: str, rule: str, stream: _Lines, title: str = "") -> Iterator[list[str]]:
    """A fixed-width report's rows, header first: each line cut where the dashes under the
    headers start. The table goes on across blank lines and page breaks; a page's header
    (the report's title, date and page number, the column headers and their dashes again)
    is passed over, its other lines read as rows. It ends at a heading or a line of prose.
    A line after a page break that mostly repeats the words of the report's ``title`` is the
    page's title ("OFFICE NEWARK  CREDIBLE FEAR REFERRALS  PAGE 7"), not a row, unless it
    holds an A-number's digits."""
    title_words = {fold(w) for w in _LETTERS.findall(title)}

    def row(line: str) -> bool:
        if not line.strip() or " ".join(line.split()) == head_key:
            return False
        words = [fold(w) for w in _LETTERS.findall(line)]
        repeats = sum(1 for w in words if w in title_words)
        return not (words and repeats * 2 >= len(words)) or _NINE_DIGITS.search(line) is not None

    starts = [m.start() for m in _DASHES.finditer(rule)]
    starts[0] = 0
    ends: list[int | None] = [*starts[1:], None]

    def cells(line: str) -> list[str]:
        return [line[a:b].strip() for a, b in zip(starts, ends, strict=True)]

    yield cells(header)
    head_key, rule_key = " ".join(header.split()), rule.strip()
    held: list[str] = []  # lines after a page break, until the rule shows the page's header
    for number, line in stream:
        if "\f" in line:
            yield from (cells(t) for t in held if row(t))
            held = [line.replace("\f", "")]
            continue
        stripped = line.strip()
        if held:
            if stripped == rule_key:
                yield from (cells(t) for t in held if row(t))
                held = []
            else:
                held.append(line)
                if len(held) > _PAGE_HEAD_LINES:
                    yield from (cells(t) for t in held if row(t))
                    held = []
            continue
        if not stripped or stripped == rule_key or " ".join(stripped.split()) == head_key:
            continue
        if _HEADING.match(stripped) or ("  " not in stripped and len(stripped.split()) >= 6):
            stream.push((number, line))  # prose again: the table has ended
            break
        yield cells(line)
    yield from (cells(t) for t in held if row(t))


_CELL_GAP = re.compile(r"\S+(?: \S+)*")  # a cell of a fixed-width line: words one space apart
_HEADER_CELLS = 12  # more cells than this in a line: no header of a report


def _aligned_header(line: str, below: str, role: Callable[[str], str | None]) -> str | None:
    """A fixed-width report's header without a rule under it (``Name        Relief``): the
    dashes such a rule would have, or None. Its cells (words one space apart, two or more
    spaces between cells) are headers of the vocabulary, two at least and half of them, and
    the line below is a row aligned under them, each of its cells starting where a header
    starts, and no rule of dashes (that header is read by the rule: ``Classifier.text``)."""
    if "  " not in below.strip() or _RULE.match(below) or _HEADING.match(line.strip()):
        return None
    cells = list(_CELL_GAP.finditer(line))
    if not 2 <= len(cells) <= _HEADER_CELLS or any(len(c.group()) > 40 for c in cells):
        return None
    named = sum(1 for c in cells if role(c.group()) is not None)
    if named < 2 or 2 * named < len(cells):
        return None
    # Each cell of the row starts where a header does (left-aligned columns; a row may leave
    # cells empty): a line of prose or of another layout under a header-like line does not.
    starts = {c.start() for c in cells}
    row = [c.start() for c in _CELL_GAP.finditer(below)]
    if len(row) < 2 or not starts.issuperset(row):
        return None
    rule = [" "] * cells[-1].end()
    for cell in cells:
        rule[cell.start() : cell.end()] = "-" * (cell.end() - cell.start())
    return "".join(rule)


_LETTERS = re.compile(r"[^\W\d_]+")
_NINE_DIGITS = re.compile(r"(?<!\d)\d{3}[-\s]?\d{3}[-\s]?\d{2,3}(?!\d)")


# "Label:" in prose, and the other ways lines pair a key with its value: ``key=value`` (logs,
# .ini and .properties files), ``key -> value``, ``key => value``; never a comparison (``==``,
# ``!=``, ``<=``, ``>=``). The label is matched against the policy's headers, last words first.
_LABEL = re.compile(r"([^\W\d_][\w .#'’\"/()-]{0,40}?)\s*([:：]|->|=>|(?<![=!<>])=(?![=>]))\s*")
_VALUE_END = re.compile(r"[;|\t(\[]|\s{2,}| - | – ")
_LABEL_WORD = re.compile(r"\S+")
_QUOTES = " ,;|\"'“”‘’`"


def may_label(text: str) -> bool:
    """Whether ``text`` may pair a label with a value (``_LABEL``): a few C-level scans."""
    return ":" in text or "=" in text or "->" in text or "：" in text


class _Lines:
    """Numbered lines with one line of look-ahead (a pipe table is known by its second line)."""

    def __init__(self, lines: Iterable[str]):
        self._lines = enumerate(lines, 1)
        self._back: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> tuple[int, str]:
        return self._back.pop() if self._back else next(self._lines)

    def peek(self) -> str:
        if not self._back:
            try:
                self._back.append(next(self._lines))
            except StopIteration:
                return ""
        return self._back[-1][1]

    def push(self, item: tuple[int, str]) -> None:
        self._back.append(item)


def _pipe_cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [cell.strip() for cell in line.split("|")]


def _pipe_rows(header: str, stream: _Lines) -> Iterator[list[str]]:
    """A Markdown table's rows, header first, until the first line that is not a row."""
    yield _pipe_cells(header)
    for number, line in stream:
        if "|" not in line or not line.strip():
            stream.push((number, line))
            return
        yield _pipe_cells(line)


def _sentences(values: Sequence[str]) -> bool:
    """Whether most of a column's values are pieces of sentences (two words or more in lower
    case: "Credible fear interview: Ruby Stephens"), not fields ("Credible Fear - Negative")."""
    filled = [v for v in values if v.strip()]
    prose = sum(1 for v in filled if sum(1 for w in v.split() if w[:1].islower()) >= 2)
    return bool(filled) and prose * 2 >= len(filled)


def _split_prose(rows: Sequence[Sequence[str]]) -> bool:
    """Whether most rows go on after a delimiter with a space, as a sentence goes on after
    its comma (``..., born 1999-03-14, Mexico.``): a program writing a table does not."""
    wide = [r for r in rows if len(r) > 1]
    spaced = sum(1 for r in wide if any(v[:1] == " " and v[1:2].strip() for v in r[1:]))
    return bool(wide) and spaced * 2 >= len(wide)


def _known_name(value: str) -> bool:
    """Whether a value holds a common given name or surname (``gazetteer``), in any case."""
    return any(w in KNOWN_NAMES for w in _NAME_WORD.findall(fold(value)))


_NAME_WORD = re.compile(r"[^\W\d_]+")


def _gazetteer_name(value: str, names: PersonName) -> bool:
    """Whether a value that ``PersonName.looks_like`` refused is a name all the same: typed
    in lower case or capitals, or surname first (``maria lopez``, ``Lopez, Maria``), a common
    given name and surname by the rules a line of text follows (``claimants.gazetteer_name``).
    Its first word must be a common given name or surname: one set test passes over any
    other value (a column of notes holds thousands of distinct values)."""
    first = _NAME_WORD.match(value.lstrip())
    return (
        first is not None
        and fold(first.group()) in KNOWN_NAMES
        and gazetteer_name(value, names) is not None
    )


def _may_name_caseless(text: str) -> bool:
    """Whether ``text`` holds a common given name in any case (``maria lopez - asylum``): a
    name that no capital shows needs one (``claimants._cased_name``)."""
    return not GIVEN.isdisjoint(_NAME_WORD.findall(fold(text)))


def _median_words(values: Sequence[str]) -> int:
    counts = sorted(len(v.split()) for v in values if v.strip())
    return counts[len(counts) // 2] if counts else 0


def _runs(rows: list[int], values: list[str]) -> set[int]:
    """The rows (ascending) that are in runs of ``_RUN_ROWS`` consecutive rows or more whose
    values nearly all differ."""
    found: set[int] = set()
    start = 0
    for k in range(1, len(rows) + 1):
        if k < len(rows) and rows[k] == rows[k - 1] + 1:
            continue
        run = values[start:k]
        if len(run) >= _RUN_ROWS and len(set(run)) >= len(run) * _RUN_DISTINCT:
            found.update(rows[start:k])
        start = k
    return found


def _may_be_name(value: str) -> bool:
    """False for a value that ``PersonName.looks_like`` must refuse, told from its first
    characters (a tenth of its cost: a column of notes holds thousands of distinct values): a
    first word in lower case of two letters or more ("the office..."), or a digit, with no
    comma (``GARCIA, Maria`` in a sentence is looked at whole)."""
    text = value.lstrip()
    if "," in text:
        return True
    if text[:1].isdigit():
        return False
    return not (text[:1].islower() and text[1:2].isalpha())


def _without(joined: str, values: Sequence[str]) -> str:
    """A column's text (values joined by newlines) with every value equal to one of
    ``values`` made empty: each replacement keeps both newlines, so the rows still count;
    the second pass takes the occurrences the first skipped (two in a row share a newline)."""
    text = "\n" + joined + "\n"
    for value in values:
        line = "\n" + value + "\n"
        text = text.replace(line, "\n\n").replace(line, "\n\n")
    return text[1:-1]


def _may_hold_words(joined: str, rows: int) -> bool:
    """Whether a column's values (``joined`` by newlines, ``rows`` of them) may hold a value
    of two words or more: always, unless the text is ASCII, has no line break inside a value
    and no character that may stand between two words. A column of counts, dates, codes or
    one-word categories is passed over at memchr speed."""
    if not joined.isascii():
        return True
    # What is left is the newlines between the values, unless a value holds a gap (a space, a
    # comma, a control character) or a line break of its own.
    return len(joined.encode("ascii").translate(None, _NOT_GAPS)) != rows - 1


_FLAG = re.compile(r"[01](?:[.,]0+)?")
# The captions of a spreadsheet's pivot table: a header, whatever its fields are called.
_PIVOT_HEADER = re.compile(
    r"(?i)\s*(?:row labels|column labels|(?:sum|count|average|max|min) of\s+\S)"
)


def _flag_set(value: str) -> bool:
    """Whether a per-person flag is set: a 1, or a mark ("X", "Y"); not a blank, a "no", a
    zero, nor another count (a pivot's "Grand Total" row counts the persons above it)."""
    value = value.strip()
    if is_count(value):
        return _FLAG.fullmatch(value) is not None and value[:1] == "1"
    return not (is_null(value) or fold(value) in NEGATIONS)


def _or_bits(masks: Iterable[int]) -> int:
    mask = 0
    for bits in masks:
        mask |= bits
    return mask


def _distinct_enough(values: Sequence[object]) -> bool:
    """Whether most values differ (persons do; the categories of statistics repeat)."""
    return bool(values) and len(set(values)) >= len(values) * _DISTINCT_SHARE


def _distinct(found: list[Found]) -> list[Found]:
    """The first occurrence of each value: a term said a million times is one term."""
    if len(found) < 2:
        return found
    seen: dict[str, Found] = {}
    for f in found:
        seen.setdefault(f.value, f)
    return list(seen.values())


def _base(where: Where) -> dict[str, Any]:
    """The location fields of a unit, cut to the lengths the ledger's schema allows."""
    base: dict[str, Any] = {}
    if where.part:
        base["part"] = where.part[: LOCATION_LIMITS["part"]]
    if where.sheet:
        base["sheet"] = where.sheet[: LOCATION_LIMITS["sheet"]]
    if where.hidden:
        base["hidden"] = True
    return base


def _key_location(key: Any) -> dict[str, Any]:
    return {"key": str(key)[: LOCATION_LIMITS["key"]]}


_MAX_KEYED = 4096  # key paths whose reading is kept while a file's records are read
_KEY_SEGMENTS = re.compile(r"[^.\[\]]+")
_SLUG_WORD = re.compile(r"[^._\s-]+")
_NAME_MASK = "<name>"


def _named_key(key: str, names: PersonName) -> tuple[str, str] | None:
    """The person a record's key path names, and the path with the name masked:
    ``{"Lopez, Maria": {"status": ...}}``, ``{"cases": {"Maria Lopez": "asylum"}}`` (a name's
    shape with a common given name or surname: title case alone is the shape of a program's
    strings too, ``"Save Changes"``; or ``LOPEZ, Maria``), ``{"maria.lopez": ...}``,
    ``{"maria_lopez": ...}`` (a common given name and surname, joined as identifiers join
    words)."""
    segments = [m for m in _KEY_SEGMENTS.finditer(key) if not m.group().isdigit()]
    for m in segments:
        text = m.group().strip()
        if (
            len(text) <= 60
            and (" " in text or "," in text)
            and _name_shaped(text, names)
            and (_known_name(text) or any(f.start == 0 for f in names.find(text)))
        ):
            return text, f"{key[: m.start()]}{_NAME_MASK}{key[m.end() :]}"
    # Words of a slug: within one segment (``maria_lopez``) or over dotted ones (``maria.lopez``).
    words = [
        (at.group(), m.start() + at.start(), m.start() + at.end())
        for m in segments
        for at in _SLUG_WORD.finditer(m.group())
    ]
    for i in range(len(words)):
        for n in (3, 2):
            run = words[i : i + n]
            if len(run) == n and full_name([fold(w) for w, _, _ in run]):
                start, end = run[0][1], run[-1][2]
                text = " ".join(w for w, _, _ in run)
                return text, f"{key[:start]}{_NAME_MASK}{key[end:]}"
    return None


def _name_shaped(text: str, names: PersonName) -> bool:
    """A name's shape, as a value has one (in any case or surname first when the gazetteer
    knows it: ``_gazetteer_name``), or ``Surname, Given`` in title case: a key is a label,
    not a sentence, so the comma needs no capitals to be a name's."""
    if names.looks_like(text) or _gazetteer_name(text, names):
        return True
    parts = text.split(",")
    if len(parts) != 2:
        return False
    words = [w for part in parts for w in part.split()]
    return (
        all(1 <= len(part.split()) <= 3 for part in parts)
        and all(names.looks_like_part(w) for w in words)
        and names.canonical(text) is not None
    )


def _title_leaf(title: str) -> str:
    """The last part of a title: the key a JSON list stands under (``... : contributors``)."""
    parts = [p for p in re.split(r"[:/.\[\]]+", title[-200:]) if p.strip() and not p.isdigit()]
    return parts[-1].strip() if parts else ""


def _key_label(key: str) -> str:
    """The last meaningful segment of a flattened key: ``people[3].dob`` -> ``dob``."""
    segments = [s for s in re.split(r"[.\[\]/]+", key) if s and not s.isdigit()]
    return segments[-1] if segments else key


def _present(present: list[bool] | None, i: int) -> bool:
    return present is None or present[i]


def _merge_keys(keys: list[int], hits: list[Hit], into: dict[int, str] | None) -> list[int]:
    found = [person[0] for person in _record_persons(hits, into)]
    if keys and not any(h.detector == "a-number" for h in hits):
        return keys  # a name in a note of a row that already names its person
    return [*keys, *found]


def _name_keys(
    name: str, birthdate: str | None, facility: str | None, into: dict[int, str] | None = None
) -> list[int]:
    """A person's identity keys by name, strongest first: with the birthdate, with the
    detention facility, alone. The name is folded once (``person_name.person_key``); the
    others derive from its key, so they are the same from a table, a record or prose.
    ``into``: where to note each key's stable text (``Tally.names``), when a scan collects them."""
    alone = name_key(name)
    keys = []
    if birthdate:
        keys.append(_derived(alone, birthdate))
    if facility:
        keys.append(_derived(alone, "@" + fold(" ".join(facility.split()))))
    keys.append(alone)
    if into is not None:
        into.update(zip(keys, identity.name_keys(name, birthdate, facility), strict=True))
    return keys


def _derived(key: int, qualifier: str) -> int:
    """A name's key qualified by a birthdate or a facility: a key as weak as a name's (see
    ``report.WEAK_KEYS``), salted per process as the name's is."""
    return (hash((key, qualifier)) & _KEY_BITS) | WEAK_KEYS


_KEY_BITS = WEAK_KEYS - 1


def _one_person_keys(hits: list[Hit], into: dict[int, str] | None = None) -> list[list[int]]:
    """The person of a structured record: its A-number(s), else its name parts together with
    its birthdate; the name keys link to the first A-number."""
    a_numbers = list(dict.fromkeys(h.value for h in hits if h.detector == "a-number"))
    names = [h.value for h in hits if h.detector == "person-name"]
    named: list[int] = []
    if names:
        dobs = {h.value for h in hits if h.detector == "birthdate"}
        named = _name_keys(" ".join(names), dobs.pop() if len(dobs) == 1 else None, None, into)
    if a_numbers:
        return [[a_key(a_numbers[0]), *named], *([a_key(v)] for v in a_numbers[1:])]
    if named:
        return [named]
    # Else its other identifiers (an e-mail, a receipt number), all one person's.
    others = sorted({(h.detector, h.value) for h in hits if h.detector in OTHER_IDENTIFIERS})
    return [[identifier_key(d, v) for d, v in others]] if others else []


def _other_keys(
    roles: dict[int, str],
    detectors: dict[str, Element],
    presence: dict[int, list[bool] | None],
    values: dict[int, Sequence[str]],
    keys: list[int],
) -> None:
    """Key the rows that no A-number or name keys by another identifier of theirs (an e-mail,
    a receipt number: ``OTHER_IDENTIFIERS``), in place."""
    for col, det in roles.items():
        if det not in OTHER_IDENTIFIERS or col not in values:
            continue
        detector, vals, present = detectors[det], values[col], presence.get(col)
        for i, key in enumerate(keys):
            if not key and _present(present, i):
                canonical = detector.canonical(vals[i])
                if canonical is not None:
                    keys[i] = identifier_key(det, canonical)


def identifier_key(det: str, canonical: str) -> int:
    """A person's key by an identifier other than the A-number and the name: as weak as a
    name's (``report.WEAK_KEYS``), salted per process as the name's is."""
    return (hash((det, canonical)) & _KEY_BITS) | WEAK_KEYS


def _record_persons(hits: list[Hit], into: dict[int, str] | None = None) -> list[list[int]]:
    """Distinct persons in one record: by A-number and name (``_named_persons``), else by
    its other identifiers (``OTHER_IDENTIFIERS``): as many persons as the identifier it holds
    most values of (a block of one person's e-mail, SSN and phone is one person; a list of
    eight e-mails, eight), keyed by those values."""
    persons = _named_persons(hits, into)
    if persons:
        return persons
    by_kind: dict[str, list[str]] = {}
    for hit in hits:
        if hit.detector in OTHER_IDENTIFIERS and hit.value not in by_kind.get(hit.detector, ()):
            by_kind.setdefault(hit.detector, []).append(hit.value)
    if not by_kind:
        return []
    kind = max(sorted(by_kind), key=lambda d: len(by_kind[d]))
    return [[identifier_key(kind, v)] for v in by_kind[kind]]


def _named_persons(hits: list[Hit], into: dict[int, str] | None = None) -> list[list[int]]:
    """Distinct persons in one record (a paragraph, a list item), each as its identity keys,
    strongest first: the A-numbers, each with the name on its line when the line names one
    person; names on lines with no A-number, with the birthdate on their line (or the
    block's, when it has one name and one birthdate)."""
    a_numbers: dict[str, Hit] = {}
    names: dict[str, Hit] = {}
    dobs: list[str] = []
    lines: dict[int, list[Hit]] = {}
    for hit in hits:
        if hit.detector == "a-number":
            a_numbers.setdefault(hit.value, hit)
        elif hit.detector == "person-name":
            names.setdefault(hit.value, hit)
        elif hit.detector == "birthdate":
            dobs.append(hit.value)
        else:
            continue
        lines.setdefault(hit.line, []).append(hit)

    if len(names) > 1:
        # A name found twice on a line, whole and in part ("LUGO, María Elena" and "María
        # Elena"), is one name.
        on_lines: dict[int, list[str]] = {}
        for value, hit in names.items():
            on_lines.setdefault(hit.line, []).append(value)
        for same in on_lines.values():
            if len(same) < 2:
                continue
            words = {v: set(fold(v).replace(",", " ").split()) for v in same}
            for value in same:
                if any(words[value] < words[other] for other in same):
                    del names[value]
        lines = {
            n: [h for h in hs if h.detector != NAME or h.value in names] for n, hs in lines.items()
        }

    def on_line(line: int, detector: str) -> set[str]:
        return {h.value for h in lines.get(line, ()) if h.detector == detector}

    persons: list[list[int]] = []
    for value, hit in a_numbers.items():
        keys = [a_key(value)]
        line_names = on_line(hit.line, NAME)
        if len(line_names) == 1 and len(on_line(hit.line, "a-number")) == 1:
            line_dobs = on_line(hit.line, "birthdate")
            dob = line_dobs.pop() if len(line_dobs) == 1 else None
            keys += _name_keys(line_names.pop(), dob, None, into)
        persons.append(keys)
    a_lines = {h.line for h in a_numbers.values()}
    loose = [v for v, h in names.items() if not (h.line and h.line in a_lines)]
    if len(a_numbers) == 1 and len(loose) == 1 and len(persons[0]) == 1:
        # A labelled block (``Name:``, ``DOB:``, ``A-Number:`` lines): one person.
        persons[0] += _name_keys(loose[0], dobs[0] if len(set(dobs)) == 1 else None, None, into)
        return persons
    if a_numbers:
        # A name on a line of its own with its birthdate is a person of its own ("Also Ana
        # Diaz (DOB 2/6/2001)" among numbered lines); other names may be labels' values.
        whole = [
            v
            for v in loose
            if names[v].line
            and len(on_line(names[v].line, NAME)) == 1
            and len(on_line(names[v].line, "birthdate")) == 1
        ]
        if len(loose) - len(whole) <= len(a_numbers):
            for value in whole:
                born = on_line(names[value].line, "birthdate").pop()
                persons.append(_name_keys(value, born, None, into))
            return persons
    block_dob = dobs[0] if len(set(dobs)) == 1 and len(loose) == 1 else None
    for value in loose:
        line = names[value].line
        dob = block_dob
        line_dobs = on_line(line, "birthdate")
        if line and len(line_dobs) == 1 and len(on_line(line, NAME)) == 1:
            dob = line_dobs.pop()
        persons.append(_name_keys(value, dob, None, into))
    return persons
