"""What a fresh clone takes from a checkpoint, and what it never does: the roster (who may sign
after the head) comes from the verified chain of adoptions, never the carried state; a checkpoint
signed with a key the roster in force names compromised counts for nothing; and a witness
vouches only for a state its own client replayed from the first entry."""

from __future__ import annotations

import copy
import dataclasses
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from approval.errors import IntegrityError
from approval.statements import now
from approval.trust.failure import AuditFailure
from approval.trust.state import Adoption
from approval.workflow.checkpoint import make_checkpoint
from tests.support import KeyMaker
from tests.workflow.test_checkpoint import (
    WITNESSES,
    _adoption,
    _build,
    _forge,
    _fresh_clone,
    _open,
    _request,
)
from tests.world import CAST, World


@pytest.fixture
def world(tmp_path: Any, make_key: KeyMaker) -> World:
    return World(tmp_path, make_key)


def test_a_checkpoint_whose_carried_roster_holds_another_key_is_refused(world: World) -> None:
    """Same adoption ids, but the roster carried gives o.privacy a key of the attacker's: taken
    as it is, every fresh clone would accept that key's sign-offs after the checkpoint."""
    _build(world, requests=2)
    rogue = world.key("x.rogue").public

    def altered(records: list[Any]) -> list[Any]:
        last = max(i for i, r in enumerate(records) if isinstance(r, Adoption))
        adoption = records[last]
        document = copy.deepcopy(adoption.roster.to_dict())
        for official in document["officials"]:
            if official["id"] == "o.privacy":
                official["keys"].append(rogue)
        roster = dataclasses.replace(adoption.roster, document=document)
        return [*records[:last], dataclasses.replace(adoption, roster=roster), *records[last + 1 :]]

    _forge(world, altered)
    with pytest.raises(IntegrityError, match="false checkpoint"):
        _open(_fresh_clone(world, "clone.git"))


@pytest.mark.parametrize(
    "since",
    [
        # Since before the checkpoint: the key was already the thief's.
        lambda: now() - timedelta(hours=1),
        # Since after it: the ``since`` an admin gives is often when the loss was noticed,
        # after the thief used the key; a checkpoint signed before it counts for nothing either.
        now,
    ],
    ids=["named-since-before", "named-since-after"],
)
def test_a_checkpoint_by_a_key_named_compromised_does_not_seed_a_clone(
    world: World, since: Callable[[], datetime]
) -> None:
    """An honest checkpoint, then a roster naming its signer's key compromised: a fresh clone
    replays every entry rather than take that key's word."""
    _build(world, requests=3)
    assert world.run("checkpoint", as_="w.witness").code == 0
    _request(world, now(), 90, _adoption(world))
    assert _open(_fresh_clone(world, "before.git"))[1] == 2  # from the checkpoint
    when = since().strftime("%Y-%m-%dT%H:%M:%SZ")
    stolen = world.key("w.witness").public
    world.keys["w.witness"] = world.make_key("w.witness.new")
    roster = world.roster(
        {**{k: roles for k, (_, roles) in CAST.items()}, **WITNESSES}, version=2, name="r2.yaml"
    )
    roster.write_text(
        roster.read_text() + f'compromised:\n  - key: "{stolen}"\n    since: "{when}"\n'
    )
    adopted = world.run(
        "policy", "adopt", "--roster", roster, "--key", world.key("a.admin").private,
        "--key", world.key("b.admin").private, "--offline",
    )  # fmt: skip
    assert adopted.code == 0, adopted.output
    _, replayed, held = _open(_fresh_clone(world, "after.git"))
    assert replayed == held  # every entry, from the first


def test_a_witness_never_vouches_for_a_state_it_did_not_replay(world: World) -> None:
    """A clone started from a (false) checkpoint: the witness's own checkpoint on it is
    refused, exit 3, not a second signature laundering the false state."""
    _build(world, requests=3)

    def lie(records: list[Any]) -> list[Any]:
        return [*records[:-1], dataclasses.replace(records[-1], destination="elsewhere")]

    _forge(world, lie)
    clone = _fresh_clone(world, "witness.git")
    _open(clone)  # starts from the false checkpoint (its records are the witness's word)
    before = subprocess.run(["git", "-C", str(clone), "rev-parse", "ledger"], capture_output=True)
    with pytest.raises((IntegrityError, AuditFailure), match="false checkpoint"):
        make_checkpoint(clone, world.key("x.witness").private, None)
    after = subprocess.run(["git", "-C", str(clone), "rev-parse", "ledger"], capture_output=True)
    assert after.stdout == before.stdout  # nothing signed
