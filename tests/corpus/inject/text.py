"""CSV, TSV, plain text, Markdown, JSON, NDJSON, YAML and Jupyter notebook carriers."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from tests.corpus.inject.content import Case, Content


def csv_file(c: Content) -> bytes:
    return c.csv().encode()


def tsv_file(c: Content) -> bytes:
    return c.csv("\t").encode()


def csv_utf16(c: Content) -> bytes:
    return c.csv().encode("utf-16")


def csv_semicolon(c: Content) -> bytes:
    return c.csv(";").encode("cp1252", "replace")


def text_file(c: Content) -> bytes:
    return c.text().encode()


def markdown_table(c: Content) -> bytes:
    rows = [f"# {c.title}", "", "| " + " | ".join(c.header) + " |"]
    rows.append("|" + "---|" * len(c.header))
    rows += ["| " + " | ".join(row) + " |" for row in c.rows]
    return ("\n".join(rows) + "\n").encode()


def markdown_list(c: Content) -> bytes:
    return (f"## {c.title}\n\n" + "".join(f"- {line}\n" for line in c.labelled())).encode()


def json_array(c: Content) -> bytes:
    return json.dumps(c.records(), indent=1).encode()


def json_nested(c: Content) -> bytes:
    document = {"report": {"title": c.title, "data": {"items": c.records()}}}
    return json.dumps(document).encode()


def json_rows(c: Content) -> bytes:
    return json.dumps({"columns": list(c.header), "rows": [list(r) for r in c.rows]}).encode()


def json_string(c: Content) -> bytes:
    return json.dumps({"id": 7, "note": c.text()}).encode()


def ndjson_file(c: Content) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in c.records()).encode()


def _yaml_scalar(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML flow scalar


def yaml_list(c: Content) -> bytes:
    out = [f"title: {_yaml_scalar(c.title)}", "records:"]
    for record in c.records():
        first = True
        for key, value in record.items():
            out.append(f"  {'- ' if first else '  '}{_yaml_scalar(key)}: {_yaml_scalar(value)}")
            first = False
    return ("\n".join(out) + "\n").encode()


def yaml_block(c: Content) -> bytes:
    body = "".join(f"  {line}\n" for line in c.lines())
    return f"kind: memo\nnote: |\n{body}".encode()


def yaml_documents(c: Content) -> bytes:
    out = ["---\nkind: cover\n"]
    out += [
        "---\n" + "".join(f"{_yaml_scalar(k)}: {_yaml_scalar(v)}\n" for k, v in r.items())
        for r in c.records()
    ]
    return "".join(out).encode()


def text_utf16(c: Content) -> bytes:
    return c.text().encode("utf-16")


def text_bom(c: Content) -> bytes:
    return b"\xef\xbb\xbf" + c.text().encode()


def markdown_comment(c: Content) -> bytes:
    """An HTML comment: a Markdown renderer drops it, the file keeps it."""
    return f"# Monthly statistics\n\nSee the tables.\n\n<!--\n{c.text()}-->\n".encode()


def markdown_front_matter(c: Content) -> bytes:
    body = "".join(f"  {line}\n" for line in c.lines())
    return f"---\ntitle: Monthly statistics\nnotes: |\n{body}---\n# Monthly statistics\n".encode()


def markdown_link_titles(c: Content) -> bytes:
    """Link reference definitions with titles: not rendered unless a link uses them."""
    refs = "".join(
        f'[r{n}]: https://records.example/{n} "{line.replace(chr(34), "")}"\n'
        for n, line in enumerate(c.labelled())
    )
    return f"# Monthly statistics\n\nSee the tables.\n\n{refs}".encode()


def json_escaped(c: Content) -> bytes:
    """Every character of every string as a \\u escape: the same JSON to any parser."""

    def escaped(value: str) -> str:
        return '"' + "".join(f"\\u{ord(ch):04x}" for ch in value) + '"'

    records = ",".join(
        "{" + ",".join(f"{escaped(k)}:{escaped(v)}" for k, v in r.items()) + "}"
        for r in c.records()
    )
    return f"[{records}]".encode()


def yaml_comments(c: Content) -> bytes:
    """Comments: a YAML parser drops them, ``cat`` does not."""
    comments = "".join(f"# {line}\n" for line in c.lines())
    return f"kind: report\n{comments}period: 2022-12\n".encode()


def csv_preamble(c: Content) -> bytes:
    """Title lines above the header, as report generators write them."""
    return (f"{c.title}\r\nGenerated 12/19/2022 by the records unit\r\n\r\n" + c.csv()).encode()


def csv_headerless(c: Content) -> bytes:
    return "".join(",".join(f'"{v}"' for v in row) + "\r\n" for row in c.rows).encode()


def csv_multiline_cells(c: Content) -> bytes:
    """One quoted cell per record, its fields on lines of their own."""
    cells = "".join('"' + "\n".join(line.split("; ")) + '",reviewed\r\n' for line in c.labelled())
    return f"Record,Status\r\n{cells}".encode()


def fixed_width(c: Content) -> bytes:
    widths = [max(len(v) for v in column) + 2 for column in zip(*c.table(), strict=True)]
    lines = ["".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
             for row in c.table()]  # fmt: skip
    return (c.title + "\n\n" + "\n".join(lines) + "\n").encode()


def sql_inserts(c: Content) -> bytes:
    columns = ", ".join(h.lower().replace(" ", "_").replace("-", "_") for h in c.header)
    statement = "INSERT INTO records ({}) VALUES ({});\n"  # a dump file, never run
    values = "".join(
        statement.format(columns, ", ".join("'" + v.replace("'", "''") + "'" for v in row))
        for row in c.rows
    )
    return f"-- {c.title}\nBEGIN;\n{values}COMMIT;\n".encode()


def xml_elements(c: Content) -> bytes:
    def tag(h: str) -> str:
        return "".join(ch for ch in h.title() if ch.isalnum())

    records = "".join(
        "<record>"
        + "".join(f"<{tag(h)}>{escape(v)}</{tag(h)}>" for h, v in r.items())
        + "</record>"
        for r in c.records()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<records>{records}</records>\n'.encode()


def xml_attributes(c: Content) -> bytes:
    def name(h: str) -> str:
        return "".join(ch for ch in h.title() if ch.isalnum())

    records = "".join(
        "<record " + " ".join(f"{name(h)}={quoteattr(v)}" for h, v in r.items()) + "/>"
        for r in c.records()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<records>{records}</records>\n'.encode()


def svg_text(c: Content) -> bytes:
    texts = "".join(
        f'<text x="10" y="{20 * n}">{escape(line)}</text>' for n, line in enumerate(c.lines(), 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'
        f' width="900" height="400">{texts}</svg>\n'
    ).encode()


def rtf_document(c: Content) -> bytes:
    body = "".join(line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
                   + "\\par\n" for line in c.lines())  # fmt: skip
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\fs20\n" + body + "}\n").encode(
        "cp1252", "replace"
    )


def text_zero_width(c: Content) -> bytes:
    """A zero-width space after every character: shown the same, matched by no pattern."""
    return "".join(ch + "\u200b" if ch.isalnum() else ch for ch in c.text()).encode()


def text_fullwidth(c: Content) -> bytes:
    """Full-width letters and digits (U+FF01..): how some East Asian systems write them."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in c.text()).encode()


