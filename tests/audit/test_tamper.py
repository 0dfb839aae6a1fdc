"""Each way of changing the record after the fact is caught by ``approval audit`` (exit 3), with
the commit, the statement and the rule it broke. History is rewritten with stock git, statements
are signed with real keys, and the real CLI audits the result."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from approval.statements import Envelope, Signature
from tests.audit.conftest import Audit, Entry, Story, append, entries, git, rebuild
from tests.world import CAST

# What a tampering does to a copy of the story's ledger; returns the entry (1-based position in
# the history the audit sees) where it must be caught.
Tamper = Callable[[Path, Story, Path], int]


def _envelope(entry: Entry) -> Envelope:
    return Envelope.from_dict(json.loads(entry.raw))


def _entry(entry: Entry, envelope: Envelope, path: str | None = None) -> Entry:
    from approval.ledger.layout import commit_message

    path = path or entry.path
    message = commit_message(envelope, path)
    return Entry(
        entry.commit, path, envelope.to_json(), message, entry.author_date, entry.committer_date
    )


def rewritten_entry(ledger: Path, story: Story, scratch: Path) -> int:
    """The request's purpose is changed in its file, same path, and history rewritten."""
    history = entries(ledger)
    old = _envelope(history[1])
    changed = Envelope({**old.statement, "purpose": "routine website update"}, old.signatures)
    history[1] = Entry(
        history[1].commit, history[1].path, changed.to_json(), history[1].message,
        history[1].author_date, history[1].committer_date,
    )  # fmt: skip
    rebuild(ledger, scratch, history)
    return 2


def rewritten_and_renamed(ledger: Path, story: Story, scratch: Path) -> int:
    """The same, but the file and commit renamed after the new statement: the signatures were
    made over the old one."""
    from approval.ledger import entry_path

    history = entries(ledger)
    old = _envelope(history[1])
    changed = Envelope({**old.statement, "purpose": "routine website update"}, old.signatures)
    history[1] = _entry(history[1], changed, entry_path(changed))
    rebuild(ledger, scratch, history)
    return 2


def removed_signoff(ledger: Path, story: Story, scratch: Path) -> int:
    """The privacy officer's approval is taken out of the history."""
    history = entries(ledger)
    assert _envelope(history[2]).statement["signer"] == "o.privacy"
    rebuild(ledger, scratch, history[:2] + history[3:])
    return 3  # the senior official signed on the ledger that held it


def reordered(ledger: Path, story: Story, scratch: Path) -> int:
    """The two approvals swap places."""
    history = entries(ledger)
    history[2], history[3] = history[3], history[2]
    rebuild(ledger, scratch, history)
    return 3  # the senior official's, now first, was signed on a ledger that held the other


def forged_signature_bytes(ledger: Path, story: Story, scratch: Path) -> int:
    """One character of the privacy officer's signature is changed."""
    history = entries(ledger)
    envelope = _envelope(history[2])
    signature = envelope.signatures[0]
    lines = signature.signature.split("\n")
    middle = lines[2]
    lines[2] = middle[:20] + ("A" if middle[20] != "A" else "B") + middle[21:]
    forged = Signature(signature.signer, signature.key, "\n".join(lines))
    history[2] = _entry(history[2], Envelope(envelope.statement, (forged,)))
    rebuild(ledger, scratch, history)
    return 3


def signed_by_another_key(ledger: Path, story: Story, scratch: Path) -> int:
    """The privacy officer's approval, signed instead by a key that is in no roster."""
    from approval.signing import load_private_key, sign_statement

    history = entries(ledger)
    envelope = _envelope(history[2])
    stranger = load_private_key(story.world.key("z.stranger").private)
    forged = sign_statement(envelope.statement, stranger, "o.privacy")
    history[2] = _entry(history[2], Envelope(envelope.statement, (forged,)))
    rebuild(ledger, scratch, history)
    return 3


def key_added_without_threshold(ledger: Path, story: Story, scratch: Path) -> int:
    """One admin and an outsider adopt a roster that makes the outsider an admin and a privacy
    officer, then the outsider approves a request."""
    from approval.policy import load_policy, load_roster

    world = story.world
    officials = {o: roles for o, (_, roles) in CAST.items()}
    roster = world.roster(
        {**officials, "z.stranger": ("admin", "privacy-officer")}, version=2, name="roster-z.yaml"
    )
    at = story.times["redaction"] + timedelta(minutes=10)
    append(
        ledger, world, "adoption", at, "a.admin", "z.stranger",
        policy=load_policy(world.policy(version=3, name="policy3.yaml"), roster).to_dict(),
        roster=load_roster(roster).to_dict(), previous=story.ids["adoption v2"],
    )  # fmt: skip
    append(
        ledger, world, "signoff", at + timedelta(minutes=1), "z.stranger",
        request=story.ids["request v2"], artifact_sha256="ab" * 32, decision="approve",
        role="privacy-officer",
    )  # fmt: skip
    return 14


def old_policy_readopted(ledger: Path, story: Story, scratch: Path) -> int:
    """Two admins adopt version 1 of the policy again, after version 2."""
    from approval.policy import load_policy, load_roster

    world = story.world
    roster = world.roster()
    append(
        ledger, world, "adoption", story.times["redaction"] + timedelta(minutes=10),
        "a.admin", "b.admin", policy=load_policy(world.policy(), roster).to_dict(),
        roster=load_roster(roster).to_dict(), previous=story.ids["adoption v2"],
    )  # fmt: skip
    return 14


