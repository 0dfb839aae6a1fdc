"""A person's identity key as text: what an exposure record holds, and what a query matches.

The scanner counts persons by integer keys salted per process (fast, never stored). An exposure
record needs keys that mean the same thing next year, in another process, to a privacy officer
who looks a person up: so the same identities, spelled as stable text.

- an A-number: ``A`` and 9 digits (``A012345678``; every spelling of the number is one key);
- else a name with a birthdate: ``N:garcia maria|B:1990-04-02``;
- else a name with a detention facility: ``N:garcia maria|F:otay mesa detention center``;
- else a name alone: ``N:garcia maria``.

A name is folded (case and accents), its words sorted, so that ``GARCIA, María`` and
``Maria Garcia`` are one key, as they are one person to the scanner. These strings are
protected data: they are only ever written encrypted to the privacy officers
(``approval.exposure.sealing``) or to a 0600 file of theirs, never logged or shown.
"""

from __future__ import annotations

import re

from approval.detect.textnorm import fold

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’.-](?=[^\W\d_]))*")
_A_NUMBER = re.compile(r"[Aa]?[-#.: ]{0,3}(\d{2,3}(?:[- .]?\d{3}){2})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def a_number(digits: str | int) -> str:
    """``A`` and 9 digits, from the digits as written (separators allowed) or as a number."""
    text = str(digits) if isinstance(digits, int) else re.sub(r"[^0-9]", "", digits)
    return "A" + text.zfill(9)


def name(full_name: str, birthdate: str | None = None, facility: str | None = None) -> str:
    """A person's key by name: with the birthdate (ISO ``YYYY-MM-DD``) if known, else with the
    facility if known, else the name alone."""
    key = "N:" + name_words(full_name)
    if birthdate:
        return f"{key}|B:{birthdate}"
    if facility:
        return f"{key}|F:{fold(' '.join(facility.split()))}"
    return key


def name_keys(full_name: str, birthdate: str | None, facility: str | None) -> list[str]:
    """A person's keys by name, strongest first, as the scanner makes its own
    (``classify._name_keys``): with the birthdate, with the facility, alone."""
    alone = name(full_name)
    keys = [f"{alone}|B:{birthdate}"] if birthdate else []
    if facility:
        keys.append(f"{alone}|F:{fold(' '.join(facility.split()))}")
    keys.append(alone)
    return keys


def name_words(full_name: str) -> str:
    """The name's words folded and sorted: the same for every order and spelling of case."""
    return " ".join(sorted(fold(w) for w in _WORD.findall(full_name)))


def parse_a_number(text: str) -> str | None:
    """The key of an A-number as a user types it (``A123456789``, ``A-123-456-789``), or None."""
    m = _A_NUMBER.fullmatch(text.strip())
    return a_number(m.group(1)) if m else None


def is_iso_date(text: str) -> bool:
    return bool(_ISO.fullmatch(text))
