"""An entry file is accepted exactly when it is its envelope's canonical form, and its
statement id is the sha256 of the statement's canonical bytes: the parser builds the expected
bytes around the statement's own encoding (encoded once), and must agree with
``Envelope.to_json`` on every file, canonical or not."""

from __future__ import annotations

import json

import pytest

from approval.errors import IntegrityError
from approval.ledger.storage import _parse_entry
from approval.signing import PrivateKey
from approval.statements import Envelope

from .envelopes import revocation


def _variants(envelope: Envelope) -> list[bytes]:
    """The canonical file and near misses of it that a hand edit or another encoder makes."""
    raw = envelope.to_json()
    doc = json.loads(raw)
    return [
        raw,
        raw[:-1],  # no newline
        raw + b"\n",  # two
        raw.replace(b'","', b'", "', 1),  # a space
        json.dumps(doc, sort_keys=False, separators=(",", ":")).encode() + b"\n",  # key order
        json.dumps(doc, sort_keys=True, separators=(",", ":")).encode() + b"\n",  # \u escapes
        json.dumps(doc, sort_keys=True, indent=1).encode() + b"\n",
        raw.replace(b'{"signatures":', b'{"statement":{},"signatures":', 1),
    ]


@pytest.mark.parametrize("tag", ["plain", "café ünïcödé", 'tab\tand "quote"', "😀 astral"])
def test_accepts_exactly_what_canonical_form_gives(key: PrivateKey, tag: str) -> None:
    envelope = revocation(key, tag)
    for raw in _variants(envelope):
        canonical = raw == envelope.to_json()
        try:
            parsed, statement_id = _parse_entry(raw, "blob", None)
        except IntegrityError:
            assert not canonical, raw
            continue
        assert canonical, raw
        assert statement_id == envelope.id
        assert parsed.statement == envelope.statement
