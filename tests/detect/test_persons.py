"""The key store behind distinct-person counting: exact counts whatever the bounds (recent
keys, runs in memory, the sealed temporary file), and the tally's rules kept on top of it."""

from __future__ import annotations

import itertools
import random

import pytest

from approval.detect.persons import END, STEP, KeyStore, Links, ranges
from approval.detect.report import WEAK_KEYS, Tally


def small() -> KeyStore:
    """A store that makes runs after 64 keys and spills past 256: every tier in use."""
    return KeyStore(recent=64, memory=256, chunk=3 * STEP)


def distinct(store: KeyStore) -> set[int]:
    return set().union(*(store.between(lo, hi) for lo, hi in ranges([store], store.chunk)))


def test_a_store_that_stays_small_is_the_set_itself() -> None:
    store = KeyStore()
    store.update([5, 3, 5])
    store.add(3)
    assert store.between(0, END) is store.recent == {3, 5}
    assert ranges([store]) == [(0, END)]


@pytest.mark.parametrize("count", [1, 63, 64, 65, 300, 5000])
def test_counts_are_exact_across_runs_and_the_spill(count: int) -> None:
    rng = random.Random(count)
    keys = [rng.randrange(1, 1 << 61) for _ in range(count)]
    store = small()
    # Every key three times, in three orders, and the A-number range mixed in: duplicates
    # across the recent set, runs in memory and runs on disk.
    for round_ in range(3):
        rng.shuffle(keys)
        store.update(keys[:10])
        for key in keys[10:]:
            store.add(key)
        store.add(round_ + 212_345_678)
    assert distinct(store) == {*keys, 212_345_678, 212_345_679, 212_345_680}
    store.close()


def test_a_large_store_spills_to_a_sealed_file() -> None:
    keys = list(range(212_000_000, 212_000_000 + 3000))
    store = small()
    store.extend(keys)
    assert store._file is not None  # past ``memory`` keys: on disk
    data = store._file.read() if store._file.seek(0) == 0 else b""
    assert len(data) >= 8 * 256
    # The A-numbers are not in the file as they are (nor in the other byte order).
    for key in keys[:300]:
        assert key.to_bytes(8, "little") not in data
        assert key.to_bytes(8, "big") not in data
    assert sorted(distinct(store)) == keys
    assert sorted(set(store)) == keys  # every key, for the aliases to map
    store.close()


def test_ranges_cover_every_key_once_and_stay_near_the_chunk() -> None:
    rng = random.Random(7)
    stores = [small() for _ in range(3)]
    for n, store in enumerate(stores):
        store.extend(rng.randrange(0, END) for _ in range(2000 * (n + 1)))
    spans = ranges(stores, 3 * STEP)
    assert spans[0][0] == 0 and spans[-1][1] == END
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert len(spans) > 2
    for lo, hi in spans:
        # About a chunk each: the marks' blocks, and a part block from every run at the edges.
        held = sum(len(s.between(lo, hi)) for s in stores)
        runs = sum(len(s._runs) for s in stores)
        assert held <= 3 * STEP + (runs + 1) * STEP


def test_the_strictest_class_keeps_a_person_found_in_two() -> None:
    tally = Tally(["protected-person", "personal-data"], keys=small)
    both = list(range(100, 2100))  # 2,000 persons in both classes
    tally.add_persons("personal-data", both + list(range(5000, 6000)))
    tally.add_persons("protected-person", both)
    assert tally.classes() == {"protected-person": 2000, "personal-data": 1000}


def test_aliases_resolve_across_the_spill() -> None:
    """Persons numbered in one sheet and named (with their birthdates) in another are one
    person each, however many: the names link to the numbers."""
    tally = Tally(["protected-person"], keys=small)
    count = 1500
    for n in range(count):
        named = WEAK_KEYS + 10 * n + 1
        tally.add_person("protected-person", [212_000_000 + n, named])
    for n in range(count):
        tally.add_person("protected-person", [WEAK_KEYS + 10 * n + 1])  # by name only
    tally.add_person("protected-person", [WEAK_KEYS + 3])  # someone named only, once
    assert tally.classes() == {"protected-person": count + 1}


def test_links_are_a_map_past_the_dict_and_across_growth() -> None:
    rng = random.Random(11)
    links = Links(fast=100, slots=16)  # tables that grow many times
    expected: dict[int, int] = {}
    for n in range(20_000):
        key = rng.randrange(0, 1 << 61) if n % 3 else 212_000_000 + n  # hashes and counters
        value = -1 if n % 7 == 0 else rng.randrange(0, 1 << 61)
        assert links.setdefault(key, value) == value  # not linked yet: linked now
        expected[key] = value
    for key in rng.sample(sorted(expected), 500):
        links[key] = expected[key] = -1  # made ambiguous later, in the dict or a table
    assert len(links) == len(expected)
    assert all(links.get(k) == v for k, v in expected.items())
    assert links.get(5) is None and links.get(5, -1) == -1
    key = next(iter(expected))
    assert links.setdefault(key, 12345) == expected[key]  # linked already: kept


def test_a_long_run_on_disk_is_read_back_a_few_blocks_at_a_time() -> None:
    store = KeyStore(recent=1 << 13, memory=1 << 17, chunk=1 << 14)
    store.extend(range(1, 200_001))
    on_disk = [r for r in store._runs if r.keys is None]
    assert on_disk and on_disk[0].length > 64 * STEP
    assert set(store) == set(range(1, 200_001))
    assert len(distinct(store)) == 200_000
    store.close()


def test_links_stop_at_their_limit_and_change_only_what_is_linked() -> None:
    links = Links(fast=10, slots=16, limit=50)
    for key in range(100):
        assert links.setdefault(key, key + 1000) == key + 1000
    assert len(links) == 50
    assert links.get(49) == 1049 and links.get(50) is None  # the first 50 only
    links[20] = -1
    links[45] = -1
    assert links.get(20) == -1 and links.get(45) == -1
    with pytest.raises(KeyError):
        links[70] = 1
