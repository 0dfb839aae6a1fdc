"""The ledger state: replay, queries, and every trust rule ``apply`` enforces.

Envelopes here are schema-shaped but not cryptographically signed: ``apply`` trusts the caller
to have verified signatures, and checks who may say what. ``Book`` (also used by
``test_decision``) builds a ledger statement by statement with fresh ed25519 keys.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approval.errors import EXIT_INTEGRITY, IntegrityError, ProblemsError, UsageError
from approval.policy import parse_policy, parse_roster, read_document
from approval.policy.yamldoc import Document
from approval.statements import (
    STATEMENT_TYPE,
    Envelope,
    Signature,
    format_time,
    short_id,
    validate_envelope,
)
from approval.trust.state import (
    Adoption,
    Export,
    LedgerState,
    Redaction,
    Request,
    SignOff,
    check_adoption,
    check_clock,
    check_request,
    check_revocation,
    fingerprint,
    identify,
    replay,
)
from approval.trust.summaries import summary_digest
from tests.conftest import ROOT

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
ARMOR = "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"
SHA_A = "a" * 64
SHA_B = "b" * 64
CLEAN = {"sha256": SHA_B, "size": 1, "name": "clean.csv"}
PROTECTED_SCAN: dict[str, Any] = {
    "verdict": "protected",
    "format": "xlsx",
    "classes": {"protected-person": {"records": 6252}},
    "findings": [
        {
            "class": "protected-person",
            "detector": "a-number",
            "location": {"sheet": "Detainees", "column": "B", "hidden": True},
            "count": 6252,
        }
    ],
}


@cache
def key(name: str) -> str:
    """A fresh ed25519 public key line (``type base64``) per name, stable for the session."""
    public = Ed25519PrivateKey.generate().public_key()
    return public.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode("ascii")


# Who is who in these tests; f.silva holds both reviewing roles, g.ito's key has lapsed.
OFFICIALS: dict[str, tuple[str, ...]] = {
    "a.chen": ("privacy-officer", "admin"),
    "b.okafor": ("senior-official",),
    "c.ruiz": ("publisher",),
    "d.patel": ("admin",),
    "e.nguyen": ("privacy-officer",),
    "f.silva": ("privacy-officer", "senior-official"),
    "g.ito": ("privacy-officer",),
}
WINDOWS = {"g.ito": {"valid_until": "2026-10-31"}}


def roster_doc(
    officials: dict[str, tuple[str, ...]] | None = None,
    *,
    threshold: int = 2,
    version: int = 1,
    windows: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    officials = OFFICIALS if officials is None else officials
    windows = WINDOWS if windows is None else windows
    return {
        "version": version,
        "officials": [
            {
                "id": official,
                "name": official.title(),
                "roles": list(roles),
                "keys": [key(official) + f" {official}@test"],
                **windows.get(official, {}),
            }
            for official, roles in officials.items()
        ],
        "admins": {"threshold": threshold},
    }


@cache
def _shipped_policy() -> dict[str, Any]:
    data: dict[str, Any] = read_document(ROOT / "policies" / "8cfr208.6.yaml").data
    return data


def policy_doc(version: int = 1, **changes: Any) -> dict[str, Any]:
    """The shipped 8 CFR 208.6 policy, at ``version``, with top-level ``changes``."""
    doc = copy.deepcopy(_shipped_policy())
    doc["version"] = version
    doc.update(changes)
    return doc


def envelope(statement: dict[str, Any], signers: Iterable[str | tuple[str, str]]) -> Envelope:
    """An envelope signed (in shape only) by each signer: a name, or ``(name, key line)``."""
    signatures = []
    for signer in signers:
        name, line = signer if isinstance(signer, tuple) else (signer, key(signer))
        signatures.append(Signature(name, line, ARMOR))
    return Envelope(statement, tuple(signatures))


@dataclass
class Book:
    """A ledger being written: builds statements, applies them, keeps the envelopes."""

    state: LedgerState = field(default_factory=LedgerState)
    envelopes: list[Envelope] = field(default_factory=list)
    validate: bool = True  # check every envelope against the statement schema

    def head(self) -> str | None:
        return f"{len(self.envelopes):040x}" if self.envelopes else None

    def statement(self, kind: str, at: datetime, **fields: Any) -> dict[str, Any]:
        return {
            "type": STATEMENT_TYPE,
            "kind": kind,
            "created": format_time(at),
            "seen_head": self.head(),
            **fields,
        }

    def add(self, env: Envelope) -> Any:
        if self.validate:
            validate_envelope(env.to_dict())
        record = self.state.apply(env)
        self.envelopes.append(env)
        return record

    def adopt(
        self,
        policy: dict[str, Any] | None = None,
        roster: dict[str, Any] | None = None,
        *,
        signers: Sequence[str | tuple[str, str]] = ("a.chen", "d.patel"),
        at: datetime = T0,
        previous: str | bool | None = True,  # True: the adoption in force
    ) -> Adoption:
        if previous is True:
            previous = self.state.current.id if self.state.adoptions else None
        statement = self.statement(
            "adoption",
            at,
            policy=policy or policy_doc(),
            roster=roster or roster_doc(),
            previous=previous,
        )
        record: Adoption = self.add(envelope(statement, signers))
        return record

    def request(
        self,
        by: str = "c.ruiz",
        sha256: str = SHA_A,
        at: datetime | None = None,
        *,
        scan: dict[str, Any] | None = None,
        adoption: Adoption | None = None,
        key_of: str | None = None,
    ) -> Request:
        adoption = adoption or self.state.current
        statement = self.statement(
            "request",
            at or T0 + timedelta(minutes=1),
            signer=by,
            artifact={"sha256": sha256, "size": 1234, "name": "stats.xlsx"},
            policy={
                "id": adoption.policy.id,
                "version": adoption.policy.version,
                "adoption": adoption.id,
            },
            purpose="monthly detention statistics",
            destination="https://www.example.gov/stats",
            scan=scan or PROTECTED_SCAN,
        )
        record: Request = self.add(envelope(statement, [(by, key(key_of or by))]))
        return record

    def sign(
        self,
        by: str,
        request: Request,
        role: str,
        at: datetime,
        *,
        reject: bool = False,
        comment: str | None = None,
        sha256: str | None = None,
        key_of: str | None = None,
        rescanned: bool | None = True,  # None: a sign-off made before clients rescanned
    ) -> SignOff:
        extra: dict[str, Any] = {"comment": comment} if comment else {}
        if rescanned is not None:
            extra |= {"rescanned": rescanned, "summary_sha256": summary_digest(request.scan)}
        statement = self.statement(
            "signoff",
            at,
            signer=by,
            request=request.id,
            artifact_sha256=sha256 or request.sha256,
            decision="reject" if reject else "approve",
            role=role,
            **extra,
        )
        record: SignOff = self.add(envelope(statement, [(by, key(key_of or by))]))
        return record

    def revoke(self, by: str, target: str, at: datetime, reason: str = "withdrawn") -> Any:
        statement = self.statement("revocation", at, signer=by, target=target, reason=reason)
        return self.add(envelope(statement, [by]))

    def export(
        self, by: str, request: Request | None, signoffs: Sequence[str], at: datetime, **kw: Any
    ) -> Export:
        adoption = self.state.current
        statement = self.statement(
            "export",
            at,
            signer=by,
            artifact=kw.get("artifact")
            or (
                request.artifact.to_dict() if request else {"sha256": SHA_B, "size": 1, "name": "x"}
            ),
            destination="https://www.example.gov/stats",
            request=request.id if request else None,
            signoffs=list(signoffs),
            policy={
                "id": adoption.policy.id,
                "version": adoption.policy.version,
                "adoption": adoption.id,
            },
        )
        record: Export = self.add(envelope(statement, [by]))
        return record


def new_book(**kw: Any) -> Book:
    book = Book(**kw)
    book.adopt()
    return book


def integrity(match: str) -> Any:
    return pytest.raises(IntegrityError, match=match)


# -- replay and queries ---------------------------------------------------------------------


def test_replay_builds_the_state_and_its_queries() -> None:
    book = new_book()
    request = book.request()
    chen = book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1))
    okafor = book.sign("b.okafor", request, "senior-official", T0 + timedelta(hours=2))
    exported = book.export("c.ruiz", request, [chen.id, okafor.id], T0 + timedelta(hours=3))

    state = replay(book.envelopes)
    assert len(state) == 5
    assert state.current.policy.id == "8cfr208.6" and state.current.signers == ("a.chen", "d.patel")
    assert state.requests_for(SHA_A) == (request,)
    assert state.requests_for(SHA_B) == ()
    assert state.signoffs_for(request.id) == (chen, okafor)
    assert state.exports_for(SHA_A) == (exported,)
    assert state.request(short_id(request.id)) == request
    assert state.request(request.id.upper()) == request
    assert request.requester == "c.ruiz" and request.classes == ("protected-person",)
    assert state.get(chen.id) == chen
    assert state.latest == T0 + timedelta(hours=3)


def test_replay_is_the_same_as_applying_one_by_one() -> None:
    book = new_book()
    request = book.request()
    book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1))
    state = replay(book.envelopes)
    assert [state.get(e.id) for e in book.envelopes] == [
        book.state.get(e.id) for e in book.envelopes
    ]


def test_check_then_add_is_apply() -> None:
    """What replay does for an export: check, look at the record, add it; the check alone
    changes nothing."""
    book = new_book()
    request = book.request()
    chen = book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1))
    statement = book.statement(
        "signoff", T0 + timedelta(hours=2), signer="b.okafor", request=request.id,
        artifact_sha256=request.sha256, decision="approve", role="senior-official",
    )  # fmt: skip
    env = envelope(statement, ["b.okafor"])
    record = book.state.check(env)
    assert len(book.state) == 3 and book.state.signoffs_for(request.id) == (chen,)
    book.state.add(record)
    applied = replay([*book.envelopes, env])
    assert book.state.records() == applied.records()
    assert book.state.latest == applied.latest == T0 + timedelta(hours=2)
    with integrity("appears twice"):
        book.state.check(env)


def test_request_by_full_id_and_by_the_id_of_another_kind() -> None:
    book = new_book()
    request = book.request()
    signoff = book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1))
    assert book.state.request(request.id) is request
    with pytest.raises(UsageError, match=r"is a sign-off, not a request"):
        book.state.request(signoff.id)
    with pytest.raises(UsageError, match="no request"):
        book.state.request("0" * 64)


def test_adoption_at_a_past_moment() -> None:
    book = new_book()
    first = book.state.current
    second = book.adopt(policy_doc(2), at=T0 + timedelta(days=10))
    assert book.state.adoption_at(T0 - timedelta(seconds=1)) is None
    assert book.state.adoption_at(T0) == first
    assert book.state.adoption_at(T0 + timedelta(days=9)) == first
    assert book.state.adoption_at(T0 + timedelta(days=10)) == second
    assert book.state.current == second and second.previous == first.id


def test_unscannable_request_maps_to_the_unscannable_class() -> None:
    book = new_book()
    scan = {"verdict": "unscannable", "format": "unknown", "reason": "encrypted", "classes": {}}
    request = book.request(scan={**scan, "findings": []})
    assert request.classes == ("unscannable",)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("zz", "is not a request id"),
        ("abc", "is not a request id"),
        ("0123456789ab", "no request 0123456789ab in the ledger"),
    ],
)
def test_request_lookup_refuses_bad_ids(ref: str, message: str) -> None:
    book = new_book()
    book.request()
    with pytest.raises(UsageError, match=message) as caught:
        book.state.request(ref)
    assert caught.value.exit_code == 2


def test_request_lookup_names_the_kind_of_another_statement() -> None:
    book = new_book()
    request = book.request()
    signoff = book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1))
    with pytest.raises(UsageError, match=r"is a sign-off, not a request"):
        book.state.request(short_id(signoff.id))


def test_ambiguous_prefix_is_refused() -> None:
    book = new_book(validate=False)
    seen: dict[str, str] = {}
    # Requests for different files until two ids share their first 4 hex digits (~300 needed).
    for n in range(1, 5000):
        request = book.request(sha256=f"{n:064x}")
        if request.id[:4] in seen:
            break
        seen[request.id[:4]] = request.id
    prefix = request.id[:4]
    with pytest.raises(UsageError, match=f"{prefix} is ambiguous: 2 statements start with it"):
        book.state.request(prefix)
    assert book.state.request(request.id[:12]) == request


# -- the first adoption ---------------------------------------------------------------------


def test_first_statement_must_be_an_adoption() -> None:
    book = Book()
    statement = book.statement(
        "revocation", T0, signer="a.chen", target=SHA_A, reason="nothing to revoke"
    )
    with integrity(r"revocation [0-9a-f]{12}: the first ledger entry must adopt") as caught:
        book.add(envelope(statement, ["a.chen"]))
    assert caught.value.exit_code == EXIT_INTEGRITY


def test_first_adoption_needs_its_own_admin_threshold() -> None:
    with integrity(r"adoption [0-9a-f]{12}: 2 admin signatures of the new roster needed, 1 given"):
        Book().adopt(signers=["a.chen"])


def test_first_adoption_counts_distinct_admins() -> None:
    second_key = key("a.chen-laptop")
    officials = roster_doc()
    officials["officials"][0]["keys"].append(second_key)
    with integrity("2 admin signatures of the new roster needed, 1 given"):
        Book().adopt(roster=officials, signers=["a.chen", ("a.chen", second_key)])


def test_first_adoption_signed_by_a_non_admin_is_refused() -> None:
    with integrity("the signature of b.okafor does not count: b.okafor is not an admin"):
        Book().adopt(signers=["a.chen", "d.patel", "b.okafor"])


def test_first_adoption_signed_by_an_unknown_key_is_refused() -> None:
    stranger = key("stranger")
    with integrity(re.escape(f"key {fingerprint(stranger)} is in neither roster")):
        Book().adopt(signers=["a.chen", "d.patel", ("mallory", stranger)])


def test_first_adoption_by_an_admin_outside_their_window_is_refused() -> None:
    roster = roster_doc(windows={"d.patel": {"valid_from": "2027-01-01"}})
    with integrity("d.patel's key in the new roster is not valid on 2026-11-20"):
        Book().adopt(roster=roster)


def test_first_adoption_must_not_name_a_previous_one() -> None:
    with integrity("the first adoption names a previous one"):
        Book().adopt(previous=SHA_A)


def test_adoption_of_an_invalid_policy_is_refused() -> None:
    bad = policy_doc()
    bad["rules"][0]["require"][0]["role"] = "no-such-role"
    with integrity("adopts an invalid policy or roster: .*no-such-role"):
        Book().adopt(bad)


def test_signature_claiming_another_officials_key_is_refused() -> None:
    with integrity("a signature names d.patel but its key belongs to a.chen"):
        Book().adopt(signers=["a.chen", ("d.patel", key("a.chen"))])


# -- later adoptions: the chain of trust ----------------------------------------------------

NEW_ADMINS = {**OFFICIALS, "h.kim": ("admin",), "i.lund": ("admin",)}


def test_new_policy_adopted_by_the_admin_threshold() -> None:
    book = new_book()
    adoption = book.adopt(policy_doc(2), at=T0 + timedelta(days=1))
    assert adoption.policy.version == 2 and book.state.current == adoption


def test_new_roster_without_the_old_rosters_threshold_is_refused() -> None:
    """New admins cannot let themselves in: the roster in force must agree (TUF's root rule)."""
    book = new_book()
    roster = roster_doc(
        {k: v for k, v in NEW_ADMINS.items() if k not in ("a.chen", "d.patel")}, version=2
    )
    with integrity("2 admin signatures of the roster in force needed, 0 given"):
        book.adopt(policy_doc(2), roster, signers=["h.kim", "i.lund"], at=T0 + timedelta(days=1))
    # Even when they sign alongside one old admin, the old threshold (2) is not met.
    with integrity("2 admin signatures of the roster in force needed, 1 given"):
        book.adopt(
            policy_doc(2),
            roster_doc({**NEW_ADMINS, "d.patel": ("senior-official",)}, version=2),
            signers=["a.chen", "h.kim", "i.lund"],
            at=T0 + timedelta(days=1),
        )
    assert len(book.state.adoptions) == 1


def test_new_roster_without_its_own_threshold_is_refused() -> None:
    book = new_book()
    roster = roster_doc(NEW_ADMINS, threshold=3, version=2)
    with integrity("3 admin signatures of the new roster needed, 2 given"):
        book.adopt(policy_doc(2), roster, at=T0 + timedelta(days=1))
    adoption = book.adopt(
        policy_doc(2), roster, signers=["a.chen", "d.patel", "h.kim"], at=T0 + timedelta(days=1)
    )
    assert adoption.signers == ("a.chen", "d.patel", "h.kim")


@pytest.mark.parametrize("version", [1, 0])
def test_readopting_an_equal_or_older_policy_version_is_refused(version: int) -> None:
    book = new_book()
    if version == 0:
        book.adopt(policy_doc(2), at=T0 + timedelta(days=1))
        version = 1
    with integrity("is not higher than the version in force .*can never be re-adopted"):
        book.adopt(policy_doc(version), at=T0 + timedelta(days=2))


def test_older_roster_version_is_refused() -> None:
    book = new_book()
    book.adopt(policy_doc(2), roster_doc(version=3), at=T0 + timedelta(days=1))
    with integrity("roster version 2 is lower than the version in force"):
        book.adopt(policy_doc(3), roster_doc(version=2), at=T0 + timedelta(days=2))


def test_adoption_must_replace_the_one_in_force() -> None:
    book = new_book()
    first = book.state.current
    book.adopt(policy_doc(2), at=T0 + timedelta(days=1))
    with integrity(f"replaces {short_id(first.id)}, but the adoption in force is"):
        book.adopt(policy_doc(3), previous=first.id, at=T0 + timedelta(days=2))


# -- who may sign what ----------------------------------------------------------------------


def test_key_outside_the_roster_is_refused() -> None:
    book = new_book()
    stranger = key("stranger")
    with integrity(re.escape(f"signed by key {fingerprint(stranger)}, which is not in the")):
        book.request(key_of="stranger")


def test_key_of_another_official_is_refused() -> None:
    book = new_book()
    request = book.request()
    with integrity("signed with b.okafor's key but names a.chen as its signer"):
        book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1), key_of="b.okafor")


