"""Which detector a column header, a JSON key or a text label names, from the policy's words.

Headers are matched loosely (case, accents, punctuation, ``camelCase`` and ``snake_case`` do
not matter): ``A#``, ``Alien No.``, ``Ctry of Citz``, ``DOB`` and ``Subj Nm`` all name their
element. A header that holds more words than a vocabulary entry still matches when the entry
is a phrase of two or more words inside it (``Detainee Last Name``), or a single word at its
start or end (``Detainee DOB``, ``Nombre del detenido``). Headers that describe an aggregate
(``Number of asylum cases``, ``Total``, ``% granted``) name no element: a count is not a
person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from approval.detect.detectors.a_number import is_label, plain_value
from approval.detect.textnorm import is_null, norm_header, word_set
from approval.policy import Policy

# Words that make a header an aggregate over persons rather than a fact about one.
_AGGREGATE_WORDS = frozenset(
    {
        "count",
        "counts",
        "total",
        "totals",
        "percent",
        "percentage",
        "pct",
        "rate",
        "average",
        "avg",
        "median",
        "mean",
        "sum",
        "share",
        "ratio",
        "cantidad",
        "porcentaje",
    }
)
_AGGREGATE_PHRASES = ("number of", "numero de", "num of", "no of", "nbr of", "# of")

# Beyond this many words a header is a sentence, not a column name; only exact phrases match.
_MAX_HEADER_WORDS = 6


@dataclass(frozen=True)
class HeaderIndex:
    """The policy's header vocabulary, normalised once."""

    exact: dict[str, str]  # normalised header -> detector id
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # multi-word entries, longest first
    words: dict[str, str]  # single-word entries
    # The A-number detector's id when the policy has it: a header that is one of its labels
    # (``A.N.``) names it, whatever its loose words say.
    a_number: str | None = None
    _cache: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_policy(cls, policy: Policy) -> HeaderIndex:
        exact: dict[str, str] = {}
        phrases: list[tuple[tuple[str, ...], str]] = []
        words: dict[str, str] = {}
        for detector in policy.detectors:
            for header in detector.headers:
                normal = norm_header(header)
                if not normal or normal in exact:
                    continue  # the first detector to claim a header keeps it
                exact[normal] = detector.id
                tokens = tuple(normal.split())
                if len(tokens) > 1:
                    phrases.append((tokens, detector.id))
                else:
                    words.setdefault(normal, detector.id)
        phrases.sort(key=lambda p: (-len(p[0]), -sum(map(len, p[0]))))
        a_number = "a-number" if policy.detector("a-number") is not None else None
        return cls(exact, tuple(phrases), words, a_number)

    def match(self, header: object) -> str | None:
        """The detector id this header names, or None."""
        if not isinstance(header, str) or not header.strip() or len(header) > 120:
            return None
        if self.a_number is not None and is_label(header):
            return self.a_number
        normal = norm_header(header)
        if normal not in self._cache:
            if len(self._cache) > 8192:
                self._cache.clear()
            self._cache[normal] = _match(self, normal)
        return self._cache[normal]


def _match(index: HeaderIndex, normal: str) -> str | None:
    if not normal:
        return None
    found = index.exact.get(normal)
    if found is not None:
        return found
    tokens = normal.split()
    if len(tokens) > _MAX_HEADER_WORDS or _is_aggregate(normal, tokens):
        return None
    found = _match_tokens(index, tokens)
    if found is None:
        # A column of several persons is headed in the plural ("Names", "Detainees", "Full
        # names", "Applicants", "Respondents"): the vocabulary lists the singular.
        singular = [_singular(t) for t in tokens]
        if singular != tokens:
            found = index.exact.get(" ".join(singular)) or _match_tokens(index, singular)
    return found


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] == "s" and word[-2] not in "su" else word


def _match_tokens(index: HeaderIndex, tokens: list[str]) -> str | None:
    for phrase, detector_id in index.phrases:
        if _contains(tokens, phrase):
            return detector_id
    for word in (tokens[-1], tokens[0]):
        if word in index.words:
            return index.words[word]
    return None


def _is_aggregate(normal: str, tokens: list[str]) -> bool:
    if tokens[0] == "#" or any(t in _AGGREGATE_WORDS for t in tokens):
        return True
    padded = f" {normal} "
    return any(f" {phrase} " in padded for phrase in _AGGREGATE_PHRASES)


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))


# A directory of staff: a column of job titles under a header that says so. The names beside
# them are officials' (at most their personal data, when the list carries birthdates), and the
# claim words of the directory's title and of its units' names ("Credible Fear Unit") are
# nobody's claim. Shapes of how agencies write directories, not policy.
_JOB_HEADERS = frozenset(
    {
        "title",
        "job title",
        "position",
        "position title",
        "official title",
        "working title",
        "role",
        "job",
        "rank",
        "grade",
        "occupation",
        "designation",
        "puesto",
        "cargo",
    }
)
JOB_WORDS = word_set(
    """
    officer officers chief director directora analyst specialist supervisor supervisory manager
    assistant clerk judge attorney coordinator deputy adjudicator lead counsel secretary
    administrator technician advisor adviser head investigator agent interpreter paralegal
    associate intern trainee liaison official commissioner inspector spokesperson
    oficial jefe jefa analista asesor asesora
    """
)
_JOB_SHARE = 0.6


