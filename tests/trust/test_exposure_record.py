"""An exposure record is admitted only as an age file encrypted to the keys it names.

Records are made by the writer itself (``approval.exposure.record.seal_persons``, pyrage) to
real ssh-ed25519 and ssh-rsa keys; each passes. Then the ways a rogue client could put the
persons in the ledger readable, under a matching sha256, are each refused (exit 3), the plain
list first.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Callable
from typing import Any

import pytest

from approval.exposure.record import seal_persons
from approval.statements.kinds import Exposure
from approval.trust import agefile
from approval.trust.failure import AuditFailure, Rule
from tests.audit.conftest import Story
from tests.support import KeyMaker
from tests.trust.rogue import Rogue

PERSONS = [("A212345678", "N:garcia maria|B:1985-03-02"), ("A212345679",)]


@pytest.fixture(scope="module")
def rogue(story: Story) -> Rogue:
    return Rogue.of(story)


@pytest.fixture(scope="module")
def keys(make_key: KeyMaker) -> list[str]:
    """Two ed25519 keys and an RSA key, as ``type base64``."""
    made = [make_key("x.one"), make_key("x.two"), make_key("x.rsa", kind="rsa")]
    return [" ".join(k.public.split()[:2]) for k in made]


def _sealed(persons: Any, keys: list[str]) -> tuple[bytes, Exposure]:
    exposure = seal_persons(persons, keys)
    return base64.b64decode(exposure.record), exposure


@pytest.mark.parametrize("count", [0, 1, 40])
@pytest.mark.parametrize("recipients", [1, 2, 3])
def test_every_record_the_writer_makes_passes(keys: list[str], count: int, recipients: int) -> None:
    """Any number of persons to any of the keys, and each time anew: the grease stanza age
    adds is random in type, arguments and length."""
    rng = random.Random(count * 10 + recipients)
    persons = [(f"A{rng.randrange(10**8, 10**9)}",) for _ in range(count)]
    for _ in range(10):
        data, exposure = _sealed(persons, keys[:recipients])
        agefile.check(data, exposure.recipients)


def test_a_record_of_several_chunks_passes(keys: list[str]) -> None:
    rng = random.Random(7)
    persons = [(f"A{rng.randrange(10**8, 10**9)}",) for _ in range(16_000)]
    data, exposure = _sealed(persons, keys)
    assert len(data) - _header_end(data) > 16 + 65552  # more than one 64 KiB chunk
    agefile.check(data, exposure.recipients)


Mutation = Callable[[bytes], bytes]


def _header_end(data: bytes) -> int:
    return data.index(b"\n", data.index(b"\n--- ") + 1) + 1


def _stanza_lines(data: bytes) -> list[bytes]:
    return data[: _header_end(data)].split(b"\n")


def _without_first_stanza(data: bytes) -> bytes:
    lines = _stanza_lines(data)
    return b"\n".join(lines[:1] + lines[3:]) + data[_header_end(data) :]


def _with(data: bytes, line: bytes, at: int = 1) -> bytes:
    lines = _stanza_lines(data)
    return b"\n".join([*lines[:at], line, *lines[at:]]) + data[_header_end(data) :]


MUTATIONS: dict[str, tuple[Mutation, str]] = {
    "plain list": (
        lambda d: b"Maria Garcia\tA212345678\t1985-03-02\n" * 3,
        "does not begin with the age header",
    ),
    "armored": (
        lambda d: b"-----BEGIN AGE ENCRYPTED FILE-----\n" + base64.encodebytes(d),
        "does not begin with the age header",
    ),
    "no MAC": (lambda d: d[: d.index(b"\n--- ")], "no MAC line"),
    "a named key's stanza left out": (_without_first_stanza, "do not match"),
    "a stanza for another key": (
        lambda d: _with(d, b"-> ssh-ed25519 AAAAAA " + b"A" * 43 + b"\n" + b"A" * 43),
        "do not match",
    ),
    "an X25519 stanza": (
        lambda d: _with(d, b"-> X25519 " + b"A" * 43 + b"\n" + b"A" * 43),
        "a stanza the writer does not make",
    ),
    "a second grease": (lambda d: _with(d, b"-> a-grease\n"), "a stanza the writer does not make"),
    "plain text in a grease": (
        lambda d: _with(d, b"-> A212345678-grease Maria Garcia\n"),
        "the writer does not make",
    ),
    "a body not wrapped": (
        lambda d: _with(d, b"-> ssh-rsa AAAAAA\n" + b"A" * 80 + b"\n"),
        "a stanza the writer does not make",
    ),
    "an RSA body too short": (
        lambda d: _with(d, b"-> ssh-rsa AAAAAA\n" + b"A" * 40),
        "not an RSA ciphertext",
    ),
    "a share not in canonical base64": (
        lambda d: d.replace(_stanza_lines(d)[1], _stanza_lines(d)[1][:-1] + b"B", 1),
        "a stanza the writer does not make",
    ),
    "a short MAC": (
        lambda d: d.replace(d[d.index(b"\n--- ") : _header_end(d) - 1], b"\n--- AAAA"),
        "MAC is not 32 bytes",
    ),
    "a payload cut short": (lambda d: d[: _header_end(d) + 16 + 15], "payload is not a nonce"),
    "a payload with a broken chunk": (
        lambda d: d[: _header_end(d)] + b"\x00" * (16 + 65552 + 7),
        "payload is not a nonce",
    ),
    "a payload of an empty last chunk": (
        lambda d: d[: _header_end(d)] + b"\x00" * (16 + 65552 + 16),
        "payload is not a nonce",
    ),
    "non-canonical base64": (
        lambda d: d.replace(
            d[d.index(b"\n--- ") : _header_end(d) - 1], b"\n--- " + b"A" * 42 + b"B"
        ),
        "MAC is not 32 bytes of canonical base64",
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_record_not_shaped_as_the_writers_is_refused(keys: list[str], mutation: str) -> None:
    data, exposure = _sealed(PERSONS, keys[:2])
    change, why = MUTATIONS[mutation]
    changed = change(data)
    with pytest.raises(agefile.NotAge, match=why) as refused:
        agefile.check(changed, exposure.recipients)
    assert "A2123" not in str(refused.value) and "Garcia" not in str(refused.value)


def test_a_writers_record_named_to_other_keys_is_refused(keys: list[str]) -> None:
    data, exposure = _sealed(PERSONS, keys[:2])
    agefile.check(data, exposure.recipients)
    other = _sealed(PERSONS, keys[2:])[1].recipients
    with pytest.raises(agefile.NotAge, match="do not match"):
        agefile.check(data, other)
    with pytest.raises(agefile.NotAge, match="do not match"):
        agefile.check(data, exposure.recipients[:1])


def _request(rogue: Rogue, record: bytes, recipients: tuple[str, ...]) -> dict[str, Any]:
    exposure = {
        "record_sha256": hashlib.sha256(record).hexdigest(),
        "recipients": list(recipients),
        "count": len(PERSONS),
        "record": base64.b64encode(record).decode("ascii"),
    }
    return rogue.request(exposure=exposure)


def test_the_verifier_admits_a_writers_record_and_refuses_a_plain_one(rogue: Rogue) -> None:
    """A request (a publisher's real key) whose record is the writer's is admitted; one whose
    record is the persons in plain text, with its sha256, is refused naming the record, and
    never the persons."""
    officers = [" ".join(rogue.story.world.key(o).public.split()[:2]) for o in ("o.privacy",)]
    data, exposure = _sealed(PERSONS, officers)
    verifier = rogue.fresh()
    rogue.say(verifier, "request", "p.publisher", **_request(rogue, data, exposure.recipients))

    plain = b"Maria Garcia\tA212345678\t1985-03-02\nJose Hernandez\tA212345679\n"
    verifier = rogue.fresh()
    with pytest.raises(AuditFailure) as refused:
        rogue.say(verifier, "request", "p.publisher", **_request(rogue, plain, exposure.recipients))
    assert refused.value.rule is Rule.TRUST
    assert "exposure record is not an age file encrypted to the keys it names" in str(
        refused.value.problem
    )
    assert "A2123" not in refused.value.message and "Garcia" not in refused.value.message
    assert verifier.count == rogue.base.count