def xml_xslt(c: Content) -> bytes:
    """An XSLT stylesheet in the document (``href="#s"``) that shows its fragments joined: a
    browser shows the records, each ``<k>`` holds a few characters of them."""
    text = c.text()
    pieces = "".join(f"<k>{escape(text[n : n + 4])}</k>" for n in range(0, len(text), 4))
    xsl = (
        '<xsl:stylesheet id="s" version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template match="/"><pre><xsl:for-each select="//k"><xsl:value-of select="."/>'
        "</xsl:for-each></pre></xsl:template></xsl:stylesheet>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet type="text/xsl" href="#s"?>\n'
        f"<doc>{xsl}{pieces}</doc>\n"
    ).encode()


def csv_sep_letter(c: Content) -> bytes:
    """Excel's first line ``sep=q``: the rows split on a letter, one run-on word each to a
    reader that does not know the line."""
    return ("sep=q\r\n" + c.csv("q")).encode()


def _split(text: str, size: int = 5) -> list[str]:
    """A string as an array of pieces, as nbformat stores a multi-line string and viewers join
    it: no piece holds a whole value."""
    return [text[n : n + size] for n in range(0, len(text), size)]


def _notebook(*cells: dict[str, object]) -> bytes:
    document = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1).encode()


def ipynb_markdown(c: Content) -> bytes:
    """A Markdown cell whose source array cuts every value in pieces."""
    return _notebook({"cell_type": "markdown", "metadata": {}, "source": _split(c.text())})


