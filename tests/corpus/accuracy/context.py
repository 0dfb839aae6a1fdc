"""Context that carries the way a reader carries it (issue 19, item 2).

Each file names its persons without any word of a claim: what ties them to one is the
context that governs them, as a privacy officer reads it: a heading before a table (across
PDF pages and repeated header rows), the title and page headers of a fixed-width report, a
Markdown or HTML heading, a sheet name, a title row, a document title, a mail subject, a Word
header or footer, a mail-merge field, the thread a reply belongs to. Text removed with
tracked changes and text in comments is read as part of its document. Each situation has a
twin whose context names no claim: the same persons are then personal data only.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.comments import Comment

from tests.corpus.accuracy import PERSONAL, PROTECTED, Case
from tests.corpus.carriers import mbox
from tests.corpus.documents import docx_bytes, eml_bytes, minimal_pdf, us
from tests.corpus.people import Person, people
from tests.corpus.spreadsheets import OdsSheet, ods_file

# Headings that name a claim, and headings that name none (the twins).
CLAIMED = (
    "Credible fear referrals, week 45",
    "Asylum applicants - weekly referral list",
    "Reasonable fear screening queue",
    "Withholding of removal applicants, Q3",
)
PLAIN = (
    "Detention book-ins, week 45",
    "Weekly transfer list",
    "Bed space roster, Q3",
    "Transport manifest, week 12",
)

Writer = Callable[[Path], None]


def _bytes(data: bytes) -> Writer:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def _text(text: str) -> Writer:
    return _bytes(text.encode())


def compressed(pdf: bytes) -> bytes:
    """A PDF as producers write it: content streams deflated, so that its bytes are not read
    as text by the plain-text reader too."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _line(p: Person, shape: int) -> str:
    """A row of a listing as text, in one of three shapes."""
    if shape == 0:
        return f"{p.last_first}    {p.a_number}    {us(p)}    {p.nationality}"
    if shape == 1:
        return f"{p.last_first}    DOB {us(p)}    {p.nationality}"
    return f"{p.a_number}    {p.last_first}    {p.nationality}"


_HEAD = (
    "Name    A-Number    DOB    Country",
    "Name    DOB    Country",
    "A-Number    Name    Country",
)


def _case(
    name: str,
    filename: str,
    make: Writer,
    cls: str | None,
    persons: int,
    detectors: Sequence[str] = (),
) -> Case:
    return Case(f"context/{name}", filename, make, cls, persons, frozenset(detectors))


def _claim(claimed: bool) -> frozenset[str]:
    return frozenset({"protection-claim"}) if claimed else frozenset()


# --- a heading before a table, across PDF pages and repeated header rows -------------------------


def pdf_heading_pages(variant: int, claimed: bool) -> Case:
    persons = people(24 + variant * 6, seed=4500 + variant)
    heading = (CLAIMED if claimed else PLAIN)[variant % 4]
    shape = variant % 3
    per_page = 10
    pages: list[list[str]] = []
    for start in range(0, len(persons), per_page):
        page = [] if start else [heading, ""]
        page.append(_HEAD[shape])
        page += [_line(p, shape) for p in persons[start : start + per_page]]
        page.append(f"Page {start // per_page + 1}")
        pages.append(page)
    data = compressed(minimal_pdf(pages))
    dets = {"person-name"} | _claim(claimed)
    return _case(
        f"pdf-heading-pages-{'claim' if claimed else 'plain'}-{variant}",
        "referrals.pdf",
        _bytes(data),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        sorted(dets),
    )


def text_heading_breaks(variant: int, claimed: bool) -> Case:
    """A plain-text listing: the heading, then pages separated by form feeds and blank lines,
    the header row repeated on each."""
    persons = people(18 + variant * 4, seed=4600 + variant)
    heading = (CLAIMED if claimed else PLAIN)[(variant + 1) % 4]
    shape = (variant + 1) % 3
    lines = [heading.upper() if variant % 2 else heading, ""]
    for start in range(0, len(persons), 8):
        if start:
            lines += ["\f" if variant % 2 == 0 else "", ""]
        lines.append(_HEAD[shape])
        lines += [_line(p, shape) for p in persons[start : start + 8]]
    return _case(
        f"text-heading-breaks-{'claim' if claimed else 'plain'}-{variant}",
        "listing.txt",
        _text("\n".join(lines) + "\n"),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["person-name", *_claim(claimed)],
    )


