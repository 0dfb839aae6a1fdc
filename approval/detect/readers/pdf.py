"""PDF: the text layer, page by page, with pypdf; and what else a reader of the file recovers.

- each page's text is one ``Text`` unit (``page 3``), titled by the document's title;
- filled-in form fields (an I-589 is a PDF form) are one record of field name to value;
- annotation texts (comments, sticky notes) are hidden ``Text``;
- embedded files are ``Nested`` sources.

Fails closed: a PDF that does not open with the empty password is ``encrypted``; pages with
images and no text are scanned paper the scanner cannot read: ``no text layer (image-only
PDF)`` when no page has text, ``no text layer on pages ...`` when some do. A page with neither
text nor images is blank and passes. Decompression is bounded by pypdf's own limits (75 MB per
stream), reported as ``too large``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from approval.detect.readers.zip import child_part
from approval.detect.units import (
    Cell,
    Limits,
    Nested,
    Records,
    Source,
    Text,
    Unit,
    Unscannable,
    Where,
)

_PAGES_LISTED = 10  # page numbers named in a reason, at most


class _PdfReader:
    name = "pdf"

    def accepts(self, head: bytes, name: str) -> bool:
        # The header may follow some bytes of junk; readers look for it in the first 1 KiB.
        return b"%PDF-" in head[:1024]

    def read(self, source: Source, limits: Limits) -> Iterator[Unit]:
        from pypdf import PdfReader  # imported on use: start-up stays fast

        # pypdf logs what it recovers from in a broken file; the verdict says what matters,
        # and the user's terminal is no place for a parser's diary.
        logging.getLogger("pypdf").setLevel(logging.ERROR)

        with source.open() as stream:
            reader = _guard(PdfReader, stream, strict=False)
            _unlock(reader)
            pages = _guard(lambda: len(reader.pages))
            if not pages:
                raise Unscannable("corrupt: a PDF with no pages")
            title: str = _guard(_title, reader)
            no_text: list[int] = []
            any_text = False
            for number in range(1, pages + 1):
                page = _guard(lambda n=number: reader.pages[n - 1])
                text = _guard(page.extract_text)
                lines = [line for line in (text or "").splitlines() if line.strip()]
                if lines:
                    any_text = True
                    yield Text(Where(part=f"page {number}"), lines, title)
                elif _guard(_has_images, page):
                    no_text.append(number)
                notes: list[str] = _guard(_annotations, page)
                if notes:
                    yield Text(Where(part=f"page {number} annotations", hidden=True), notes, title)
            fields: dict[str, Cell] = _guard(_fields, reader)
            if fields:
                yield Records(Where(part="form fields"), [fields], title)
            attachments: list[tuple[str, bytes]] = _guard(_attachments, reader)
            for name, data in attachments:
                yield _nested(source, limits, name, data)
        if no_text and not any_text:
            raise Unscannable("no text layer (image-only PDF)")
        if no_text:
            listed = ", ".join(map(str, no_text[:_PAGES_LISTED]))
            more = len(no_text) - _PAGES_LISTED
            noun = "page" if len(no_text) == 1 else "pages"
            rest = f" and {more} more" if more > 0 else ""
            raise Unscannable(f"no text layer on {noun} {listed}{rest} (scanned images)")


def _guard(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one step of pypdf on hostile input: any failure is the file's, never ours to raise.

    pypdf raises its own errors for what it recognises as broken, and whatever Python raises
    (KeyError, ValueError, RecursionError, ...) for what it does not; none of their messages
    may reach the report, since they can quote the file."""
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    try:
        return call(*args, **kwargs)
    except Unscannable:
        raise
    except FileNotDecryptedError as exc:
        raise Unscannable("encrypted") from exc
    except LimitReachedError as exc:
        raise Unscannable("too large: a PDF stream expands beyond the decompression limit") from exc
    except RecursionError as exc:
        raise Unscannable("corrupt: PDF objects nested too deeply") from exc
    except MemoryError as exc:
        raise Unscannable("too large: PDF exhausts memory") from exc
    except Exception as exc:  # see the docstring
        raise Unscannable(f"corrupt: unreadable PDF ({type(exc).__name__})") from exc


def _unlock(reader: Any) -> None:
    """Opens a PDF encrypted with the empty user password (permissions only), as viewers do."""
    from pypdf import PasswordType

    if not _guard(getattr, reader, "is_encrypted"):
        return
    try:
        opened = reader.decrypt("")
    except Exception as exc:  # unsupported algorithms, broken dictionaries
        raise Unscannable("encrypted") from exc
    if opened == PasswordType.NOT_DECRYPTED:
        raise Unscannable("encrypted")


def _title(reader: Any) -> str:
    metadata = reader.metadata
    title = metadata.title if metadata is not None else None
    return " ".join(str(title).split()) if title else ""


def _has_images(page: Any, depth: int = 0) -> bool:
    """Whether a page draws images, directly or in a form XObject (one level of nesting is
    how scanners write them; more is bounded)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return False
    for reference in xobjects.get_object().values():
        xobject = reference.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and depth < 3 and _has_images(xobject, depth + 1):
            return True
    return False


def _annotations(page: Any) -> list[str]:
    annotations = page.get("/Annots")
    if annotations is None:
        return []
    lines: list[str] = []
    for reference in annotations.get_object():
        annotation = reference.get_object()
        for key in ("/Contents", "/T", "/RC"):
            value = annotation.get(key)
            if value:
                lines.extend(line for line in str(value).splitlines() if line.strip())
    return lines


def _fields(reader: Any) -> dict[str, Cell]:
    fields = reader.get_fields() or {}
    record: dict[str, Cell] = {}
    for name, field in fields.items():
        value = field.get("/V")
        if value is None or isinstance(value, list | dict):
            continue
        text = str(value).removeprefix("/")  # checkbox and choice values are PDF names
        if text and text != "Off":
            record[str(name)] = text
    return record


def _attachments(reader: Any) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for name, contents in reader.attachments.items():
        found.extend((str(name), data) for data in contents)
    return found


def _nested(source: Source, limits: Limits, name: str, data: bytes) -> Nested:
    if source.depth >= limits.max_depth:
        raise Unscannable(f"too deeply nested: attachments more than {limits.max_depth} deep")
    name = PurePosixPath(name.replace("\\", "/")).name or "attachment"
    return Nested(
        source=Source(
            name=name,
            open=lambda: io.BytesIO(data),
            size=len(data),
            depth=source.depth + 1,
            part=child_part(source, name),
        ),
        where=Where(part=name),
    )


READER = _PdfReader()
