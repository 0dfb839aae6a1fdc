"""``approval init`` and ``approval policy adopt``: a policy and roster, by admin threshold.

``policy adopt`` without a policy file, or with the policy in force unchanged, is a
*roster-only* adoption (a new official, a replaced key, a key named compromised): it needs a
higher roster version, no policy version, and keeps every standing request and approval
(``approval.trust.state`` holds the rule).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from approval.errors import UsageError
from approval.ledger import Ledger
from approval.ledger.session import Session, load, read_key, sign_and_append
from approval.policy import Policy, Roster, load_policy, load_roster
from approval.signing import PrivateKey
from approval.statements import kinds, now, short_id
from approval.trust.state import LedgerState, check_adoption, same_policy_document
from approval.words import plural


@dataclass(frozen=True)
class Adopted:
    ledger: Path
    statement: str  # the adoption's id
    policy: str  # "8cfr208.6 v1"
    signers: tuple[str, ...]
    officials: int
    remote: str | None = None  # init --remote: where the ledger is shared
    roster_only: bool = False  # the policy in force, unchanged: standing approvals are kept
    roster_version: int = 1
    compromised: int = 0  # keys the roster names compromised

    @property
    def summary(self) -> str:
        signed = f"(adoption {short_id(self.statement)}, signed by {', '.join(self.signers)})"
        named = f", {plural(self.compromised, 'key')} named compromised" if self.compromised else ""
        if self.roster_only:
            return (
                f"adopted roster v{self.roster_version} ({plural(self.officials, 'official')}"
                f"{named}) under policy {self.policy}, unchanged {signed}: a roster change, "
                "so standing requests and approvals are kept"
            )
        return (
            f"adopted policy {self.policy} and a roster of {plural(self.officials, 'official')}"
            f"{named} {signed}"
        )


@dataclass(frozen=True)
class _Proposal:
    policy: Policy
    roster: Roster
    keys: tuple[PrivateKey, ...]
    officials: tuple[str, ...]
    at: datetime


def _propose(
    state: LedgerState,
    policy_file: Path | None,
    roster_file: Path,
    keys: list[Path],
    env: str | None,
) -> _Proposal:
    """Validate the documents and keys and check the admin threshold, appending nothing.
    Without ``policy_file``, the policy in force (``check_adoption`` checks it against the
    new roster)."""
    roster = load_roster(roster_file)
    if policy_file is not None:
        policy = load_policy(policy_file, roster_file)
    elif state.adoptions:
        policy = state.current.policy
    else:
        raise UsageError("the first adoption needs a policy file")
    loaded = tuple(read_key(path, env) for path in keys)
    at = now()
    officials = check_adoption(state, policy, roster, [k.public_line for k in loaded], at)
    return _Proposal(policy, roster, loaded, officials, at)


def _adopt(session: Session, proposal: _Proposal) -> Adopted:
    state = session.state
    statement = kinds.Adoption(
        created=proposal.at,
        seen_head=session.head,
        policy=proposal.policy.to_dict(),
        roster=proposal.roster.to_dict(),
        previous=state.current.id if state.adoptions else None,
    )
    roster_only = bool(state.adoptions) and same_policy_document(
        proposal.policy, state.current.policy
    )
    signers = list(zip(proposal.keys, proposal.officials, strict=True))
    envelope = sign_and_append(session, statement, signers)
    return Adopted(
        session.ledger.path,
        envelope.id,
        f"{proposal.policy.id} v{proposal.policy.version}",
        tuple(dict.fromkeys(proposal.officials)),
        len(proposal.roster.officials),
        roster_only=roster_only,
        roster_version=proposal.roster.version,
        compromised=len(proposal.roster.compromised),
    )


def init_ledger(
    path: Path,
    policy_file: Path,
    roster_file: Path,
    keys: list[Path],
    passphrase_env: str | None,
    *,
    remote: str | None = None,
) -> Adopted:
    """Create a ledger at ``path`` whose first statement adopts the policy and roster; with
    ``remote``, record it and push the adoption there (see sync.py).

    Everything (documents, keys, admin threshold, a reachable remote without a ledger) is
    checked before the directory is created, so a refused init leaves nothing behind.
    """
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise UsageError(
            f"cannot create a ledger at {path}: it exists and is not empty",
            hint="choose a new directory, or use `approval policy adopt` on an existing ledger",
        )
    proposal = _propose(LedgerState(), policy_file, roster_file, keys, passphrase_env)
    shared = None
    if remote is not None:
        from approval.ledger.replication import attach, new_remote

        shared = new_remote(path, remote)
    with Session(Ledger.create(path), LedgerState(), None) as session:
        if shared is not None:
            attach(session.ledger, shared)  # before the adoption, which then pushes
        return replace(_adopt(session, proposal), remote=shared)


def adopt_policy(
    ledger: Path | None,
    policy_file: Path | None,
    roster_file: Path,
    keys: list[Path],
    passphrase_env: str | None,
) -> Adopted:
    """Adopt a new policy version and roster, or (the policy in force, or no ``policy_file``)
    only a new roster; signed by the admin threshold of both rosters."""
    with load(ledger) as session:
        proposal = _propose(session.state, policy_file, roster_file, keys, passphrase_env)
        return _adopt(session, proposal)
