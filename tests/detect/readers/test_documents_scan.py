"""The document corpus end to end: every file of ``tests.corpus.documents`` scanned with the
default policy gives the verdict and the distinct persons its builder says, and the CLI scans
the lot without a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from approval.detect.scan import scan_file
from approval.policy import default_policy
from tests.conftest import run_approval
from tests.corpus import documents as docs
from tests.corpus.documents import BUILDERS, Built


@pytest.mark.parametrize("build", BUILDERS, ids=lambda build: build.__name__)
def test_a_scan_gives_the_ground_truth(build: Callable[[Path], Built], tmp_path: Path) -> None:
    built = build(tmp_path)

    report = scan_file(built.path, default_policy())

    assert report.verdict == built.verdict
    assert dict(report.classes) == built.persons
    if built.verdict == "unscannable":
        assert report.reason is not None
        assert built.reason in report.reason
    else:
        assert report.reason is None


def test_the_cli_scans_the_corpus_without_a_traceback(tmp_path: Path) -> None:
    built = {b.path.name: b for b in docs.build_all(tmp_path)}

    result = run_approval("scan", "--format", "json", tmp_path)

    assert result.code == 1
    assert "Traceback" not in result.output
    verdicts = {Path(f["path"]).name: f["verdict"] for f in json.loads(result.stdout)["files"]}
    assert verdicts == {name: b.verdict for name, b in built.items()}
