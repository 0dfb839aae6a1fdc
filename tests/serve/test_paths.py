"""Request targets mapped onto a document root as nginx maps them, or refused: one table."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from approval.serve.paths import (
    BAD_URI,
    DOTS,
    ENCODED,
    HIDDEN,
    MISSING,
    OUTSIDE,
    Mapped,
    Unmapped,
    locate,
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = tmp_path_factory.mktemp("paths")
    site = base / "www"
    (site / "data" / "2022").mkdir(parents=True)
    (site / "docs").mkdir()
    (site / "empty").mkdir()
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("x")
    (site / "index.html").write_text("x")
    (site / "docs" / "index.html").write_text("x")
    (site / "data" / "stats.csv").write_text("x")
    (site / "data" / "100%.csv").write_text("x")
    (site / "data" / "café.csv").write_text("x")
    (site / "data" / "2022" / "q1.csv").write_text("x")
    (base / "secret.xlsx").write_text("x")
    (site / "data" / "latest.csv").symlink_to("stats.csv")  # inside: followed
    (site / "data" / "escape.xlsx").symlink_to(base / "secret.xlsx")
    (site / "data" / "up").symlink_to(base)
    (site / "data" / "vcs").symlink_to(site / ".git")
    (site / "data" / "loop").symlink_to("loop")
    return os.path.realpath(site)


CASES = [
    # target, the file it maps to under the root (or the refusal)
    ("/data/stats.csv", "data/stats.csv"),
    ("/data/stats.csv?download=1#top", "data/stats.csv"),
    ("//data///stats.csv", "data/stats.csv"),  # nginx merges slashes
    ("/data/st%61ts.csv", "data/stats.csv"),  # decoded once
    ("/data/100%25.csv", "data/100%.csv"),
    ("/data/caf%C3%A9.csv", "data/café.csv"),
    ("/", "index.html"),
    ("/docs/", "docs/index.html"),
    ("/docs", "docs/index.html"),  # nginx redirects to /docs/, which asks again
    ("/data/latest.csv", "data/stats.csv"),
    ("/data/2022/q1.csv", "data/2022/q1.csv"),
    ("/empty/", MISSING),
    ("/data/nothing.csv", MISSING),
    ("/data/../index.html", DOTS),
    ("/data/./stats.csv", DOTS),
    ("/data/%2e%2e/index.html", DOTS),
    ("/data/..%2fsecret.xlsx", ENCODED),
    ("/data%2Fstats.csv", ENCODED),
    ("/data%5cstats.csv", ENCODED),
    ("/data/stats.csv%00.html", ENCODED),
    ("/data/%0astats.csv", ENCODED),
    ("/data/caf%E9.csv", BAD_URI),  # not UTF-8
    ("data/stats.csv", BAD_URI),
    ("http://example.org/data/stats.csv", BAD_URI),
    ("/data/stats csv", BAD_URI),
    ("", BAD_URI),
    ("/.git/config", HIDDEN),
    ("/data/%2Egit/config", HIDDEN),
    ("/data/vcs/config", HIDDEN),  # a link to .git is .git
    ("/data/escape.xlsx", OUTSIDE),
    ("/data/up/secret.xlsx", OUTSIDE),
]


@pytest.mark.parametrize(("target", "expected"), CASES)
def test_a_target_maps_as_nginx_maps_it_or_is_refused(
    root: str, target: str, expected: str
) -> None:
    found = locate(root, target.encode())
    if "/" in expected or "." in expected:
        assert isinstance(found, Mapped), found
        assert found.real == str(Path(root, expected).resolve())
    else:
        assert isinstance(found, Unmapped), found
        assert found.reason == expected


def test_a_link_loop_maps_to_nothing_it_could_serve(root: str) -> None:
    found = locate(root, b"/data/loop")
    assert isinstance(found, Unmapped)


def test_the_index_name_is_configurable(root: str) -> None:
    Path(root, "docs", "default.htm").write_text("x")
    found = locate(root, b"/docs/", "default.htm")
    assert isinstance(found, Mapped)
    assert found.relative == "docs/default.htm"
