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
header, function words aside (``Resultado entrevista miedo`` holds ``entrevista de miedo``),
one word that is the whole header but for words of a result (``CAT``, ``Refugee status``,
``Withholding (Y/N)``), or one word beside one other (``MPP fear``, ``Fear (MPP)``, ``CFI
date``); never as one compound with an office, unit or staff word, nor inside a not-term
(``Refugee Officer``, ``Asylum office``, ``Asylum Director``), whichever rule found it, unless
a result's word stands in it too (``Asylum decision (field office)`` is the claim's column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from approval.detect.contacts import CONTACTS as _CONTACT_IDS
from approval.detect.detectors.a_number import is_label, plain_value
from approval.detect.detectors.terms import expand
from approval.detect.textnorm import is_null, norm_header, unconfuse, word_set
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
# The verbs of a boolean key (``isAsylee``, ``hasFear``) say the same: a yes/no column.
_RESULT_WORDS = word_set(
    """
    result results outcome outcomes decision decisions determination determinations finding
    findings status type code flag y n yn yes no found sought claimed requested
    expressed granted denied pending filed received positive negative pos neg
    is has was had ever
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
    # The context detectors' ids: a header the loose rules give one of them (``Asylum
    # office``: "asylum" at its start) names none beside an office word or inside a not-term.
    context_ids: frozenset[str] = frozenset()
    # The words of the context detectors' terms, acronyms and headers, results aside: an
    # office or unit word right beside one makes a compound (``Asylum office``, ``CAT Team``).
    claim_terms: frozenset[str] = frozenset()
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
        context_ids: set[str] = set()
        claim_terms: set[str] = set()
        for detector in policy.detectors:
            for header in detector.headers:
                normal = norm_header(header)
                if detector.element == "context":
                    claim_terms.update(_content(normal.split()))
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
            context_ids.add(detector.id)
            spelled = [a for entry in detector.acronyms for a, _ in expand(entry)]
            for acronym in spelled:
                for word in acronym.split():
                    if not any(c.islower() for c in word):
                        for token in norm_header(word).split():
                            codes.setdefault(token, set()).add(word)
            entries = [(t, False) for t in detector.terms] + [(a, True) for a in spelled]
            for phrase, coded in entries:
                content = _content(norm_header(phrase).split())
                claim_terms.update(content)
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
            context_ids=frozenset(context_ids),
            claim_terms=frozenset(claim_terms - _RESULT_WORDS),
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
    if found in index.context_ids and _names_an_office(index, tokens, raw):
        return None  # "Asylum office", "Asylum Director": a place or a job, nobody's claim
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
    if not content or _names_an_office(index, tokens, raw):
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
    pair = [t for t in tokens if t not in _RESULT_WORDS]
    if len(pair) == 2:
        # A claim word beside one other word names the claim whatever that word is ("MPP
        # fear", "Fear (MPP)", "Refugee app", "CFI date"): the office and staff words that
        # would make it a place or a job were ruled out above. Not the words that mean
        # something else beside another ("TB screening", "Tax withholding"), nor a phrase
        # of its own ("Fear of flying").
        for word in pair:
            if word in index.claim_words and word not in _WHOLE_ONLY - _BESIDE_ANY:
                detector_id, acronym = index.claim_words[word]
                if not acronym or _as_written(index, [word], raw):
                    return detector_id
    return None


# Of ``_WHOLE_ONLY``, the words that name a claim beside any other (``MPP fear``): nobody's
# "fear" is a test or a payroll line.
_BESIDE_ANY = word_set("fear")
# Words that make a header beside a claim word a unit or a job rather than a claim, with the
# policy's office words: how agencies name their units and their staff. Not a place where
# claimants are ("Asylum centre", "Asylum region" over persons still names their claim).
_UNIT_WORDS = word_set(
    """
    department dept departement departamento agency bureau ministry service services affairs
    affair
    director directora directors deputy chief head manager managers supervisor trainer trainers
    instructor instructors facilitator teacher teachers lecturer coordinator administrator
    secretary clerk assistant employee employees personnel analyst specialist
    """
)


# Words of a claim's result or its record beside an office or unit word: the header is the
# claim's column, kept by the office that decided it ("Asylum decision (field office)",
# "Refugee status (department)", "Fear claim - deputy review").
_STATUS_WORDS = word_set(
    """
    status statuses decision decisions outcome outcomes result results claim claims filed
    granted denied pending type types date dates determination determinations finding findings
    estado estatus resultado resultados decision tipo fecha statut resultat
    """
)
# Where a header's words stop running together: brackets, slashes, colons, commas and a dash
# between spaces ("Withholding - Service Center" is a claim and a place, not a unit's name).
_SEGMENT_BREAK = re.compile(r"\s[-\u2013\u2014]+\s|[()\[\]{}/\\|:;,]")


def _names_an_office(index: HeaderIndex, tokens: Sequence[str], raw: str = "") -> bool:
    """Whether a header names an office, a unit or a job rather than a claim: an office or
    unit word right beside a claim word as one compound (``Asylum office``, ``Refugee
    Affairs``, ``CAT Team``, ``Asylum Director``) or a not-term (``Refugee Officer``), and no
    word of a result or a status anywhere in it (``Asylum office decision`` is a claim's)."""
    if not _STATUS_WORDS.isdisjoint(tokens) or not _STATUS_WORDS.isdisjoint(
        _singular(t) for t in tokens
    ):
        return False
    parts = [norm_header(p).split() for p in _SEGMENT_BREAK.split(raw)] if raw else [tokens]
    for part in parts:
        for words in (part, [_singular(t) for t in part]):
            content = list(_content(words))
            if _found(content, index.not_phrases, index.starts.get("not")):
                return True
            for a, b in pairwise(content):
                if (a in index.claim_terms and _an_office_word(index, b)) or (
                    b in index.claim_terms and _an_office_word(index, a)
                ):
                    return True
    return False


def _an_office_word(index: HeaderIndex, word: str) -> bool:
    return word in index.offices or word in _UNIT_WORDS


def _holds_an_office(index: HeaderIndex, words: Sequence[str]) -> bool:
    """Whether a unit's name (a value, not a header) holds an office or unit word anywhere
    or a not-term (``Refugee Affairs Division``, ``Asylum Services``)."""
    return (
        not index.offices.isdisjoint(words)
        or not _UNIT_WORDS.isdisjoint(words)
        or _found(list(_content(words)), index.not_phrases, index.starts.get("not"))
    )


_RAW_WORDS = re.compile(r"[^\W_]+")


def _as_written(index: HeaderIndex, words: Sequence[str], raw: str) -> bool:
    """Whether the codes among ``words`` stand in the raw header in capitals (``CAT``)."""
    wanted = [index.codes[w] for w in words if w in index.codes]
    if not wanted:
        return True
    if not raw.isascii():
        raw = unconfuse(raw)[0]  # "CΑT" with a Greek Alpha is written in capitals too
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


# Headers of a column of staff by their function (``Director``, ``Asylum Office Director``,
# ``Trainer``): roles that head a directory or a training roster, never a case's ("Case
# manager", "Supervisor" and "Officer" stand beside applicants too).
_STAFF_HEADS = word_set(
    """
    director directors directora directeur trainer trainers instructor instructors facilitator
    facilitators teacher teachers lecturer lecturers trainee trainees
    """
)
# Headers of a column of an organisation's units or courses (``Department``, ``Team``,
# ``Course``), whose values then name units (``Asylum``, ``CAT``, ``Credible Fear``), not
# claims. Not "Office", "Program", "Class" or "Section": a case's asylum office, a refugee
# programme, a class of admission and a section of the law are facts about a claimant.
_UNIT_HEADS = word_set(
    """
    department departments dept departamento departement division team teams unit units branch
    directorate bureau course courses training trainings module modules workshop workshops
    """
)


# Headers of a column of person names that can be the staff's own: a plain name, or a member
# of staff. Any other header of names (``Detainee``, ``Respondent``, ``Applicant``) names the
# persons a record is about, and the table is theirs.
_STAFF_NAME_HEADS = frozenset(
    {
        "name",
        "names",
        "full name",
        "staff",
        "staff name",
        "staff member",
        "employee",
        "employee name",
        "official",
        "contact",
        "contact name",
        "attorney",
        "attorney name",
        "lawyer",
        "counsel",
        "nombre",
        "nom",
    }
)
# Headers that stand beside a plain name in a directory of units: where and how to reach the
# staff. Anything else (a country, a birthdate, a hearing date) makes the names a case's.
_DIRECTORY_HEADS = word_set(
    """
    office location room building site city region district extension ext fax mobile cell
    phone telephone email mail
    """
)


def is_staff_directory(
    header: Sequence[str], rows: Sequence[Sequence[str]], index: HeaderIndex | None = None
) -> bool:
    """Whether a table with this header row and these sample rows lists staff, whose names
    are the staff's own, never a case's: a job-title column (by its header) whose values are
    job titles (``Supervisory Asylum Officer``) beside plain names; a column headed by a staff
    role of a directory or a course (``Director``, ``Trainer``) with no other column of names
    beside it; or a column of units or courses (``Department``, ``Course``) whose values name
    units (an office or unit word in them, or, given the policy's ``index``, a claim's words
    alone: ``Asylum``, ``CAT``, ``Credible fear``) when the only names are the staff's."""
    normal = [" ".join(norm_header(h).split()) if isinstance(h, str) else "" for h in header]
    matched = [index.match(h) if index is not None else None for h in header]
    named = {
        c for c, d in enumerate(matched) if d == "person-name" or normal[c] in _STAFF_NAME_HEADS
    }
    if any(normal[c] not in _STAFF_NAME_HEADS for c in named):
        return False  # "Detainee", "Respondent": the persons a record is about
    # A birthdate, an A-number or another fact of a person's own: a case's table.
    personal = index is not None and any(
        d is not None and d != "person-name" and d not in _CONTACT_IDS | index.context_ids
        for d in matched
    )
    staff_named = False
    units = False
    for c, name in enumerate(normal):
        words = name.split()
        if not words:
            continue
        values = [r[c] for r in rows if c < len(r) and r[c].strip()]
        if not values:
            continue
        if name in _JOB_HEADERS:
            jobs = sum(1 for v in values if JOB_WORDS.intersection(norm_header(v).split()))
            if jobs >= len(values) * _JOB_SHARE:
                return True
        elif words[-1] in _STAFF_HEADS and len(words) <= 4:
            # The staff role's column holds the names: no other column of names beside it.
            if named or personal:
                return False
            staff_named = True
        elif words[-1] in _UNIT_HEADS and len(words) <= 2:
            found = sum(1 for v in values if _a_unit(v, index))
            units = units or found >= len(values) * _JOB_SHARE
        elif _names_field(words):
            found = sum(1 for v in values if _a_field(v, index))
            units = units or found >= len(values) * _JOB_SHARE
    if staff_named:
        return True
    if not units or personal:
        return False
    # Plain names beside units: only where, and how, to reach them may stand beside.
    return all(
        not words
        or c in named
        or words[-1] in _UNIT_HEADS
        or _names_field(words)
        or words[-1] in _STAFF_HEADS
        or " ".join(words) in _JOB_HEADERS
        or (matched[c] is not None and matched[c] in _CONTACT_IDS)
        or not _DIRECTORY_HEADS.isdisjoint(words)
        for c, words in enumerate(n.split() for n in normal)
    )


# Headers of the field a professional works in (``Practice area``, ``Specialty``): in a
# directory of lawyers or clinics, ``Asylum`` under one is their work, not anyone's claim.
_FIELD_HEADS = word_set(
    """
    practice practices specialty specialties speciality specialities specialization
    specializations specialisation specialisations expertise
    """
)
_FIELDS = re.compile(r"\s*(?:[,;/&]|\band\b|\by\b)\s*")


def _names_field(words: list[str]) -> bool:
    """``Practice``, ``Practice area``, ``Areas of practice``, ``Specialty``."""
    return len(words) <= 3 and (
        words[-1] in _FIELD_HEADS
        or (words[0] in _FIELD_HEADS and words[-1] in ("area", "areas"))
        or (words[0] in ("area", "areas") and words[-1] in _FIELD_HEADS)
    )


def _a_field(value: str, index: HeaderIndex | None) -> bool:
    """``Asylum and withholding``, ``Asylum; CAT``: fields of work, not a case's state
    (``asylum pending``: a client's claim under a column so headed)."""
    if not _CASE_STATES.isdisjoint(norm_header(value).split()):
        return False
    return all(_a_unit(piece, index) for piece in _FIELDS.split(value) if piece.strip())


# Words of what became of a claim, which no field of work holds.
_CASE_STATES = word_set(
    "pending granted denied positive negative approved referred rejected filed closed withdrawn "
    "pos neg"
)


def _a_unit(value: str, index: HeaderIndex | None) -> bool:
    words = norm_header(value).split()
    if not words or len(words) > 6:
        return False
    if not _UNIT_WORDS.isdisjoint(words) or (index is not None and _holds_an_office(index, words)):
        return True
    return index is not None and index.match(value) in index.context_ids


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
    maintainer maintainers contributor contributors developer developers committer committers
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
