"""The attack of issue 12, end to end: a file holding protected records, exported under a name
whose reader would find nothing (``--to site/stats.eml``), or checked under such a name, is
refused; the bytes decide how it is read, not the destination's name."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.corpus import tabular
from tests.support import KeyMaker
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker) -> World:
    world = World(tmp_path, make_key)
    assert world.init().code == 0, world.last.output if world.last else ""
    return world


def test_renamed_and_compressed_exports_are_refused(world: World) -> None:
    csv = tabular.detainee_sheet(5).write_csv(world.root / "detainees.csv")
    packed = world.root / "detainees.csv.gz"
    packed.write_bytes(gzip.compress(csv.read_bytes()))
    site = world.root / "site"
    site.mkdir()
    # Each a subprocess, as a user runs it: a few of the names whose readers read nothing.
    for source, destination in ((csv, "stats.eml"), (csv, "stats.docx"), (packed, "stats.html")):
        result = world.run("export", source, "--to", site / destination, as_="p.publisher")
        assert result.code == 1, (source.name, destination, result.output)
        assert not (site / destination).exists()
    renamed = world.root / "stats.eml"
    renamed.write_bytes(packed.read_bytes())
    result = world.run("check", renamed)
    assert result.code == 1, result.output
    assert "Traceback" not in result.output
