"""Counted nouns for what people read: ``1 person``, ``2 persons``, ``0 files``.

One helper for every count the tool prints, so that no screen says "1 files". It lives at the
top of the package because every layer renders counts (the CLI, the audit timeline, the
policy check's summaries) and none of them should import another's rendering.
"""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun``, the noun in the plural unless the count is exactly one.

    The plural is ``many`` when given (``entry``/``entries``), else the noun with ``es`` after
    a hissing end (``data class``/``data classes``) and ``s`` otherwise.
    """
    if count == 1:
        return f"{count} {noun}"
    if many is None:
        many = noun + ("es" if noun.endswith(("s", "x", "z", "ch", "sh")) else "s")
    return f"{count} {many}"
