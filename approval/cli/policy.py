"""``approval policy``: check and adopt policies and rosters."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, key_option, ledger_option, offline_option
from approval.cli.output import output_options
from approval.errors import ProblemsError


@click.group(
    short_help="Check policies and rosters; adopt new versions.",
    epilog=examples("approval policy check policies/8cfr208.6.yaml policies/roster.example.yaml"),
)
def policy() -> None:
    """Check policies and rosters, and adopt new versions into the ledger."""


@policy.command(
    short_help="Validate policy and roster files.",
    epilog=examples("approval policy check policies/8cfr208.6.yaml policies/roster.example.yaml"),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@output_options
def check(files: tuple[Path, ...]) -> None:
    """Validate policy and roster FILES; policies are checked against the rosters given.

    Prints one line per valid file; exits 2 with every problem as file:line:col when any is
    wrong.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome, shown_path
    from approval.cli.screen import say
    from approval.errors import EXIT_OK, EXIT_USAGE
    from approval.workflow.policy_check import check_files

    results = check_files(list(files))
    outcome(EXIT_OK if all(result.ok for result in results) else EXIT_USAGE)
    if json_wanted():
        emit(
            "policy check",
            {
                "files": [
                    {
                        "path": r.path,
                        "kind": r.kind,
                        "ok": r.ok,
                        "summary": r.summary if r.ok else None,
                        "problems": list(r.problems),
                    }
                    for r in results
                ]
            },
        )
        if not all(result.ok for result in results):
            raise SystemExit(EXIT_USAGE)
        return
    problems: list[str] = []
    for result in results:
        if result.ok:
            say(f"{shown_path(result.path)}: ok: {result.summary}")
        else:
            problems += result.problems
    if problems:
        raise ProblemsError(problems)


@policy.command(
    short_help="Adopt a new policy and roster version (admin threshold).",
    epilog=examples(
        "approval policy adopt policies/8cfr208.6.yaml --roster roster.yaml "
        "--key admin1.key --key admin2.key",
        "approval policy adopt --roster roster-v2.yaml --key admin1.key --key admin2.key"
        "   # a roster change: a replaced or compromised key",
    ),
)
@ledger_option
@offline_option()
@click.argument("policy_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--roster",
    "roster_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The roster to adopt with it (repeat the one in force if it does not change).",
)
@key_option(multiple=True)
@output_options
def adopt(
    ledger: Path | None,
    policy_file: Path | None,
    roster_file: Path,
    keys: tuple[Path, ...],
    passphrase_env: str | None,
) -> None:
    """Adopt a new version of the policy and roster into the ledger.

    Needs the admin threshold of the roster in force and of the new roster, and a policy
    version higher than the one in force: an older policy can never be re-adopted.

    Without POLICY_FILE (or with the policy in force, unchanged) it adopts only the roster:
    a new official, a replaced key, a key named compromised. That needs a higher roster
    version, no new policy version, and keeps every standing request and approval.
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.cli.screen import say
    from approval.errors import EXIT_OK
    from approval.workflow.adopt import adopt_policy

    adopted = adopt_policy(ledger, policy_file, roster_file, list(keys), passphrase_env)
    outcome(EXIT_OK)
    if json_wanted():
        from approval.cli.init import _adopted

        emit(
            "policy adopt",
            {
                **_adopted(adopted),
                "change": "roster" if adopted.roster_only else "policy",
                "approvals_kept": adopted.roster_only,
                "roster_version": adopted.roster_version,
                "compromised_keys": adopted.compromised,
            },
        )
        return
    say(adopted.summary)


@policy.command(
    short_help="Print the policy in force, or the bundled default.",
    epilog=examples(
        "approval policy show --default > policy.yaml",
        "approval policy show --ledger ~/ledger",
    ),
)
@ledger_option
@offline_option()
@click.option(
    "--default",
    "bundled",
    is_flag=True,
    help="The policy bundled with this installation (8 CFR 208.6), exactly as shipped: a "
    "start for your own (installed from a wheel, there is no policies/ directory).",
)
@output_options
def show(ledger: Path | None, bundled: bool) -> None:
    """Print the policy in force in the ledger (as YAML), or with --default the bundled one.

    The ledger's is the newest adopted (fetched first, as every command that reads does).
    """
    from approval.cli.output import emit, json_wanted
    from approval.cli.render import outcome
    from approval.errors import EXIT_OK
    from approval.policy import default_policy, default_policy_path

    if bundled:
        path = default_policy_path()
        policy = default_policy()
        text = path.read_text(encoding="utf-8")
        source = "bundled"
    else:
        import yaml

        from approval.ledger.session import opened

        with opened(ledger) as (_, view):
            adoptions = view.adoptions
        if not adoptions:
            from approval.errors import UsageError

            raise UsageError("the ledger has adopted no policy yet", hint="see `approval init`")
        policy = adoptions[-1].policy
        text = yaml.safe_dump(policy.to_dict(), sort_keys=False, allow_unicode=True)
        source = f"adoption {adoptions[-1].id}"
    outcome(EXIT_OK)
    if json_wanted():
        emit(
            "policy show",
            {
                "source": source,
                "id": policy.id,
                "version": policy.version,
                "policy": policy.to_dict(),
            },
        )
        return
    from approval.cli.render import inert

    # Each line inert: the policy's words are whoever adopted it's (YAML leaves bidi controls
    # as they are).
    text = "\n".join(inert(line) for line in text.split("\n"))
    click.echo(text, nl=not text.endswith("\n"))