# --- fixed-width reports -------------------------------------------------------------------------


REPORT_TITLES = (
    "CREDIBLE FEAR REFERRAL REPORT",
    "ASYLUM PENDING CASES LISTING",
    "CFI/RFI SCREENING REFERRALS",
    "WITHHOLDING OF REMOVAL DOCKET",
)
PLAIN_REPORT_TITLES = (
    "DETENTION BOOK-IN REPORT",
    "BED SPACE LISTING",
    "TRANSFER MANIFEST",
    "DAILY POPULATION REPORT",
)


def fixed_width(variant: int, claimed: bool) -> Case:
    """A mainframe listing: page headers (agency, report title, run date, page number) every
    N lines after a form feed (or none), column headers underlined with dashes (or equals
    signs), values in columns."""
    persons = people(30 + variant * 7, seed=4700 + variant)
    titles = REPORT_TITLES if claimed else PLAIN_REPORT_TITLES
    title = titles[variant % 4]
    widths = (22, 12, 12, 14)
    columns = ("LAST NAME, FIRST", "A-NUMBER", "BIRTH DATE", "CITIZENSHIP")
    if variant % 3 == 2:
        columns = ("NAME", "DOB", "COUNTRY", "FACILITY CODE")

    def row(values: Sequence[str]) -> str:
        return "".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    def cells(p: Person) -> list[str]:
        if variant % 3 == 2:
            born = p.birthdate.strftime("%m/%d/%y" if variant % 2 else "%Y-%m-%d")
            return [p.last_first.upper(), born, p.nationality.upper(), f"FC{p.a_number[-3:]}"]
        return [p.last_first.upper(), p.a_number, us(p), p.nationality.upper()]

    per_page = 12 + variant % 5
    out: list[str] = []
    pages = range(0, len(persons), per_page)
    for number, start in enumerate(pages, 1):
        out.append(
            ("\f" if number > 1 and variant != 4 else "")
            + f"RUN DATE: 12/05/22{' ' * 20}U.S. DEPT OF HOMELAND SECURITY{' ' * 10}"
            + f"PAGE {number:4d}"
        )
        out.append(f"REPORT ID: EOIR-{variant:03d}{' ' * 22}{title}")
        out.append("")
        out.append(row(columns))
        rule = "=" if variant % 4 == 3 else "-"  # some listings underline with "="
        out.append(row([rule * (w - 2) for w in widths]))
        out += [row(cells(p)) for p in persons[start : start + per_page]]
        out.append("")
    out.append(f"TOTAL RECORDS: {len(persons)}")
    out.append("*** END OF REPORT ***")
    return _case(
        f"fixed-width-{'claim' if claimed else 'plain'}-{variant}",
        "REPORT.PRN" if variant % 2 else "listing.txt",
        _text("\r\n".join(out) + "\r\n" if variant % 2 else "\n".join(out) + "\n"),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["person-name", *_claim(claimed)],
    )


def fixed_width_pdf(variant: int, claimed: bool) -> Case:
    """The same listing printed to PDF: a page of the report per PDF page."""
    text_case = fixed_width(variant, claimed)
    listing = Path("listing.txt")

    def write(path: Path) -> None:
        source = path.with_name(listing.name)
        text_case.make(source)
        pages = source.read_text().replace("\r\n", "\n").split("\f")
        source.unlink()
        path.write_bytes(compressed(minimal_pdf([page.split("\n") for page in pages])))

    return _case(
        f"fixed-width-pdf-{'claim' if claimed else 'plain'}-{variant}",
        "REPORT.pdf",
        write,
        text_case.cls,
        text_case.persons,
        sorted(text_case.detectors),
    )


# --- headings in Markdown and HTML ---------------------------------------------------------------


