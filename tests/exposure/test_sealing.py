"""Exposure records (issue 16): readable with a privacy officer's key, by nobody else, and
holding nothing that can be tested against guesses."""

from __future__ import annotations

import hashlib
import itertools
import zlib

import pytest

from approval.exposure.sealing import (
    ExposureError,
    decrypt,
    decrypt_groups,
    encrypt,
    plaintext,
    recipients_usable,
)
from approval.signing import load_private_key
from tests.support import KeyMaker

PERSONS = [f"a:A{n:09d}" for n in (201234567, 201234568, 209999999)] + ["nb:maria lopez|1990-03-04"]


def test_a_privacy_officer_reads_what_a_publisher_wrote(make_key: KeyMaker) -> None:
    officer, other = make_key("o.privacy"), make_key("o.second", "rsa")
    record = encrypt(PERSONS + PERSONS[:1], [officer.public, other.public])
    for pair in (officer, other):
        assert decrypt(record, load_private_key(pair.private)) == sorted(set(PERSONS))


def test_a_publishers_key_reads_nothing(make_key: KeyMaker) -> None:
    officer, publisher = make_key("o.privacy"), make_key("p.publisher")
    record = encrypt(PERSONS, [officer.public])
    with pytest.raises(ExposureError, match="cannot read") as raised:
        decrypt(record, load_private_key(publisher.private))
    assert "A2012" not in raised.value.message and "lopez" not in raised.value.message


def test_the_ciphertext_holds_nothing_to_test_guesses_against(make_key: KeyMaker) -> None:
    """Everything a publisher has (the record, the persons' A-number block) gives no hash or
    fragment of any person: every A-number of the block, in every usual form and hash, is
    looked for in the record and in a second record of the same persons."""
    officer = make_key("o.privacy")
    first, second = encrypt(PERSONS, [officer.public]), encrypt(PERSONS, [officer.public])
    assert first != second  # a fresh file key each time: equal persons, unrelated bytes
    haystack = first + second
    for n in range(201_230_000, 201_240_000):  # the block the persons' A-numbers are in
        for form in (f"{n:09d}", f"A{n:09d}", f"a:A{n:09d}"):
            raw = form.encode()
            assert raw not in haystack
            for digest in (hashlib.sha256(raw).digest(), hashlib.sha1(raw).digest()):  # noqa: S324
                assert digest[:8] not in haystack
    # The plaintext, which only the officer's key reveals, is where the persons are.
    assert zlib.decompress(plaintext(PERSONS)).count(b"a:A") == 3


def test_keys_age_cannot_encrypt_to_are_named(make_key: KeyMaker) -> None:
    ecdsa = make_key("o.ecdsa", "ecdsa")
    usable, unusable = recipients_usable([ecdsa.public, make_key("o.privacy").public])
    assert unusable == [ecdsa.public] and len(usable) == 1
    with pytest.raises(ExposureError, match="no privacy officer"):
        encrypt(PERSONS, [ecdsa.public])


def test_a_damaged_or_oversized_record_is_refused_without_data(
    make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = make_key("o.privacy")
    key = load_private_key(officer.private)
    record = encrypt(PERSONS, [officer.public])
    with pytest.raises(ExposureError):
        decrypt(record[:-20], key)
    from approval.exposure import sealing

    monkeypatch.setattr(sealing, "MAX_PLAINTEXT", 1000)
    bomb = zlib.compress(b"[" + b" " * 5000 + b"]", 9)
    with pytest.raises(ExposureError, match="expands past"):
        sealing._persons(bomb)


def test_the_same_persons_make_the_same_plaintext() -> None:
    shuffled = list(itertools.chain(reversed(PERSONS), PERSONS))
    assert plaintext(shuffled) == plaintext(PERSONS)


def test_a_record_holds_each_person_with_all_their_keys(make_key: KeyMaker) -> None:
    officer = make_key("o.privacy")
    maria = ("A012345678", "N:garcia maria|B:1990-04-02")
    record = encrypt(
        [maria, "A201234567", ("A012345678", "N:garcia maria|F:otay mesa")], [officer.public]
    )
    key = load_private_key(officer.private)
    assert decrypt_groups(record, key) == [
        ("A012345678", "N:garcia maria|B:1990-04-02", "N:garcia maria|F:otay mesa"),
        ("A201234567",),
    ]
    assert decrypt(record, key) == ["A012345678", "A201234567"]


def test_a_version_1_record_is_still_read(make_key: KeyMaker) -> None:
    import json

    import pyrage

    officer = make_key("o.privacy")
    old = json.dumps({"v": 1, "persons": ["A012345678", "N:ana lopez|B:1985-11-30"]})
    recipient = pyrage.ssh.Recipient.from_str(" ".join(officer.public.split()[:2]))
    record = bytes(pyrage.encrypt(zlib.compress(old.encode()), [recipient]))
    key = load_private_key(officer.private)
    assert decrypt_groups(record, key) == [("A012345678",), ("N:ana lopez|B:1985-11-30",)]
    future = json.dumps({"v": 3, "persons": [["A012345678"]]})
    with pytest.raises(ExposureError, match="damaged"):
        decrypt(bytes(pyrage.encrypt(zlib.compress(future.encode()), [recipient])), key)
