"""``approval audit --export DIR``: statements, signatures and an allowed-signers file that stock
``ssh-keygen`` verifies alone, through ``verify.sh``; one changed byte makes it fail."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from approval.ledger import Ledger
from approval.ledger.session import new_statement
from approval.report.bundle import signature_name, ssh_time
from approval.signing import load_private_key, sign_statement
from approval.statements import NAMESPACE, Envelope, now, signed_bytes
from tests.audit.conftest import Audit, Story, entries, rebuild, scan_summary
from tests.support import KeyMaker
from tests.world import CAST, World


def verify_sh(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(directory / "verify.sh"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def bundle(ledger: Path, tmp_path: Path, audit: Audit) -> Path:
    out = tmp_path / "export"
    result = audit(ledger, "--export", out)
    assert result.code == 0, result.output
    assert "exported 13 statements and 15 signatures" in result.stdout
    return out


def test_the_bundle_holds_every_statement_as_its_signed_bytes(bundle: Path, story: Story) -> None:
    statements = sorted(bundle.glob("*.json"))
    assert len(statements) == 13
    for position, (path, entry) in enumerate(
        zip(statements, entries(story.world.ledger), strict=True), start=1
    ):
        envelope = Envelope.from_dict(json.loads(entry.raw))
        assert path.name == f"{position:06d}-{envelope.kind}-{envelope.id}.json"
        assert path.read_bytes() == signed_bytes(envelope.statement)
        for index, signature in enumerate(envelope.signatures):
            assert (bundle / signature_name(path.name, index)).read_text() == signature.signature
    adoption = statements[0].name
    assert (bundle / f"{adoption}.sig").exists() and (bundle / f"{adoption}.2.sig").exists()
    assert not (bundle / f"{adoption}.3.sig").exists()
    readme = (bundle / "README.md").read_text()
    assert ".json.2.sig" in readme and NAMESPACE in readme


def test_allowed_signers_has_each_key_per_roster_window(bundle: Path, story: Story) -> None:
    lines = [
        line
        for line in (bundle / "allowed_signers").read_text().splitlines()
        if not line.startswith("#")
    ]
    assert len(lines) == 2 * len(CAST)  # two adoptions, one key each
    first, second = story.times["adoption"], story.times["adoption v2"]
    privacy = [line for line in lines if line.startswith("o.privacy ")]
    assert privacy[0] == (
        f'o.privacy namespaces="{NAMESPACE}",valid-after="{ssh_time(first)}",'
        f'valid-before="{ssh_time(second)}" {story.world.key("o.privacy").public.rsplit(" ", 1)[0]}'
    )
    assert privacy[1].endswith(story.world.key("o.privacy").public.rsplit(" ", 1)[0])
    assert f'valid-after="{ssh_time(second)}"' in privacy[1] and "valid-before" not in privacy[1]


def test_verify_sh_passes_with_ssh_keygen_alone(bundle: Path) -> None:
    done = verify_sh(bundle)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "15 signatures verified, 0 failures" in done.stdout
    assert done.stdout.count("ok      ") == 15


def test_verify_sh_fails_after_one_byte_of_a_statement_changes(bundle: Path) -> None:
    target = sorted(bundle.glob("*-signoff-*.json"))[0]
    data = bytearray(target.read_bytes())
    at = data.find(b'"approve"') + 2
    data[at] = ord("b")  # "approve" -> "abprove"
    target.write_bytes(bytes(data))
    done = verify_sh(bundle, "-q")
    assert done.returncode == 1
    assert f"FAILED  {target.name}.sig (o.privacy)" in done.stderr
    assert "14 signatures verified" in done.stdout


def test_verify_sh_fails_for_a_changed_signature_or_a_missing_statement(bundle: Path) -> None:
    request = sorted(bundle.glob("*-request-*.json"))[0]
    request.unlink()
    assert verify_sh(bundle, "-q").returncode == 1
    export = sorted(bundle.glob("*-export-*.json"))[0]
    signature = Path(f"{export}.sig")
    other = sorted(bundle.glob("*-redaction-*.json.sig"))[0]
    signature.write_text(other.read_text())  # a real signature, of another statement
    done = verify_sh(bundle, "-q")
    assert done.returncode == 1 and f"FAILED  {signature.name}" in done.stderr


def test_an_export_directory_that_is_not_empty_is_refused(
    ledger: Path, tmp_path: Path, audit: Audit
) -> None:
    out = tmp_path / "busy"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = audit(ledger, "--export", out)
    assert result.code == 2 and "exists and is not empty" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert audit(ledger, "--export", out, "--as-of", "2026-01-01").code == 2


def test_a_broken_ledger_is_not_exported(ledger: Path, tmp_path: Path, audit: Audit) -> None:
    history = entries(ledger)
    rebuild(ledger, tmp_path / "scratch", history[:2] + history[3:])
    out = tmp_path / "export"
    result = audit(ledger, "--export", out)
    assert result.code == 3 and "rule seen-head" in result.stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export")]


def _roster(world: World, keys: dict[str, str], version: int, name: str) -> Path:
    lines = [f"version: {version}", "officials:"]
    for official, (display, roles) in CAST.items():
        lines += [
            f"  - id: {official}",
            f"    name: {display}",
            f"    roles: [{', '.join(roles)}]",
            f'    keys: ["{keys.get(official, world.key(official).public)}"]',
        ]
    lines += ["admins:", "  threshold: 2"]
    path = world.root / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_rotated_key_verifies_before_its_rotation_and_not_after(
    tmp_path: Path, make_key: KeyMaker, story: Story, audit: Audit
) -> None:
    """The privacy officer's key is replaced by roster v2: their approval signed before with the
    old key verifies, with stock tools, years later; the old key is not allowed after."""
    from approval.policy import load_policy, load_roster

    world = World(tmp_path / "rotation", make_key)
    world.root.mkdir()
    start = now() - timedelta(days=2)
    adoption = world.init_at(start)
    other = {"sha256": "ab" * 32, "size": 10, "name": "f.csv"}
    _, scan = scan_summary(story.workbook)
    policy = {"id": "8cfr208.6", "version": 1, "adoption": adoption}
    request = world.append_at(
        "request", start + timedelta(minutes=1), "p.publisher", artifact=other, policy=policy,
        purpose="p", destination="d", scan=scan,
    )  # fmt: skip
    world.append_at(
        "signoff", start + timedelta(minutes=2), "o.privacy", request=request,
        artifact_sha256=other["sha256"], decision="approve", role="privacy-officer",
    )  # fmt: skip
    new_key = make_key("o.privacy-2026")
    roster = _roster(world, {"o.privacy": new_key.public}, 2, "roster2.yaml")
    rotated = start + timedelta(days=1)
    world.append_at(
        "adoption", rotated, "a.admin", "b.admin",
        policy=load_policy(world.policy(version=2, name="p2.yaml"), roster).to_dict(),
        roster=load_roster(roster).to_dict(), previous=adoption,
    )  # fmt: skip
    with Ledger.open(world.ledger) as opened:
        statement = new_statement(
            "revocation", opened.head(), rotated + timedelta(minutes=1), signer="o.privacy",
            target=request, reason="withdrawn with the new key",
        )  # fmt: skip
        key = load_private_key(new_key.private)
        opened.append(Envelope(statement, (sign_statement(statement, key, "o.privacy"),)))
    out = tmp_path / "export"
    assert audit(world.ledger, "--export", out).code == 0
    done = verify_sh(out, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 signatures verified" in done.stdout  # 2 + 1 + 1 + 2 + 1
    # The old key's approval, checked as if it had been made after the rotation: refused.
    approval = sorted(out.glob("*-signoff-*.json"))[0]
    late = subprocess.run(
        ["ssh-keygen", "-Y", "verify", "-f", str(out / "allowed_signers"), "-I", "o.privacy",
         "-n", NAMESPACE, "-s", f"{approval}.sig",
         f"-Overify-time={ssh_time(rotated + timedelta(minutes=1))}"],
        stdin=approval.open("rb"), capture_output=True, check=False,
    )  # fmt: skip
    assert late.returncode != 0