def test_key_outside_its_validity_window_is_refused() -> None:
    book = new_book()
    request = book.request()
    with integrity(
        "g.ito's key was not valid on 2026-11-20T10:00:00Z \\(valid until 2026-10-31\\)"
    ):
        book.sign("g.ito", request, "privacy-officer", T0 + timedelta(hours=1))


def test_official_removed_by_a_new_roster_can_no_longer_sign() -> None:
    book = new_book()
    request = book.request()
    without_okafor = {k: v for k, v in OFFICIALS.items() if k != "b.okafor"}
    book.adopt(policy_doc(2), roster_doc(without_okafor), at=T0 + timedelta(hours=1))
    # Backdated within the clock skew to before the new roster: still judged by ledger order.
    with integrity("which is not in the roster in force"):
        book.sign("b.okafor", request, "senior-official", T0 + timedelta(minutes=58))


def test_signoff_under_a_role_not_held_is_refused() -> None:
    book = new_book()
    request = book.request()
    with integrity("b.okafor does not hold the role 'privacy-officer'"):
        book.sign("b.okafor", request, "privacy-officer", T0 + timedelta(hours=1))


def test_signoff_of_an_unknown_request_is_refused() -> None:
    book = new_book()
    request = Request(
        SHA_B, "c.ruiz", book.request().artifact, "8cfr208.6", 1, SHA_B, "p", "d", {}, T0
    )
    with integrity(f"signs request {short_id(SHA_B)}, which the ledger does not hold"):
        book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1))


