"""The notebook reader: a cell's and an output's strings joined as Jupyter, VS Code and GitHub
join them, each media type read as a viewer shows it, and a structure no viewer shows as
nbformat says blocked."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from approval.detect.readers import READER_MODULES
from approval.detect.readers.ipynb import READER, _console
from approval.detect.readers.json import READER as JSON_READER
from approval.detect.readers.json import JsonReader
from approval.detect.scan import scan_file
from approval.detect.units import UNREAD, Limits, Part, Probe
from approval.policy import Policy
from tests.corpus.documents import dump, source
from tests.corpus.inject.package import png
from tests.corpus.people import people

PERSON = people(1)[0]
SENTENCE = (
    f"{PERSON.name}, {PERSON.a_number}, born {PERSON.birthdate.isoformat()}, a national of "
    f"{PERSON.nationality}, was granted asylum."
)


def _pieces(text: str, size: int = 5) -> list[str]:
    """The text cut every ``size`` characters: no piece holds an A-number or a date."""
    return [text[n : n + size] for n in range(0, len(text), size)]


def notebook(*cells: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5, **top}


def markdown(source: Any) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def code(*outputs: dict[str, Any], source: Any = "print(x)") -> dict[str, Any]:
    meta: dict[str, Any] = {"execution_count": 1, "metadata": {}}
    return {"cell_type": "code", **meta, "source": source, "outputs": list(outputs)}


def display(bundle: dict[str, Any]) -> dict[str, Any]:
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


def _write(tmp_path: Path, document: object, name: str = "analysis.ipynb") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=1))
    return path


def _lines(document: object) -> list[str]:
    data = json.dumps(document).encode()
    return [
        line
        for unit in dump(READER.read(source(data, "n.ipynb"), Limits()))
        if unit[0] == "text"
        for line in unit[4]  # type: ignore[attr-defined]
    ]


def _verdict(tmp_path: Path, policy: Policy, document: object) -> tuple[str, str]:
    report = scan_file(_write(tmp_path, document), policy)
    return report.verdict, report.format


def test_listed_before_the_json_reader() -> None:
    names = [module.rpartition(".")[2] for module in READER_MODULES]
    assert names.index("ipynb") == names.index("json") - 1


@pytest.mark.parametrize(
    ("head", "tail", "accepted"),
    [
        (b'{\n "cells": [\n  {', b"", True),
        (b'{"metadata": {"x": "', b'"nbformat": 4,\n "nbformat_minor": 5\n}\n', True),
        (b'\xef\xbb\xbf{"worksheets": [', b"", True),
        ('{"cells": []}'.encode("utf-16"), b"", True),
        (b'{"name": "cells"}', b"", False),  # a value, not a key
        (b'[{"cells": 1}]', b"", False),
        (b"cells,nbformat\n1,2\n", b"", False),
    ],
)
def test_accepts_a_json_object_naming_a_notebooks_keys(
    head: bytes, tail: bytes, accepted: bool
) -> None:
    probe = Probe(head=head, size=len(head) + len(tail), tail=tail)
    assert READER.accepts(probe) is accepted


def test_a_split_markdown_cell_and_stream_are_read_joined(tmp_path: Path, policy: Policy) -> None:
    document = notebook(
        markdown(["# Case notes\n", "\n", *_pieces(SENTENCE)]),
        code({"output_type": "stream", "name": "stdout", "text": _pieces(SENTENCE)}),
    )
    assert _lines(document).count(SENTENCE) == 2
    # The JSON reader alone reads every piece, and finds nothing.
    alone = scan_file(_write(tmp_path, document), policy, readers=(JSON_READER,))
    assert alone.verdict == "clean"
    assert _verdict(tmp_path, policy, document) == ("protected", "ipynb+json")


def test_the_reproducer_of_the_red_team_is_protected(tmp_path: Path, policy: Policy) -> None:
    nb = {
        "cells": [
            markdown(
                [
                    *("# Case notes\n", "\n", "Maria Gonzalez, A2123", "45678, born 1985-03"),
                    *("-14, a national of Honduras, was granted asy", "lum.\n"),
                ]
            )
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    assert _verdict(tmp_path, policy, nb)[0] == "protected"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A2123\x1b[31m45678\x1b[0m", "A212345678"),
        ("A2123XXXXX\b\b\b\b\b45678", "A212345678"),
        ("A9999\rA2123\n", "A2123"),
        ("Z0000000000\rA2123", "A2123000000"),
        ("ok\r\nnext", "next"),
    ],
)
def test_console_text_as_the_output_area_shows_it(text: str, shown: str) -> None:
    assert shown in _console(text)


def test_outputs_read_by_media_type(tmp_path: Path, policy: Policy) -> None:
    a_number = PERSON.a_number
    html = f"<p>{PERSON.name}, A-Number {a_number[:5]}<b></b>{a_number[5:]}, asylum</p>"
    document = notebook(
        code(
            display({"text/html": _pieces(html, 7), "text/plain": ["<Figure>"]}),
            {"output_type": "error", "ename": "E", "evalue": "x", "traceback": ["a", "b"]},
        )
    )
    units = dump(READER.read(source(json.dumps(document).encode(), "n.ipynb"), Limits()))
    shown = " ".join(line for unit in units if unit[0] == "text" for line in unit[4])  # type: ignore[attr-defined]
    assert a_number in shown.replace(" ", "")
    assert _verdict(tmp_path, policy, document)[0] == "protected"


def test_markdown_shown_without_its_marks(tmp_path: Path, policy: Policy) -> None:
    a_number = PERSON.a_number
    cells = [
        f"{PERSON.name}, {a_number[:5]}**{a_number[5:]}**, asylum seeker",
        f"{PERSON.name}, {a_number[:5]}<!---->{a_number[5:]}, asylum seeker",
        f"{PERSON.name}, {a_number[:5]}&#{ord(a_number[5])};{a_number[6:]}, asylum seeker",
    ]
    for cell in cells:
        document = notebook(markdown(cell))
        assert _verdict(tmp_path, policy, document)[0] == "protected", cell


def test_pictures_read_for_their_text_and_other_files_by_their_content(
    tmp_path: Path, policy: Policy
) -> None:
    picture = base64.b64encode(png(text=SENTENCE)).decode()
    rows = f"Name,A-Number,Date of birth,Claim\n{PERSON.name},{PERSON.a_number},"
    rows += f"{PERSON.birthdate.isoformat()},asylum\n"
    listed = base64.b64encode(rows.encode()).decode()
    for bundle in (
        {"image/png": _pieces(picture, 60)},  # a picture carrying the text
        {"image/png": listed},  # a CSV labelled as a picture
        {"application/json": json.dumps([{"name": PERSON.name, "a_number": PERSON.a_number}])},
    ):
        document = notebook(code(display(bundle)))
        assert _verdict(tmp_path, policy, document)[0] == "protected", list(bundle)
    # An attachment: a picture pasted into a Markdown cell.
    cell = markdown("![x](attachment:x.png)")
    cell["attachments"] = {"x.png": {"image/png": picture}}
    assert _verdict(tmp_path, policy, notebook(cell))[0] == "protected"


def test_a_plain_picture_does_not_block(tmp_path: Path, policy: Policy) -> None:
    picture = base64.b64encode(png()).decode()
    document = notebook(
        markdown("# Asylum statistics, FY2022\n\nApplications rose by 4%."),
        code(display({"image/png": picture, "text/plain": ["<Figure size 640x480>"]})),
        code(
            display({"application/vnd.plotly.v1+json": {"data": [{"y": [1, 2]}]}}),
            {"output_type": "stream", "name": "stdout", "text": ["12,345 applications\n"]},
        ),
    )
    report = scan_file(_write(tmp_path, document), policy)
    assert report.verdict == "clean", report.reason


@pytest.mark.parametrize(
    "document",
    [
        notebook(markdown(7)),  # a source that is no text
        {"cells": {"0": markdown("x")}, "nbformat": 4},  # cells that are no list
        notebook(code("stream")),  # an output that is no object
        notebook(code(display({"text/html": {"p": "x"}}))),  # an object where text belongs
        notebook(code({"output_type": "stream", "text": [1, 2]})),
    ],
)
def test_a_structure_no_viewer_shows_as_nbformat_says_blocks(
    tmp_path: Path, policy: Policy, document: dict[str, Any]
) -> None:
    units = list(READER.read(source(json.dumps(document).encode(), "n.ipynb"), Limits()))
    assert any(isinstance(u, Part) and u.read == UNREAD and u.blocks for u in units)
    assert _verdict(tmp_path, policy, document)[0] == "unscannable"


def test_nbformat_3(tmp_path: Path, policy: Policy) -> None:
    cell = {
        "cell_type": "code",
        "input": ["x"],
        "outputs": [{"output_type": "pyout", "text": _pieces(SENTENCE), "prompt_number": 1}],
    }
    document = {"worksheets": [{"cells": [cell]}], "metadata": {}, "nbformat": 3}
    assert SENTENCE in _lines(document)
    assert _verdict(tmp_path, policy, document)[0] == "protected"


def test_a_notebook_whose_keys_the_probe_does_not_see_is_blocked(
    tmp_path: Path, policy: Policy
) -> None:
    """Padding before and after the keys: the notebook reader does not take the file, and the
    JSON reader, which sees a notebook's keys, blocks it."""
    padding = {"note": "x" * 20_000}
    document = {"metadata": padding, "cells": [markdown(_pieces(SENTENCE))], "nbformat": 4}
    document["z"] = padding
    path = _write(tmp_path, document)
    data = path.read_bytes()
    assert not READER.accepts(Probe(head=data[:8192], size=len(data), tail=data[-8192:]))
    report = scan_file(path, policy)
    assert (report.verdict, report.format) == ("unscannable", "json")
    assert "notebook" in (report.reason or "")