def markdown_heading(variant: int, claimed: bool) -> Case:
    persons = people(8 + variant * 3, seed=4800 + variant)
    heading = (CLAIMED if claimed else PLAIN)[(variant + 2) % 4]
    lines = [f"{'#' * (1 + variant % 3)} {heading}", "", "Prepared by the records unit.", ""]
    if variant % 2:
        lines += ["| Name | A-Number | DOB |", "| --- | --- | --- |"]
        lines += [f"| {p.last_first} | {p.a_number} | {us(p)} |" for p in persons]
    else:
        lines += [f"- {p.last_first}, {p.a_number}, born {us(p)}" for p in persons]
    return _case(
        f"markdown-heading-{'claim' if claimed else 'plain'}-{variant}",
        "list.md",
        _text("\n".join(lines) + "\n"),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["a-number", *_claim(claimed)],
    )


def html_heading(variant: int, claimed: bool) -> Case:
    persons = people(9 + variant * 2, seed=4900 + variant)
    heading = escape((CLAIMED if claimed else PLAIN)[(variant + 3) % 4])
    rows = "".join(
        f"<tr><td>{escape(p.last_first)}</td><td>{p.a_number}</td><td>{us(p)}</td></tr>"
        for p in persons
    )
    table = f"<table><tr><th>Name</th><th>A-Number</th><th>DOB</th></tr>{rows}</table>"
    if variant % 3 == 0:  # the page's <title> only
        head = f"<head><title>{heading}</title></head>"
        page = f"<html>{head}<body><p>List below.</p>{table}</body></html>"
    elif variant % 3 == 1:  # a heading, a paragraph, then the table
        page = f"<html><body><h2>{heading}</h2><p>Updated weekly.</p>{table}</body></html>"
    else:  # a caption
        captioned = table.replace("<table>", f"<table><caption>{heading}</caption>")
        page = f"<html><body>{captioned}</body></html>"
    return _case(
        f"html-heading-{'claim' if claimed else 'plain'}-{variant}",
        "list.html",
        _text(page),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["a-number", *_claim(claimed)],
    )


# --- sheet names and title rows ------------------------------------------------------------------


def sheet_context(variant: int, claimed: bool) -> Case:
    persons = people(12 + variant * 5, seed=5000 + variant)
    heading = (CLAIMED if claimed else PLAIN)[variant % 4]

    def write(path: Path) -> None:
        book = Workbook()
        sheet = book.active
        if variant % 2 == 0:
            sheet.title = heading[:31].replace(",", "").replace("/", " ")
        else:
            sheet.title = "Sheet1"
            sheet.append([heading])
            sheet.append([])
        sheet.append(["Last Name", "First Name", "A-Number", "Date of Birth"])
        for p in persons:
            sheet.append([p.last.upper(), p.first, p.a_number, us(p)])
        book.save(path)

    where = "name" if variant % 2 == 0 else "title-row"
    return _case(
        f"sheet-{where}-{'claim' if claimed else 'plain'}-{variant}",
        "weekly.xlsx",
        write,
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["a-number", *_claim(claimed)],
    )


# --- Word: document title, headings, header and footer, mail merge -------------------------------


def _docx_rows(persons: Sequence[Person]) -> list[list[str]]:
    return [["Name", "A-Number", "DOB"], *([p.last_first, p.a_number, us(p)] for p in persons)]


def docx_context(variant: int, claimed: bool) -> Case:
    persons = people(7 + variant * 2, seed=5100 + variant)
    heading = (CLAIMED if claimed else PLAIN)[(variant + 1) % 4]
    kind = ("title", "heading", "header", "footer")[variant % 4]
    body: list[tuple[str, object]] = [
        ("p", "Prepared by the records unit."),
        ("table", _docx_rows(persons)),
    ]
    extra: dict[str, object] = {}
    if kind == "title":
        extra["title"] = heading
    elif kind == "heading":
        body.insert(0, ("h1", heading))
    elif kind == "header":
        extra["header"] = [heading]
    else:
        extra["footer"] = [f"{heading} - page 1"]
    data = docx_bytes(body, **extra)  # type: ignore[arg-type]
    return _case(
        f"docx-{kind}-{'claim' if claimed else 'plain'}-{variant}",
        "memo.docx",
        _bytes(data),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["a-number", *_claim(claimed)],
    )