CASES: list[tuple[Tamper, str, str]] = [
    (rewritten_entry, "entry-file", "the file was changed after it was written"),
    (rewritten_and_renamed, "signature", "does not verify"),
    (removed_signoff, "seen-head", "not an earlier commit of this history"),
    (reordered, "seen-head", "not an earlier commit of this history"),
    (forged_signature_bytes, "signature", "signature of o.privacy does not verify"),
    (signed_by_another_key, "trust-chain", "which is not in the roster in force"),
    (
        key_added_without_threshold,
        "trust-chain",
        "2 admin signatures of the roster in force needed, 1 given",
    ),
    (old_policy_readopted, "trust-chain", "an older policy can never be re-adopted"),
]


@pytest.mark.parametrize(("tamper", "rule", "why"), CASES, ids=[c[0].__name__ for c in CASES])
def test_tampering_is_caught_naming_commit_statement_and_rule(
    ledger: Path, story: Story, tmp_path: Path, audit: Audit, tamper: Tamper, rule: str, why: str
) -> None:
    assert audit(ledger).code == 0  # intact before
    position = tamper(ledger, story, tmp_path / "scratch")
    result = audit(ledger)
    assert result.code == 3, result.output
    assert "Traceback" not in result.output
    error = result.stderr
    assert f"rule {rule}:" in error, error
    assert why in error, error
    commits = git(ledger, "rev-list", "--reverse", "refs/heads/ledger").split()
    named = re.search(r"ledger commit ([0-9a-f]{12}), entry (\d+), [a-z-]+ ([0-9a-f]{12})", error)
    assert named, error
    assert int(named[2]) == position
    assert named[1] == commits[position - 1][:12]
    # The timeline shows what was verified before the break, and says the ledger is not intact.
    assert "the ledger is NOT intact" in result.stdout
    assert len([line for line in result.stdout.splitlines() if re.match(r"^\d{4}-", line)]) == (
        position - 1
    )


def test_the_json_report_names_the_problem(
    ledger: Path, story: Story, tmp_path: Path, audit: Audit
) -> None:
    removed_signoff(ledger, story, tmp_path / "scratch")
    result = audit(ledger, "--format", "json")
    assert result.code == 3
    report = json.loads(result.stdout)
    assert report["intact"] is False
    problem = report["problem"]
    assert problem["rule"] == "seen-head"
    assert problem["entry"] == 3
    assert problem["kind"] == "sign-off"
    assert problem["statement"] == story.ids["senior"]
    assert len(report["timeline"]) == 2


def _bare_clone(source: Path, target: Path) -> Path:
    git(source, "clone", "--quiet", "--bare", str(source), str(target))
    return target


def _force_fetch(clone: Path, source: Path) -> None:
    git(clone, "fetch", "--quiet", "--force", str(source), "+refs/heads/ledger:refs/heads/ledger")


def test_a_force_pushed_history_under_a_clone_is_caught_by_seen_heads(
    ledger: Path, story: Story, tmp_path: Path, audit: Audit
) -> None:
    """The shared ledger's history is rewritten without a sign-off and a clone takes it: the
    statements after the gap name heads that its history no longer holds."""
    clone = _bare_clone(ledger, tmp_path / "clone")
    removed_signoff(ledger, story, tmp_path / "scratch")
    _force_fetch(clone, ledger)
    result = audit(clone)
    assert result.code == 3, result.output
    assert "rule seen-head:" in result.stderr
    assert "the history it was signed on has been rewritten" in result.stderr


def test_a_history_cut_short_under_an_audited_clone_is_caught_by_its_index(
    ledger: Path, story: Story, tmp_path: Path, audit: Audit
) -> None:
    """The last statements are dropped by a force-push: no later statement can show it, but
    the clone that audited them before remembers them."""
    clone = _bare_clone(ledger, tmp_path / "clone")
    assert audit(clone).code == 0
    history = entries(ledger)
    rebuild(ledger, tmp_path / "scratch", history[:-2])
    _force_fetch(clone, ledger)
    result = audit(clone)
    assert result.code == 3, result.output
    assert "rule nothing-removed:" in result.stderr
    assert "is no longer in it" in result.stderr
    assert story.ids["revocation"][:12] in result.stderr
    # It stays reported until someone looks into it.
    assert audit(clone).code == 3
    # A clone that never saw the longer history cannot know: the truncated one is intact.
    fresh = _bare_clone(ledger, tmp_path / "fresh")
    assert audit(fresh).code == 0


def test_a_statement_sync_set_aside_is_not_gone(
    ledger: Path, story: Story, tmp_path: Path, audit: Audit
) -> None:
    """``approval sync`` keeps a local statement the shared ledger refused under
    ``refs/approval/rejected/<id>``: it left the branch on purpose, and the audit says so."""
    assert audit(ledger).code == 0
    history = entries(ledger)
    last = history[-1]
    git(ledger, "update-ref", f"refs/approval/rejected/{story.ids['redaction']}", last.commit)
    rebuild(ledger, tmp_path / "scratch", history[:-1])
    assert audit(ledger).code == 0
