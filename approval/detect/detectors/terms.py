"""Whole-word matching of a policy's terms, acronyms and not-terms in one compiled regex.

Terms are case- and accent-blind (``miedo creíble`` matches ``MIEDO CREIBLE``); acronyms match
in capitals only; a not-term (``asylum officer``) that covers a term at the same place wins,
because the alternatives are tried longest first and a not-term match is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from approval.detect.detectors.base import Found
from approval.detect.textnorm import fold

_ACCENTS = {
    "a": "aáàâäãå",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôöõ",
    "u": "uúùûü",
    "n": "nñ",
    "c": "cç",
}


def _pattern(term: str) -> str:
    out: list[str] = []
    for ch in fold(term):
        if ch.isspace():
            if not out or out[-1] != r"[\s_-]+":
                out.append(r"[\s_-]+")
        elif ch in _ACCENTS:
            out.append(f"[{_ACCENTS[ch]}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _key(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace("-", " ").split())


class TermMatcher:
    def __init__(self, terms: Iterable[str], acronyms: Iterable[str], not_terms: Iterable[str]):
        self.kinds: dict[str, str | None] = {}  # folded match -> the policy's term, None if not
        self._terms: dict[str, str | None] = {}  # the same, by the text as written (a cache)
        alternatives: list[tuple[int, str]] = []
        for term in not_terms:
            self.kinds[_key(term)] = None
            alternatives.append((len(term), _pattern(term)))
        for term in terms:
            self.kinds.setdefault(_key(term), term)
            alternatives.append((len(term), _pattern(term)))
        self.acronyms = {a: a for a in acronyms}
        for acronym in self.acronyms:
            alternatives.append((len(acronym), f"(?-i:{re.escape(acronym)})"))
        alternatives.sort(key=lambda a: -a[0])
        body = "|".join(p for _, p in alternatives) or r"(?!x)x"
        self.pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)

    def find(self, text: str) -> list[Found]:
        """The first occurrence of each term in ``text``."""
        found: dict[str, Found] = {}
        for match in self.pattern.finditer(text):
            word = match.group()
            term = self._terms.get(word, ...)
            if term is ...:
                term = self.acronyms.get(word) or self.kinds.get(_key(word))
                if len(self._terms) < 4096:
                    self._terms[word] = term
            if term is not None and term not in found:
                found[term] = Found(term, match.start(), match.end())
        return list(found.values())

    def spans(self, text: str) -> list[Found]:
        """Every occurrence of every term in ``text``, in order (not-terms left out)."""
        found = []
        for match in self.pattern.finditer(text):
            word = match.group()
            term = self.acronyms.get(word) or self.kinds.get(_key(word))
            if term is not None:
                found.append(Found(term, match.start(), match.end()))
        return found

    def __bool__(self) -> bool:
        return bool(self.kinds or self.acronyms)
