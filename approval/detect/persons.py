"""Distinct persons' keys in bounded memory, counted exactly.

A Python ``set`` of int keys costs about 70 bytes a key (the table and an int object each): a
262 MB CSV of 2.64 million persons peaked at 300 MB. A ``KeyStore`` keeps the keys a tally
counts (``report.Tally``; unsigned 64-bit integers) in three tiers:

- the keys met lately, in a set (``update`` stays at C speed, and a file that repeats its
  persons within a few thousand rows never gets further);
- past ``recent`` of them, a sorted, deduplicated run of 8-byte keys (``array('Q')``);
- past ``memory`` keys in runs, those runs merged (deduplicated again) into one run written to
  an unnamed temporary file, sealed with a per-process key (an A-number is protected data,
  even in a temporary file), and read back a range of keys at a time.

Counting goes by ranges of key values (``ranges``): every store's keys in ``[lo, hi)`` fit in
a set of about ``CHUNK`` keys, so a count, and a difference with a stricter class's keys, is
exact in bounded memory whatever the number of persons. Every run keeps the first key of each
block of ``STEP`` keys: that sparse index finds a range's keys in a run and picks the ranges.

``Links`` holds the tally's links of weaker keys to stronger ones (a name to its A-number), which
are looked up as records stream past: a dict for the first ``FAST_LINKS``, then open-addressing
tables of 8-byte keys and values, 21 to 32 bytes a link instead of 110 (a million persons named
with birthdate and facility make two million links; the tally stops linking at
``report.ALIAS_LIMIT``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice, pairwise
from typing import IO, overload

END = 1 << 64  # keys are unsigned 64-bit integers: every key is below this
STEP = 1024  # keys per block of a run: the sparse index holds every STEP-th key
BLOCK = STEP * 8  # bytes of a block on disk
RECENT = 1 << 16  # keys in the set of recent keys (about 5 MB) before they become a run
# Keys in runs in memory (16 MB) before they go to the temporary file: a file of a million
# persons is counted without sealing, writing and reading back a run (5% of its scan).
MEMORY = 1 << 21
CHUNK = 1 << 17  # keys (across stores) one range of a count holds, about (a 10 MB set)


class _Run:
    """Sorted, distinct keys: in memory, or sealed blocks of the store's temporary file."""

    __slots__ = ("keys", "length", "marks", "number", "offset")

    def __init__(self, keys: array[int] | None, marks: array[int], length: int) -> None:
        self.keys = keys  # None: on disk
        self.marks = marks  # the first key of each block of STEP keys
        self.length = length
        self.offset = 0  # on disk: where its first block starts
        self.number = 0  # on disk: which run of the file (the blocks' seal depends on it)


def _marks(keys: array[int]) -> array[int]:
    return keys[::STEP]