def test_signoff_naming_another_artifact_is_refused() -> None:
    book = new_book()
    request = book.request()
    with integrity(f"names file {short_id(SHA_B)} but request"):
        book.sign("a.chen", request, "privacy-officer", T0 + timedelta(hours=1), sha256=SHA_B)


def test_request_naming_an_unknown_adoption_is_refused() -> None:
    book = new_book()
    fake = Adoption(SHA_B, book.state.current.policy, book.state.current.roster, T0, None, ())
    with integrity("names policy 8cfr208.6 v1 under adoption bbbbbbbbbbbb, which the ledger"):
        book.request(adoption=fake)


def test_request_under_an_older_adoption_is_accepted() -> None:
    """It raced a new adoption: honest, and the decision will not count sign-offs on it."""
    book = new_book()
    first = book.state.current
    book.adopt(policy_doc(2), at=T0 + timedelta(seconds=30))
    request = book.request(adoption=first)
    assert request.adoption == first.id and request.policy_version == 1


def test_statement_signer_and_signature_signer_must_agree() -> None:
    book = new_book()
    statement = book.statement("revocation", T0, signer="a.chen", target=SHA_A, reason="mismatch")
    with integrity("a signature names d.patel, the statement a.chen"):
        book.add(envelope(statement, [("d.patel", key("a.chen"))]))


