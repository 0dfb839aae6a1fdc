"""``approval scan``: find protected-person data in files and directories."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from approval.cli.options import examples
from approval.cli.output import quiet_option
from approval.cli.render import inert

if TYPE_CHECKING:
    from approval.detect.report import FileReport
    from approval.workflow.scan import ScanResult


@click.command(
    short_help="Find protected-person data in files and directories.",
    epilog=examples("approval scan stats.xlsx", "approval scan site/ --format sarif > scan.sarif"),
)
# Strings, not paths: pathlib makes "./-" "-", and only "-" itself means standard input.
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Report as a table per file, as JSON, or as SARIF 2.1.0.",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Scan under this policy file instead of the bundled default (8 CFR 208.6).",
)
@quiet_option
def scan(paths: tuple[str, ...], output: str, policy_file: Path | None) -> int:
    """Scan files (directories recursively) for protected-person data; - scans standard input.

    Exits 0 when every file is clean, 1 when any file is protected or could not be scanned
    (unscannable files are never passed), 2 for bad usage. Samples are always redacted.
    """
    from approval.cli.render import outcome
    from approval.workflow.scan import STDIN
    from approval.workflow.scan import scan as run_scan

    with _progress() as progress:
        result = run_scan(
            [STDIN if path == STDIN else Path(path) for path in paths],
            policy_file=policy_file,
            progress=progress,
            stdin=sys.stdin.buffer,
        )
    outcome(result.exit_code)
    if output == "json":
        from approval.cli.output import document

        _print_json(document("scan", result.to_dict()))
    elif output == "sarif":
        from approval.detect.sarif import to_sarif

        _print_json(to_sarif(result.reports, result.policy))
    else:
        _print_text(result)
    return result.exit_code


class _progress:
    """A spinner on stderr while files are scanned, only when stderr is a terminal."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None
        self._count = 0

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from approval.cli.render import stderr

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("scanning {task.fields[name]} ({task.fields[files]})"),
            TimeElapsedColumn(),
            console=stderr(),
            transient=True,
        )
        self._progress.__enter__()
        self._task = self._progress.add_task("scan", total=None, name="", files="0 files")
        return self._advance

    def _advance(self, path: Path) -> None:
        from rich.markup import escape

        from approval.words import plural

        if self._count:
            self._progress.advance(self._task)
        self._count += 1
        # The name is the file's author's: inert, and never read as rich markup.
        name = escape(inert(path.name))
        self._progress.update(self._task, name=name, files=plural(self._count - 1, "file"))

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)


def _print_json(data: object) -> None:
    import json

    from approval.cli.jsontext import inert_json

    click.echo(inert_json(json.dumps(data, indent=2, ensure_ascii=False)))


def _where(location: dict[str, Any]) -> str:
    from approval.detect.sarif import describe

    return describe(location)


def _headline(report: FileReport) -> str:
    return inert(_words(report))  # a file's name is its author's: one line, nothing to act on


def _words(report: FileReport) -> str:
    if report.verdict == "unscannable":
        return f"{report.path}: UNSCANNABLE ({report.reason})"
    if report.verdict == "clean":
        return f"{report.path}: clean ({report.format})"
    persons = ", ".join(
        f"{cls}: {n} person{'s' if n != 1 else ''}" for cls, n in report.classes.items()
    )
    return f"{report.path}: PROTECTED ({report.format}) - {persons}"


# Unread parts named one per line, at most this many (the rest counted): a line per member of
# a 10,000-member archive helps nobody.
_UNREAD_SHOWN = 20


def _coverage_lines(report: FileReport) -> list[str]:
    """How many parts were read, and the unread ones by name, kind and reason."""
    if not report.coverage:
        return []
    unread = [p for p in report.coverage if p.read == "unread"]
    total = len(report.coverage)
    lines = [f"read {total - len(unread)} of {total} part{'s' if total != 1 else ''}"]
    for part in unread[:_UNREAD_SHOWN]:
        why = f": {part.reason}" if part.reason else ""
        lines.append(f"not read: {part.part} ({part.kind}){why}")
    if len(unread) > _UNREAD_SHOWN:
        lines.append(f"not read: {len(unread) - _UNREAD_SHOWN} more parts")
    return lines


def _print_text(result: ScanResult) -> None:
    # rich only for a terminal: piped output is plain lines, and starts faster without it.
    from approval.cli.render import terminal

    tty = terminal()
    console: Any = None
    if tty:
        from approval.cli.render import stdout

        console = stdout()
    for report in result.reports:
        if not tty:
            click.echo(_headline(report))
            for f in report.findings:
                click.echo(
                    inert(
                        f"  {f.cls}  {f.detector}  {_where(dict(f.location))}  {f.count}  "
                        f"{f.sample}"
                    )
                )
            for line in _coverage_lines(report):
                click.echo(f"  {inert(line)}")
            continue
        _print_rich(console, report)
        _print_rich_coverage(console, report)
    counts = {v: sum(1 for r in result.reports if r.verdict == v) for v in _VERDICTS}
    total = len(result.reports)
    summary = (
        f"{total} file{'s' if total != 1 else ''}: {counts['protected']} protected, "
        f"{counts['unscannable']} unscannable, {counts['clean']} clean"
    )
    if tty:
        console.print(summary, style="bold")
    else:
        click.echo(summary)


def _print_rich_coverage(console: Any, report: FileReport) -> None:
    from rich.markup import escape

    for line in _coverage_lines(report):
        style = "dim" if line.startswith("read ") else None
        console.print(f"  {escape(inert(line))}", style=style)


_VERDICTS = ("protected", "unscannable", "clean")
_STYLE = {"protected": "bold red", "unscannable": "bold yellow", "clean": "green"}


def _print_rich(console: Any, report: FileReport) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    style = _STYLE[report.verdict]
    if not report.findings:
        console.print(f"[{style}]{escape(_headline(report))}[/]")
        return
    # One class is named in the headline already; a column of it would crowd 80 columns.
    classes = len({f.cls for f in report.findings}) > 1
    table = Table(
        title=f"[{style}]{escape(_headline(report))}[/]",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    columns = ("class", "detector", "where", "count", "sample")[0 if classes else 1 :]
    for column in columns:
        table.add_column(
            column,
            justify="right" if column == "count" else "left",
            no_wrap=column in ("class", "detector", "count"),
        )
    for f in report.findings:
        hidden = bool(f.location.get("hidden"))
        cells = (f.cls, f.detector, _where(dict(f.location)), str(f.count), f.sample)
        table.add_row(
            *(escape(inert(cell)) for cell in cells[0 if classes else 1 :]),
            style="yellow" if hidden else None,
        )
    console.print(table)
