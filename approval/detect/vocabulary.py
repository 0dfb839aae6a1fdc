"""Which detector a column header, a JSON key or a text label names, from the policy's words.

Headers are matched loosely (case, accents, punctuation, ``camelCase`` and ``snake_case`` do
not matter): ``A#``, ``Alien No.``, ``Ctry of Citz``, ``DOB`` and ``Subj Nm`` all name their
element. A header that holds more words than a vocabulary entry still matches when the entry
is a phrase of two or more words inside it (``Detainee Last Name``), or a single word at its
start or end (``Detainee DOB``, ``Nombre del detenido``). Headers that describe an aggregate
(``Number of asylum cases``, ``Total``, ``% granted``) name no element: a count is not a
person.

A context detector's terms and acronyms (the protection claim's) head its columns too, under
stricter rules, since they were written for prose: a phrase of two words or more inside the
header, function words aside (``Resultado entrevista miedo`` holds ``entrevista de miedo``), or
one word that is the whole header but for words of a result (``CAT``, ``Refugee status``,
``Withholding (Y/N)``); never beside an office word or inside a not-term (``Refugee Officer``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from approval.detect.detectors.a_number import is_label, plain_value
from approval.detect.detectors.terms import expand
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

# Words of a column of results, beside a claim word or a screening noun: ``CAT Result``,
# ``Refugee status``, ``Withholding (Y/N)``, ``Resultado miedo creíble``. Shapes of how
# agencies write headers, not policy. No dates: ``Interview Date`` heads a hiring sheet too.
_RESULT_WORDS = word_set(
    """
    result results outcome outcomes decision decisions determination determinations finding
    findings status type code flag y n yn yes no found sought claimed requested
    expressed granted denied pending filed received positive negative pos neg
    resultado resultados decision estado estatus tipo situacion positivo negativo
    resultat statut positif negatif
    """
)
# Words a phrase may drop or add in a header without changing what it names.
_FUNCTION_WORDS = word_set("of the a an de del la el los las d du des le les do da dos das y e et")
# Words that name a claim's column as the whole header (give or take result words), but mean
# something else beside other words: ``Fear``, ``Screening`` and ``Interview`` over a
# detainee's results, not ``TB Screening`` or ``Job Interview``; ``Withholding``, not ``Tax
# withholding``. The policy lists them as headers; here is only how far they reach.
_WHOLE_ONLY = word_set("fear screening interview withholding entrevista entretien")


@dataclass(frozen=True)
class HeaderIndex:
    """The policy's header vocabulary, normalised once."""

    exact: dict[str, str]  # normalised header -> detector id
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # multi-word entries, longest first
    words: dict[str, str]  # single-word entries
    # The A-number detector's id when the policy has it: a header that is one of its labels
    # (``A.N.``) names it, whatever its loose words say.
    a_number: str | None = None
    # A context detector's terms and acronyms as headers (see the module's docstring), words
    # without function words: phrases of several words, longest first, and single words.
    # Each with whether it is an acronym's: a header names an acronym only with its codes in
    # capitals, as written ("CAT", not "Cat", a column of categories; see ``codes``).
    claim_phrases: tuple[tuple[tuple[str, ...], str, bool], ...] = ()
    claim_words: dict[str, tuple[str, bool]] = field(default_factory=dict)
    codes: dict[str, frozenset[str]] = field(default_factory=dict)  # cat -> {CAT}
    # Office words and not-terms: a header holding one names no claim by the terms above.
    offices: frozenset[str] = frozenset()
    not_phrases: tuple[tuple[str, ...], ...] = ()
    # Each phrase list above by its first word -> the phrases' positions in it: a header is
    # tried against the few phrases that start with one of its words, in their order.
    starts: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    _cache: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_policy(cls, policy: Policy) -> HeaderIndex:
        exact: dict[str, str] = {}
        phrases: list[tuple[tuple[str, ...], str]] = []
        words: dict[str, str] = {}
        claim_phrases: list[tuple[tuple[str, ...], str, bool]] = []
        claim_words: dict[str, tuple[str, bool]] = {}
        offices: set[str] = set()
        not_phrases: list[tuple[str, ...]] = []
        codes: dict[str, set[str]] = {}
        for detector in policy.detectors:
            for header in detector.headers:
                normal = norm_header(header)
                if not normal or normal in exact:
                    continue  # the first detector to claim a header keeps it
                exact[normal] = detector.id
                tokens = tuple(normal.split())
                if len(tokens) > 1:
                    phrases.append((tokens, detector.id))
                elif normal in _WHOLE_ONLY:
                    claim_words.setdefault(normal, (detector.id, False))
                else:
                    words.setdefault(normal, detector.id)
        for detector in policy.detectors:
            if detector.element != "context":
                continue
            spelled = [a for entry in detector.acronyms for a, _ in expand(entry)]
            for acronym in spelled:
                for word in acronym.split():
                    if not any(c.islower() for c in word):
                        for token in norm_header(word).split():
                            codes.setdefault(token, set()).add(word)
            entries = [(t, False) for t in detector.terms] + [(a, True) for a in spelled]
            for phrase, coded in entries:
                content = _content(norm_header(phrase).split())
                if len(content) > 1:
                    claim_phrases.append((content, detector.id, coded))
                elif content:
                    claim_words.setdefault(content[0], (detector.id, coded))
            offices.update(norm_header(w) for w in detector.offices)
            not_phrases += [_content(norm_header(t).split()) for t in detector.not_terms]
        phrases.sort(key=lambda p: (-len(p[0]), -sum(map(len, p[0]))))
        claim_phrases.sort(key=lambda p: (-len(p[0]), -sum(map(len, p[0]))))
        a_number = "a-number" if policy.detector("a-number") is not None else None
        unique_claims = tuple(dict.fromkeys(claim_phrases))
        nots = tuple(dict.fromkeys(p for p in not_phrases if p))
        return cls(
            exact,
            tuple(phrases),
            words,
            a_number,
            claim_phrases=unique_claims,
            claim_words=claim_words,
            codes={k: frozenset(v) for k, v in codes.items()},
            offices=frozenset(offices),
            not_phrases=nots,
            starts={
                "phrases": _by_first([p for p, _ in phrases]),
                "claims": _by_first([p for p, _, _ in unique_claims]),
                "not": _by_first(list(nots)),
            },
        )

    def match(self, header: object) -> str | None:
        """The detector id this header names, or None."""
        if not isinstance(header, str) or not header.strip() or len(header) > 120:
            return None
        if self.a_number is not None and is_label(header):
            return self.a_number
        if header not in self._cache:
            if len(self._cache) > 8192:
                self._cache.clear()
            self._cache[header] = _match(self, norm_header(header), header)
        return self._cache[header]


