"""Exposure records: who each export exposed, readable by the privacy office only (issue 16).

- ``sealing``: age encryption of identity keys to the privacy officers' SSH keys;
- ``record``: the ``exposure`` field a request or an export carries (and why a field);
- ``officer``: the index keys derived from a privacy officer's private key;
- ``index``: the officer's encrypted local index (keyed fingerprints -> exports);
- ``query``: ``exposures_of(index, persons, key) -> list[ExposureHit]`` and
  ``persons_of(index, artifact_sha256, key) -> frozenset[str]``; the index of an open ledger
  comes from ``approval.workflow.exposure.exposure_index(session, key)``.
"""
