"""Inject one fixed payload into every kind of place of every container the scanner supports.

The attacks of issue 12 were each one place a reader did not look: an X- header, a PDF
bookmark, a formula without a cached value, an extra member of a workbook, a renamed file. This
package turns them into a class: a ``Content`` (the payload of 12 asylum seekers, or harmless
aggregate statistics) is written by code into each place of each format, as a generator, a
mail client or an attacker would write it: one module per family of formats, each with the
``CASES`` of its own places, and ``cases`` for what holds other formats (attachments, archive
members, embedded files) and the polyglots. ``CASES`` lists every (format, place) with its
builder; ``tests/detect/test_fail_closed_places.py`` asserts that no file built with the
payload scans clean, and that the ordinary ones built with harmless statistics do scan clean
(a gate that blocks every deck gets bypassed). ``oracle.a_numbers_in`` checks, by brute force
and without the scanner, that the payload really is in every file built.

To add a place: a builder ``(Content) -> bytes`` in the module of its format and a ``Case`` in
that module's ``CASES``; the tests, the oracle check and the README table pick it up. A case
whose harmless build a gate may rightly refuse (a polyglot, nesting past the limit) says
``ordinary=False``.

Everything is built with the standard library, openpyxl and pypdf, small and deterministic.
"""

from tests.corpus.inject.cases import CASES, RENAMES, file_name
from tests.corpus.inject.content import HARMLESS, PAYLOAD, Build, Case, Content
from tests.corpus.inject.oracle import a_numbers_in

__all__ = [
    "CASES",
    "HARMLESS",
    "PAYLOAD",
    "RENAMES",
    "Build",
    "Case",
    "Content",
    "a_numbers_in",
    "file_name",
]
