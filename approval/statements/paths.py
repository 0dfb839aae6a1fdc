"""Where an entry lives in the ledger's tree, named from its statement alone: pure.

An entry is one file, ``entries/YYYY/MM/DD/<YYYYMMDDTHHMMSSZ>-<kind>-<id12>.json``, named from
the statement's ``created`` time, kind and id, so that replay can check an entry's path without
the ledger (see :mod:`approval.ledger.layout` for the rest of the tree).
"""

from __future__ import annotations

import re

from approval.statements import KINDS, Envelope, short_id

ENTRIES_DIR = "entries"
_KIND = "|".join(KINDS)
ENTRY_PATH = re.compile(
    rf"^{ENTRIES_DIR}/(?P<year>[0-9]{{4}})/(?P<month>[0-9]{{2}})/(?P<day>[0-9]{{2}})/"
    rf"(?P<stamp>(?P=year)(?P=month)(?P=day)T[0-9]{{6}}Z)-(?P<kind>{_KIND})-(?P<id12>[0-9a-f]{{12}})\.json$"
)


def entry_path(envelope: Envelope) -> str:
    """The path of the file that holds ``envelope`` in the ledger's tree."""
    return path_for(envelope.statement["created"], envelope.kind, envelope.id)


def path_for(created: str, kind: str, statement_id: str) -> str:
    """The entry path from the statement's ``created`` text (``YYYY-MM-DDTHH:MM:SSZ``, which the
    schema guarantees), kind and id. String slicing, not datetime: replay calls this per entry."""
    year, month, day = created[0:4], created[5:7], created[8:10]
    stamp = f"{year}{month}{day}T{created[11:13]}{created[14:16]}{created[17:19]}Z"
    return f"{ENTRIES_DIR}/{year}/{month}/{day}/{stamp}-{kind}-{short_id(statement_id)}.json"