# -- revocations ----------------------------------------------------------------------------


def _signed_request() -> tuple[Book, Request, SignOff, SignOff]:
    book = new_book()
    request = book.request()
    approval = book.sign("e.nguyen", request, "privacy-officer", T0 + timedelta(hours=1))
    rejection = book.sign(
        "b.okafor",
        request,
        "senior-official",
        T0 + timedelta(hours=2),
        reject=True,
        comment="names are visible on sheet 2",
    )
    return book, request, approval, rejection


def test_anyone_may_revoke_their_own_statements() -> None:
    book, request, approval, rejection = _signed_request()
    at = T0 + timedelta(hours=3)
    assert book.revoke("e.nguyen", approval.id, at).target == approval.id
    assert book.revoke("b.okafor", rejection.id, at).signer == "b.okafor"
    assert book.revoke("c.ruiz", request.id, at).target == request.id
    assert all(book.state.is_revoked(s) for s in (approval.id, rejection.id, request.id))
    assert not book.state.is_revoked(approval.id, at - timedelta(seconds=1))


def test_privacy_officer_may_revoke_others_approvals_and_requests() -> None:
    book, request, approval, _ = _signed_request()
    at = T0 + timedelta(hours=3)
    assert book.revoke("a.chen", approval.id, at).signer == "a.chen"
    assert book.revoke("a.chen", request.id, at).target == request.id


