"""Nationality or country of citizenship: a country's name (English or Spanish) or its ISO
3166-1 code.

Under a header or label any word-like value counts (agencies also write demonyms:
``Guatemalan``); without one, only a country name or a three-letter code does, and only in a
column of them. Prose never yields a nationality without a label: aggregate statistics name
countries all the time.
"""

from __future__ import annotations

import re

from approval.detect.detectors.base import Element
from approval.detect.detectors.countries import ALPHA2, ALPHA3, COUNTRY_NAMES
from approval.detect.textnorm import fold, is_count, is_null

_WORDISH = re.compile(r"[^\W\d_][^\W\d_ .,'’()-]*(?:[ .,'’()-]+[^\W\d_][^\W\d_.'’()-]*){0,6}\.?")


def is_country(value: str) -> bool:
    value = value.strip()
    return value in ALPHA3 or value in ALPHA2 or fold(value) in COUNTRY_NAMES


class Nationality(Element):
    id = "nationality"

    def canonical(self, value: str) -> str | None:
        value = value.strip()
        if len(value) > 60 or is_null(value) or is_count(value):
            return None
        if is_country(value) or _WORDISH.fullmatch(value):
            return value
        return None

    def looks_like(self, value: str) -> bool:
        value = value.strip()
        return value in ALPHA3 or fold(value) in COUNTRY_NAMES
