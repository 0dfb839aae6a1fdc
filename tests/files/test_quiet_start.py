"""A fork server's workers that fail as they start print no traceback (files/quiet_start.py).

Ctrl-C can end a command while its fork server is forking a worker for it: the worker then
fails to unpickle what the command sent (its semaphores are gone) and multiprocessing prints the
traceback with ``sys.excepthook``. These run a real interpreter with the module imported as the
fork server imports it, and a failure raised as that unpickling raises it."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from approval.files.pool import QUIET_START


def _fail_after_import(error: str) -> subprocess.CompletedProcess[str]:
    code = f"import {QUIET_START}\nraise {error}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.mark.parametrize(
    "error",
    [
        "FileNotFoundError(2, 'No such file or directory')",  # SemLock._rebuild, parent gone
        "EOFError('Ran out of input')",  # the parent's pipe closed mid-pickle
        "BrokenPipeError(32, 'Broken pipe')",
        "KeyboardInterrupt()",
    ],
)
def test_a_worker_whose_command_went_away_says_nothing(error: str) -> None:
    done = _fail_after_import(error)
    assert done.returncode != 0
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("ValueError('Maria Lopez A212345678')", "ValueError"),
        # Not the command going away: a worker that cannot start while it may still run.
        ("OSError(24, 'Too many open files')", "OSError"),
        ("PermissionError(13, 'Permission denied: Maria Lopez A212345678')", "PermissionError"),
    ],
)
def test_any_other_failure_is_one_line_naming_only_its_type(error: str, kind: str) -> None:
    done = _fail_after_import(error)
    assert done.returncode != 0
    assert done.stderr == f"approval: a worker process failed to start ({kind})\n"
    assert "Traceback" not in done.stderr


def test_the_pools_fork_servers_import_it_first() -> None:
    from approval.files import pool
    from approval.ledger import parallel

    assert pool._context(["json"])._name == "forkserver"
    import multiprocessing.forkserver as forkserver

    assert forkserver._forkserver._preload_modules[0] == QUIET_START
    # The ledger may not import files/ (import-linter): it names the module by its string.
    assert f'["{QUIET_START}", __name__]' in inspect.getsource(parallel._pool)