def test_only_the_signer_or_an_admin_may_withdraw_a_rejection() -> None:
    book, _, _, rejection = _signed_request()
    at = T0 + timedelta(hours=3)
    with integrity("e.nguyen may not withdraw b.okafor's rejection: only b.okafor or an admin"):
        book.revoke("e.nguyen", rejection.id, at)
    assert book.revoke("d.patel", rejection.id, at).signer == "d.patel"


def test_others_may_not_revoke() -> None:
    book, request, approval, _ = _signed_request()
    with integrity("b.okafor may not revoke e.nguyen's sign-off"):
        book.revoke("b.okafor", approval.id, T0 + timedelta(hours=3))
    with integrity("c.ruiz may not revoke e.nguyen's sign-off"):
        book.revoke("c.ruiz", approval.id, T0 + timedelta(hours=3))
    assert not book.state.is_revoked(approval.id) and not book.state.is_revoked(request.id)


@pytest.mark.parametrize("target", ["adoption", "unknown"])
def test_only_requests_and_signoffs_can_be_revoked(target: str) -> None:
    book = new_book()
    target_id = book.state.current.id if target == "adoption" else SHA_B
    what = "an adoption" if target == "adoption" else "not in the ledger"
    with integrity(f"which is {what}: only requests and sign-offs can be revoked"):
        book.revoke("a.chen", target_id, T0 + timedelta(hours=1))


# -- exports --------------------------------------------------------------------------------


def test_export_must_name_its_own_requests_signoffs() -> None:
    book, request, approval, _ = _signed_request()
    other = book.request(sha256=SHA_B, at=T0 + timedelta(hours=3))
    stray = book.sign("a.chen", other, "privacy-officer", T0 + timedelta(hours=4))
    at = T0 + timedelta(hours=5)
    with integrity(f"names sign-off {short_id(stray.id)}, which is not a sign-off of its"):
        book.export("c.ruiz", request, [approval.id, stray.id], at)
    with integrity("which is not a request for this file"):
        book.export("c.ruiz", request, [], at, artifact=other.artifact.to_dict())
    assert book.export("c.ruiz", request, [approval.id], at).signoffs == (approval.id,)
    assert book.export("c.ruiz", None, [], at).request is None


# -- order, time and tampering ---------------------------------------------------------------


def test_clock_skew_tolerance_is_five_minutes() -> None:
    book = new_book()
    request = book.request(at=T0 + timedelta(hours=1))
    later = T0 + timedelta(hours=1, minutes=-4)
    assert book.sign("a.chen", request, "privacy-officer", later).at == later
    with integrity("more than 5 minutes before an earlier entry"):
        book.sign("b.okafor", request, "senior-official", T0 + timedelta(minutes=54))


def test_apply_takes_the_id_the_caller_computed() -> None:
    book = new_book()
    book.validate = False
    statement = book.statement(
        "redaction",
        T0 + HOUR,
        signer="c.ruiz",
        source={"sha256": SHA_A, "size": 9, "name": "a"},
        derivative=CLEAN,
        removed=["sheet Detainees"],
    )
    env = envelope(statement, ["c.ruiz"])
    redaction = book.state.apply(env, env.id)
    assert isinstance(redaction, Redaction)
    assert redaction.id == env.id and redaction.removed == ("sheet Detainees",)
    assert book.state.redactions_for(SHA_A) == book.state.redactions_for(SHA_B) == (redaction,)


def test_a_statement_cannot_appear_twice() -> None:
    book = new_book()
    book.request()
    with integrity("appears twice in the ledger"):
        book.state.apply(book.envelopes[-1])


def test_only_the_first_entry_may_name_no_head() -> None:
    book = new_book()
    statement = book.statement("revocation", T0, signer="a.chen", target=SHA_A, reason="x")
    statement["seen_head"] = None
    with integrity("names no ledger head"):
        book.add(envelope(statement, ["a.chen"]))


def test_malformed_statement_is_an_integrity_failure() -> None:
    book = new_book()
    statement = book.statement("signoff", T0, signer="a.chen")  # no request, no role
    with integrity("malformed statement"):
        book.state.apply(envelope(statement, ["a.chen"]))


def test_a_refused_statement_leaves_the_state_unchanged() -> None:
    book = new_book()
    request = book.request()
    before = (len(book.state), book.state.latest, book.state.signoffs_for(request.id))
    with integrity("does not hold the role"):
        book.sign("c.ruiz", request, "privacy-officer", T0 + timedelta(days=3))
    assert (len(book.state), book.state.latest, book.state.signoffs_for(request.id)) == before


