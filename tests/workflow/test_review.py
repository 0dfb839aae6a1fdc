"""``show``, ``status``, ``sign``, ``revoke`` and ``request`` answer from the saved state's slices,
never restoring the whole ledger, and say exactly what the whole verified state says: the same
statement for an id or a prefix (or the same error), the same decision and review screen, the
same refusals; a statement made on a slice lands by compare-and-swap on the head it was read at,
and verifies in a full replay."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from approval.demo.synthetic import detention_workbook
from approval.detect.scan import scan_file
from approval.errors import ApprovalError, BlockedError, UsageError
from approval.ledger import Ledger, snapshot
from approval.ledger.replication import Refused
from approval.ledger.session import new_statement, replay_verified
from approval.policy import load_policy, load_roster
from approval.statements import now, short_id, statement_id
from approval.trust.decision import check_signoff, decide
from approval.trust.state import LedgerState, Record, Request, SignOff, check_revocation
from approval.workflow.request import request_approval
from approval.workflow.review import Review, build_review, show_request, sign_request, status
from approval.workflow.revoke import revoke
from tests.support import KeyMaker
from tests.workflow.test_snapshot import SCAN, Agency, sha
from tests.world import World


class _SlicesWorld(World):
    """The default policy without ``require_rescan``: the requests here are for made-up bytes
    (``sha(name)``), which no official could rescan; the slices, not the rescans, are tested
    (those are, on real files, below)."""

    def policy(self, *, version: int = 1, name: str = "policy.yaml") -> Path:
        path = super().policy(version=version, name=name)
        text = path.read_text()
        assert "    require_rescan: true\n" in text
        path.write_text(text.replace("    require_rescan: true\n", ""))
        return path


@pytest.fixture
def agency(tmp_path: Path, make_key: KeyMaker) -> Agency:
    return Agency(_SlicesWorld(tmp_path, make_key), now() - timedelta(days=2))


def _whole(agency: Agency) -> LedgerState:
    with Ledger.open(agency.world.ledger) as ledger:
        return replay_verified(ledger, head=ledger.head())


def _warm(agency: Agency) -> None:
    """Save the verified state at the head, as any earlier command would have."""
    with Ledger.open(agency.world.ledger) as ledger:
        snapshot.open_view(ledger, ledger.head()).close()


def _head(agency: Agency) -> str | None:
    with Ledger.open(agency.world.ledger) as ledger:
        return ledger.head()


def _key(agency: Agency, who: str) -> Path:
    return agency.world.key(who).private


def _outcome(resolve: Any, ref: str, kinds: tuple[type, ...] | None) -> str:
    try:
        record: Record = resolve(ref, kinds)
    except UsageError as e:
        return f"error: {e.message}"
    return record.id


def _a_little_of_everything(agency: Agency) -> dict[str, str]:
    """Approved, rejected, half-approved and revoked requests, and an export."""
    request, first, second = agency.approve("stats")
    agency.world.append_at(
        "export",
        agency.tick(),
        "p.publisher",
        artifact={"sha256": sha("stats"), "size": 10, "name": "stats.xlsx"},
        destination="/srv/www",
        request=request,
        signoffs=[first, second],
        policy={"id": "8cfr208.6", "version": 1, "adoption": agency.adoption},
    )
    refused = agency.request("refused")
    agency.sign(refused, "refused", "o.privacy", "privacy-officer", "reject")
    half = agency.request("half")
    agency.sign(half, "half", "o.privacy", "privacy-officer")
    withdrawn = agency.request("withdrawn")
    agency.revoke(withdrawn, "p.publisher")
    return {"stats": request, "refused": refused, "half": half, "withdrawn": withdrawn}


def _refs(state: LedgerState) -> list[str]:
    refs = ["ab", "zzzz", "0000", "not an id", "f" * 65]
    for record in state.records():
        ident = record.id
        refs += [ident[:4], ident[:5], short_id(ident), ident, ident[:12].upper(), f" {ident} "]
    return refs


def test_an_id_or_prefix_names_what_it_names_in_the_whole_state(agency: Agency) -> None:
    _a_little_of_everything(agency)
    _warm(agency)
    late = agency.request("late")  # caught up by the next view, about a new file
    agency.sign(late, "late", "o.privacy", "privacy-officer")
    whole = _whole(agency)
    kinds_tried: list[tuple[type, ...] | None] = [None, (Request,), (Request, SignOff)]
    with Ledger.open(agency.world.ledger) as ledger:
        for _ in range(2):  # caught up in memory, then from the database
            with snapshot.open_view(ledger, ledger.head()) as view:
                assert view.from_cache and view.whole is None
                for ref in _refs(whole):
                    for kinds in kinds_tried:
                        expected = _outcome(whole.resolve, ref, kinds)
                        found = _outcome(lambda r, k: view.resolve(r, k)[0], ref, kinds)
                        assert found == expected, (ref, kinds)
                assert view.whole is None  # never restored the whole state


def test_the_state_of_a_request_decides_as_the_whole_state(agency: Agency) -> None:
    requests = _a_little_of_everything(agency)
    _warm(agency)
    whole = _whole(agency)
    at = now()
    adoptions = {a.id for a in whole.adoptions}
    with (
        Ledger.open(agency.world.ledger) as ledger,
        snapshot.open_view(ledger, ledger.head()) as view,
    ):
        for request_id in requests.values():
            request, state = view.request(short_id(request_id))
            assert request == whole.request(request_id)
            mine, theirs = build_review(state, request, at), build_review(whole, request, at)
            assert _review(mine) == _review(theirs)
            # Only the adoptions and this file's records.
            assert {r.id for r in state.records()} == {
                r.id
                for r in whole.records()
                if r.id in adoptions or _about(whole, r) == request.sha256
            }


def _review(review: Review) -> tuple[object, ...]:
    return (
        review.request,
        review.requester_name,
        review.policy,
        review.decision.to_dict(),
        review.signoffs,
    )


def _about(whole: LedgerState, record: Record) -> str | None:
    if isinstance(record, Request):
        return record.sha256
    if isinstance(record, SignOff):
        return record.artifact_sha256
    target = getattr(record, "target", None)
    if target is not None:
        return _about(whole, whole.get(target))  # type: ignore[arg-type]
    artifact = getattr(record, "artifact", None)
    return artifact.sha256 if artifact is not None else None


def _colliding_request(agency: Agency, others: list[str]) -> tuple[str, str]:
    """Append a request, for a new file, whose id starts with the same 4 hex digits as one of
    ``others``: found by trying names until the (deterministic) statement id matches. Returns
    that one and the new one."""
    head, at, who = _head(agency), agency.tick(), "p.publisher"
    prefixes = {other[:4]: other for other in others}
    for n in range(1_000_000):
        body: dict[str, Any] = {
            "artifact": {"sha256": sha(f"twin {n}"), "size": 10, "name": f"twin-{n}.xlsx"},
            "policy": {"id": "8cfr208.6", "version": 1, "adoption": agency.adoption},
            "purpose": "statistics",
            "destination": "www",
            "scan": SCAN,
        }
        ident = statement_id(new_statement("request", head, at, signer=who, **body))
        if ident[:4] in prefixes:
            return prefixes[ident[:4]], agency.world.append_at("request", at, who, **body)
    raise AssertionError("no colliding id found")


def test_an_ambiguous_prefix_is_refused_as_by_the_whole_state(agency: Agency) -> None:
    # 16 requests: a new one shares the first 4 digits of an id with one of them after ~4,000
    # tries, not ~65,000.
    requests = [agency.request(f"file {n}") for n in range(16)]
    _warm(agency)
    first, twin = _colliding_request(agency, requests)
    common = next(n for n in range(4, 64) if twin[n] != first[n])
    whole = _whole(agency)
    with pytest.raises(UsageError) as expected:
        whole.request(first[:4])
    assert "ambiguous: 2 statements" in expected.value.message
    for _ in range(2):  # the twin caught up in memory, then read from the database
        with pytest.raises(UsageError) as found:
            show_request(agency.world.ledger, first[:4])
        assert found.value.message == expected.value.message
    assert show_request(agency.world.ledger, first[: common + 1]).request.id == first
    assert show_request(agency.world.ledger, twin[: common + 1]).request.id == twin


def test_show_and_status_say_what_the_whole_state_says(agency: Agency) -> None:
    requests = _a_little_of_everything(agency)
    workbook = agency.world.root / "detention.xlsx"
    detention_workbook(workbook, count=5)
    whole = _whole(agency)
    report = scan_file(workbook, whole.current.policy)
    summary = report.summary()
    artifact = {"sha256": report.sha256, "size": report.size, "name": workbook.name}
    ref = {"id": "8cfr208.6", "version": 1, "adoption": agency.adoption}
    asked = agency.world.append_at(
        "request", agency.tick(), "p.publisher", artifact=artifact, policy=ref,
        purpose="statistics", destination="www", scan=summary,
    )  # fmt: skip
    requests["workbook"] = asked
    _warm(agency)
    whole = _whole(agency)
    ledger = agency.world.ledger
    at = now()
    for request_id in requests.values():
        shown = show_request(ledger, short_id(request_id))
        assert _review(shown) == _review(build_review(whole, whole.request(request_id), at))
        said = status(ledger, short_id(request_id))
        expected = decide(whole, said.sha256, at, request_id=request_id)
        assert said.decision.to_dict() == expected.to_dict()
    said = status(ledger, str(workbook))
    classes = list(report.classes)
    assert said.sha256 == report.sha256 and said.verdict == "protected"
    assert said.decision.to_dict() == decide(whole, report.sha256, at, classes=classes).to_dict()
    assert said.next_steps[0].startswith(f"approval sign {short_id(asked)} ")
    with pytest.raises(UsageError, match="is a sign-off, not a request"):
        status(ledger, short_id(whole.signoffs_for(requests["half"])[0].id))


def _break_slice(agency: Agency, name: str) -> sqlite3.Connection:
    """Make the saved slice of ``name``'s file unreadable: reading it would replay the ledger
    and save the state again, which would mend it."""
    with Ledger.open(agency.world.ledger) as ledger:
        path = snapshot.database_path(ledger)
    assert path is not None
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE slices SET records = ? WHERE sha = ?", (b"broken", sha(name)))
    return db


def _still_broken(db: sqlite3.Connection, name: str) -> bool:
    found = db.execute("SELECT records FROM slices WHERE sha = ?", (sha(name),)).fetchone()
    return bool(found and found[0] == b"broken")


def test_no_command_reads_more_than_the_slice_it_is_about(agency: Agency) -> None:
    requests = _a_little_of_everything(agency)
    _warm(agency)
    db = _break_slice(agency, "stats")
    ledger = agency.world.ledger
    show_request(ledger, short_id(requests["half"]))
    status(ledger, short_id(requests["refused"]))
    done = sign_request(
        ledger, requests["half"][:8], _key(agency, "s.senior"), None,
        role=None, reject=False, comment=None, confirm=lambda _review, _role: None,
    )  # fmt: skip
    assert done.after.allowed
    revoke(ledger, done.id, _key(agency, "s.senior"), None, "signed the wrong file")
    assert _still_broken(db, "stats")  # never read: no replay, nothing saved over it
    db.close()


def _sign(agency: Agency, ref: str, who: str, **options: Any) -> Any:
    confirm = options.pop("confirm", lambda _review, _role: options.get("comment"))
    settings: dict[str, Any] = {"role": None, "reject": False, "comment": None} | options
    return sign_request(
        agency.world.ledger, ref, _key(agency, who), None, confirm=confirm, **settings
    )


def test_a_sign_off_made_on_a_slice_lands_and_verifies(agency: Agency) -> None:
    requests = _a_little_of_everything(agency)
    _warm(agency)
    before = _head(agency)
    shown: list[Review] = []

    def confirm(review: Review, role: str) -> None:
        shown.append(review)
        assert role == "senior-official"

    done = _sign(agency, short_id(requests["half"]), "s.senior", confirm=confirm)
    assert shown[0].decision.missing == ("senior-official",)
    assert done.after.allowed and done.signer == "s.senior"
    whole = _whole(agency)  # verified from the first entry
    with Ledger.open(agency.world.ledger) as ledger:
        assert ledger.is_ancestor(before or "", ledger.head() or "")
    assert whole.get(done.id) is not None
    assert decide(whole, sha("half"), now()).allowed


@pytest.mark.parametrize(
    ("name", "who", "options", "error", "words"),
    [
        ("half", "a.admin", {}, UsageError, "holds none of the roles"),
        ("half", "o.privacy", {}, UsageError, "already signed this request as privacy-officer"),
        ("withdrawn", "s.senior", {}, UsageError, "was withdrawn by p.publisher"),
        ("half", "s.senior", {"role": "privacy-officer"}, UsageError, "does not hold the role"),
        ("own", "q.publisher", {}, BlockedError, "made this request and cannot approve it"),
    ],
)
def test_a_refused_sign_off_is_refused_as_by_the_whole_state(
    agency: Agency,
    name: str,
    who: str,
    options: dict[str, Any],
    error: type[ApprovalError],
    words: str,
) -> None:
    requests = _a_little_of_everything(agency)
    requests["own"] = agency.request("own", who="q.publisher")
    _warm(agency)
    head = _head(agency)
    whole = _whole(agency)
    official = whole.current.roster.official(who)
    assert official is not None
    with pytest.raises(error) as expected:
        role = options.get("role")
        check_signoff(whole, requests[name], official.id, role, "approve", now())
    with pytest.raises(error) as found:
        _sign(agency, short_id(requests[name]), who, **options)
    assert found.value.message == expected.value.message and words in found.value.message
    assert _head(agency) == head  # nothing appended


def test_a_sign_off_under_an_outdated_policy_is_refused(agency: Agency) -> None:
    requests = _a_little_of_everything(agency)
    _adopt_version_2(agency, {"s.senior": ("senior-official",)})
    _warm(agency)
    with pytest.raises(UsageError, match="v2 is now in force"):
        _sign(agency, short_id(requests["half"]), "s.senior")


def _adopt_version_2(agency: Agency, changes: dict[str, tuple[str, ...]]) -> str:
    """Adopt policy v2 with a roster where the officials in ``changes`` hold those roles."""
    from tests.world import CAST

    world = agency.world
    officials = {official: roles for official, (_, roles) in CAST.items()} | changes
    roster = world.roster(officials, version=2, name="roster2.yaml")
    policy = world.policy(version=2, name="policy2.yaml")
    return world.append_at(
        "adoption", agency.tick(), "a.admin", "b.admin",
        policy=load_policy(policy, roster).to_dict(), roster=load_roster(roster).to_dict(),
        previous=agency.adoption,
    )  # fmt: skip


def test_a_statement_appended_meanwhile_is_checked_by_compare_and_swap(agency: Agency) -> None:
    """Another office appends while the official reads the review screen: the sign-off is
    checked again on the new head with the audit's rules (the whole state), and lands on it."""
    requests = _a_little_of_everything(agency)
    _warm(agency)
    appended: list[str] = []

    def meanwhile(_review: Review, _role: str) -> None:
        appended.append(agency.request("meanwhile"))

    done = _sign(agency, short_id(requests["half"]), "s.senior", confirm=meanwhile)
    assert done.after.allowed
    whole = _whole(agency)
    ids = [r.id for r in whole.records()]
    assert ids[-2:] == [appended[0], done.id]  # on top of the other office's statement


