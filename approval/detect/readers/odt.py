"""OpenDocument text, presentations and drawings (.odt, .odp, .odg, their templates and masters).

A package is one of these when its stored ``mimetype`` member (first, uncompressed, so in the
probe's head) names an OpenDocument text, presentation or graphics type; spreadsheets are the
ods reader's. ``content.xml`` (the body: paragraphs, headings, lists, tables, slides and their
text boxes, notes, annotations) and ``styles.xml`` (headers, footers, master pages) are read by
``_xmlwalk.OdfWalker``: a paragraph's spans, spaces (``text:s``), tabs and line breaks joined as
LibreOffice shows them (a ruby's annotation, drawn above its base, a line of its own), tables
as ``Table`` units, every other text node and every attribute that could hold text as lines;
a list item or numbered heading starts with the label its list or outline style draws (prefix,
number or bullet, suffix). Every other member is accounted for by ``_package.account``:
``meta.xml`` and settings as XML text, embedded objects (``Object 1/content.xml``, a chart, a
spreadsheet) as text or as files of their own, pictures as non-blocking unread parts.

The ZIP is checked against ``Limits`` from its central directory before anything is expanded
(``zip.check_members``); a package whose manifest lists ``encryption-data`` is
``Unscannable("encrypted")``; a body that is not well-formed is ``Unscannable``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from approval.detect.readers._package import account, check_unique, zip_members
from approval.detect.readers._spreadsheet import ZIP_ERRORS
from approval.detect.readers._xmlwalk import (
    ListLevel,
    OdfWalker,
    Walker,
    list_styles,
    unshown_styles,
    walk,
)
from approval.detect.readers.zip import check_members, open_archive
from approval.detect.units import Limits, Probe, Source, Unit, Unscannable

_MIME = re.compile(
    rb"application/vnd\.oasis\.opendocument\.(?:text|presentation|graphics)"
    rb"(?:-template|-master|-master-template|-web)?"
)
_BODIES = {"content.xml": "document", "styles.xml": "styles"}


class OdtReader:
    name = "odt"
    # Every member of the package is accounted for (``_package.account``): reading the same
    # bytes as a plain ZIP would add nothing.
    subsumes = frozenset({"zip"})

    def accepts(self, probe: Probe) -> bool:
        members = zip_members(probe)
        return (
            members is not None and "mimetype" in members and bool(_MIME.search(probe.head[:256]))
        )

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        with source.open() as stream, open_archive(stream) as archive:
            check_members(archive.infolist(), limits)
            check_unique(archive)
            names = set(archive.namelist())
            try:
                manifest = (
                    archive.read("META-INF/manifest.xml")
                    if "META-INF/manifest.xml" in names
                    else b""
                )
                if b"encryption-data" in manifest:
                    raise Unscannable("encrypted")
                if "content.xml" not in names:
                    raise Unscannable("corrupt: no content in the package")
                # Named styles that hide text are declared in styles.xml, used in content.xml.
                unshown = frozenset[str]()
                # So are list styles, which label the items of content.xml's lists.
                lists: dict[str, dict[int, ListLevel]] = {}
                if "styles.xml" in names:
                    with archive.open("styles.xml") as part:
                        unshown = unshown_styles(part)
                    with archive.open("styles.xml") as part:
                        lists = list_styles(part)
                for name in _BODIES:
                    if name in names:
                        with archive.open(name) as part:
                            walker = OdfWalker(source, name, limits, unshown, lists)
                            yield from walk(part, _always(walker), name)
            except ZIP_ERRORS as exc:
                raise Unscannable("corrupt: a package part cannot be expanded") from exc
            except RuntimeError as exc:  # zipfile's "password required"
                raise Unscannable("encrypted") from exc
            parsed = {"mimetype": "media type"} | {n: k for n, k in _BODIES.items() if n in names}
            yield from account(source, archive, limits, parsed)


READER = OdtReader()


def _always(walker: Walker) -> Callable[[str], Walker]:
    """Every root of an ODF part is read by the same walker."""
    return lambda _root: walker
