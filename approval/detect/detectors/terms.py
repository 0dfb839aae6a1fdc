"""Whole-word matching of a policy's terms, acronyms and not-terms in one compiled regex.

Terms are case- and accent-blind (``miedo creíble`` matches ``MIEDO CREIBLE``); acronyms match
their words in capitals as written (``CFI POS``; a lower-case word of an acronym, ``CF
positive``, matches in any case), with any separator people type between the words
(``CF-POS``, ``CF/POS``, ``CF: POS``); a not-term (``asylum officer``) that covers a term at the
same place wins, because the alternatives are tried longest first and a not-term match is
dropped; and a term followed by one of the policy's ``offices`` words (``Credible Fear Unit``,
``Asylum Pre-Screening Section``) names an office, a unit or a job, not a claim, as do terms
coordinated before one (``Refugee and Asylum Operations``). An acronym may carry a lower-case
ending (``CF positives``, ``CF pos'd``, ``CATs``).

An acronym's word may list its spellings in brackets: ``[CF,CFI,RF] [pos,neg]`` is every code
with every outcome, compiled as one pattern, not one per pair; an acronym of two words matches
in either order (``Positive CF``). Terms in scripts written without spaces (Chinese, Japanese,
Thai) match inside a sentence, having no word boundary to stand on. A word written with
letters of other scripts that look Latin, or with combining marks over its letters (``аsylum``
with a Cyrillic ``а``), is matched as the Latin word it reads as (``textnorm.unconfuse``), at
the text's own positions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import product

from approval.detect.detectors.base import Found
from approval.detect.textnorm import fold, fold_accents, unconfuse

# Each letter with its accented forms, as the body of a character class. The accented forms of
# a vowel are consecutive in Latin-1 (à-å is àáâãäå): written as a range, a class compiles in
# half the time, and a policy's terms make thousands of them (``test_lazy_build`` checks the
# sets).
_ACCENTS = {
    "a": "aà-å",
    "e": "eè-ë",
    "i": "iì-ï",
    "o": "oò-ö",
    "u": "uù-ü",
    "n": "nñ",
    "c": "cç",
}


# What the accent classes match besides their letters, in any case: Latin-1's accented forms of
# those letters and the Angstrom sign (which IGNORECASE folds to å); ``test_lazy_build`` checks
# the set against every code point. In a text with none of them, a pattern written with the
# plain letters matches exactly as the one with the classes does, and it compiles four times
# faster (a policy's claim terms: 15 ms against 60 ms, paid by every scanning command).
_ACCENTED = re.compile("[\u00c0-\u00c5\u00c7-\u00cf\u00d1-\u00d6\u00d9-\u00dc"
                       "\u00e0-\u00e5\u00e7-\u00ef\u00f1-\u00f6\u00f9-\u00fc\u212b]")  # fmt: skip


# Letters of scripts written without spaces between words (CJK, kana, Thai).
_UNSPACED = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def plain_enough(text: str) -> bool:
    """Whether ``text`` holds none of the letters the accent classes add (``_ACCENTED``)."""
    return text.isascii() or _ACCENTED.search(text) is None


def _letter(ch: str) -> str:
    """What a pattern writes for a letter of a term: a Latin letter without its accent (the
    accent classes put the accented forms back), any other as written, in lower case. Folding
    an Arabic ``ئ`` or a Cyrillic ``й`` would leave a letter and a combining mark (or drop the
    mark) that the text, written precomposed, does not hold."""
    folded = fold_accents(ch)
    return folded if len(folded) == 1 and folded.isascii() else ch.lower()


def _first(term: str) -> str:
    return _letter(unicodedata.normalize("NFC", term)[:1]) if term else ""


def _pattern(term: str, accents: bool = True) -> str:
    out: list[str] = []
    for ch in map(_letter, unicodedata.normalize("NFC", term)):
        if ch.isspace():
            if not out or out[-1] != r"[\s_-]+":
                out.append(r"[\s_-]+")
        elif accents and ch in _ACCENTS:
            out.append(f"[{_ACCENTS[ch]}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def accent_blind(text: str, accents: bool = True) -> str:
    """A regex for ``text`` that ignores accents and matches any run of spaces, ``_`` or
    ``-`` between its words (use with ``re.IGNORECASE``). ``accents=False``: the same written
    with plain letters, right for a text that is ``plain_enough``."""
    return _pattern(text, accents)


class AccentBlind:
    """A pattern built by ``build(accents)`` from ``accent_blind`` pieces, in the two forms
    ``TermMatcher`` keeps: with plain letters for a text that is ``plain_enough``, with the
    accent classes (compiled when a text first needs them) for any other."""

    def __init__(self, build: Callable[[bool], str], flags: int = re.IGNORECASE):
        self._plain = re.compile(build(False), flags)
        self._source = build(True)
        self._flags = flags
        self._accented: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The pattern with the accent classes: right for any text."""
        if self._accented is None:
            self._accented = re.compile(self._source, self._flags)
        return self._accented

    def pattern_for(self, text: str) -> re.Pattern[str]:
        return self._plain if plain_enough(text) else self.pattern

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern_for(text).search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.pattern_for(text).finditer(text)


