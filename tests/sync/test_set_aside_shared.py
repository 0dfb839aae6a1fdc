"""A statement ``approval sync`` sets aside never disappears from the shared record.

An export made on a clone that had not seen another office's revocation is refused by the
shared ledger (its rules stay), kept under ``refs/approval/rejected/<id>``; every later sync
says so, ``audit`` and ``doctor`` report it (verified: a forged one is named as such), and the
remote and every office's clone hold it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from approval.ledger.remote import REJECTED
from tests.sync.conftest import Office, Shared, git, subjects


def _approved(shared: Shared) -> tuple[Office, Office, Path, str]:
    """hq has a request for a workbook approved by both officials; b synced it."""
    hq, b = shared.offices["hq"], shared.clone("b")
    file = shared.workbook()
    request = hq.request(file)
    for official in ("o.privacy", "s.senior"):
        signed = hq.sign(request, official, "--file", str(file))
        assert signed.code == 0, signed.output
    assert b.run("sync").code == 0
    privacy = next(
        s.split()[1] for s in hq.statements() if s.startswith("signoff ")
    )  # o.privacy signed first
    return hq, b, file, privacy


def _export_set_aside(shared: Shared, tmp_path: Path) -> tuple[Office, Office, str, str]:
    """b exports offline after hq revoked the privacy officer's sign-off; b's sync sets the
    export aside. (b, hq, the export's id, the file's sha256)."""
    hq, b, file, privacy = _approved(shared)
    revoked = hq.run("revoke", privacy, "--reason", "withdrawn pending review", as_="o.privacy")
    assert revoked.code == 0, revoked.output
    out = tmp_path / "out"
    out.mkdir()
    exported = b.run("export", file, "--to", out, "--offline", as_="p.publisher")
    assert exported.code == 0, exported.output
    assert (out / file.name).exists()  # the file left
    export = b.statements()[-1].split()[1]
    synced = b.run("sync")
    assert synced.code == 1, synced.output
    assert f"export {export[:12]} was not shared" in synced.stderr
    sha = json.loads(b.run("scan", file, "--format", "json").stdout)["files"][0]["sha256"]
    return b, hq, export, sha


def test_every_sync_says_an_export_was_set_aside_and_how_to_act(
    shared: Shared, tmp_path: Path
) -> None:
    b, _, export, sha = _export_set_aside(shared, tmp_path)
    again = b.run("sync")
    assert again.code == 0, again.output
    warning = [line for line in again.stderr.splitlines() if export[:12] in line]
    assert warning and warning[0].startswith("warning: export"), again.stderr
    assert "left without a record the ledger admits" in warning[0]
    assert f"approval incident open --artifact {sha}" in warning[0]
    assert "signed by p.publisher" in warning[0]
    # Refused for the rule that refuses it: the sign-off it relies on was revoked.
    assert "revoked" in warning[0] or "missing" in warning[0] or "no longer" in warning[0]


def test_audit_and_doctor_report_it_on_every_clone_and_the_remote_holds_it(
    shared: Shared, tmp_path: Path
) -> None:
    b, hq, export, sha = _export_set_aside(shared, tmp_path)
    # Published under the append-only namespace on the remote, fetched by the other office.
    assert git(shared.remote, "rev-parse", f"{REJECTED}{export}")
    assert not any(export in s for s in shared.remote_statements())
    assert hq.run("sync").code == 0
    kept = git(hq.path, "rev-parse", f"{REJECTED}{export}")
    assert subjects(hq.path, kept)[-1] == f"export {export}"
    for office in (b, hq):
        audit = office.run("audit", "--format", "json")
        assert audit.code == 0, audit.output  # the ledger is intact
        document = json.loads(audit.stdout)
        assert document["intact"] is True
        (held,) = document["set_aside"]
        assert held["id"] == export and held["kind"] == "export" and held["verified"]
        assert held["file_left_unrecorded"] is True and held["artifact"] == sha
        assert held["signer"] == "p.publisher" and held["created"] and held["refused"]
        text = office.run("audit")
        assert text.code == 0, text.output
        assert "SET ASIDE" in text.stdout and export[:12] in text.stdout
        # The file's own history says it left, though its record was refused.
        artifact = office.run("audit", "--artifact", sha, "--format", "json")
        assert artifact.code == 0, artifact.output
        assert [h["id"] for h in json.loads(artifact.stdout)["set_aside"]] == [export]
        shown = office.run("audit", "--artifact", sha)
        assert "exports set aside" in shown.stdout and "the file left" in shown.stdout
        doctor = office.run("doctor")
        assert doctor.code != 0, doctor.output
        assert "set aside" in doctor.stdout and export[:12] in doctor.stdout
    # A fresh clone of the shared ledger is told too.
    fresh = shared.clone("c")
    assert fresh.run("sync").code == 0
    audit = json.loads(fresh.run("audit", "--format", "json").stdout)
    assert [h["id"] for h in audit["set_aside"]] == [export]


def test_a_set_aside_sign_off_is_reported_but_not_as_an_export(
    shared: Shared, tmp_path: Path
) -> None:
    hq, b = shared.offices["hq"], shared.clone("b")
    request = hq.request(shared.workbook())
    assert b.run("sync").code == 0
    assert b.sign(request, "o.privacy", "--offline").code == 0
    signoff = b.statements()[-1].split()[1]
    # Meanwhile headquarters' admins adopt a roster without o.privacy.
    from tests.world import CAST

    world = shared.world
    without = {k: roles for k, (_, roles) in CAST.items() if k != "o.privacy"}
    adopted = hq.run(
        "policy", "adopt", world.policy(version=2, name="policy2.yaml"),
        "--roster", world.roster(without, version=2, name="roster2.yaml"),
        "--key", world.key("a.admin").private, "--key", world.key("b.admin").private,
    )  # fmt: skip
    assert adopted.code == 0, adopted.output
    assert b.run("sync").code == 1
    again = b.run("sync")
    assert again.code == 0 and signoff[:12] not in again.stderr  # not an export: no alarm
    document = json.loads(b.run("audit", "--format", "json").stdout)
    (held,) = document["set_aside"]
    assert held["kind"] == "signoff" and held["verified"] is True
    assert held["file_left_unrecorded"] is False and held["artifact"] is None


def test_a_forged_set_aside_statement_is_named_as_forged_never_as_an_export(
    shared: Shared, tmp_path: Path
) -> None:
    hq = shared.offices["hq"]
    # Someone who can push to the remote plants a commit under the namespace: an export-like
    # entry, signed by no one the roster knows, on the ledger's own history.
    head = hq.head()
    fake = "0" * 64
    body = json.dumps({"statement": {"kind": "export", "signer": "p.publisher"}}).encode()
    blob = _git_in(hq.path, ["hash-object", "-w", "--stdin"], body)
    tree = _git_in(hq.path, ["mktree"], f"100644 blob {blob}\tx.json\n".encode())
    commit = _git_in(hq.path, ["commit-tree", tree, "-p", head, "-m", f"export {fake}"], b"")
    git(hq.path, "update-ref", f"{REJECTED}{fake}", commit)
    stranger = _git_in(hq.path, ["commit-tree", tree, "-m", f"export {'1' * 64}"], b"")
    git(hq.path, "update-ref", f"{REJECTED}{'1' * 64}", stranger)
    audit = hq.run("audit", "--format", "json")
    assert audit.code == 0, audit.output
    held = {h["id"]: h for h in json.loads(audit.stdout)["set_aside"]}
    assert set(held) == {fake, "1" * 64}
    for one in held.values():
        assert one["verified"] is False and one["problem"]
        assert one["kind"] is None and one["file_left_unrecorded"] is False
    assert "shares no history" in held["1" * 64]["problem"]
    synced = hq.run("sync")
    assert "does not verify" in synced.stderr and "left without a record" not in synced.stderr


def _git_in(repo: Path, args: list[str], data: bytes) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], input=data, capture_output=True, check=True
    )
    return done.stdout.decode().strip()