def test_check_does_not_change_the_state() -> None:
    book = new_book()
    statement = book.statement(
        "revocation",
        T0 + timedelta(hours=1),
        signer="a.chen",
        target=book.state.current.id,
        reason="x",
    )
    with integrity("only requests and sign-offs"):
        book.state.check(envelope(statement, ["a.chen"]))
    request_stmt = book.statement(
        "request",
        T0 + timedelta(hours=1),
        signer="c.ruiz",
        artifact={"sha256": SHA_A, "size": 1, "name": "a.csv"},
        policy={"id": "8cfr208.6", "version": 1, "adoption": book.state.current.id},
        purpose="p",
        destination="d",
        scan=PROTECTED_SCAN,
    )
    record = book.state.check(envelope(request_stmt, ["c.ruiz"]))
    assert isinstance(record, Request) and book.state.requests_for(SHA_A) == ()


# -- pre-checks -------------------------------------------------------------------------------


def _model(policy: dict[str, Any], roster: dict[str, Any]) -> Any:
    roster_document = Document("roster.yaml", roster)
    return parse_policy(Document("policy.yaml", policy), roster_document), parse_roster(
        roster_document
    )


def test_check_adoption_for_init() -> None:
    policy, roster = _model(policy_doc(), roster_doc())
    keys = [key("d.patel"), key("a.chen")]
    assert check_adoption(LedgerState(), policy, roster, keys, T0) == ("d.patel", "a.chen")
    with pytest.raises(UsageError, match=r"^2 admin signatures needed, 1 given$"):
        check_adoption(LedgerState(), policy, roster, keys[:1], T0)
    with pytest.raises(UsageError, match=r"b.okafor is not an admin in the new roster"):
        check_adoption(LedgerState(), policy, roster, [*keys, key("b.okafor")], T0)


def test_check_adoption_refuses_an_old_version_and_a_short_threshold() -> None:
    book = new_book()
    # A changed policy under the version in force: only an unchanged one may stay at v1.
    changed = policy_doc(1, title="Changed without a new version")
    policy, roster = _model(changed, roster_doc(NEW_ADMINS, threshold=3, version=2))
    with pytest.raises(
        UsageError,
        match=r"^policy version 1 is the version in force, but the policy differs from it: a "
        "changed policy needs a higher version$",
    ):
        check_adoption(book.state, policy, roster, [key("a.chen")], T0 + timedelta(days=1))
    policy, roster = _model(policy_doc(2), roster_doc(NEW_ADMINS, threshold=3, version=2))
    with pytest.raises(UsageError, match=r"^3 admin signatures needed \(the new roster\), 2 given"):
        check_adoption(
            book.state, policy, roster, [key("a.chen"), key("d.patel")], T0 + timedelta(days=1)
        )
    with pytest.raises(UsageError, match=r"admin signatures needed \(the roster in force\), 1"):
        check_adoption(
            book.state,
            policy,
            roster,
            [key("a.chen"), key("h.kim"), key("i.lund")],
            T0 + timedelta(days=1),
        )
    signers = [key("a.chen"), key("d.patel"), key("h.kim")]
    assert check_adoption(book.state, policy, roster, signers, T0 + timedelta(days=1)) == (
        "a.chen",
        "d.patel",
        "h.kim",
    )


def test_check_adoption_refuses_an_invalid_document() -> None:
    policy, roster = _model(policy_doc(2), roster_doc())
    broken = roster_doc(threshold=9)
    from dataclasses import replace

    with pytest.raises(ProblemsError):
        check_adoption(new_book().state, policy, replace(roster, document=broken), [], T0)


def test_identify_by_key() -> None:
    book = new_book()
    assert identify(book.state, key("a.chen") + " laptop", T0).id == "a.chen"
    with pytest.raises(UsageError, match=r"belongs to no official in the roster in force"):
        identify(book.state, key("stranger"), T0)
    with pytest.raises(UsageError, match=r"g.ito's key is not valid on 2026-11-20"):
        identify(book.state, key("g.ito"), T0)
    with pytest.raises(UsageError, match=r"holds no adopted policy"):
        identify(LedgerState(), key("a.chen"), T0)


def test_check_clock_refuses_a_lagging_clock() -> None:
    book = new_book()
    check_clock(book.state, T0 - timedelta(minutes=4))
    with pytest.raises(UsageError, match=r"this computer's clock says"):
        check_clock(book.state, T0 - timedelta(minutes=6))


def test_check_request_refuses_a_clean_file() -> None:
    book = new_book()
    rules = check_request(book.state, "c.ruiz", ["protected-person"], T0)
    assert [r.id for r in rules] == ["protected-person-release"]
    with pytest.raises(UsageError, match=r"no approval needed"):
        check_request(book.state, "c.ruiz", [], T0)
    with pytest.raises(UsageError, match=r"zed is not in the roster in force"):
        check_request(book.state, "zed", ["protected-person"], T0)