def _key(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


# Between the words of an acronym: what people type between a code and its outcome.
_ACRONYM_GAP = r"(?:\s*[-/:.]\s*|[\s_]+)"
_GAPS = re.compile(r"[\s_/:.-]+")
# How a code or an outcome is inflected in a note ("CF positives", "CF pos'd", "two CATs"):
# in lower case, right after the acronym's last word.
_INFLECTION = r"(?-i:s|es|'s|'d|d|ed)?"
_ENDINGS = ("s", "es", "'s", "'d", "d", "ed")


# Brackets, not braces: a policy holding "{" leaves libyaml's fast path (``yamldoc``).
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def spellings(acronym: str) -> list[list[str]]:
    """An acronym's words, each as the list of its spellings: ``[CF,RF] [POS,negative]`` is
    two words of two spellings each (a code and an outcome, every pair of them)."""
    words = []
    for word in acronym.split():
        braced = _BRACKETS.fullmatch(word)
        options = braced.group(1).split(",") if braced else [word]
        words.append([o.strip() for o in options if o.strip()])
    return [w for w in words if w]


def expand(acronym: str) -> list[tuple[str, str]]:
    """Every acronym an entry stands for, with the spelling its sample shows: each spelling of
    each word (``spellings``), in both orders when it has two words (``positive CF`` is shown
    as ``CF positive``)."""
    words = spellings(acronym)
    combos = [(" ".join(c), " ".join(c)) for c in product(*words)]
    if len(words) == 2:
        combos += [(f"{b} {a}", f"{a} {b}") for a, b in product(*words)]
    return combos


def _word_pattern(options: list[str]) -> str:
    # A word in capitals is a code and matches as written; another word (an outcome written
    # out, "positive") matches in any case. Longest first: CFI before CF.
    ordered = sorted(set(options), key=lambda w: (-len(w), w))
    codes = [re.escape(w) for w in ordered if not any(c.islower() for c in w)]
    words = [re.escape(w) for w in ordered if any(c.islower() for c in w)]
    parts = ([f"(?-i:{'|'.join(codes)})"] if codes else []) + words
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def _acronym_patterns(acronym: str) -> list[tuple[str, int, str]]:
    """The alternatives of one acronym entry: (first letter, length, pattern) per order, one
    compact pattern for all the spellings of its words rather than one per combination."""
    words = spellings(acronym)
    orders = [words, words[::-1]] if len(words) == 2 else [words]
    out = []
    for order in orders:
        # One alternative per first letter of the first word, for ``by_first_letter``.
        firsts: dict[str, list[str]] = {}
        for option in order[0]:
            firsts.setdefault(_first(option), []).append(option)
        rest = [_word_pattern(w) for w in order[1:]]
        length = sum(max(map(len, w)) for w in order) + len(order) - 1
        for first, options in firsts.items():
            body = _ACRONYM_GAP.join([_word_pattern(options), *rest])
            out.append((first, length, body + _INFLECTION))
    return out


def _acronym_key(text: str) -> str:
    return _GAPS.sub(" ", text).strip().casefold()


_NEXT_WORD = re.compile(r"[\s_]+([^\W\d_]+)")
# The words after a term, up to the office word of a unit's name that coordinates two claim
# types ("Refugee and Asylum Operations", "Asylum, Refugee & International Operations").
_NEXT_WORDS = re.compile(r"[\s_,&/]+([^\W\d_]+)")
_CONNECTORS = frozenset({"and", "or", "y", "o", "e", "et", "ou", "international"})
_COORDINATED_WORDS = 4


def by_first_letter(alternatives: list[tuple[str, int, str]], accents: bool = True) -> str:
    """One alternation per first letter, each behind a one-character look-ahead, longest
    first within: a word is tried against the few phrases that start as it does, not against
    every phrase of the policy (several times faster over prose). ``accents``: the look-aheads
    take the accented forms of their letters too (``_pattern``)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for first, length, pattern in alternatives:
        groups.setdefault(first, []).append((length, pattern))
    parts = []
    firsts = ""
    for first, members in sorted(groups.items()):
        members.sort(key=lambda m: -m[0])
        body = "|".join(p for _, p in members)
        start = _pattern(first, accents) if first.strip() else "."
        firsts += start[1:-1] if start.startswith("[") else start
        parts.append(f"(?={start})(?:{body})")
    if not parts:
        return r"(?!x)x"
    # One class test first: most words start with none of the letters.
    if any(not first.strip() for first in groups):
        return "|".join(parts)
    return f"(?=[{firsts}])(?:{'|'.join(parts)})"


class TermMatcher:
    def __init__(
        self,
        terms: Iterable[str],
        acronyms: Iterable[str],
        not_terms: Iterable[str],
        offices: Iterable[str] = (),
    ):
        self.kinds: dict[str, str | None] = {}  # folded match -> the policy's term, None if not
        self._terms: dict[str, str | None] = {}  # the same, by the text as written (a cache)
        phrases: list[tuple[str, str]] = []  # each term and not-term, with its first letter
        for term in not_terms:
            self.kinds[_key(term)] = None
            phrases.append((_first(term), term))
        for term in terms:
            self.kinds.setdefault(_key(term), term)
            phrases.append((_first(term), term))
        self.acronyms: dict[str, str] = {}
        spelled: list[tuple[str, int, str]] = []  # first letter, length, pattern
        for entry in acronyms:
            for acronym, shown in expand(entry):
                self.acronyms.setdefault(_acronym_key(acronym), shown)
            spelled += _acronym_patterns(entry)

        # Scripts written without spaces (Chinese, Japanese, Thai) have no word boundaries:
        # their terms match wherever they stand ("申请庇护" inside a sentence).
        unspaced = [t for _, t in phrases if _UNSPACED.match(t) and _UNSPACED.match(t[-1])]
        spaced = [(f, t) for f, t in phrases if t not in unspaced]

        def whole(accents: bool) -> str:
            alternatives = [(f, len(t), _pattern(t, accents)) for f, t in spaced] + spelled
            body = by_first_letter(alternatives, accents)
            bounded = rf"(?<![\w-])(?:{body})(?![\w-])"
            if not unspaced:
                return bounded
            loose = "|".join(map(re.escape, sorted(unspaced, key=len, reverse=True)))
            return f"{bounded}|{loose}"

        # Two forms of one pattern: with the accent classes (compiled when a text first holds
        # an accented letter) and without them (for every other text; see ``_ACCENTED``).
        self._plain = re.compile(whole(False), re.IGNORECASE)
        self._accented_source = whole(True)
        self._accented: re.Pattern[str] | None = None
        self.offices = frozenset(fold(w) for w in offices)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The pattern with the accent classes: right for any text."""
        if self._accented is None:
            self._accented = re.compile(self._accented_source, re.IGNORECASE)
        return self._accented

    def pattern_for(self, text: str) -> re.Pattern[str]:
        """A pattern that matches in ``text`` exactly as ``pattern`` does, the cheaper one
        when the text allows."""
        return self._plain if plain_enough(text) else self.pattern

    def search(self, text: str) -> bool:
        """Whether any term, acronym or not-term occurs in ``text`` (a cheap first test)."""
        if not text.isascii():
            text = unconfuse(text)[0]  # "аsylum" with a Cyrillic а reads as asylum
        return self.pattern_for(text).search(text) is not None

    def _term(self, word: str) -> str | None:
        term = self._terms.get(word, ...)
        if term is ...:
            key = _acronym_key(word)
            term = self.acronyms.get(key) or self.kinds.get(_key(word))
            if term is None:
                # An inflected acronym: its key without the ending ("cf positives").
                for ending in _ENDINGS:
                    if term is None and key.endswith(ending):
                        term = self.acronyms.get(key[: -len(ending)])
            if len(self._terms) < 4096:
                self._terms[word] = term
        return term

    def _an_office(self, text: str, end: int) -> bool:
        """Whether the word after a term makes it an office or a job (``Credible Fear Unit``)."""
        if not self.offices:
            return False
        after = _NEXT_WORD.match(text, end)
        if after is not None and fold(after.group(1)) in self.offices:
            return True
        # A coordinated name: connectors and other claim words, then the office word.
        at, seen = end, 0
        while seen < _COORDINATED_WORDS:
            nxt = _NEXT_WORDS.match(text, at)
            if nxt is None:
                return False
            word = fold(nxt.group(1))
            if word in self.offices:
                return seen > 0
            if word not in _CONNECTORS and word not in self.kinds:
                return False
            at, seen = nxt.end(), seen + 1
        return False

    def find(self, text: str) -> list[Found]:
        """The first occurrence of each term in ``text``."""
        found: dict[str, Found] = {}
        for hit in self.spans(text):
            found.setdefault(hit.value, hit)
        return list(found.values())

    def spans(self, text: str) -> list[Found]:
        """Every occurrence of every term in ``text``, in order (not-terms left out). A word
        that reads as Latin is read so (``textnorm.unconfuse``: look-alike letters of other
        scripts, combining marks); the positions are ``text``'s own."""
        where: list[int] | None = None
        if not text.isascii():
            text, where = unconfuse(text)
        found = []
        for match in self.pattern_for(text).finditer(text):
            term = self._term(match.group())
            if term is not None and not self._an_office(text, match.end()):
                start, end = match.start(), match.end()
                if where is not None:
                    start, end = where[start], where[end]
                found.append(Found(term, start, end))
        return found

    def __bool__(self) -> bool:
        return bool(self.kinds or self.acronyms)