class KeyStore:
    """Distinct keys (unsigned 64-bit), exact; memory bounded by ``recent`` and ``memory``
    keys, the rest on disk. Mutable, private to one scan."""

    def __init__(self, *, recent: int = RECENT, memory: int = MEMORY, chunk: int = CHUNK) -> None:
        self.recent: set[int] = set()
        self.chunk = chunk  # keys in a range, when counting or merging (``ranges``)
        self._limit = recent
        self._memory = memory
        self._runs: list[_Run] = []
        self._in_memory = 0  # keys in runs in memory
        self._file: IO[bytes] | None = None
        self._secret = b""
        self._size = 0  # bytes written to the file

    def add(self, key: int) -> None:
        recent = self.recent
        recent.add(key)
        if len(recent) >= self._limit:
            self._flush()

    def update(self, keys: Iterable[int]) -> None:
        """Add a few keys (a batch of rows: they all go to the set before it is checked)."""
        recent = self.recent
        recent.update(keys)
        if len(recent) >= self._limit:
            self._flush()

    def extend(self, keys: Iterable[int]) -> None:
        """Add any number of keys, ``recent`` at a time."""
        keys = iter(keys)
        while chunk := list(islice(keys, self._limit)):
            self.update(chunk)

    def __bool__(self) -> bool:
        return bool(self.recent or self._runs)

    def held(self) -> int:
        """Keys held, a key in two tiers counted twice: at least the distinct keys."""
        return len(self.recent) + sum(r.length for r in self._runs)

    def __iter__(self) -> Iterator[int]:
        """Every key, some maybe more than once (a key in two runs)."""
        yield from self.recent
        for run in self._runs:
            if run.keys is not None:
                yield from run.keys
            else:  # a few blocks at a time: a run on disk may not fit in memory
                blocks = (run.length + STEP - 1) // STEP
                for first in range(0, blocks, 64):
                    yield from self._read(run, first, min(first + 64, blocks))

    def finish(self) -> None:
        """Make the recent keys a run, so that every key is in a run (``ranges``)."""
        if self.recent:
            self._flush()

    def marks(self) -> Iterator[int]:
        return chain.from_iterable(r.marks for r in self._runs)

    def between(self, lo: int, hi: int) -> set[int]:
        """The distinct keys in ``[lo, hi)``; every key when the range is ``[0, END)`` (the
        set of recent keys itself when there is no run: read it, never change it)."""
        whole = lo == 0 and hi == END
        if whole and not self._runs:
            return self.recent
        found: list[Iterable[int]] = [
            self.recent if whole else {k for k in self.recent if lo <= k < hi}
        ]
        found += (self._slice(run, lo, hi) for run in self._runs)
        return set(chain.from_iterable(found))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    # ---- runs

    def _flush(self) -> None:
        keys = array("Q", sorted(self.recent))
        self.recent.clear()
        self._runs.append(_Run(keys, _marks(keys), len(keys)))
        self._in_memory += len(keys)
        if self._in_memory >= self._memory:
            self._spill()

    def _spill(self) -> None:
        """Merge the runs in memory into one, deduplicated, written to the temporary file."""
        held = [r for r in self._runs if r.keys is not None]
        self._runs = [r for r in self._runs if r.keys is None]
        self._in_memory = 0
        if self._file is None:
            # Unnamed where the system allows it, and gone when closed (``close``, or when the
            # store is collected) or when the process ends.
            self._file = tempfile.TemporaryFile(prefix="approval-keys-")  # noqa: SIM115
            self._secret = secrets.token_bytes(32)
        run = _Run(None, array("Q"), 0)
        run.offset = self._size
        run.number = len(self._runs)  # the runs left are on disk: a number of its own
        pending = array("Q")  # keys not yet written: less than a block
        for lo, hi in _bounds(chain.from_iterable(r.marks for r in held), len(held), self.chunk):
            slices = (_slice(r.keys, lo, hi) for r in held if r.keys is not None)
            pending.extend(sorted(set(chain.from_iterable(slices))))
            whole = len(pending) - len(pending) % STEP
            self._write(run, pending[:whole])
            del pending[:whole]
        self._write(run, pending)
        self._file.flush()  # read back with ``os.pread``, past the file object's buffer
        self._runs.append(run)

    def _write(self, run: _Run, keys: array[int]) -> None:
        """Append whole blocks (or the last, short one) to ``run``, sealed."""
        assert self._file is not None
        for at in range(0, len(keys), STEP):
            block = keys[at : at + STEP]
            run.marks.append(block[0])
            data = self._seal(run.number, run.length // STEP, block.tobytes())
            self._file.write(data)
            self._size += len(data)
            run.length += len(block)

    def _seal(self, number: int, block: int, data: bytes) -> bytes:
        """XOR with a keystream of the run and block (SHAKE-256 of the process's secret): the
        same call seals and unseals."""
        seed = self._secret + number.to_bytes(8, "little") + block.to_bytes(8, "little")
        pad = hashlib.shake_256(seed).digest(len(data))
        mixed = int.from_bytes(data, "little") ^ int.from_bytes(pad, "little")
        return mixed.to_bytes(len(data), "little")

    def _read(self, run: _Run, first: int, last: int) -> array[int]:
        """Blocks ``first`` to ``last`` (excluded) of a run on disk, unsealed."""
        assert self._file is not None
        out = array("Q")
        if last <= first:
            return out
        start = run.offset + first * BLOCK
        size = min(last * STEP, run.length) * 8 - first * BLOCK
        data = os.pread(self._file.fileno(), size, start)
        for n, at in enumerate(range(0, len(data), BLOCK)):
            out.frombytes(self._seal(run.number, first + n, data[at : at + BLOCK]))
        return out

    def _slice(self, run: _Run, lo: int, hi: int) -> array[int]:
        if run.keys is not None:
            return _slice(run.keys, lo, hi)
        # Blocks before the last that starts at or below ``lo`` hold only smaller keys; blocks
        # that start at ``hi`` or above only larger ones.
        first = max(bisect_right(run.marks, lo) - 1, 0)
        last = bisect_left(run.marks, hi)
        return _slice(self._read(run, first, last), lo, hi)


def _slice(keys: array[int], lo: int, hi: int) -> array[int]:
    return keys[bisect_left(keys, lo) : bisect_left(keys, hi)]


def _bounds(marks: Iterable[int], runs: int, chunk: int) -> list[tuple[int, int]]:
    """Ranges of keys covering ``[0, END)``, each with about ``chunk`` keys of the runs whose
    sparse indexes are ``marks`` (every mark stands for at most STEP keys)."""
    every = max(1, chunk // STEP - runs)  # a range may take a part block from each run
    points = sorted(set(marks))[every::every]
    edges = [0, *points, END]
    return list(pairwise(edges))


def ranges(stores: Sequence[KeyStore], chunk: int | None = None) -> list[tuple[int, int]]:
    """Ranges of keys covering ``[0, END)`` such that each holds about ``chunk`` keys (by
    default the stores' own) of the stores together: one range when they are small."""
    if chunk is None:
        chunk = min((s.chunk for s in stores), default=CHUNK)
    if sum(s.held() for s in stores) <= chunk:
        return [(0, END)]
    for store in stores:
        store.finish()
    runs = sum(len(s._runs) for s in stores)
    return _bounds(chain.from_iterable(s.marks() for s in stores), runs, chunk)


# ---------------------------------------------------------------------------------------------
# Links of weaker keys to stronger ones (``Tally.alias``)

FAST_LINKS = 1 << 17  # links in a dict (fast, ~110 bytes a link) before the compact tables
_FIRST_SLOTS = 8192  # of each shard: 4 MB in all, grown 1.5 times at a time past 3/4 full
_SHARDS = 32  # the compact tables grow one shard at a time: a small copy, never the whole
_SHARD_BITS = 5
_SHARD_SHIFT = 64 - _SHARD_BITS
_BELOW_SHARD = (1 << _SHARD_SHIFT) - 1
_GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing: keys that are counters spread out too
_M64 = (1 << 64) - 1


class _Table:
    """Open addressing, linear probing: a key stored plus one (0: empty), its value plus one
    (so that -1, an ambiguous link, is 0). The probe loops are written out where they are
    used: a method call per probe was a third of the cost."""

    __slots__ = ("count", "keys", "size", "values")

    def __init__(self, size: int) -> None:
        self.size = size
        self.count = 0
        self.keys = array("Q", bytes(8 * size))
        self.values = array("Q", bytes(8 * size))


class Links:
    """A map of keys to keys (``-1`` allowed as a value) in 21 to 32 bytes a link past the
    first ``fast`` (which a dict holds at C speed), and of at most ``limit`` links: a file
    naming a million persons by name, birthdate and facility makes two million links, 220 MB
    as a dict of ints."""

    def __init__(
        self, fast: int = FAST_LINKS, slots: int = _FIRST_SLOTS, limit: int | None = None
    ) -> None:
        self._dict: dict[int, int] = {}
        self._fast = fast if limit is None else min(fast, limit)
        self._slots = slots  # of each shard's table at first
        self._limit = limit
        self._tables: list[_Table] = []
        self._more = 0

    def __len__(self) -> int:
        return len(self._dict) + self._more

    def __bool__(self) -> bool:
        return bool(self._dict)

    @overload
    def get(self, key: int) -> int | None: ...
    @overload
    def get(self, key: int, default: int) -> int: ...
    def get(self, key: int, default: int | None = None) -> int | None:
        value = self._dict.get(key)
        if value is None and self._tables:
            hashed = (key * _GOLDEN) & _M64
            table = self._tables[hashed >> _SHARD_SHIFT]
            keys, size, stored = table.keys, table.size, key + 1
            at = ((hashed & _BELOW_SHARD) * size) >> _SHARD_SHIFT
            while (found := keys[at]) and found != stored:
                at = at + 1 if at + 1 < size else 0
            if found:
                value = table.values[at] - 1
        return default if value is None else value

    def setdefault(self, key: int, value: int) -> int:
        """The key's value; else ``value``, after linking the key to it (unless ``limit`` links
        are made already): one look-up for both."""
        links = self._dict
        known = links.get(key)
        if known is not None:
            return known
        if len(links) < self._fast:
            links[key] = value
            return value
        if not self._tables:
            self._tables = [_Table(self._slots) for _ in range(_SHARDS)]
        hashed = (key * _GOLDEN) & _M64
        shard = hashed >> _SHARD_SHIFT
        table = self._tables[shard]
        keys, size, stored = table.keys, table.size, key + 1
        at = ((hashed & _BELOW_SHARD) * size) >> _SHARD_SHIFT
        while (found := keys[at]) and found != stored:
            at = at + 1 if at + 1 < size else 0
        if found:
            return table.values[at] - 1
        if self._limit is not None and len(links) + self._more >= self._limit:
            return value  # not linked: past the limit, a person may count twice
        if 4 * (table.count + 1) > 3 * size:  # past 3/4 full: half as many slots more
            table = self._tables[shard] = _grown(table)
            keys, size = table.keys, table.size
            at = ((hashed & _BELOW_SHARD) * size) >> _SHARD_SHIFT
            while keys[at]:
                at = at + 1 if at + 1 < size else 0
        keys[at] = stored
        table.values[at] = value + 1
        table.count += 1
        self._more += 1
        return value

    def __setitem__(self, key: int, value: int) -> None:
        """Change a link made (``setdefault`` makes them)."""
        links = self._dict
        if key in links:
            links[key] = value
            return
        hashed = (key * _GOLDEN) & _M64
        table = self._tables[hashed >> _SHARD_SHIFT] if self._tables else None
        if table is None:
            raise KeyError(key)
        keys, size, stored = table.keys, table.size, key + 1
        at = ((hashed & _BELOW_SHARD) * size) >> _SHARD_SHIFT
        while (found := keys[at]) and found != stored:
            at = at + 1 if at + 1 < size else 0
        if not found:
            raise KeyError(key)
        table.values[at] = value + 1


def _grown(table: _Table) -> _Table:
    size = table.size * 3 // 2
    bigger = _Table(size)
    keys, values = bigger.keys, bigger.values
    for stored, value in zip(table.keys, table.values, strict=True):
        if stored:
            at = ((((stored - 1) * _GOLDEN) & _BELOW_SHARD) * size) >> _SHARD_SHIFT
            while keys[at]:
                at = at + 1 if at + 1 < size else 0
            keys[at] = stored
            values[at] = value
    bigger.count = table.count
    return bigger
