"""Recording a refusal in the ledger: a signed ``blocked`` statement by the service's official.

NOT WIRED IN YET. The trust core (``approval.trust``, ``approval.statements``) is being rebuilt
around one ``Verifier`` and typed statements, and the ledger admits no kind it does not know:
appending a ``blocked`` statement today would be refused by the verifier (exit 3 on replay).
This module is the separated piece the lead wires in once the kind exists:

1. add ``Blocked`` to ``approval.statements.kinds`` and admit it in the trust core: its signer
   must be an official of the roster in force holding the role ``service`` (a new role, granted
   to the service's own key), and it changes no decision (it records; it never allows or
   blocks anything);
2. merge ``approval/schemas/blocked.schema.json`` into ``statement.schema.json`` as a ``$defs``
   branch of ``kind``;
3. pass ``BlockedRecorder(...)`` as ``RefusalLog(record=...)`` in ``approval.workflow.serve``
   and expose ``approval serve --key``.

The statement is made from what the refusal log keeps (sha256, size, verdict, the safe base
name), so it holds no more than the log does: never content, never a person's name.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from approval.detect.report import PROTECTED, UNSCANNABLE
from approval.serve.gate import Answer

if TYPE_CHECKING:
    from approval.ledger.session import Session
    from approval.signing import PrivateKey

KIND = "blocked"
SERVICE_ROLE = "service"
RECORDED = frozenset({PROTECTED, UNSCANNABLE})  # verdicts about a file's bytes


def blocked_statement(
    answer: Answer, *, signer: str, site: str, name: str, seen_head: str | None, at: datetime
) -> dict[str, Any]:
    """The ``blocked`` statement for a refusal (validated by ``blocked.schema.json``).
    ``name`` is the file's base name, already made safe (``refusals.safe_path``)."""
    from approval.statements import STATEMENT_TYPE, format_time

    if answer.word not in RECORDED or not answer.sha256:
        raise ValueError(f"a {answer.word!r} refusal is not about a file's bytes")
    body: dict[str, Any] = {
        "signer": signer,
        "artifact": {"sha256": answer.sha256, "size": answer.size, "name": name or "[unnamed]"},
        "verdict": answer.word,
        "site": site,
    }
    if answer.reason:
        body["reason"] = answer.reason[:2000]
    # Built by hand: ``new_statement`` builds through the typed kinds, which have no
    # ``blocked`` yet (step 1 of the module doc adds ``Blocked(Statement)`` there: ``signer``,
    # ``artifact: Artifact``, ``verdict``, ``site``, ``reason: str | None = None``).
    return {
        "type": STATEMENT_TYPE,
        "kind": KIND,
        "created": format_time(at),
        "seen_head": seen_head,
        **body,
    }


def validate(statement: dict[str, Any]) -> list[str]:
    """What is wrong with ``statement`` by the proposed schema (empty: nothing)."""
    from approval.schemas import validator

    return [e.message for e in validator(KIND).iter_errors(statement)]


class BlockedRecorder:
    """Signs and appends a ``blocked`` statement for a refusal, on ``session`` (see the module
    doc). It appends to git: call it from the gate's ledger thread, never the event loop."""

    def __init__(self, session: Session, key: PrivateKey, official: str, site: str):
        self.session = session
        self.key = key
        self.official = official
        self.site = site

    def __call__(self, answer: Answer, name: str) -> str:
        from approval.ledger.session import sign_and_append
        from approval.statements import now

        at = now()
        statement = blocked_statement(
            answer,
            signer=self.official,
            site=self.site,
            name=name,
            seen_head=self.session.head,
            at=at,
        )
        problems = validate(statement)
        if problems:
            raise ValueError(problems[0])
        return sign_and_append(self.session, statement, [(self.key, self.official)]).id
