"""``approval doctor``: is this machine set up to use the ledger?

Each check is one line, ``ok``, ``warn`` or ``fail``, with a hint for what is not ok. A check
never raises: what it cannot find out is its answer. Nothing here writes to the ledger or its
remote; the ledger is verified as any command would (its cache caught up, its head checked
against the one this clone last verified).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from approval.trust.state import LedgerState

OK, WARN, FAIL = "ok", "warn", "fail"

# git 2.36: fsync settings the ledger relies on (ledger/git.py). OpenSSH 8.9: the `ssh-keygen
# -Y verify` that the audit bundle's verify.sh runs (report/bundle.py).
GIT_MINIMUM = (2, 36)
OPENSSH_MINIMUM = (8, 9)

# A remote that does not answer in this long is reported, not waited on.
REMOTE_TIMEOUT = 20


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.name, "status": self.status, "detail": self.detail, "hint": self.hint}


@dataclass(frozen=True)
class Diagnosis:
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.status != FAIL for check in self.checks)


def diagnose(
    ledger: Path | None, keys: Sequence[Path] = (), services: Sequence[str] = ()
) -> Diagnosis:
    """Every check, in the order a person would fix them."""
    checks = [git_version(), openssh_version()]
    checks += ledger_checks(ledger)
    checks += [key_permissions(key) for key in keys]
    checks += [service_check(address) for address in services]
    checks.append(cache_health())
    return Diagnosis(tuple(checks))


def service_check(address: str) -> Check:
    """Is an ``approval serve`` answering at ``address`` (``unix:PATH`` or ``HOST:PORT``), and
    deciding (not refusing everything on a ledger that failed verification)?"""
    from approval.errors import UsageError
    from approval.workflow.serve import check_service

    try:
        health = check_service(address)
    except UsageError as e:
        return Check("service", FAIL, e.message, e.hint)
    if health.ok:
        return Check("service", OK, health.words)
    return Check(
        "service",
        FAIL,
        health.words,
        "start it (`approval serve --check-config` first; README: 'Gate the web server'), "
        "or check the address and the socket's permissions",
    )


# -- tools -----------------------------------------------------------------------------------


def version_of(text: str, pattern: str) -> tuple[int, ...] | None:
    """The version numbers ``pattern`` (with one group) finds in ``text``."""
    found = re.search(pattern, text)
    if found is None:
        return None
    return tuple(int(part) for part in re.findall(r"\d+", found.group(1))[:3])


def git_version() -> Check:
    out = _output(["git", "--version"])
    if out is None:
        return Check("git", FAIL, "git is not installed", "install git 2.36 or newer")
    found = version_of(out, r"git version (\d+\.\d+(?:\.\d+)?)")
    return _at_least("git", found, GIT_MINIMUM, out.strip(), "install git 2.36 or newer")


def openssh_version() -> Check:
    if shutil.which("ssh-keygen") is None:
        return Check(
            "openssh",
            FAIL,
            "ssh-keygen is not installed",
            "install OpenSSH (the openssh-client package)",
        )
    # ssh-keygen has no version option; the ssh client of the same installation tells it.
    out = _output(["ssh", "-V"], stderr=True)
    found = version_of(out or "", r"OpenSSH_(\d+\.\d+(?:p\d+)?)")
    if found is None:
        return Check(
            "openssh",
            WARN,
            "ssh-keygen found; its version is unknown (no `ssh -V`)",
            "the audit bundle's verify.sh needs OpenSSH 8.9 or newer",
        )
    check = _at_least(
        "openssh",
        found[:2],
        OPENSSH_MINIMUM,
        (out or "").strip().split(",")[0],
        "the audit bundle's verify.sh needs OpenSSH 8.9 or newer",
    )
    # Older OpenSSH still signs and verifies in process: only verify.sh needs 8.9.
    return check if check.status == OK else Check(check.name, WARN, check.detail, check.hint)


def _at_least(
    name: str, found: tuple[int, ...] | None, minimum: tuple[int, ...], words: str, hint: str
) -> Check:
    if found is None:
        return Check(name, FAIL, f"cannot tell the version from: {words}", hint)
    if found[: len(minimum)] < minimum:
        wanted = ".".join(map(str, minimum))
        return Check(name, FAIL, f"{words} (older than {wanted})", hint)
    return Check(name, OK, words)


# -- the ledger and its remote ---------------------------------------------------------------


def ledger_checks(path: Path | None) -> list[Check]:
    from approval.errors import ApprovalError
    from approval.ledger import Ledger, verified
    from approval.ledger.snapshot import open_view
    from approval.words import plural

    if path is None and not os.environ.get("APPROVAL_LEDGER"):
        return [
            Check(
                "ledger",
                WARN,
                "no ledger given",
                "pass --ledger DIR or set $APPROVAL_LEDGER to check it and its remote",
            )
        ]
    try:
        ledger = Ledger.open(path)
    except ApprovalError as e:
        return [Check("ledger", FAIL, e.message, e.hint)]
    checks = [safe_directory("ledger directory", ledger.path)]
    try:
        with ledger:
            with open_view(ledger, verified.current_head(ledger)) as view:
                head = view.head
                statements = len(view.state()) if head else 0
                due = checkpoint_check(view.state()) if head else None
                aside = set_aside_checks(ledger, head, view.state()) if head else []
            checks.insert(
                0,
                Check(
                    "ledger",
                    OK,
                    f"{ledger.path}: {plural(statements, 'statement')} verified, head "
                    f"{(head or 'none (empty)')[:12]}",
                ),
            )
            if due is not None:
                checks.insert(1, due)
            checks += aside
            checks += remote_checks(ledger)
    except ApprovalError as e:
        checks.insert(0, Check("ledger", FAIL, f"{ledger.path}: {e.message}", e.hint))
    return checks


def set_aside_checks(ledger: Any, head: str, state: LedgerState) -> list[Check]:
    """One check per statement a sync set aside (refs/approval/rejected/), verified: an
    export there is a file that left without a record the ledger admits, and one that does not
    verify was put there by someone (both to act on: ``fail``); any other is not in force."""
    from approval.ledger.setaside import examine, held_refs

    if not held_refs(ledger):
        return []
    checks = []
    for held in examine(ledger, head, state):
        if held.export:
            hint = (
                f"approval incident open --artifact {held.artifact} --key KEY (README: "
                "'Statements set aside')"
            )
            checks.append(Check("set aside", FAIL, held.words, hint))
        elif not held.genuine:
            checks.append(
                Check("set aside", FAIL, held.words, "compare with the other offices' clones")
            )
        else:
            checks.append(
                Check("set aside", WARN, held.words, "make the statement again if still meant")
            )
    return checks


def checkpoint_check(state: LedgerState) -> Check:
    """Is a checkpoint due (the policy's ``checkpoints.every``), or the newest short of its
    witnesses? A warning, never a failure (``workflow.checkpoint.notice``, which ``approval
    status`` says too)."""
    from approval.workflow.checkpoint import last_words, notice, standing

    found = standing(state)
    if found.threshold is None:
        return Check("checkpoint", OK, "the policy names no checkpoint role")
    warning = notice(found)
    if warning is not None:
        return Check("checkpoint", WARN, warning.detail, warning.hint)
    every = f"policy: every {found.every}" if found.every is not None else "policy: no `every`"
    return Check("checkpoint", OK, f"{last_words(found)} ({every})")


def remote_checks(ledger: Any) -> list[Check]:
    from approval.errors import ApprovalError
    from approval.ledger import remote

    url = remote.url(ledger)
    if url is None:
        return [Check("remote", OK, "none: a ledger of its own (approval sync shares nothing)")]
    checks = []
    local = remote.local_path(url)
    if local is not None:
        checks.append(safe_directory("remote directory", local))
    try:
        head = _with_timeout(lambda: remote.remote_head(ledger.git_dir, url))
    except TimeoutError:
        return [
            Check(
                "remote",
                FAIL,
                f"{url}: no answer in {REMOTE_TIMEOUT} s",
                "check the network, VPN or ssh access",
            ),
            *checks,
        ]
    except ApprovalError as e:
        return [Check("remote", FAIL, e.message, e.hint), *checks]
    if head is None:
        words = f"{url}: reachable; it holds no ledger branch yet (the next sync pushes it)"
    else:
        words = f"{url}: reachable, ledger head {head[:12]}"
    return [Check("remote", OK, words), *checks]


def safe_directory(name: str, path: Path) -> Check:
    """git refuses a repository owned by another user unless it is a ``safe.directory``
    (since 2.35.2; for local clones and fetches since 2.45.1): a shared bare remote on a file
    share is the usual case."""
    try:
        owner = path.stat().st_uid
    except OSError as e:
        return Check(name, FAIL, f"{path}: {e.strerror}", "check the path and its permissions")
    if owner == os.getuid():
        return Check(name, OK, f"{path}: owned by you")
    allowed = _output(["git", "config", "--get-all", "safe.directory"]) or ""
    resolved = str(path.resolve())
    for line in allowed.splitlines():
        entry = line.strip()
        if entry == "*" or entry.rstrip("/") in (str(path).rstrip("/"), resolved):
            return Check(name, OK, f"{path}: owned by another user, listed in safe.directory")
        if entry.endswith("/*") and resolved.startswith(entry[:-1]):
            return Check(name, OK, f"{path}: owned by another user, under safe.directory")
    return Check(
        name,
        FAIL,
        f"{path}: owned by another user; git refuses it (dubious ownership)",
        f"git config --global --add safe.directory {resolved}",
    )


# -- keys and caches --------------------------------------------------------------------------


def key_permissions(key: Path) -> Check:
    """A private key file only its owner can read, as OpenSSH demands; a ``.pub`` names a key
    held in ssh-agent, which must be there."""
    name = f"key {key}"
    if key.suffix == ".pub":
        return _agent_key(name, key)
    try:
        info = key.stat()
    except OSError as e:
        return Check(name, FAIL, e.strerror or "cannot read it", "check the path")
    if not stat.S_ISREG(info.st_mode):
        return Check(name, FAIL, "not a regular file", "give the private key file")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        return Check(
            name,
            FAIL,
            f"readable by others (mode {mode:04o}); OpenSSH refuses such a key",
            f"chmod 600 {key}",
        )
    if info.st_uid != os.getuid():
        return Check(name, WARN, "owned by another user", f"chown yourself {key}")
    return Check(name, OK, f"private, mode {mode:04o}")


def _agent_key(name: str, key: Path) -> Check:
    try:
        wanted = key.read_text(encoding="utf-8").split()[:2]
    except (OSError, UnicodeDecodeError) as e:
        return Check(name, FAIL, f"cannot read it: {e}", "give the .pub file of your key")
    if not os.environ.get("SSH_AUTH_SOCK"):
        return Check(name, FAIL, "a public key, and no ssh-agent ($SSH_AUTH_SOCK unset)", None)
    listed = _output(["ssh-add", "-L"]) or ""
    for line in listed.splitlines():
        if line.split()[:2] == wanted:
            return Check(name, OK, "held in ssh-agent")
    return Check(name, FAIL, "not held in ssh-agent", f"ssh-add the key of {key}")


def cache_health() -> Check:
    from approval.ledger.usercache import cache_root, private_dir

    root = cache_root()
    if root is None:
        return Check(
            "cache",
            WARN,
            "no home or $XDG_CACHE_HOME: caches last one command (slower, as safe)",
            "set XDG_CACHE_HOME",
        )
    if not private_dir(root):
        return Check(
            "cache",
            WARN,
            f"{root}: not private to you; caches go to a temporary directory (slower, as safe)",
            f"chmod 700 {root} (it must be yours)",
        )
    damaged = [path for path in sorted(root.glob("ledgers/*/*/*.sqlite*")) if _damaged(path)]
    if damaged:
        return Check(
            "cache",
            WARN,
            f"{root}: {len(damaged)} damaged cache database(s); each is rebuilt when next used",
            f"rm {damaged[0]}",
        )
    return Check("cache", OK, f"{root}: private to you")


def _damaged(path: Path) -> bool:
    if path.name.endswith(("-wal", "-shm")):
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return bool(db.execute("PRAGMA quick_check").fetchone() != ("ok",))
        finally:
            db.close()
    except sqlite3.Error:
        return True


# -- helpers --------------------------------------------------------------------------------


def _output(args: list[str], *, stderr: bool = False) -> str | None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return done.stderr if stderr else done.stdout


def _with_timeout(call: Callable[[], Any]) -> Any:
    """``call()``, or TimeoutError after REMOTE_TIMEOUT seconds (it goes on in its thread,
    a daemon, and ends with the process)."""
    import threading

    result: list[Any] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as e:  # handed to the caller
            error.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(REMOTE_TIMEOUT)
    if thread.is_alive():
        raise TimeoutError
    if error:
        raise error[0]
    return result[0]
