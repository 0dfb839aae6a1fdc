"""What an audit reports when the ledger is not intact: the commit, the statement, the rule."""

from __future__ import annotations

from enum import Enum
from typing import Any

from approval.errors import IntegrityError
from approval.statements import short_id


class Rule(Enum):
    """The rules an intact ledger keeps; the value is the rule's name in reports and JSON."""

    HISTORY = "linear-history"
    ONE_ENTRY = "one-new-entry-per-commit"
    ENTRY_FILE = "entry-file"
    SCHEMA = "schema"
    CANONICAL = "canonical-form"
    SIGNATURE = "signature"
    SEEN_HEAD = "seen-head"
    TRUST = "trust-chain"
    EXPORT = "export-allowed"
    KEPT = "nothing-removed"

    @property
    def words(self) -> str:
        return _WORDS[self]


_WORDS = {
    Rule.HISTORY: "the history is one line of commits, each on the previous entry",
    Rule.ONE_ENTRY: "each commit adds exactly one new entry and changes nothing else",
    Rule.ENTRY_FILE: "each entry file holds the statement its name and commit message name",
    Rule.SCHEMA: "each entry is a valid statement",
    Rule.CANONICAL: "each entry is stored in canonical form (RFC 8785)",
    Rule.SIGNATURE: "each signature verifies over the statement's exact bytes",
    Rule.SEEN_HEAD: "each statement names a ledger head that is earlier in this history",
    Rule.TRUST: "each statement is made by someone the policy and roster in force allow",
    Rule.EXPORT: "each export was allowed, on the sign-offs it names, when it was made",
    Rule.KEPT: "nothing once recorded in this ledger has disappeared from it",
}

_HINT = "the ledger's history was changed outside approval; compare it with another clone"


class AuditFailure(IntegrityError):
    """The first thing that is wrong, with where it is (exit 3)."""

    def __init__(
        self,
        rule: Rule,
        problem: str,
        commit: str | None = None,
        position: int | None = None,
        *,
        statement: str | None = None,
        kind: str | None = None,
        hint: str | None = _HINT,
    ):
        self.rule = rule
        self.problem = problem
        self.commit = commit
        self.position = position
        self.statement = statement
        self.kind = kind
        super().__init__(self._message(), hint=hint)

    def at(self, statement: str, kind: str) -> AuditFailure:
        """The same failure, naming the statement it was found in."""
        return AuditFailure(
            self.rule,
            self.problem,
            self.commit,
            self.position,
            statement=statement,
            kind=kind,
            hint=self.hint,
        )

    def _message(self) -> str:
        where = []
        if self.commit:
            where.append(f"ledger commit {self.commit[:12]}")
        if self.position is not None:
            where.append(f"entry {self.position}")
        if self.statement:
            where.append(f"{self.kind or 'statement'} {short_id(self.statement)}")
        place = ", ".join(where) or "the ledger"
        return f"{place}: {self.problem} (rule {self.rule.value}: {self.rule.words})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "rule_text": self.rule.words,
            "problem": self.problem,
            "commit": self.commit,
            "entry": self.position,
            "statement": self.statement,
            "kind": self.kind,
            "message": self.message,
        }


__all__ = ["AuditFailure", "Rule"]
