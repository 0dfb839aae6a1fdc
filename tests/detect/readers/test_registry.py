"""The reader registry: every reader module listed, each reader deciding by bytes alone."""

from __future__ import annotations

import inspect
import random
from pathlib import Path

import approval.detect.readers as package
from approval.detect.readers import READER_MODULES, readers
from approval.detect.units import Probe


def test_every_reader_module_is_listed() -> None:
    here = Path(package.__file__).parent
    modules = {f"approval.detect.readers.{p.stem}" for p in here.glob("*.py")}
    listed = {m for m in modules if not m.rsplit(".", 1)[1].startswith("_")}
    assert set(READER_MODULES) == listed


def test_readers_take_a_probe_and_no_name() -> None:
    for reader in readers():
        assert list(inspect.signature(reader.accepts).parameters) == ["probe"], reader.name
        assert all(isinstance(name, str) for name in getattr(reader, "subsumes", frozenset()))


def test_no_reader_fails_to_tell_on_any_bytes() -> None:
    rng = random.Random(12)
    heads = [b"", b"\x00", b"PK\x03\x04", b"%PDF-", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
    heads += [rng.randbytes(rng.randrange(1, 9000)) for _ in range(20)]
    for head in heads:
        probe = Probe(head=head[:8192], size=len(head), tail=head[8192:])
        for reader in readers():
            assert isinstance(reader.accepts(probe), bool), reader.name