def ipynb_stream(c: Content) -> bytes:
    """A code cell's printed output, its text array cut the same way."""
    output = {"output_type": "stream", "name": "stdout", "text": _split(c.text())}
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [output]}
    return _notebook({**cell, "source": ["print(report)"]})


def ipynb_html(c: Content) -> bytes:
    """An HTML table output (pandas' ``_repr_html_``), its lines cut in pieces."""
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in c.table()
    )
    output = {"output_type": "execute_result", "execution_count": 1, "metadata": {}}
    output["data"] = {"text/html": _split(f"<table>{rows}</table>", 7), "text/plain": ["df"]}
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [output]}
    return _notebook({**cell, "source": ["df"]})


CASES: list[Case] = [
    Case("csv", "rows", ".csv", csv_file),
    Case("csv", "tab-separated", ".tsv", tsv_file),
    Case("csv", "semicolons cp1252", ".csv", csv_semicolon),
    Case("csv", "UTF-16", ".csv", csv_utf16),
    Case("text", "lines", ".txt", text_file),
    Case("text", "Markdown table", ".md", markdown_table),
    Case("text", "Markdown list", ".md", markdown_list),
    Case("json", "array of objects", ".json", json_array),
    Case("json", "nested object", ".json", json_nested),
    Case("json", "columns and rows", ".json", json_rows),
    Case("json", "string value", ".json", json_string),
    Case("json", "NDJSON", ".ndjson", ndjson_file),
    Case("yaml", "list of mappings", ".yaml", yaml_list),
    Case("yaml", "block scalar", ".yaml", yaml_block),
    Case("yaml", "multiple documents", ".yaml", yaml_documents),
    Case("text", "UTF-16", ".txt", text_utf16),
    Case("text", "UTF-8 with BOM", ".txt", text_bom),
    Case("text", "Markdown HTML comment", ".md", markdown_comment),
    Case("text", "Markdown front matter", ".md", markdown_front_matter),
    Case("text", "Markdown link titles", ".md", markdown_link_titles),
    Case("json", "unicode-escaped strings", ".json", json_escaped),
    Case("yaml", "comments", ".yaml", yaml_comments),
    Case("csv", "title lines above the header", ".csv", csv_preamble),
    Case("csv", "no header row", ".csv", csv_headerless),
    Case("csv", "multi-line quoted cells", ".csv", csv_multiline_cells),
    Case("text", "fixed-width columns", ".txt", fixed_width),
    Case("text", "SQL INSERT statements", ".sql", sql_inserts),
    Case("xml", "elements", ".xml", xml_elements),
    Case("xml", "attributes", ".xml", xml_attributes),
    Case("svg", "text", ".svg", svg_text),
    Case("rtf", "body", ".rtf", rtf_document),
    Case("text", "zero-width characters inside values", ".txt", text_zero_width),
    Case("text", "full-width characters", ".txt", text_fullwidth),
    Case("ipynb", "Markdown cell in pieces", ".ipynb", ipynb_markdown),
    Case("ipynb", "stream output in pieces", ".ipynb", ipynb_stream),
    Case("ipynb", "HTML output in pieces", ".ipynb", ipynb_html),
    Case("csv", "sep= line naming a letter", ".csv", csv_sep_letter),
    # Any XML shown through a stylesheet blocks, harmless or not: the scanner cannot apply it.
    Case("xml", "XSLT stylesheet joining fragments", ".xml", xml_xslt, ordinary=False),
]
