"""A person's name: any value under a name header that has a name's shape, in any script; in
prose, the upper-case ``LAST, First`` form agencies write (``GARCIA LOPEZ, Maria``,
``ИВАНОВ, Иван``).

A name's shape: letters (any script), a few words, no digits, and none of the words that make
it an institution or a place (``Houston Immigration Court``, ``HOUSTON, Texas``) or a term of
the policy (``Asylum Statistics``). A redaction mark (``[REDACTED]``, ``XXXXX``, ``(b)(6)``) is
no name. Person keys fold case, accents and word order, so ``PEREZ, Juan`` and ``Juan Pérez``
are one person.

In a table without a header row, a name split over columns (``GARCIA | Maria``) is known by
``looks_like_part``: one capitalised word that is no common word, place, month or status; the
classifier decides which adjacent columns of such words hold names (see ``classify``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from approval.detect.detectors.base import Element, Found
from approval.detect.detectors.birthdate import MONTHS
from approval.detect.detectors.countries import ALPHA3, COUNTRY_NAMES
from approval.detect.textnorm import (
    NULLS,
    fold,
    is_null,
    is_redaction,
    may_hold_redactions,
    norm_header,
    word_set,
)
from approval.policy import Detector, Policy

_LETTER = r"[^\W\d_]"
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*")
# Up to four surname words before the comma, up to three given names after it: bounded, so
# that a long line of capitals costs linear time.
_TOKEN = rf"{_LETTER}(?:{_LETTER}|['’-]{_LETTER})+"  # O'BRIEN, GARCIA-LOPEZ
_LAST_FIRST = re.compile(
    rf"(?<![^\W\d_'’-])({_TOKEN}(?: {_TOKEN}){{0,3}}),[ \t]+({_TOKEN}(?: {_TOKEN}){{0,2}})"
)
_DIGIT = re.compile(r"\d|@|://")
# Capital letters of the cased scripts names are written in; ``find`` checks case exactly.
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſƀ-ɏΆ-ΫЀ-Я"
_COLUMN_BAD = re.compile(r"[\d@]")

# Words that make a "name" an institution, a place or a document part, or a program's stream (a
# notebook's stream output is {"name": "stdout", "text": ...}). Shapes of language, not policy
# vocabulary: the policy's own terms are added when the detector is built.
_NOT_NAME_WORDS = word_set(
    """
    the of and for to with from is are was were this that these those
    re fw fwd dear hello hi thanks thank regards note notes page table figure chart summary report
    total totals all other others yes no none unknown date time day week month year fiscal fy
    court courts office offices center centre department dept agency administration county city
    state states service services division bureau university college school hospital clinic inc
    llc ltd corp corporation company co group team unit section branch field district region area
    police sheriff immigration customs enforcement security homeland federal national
    international church association foundation committee council ministry embassy consulate
    tribunal board commission program programme project systems street avenue road highway
    facility facilities jail prison detention processing correctional residential family
    statistics data update meeting press release media news public affairs secretary director
    judge officer officers attorney general deputy assistant chief president governor mayor
    senator representative congress house senate government republic kingdom united
    north south east west northern southern eastern western fort port mount lake
    january february march july september october november december
    monday tuesday wednesday thursday friday saturday sunday
    centro oficina departamento ciudad estado servicio servicios corte ministerio embajada
    consulado gobierno
    stdin stdout stderr
    """
)

# Words of the categories statistics count persons by ("Non Criminal", "Convicted Criminal",
# "PENDING CRIMINAL CHARGES", "Other Immigration Violator"): a name never holds one, and a
# table of them beside nationalities and claims is the shape of a roster of persons.
_CATEGORY_WORDS = word_set(
    """
    non criminal criminals criminality convicted conviction convictions charge charges charged
    violator violators violation violations offense offenses offence offences offender offenders
    felony felonies felon misdemeanor misdemeanors misdemeanour aggravated
    """
)

# Values of the categorical columns that sit beside names in a table (sex, status, outcome):
# one capitalised word each, like a name part, but never one.
NOT_NAME_PARTS = word_set(
    """
    male female woman women boy girl adult minor child juvenile single married divorced widowed
    pending active inactive open closed granted denied approved rejected referred released
    removed deported detained transferred paroled escaped deceased completed positive negative
    withdrawn dismissed terminated continued scheduled cancelled canceled
    """
)
_VOWELS = frozenset("aeiouy")  # of a folded Latin word (other scripts are not tested)
# One word of a name: letters of any script, ``O'Brien``, ``Garcia-Lopez``.
_PART = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

# Words that start a place name ("San Diego", "El Paso") but also belong inside names
# ("Juan de los Santos"): they disqualify only an unlabelled value that starts with them.
PLACE_PREFIXES = word_set("new san santa saint st los las el la fort port mount lake")
# Given names that are also places; "SMITH, Jordan" is a person.
_NAMES_THAT_ARE_PLACES = word_set(
    "jordan chad georgia israel india virginia carolina dakota kenya florence lorraine"
)

US_STATES = frozenset(
    fold(s)
    for s in word_set(
        """
    Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
    Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts
    Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon
    Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming Carolina
    Dakota Hampshire Jersey Mexico York Columbia Rico Guam
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY
    NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR
    Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky Md Mass Mich Minn Miss Mo Mont Neb Nev
    Okla Ore Penn Pa Tenn Tex Vt Va Wash Wis Wyo
    """
    )
)


def person_key(name: str, birthdate: str | None = None) -> int:
    """A key for counting distinct persons: folded, order-free words, plus the birthdate.

    Python's string hash is salted per process, which is what we want: keys are compared
    within one scan and never stored.
    """
    words = sorted(fold(w) for w in _WORD.findall(name))
    return (hash((" ".join(words), birthdate or "")) & ((1 << 60) - 1)) | (1 << 60)


class PersonName(Element):
    id = "person-name"
    # Two capitals before a comma (Latin, Greek, Cyrillic): the cheap test of a prose block.
    prefilter = re.compile(rf"[{_UPPER}]['’-]?[{_UPPER}],[ \t]+{_LETTER}")
    gate = ","

    def __init__(self, vocab: Detector, policy: Policy):
        super().__init__(vocab, policy)
        policy_words: set[str] = set()
        for detector in policy.detectors:
            if detector.id == self.id:
                continue
            for phrase in (*detector.headers, *detector.terms, *detector.acronyms):
                # Words of two letters (an, by, cf, ij) are parts of names too: Nguyễn Văn An.
                policy_words.update(w for w in norm_header(phrase).split() if len(w) > 2)
        own = {w for h in vocab.headers for w in norm_header(h).split()}
        particles = {"de", "la", "del", "los", "las", "da", "do", "dos", "das", "van", "von"}
        self.stop = frozenset(
            (_NOT_NAME_WORDS | _CATEGORY_WORDS | policy_words | own) - particles - {"#"}
        )
        # A column's own words in its values: a template's placeholder (``Last, First``,
        # ``[Name]``) or a repeated header row, which a column of names never holds.
        # As people type them: one C-level set test per column keeps the fast path fast; a
        # placeholder in brackets (``[Name]``, ``<<Name>>``) is caught with redaction marks, and
        # any hit sends the column down the value-by-value path, which decides.
        spellings = {*vocab.headers, "last, first", "last, first m", "last, first mi"}
        self._placeholders = frozenset(
            variant
            for header in spellings
            for variant in (header, header.upper(), header.title(), header.capitalize())
        ) | {"LAST, First", "LAST, First M.", "Last, First M."}
        # With the null spellings: one set test per column instead of two.
        self._not_names = NULLS | self._placeholders

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        if (
            self._not_names.isdisjoint(values)
            and not may_hold_redactions(joined)
            and not _digit_or_at(joined)
        ):
            return None
        return [self.canonical(v) is not None for v in values]

    def canonical(self, value: str) -> str | None:
        value = " ".join(value.split())
        if not 2 <= len(value) <= 100 or _DIGIT.search(value) or is_null(value):
            return None
        words = _WORD.findall(value)
        if not 1 <= len(words) <= 8 or sum(map(len, words)) < len(value.replace(" ", "")) * 0.7:
            return None
        if any(fold(w) in self.stop for w in words if len(w) > 1):
            return None
        if "-" in value and any(
            fold(part) in self.stop for w in words if "-" in w for part in w.split("-")
        ):
            return None  # ``asylum-tracker``: a slug of words, a package's or a file's name
        return value

    def looks_like(self, value: str) -> bool:
        value = " ".join(value.split())
        if "," in value:
            # ``GARCIA, Maria`` is a name; a sentence that holds one is a note, not a name.
            found = self.find(value)
            if found and sum(f.end - f.start for f in found) >= len(value) * 0.6:
                return True
        words = _WORD.findall(value)
        if len(words) == 1 and 2 <= len(value) <= 4 and value.isalpha():
            # A name written without spaces, in a script without case (Chinese).
            return not any(c.isupper() or c.islower() for c in value)
        if not 2 <= len(words) <= 4 or len(" ".join(words)) != len(value):
            return False
        if fold(words[0]) in PLACE_PREFIXES or self.canonical(value) is None:
            return False
        cased = [w for w in words if w[0].isupper() or w[0].islower()]
        if not cased:  # scripts without case (Arabic, CJK): the shape is all we have
            return True
        if all(w[0].isupper() and not w[1:].isupper() for w in words if len(w) > 1):
            return True
        # Names in capitals, as systems export them (``MARIA GARCIA LOPEZ``): no word of a
        # place, a month or a status, which capitals write as often, and no acronym without
        # a vowel (``KROME SPC``, ``DHS OIG``).
        return value.isupper() and not any(
            (word := fold(w)) in US_STATES
            or word in COUNTRY_NAMES
            or word in MONTHS
            or word in NOT_NAME_PARTS
            or (word.isascii() and _VOWELS.isdisjoint(word))
            for w in words
        )

    def looks_like_part(self, value: str) -> bool:
        """Whether an unlabelled value may be one part of a name (``GARCIA``, ``María``,
        ``O'Brien``): one capitalised word, not a common word, a place, a month or a status."""
        value = value.strip()
        if len(value) > 30 or _PART.fullmatch(value) is None:
            return False
        cased = value.lower() != value.upper()
        if cased and (len(value) < 2 or not value[0].isupper()):
            return False  # lower case, or an initial (a script without case has neither)
        word = fold(value)
        if word in _NAMES_THAT_ARE_PLACES:
            return True  # JORDAN, Chad
        return not (
            word in self.stop
            or word in NOT_NAME_PARTS
            or word in US_STATES
            or word in MONTHS
            or word in COUNTRY_NAMES
            or value in ALPHA3
            or is_redaction(value)
        )

    def find(self, text: str) -> list[Found]:
        if "," not in text:
            return []
        found = []
        for match in _LAST_FIRST.finditer(text):
            surname_words = match.group(1).split(" ")
            # Keep the upper-case tail: "Prepared by SMITH" is SMITH.
            tail: list[str] = []
            for word in reversed(surname_words):
                if not _is_upper_word(word):
                    break
                tail.insert(0, word)
            if not tail:
                continue
            given = []
            for word in match.group(2).split(" "):
                if not word[:1].isupper():
                    break
                given.append(word)
            if not given or len(given[0]) < 2:
                continue
            if any(fold(w) in self.stop for w in (*tail, *given)) or self._a_place(given):
                continue
            if all(map(is_redaction, (*tail, *given))):
                continue  # REDACTED, XXXXX
            start = match.start(1) + len(match.group(1)) - len(" ".join(tail))
            end = match.start(2) + len(" ".join(given))
            found.append(Found(f"{' '.join(tail)}, {' '.join(given)}", start, end))
        return found

    @staticmethod
    def _a_place(given: list[str]) -> bool:
        """A dateline or an address: ``HOUSTON, Texas``, ``SAN SALVADOR, El Salvador``."""
        phrase = fold(" ".join(given))
        if phrase in _NAMES_THAT_ARE_PLACES:
            return False
        return phrase in COUNTRY_NAMES or fold(given[0]) in US_STATES


def _digit_or_at(joined: str) -> bool:
    """``_COLUMN_BAD.search(joined)``; in ASCII text as eleven ``in`` tests at memchr speed
    (a regex over a column's text costs as much as the rest of its checks together)."""
    if not joined.isascii():
        return _COLUMN_BAD.search(joined) is not None
    return (
        "0" in joined
        or "1" in joined
        or "2" in joined
        or "3" in joined
        or "4" in joined
        or "5" in joined
        or "6" in joined
        or "7" in joined
        or "8" in joined
        or "9" in joined
        or "@" in joined
    )


def _is_upper_word(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
