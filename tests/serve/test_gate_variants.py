"""Without a store, a request for ``X`` is also a request for the precompressed siblings a web
server sends in its place (nginx's ``gzip_static``, Caddy's ``precompressed``): each that is
there is decided as a file of its own, and one that is not allowed refuses ``X``."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from approval.serve.follower import Follower
from approval.serve.gate import CANNOT_READ, Answer, Gate
from approval.serve.paths import (
    OUTSIDE,
    PRECOMPRESSED,
    SPECIAL,
    Mapped,
    locate,
    precompressed,
)
from tests.serve.servers import run

CLEAN = b"Fiscal year,Nationality,Book-ins\n2022,Mexico,412\n2022,Honduras,233\n"
PROTECTED = (
    b"name,a_number,dob,nationality,claim\n"
    b"Maria Lopez,A212345678,1990-01-02,Honduras,asylum granted\n"
    b"Jose Perez,A098765432,1985-03-04,Guatemala,withholding of removal\n"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "www"
    (site / "data").mkdir(parents=True)
    (site / "data" / "stats.csv").write_bytes(CLEAN)
    (site / "index.html").write_text("<h1>Detention statistics</h1>\n")
    return site


def ask(site: Path, *targets: bytes, store: str | None = None) -> list[Answer]:
    gate = Gate(site, Follower(None), racy=0.0, store=store)

    async def body(gate: Gate) -> list[Answer]:
        return [await gate.answer(t) for t in targets]

    return run(gate, body)


@pytest.mark.parametrize(
    ("suffix", "data"),
    [(".gz", gzip.compress(PROTECTED)), (".br", PROTECTED), (".zst", PROTECTED)],
)
def test_a_clean_file_with_a_protected_variant_beside_it_is_refused(
    site: Path, suffix: str, data: bytes
) -> None:
    (site / "data" / f"stats.csv{suffix}").write_bytes(data)
    asked, again = ask(site, b"/data/stats.csv", b"/data/stats.csv")
    for answer in (asked, again):  # cold, then from the cache: the same refusal
        assert not answer.allowed
        assert answer.word == "protected"
        assert answer.relative == f"data/stats.csv{suffix}"  # the variant is named
        assert "precompressed variant" in answer.reason
        assert "A212345678" not in answer.reason and "Maria" not in answer.reason


def test_the_index_of_a_directory_is_covered_with_its_variants(site: Path) -> None:
    (site / "index.html.gz").write_bytes(gzip.compress(PROTECTED))
    for answer in ask(site, b"/", b"/index.html"):
        assert (answer.allowed, answer.relative) == (False, "index.html.gz")


def test_all_clean_variants_are_allowed_and_decided_once(site: Path) -> None:
    for suffix in (".gz", ".br", ".zst"):
        data = gzip.compress(CLEAN) if suffix == ".gz" else CLEAN
        (site / "data" / f"stats.csv{suffix}").write_bytes(data)
    gate = Gate(site, Follower(None), racy=0.0)

    async def body(gate: Gate) -> tuple[list[Answer], int]:
        answers = [await gate.answer(b"/data/stats.csv") for _ in range(3)]
        return answers, gate.decided

    answers, decided = run(gate, body)
    assert {(a.allowed, a.word, a.relative) for a in answers} == {(True, "clean", "data/stats.csv")}
    assert decided == 4  # the file and its three variants, each once: then cached


def test_a_variant_replaced_after_the_file_was_allowed_is_decided_again(site: Path) -> None:
    variant = site / "data" / "stats.csv.gz"
    variant.write_bytes(gzip.compress(CLEAN))
    gate = Gate(site, Follower(None), racy=0.0)

    async def body(gate: Gate) -> list[tuple[bool, str]]:
        first = await gate.answer(b"/data/stats.csv")
        variant.write_bytes(gzip.compress(PROTECTED))  # the same inode, new bytes
        second = await gate.answer(b"/data/stats.csv")
        variant.unlink()
        third = await gate.answer(b"/data/stats.csv")
        return [(a.allowed, a.relative) for a in (first, second, third)]

    assert run(gate, body) == [
        (True, "data/stats.csv"),
        (False, "data/stats.csv.gz"),
        (True, "data/stats.csv"),
    ]


def test_variants_that_cannot_be_decided_refuse_and_dangling_links_do_not(
    site: Path, tmp_path: Path
) -> None:
    data = site / "data"
    outside = tmp_path / "elsewhere.csv.gz"
    outside.write_bytes(gzip.compress(CLEAN))
    (data / "a.csv").write_bytes(CLEAN)
    (data / "a.csv.gz").symlink_to(outside)  # clean bytes, but outside the root
    (data / "b.csv").write_bytes(CLEAN)
    (data / "b.csv.br").mkdir()  # nginx would not send a directory; closed all the same
    (data / "c.csv").write_bytes(CLEAN)
    (data / "c.csv.gz").symlink_to("nowhere.gz")  # dangling: nothing a server could send
    (data / "d.csv").write_bytes(CLEAN)
    (data / "d.csv.zst").symlink_to("d.csv.zst")  # a loop of links
    answers = ask(site, b"/data/a.csv", b"/data/b.csv", b"/data/c.csv", b"/data/d.csv")
    assert [(a.allowed, a.word, a.relative) for a in answers] == [
        (False, OUTSIDE, "data/a.csv.gz"),
        (False, SPECIAL, "data/b.csv.br"),
        (True, "clean", "data/c.csv"),
        (False, SPECIAL, "data/d.csv.zst"),
    ]


def test_with_a_store_variants_are_not_asked_about(site: Path, tmp_path: Path) -> None:
    """The web server serves the store's copy, named ``<sha256><suffix>``: no sibling of it
    can be there to send, so the document root's ``.gz`` is no question."""
    store = tmp_path / "store"
    store.mkdir()
    (site / "data" / "stats.csv.gz").write_bytes(gzip.compress(PROTECTED))
    (answer,) = ask(site, b"/data/stats.csv", store=str(store))
    assert (answer.allowed, answer.word) == (True, "clean")
    assert not list(store.rglob("*.gz"))


