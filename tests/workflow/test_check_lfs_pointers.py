"""A Git LFS pointer is not content: what it points to is published wherever LFS smudges it, so
a pointer is blocked, never scanned as the clean text it is. Pointers are recognised as git-lfs
decodes them (finding G1, f_lfs_pointer_alias): every name the spec has had ("git-media",
"hawser", "git-lfs"), whitespace and blank lines around it; near-misses are scanned as text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from approval.files.worktree import LFS_POINTER, is_lfs_pointer
from approval.workflow.check import check
from tests.workflow.checking import git

pytestmark = pytest.mark.usefixtures("no_ledger")

_OID = "oid sha256:" + "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"

POINTERS = {
    "spec": f"version https://git-lfs.github.com/spec/v1\n{_OID}\nsize 12345\n",
    "hawser": f"version https://hawser.github.com/spec/v1\n{_OID}\nsize 12345\n",
    "git-media": f"version http://git-media.io/v/2\n{_OID}\nsize 12345\n",
    "blank lines first": f"\n\nversion https://git-lfs.github.com/spec/v1\n{_OID}\nsize 1\n",
    "spaces first": f"  version https://git-lfs.github.com/spec/v1\n{_OID}\nsize 1\n",
    "crlf": f"version https://git-lfs.github.com/spec/v1\r\n{_OID}\r\nsize 1\r\n",
    "blank line between": f"version https://git-lfs.github.com/spec/v1\n\n{_OID}\nsize 1\n\n",
    "extension": (
        "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:"
        + "0" * 64
        + f"\n{_OID}\nsize 1\n"
    ),
}
NOT_POINTERS = {
    "release notes": "version 2.1\noid lookups are faster\nsize reduced\n",
    "no oid line": "version https://git-lfs.github.com/spec/v1\nsize 1\n",
    "version not first": f"# notes\nversion https://git-lfs.github.com/spec/v1\n{_OID}\n",
    "too big": f"version https://git-lfs.github.com/spec/v1\n{_OID}\nsize 1\n" + "#" * 1024,
    "empty": "",
}


@pytest.mark.parametrize(("text", "pointer"), [
    *((text, True) for text in POINTERS.values()),
    *((text, False) for text in NOT_POINTERS.values()),
], ids=[*POINTERS, *NOT_POINTERS])  # fmt: skip
def test_pointers_as_git_lfs_reads_them(text: str, pointer: bool) -> None:
    data = text.encode()
    assert is_lfs_pointer(data, len(data)) is pointer


def test_every_kind_of_pointer_is_blocked_in_a_tree_and_staged(here: Path) -> None:
    git(here, "init", "-q")
    (here / ".gitattributes").write_text("*.xlsx filter=lfs diff=lfs merge=lfs -text\n")
    names = {kind: f"{kind.replace(' ', '-')}.xlsx" for kind in POINTERS}
    for kind, name in names.items():
        (here / name).write_text(POINTERS[kind], newline="")
    # Not pointers: scanned as what they are, and clean.
    for kind, text in NOT_POINTERS.items():
        (here / f"{kind.replace(' ', '-')}.txt").write_text(text)
    # Staged as they are, without git-lfs (its clean filter is not configured here).
    git(here, "-c", "filter.lfs.clean=", "-c", "filter.lfs.required=false", "add", ".")
    tree = check(None, [Path()])
    assert tree.exit_code == 1
    refused = {f.path: f.refusal for f in tree.files if f.refusal}
    assert refused == dict.fromkeys(names.values(), LFS_POINTER)
    clean = {f.path for f in tree.files if f.status == "clean"}
    assert clean == {f"{k.replace(' ', '-')}.txt" for k in NOT_POINTERS} | {".gitattributes"}
    staged = check(None, [], staged=True)
    assert staged.exit_code == 1
    blocked = {f.path for f in staged.files if f.status == "blocked"}
    assert blocked == set(names.values())
    assert os.environ.get("APPROVAL_LEDGER") is None
