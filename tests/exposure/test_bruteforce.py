"""Nothing a publisher (or anyone who clones the ledger) can read lets them test an A-number.

The A-number space is 10^9: small enough that a plain or unkeyed hash of a person in the
ledger, a cache or a report would give the person away. Trying all 10^9 candidates in a test
is out of reach, so this proves it in two cheaper ways, on a real ledger after a real request,
sign-offs and export of a workbook of persons, made through the CLI with the publisher's own
cache and state directories:

1. structurally: every byte a publisher can read (every git object of the ledger, every file
   of their caches and state, even a stolen copy of the privacy officer's index) holds none of
   the file's persons in any encoding (plain, the digits, the ``A`` form, the identity key, and
   sha256 / sha1 / md5 / blake2b / blake2s of the digits and of the ``A`` form, raw, hex and
   base64), and the only field of any statement that depends on the persons is age
   ciphertext, which the publisher's key cannot open;
2. by a real sweep: a block of 10^6 A-numbers around the persons' is hashed (sha256; 10^5 for
   the other usual hashes) and looked up among every hash-shaped value (hex or base64 of 16 to
   64 bytes) found in that material; a planted control shows the sweep finds one that is there.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from approval.demo.synthetic import detention_workbook, people
from approval.detect.identity import name as name_key
from approval.exposure.sealing import ExposureError, decrypt
from approval.signing import load_private_key
from approval.workflow.exposure import persons_exposures
from tests.support import KeyMaker
from tests.world import World

PERSONS = 40
HASHES: dict[str, Callable[[bytes], Any]] = {
    "sha256": hashlib.sha256,
    "sha1": hashlib.sha1,
    "md5": hashlib.md5,
    "blake2b": hashlib.blake2b,
    "blake2s": hashlib.blake2s,
}


def _encodings(digest: bytes) -> list[bytes]:
    return [
        digest[:12],
        digest.hex().encode(),
        digest.hex().upper().encode(),
        base64.b64encode(digest).rstrip(b"="),
        base64.urlsafe_b64encode(digest).rstrip(b"="),
    ]


def _forms(number: int) -> list[bytes]:
    return [f"{number:09d}".encode(), f"A{number:09d}".encode()]


def _readable(world: World, publisher_dirs: Iterable[Path], officer_cache: Path) -> bytes:
    """Every byte a publisher can read, decompressed where git compresses."""
    objects = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=world.ledger,
        capture_output=True,
        check=True,
    ).stdout
    assert b'"kind":"export"' in objects  # the ledger was read, not something empty
    files = [
        p.read_bytes()
        for directory in [world.ledger, *publisher_dirs, officer_cache]
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    ]
    assert any(p.name.startswith("exposure-") for p in officer_cache.rglob("*.idx"))
    return objects + b"\x00".join(files)


def _statements(world: World) -> list[dict[str, Any]]:
    from approval.ledger import Ledger

    with Ledger.open(world.ledger) as ledger:
        return [e.envelope.statement for e in ledger.entries()]


def _hash_shaped(haystack: bytes) -> set[bytes]:
    """Every value in ``haystack`` shaped like a digest: hex or base64 of 16 to 64 bytes."""
    found: set[bytes] = set()
    for token in re.findall(rb"[0-9a-fA-F]{32,128}", haystack):
        if len(token) in (32, 40, 64, 128):
            found.add(bytes.fromhex(token.decode()))
    for token in re.findall(rb"[A-Za-z0-9+/_-]{22,88}", haystack):
        padded = token.replace(b"-", b"+").replace(b"_", b"/") + b"=" * (-len(token) % 4)
        try:
            raw = base64.b64decode(padded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(raw) in (16, 20, 32, 64):
            found.add(raw)
    return found


def _sweep(numbers: range, shaped: set[bytes], algorithms: Iterable[str] = HASHES) -> list[int]:
    """The candidates whose digest, of either form and any of ``algorithms``, is among
    ``shaped``."""
    hits = []
    for algorithm in [HASHES[a] for a in algorithms]:
        for n in numbers:
            digits = b"%09d" % n
            if algorithm(digits).digest() in shaped or algorithm(b"A" + digits).digest() in shaped:
                hits.append(n)
    return hits


@pytest.fixture
def world(tmp_path: Path, make_key: KeyMaker, monkeypatch: pytest.MonkeyPatch) -> World:
    # The publisher's (and the officials') own cache and state: everything they write there.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "publisher-cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "publisher-state"))
    world = World(tmp_path, make_key)
    assert world.init().code == 0
    source = tmp_path / "stats.xlsx"
    detention_workbook(source, count=PERSONS)
    request = world.request(source)
    for who in ("o.privacy", "s.senior"):
        assert world.sign(request, who, "--file", str(source)).code == 0
    (tmp_path / "www").mkdir()
    done = world.run("export", source, "--to", tmp_path / "www", as_="p.publisher")
    assert done.code == 0, done.output
    assert world.run("audit").code == 0  # the audit's caches too
    return world


def test_no_statement_cache_or_index_lets_a_publisher_test_an_a_number_guess(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A privacy officer's index, in their own cache: even a stolen copy must not help.
    officer_cache = tmp_path / "officer-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(officer_cache))
    persons = people(PERSONS)
    found = persons_exposures(
        world.ledger, [persons[0].a_number], None, world.key("o.privacy").private, None
    )
    assert len(found.hits) == 1  # the record holds the persons: the officer reads them

    haystack = _readable(
        world, [tmp_path / "publisher-cache", tmp_path / "publisher-state"], officer_cache
    )
    for person in persons:
        number = int(person.a_number[1:])
        keys = [person.a_number, name_key(person.name, person.birthdate.isoformat())]
        needles = [*_forms(number), *(k.encode() for k in keys), person.name.encode()]
        for form in [*_forms(number), *(k.encode() for k in keys)]:
            for algorithm in HASHES.values():
                needles += _encodings(algorithm(form).digest())
        for needle in needles:
            assert needle not in haystack

    # The only person-dependent values in statements: age ciphertext the publisher cannot open.
    publisher = load_private_key(world.key("p.publisher").private)
    records = [s["exposure"] for s in _statements(world) if "exposure" in s]
    assert len(records) == 2  # the request's and the export's
    for exposure in records:
        ciphertext = base64.b64decode(exposure["record"])
        assert ciphertext.startswith(b"age-encryption.org/v1\n-> ssh-ed25519 ")
        assert hashlib.sha256(ciphertext).hexdigest() == exposure["record_sha256"]
        assert exposure["count"] == PERSONS
        with pytest.raises(ExposureError, match="cannot read"):
            decrypt(ciphertext, publisher)


@pytest.mark.slow
def test_a_sweep_of_a_million_a_numbers_finds_no_hash_of_a_person(
    world: World, tmp_path: Path
) -> None:
    # The ledger's objects and the publisher's own caches (no officer's index here).
    haystack = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch"],
        cwd=world.ledger,
        capture_output=True,
        check=True,
    ).stdout + b"\x00".join(
        p.read_bytes()
        for directory in (tmp_path / "publisher-cache", tmp_path / "publisher-state")
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    )
    shaped = _hash_shaped(haystack)
    assert len(shaped) > 10  # ids, key fingerprints, record hashes: the sweep has material
    first = int(people(PERSONS)[0].a_number[1:])
    # The control: a hash of a person planted among the values is found by the sweep.
    for algorithm in HASHES:
        planted = HASHES[algorithm](b"%09d" % first).hexdigest().encode()
        # On a line of its own: glued to the haystack's last bytes, it would be part of
        # another token (the haystack may end in hex digits), not a value that stands alone.
        alone = haystack + b"\n" + planted + b"\n"
        assert _sweep(range(first - 2, first + 3), _hash_shaped(alone)) == [first]
    # 10^6 candidates around the first person for sha256 (the usual unkeyed choice), 10^5 for
    # each other hash: ~4 s in all.
    assert _sweep(range(first - 500_000, first + 500_000), shaped, ["sha256"]) == []
    others = [a for a in HASHES if a != "sha256"]
    assert _sweep(range(first - 50_000, first + 50_000), shaped, others) == []
