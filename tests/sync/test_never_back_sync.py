"""A clone never goes back, and its own moves are not rewrites (issue 14): sync rebuilds this
clone's statements not shared yet on another office's (new commits, off the head the clone had
verified) and records the new head, so that the next command goes on; a branch moved back by
hand is refused, remote or not."""

from __future__ import annotations

import subprocess

from tests.sync.conftest import Shared, git


def test_a_rebase_by_sync_is_not_a_rewrite_but_a_rewind_after_it_is(shared: Shared) -> None:
    office = shared.clone("office")
    mine = shared.workbook("mine.xlsx", count=3)
    theirs = shared.workbook("theirs.xlsx", count=4)
    made = office.run(
        "request", mine, "--purpose", "stats", "--destination", "www", "--offline",
        as_="p.publisher",
    )  # fmt: skip
    assert made.code == 0, made.output
    verified_here = office.head()
    assert office.run("status", mine, "--offline").code in (0, 1)  # records the head verified
    shared.offices["hq"].request(theirs)  # pushed: the office's request must go on top of it
    synced = office.run("sync")
    assert synced.code == 0, synced.output
    rebased = office.head()
    descends = subprocess.run(
        ["git", "--git-dir", str(office.path), "merge-base", "--is-ancestor", verified_here,
         rebased],
        check=False,
    )  # fmt: skip
    assert descends.returncode == 1  # the office's request got a new commit, off the old head
    for args in (("status", mine, "--offline"), ("check", "--offline", theirs)):
        result = office.run(*args)
        assert result.code in (0, 1), result.output

    git(office.path, "update-ref", "refs/heads/ledger", f"{rebased}~1")
    rewound = office.run("check", "--offline", theirs)
    assert rewound.code == 3, rewound.output
    assert rebased[:12] in rewound.stderr
