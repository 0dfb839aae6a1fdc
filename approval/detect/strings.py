"""Personal data in short strings that are not file content but travel with it: a file's name,
a sheet or column name, the purpose a publisher types. These go into the ledger, which must
never hold protected data (DESIGN.md invariant 7), so they are checked before they are written.
"""

from __future__ import annotations

import re

from approval.policy import Policy

# File and sheet names join words with these; detectors look for words.
_SEPARATORS = re.compile(r"[_\-./\\]+")
# What identifies a person on its own, in a few words.
_IDENTIFYING = ("a-number", "person-name")
_ENGINES: dict[tuple[str, int], object] = {}


def personal_data_in(text: str, policy: Policy) -> tuple[str, ...]:
    """The identifying elements (``a-number``, ``person-name``) found in ``text``."""
    from approval.detect.classify import Engine

    key = (policy.id, policy.version)
    engine = _ENGINES.get(key)
    if not isinstance(engine, Engine) or engine.policy is not policy:
        engine = Engine(policy)
        _ENGINES[key] = engine
    found = []
    for candidate in {text, _SEPARATORS.sub(" ", text)}:
        for detector_id in _IDENTIFYING:
            detector = engine.detectors.get(detector_id)
            if detector is not None and detector.may_find(candidate) and detector.find(candidate):
                found.append(detector_id)
    return tuple(dict.fromkeys(found))