def test_a_roster_change_meanwhile_refuses_the_sign_off(agency: Agency) -> None:
    requests = _a_little_of_everything(agency)
    _warm(agency)
    adopted: list[str] = []

    def meanwhile(_review: Review, _role: str) -> None:
        # The admins take the role away from the official while they read the screen.
        adopted.append(_adopt_version_2(agency, {"s.senior": ("publisher",)}))

    with pytest.raises(Refused, match="now refuses it"):
        _sign(agency, short_id(requests["half"]), "s.senior", confirm=meanwhile)
    whole = _whole(agency)
    assert whole.records()[-1].id == adopted[0]  # the sign-off was not appended
    assert not decide(whole, sha("half"), now()).allowed


def test_a_revocation_made_on_a_slice_is_checked_as_by_the_whole_state(agency: Agency) -> None:
    requests = _a_little_of_everything(agency)
    _warm(agency)
    whole = _whole(agency)
    rejection = whole.signoffs_for(requests["refused"])[0]
    # Only the official who refused, or an admin, may withdraw a rejection.
    official = whole.current.roster.official("s.senior")
    assert official is not None
    with pytest.raises(UsageError) as expected:
        check_revocation(whole, rejection.id, official.id, now())
    with pytest.raises(UsageError) as found:
        revoke(agency.world.ledger, short_id(rejection.id), _key(agency, "s.senior"), None, "no")
    assert found.value.message == expected.value.message
    approval = whole.signoffs_for(requests["stats"])[0]
    done = revoke(
        agency.world.ledger, approval.id[:6], _key(agency, "o.privacy"), None, "wrong sheet"
    )
    assert done.target == approval.id and done.what == "sign-off"
    whole = _whole(agency)
    assert whole.is_revoked(approval.id)
    assert not decide(whole, sha("stats"), now()).allowed
    assert not status(agency.world.ledger, short_id(requests["stats"])).decision.allowed


def test_a_request_made_on_a_slice_lands_and_verifies(agency: Agency) -> None:
    _a_little_of_everything(agency)
    _warm(agency)
    workbook = agency.world.root / "detention.xlsx"
    detention_workbook(workbook, count=5)
    done = request_approval(
        agency.world.ledger, workbook, "statistics", "www", _key(agency, "p.publisher"), None
    )
    whole = _whole(agency)
    assert whole.request(done.id).sha256 == done.sha256
    assert show_request(agency.world.ledger, done.short).decision.missing == (
        "privacy-officer",
        "senior-official",
    )
