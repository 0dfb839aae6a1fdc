from __future__ import annotations

from datetime import UTC, datetime

import pytest

from approval.errors import IntegrityError, UsageError
from approval.statements import (
    STATEMENT_TYPE,
    canonical_json,
    format_time,
    parse_statement_time,
    signed_bytes,
    validate_envelope,
)

ARMOR = "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"


def revocation(**changes: object) -> dict[str, object]:
    statement = {
        "type": STATEMENT_TYPE,
        "kind": "revocation",
        "created": "2026-11-21T06:00:00Z",
        "seen_head": "a" * 40,
        "signer": "a.chen",
        "target": "b" * 64,
        "reason": "wrong file",
        **changes,
    }
    signature = {"signer": "a.chen", "key": "ssh-ed25519 AAAA", "signature": ARMOR}
    return {"statement": statement, "signatures": [signature]}


def test_canonical_json_is_rfc8785() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "é"]}) == b'{"a":[true,null,"\xc3\xa9"],"b":1}'


def test_integers_json_cannot_hold_exactly_are_bad_input() -> None:
    with pytest.raises(UsageError, match="cannot be signed as canonical JSON"):
        signed_bytes({"version": 2**60})


def test_the_real_cause_of_an_invalid_entry_is_named() -> None:
    with pytest.raises(
        IntegrityError,
        match=r"^invalid ledger entry at statement/reason: is longer than 2000 characters$",
    ):
        validate_envelope(revocation(reason="x" * 2001))


def test_a_valid_entry_passes() -> None:
    validate_envelope(revocation())


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(IntegrityError, match="Unevaluated properties are not allowed"):
        validate_envelope(revocation(extra=1))


def test_statement_times_read_back_as_utc() -> None:
    when = parse_statement_time("2026-11-21T06:14:44Z")
    assert when == datetime(2026, 11, 21, 6, 14, 44, tzinfo=UTC)
    assert when.tzinfo is UTC and format_time(when) == "2026-11-21T06:14:44Z"


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T06:14:44Z",  # no such day
        "2026-11-21T24:00:00Z",
        "2026-11-21T06:14:44+00:00",
        "2026-11-21T06:14:44z",
        "2026-11-21 06:14:44Z",
        "2026-11-21T06:14:44.5Z",
        "2026-11-21T06:14:44Z\n",
        "",
        None,
        1764000000,
    ],
)
def test_a_time_not_in_the_statement_format_is_refused(text: object) -> None:
    with pytest.raises(ValueError, match=r"does not match format|day is out of range|hour"):
        parse_statement_time(text)  # type: ignore[arg-type]
