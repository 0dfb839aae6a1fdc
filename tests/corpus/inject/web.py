"""HTML carriers: the body, every kind of attribute, comments, scripts, templates, forms; and
MHTML, a web page saved as one MIME file."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from tests.corpus.inject.content import HARMLESS, Build, Case, Content
from tests.corpus.inject.package import x


def _html(body: str, head: str = "") -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Statistics</title>"
        f"{head}</head><body><h1>Monthly statistics</h1>{body}</body></html>\n"
    ).encode()


def html_table(c: Content) -> bytes:
    head = "".join(f"<th>{x(h)}</th>" for h in c.header)
    rows = "".join("<tr>" + "".join(f"<td>{x(v)}</td>" for v in r) + "</tr>" for r in c.rows)
    return _html(f"<table><caption>{x(c.title)}</caption><tr>{head}</tr>{rows}</table>")


def html_paragraphs(c: Content) -> bytes:
    return _html(f"<h2>{x(c.title)}</h2>" + "".join(f"<p>{x(line)}</p>" for line in c.labelled()))


def _html_attribute(tag: str) -> Build:
    def build(c: Content) -> bytes:
        return _html(tag.format(v=quoteattr(c.line())))

    return build


def _html_element(template: str, escaped: bool = True) -> Build:
    def build(c: Content) -> bytes:
        text = c.text()
        return _html(template.format(v=x(text) if escaped else text))

    return build


def html_script_literal(c: Content) -> bytes:
    return _html(f"<script>var records = {json.dumps(c.labelled())};</script>")


def html_event_handler(c: Content) -> bytes:
    script = f"show({json.dumps(c.labelled())})"
    return _html(f"<button onclick={quoteattr(script)}>Show</button>")


def html_mailto(c: Content) -> bytes:
    from urllib.parse import quote

    return _html(f'<a href="mailto:desk@agency.example?body={quote(c.text())}">Write</a>')


def html_script_json(c: Content) -> bytes:
    data = json.dumps(c.records()).replace("</", "<\\/")
    return _html(f'<script type="application/json" id="data">{data}</script>')


def html_data_url(c: Content) -> bytes:

    encoded = base64.b64encode(c.csv().encode()).decode()
    return _html(f'<a href="data:text/csv;base64,{encoded}" download="list.csv">Download</a>')


def html_srcdoc(c: Content) -> bytes:
    inner = html_table(c).decode()
    return _html(f"<iframe srcdoc={quoteattr(inner)}></iframe>")


def html_hidden_inputs(c: Content) -> bytes:
    return _html(
        "<form>"
        + "".join(f'<input type="hidden" name="r{n}" value={quoteattr(line)}>'
                  for n, line in enumerate(c.labelled()))
        + "</form>"
    )  # fmt: skip


def html_select(c: Content) -> bytes:
    options = "".join(f"<option>{x(line)}</option>" for line in c.labelled())
    return _html(f"<select>{options}</select>")


HTML_PLACES: tuple[tuple[str, Build], ...] = (
    ("table", html_table),
    ("paragraphs", html_paragraphs),
    ("attribute title", _html_attribute("<p title={v}>Summary</p>")),
    ("attribute alt", _html_attribute('<img src="chart.png" alt={v}>')),
    ("attribute data-*", _html_attribute("<div data-records={v}></div>")),
    ("attribute value", _html_attribute('<input type="text" value={v}>')),
    ("attribute placeholder", _html_attribute("<input placeholder={v}>")),
    ("attribute aria-label", _html_attribute("<button aria-label={v}>i</button>")),
    ("attribute label", _html_attribute("<select><option label={v}>1</option></select>")),
    ("attribute summary", _html_attribute("<table summary={v}><tr><td>1</td></tr></table>")),
    ("attribute download", _html_attribute('<a href="list.csv" download={v}>list</a>')),
    ("attribute id", _html_attribute("<div id={v}></div>")),
    (
        "meta content",
        lambda c: _html("", head=f"<meta name=description content={quoteattr(c.line())}>"),
    ),
    ("hidden input", html_hidden_inputs),
    ("comment", _html_element("<!-- {v} -->", escaped=False)),
    ("script literal", html_script_literal),
    ("event handler", html_event_handler),
    ("mailto: link body", html_mailto),
    ("script JSON", html_script_json),
    ("template", _html_element("<template><p>{v}</p></template>")),
    ("textarea", _html_element("<textarea>{v}</textarea>")),
    ("noscript", _html_element("<noscript><pre>{v}</pre></noscript>")),
    ("hidden div", _html_element('<div style="display:none" hidden><pre>{v}</pre></div>')),
    ("select options", html_select),
    ("iframe srcdoc", html_srcdoc),
    ("data: URL", html_data_url),
)


def mhtml(html: bytes, extra: Sequence[tuple[str, bytes, str]] = ()) -> bytes:
    """A web page saved as one file (multipart/related), as browsers write it."""
    boundary = "----MultipartBoundary--7QnOTYd8"
    parts = [
        "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://www.agency.example/stats\r\n"
        "Subject: Statistics\r\nDate: Mon, 19 Dec 2022 10:15:00 -0500\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n'
        "\r\n",
    ]
    body = [(html, "text/html", "https://www.agency.example/stats")]
    body += [(data, kind, f"https://www.agency.example/{name}") for name, data, kind in extra]
    for data, kind, location in body:
        import quopri

        parts.append(
            f"--{boundary}\r\nContent-Type: {kind}\r\nContent-Transfer-Encoding: quoted-printable"
            f"\r\nContent-Location: {location}\r\n\r\n"
            + quopri.encodestring(data).decode().replace("\n", "\r\n")
            + "\r\n"
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode()


def html_char_refs(c: Content) -> bytes:
    """Every character as a numeric character reference: the browser shows the text."""
    return _html("".join("<p>" + "".join(f"&#{ord(ch)};" for ch in line) + "</p>"
                         for line in c.labelled()))  # fmt: skip


def html_head_title(c: Content) -> bytes:
    return _html("<p>See the tables.</p>").replace(
        b"<title>Statistics</title>", f"<title>{x(c.line())}</title>".encode()
    )


def html_style(c: Content) -> bytes:
    rules = "".join(
        f'.r{n}::after {{ content: "{line.replace(chr(34), "")}"; }}\n'
        for n, line in enumerate(c.labelled())
    )
    return _html("<p>See the tables.</p>", head=f"<style>{rules}</style>")


def html_svg(c: Content) -> bytes:
    texts = "".join(
        f'<text x="0" y="{20 * n}">{x(line)}</text>' for n, line in enumerate(c.labelled(), 1)
    )
    return _html(f'<svg xmlns="http://www.w3.org/2000/svg" width="800" height="300">{texts}</svg>')


def html_iframe_data_url(c: Content) -> bytes:
    encoded = base64.b64encode(html_table(c)).decode()
    return _html(f'<iframe src="data:text/html;base64,{encoded}"></iframe>')


def html_split_inline(c: Content) -> bytes:
    """Every value split by inline elements: a browser shows it whole."""

    def split(value: str) -> str:
        half = len(value) // 2
        return f"{x(value[:half])}<span>{x(value[half:])}</span>"

    rows = "".join(
        "<p>" + "; ".join(f"{x(h)}: <b></b>{split(v)}" for h, v in r.items()) + "</p>"
        for r in c.records()
    )
    return _html(f"<h2>{x(c.title)}</h2>{rows}")


CASES: list[Case] = [
    *(Case("html", place, ".html", build) for place, build in HTML_PLACES),
    Case("mhtml", "page", ".mht", lambda c: mhtml(html_table(c))),
    Case(
        "mhtml",
        "attribute",
        ".mht",
        lambda c: mhtml(_html_attribute("<p title={v}>Summary</p>")(c)),
    ),
    Case(
        "mhtml",
        "frame",
        ".mht",
        lambda c: mhtml(html_table(HARMLESS), [("frame.html", html_paragraphs(c), "text/html")]),
    ),
    Case("html", "character references", ".html", html_char_refs),
    Case("html", "head title", ".html", html_head_title),
    Case("html", "style content", ".html", html_style),
    Case("html", "SVG text", ".html", html_svg),
    Case("html", "iframe data: URL", ".html", html_iframe_data_url),
    Case("html", "values split by inline tags", ".html", html_split_inline),
]
