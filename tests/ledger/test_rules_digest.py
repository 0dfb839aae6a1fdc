"""The saved state's key is the digest of the rules (the code and schemas that decide), not
the package version: an upgrade that changes no rule keeps the cache, a changed rule does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import approval
from approval.ledger.snapshot import _CODE, code_digest, rules_digest

PACKAGE = Path(approval.__file__).resolve().parent


def _copy(target: Path) -> Path:
    root = target / "approval"
    for pattern in _CODE:
        for path in PACKAGE.glob(pattern):
            copy = root / path.relative_to(PACKAGE)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)
    (root / "__init__.py").write_text('__version__ = "0.1.0"\n')
    (root / "cli").mkdir()
    (root / "cli" / "__init__.py").write_text("")
    return root


def test_the_key_is_the_digest_of_the_rule_files(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    # Not the cached ``code_digest()``: the files may have changed since it was first asked.
    assert rules_digest(root) == code_digest.__wrapped__() == rules_digest(PACKAGE)


def test_an_upgrade_that_changes_no_rule_keeps_the_key(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    before = rules_digest(root)
    (root / "__init__.py").write_text('__version__ = "9.9.9"\n')
    (root / "cli" / "__init__.py").write_text("# another command line\n")
    assert rules_digest(root) == before


def test_changing_a_rule_file_changes_the_key(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    before = rules_digest(root)
    for rule in ("trust/verifier.py", "schemas/statement.schema.json", "signing/sshsig.py"):
        path = root / rule
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert rules_digest(root) != before, rule
        path.write_bytes(original)
    assert rules_digest(root) == before