def test_check_revocation() -> None:
    book, request, approval, rejection = _signed_request()
    at = T0 + timedelta(hours=3)
    assert check_revocation(book.state, short_id(approval.id), "e.nguyen", at) == approval
    with pytest.raises(UsageError, match=r"may not withdraw b.okafor's rejection"):
        check_revocation(book.state, short_id(rejection.id), "e.nguyen", at)
    book.revoke("c.ruiz", request.id, at)
    with pytest.raises(UsageError, match=r"was already revoked by c.ruiz on 2026-11-20"):
        check_revocation(book.state, request.id, "c.ruiz", at)
    with pytest.raises(UsageError, match=r"is an adoption, not a request or sign-off"):
        check_revocation(book.state, book.state.current.id, "a.chen", at)


# -- properties -----------------------------------------------------------------------------

# Officials who may sign a statement of any kind (no role needed for a request), and others.
SIGNERS = sorted(OFFICIALS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from([*SIGNERS, "stranger"]), st.sampled_from(SIGNERS)),
        min_size=1,
        max_size=6,
    )
)
def test_a_statement_is_accepted_only_with_its_signers_valid_key(
    attempts: list[tuple[str, str]],
) -> None:
    """Whoever's key signs, the state accepts a request only when the key is the named
    signer's own and valid at ``created``; a refusal changes nothing."""
    book = new_book(validate=False)
    for n, (key_owner, named) in enumerate(attempts):
        before = len(book.state)
        at = T0 + timedelta(minutes=n + 1)
        ok = key_owner == named and named != "g.ito"
        try:
            book.request(by=named, key_of=key_owner, at=at, sha256=f"{n:064x}")
        except IntegrityError:
            assert not ok and len(book.state) == before
        else:
            assert ok and len(book.state) == before + 1


# -- found in review ------------------------------------------------------------------------


def test_a_statement_dated_in_the_future_is_refused() -> None:
    book = new_book()
    statement = book.statement(
        "revocation", T0 + timedelta(days=3650), signer="c.ruiz", target=SHA_A, reason="later"
    )
    with integrity("in the future"):
        book.state.check(envelope(statement, ["c.ruiz"]), now=T0 + HOUR)


def test_a_few_minutes_of_clock_skew_is_accepted() -> None:
    book = new_book()
    request = book.request(at=T0 + timedelta(minutes=4))
    assert book.state.check(
        envelope(book.statement("revocation", T0 + timedelta(minutes=4), signer="c.ruiz",
                                target=request.id, reason="late"), ["c.ruiz"]),
        now=T0,
    )  # fmt: skip


def test_an_admin_who_requested_may_not_withdraw_a_rejection_of_their_own_request() -> None:
    officials = {**OFFICIALS, "d.patel": ("admin", "publisher")}
    book = Book()
    book.adopt(roster=roster_doc(officials))
    request = book.request(by="d.patel")
    rejection = book.sign("b.okafor", request, "senior-official", T0 + HOUR, reject=True)
    with integrity("d.patel made this request and may not withdraw b.okafor's rejection"):
        book.revoke("d.patel", rejection.id, T0 + 2 * HOUR)
    # Another admin may: the escape hatch when the refusing official is gone.
    assert book.revoke("a.chen", rejection.id, T0 + 2 * HOUR).signer == "a.chen"


# -- key rotation: roster-only adoptions and compromised keys (issue 14, item 6) --------------


def rotated(
    official: str,
    *,
    since: datetime | None = None,
    version: int = 2,
    roster: dict[str, Any] | None = None,
    new_key: str | None = None,
) -> dict[str, Any]:
    """``roster`` (default: the usual one) at ``version``, with ``official`` holding a new key
    (``key(new_key)``, default ``<official>.new``), and with ``since`` the old one named
    compromised from then. The roster in force's compromises are kept."""
    doc = copy.deepcopy(roster or roster_doc())
    doc["version"] = version
    for entry in doc["officials"]:
        if entry["id"] == official:
            entry["keys"] = [key(new_key or f"{official}.new") + " new-laptop"]
    if since is not None:
        doc.setdefault("compromised", []).append(
            {"key": key(official), "since": format_time(since)}
        )
    return doc


def test_a_roster_only_adoption_keeps_the_policy_and_its_epoch() -> None:
    book = new_book()
    first = book.state.current
    rotation = book.adopt(policy_doc(), rotated("b.okafor"), at=T0 + HOUR)
    assert rotation.roster_only and rotation.policy.version == 1
    assert rotation.policy_epoch == first.id and rotation.previous == first.id
    # An admin's own key: she signs with both, as TUF's root rotation asks.
    both: list[str | tuple[str, str]] = ["a.chen", ("a.chen", key("a.chen.new")), "d.patel"]
    again = book.adopt(policy_doc(), rotated("a.chen", version=3), signers=both, at=T0 + 2 * HOUR)
    assert again.policy_epoch == first.id and again.signers == ("a.chen", "d.patel")
    changed = book.adopt(
        policy_doc(2), rotated("a.chen", version=3), signers=both[1:], at=T0 + 3 * HOUR
    )
    assert not changed.roster_only and changed.policy_epoch == changed.id
    # The same policy under another version number is a change: it starts a new epoch too.
    assert book.state.same_policy(first.id, again) and not book.state.same_policy(first.id, changed)


def test_a_roster_only_adoption_needs_a_higher_roster_version() -> None:
    book = new_book()
    with integrity(
        r"roster version 1 is not higher than the version in force \(1\) and the policy is "
        r"unchanged \(v1\): .* a roster-only change needs a higher roster version"
    ):
        book.adopt(policy_doc(), rotated("b.okafor", version=1), at=T0 + HOUR)
    assert len(book.state.adoptions) == 1