def is_staff_directory(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bool:
    """Whether a table with this header row and these sample rows lists staff: a job-title
    column (by its header) whose values are job titles (``Supervisory Asylum Officer``)."""
    for c, name in enumerate(header):
        if norm_header(name) not in _JOB_HEADERS:
            continue
        values = [r[c] for r in rows if c < len(r) and r[c].strip()]
        jobs = sum(1 for v in values if JOB_WORDS.intersection(norm_header(v).split()))
        if values and jobs >= len(values) * _JOB_SHARE:
            return True
    return False


# Who a record is about is not everyone it names: a column headed by the role of an official or
# an outsider to the case (the officer who interviewed, the judge, a FOIA requester) holds names
# that are not the subjects' own. Only such a header keeps a column of names from being read as
# the records' persons by its values; every other header not in the policy's vocabulary leaves
# the column to be judged by its values, as if it had no header.
_OTHER_PARTY_WORDS = word_set(
    """
    officer officers judge judges ij attorney attorneys counsel lawyer lawyers interpreter
    interpreters translator interviewer interviewers adjudicator adjudicators reviewer reviewers
    supervisor supervisors preparer author authors speaker speakers moderator presenter panelist
    requester requesters requestor requestors approver signatory
    juez jueza abogado abogada interprete traductor entrevistador revisor
    """
)


def names_other_party(header: str) -> bool:
    """Whether a column header names an official or an outsider to the records (``Asylum
    Officer``, ``Requester``, ``Reviewed by``), rather than the persons they are about."""
    if not isinstance(header, str) or not header.strip() or len(header) > 120:
        return False
    tokens = norm_header(header).split()
    return bool(tokens) and (tokens[-1] == "by" or not _OTHER_PARTY_WORDS.isdisjoint(tokens))


# Headers of a number that files a record under someone, without saying whose number it is:
# over 8-9 digit numbers in a table about persons or claims, the number is the A-number (an
# A-file is a "file", the immigration courts' "case", the Alien "Registration"); in a table
# of orders or budgets, it is not. Shapes of how agencies write headers, not policy: the
# policy's own a-number headers name the A-number wherever they stand.
_IDENTIFIER_NOUNS = frozenset({"file", "case", "registration", "reg", "record", "id", "subject"})
_IDENTIFIER_SUFFIXES = frozenset({"number", "no", "nbr", "num", "#", "id", "nr", "numero"})
_IDENTIFIER_SHARE = 0.8  # of a column's sample: 8-9 digit numbers, or the header is no A-number


def names_identifier(header: object) -> bool:
    """Whether a column header names a number that files a record (``File number``,
    ``Case No.``, ``Registration #``, ``Record ID``, ``case_number``) without naming an
    element of the policy."""
    if not isinstance(header, str) or not header.strip() or len(header) > 60:
        return False
    tokens = norm_header(header).split()
    if not 2 <= len(tokens) <= 3 or _is_aggregate(" ".join(tokens), tokens):
        return False
    return tokens[-2] in _IDENTIFIER_NOUNS and tokens[-1] in _IDENTIFIER_SUFFIXES


# A label in prose that names a record's number (``File No.: 212345678``, ``Case #: ...``):
# the nouns and suffixes of ``names_identifier``, then a colon; its value ends where a label's
# value does in ``classify`` (a semicolon, a bar, a tab, a parenthesis, two spaces, a dash).
_RECORD_LABEL = re.compile(
    r"(?i)(?<![^\W_])(?:file|case|registration|reg|record|subject)\.?[ \t_-]?"
    r"(?:number|no|nbr|num|#|id|nr|numero)\.?[ \t]*[:：][ \t]*"
)
_RECORD_VALUE_END = re.compile(r"[;|\t(\[]|\s{2,}| - | – ")


def record_numbers(line: str) -> list[str]:
    """The A-numbers after labels in a line of prose that name a record's number (``File
    No.: 212345678``): 8-9 digits together or 3-3-3, or spelled with its A
    (``a_number.plain_value``). As under such a header, they are A-numbers only beside a
    claim, a name or a birthdate: the caller decides that from the paragraph and its context."""
    if ":" not in line and "：" not in line:
        return []
    found = []
    for m in _RECORD_LABEL.finditer(line):
        # The label's own words decide, as a header's would (``Total case number`` is a count).
        words = line[max(0, m.start() - 40) : m.end()].rstrip(" \t:：").split()
        if not all(names_identifier(" ".join(words[-k:])) for k in (2, 3) if k <= len(words)):
            continue
        value = _RECORD_VALUE_END.split(line[m.end() :], maxsplit=1)[0].strip(" ,;.|")
        number = plain_value(value) if value else None
        if number is not None:
            found.append(number)
    return found


def identifier_columns(
    header: Sequence[str], columns: Sequence[Sequence[str]], roles: Mapping[int, str]
) -> list[int]:
    """The columns without a role (``roles``: column -> detector id) whose header names a
    record's number (``names_identifier``) and whose sample values are 8-9 digit numbers
    (``a_number.plain_value``): A-numbers, when the caller knows the table also holds a claim,
    names or birthdates (a column of them, or a title or header that names a claim)."""
    found = []
    for c, name in enumerate(header):
        if c in roles or c >= len(columns) or not names_identifier(name):
            continue
        filled = [v for v in columns[c] if not is_null(v)]
        good = sum(1 for v in filled if plain_value(v) is not None)
        if filled and good >= len(filled) * _IDENTIFIER_SHARE:
            found.append(c)
    return found
