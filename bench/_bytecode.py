"""The package's byte-code, compiled once before a bench times any command.

An installed package runs from byte-code that pip compiled at install time. A checkout run
with ``PYTHONDONTWRITEBYTECODE`` (set in some development shells and on this project's
machines) never writes it, so every timed command would first compile ~300 modules from
source: 0.15-0.25 s of start-up that users never pay, on top of every whole-command figure.
Compiling into the package's own ``__pycache__`` (ignored by git) is what pip does; Python
reads byte-code that exists even when told not to write it. The dependencies in the venv were
compiled by pip already.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "approval"


def compile_package() -> None:
    """Byte-code for every module of the package, as an install leaves it (untimed)."""
    if not compileall.compile_dir(PACKAGE, quiet=1, workers=0):
        raise SystemExit(f"could not compile {PACKAGE} to byte-code")