def docx_split_table(variant: int, claimed: bool) -> Case:
    """A table broken over pages as Word users break them: the heading, then pieces of the
    table with its header row repeated, separated by "(continued)" or a page break."""
    persons = people(15 + variant * 5, seed=5150 + variant)
    heading = (CLAIMED if claimed else PLAIN)[(variant + 2) % 4]
    body: list[tuple[str, object]] = [("h2" if variant % 2 else "p", heading)]
    for start in range(0, len(persons), 6):
        if start:
            body.append(("p", "(continued)") if variant % 2 else ("xml", _PAGE_BREAK))
        body.append(("table", _docx_rows(persons[start : start + 6])))
    return _case(
        f"docx-split-table-{'claim' if claimed else 'plain'}-{variant}",
        "referrals.docx",
        _bytes(docx_bytes(body)),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["a-number", *_claim(claimed)],
    )


_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def _merge_field(name: str, value: str, simple: bool) -> str:
    if simple:
        return (
            f'<w:fldSimple w:instr=" MERGEFIELD {name} "><w:r><w:t xml:space="preserve">'
            f"{escape(value)}</w:t></w:r></w:fldSimple>"
        )
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve">'
        f" MERGEFIELD {name} \\* MERGEFORMAT </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r><w:t xml:space="preserve">{escape(value)}</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def docx_merge(variant: int, claimed: bool) -> Case:
    """Merged letters: each paragraph shows a person's values; the merge fields' names say
    what the values are (``CFI_Outcome``) where the visible text does not."""
    persons = people(4 + variant * 2, seed=5200 + variant)
    field = ("CFI_Outcome", "Asylum_Claim_Status", "Fear_Screening_Result", "RFI_Decision")[
        variant % 4
    ]
    if not claimed:
        field = ("Bed_Assignment", "Transfer_Status", "Property_Bag", "Meal_Plan")[variant % 4]
    simple = variant % 2 == 0
    paragraphs = []
    for p in persons:
        runs = (
            '<w:r><w:t xml:space="preserve">Re: </w:t></w:r>'
            + _merge_field("Full_Name", p.last_first, simple)
            + '<w:r><w:t xml:space="preserve">, </w:t></w:r>'
            + _merge_field("A_Number", p.a_number, simple)
            + '<w:r><w:t xml:space="preserve"> - </w:t></w:r>'
            + _merge_field(field, "Positive" if claimed else "Pending", simple)
        )
        paragraphs.append(("xml", f"<w:p>{runs}</w:p>"))
        paragraphs.append(("p", "Please contact the office with any questions."))
    data = docx_bytes(paragraphs)
    return _case(
        f"docx-mergefield-{'claim' if claimed else 'plain'}-{variant}",
        "letters.docx",
        _bytes(data),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["a-number", *_claim(claimed)],
    )


# --- tracked deletions and comments --------------------------------------------------------------


