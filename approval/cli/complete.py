"""Shell completion of what a user types most: request ids and roles.

Click asks for these while the user presses Tab, with ``_APPROVAL_COMPLETE`` set. The answers
come from this clone's verified ledger as it is (no fetch: a Tab must not wait on the network),
and a completion never fails: a ledger that cannot be opened completes nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click
    from click.shell_completion import CompletionItem

    from approval.trust.state import Adoption

# Ids are shown at this length (as the screens show them); a unique prefix is enough.
SHOWN = 12
# The newest requests offered: a Tab that lists 25,000 ids helps nobody.
OFFERED = 20
HEX = frozenset("0123456789abcdef")
# A request's entry file (statements/paths.py); compiled on first use, not by `--help`.
REQUEST_FILE = r"-request-([0-9a-f]{12})\.json$"


def complete_request(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The newest requests not withdrawn whose ids start with what is typed, each with its
    file's name as help.

    Fast on a large ledger: git lists the entry files at the verified head (one tree walk; a
    request's file is named ``<time>-request-<id12>.json``, by date), and only the newest few
    that match are looked up in the verified state, for their whole id and a withdrawal."""
    from click.shell_completion import CompletionItem

    typed = incomplete.lower()
    if not set(typed) <= HEX:
        return []
    try:
        found = _requests(ctx, typed)
    except Exception:  # a Tab that fails offers nothing, and says nothing
        return []
    from approval.cli.render import inert

    # The name is the ledger's: a shell shows it beside the id.
    return [CompletionItem(ident[:SHOWN], help=inert(name)) for ident, name in found]


def _requests(ctx: click.Context, typed: str) -> list[tuple[str, str]]:
    from approval.ledger import Ledger, verified
    from approval.ledger.git import Git
    from approval.ledger.snapshot import open_view
    from approval.trust.state import Request

    ledger = Ledger.open(_ledger_path(ctx))
    try:
        with open_view(ledger, verified.current_head(ledger)) as view:
            if view.head is None:
                return []
            names = Git(ledger.git_dir).output(
                ["ls-tree", "-r", "--name-only", view.head, "--", "entries"]
            )
            short, pattern = typed[:SHOWN], re.compile(REQUEST_FILE)
            candidates = [
                found.group(1)
                for name in names.splitlines()
                if (found := pattern.search(name)) and found.group(1).startswith(short)
            ]
            offered = []
            for ident in reversed(candidates[-(OFFERED + 10) :]):  # newest first
                record, state = view.resolve(ident, (Request,))
                if not isinstance(record, Request) or not record.id.startswith(typed):
                    continue
                if not state.is_revoked(record.id):
                    offered.append((record.id, record.artifact.name))
                if len(offered) == OFFERED:
                    break
            return offered
    finally:
        ledger.close()


def complete_role(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The roles of the roster in force that start with what is typed."""
    from click.shell_completion import CompletionItem

    try:
        adoptions = _adoptions(ctx)
    except Exception:  # a Tab that fails offers nothing, and says nothing
        return []
    if not adoptions:
        return []
    roles = sorted({role for o in adoptions[-1].roster.officials for role in o.roles})
    from approval.cli.render import inert

    return [CompletionItem(inert(role)) for role in roles if role.startswith(incomplete)]


def _adoptions(ctx: click.Context) -> tuple[Adoption, ...]:
    from approval.ledger import Ledger, verified
    from approval.ledger.snapshot import open_view

    with (
        Ledger.open(_ledger_path(ctx)) as ledger,
        open_view(ledger, verified.current_head(ledger)) as view,
    ):
        return view.adoptions


def _ledger_path(ctx: click.Context) -> Path | None:
    """The ledger the command line names so far, or ``$APPROVAL_LEDGER``."""
    given: Any = ctx.params.get("ledger") or os.environ.get("APPROVAL_LEDGER")
    return Path(given) if given else None