def test_a_changed_policy_under_the_version_in_force_is_refused() -> None:
    book = new_book()
    with integrity("policy version 1 is the version in force, but the policy differs from it"):
        book.adopt(policy_doc(1, title="Quietly changed"), rotated("b.okafor"), at=T0 + HOUR)


@pytest.mark.parametrize("later", [None, 2 * HOUR])
def test_a_compromise_cannot_be_taken_back(later: timedelta | None) -> None:
    book = new_book()
    book.adopt(policy_doc(), rotated("b.okafor", since=T0 + HOUR), at=T0 + 2 * HOUR)
    roster = rotated("b.okafor", version=3)  # names no compromise
    if later is not None:
        roster["compromised"] = [{"key": key("b.okafor"), "since": format_time(T0 + later)}]
    with integrity(
        f"names key {re.escape(fingerprint(key('b.okafor')))} compromised since "
        "2026-11-20T10:00:00Z, and the new roster .*: a compromise cannot be taken back"
    ):
        book.adopt(policy_doc(), roster, at=T0 + 3 * HOUR)
    # Earlier is stricter, and allowed.
    roster["compromised"] = [{"key": key("b.okafor"), "since": format_time(T0 + HOUR / 2)}]
    assert (
        book.adopt(policy_doc(), roster, at=T0 + 3 * HOUR).roster.compromised_since(key("b.okafor"))
        == T0 + HOUR / 2
    )


def test_a_key_named_compromised_signs_nothing_more() -> None:
    book = new_book()
    request = book.request()
    rotation = book.adopt(policy_doc(), rotated("b.okafor", since=T0 + HOUR), at=T0 + 2 * HOUR)
    with integrity(
        re.escape(f"signed with key {fingerprint(key('b.okafor'))}, which the roster in force ")
        + "names compromised since 2026-11-20T10:00:00Z"
    ):
        book.sign("b.okafor", request, "senior-official", T0 + 3 * HOUR)
    # Even dated before the compromise: once the roster is in force the key is gone.
    with integrity("names compromised since"):
        book.revoke("b.okafor", request.id, T0 + 2 * HOUR)
    signoff = book.sign(
        "b.okafor", request, "senior-official", T0 + 3 * HOUR, key_of="b.okafor.new"
    )
    assert signoff.key == key("b.okafor.new") and signoff.under == rotation.id
    with pytest.raises(UsageError, match="is named compromised since 2026-11-20T10:00:00Z"):
        identify(book.state, key("b.okafor") + " old-laptop", T0 + 3 * HOUR)
    assert identify(book.state, key("b.okafor.new"), T0 + 3 * HOUR).id == "b.okafor"


def test_an_admins_compromised_key_counts_only_for_the_roster_that_still_trusts_it() -> None:
    """TUF's root rotation: the old roster's threshold may be met with the lost key (a thief
    holding it alone is still short), the new roster's never; nor any adoption after it."""
    book = new_book()  # two admins, threshold 2: d.patel cannot leave the old key out
    roster = rotated("d.patel", since=T0 + HOUR)
    old_only = ["a.chen", "d.patel"]
    with integrity(
        "the signature of d.patel does not count: d.patel's key in the new roster|"
        "2 admin signatures of the new roster needed, 1 given"
    ):
        book.adopt(policy_doc(), roster, signers=old_only, at=T0 + 2 * HOUR)
    both: list[str | tuple[str, str]] = [*old_only, ("d.patel", key("d.patel.new"))]
    policy, model = _model(policy_doc(), roster)
    keys = [key("a.chen"), key("d.patel"), key("d.patel.new")]
    assert check_adoption(book.state, policy, model, keys, T0 + 2 * HOUR) == (
        "a.chen",
        "d.patel",
        "d.patel",
    )
    assert book.adopt(policy_doc(), roster, signers=both, at=T0 + 2 * HOUR).roster_only
    # From now on the old key counts for nothing, not even for the next adoption.
    third = rotated("a.chen", version=3, roster=roster)
    with integrity("which the roster in force names compromised|is in neither roster"):
        book.adopt(policy_doc(), third, signers=both, at=T0 + 3 * HOUR)
    policy, model = _model(policy_doc(), third)
    with pytest.raises(UsageError, match=r"belongs to no admin of the roster in force or the new"):
        check_adoption(book.state, policy, model, keys, T0 + 3 * HOUR)


def test_a_revocation_made_with_a_compromised_key_stops_counting() -> None:
    four = roster_doc({**OFFICIALS, "h.kim": ("admin",), "i.lund": ("admin",)})
    book = Book()
    book.adopt(roster=four)
    request = book.request()
    rejection = book.sign("b.okafor", request, "senior-official", T0 + HOUR, reject=True)
    # a.chen's laptop was lost at T0+2h; whoever has it withdraws the rejection at T0+3h.
    withdrawn = book.revoke("a.chen", rejection.id, T0 + 3 * HOUR)
    assert withdrawn.key == key("a.chen")
    assert book.state.revocation_of(rejection.id) == withdrawn
    book.adopt(
        policy_doc(),
        rotated("a.chen", since=T0 + 2 * HOUR, roster=four),
        signers=["d.patel", "h.kim"],
        at=T0 + 4 * HOUR,
    )
    assert book.state.revocation_of(rejection.id) is None
    assert book.state.compromised(withdrawn) == T0 + 2 * HOUR
    # The auditor's view of the moment before the roster named the key: it counted then.
    assert book.state.revocation_of(rejection.id, T0 + 4 * HOUR - timedelta(seconds=1)) == withdrawn
