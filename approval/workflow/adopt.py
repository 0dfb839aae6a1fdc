"""``approval init`` and ``approval policy adopt``: a policy and roster, by admin threshold."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from approval.errors import UsageError
from approval.ledger import Ledger
from approval.ledger.session import Session, load, new_statement, read_key, sign_and_append
from approval.policy import Policy, Roster, load_policy, load_roster
from approval.signing import PrivateKey
from approval.statements import now, short_id
from approval.trust.state import LedgerState, check_adoption
from approval.words import plural


@dataclass(frozen=True)
class Adopted:
    ledger: Path
    statement: str  # the adoption's id
    policy: str  # "8cfr208.6 v1"
    signers: tuple[str, ...]
    officials: int
    remote: str | None = None  # init --remote: where the ledger is shared

    @property
    def summary(self) -> str:
        return (
            f"adopted policy {self.policy} and a roster of {plural(self.officials, 'official')} "
            f"(adoption {short_id(self.statement)}, signed by {', '.join(self.signers)})"
        )


@dataclass(frozen=True)
class _Proposal:
    policy: Policy
    roster: Roster
    keys: tuple[PrivateKey, ...]
    officials: tuple[str, ...]
    at: datetime


def _propose(
    state: LedgerState, policy_file: Path, roster_file: Path, keys: list[Path], env: str | None
) -> _Proposal:
    """Validate the documents and keys and check the admin threshold, appending nothing."""
    roster = load_roster(roster_file)
    policy = load_policy(policy_file, roster_file)
    loaded = tuple(read_key(path, env) for path in keys)
    at = now()
    officials = check_adoption(state, policy, roster, [k.public_line for k in loaded], at)
    return _Proposal(policy, roster, loaded, officials, at)


def _adopt(session: Session, proposal: _Proposal) -> Adopted:
    state = session.state
    statement = new_statement(
        "adoption",
        session.head,
        proposal.at,
        policy=proposal.policy.to_dict(),
        roster=proposal.roster.to_dict(),
        previous=state.current.id if state.adoptions else None,
    )
    signers = list(zip(proposal.keys, proposal.officials, strict=True))
    envelope = sign_and_append(session, statement, signers)
    return Adopted(
        session.ledger.path,
        envelope.id,
        f"{proposal.policy.id} v{proposal.policy.version}",
        tuple(dict.fromkeys(proposal.officials)),
        len(proposal.roster.officials),
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
    policy_file: Path,
    roster_file: Path,
    keys: list[Path],
    passphrase_env: str | None,
) -> Adopted:
    """Adopt a new policy version and roster, signed by the admin threshold of both rosters."""
    with load(ledger) as session:
        proposal = _propose(session.state, policy_file, roster_file, keys, passphrase_env)
        return _adopt(session, proposal)
