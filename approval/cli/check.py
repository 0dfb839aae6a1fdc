"""``approval check``: the gate over files and trees, for CI and pre-commit."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from approval.cli.options import examples, ledger_option, offline_option
from approval.cli.output import quiet_option

if TYPE_CHECKING:
    from approval.workflow.check import CheckResult


@click.command(
    short_help="The gate for CI and pre-commit: each file clean or approved.",
    epilog=examples(
        "approval check site/",
        "approval check --staged",
        "approval check . --commits origin/main..HEAD",
        "approval check . --format sarif > gate.sarif",
    ),
)
@ledger_option
@offline_option(fresh=True)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--staged", is_flag=True, help="Check the staged content of staged files (pre-commit)."
)
@click.option(
    "--include-ignored",
    is_flag=True,
    help=(
        "Check git-ignored files too, and block the checkout's own .git: for a web root "
        "deployed as a git checkout, or a build output directory (a web server serves them)."
    ),
)
@click.option(
    "--commits",
    "commits",
    metavar="RANGE",
    multiple=True,
    help=(
        "Also check every file the commits of RANGE added or changed, as git rev-list takes "
        "it (BASE..HEAD; a commit alone for all its history; --commits=--all for every ref): "
        "a push publishes each commit, not only the last tree. Repeatable."
    ),
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=256),
    default=None,
    help="Scan files not scanned before on up to N processes (default: every core; 1: none).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Blocked files in words, every file as JSON, or blocked files as SARIF 2.1.0.",
)
@quiet_option
def check(
    ledger: Path | None,
    paths: tuple[Path, ...],
    staged: bool,
    include_ignored: bool,
    commits: tuple[str, ...],
    jobs: int | None,
    output: str,
) -> int:
    """Exit 0 when every file under PATHS is clean or approved by the ledger, 1 otherwise.

    Directories are walked recursively. Inside the git work tree the command runs in, as git
    sees them (.gitignore honoured: git-ignored files are named and left out, or checked with
    --include-ignored, which a web root deployed as a git checkout needs); a directory in any
    other work tree (a .git put in a web root or an upload directory) is checked as a plain
    directory, every file, its .git blocked. A directory under which files were left out and
    none checked is blocked. Links are followed and submodules entered, as a web server would;
    a link that cannot be resolved here (dangling, a loop) is blocked, since it may resolve
    where the tree is published; a repository inside the tree is blocked; whatever is not
    checked is named. Files matching .approvalignore patterns (gitignore syntax) are left out,
    and named. With --staged, the staged bytes of the files a commit would add or change are
    checked (PATHS, if given, narrow them); a staged link by what it reaches in the work tree,
    blocked unless that is inside the checkout; a file staged through a clean filter (Git LFS)
    by its work-tree bytes, blocked unless they are what was staged, or when the filter is set
    in the repository's own git config (it is not run). Git never runs an fsmonitor, a hook or
    a fetch that the checked tree's git config names. Without a ledger, protected and
    unscannable files fail. Whatever leaves a file out (git's ignore rules, .approvalignore),
    the file is still scanned, since a web server serves it: one holding protected data (or
    encrypted, or corrupt) blocks unless approved, named with the rule that left it out.

    With --commits, every file that a commit of the range added or changed is checked too,
    from git's objects, even if a later commit deleted it (the repository publishes its
    history): each blocked one is named COMMIT:PATH. The range is read in the repository of
    the current directory, and needs its whole history (fetch-depth: 0 in CI): a shallow
    clone's cut, or an object that is not here, is blocked. A range from git's zero id (a
    branch's first push) checks all the history of its tip. Links in the history are read as
    names; a submodule by the files of the commit it pins, or blocked.
    """
    from approval.cli.render import outcome
    from approval.errors import UsageError
    from approval.workflow.check import check as run_check

    if not paths and not staged and not commits:
        raise UsageError("give the files or directories to check", hint="e.g. approval check .")
    if staged and commits:
        raise UsageError(
            "--commits checks commits made, --staged the commit to be made: one at a time",
            hint="approval check --staged, then approval check --commits RANGE",
        )
    if staged and include_ignored:
        # A commit holds no git-ignored file unless it was added (then it is staged, checked).
        raise UsageError(
            "--include-ignored checks a tree, not the staged files",
            hint="approval check --include-ignored DIR",
        )
    # The modules loaded so far outlive the check: set aside while it runs, the collections that
    # its thousands of per-file objects trigger need not walk them again (nearly a tenth of a
    # warm run's CPU time). Set back after, for a caller that goes on (tests, CliRunner).
    gc.freeze()
    try:
        result = run_check(
            ledger,
            list(paths),
            staged=staged,
            jobs=jobs,
            include_ignored=include_ignored,
            commits=commits,
        )
    finally:
        gc.unfreeze()
    outcome(result.exit_code)  # a CI log that stops reading still gets the gate's answer
    if output == "json":
        from approval.cli.output import document

        _json(document("check", result.to_dict()))
    elif output == "sarif":
        from approval.detect.sarif import to_sarif

        _json(to_sarif([f.report for f in result.files if not f.passes], result.policy))
    else:
        _text(result)
    return result.exit_code


def _json(data: object) -> None:
    import json

    from approval.cli.jsontext import inert_json

    click.echo(inert_json(json.dumps(data, indent=2, ensure_ascii=False)))


def _text(result: CheckResult) -> None:
    from approval.cli.render import inert, terminal

    # Each line inert: it names files (and what a link or a remote said about them).
    lines = [inert(line) for line in _words(result)]
    if not terminal():
        # Piped (CI, pre-commit, a log): one line per fact, written at once, and rich, which
        # only a terminal's wrapping needs, is not even imported.
        click.echo("\n".join(lines))
        return
    from approval.cli.screen import say

    for line in lines:
        say(line)


# Names of files left out by .approvalignore (or by git) shown in words; JSON lists them all.
_IGNORED_SHOWN = 20
REFUSED_HINT = "take it out of what is published, or leave it out with .approvalignore"
# By the kind of refusal (the report's format), where another hint helps more.
_REFUSED_HINTS = {
    "filtered": "stage it again (git add), so that the work tree holds what is committed",
    "staged-link": "stage it again (git add), so that the work tree holds what is committed",
    "unresolved-link": (
        "check it where it resolves, or remove it (or leave it out with .approvalignore)"
    ),
    "local-filter": (
        "configure the filter in your global git config (git lfs install does), not the "
        "repository's"
    ),
    "foreign-repository": (
        "if it is a checkout of yours, check it from inside that checkout (what its ignore "
        "rules leave out is scanned there too; --include-ignored checks it all); else take "
        "the .git out of what is published"
    ),
    "left-out-file": "approve it, remove it, or move it out of the published tree",
    "left-out": (
        "check what is left out (--include-ignored checks git-ignored files), or do not name "
        "a directory that publishes nothing"
    ),
    "staged": "stage it again (git add); if it stays unreadable, run `git fsck`",
    "committed": "fetch the missing objects (git fetch; git fsck names them), then check",
    "lfs-pointer": "fetch the content (git lfs pull; in CI, check out with LFS files), then check",
    "submodule": "check the submodule out at the staged commit (git submodule update), then commit",
    "unread-submodule": (
        "check the submodules out (git submodule update --init --recursive; actions/checkout "
        "with submodules: recursive), then check"
    ),
    "shallow": (
        "fetch the whole history (git fetch --unshallow; in CI, fetch-depth: 0 or "
        "GIT_DEPTH: 0), then check"
    ),
    "history": "free some space for the check's temporary files, then check again",
    "export-subst": (
        "remove the $Format:...$ placeholder, or the export-subst attribute from .gitattributes"
    ),
}
GIT_IGNORED = "left out: ignored by git"
GIT_IGNORED_HINT = (
    "hint: a web server serves git-ignored files too: check a web root or a deploy "
    "directory with --include-ignored"
)


def _words(result: CheckResult) -> Iterator[str]:
    """The answer, line by line: each file that is not clean, then the summary."""
    from approval.cli.gateview import scan_words
    from approval.statements import short_id
    from approval.workflow.check import APPROVED, BLOCKED, CLEAN_WORD, NO_LEDGER, NO_LEDGER_HINT

    for note in result.outside:
        yield f"{note.path} {note.reason} (what it reaches is checked)"
    for item in result.files:
        if item.status == CLEAN_WORD:
            continue
        if item.refusal is not None:
            yield f"{item.path}: BLOCKED ({item.refusal})"
            yield f"  hint: {_REFUSED_HINTS.get(item.report.format, REFUSED_HINT)}"
            continue
        decision = item.decision
        if item.status == APPROVED and decision is not None and decision.request is not None:
            yield (
                f"{item.path}: approved ({scan_words(item.report)}; request "
                f"{short_id(decision.request.id)})"
            )
            continue
        yield f"{item.path}: BLOCKED ({scan_words(item.report)})"
        if decision is None:
            yield f"  {NO_LEDGER}"
            yield f"  hint: {NO_LEDGER_HINT}"
            continue
        if decision.missing:
            yield f"  missing: {', '.join(decision.missing)}"
        for reason in decision.reasons:
            if not reason.startswith("missing: "):
                yield f"  {reason}"
        if decision.request is None and item.commit:
            yield (
                "  next: it is in the history published: rewrite the history without it (git "
                "rebase -i, git filter-repo), force-push, and have the forge purge its copies; "
                f'or approve its bytes (git show "{item.path}" > FILE; approval request FILE ...)'
            )
        elif decision.request is None:
            yield (
                f'  next: approval request {item.path} --purpose "..." --destination "..." '
                "--key KEY  (or: approval redact)"
            )
        else:
            yield f"  next: approval status {short_id(decision.request.id)}"
    for note in result.skipped:
        yield f"{note.path}: skipped ({note.reason})"
    for path in result.left_out[:_IGNORED_SHOWN]:
        yield f"{path}: left out by .approvalignore"
    if result.ignored > _IGNORED_SHOWN:
        yield (
            f"... and {result.ignored - _IGNORED_SHOWN} more left out by .approvalignore "
            "(--format json lists them all)"
        )
    git_ignored = result.git_ignored
    for path in git_ignored[:_IGNORED_SHOWN]:
        yield f"{path}: {GIT_IGNORED}"
    if len(git_ignored) > _IGNORED_SHOWN:
        yield (
            f"... and {len(git_ignored) - _IGNORED_SHOWN} more ignored by git "
            "(--format json lists them all)"
        )
    if git_ignored:
        yield GIT_IGNORED_HINT
    total = len(result.files)
    summary = (
        f"{total} file{'s' if total != 1 else ''}: {result.count(CLEAN_WORD)} clean, "
        f"{result.count(APPROVED)} approved, {result.count(BLOCKED)} blocked"
    )
    if result.ignored:
        summary += f"; {result.ignored} left out by .approvalignore"
    if git_ignored:
        summary += f"; {len(git_ignored)} ignored by git (scanned: protected ones block)"
    if result.skipped:
        summary += f"; {len(result.skipped)} skipped"
    if result.outside:
        n = len(result.outside)
        summary += f"; {n} link{'s' if n != 1 else ''} outside the checked tree"
    if result.commits is not None:
        summary += f"; {result.commits} commit{'s' if result.commits != 1 else ''} in the range"
    summary += f" ({result.scanned} scanned, {result.unchanged} unchanged)"
    yield summary
