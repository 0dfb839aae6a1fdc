"""``approval serve``: the decision service for a web server's auth sub-request."""

from __future__ import annotations

from pathlib import Path

import click

from approval.cli.options import examples, ledger_option


@click.command(
    short_help="Answer a web server's auth sub-request: 200 serve, 403 not.",
    epilog=examples(
        "approval serve --root /srv/www --store /var/lib/approval/store "
        "--listen unix:/run/approval/gate.sock",
        "approval serve --root /srv/www --store /var/lib/approval/store --check-config",
        "approval serve --root /srv/www --store /var/lib/approval/store "
        "--key /etc/approval/gate_ed25519 --site www",
    ),
)
@ledger_option
@click.option(
    "--root",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The web server's document root: requests map to files under it.",
)
@click.option(
    "--listen",
    default="127.0.0.1:8181",
    show_default=True,
    metavar="HOST:PORT|unix:PATH",
    help="Where to answer: a loopback address or a Unix socket.",
)
@click.option(
    "--index",
    default="index.html",
    show_default=True,
    help="The file a directory maps to (nginx's `index`).",
)
@click.option("--scans", default=2, show_default=True, help="Files scanned at once.")
@click.option(
    "--wait",
    default=5.0,
    show_default=True,
    help="Seconds a request waits for a file's first decision before it is refused (403 "
    "'scanning'; asked again later, it is decided).",
)
@click.option(
    "--poll", default=1.0, show_default=True, help="Seconds between looks at the ledger's head."
)
@click.option(
    "--fetch-every",
    default=30.0,
    show_default=True,
    help="Seconds between fetches from the ledger's remote, if it has one (0: never).",
)
@click.option(
    "--log",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Append each file's first refusal here, one JSON line (default: stderr).",
)
@click.option(
    "--store",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keep a copy of each allowed file's decided bytes here, named in the answer "
    "(X-Approval-File), for the web server to serve instead of the document root: a file "
    "replaced after the answer is then never served undecided (see the README).",
)
@click.option(
    "--no-store",
    is_flag=True,
    help="Answer without a store, the web server reading the document root itself: a file "
    "replaced between an answer and the server's read is then served undecided. For trying "
    "the service out; a deployment gives --store.",
)
@click.option(
    "--key",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The service's own OpenSSH private key (or its .pub, held in ssh-agent), given in the "
    "roster to an official holding only the role 'service': each file's first refusal is then "
    "recorded in the ledger as a signed 'blocked' statement (see --record-per-minute).",
)
@click.option(
    "--passphrase-env",
    metavar="VAR",
    help="Read --key's passphrase from environment variable VAR.",
)
@click.option(
    "--site",
    metavar="NAME",
    help="The door's name in the 'blocked' statements (default: this host's name).",
)
@click.option(
    "--record-per-minute",
    default=30,
    show_default=True,
    help="With --key: at most this many refusals recorded in any minute; those past it (and "
    "past 256 waiting) are only logged, so a flood of refusals cannot flood the ledger.",
)
@click.option(
    "--check-config",
    is_flag=True,
    help="Check the root, the address and the ledger, and exit 0 (ready) or 2.",
)
def serve(
    ledger: Path | None,
    root: Path,
    listen: str,
    index: str,
    scans: int,
    wait: float,
    poll: float,
    fetch_every: float,
    log: Path | None,
    store: Path | None,
    no_store: bool,
    key: Path | None,
    passphrase_env: str | None,
    site: str | None,
    record_per_minute: int,
    check_config: bool,
) -> int:
    """Decide, for each request a web server is about to answer from ROOT, whether the file
    may be served: 200 when it is clean or approved by the ledger, 403 otherwise (protected
    without approval, unscannable, changed while scanned, outside the root, a hidden path,
    a path it cannot map). The path comes in the X-Original-URI header (nginx auth_request),
    X-Forwarded-Uri (Caddy forward_auth), or as the request's own path. It never serves a
    file. The ledger is followed as it grows: a revocation stops a file within seconds.
    With --key, the first refusal of each file's bytes is recorded in the ledger, signed by
    the service's key, in the background (an answer never waits for it).
    """
    from approval.errors import UsageError
    from approval.workflow.serve import ServeOptions, parse_listen

    # Fails closed: without a store, nginx reads the file after the answer, and a file swapped
    # in between is served undecided (measured: 10% of requests under swapping). Running so
    # must be asked for by name.
    if store is None and not no_store:
        raise UsageError(
            "approval serve needs --store DIR: the web server then serves the exact bytes "
            "that were decided",
            hint="give --store (see the README, 'Gate the web server'), or --no-store to try "
            "the service out knowing that a file replaced after an answer is served undecided",
        )
    if store is not None and no_store:
        raise UsageError("--store and --no-store exclude each other")

    options = ServeOptions(
        root=root,
        ledger=ledger,
        listen=parse_listen(listen),
        index=index,
        scans=scans,
        wait=wait,
        poll=poll,
        fetch_every=fetch_every,
        log=log,
        store=store,
        key=key,
        passphrase_env=passphrase_env,
        site=site,
        record_per_minute=record_per_minute,
    )
    if check_config:
        from approval.workflow.serve import check_config as run_check

        result = run_check(options)
        for line in result.lines:
            click.echo(line)
        for problem in result.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo("ready" if result.ok else "not ready", err=not result.ok)
        return result.exit_code
    from approval.workflow.serve import serve as run_serve

    run_serve(options)
    return 0