def docx_deleted(variant: int) -> Case:
    persons = people(3 + variant, seed=5300 + variant)
    body: list[tuple[str, object]] = [
        ("h1", "Weekly facility update"),
        ("p", "Numbers are stable."),
    ]
    body += [
        ("deleted", f"{p.last_first}, {p.a_number}, credible fear interview positive")
        for p in persons
    ]
    return _case(
        f"docx-tracked-deletion-{variant}",
        "update.docx",
        _bytes(docx_bytes(body)),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def docx_comment(variant: int, claimed_title: bool) -> Case:
    """Comments name persons; the document's title is the claim (or the comment is)."""
    persons = people(2 + variant, seed=5400 + variant)
    if claimed_title:
        notes = [f"Add {p.last_first}, {p.a_number}, DOB {us(p)}" for p in persons]
        title = "Credible fear referrals, week 45"
    else:
        notes = [f"{p.last_first} ({p.a_number}) asked for asylum at intake" for p in persons]
        title = "Weekly facility update"
    data = docx_bytes([("p", "Numbers are stable this week.")], title=title, comments=notes)
    return _case(
        f"docx-comment-{'title' if claimed_title else 'inline'}-{variant}",
        "update.docx",
        _bytes(data),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def docx_comment_heading(variant: int) -> Case:
    """Comments on a memo whose heading (a Word heading, or the running head) names the
    claim: the comments are read under it."""
    persons = people(2 + variant, seed=5450 + variant)
    notes = [f"Add {p.last_first}, {p.a_number}" for p in persons]
    if variant % 2 == 0:
        data = docx_bytes(
            [("h1", "Credible fear referrals"), ("p", "Totals only.")], comments=notes
        )
    else:
        data = docx_bytes([("p", "Totals only.")], header=["Asylum screening"], comments=notes)
    return _case(
        f"docx-comment-heading-{variant}",
        "memo.docx",
        _bytes(data),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def xlsx_comment(variant: int) -> Case:
    persons = people(2 + variant, seed=5500 + variant)

    def write(path: Path) -> None:
        book = Workbook()
        sheet = book.active
        sheet.title = "Credible fear stats" if variant % 2 == 0 else "Summary"
        sheet.append(["Country of citizenship", "Referrals"])
        for n, country in enumerate(("Guatemala", "Honduras", "Mexico", "Cuba", "Haiti")):
            sheet.append([country, 10 + n])
        for row, p in enumerate(persons, 2):
            text = f"{p.last_first}, {p.a_number}, DOB {us(p)}"
            if variant % 2:
                text += ": referred after credible fear interview"
            sheet.cell(row=row, column=2).comment = Comment(text, "Statistics unit")
        book.save(path)

    return _case(
        f"xlsx-comment-{variant}",
        "stats.xlsx",
        write,
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def ods_annotation(variant: int) -> Case:
    persons = people(2 + variant, seed=5600 + variant)
    rows: list[list[object]] = [["Country of citizenship", "Referrals"]]
    rows += [
        [c, 10 + n] for n, c in enumerate(("Guatemala", "Honduras", "Mexico", "Cuba", "Haiti"))
    ]
    notes = {(r, 1): f"{p.last_first}, {p.a_number}, DOB {us(p)}" for r, p in enumerate(persons, 1)}
    name = "Credible fear referrals" if variant % 2 == 0 else "Asylum screening"
    data = ods_file([OdsSheet(name, rows, notes=notes)])
    return _case(
        f"ods-annotation-{variant}", "stats.ods", _bytes(data), PROTECTED, len(persons),
        ["a-number", "protection-claim"],
    )  # fmt: skip


def pdf_annotation(variant: int) -> Case:
    persons = people(2 + variant, seed=5700 + variant)
    notes = [f"{p.last_first} {p.a_number} DOB {us(p)}" for p in persons]
    title = "Credible fear referrals, week 45" if variant % 2 == 0 else None
    pages = [["Asylum processing statistics, week 45" if title is None else "Weekly statistics",
              "Referrals by country: Guatemala 12, Honduras 9, Mexico 4"]]  # fmt: skip
    data = compressed(minimal_pdf(pages, title=title, notes=notes))
    return _case(
        f"pdf-annotation-{variant}", "stats.pdf", _bytes(data), PROTECTED, len(persons),
        ["a-number", "protection-claim"],
    )  # fmt: skip


# --- mail threads --------------------------------------------------------------------------------


def mail_subject(variant: int, claimed: bool) -> Case:
    persons = people(5 + variant * 2, seed=5800 + variant)
    subject = (CLAIMED if claimed else PLAIN)[variant % 4]
    body = (
        "Hello,\n\nThe list for this week:\n\n"
        + "\n".join(f"{p.last_first}, {p.a_number}, DOB {us(p)}" for p in persons)
        + "\n\nThanks,\nRecords unit\n"
    )
    return _case(
        f"mail-subject-{'claim' if claimed else 'plain'}-{variant}",
        "message.eml",
        _bytes(eml_bytes(subject, body)),
        PROTECTED if claimed else PERSONAL,
        len(persons),
        ["a-number", *_claim(claimed)],
    )


def _original(persons: Sequence[Person]) -> list[str]:
    return [
        "Team,",
        "",
        "These individuals were referred for credible fear interviews this week:",
        "",
        *(f"{p.last_first}, {p.a_number}" for p in persons),
        "",
        "Records unit",
    ]


def mail_reply(variant: int) -> Case:
    """A reply that quotes the original list and adds persons tersely ("Also add ..."): the
    persons it adds inherit the thread's claim; the quoted ones are counted once."""
    persons = people(6 + variant, seed=5900 + variant)
    listed, added = persons[:-2], persons[-2:]
    shorthand = [
        f"Also add {added[0].name}, DOB {us(added[0])}, same CFI track.",
        f"And {added[1].last_first}, {added[1].a_number} - same as above.",
    ]
    subject = ("Re: weekly list", "RE: names for Monday", "Re: follow-up", "Re: list")[variant % 4]
    if variant % 2 == 0:
        quoted = ["On Mon, Dec 19, 2022 at 10:15 AM Records Unit <records@agency.example> wrote:"]
        quoted += [f"> {line}" if line else ">" for line in _original(listed)]
    else:
        quoted = ["-----Original Message-----", "From: Records Unit", "Subject: weekly list", ""]
        quoted += _original(listed)
    body = "\n".join(["Thanks.", "", *shorthand, "", "Best,", "Dana", "", *quoted]) + "\n"
    return _case(
        f"mail-reply-{variant}",
        "reply.eml",
        _bytes(eml_bytes(subject, body)),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def mbox_thread(variant: int) -> Case:
    """A thread in a mailbox: the first message names the claim, the replies add persons
    without repeating it, and quote the earlier messages."""
    persons = people(5 + variant, seed=6000 + variant)
    first, second, third = persons[:-2], persons[-2], persons[-1]
    subject = ("CFI referrals", "Credible fear interviews - week 45", "Asylum screening list")[
        variant % 3
    ]
    one = eml_bytes(subject, "\n".join(_original(first)) + "\n")
    two_body = [
        f"Also add {second.last_first}, DOB {us(second)}.",
        "",
        "On Mon, Dec 19, 2022, Records Unit wrote:",
        *(f"> {line}" for line in _original(first)),
    ]
    two = eml_bytes(f"Re: {subject}", "\n".join(two_body) + "\n")
    three_body = [
        f"One more: {third.last_first} {third.a_number}.",
        "",
        "On Mon, Dec 19, 2022, Dana wrote:",
        *(f"> {line}" for line in two_body),
    ]
    three = eml_bytes(f"Re: Re: {subject}", "\n".join(three_body) + "\n")
    return _case(
        f"mbox-thread-{variant}",
        "thread.mbox",
        _bytes(mbox([one, two, three])),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def _shorthand(p: Person, form: int) -> str:
    d = p.birthdate
    return (
        f"Also add {p.name}, DOB {d.month}/{d.day}/{d.year}, same track.",
        f"+ {p.name} {p.a_number} (same)",
        f"add: {p.last.upper()} {p.first}, A# {p.a_digits[:3]}-{p.a_digits[3:6]}-{p.a_digits[6:]}",
        f"Also {p.name} (DOB {d.month}/{d.day}/{d.year}).",
        f"Add {p.name} too, {p.a_number}.",
    )[form % 5]


def mail_shorthand(variant: int) -> Case:
    """Terse additions in a reply ("+ Jose Perez A212345678 (same)"), under a subject that
    names the claim: each is a person of the thread's claim."""
    persons = people(3 + variant, seed=6400 + variant)
    lines = [
        "Quick adds for Monday:",
        "",
        *(_shorthand(p, variant + n) for n, p in enumerate(persons)),
    ]
    subject = ("Re: CFI referrals", "RE: credible fear list", "Re: RFI queue", "Re: asylum intake")
    return _case(
        f"mail-shorthand-{variant}",
        "adds.eml",
        _bytes(eml_bytes(subject[variant % 4], "\n".join([*lines, "", "Dana"]) + "\n")),
        PROTECTED,
        len(persons),
        ["protection-claim"],
    )


def reply_above_quote(variant: int) -> Case:
    """A reply adds persons above the message it quotes, in words that name no claim: the
    quoted message's claim is the thread's, and governs them."""
    persons = people(5 + variant, seed=6200 + variant)
    listed, added = persons[:-2], persons[-2:]
    top = [
        f"Please add {added[0].last_first} ({added[0].a_number}) to the list.",
        f"And {added[1].name}, DOB {us(added[1])}.",
    ]
    if variant % 2 == 0:
        quoted = ["On Mon, Dec 19, 2022 at 10:15 AM Intake wrote:"]
        quoted += [f"> {line}" if line else ">" for line in _original(listed)]
    else:
        quoted = ["-----Original Message-----", "From: Intake", "", *_original(listed)]
    body = "\n".join([*top, "", "Thanks,", "Dana", "", *quoted]) + "\n"
    return _case(
        f"mail-reply-above-quote-{variant}",
        "reply.eml",
        _bytes(eml_bytes("RE: list", body)),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def mbox_thread_body(variant: int) -> Case:
    """Only the first message of a thread names the claim, in its body; the replies (by
    subject, or by In-Reply-To under another subject) add persons without quoting it."""
    persons = people(6 + variant, seed=6300 + variant)
    first, second, third = persons[:-2], persons[-2], persons[-1]
    one = eml_bytes("weekly list", "\n".join(_original(first)) + "\n")
    two = eml_bytes("Re: weekly list", f"Add {second.last_first}, {second.a_number}.\n")
    reply = eml_bytes("names", f"Also {third.last_first}, DOB {us(third)}.\n")
    parent = eml_bytes("weekly list", "x").split(b"Message-ID: ")[1].split(b"\n")[0].strip()
    three = reply.replace(b"Subject: names", b"Subject: names\nIn-Reply-To: " + parent, 1)
    return _case(
        f"mbox-thread-body-{variant}",
        "thread.mbox",
        _bytes(mbox([one, two, three])),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def forwarded_thread(variant: int) -> Case:
    """A forward: the claim is in the forwarded message's subject line inside the body."""
    persons = people(4 + variant, seed=6100 + variant)
    body = "\n".join(
        [
            "FYI, see below. Adding two more at the end.",
            "",
            "---------- Forwarded message ---------",
            "From: Intake <intake@agency.example>",
            "Subject: Credible fear interview results",
            "",
            *(f"{p.last_first}, {p.a_number}" for p in persons[:-2]),
            "",
            *(f"{p.last_first}, DOB {us(p)}" for p in persons[-2:]),
        ]
    )
    return _case(
        f"mail-forward-{variant}",
        "forward.eml",
        _bytes(eml_bytes("Fwd: results", body + "\n")),
        PROTECTED,
        len(persons),
        ["a-number", "protection-claim"],
    )


def _zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _cases() -> list[Case]:
    cases: list[Case] = []
    for claimed in (True, False):
        cases += [pdf_heading_pages(v, claimed) for v in range(4 if claimed else 2)]
        cases += [text_heading_breaks(v, claimed) for v in range(4 if claimed else 2)]
        cases += [fixed_width(v, claimed) for v in range(6 if claimed else 3)]
        cases += [fixed_width_pdf(v, claimed) for v in range(2 if claimed else 1)]
        cases += [markdown_heading(v, claimed) for v in range(3 if claimed else 2)]
        cases += [html_heading(v, claimed) for v in range(3)]
        cases += [sheet_context(v, claimed) for v in range(4 if claimed else 2)]
        cases += [docx_context(v, claimed) for v in range(4)]
        cases += [docx_merge(v, claimed) for v in range(4 if claimed else 2)]
        cases += [docx_split_table(v, claimed) for v in range(2)]
        cases += [mail_subject(v, claimed) for v in range(3 if claimed else 2)]
    cases += [docx_deleted(v) for v in range(3)]
    cases += [docx_comment(v, t) for v in range(2) for t in (True, False)]
    cases += [docx_comment_heading(v) for v in range(2)]
    cases += [xlsx_comment(v) for v in range(3)]
    cases += [ods_annotation(v) for v in range(2)]
    cases += [pdf_annotation(v) for v in range(2)]
    cases += [mail_reply(v) for v in range(4)]
    cases += [mbox_thread(v) for v in range(3)]
    cases += [forwarded_thread(v) for v in range(2)]
    cases += [reply_above_quote(v) for v in range(2)]
    cases += [mail_shorthand(v) for v in range(4)]
    cases += [mbox_thread_body(v) for v in range(2)]
    return cases


CASES: list[Case] = _cases()