def _match(index: HeaderIndex, normal: str, raw: str = "") -> str | None:
    if not normal:
        return None
    found = index.exact.get(normal)
    if found is not None:
        return found
    tokens = normal.split()
    if len(tokens) > _MAX_HEADER_WORDS or _is_aggregate(normal, tokens):
        return None
    found = _match_tokens(index, tokens)
    singular = [_singular(t) for t in tokens]
    if found is None and singular != tokens:
        # A column of several persons is headed in the plural ("Names", "Detainees", "Full
        # names", "Applicants", "Respondents"): the vocabulary lists the singular.
        found = index.exact.get(" ".join(singular)) or _match_tokens(index, singular)
    if found is None:
        found = _match_claim(index, tokens, raw)
        if found is None and singular != tokens:
            found = _match_claim(index, singular, raw)
    return found


def _content(tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple(t for t in tokens if t not in _FUNCTION_WORDS)


def _match_claim(index: HeaderIndex, tokens: list[str], raw: str) -> str | None:
    """The context detector a header names by its terms (the module's docstring), or None."""
    content = list(_content(tokens))
    if not content or index.offices.intersection(content):
        return None
    if _found(content, index.not_phrases, index.starts.get("not")):
        return None
    claims = index.claim_phrases
    for i in _candidates(content, len(claims), index.starts.get("claims")):
        phrase, detector_id, acronym = claims[i]
        if _contains(content, phrase) and (not acronym or _as_written(index, phrase, raw)):
            return detector_id
    core = [t for t in content if t not in _RESULT_WORDS]
    if len(core) == 1 and core[0] in index.claim_words:
        detector_id, acronym = index.claim_words[core[0]]
        if not acronym or _as_written(index, core, raw):
            return detector_id
    return None


_RAW_WORDS = re.compile(r"[^\W_]+")


def _as_written(index: HeaderIndex, words: Sequence[str], raw: str) -> bool:
    """Whether the codes among ``words`` stand in the raw header in capitals (``CAT``)."""
    wanted = [index.codes[w] for w in words if w in index.codes]
    if not wanted:
        return True
    written = set(_RAW_WORDS.findall(raw.replace("-", ""))) | set(_RAW_WORDS.findall(raw))
    written |= {w[:-1] for w in written if w.endswith("s")}  # "CATs", "CFIs"
    return all(not spellings.isdisjoint(written) for spellings in wanted)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] == "s" and word[-2] not in "su" else word


def _match_tokens(index: HeaderIndex, tokens: list[str]) -> str | None:
    for i in _candidates(tokens, len(index.phrases), index.starts.get("phrases")):
        phrase, detector_id = index.phrases[i]
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


def _by_first(phrases: Sequence[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    starts: dict[str, list[int]] = {}
    for i, phrase in enumerate(phrases):
        starts.setdefault(phrase[0], []).append(i)
    return {word: tuple(at) for word, at in starts.items()}


def _candidates(
    tokens: Sequence[str], count: int, starts: dict[str, tuple[int, ...]] | None
) -> Iterable[int]:
    """The positions of the phrases that may be in ``tokens``, in the phrases' order."""
    if starts is None:
        return range(count)
    return sorted({i for t in set(tokens) for i in starts.get(t, ())})


def _found(
    tokens: list[str],
    phrases: Sequence[tuple[str, ...]],
    starts: dict[str, tuple[int, ...]] | None,
) -> bool:
    return any(_contains(tokens, phrases[i]) for i in _candidates(tokens, len(phrases), starts))


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
