"""``git cat-file --batch`` read by ``ObjectReader.blob``: a blob's bytes, None for anything
else, and every response read past, so the next one is its own."""

from __future__ import annotations

from pathlib import Path

from approval.ledger import Ledger
from approval.ledger.git import Git, ObjectReader


def test_blob_answers_a_blob_and_reads_past_a_tree_and_a_missing_object(tmp_path: Path) -> None:
    Ledger.create(tmp_path / "ledger").close()
    with Ledger.open(tmp_path / "ledger") as ledger:
        git = Git(ledger.git_dir)
        first = git.output(["hash-object", "-w", "--stdin"], input=b"one\n").strip()
        second = git.output(["hash-object", "-w", "--stdin"], input=b"two 2\n\n").strip()
        tree = git.output(["mktree"], input=f"100644 blob {first}\tone\n".encode()).strip()
        reader = ObjectReader(git)
        try:
            reader.request([first, tree, "0" * 40, second, first])
            answers = [reader.blob() for _ in range(5)]
        finally:
            reader.close()
    assert answers == [b"one\n", None, None, b"two 2\n\n", b"one\n"]