def test_precompressed_maps_each_sibling_that_is_there(site: Path, tmp_path: Path) -> None:
    root = os.path.realpath(site)
    mapped = locate(root, b"/data/stats.csv")
    assert isinstance(mapped, Mapped)
    assert precompressed(root, mapped) == []  # none there: one stat per name
    (site / "data" / "stats.csv.gz").write_bytes(b"x")
    (site / "data" / "stats.csv.zz").write_bytes(b"x")
    (site / "data" / "stats.csv.orig").write_bytes(b"x")  # not an encoding: not sent for it
    found = precompressed(root, mapped)
    assert found == [
        Mapped("data/stats.csv.gz", f"{root}/data/stats.csv.gz"),
        Mapped("data/stats.csv.zz", f"{root}/data/stats.csv.zz"),
    ]
    assert {".gz", ".br", ".zst"} <= set(PRECOMPRESSED)
    # Named from the path asked, not from where a link leads (as the web server names them).
    (site / "data" / "latest.csv").symlink_to("stats.csv")
    latest = locate(root, b"/data/latest.csv")
    assert isinstance(latest, Mapped) and precompressed(root, latest) == []
    (site / "data" / "latest.csv.br").write_bytes(b"x")
    assert precompressed(root, latest) == [
        Mapped("data/latest.csv.br", f"{root}/data/latest.csv.br")
    ]


_UNPRIVILEGED = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all"]
    if os.geteuid() == 0
    else []
)


def test_an_unreadable_variant_refuses_its_file(site: Path, tmp_path: Path) -> None:
    """Run without the capabilities that let root ignore file modes (as a web service runs):
    a variant the service may not read, or may not even look at, refuses the file."""
    if _UNPRIVILEGED and not Path("/usr/bin/setpriv").exists():
        pytest.skip("setpriv is needed to drop root's capabilities")
    data = site / "data"
    (data / "stats.csv.gz").write_bytes(gzip.compress(CLEAN))
    (data / "stats.csv.gz").chmod(0)
    (data / "other.csv").write_bytes(CLEAN)
    (data / "sealed").mkdir()
    (data / "sealed" / "other.csv.br").write_bytes(CLEAN)
    (data / "sealed").chmod(0o600)  # not searchable: the link's target cannot be looked at
    (data / "other.csv.br").symlink_to("sealed/other.csv.br")
    (data / "fine.csv").write_bytes(CLEAN)
    script = textwrap.dedent(
        f"""
        import asyncio
        from pathlib import Path
        from approval.serve.follower import Follower
        from approval.serve.gate import Gate

        async def main():
            gate = Gate(Path({str(site)!r}), Follower(None), racy=0.0)
            await gate.start()
            try:
                for target in (b"/data/stats.csv", b"/data/other.csv", b"/data/fine.csv"):
                    answer = await gate.answer(target)
                    print(answer.allowed, answer.word, answer.relative, answer.reason, sep="|")
            finally:
                await gate.stop()

        asyncio.run(main())
        """
    )
    try:
        result = subprocess.run(
            [*_UNPRIVILEGED, sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        (data / "sealed").chmod(0o700)  # so that pytest can remove it
    assert result.returncode == 0, result.stderr
    lines = [line.split("|") for line in result.stdout.splitlines()]
    assert [line[:3] for line in lines] == [
        ["False", "unscannable", "data/stats.csv.gz"],
        ["False", "unscannable", "data/other.csv.br"],
        ["True", "clean", "data/fine.csv"],
    ]
    assert all(CANNOT_READ in line[3] for line in lines[:2])