def test_a_streamed_notebook_whose_keys_the_probe_does_not_see_is_blocked() -> None:
    padding = {"note": "x" * 20_000}
    document = {"metadata": padding, "cells": [markdown("x")], "nbformat": 4, "z": padding}
    data = json.dumps(document).encode()
    reader = JsonReader(full_load_bytes=1024, element_bytes=4096, chunk_bytes=1024)
    units = list(reader.read(source(data, "n.json"), Limits()))
    assert any(isinstance(u, Part) and u.part == "notebook" and u.read == UNREAD for u in units)
    # Cells of some other kind (a sheet's), and no ``nbformat``: no notebook, nothing blocks.
    for each in (reader, JSON_READER):
        data = json.dumps({"metadata": padding, "cells": [[1, 2]], "z": padding}).encode()
        units = list(each.read(source(data, "n.json"), Limits()))
        assert not any(isinstance(u, Part) and u.read == UNREAD for u in units)


def test_json_that_names_cells_and_is_no_notebook_is_left_to_the_json_reader() -> None:
    data = json.dumps({"cells": [[1, "x"], [2, "y"]], "sheet": "Summary"}).encode()
    assert READER.accepts(Probe(head=data, size=len(data)))
    assert list(READER.read(source(data, "n.json"), Limits())) == []
