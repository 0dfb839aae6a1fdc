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
from approval.statements import NAMESPACE, Envelope, format_time, now, signed_bytes
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


# -- compromised keys (issue 14): valid-before the compromise, on every line of the key ----------


def test_allowed_signers_ends_a_compromised_key_the_second_before_its_compromise() -> None:
    from datetime import UTC, datetime

    from approval.report.bundle import allowed_signers, last_good_second
    from tests.test_state import T0, key, new_book, policy_doc, rotated

    book = new_book()
    since = T0 + timedelta(hours=1, microseconds=500_000)  # a time need not be whole seconds
    roster = rotated("b.okafor")
    roster["compromised"] = [{"key": key("b.okafor"), "since": "2026-11-20T10:00:00.5Z"}]
    book.adopt(policy_doc(), roster, at=T0 + timedelta(hours=2))
    assert book.state.current.roster.compromised_since(key("b.okafor")) == since
    lines = allowed_signers(book.state.adoptions)
    old = [line for line in lines if line.endswith(key("b.okafor"))]
    # Statements carry whole seconds: one at 10:00:00 is before 10:00:00.5 and counts.
    assert last_good_second(since) == datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)
    assert last_good_second(T0) == T0 - timedelta(seconds=1)
    assert len(old) == 1 and 'valid-before="20261120100000Z"' in old[0]  # not the window's end
    new = [line for line in lines if line.endswith(key("b.okafor.new"))]
    assert len(new) == 1 and "valid-before" not in new[0]
    assert (
        lines[0].startswith("# key SHA256:")
        and "compromised since 2026-11-20T10:00:00Z" in (lines[0])
    )
    # A key compromised before a window opens gets no line in it: a.chen's, from the start.
    third = rotated("a.chen", version=3, since=T0, roster=book.state.current.roster.to_dict())
    signers: list[str | tuple[str, str]] = ["a.chen", "d.patel", ("a.chen", key("a.chen.new"))]
    book.adopt(policy_doc(), third, signers=signers, at=T0 + timedelta(hours=3))
    lines = allowed_signers(book.state.adoptions)
    assert not [line for line in lines if line.endswith(key("a.chen"))]
    assert len([line for line in lines if line.endswith(key("b.okafor"))]) == 1
    assert len([line for line in lines if line.startswith("# key SHA256:")]) == 2


def test_the_bundle_voids_what_a_lost_laptop_signed_after_the_loss(
    tmp_path: Path, make_key: KeyMaker, audit: Audit
) -> None:
    from tests.rotation import SENIOR, lost_laptop

    world = World(tmp_path / "agency", make_key)
    world.root.mkdir()
    story = lost_laptop(world)
    adopted = story.adopt_new_roster()
    assert adopted.code == 0, adopted.output
    # The audit's view of now: both requests stand across the roster change, the thief's
    # approval does not (it stopped counting when the roster naming the key took force).
    moment = audit(world.ledger, "--as-of", format_time(now()), "--format", "json")
    assert moment.code == 0, moment.output
    view = json.loads(moment.stdout)
    assert {r["id"] for r in view["open_requests"]} == {story.first_request, story.second_request}
    valid = {a["id"] for a in view["valid_approvals"]}
    assert len(valid) == 3 and story.thief_signoff not in valid
    out = tmp_path / "export"
    assert audit(world.ledger, "--export", out).code == 0
    done = verify_sh(out)
    assert done.returncode == 0, done.stdout + done.stderr
    thief = next(out.glob(f"*-signoff-{story.thief_signoff}.json"))
    assert f"void    {thief.name}.sig ({SENIOR})" in done.stdout
    assert "9 signatures verified, 1 void (a compromised key's), 0 failures" in done.stdout
    assert f"void {thief.name} {thief.name}.sig {SENIOR} " in (out / "verify.sh").read_text()
    # Without the compromise in allowed_signers, ssh-keygen would accept it: the script fails.
    allowed = out / "allowed_signers"
    cut = f',valid-before="{ssh_time(story.loss - timedelta(seconds=1))}"'
    old = world.key(SENIOR).public.rsplit(" ", 1)[0]
    lines = allowed.read_text().splitlines()
    assert any(line.endswith(old) and cut in line for line in lines)
    allowed.write_text(
        "\n".join(line.replace(cut, "") if line.endswith(old) else line for line in lines) + "\n"
    )
    failed = verify_sh(out, "-q")
    assert failed.returncode == 1
    assert "made with a compromised key, yet allowed_signers accepts it" in failed.stderr
