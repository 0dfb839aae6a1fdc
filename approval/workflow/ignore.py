"""``.approvalignore``: files the gate does not check, in gitignore syntax. Pure: no I/O.

A small matcher of our own rather than ``git check-ignore``: the gate also runs on plain
directories (an export tree, a CI artefact) where there is no git work tree, and git only reads
patterns from the files it knows (``.gitignore``, ``info/exclude``, ``core.excludesFile``); a
per-directory file of another name would need a git process per directory. The syntax is
gitignore's (https://git-scm.com/docs/gitignore):

- blank lines and ``#`` comments are skipped; ``\\#`` and ``\\!`` escape; trailing spaces go
  unless escaped;
- ``!pattern`` re-includes what an earlier pattern excluded (not inside an excluded directory);
- ``pattern/`` matches directories only (and so everything under them);
- a pattern with a ``/`` before its end is anchored to the directory of the file that holds it;
  without one it matches a name at any depth;
- ``*`` and ``?`` do not match ``/``; ``[a-z]`` and ``[!a-z]`` are classes; ``**/``, ``/**`` and
  ``/**/`` match any number of directories.

Patterns in a deeper directory's file are read after those above it, and the last pattern that
matches decides, as in git.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FILE_NAME = ".approvalignore"


@dataclass(frozen=True)
class Pattern:
    base: str  # the directory of the file that holds it, relative to the root ("" = root)
    regex: re.Pattern[str]
    negated: bool
    directory_only: bool
    source: str  # the pattern as written, for messages


def parse(text: str, base: str = "") -> list[Pattern]:
    """The patterns in one ignore file found in directory ``base`` (relative, ``/``-separated)."""
    patterns = []
    for raw in text.splitlines():
        line = _strip_trailing_spaces(raw)
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated or line.startswith(("\\!", "\\#")):  # the mark, or the escape
            line = line[1:]
        directory_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        body = _translate(line)
        regex = re.compile(("" if anchored else "(?:.*/)?") + body + r"\Z", re.DOTALL)
        patterns.append(Pattern(base.strip("/"), regex, negated, directory_only, raw.strip()))
    return patterns


def _strip_trailing_spaces(line: str) -> str:
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped[:-1] + " "
    return stripped


def _translate(pattern: str) -> str:
    """A gitignore glob as a regular expression over a ``/``-separated relative path."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if pattern.startswith("**", i):
            before = i == 0 or pattern[i - 1] == "/"
            after = i + 2 == n or pattern[i + 2] == "/"
            if before and after:
                if i + 2 == n:  # trailing "/**" (or the whole pattern): everything below
                    out.append(".*")
                    i += 2
                else:  # "**/" : zero or more directories
                    out.append("(?:.*/)?")
                    i += 3
                continue
            out.append("[^/]*")  # other consecutive asterisks are one "*"
            while i < n and pattern[i] == "*":
                i += 1
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif ch == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                inner = pattern[i + 1 : end]
                if inner[:1] in ("!", "^"):
                    inner = "^" + inner[1:]
                out.append("(?!/)[" + inner.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


class Matcher:
    """Whether a path (relative to the root, ``/``-separated) is ignored, by the patterns of
    the ignore files added for its directory and those above it."""

    def __init__(self, patterns: Iterable[Pattern] = ()):
        self.patterns: list[Pattern] = list(patterns)

    def add(self, patterns: Sequence[Pattern]) -> None:
        self.patterns += patterns

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def ignored(self, path: str) -> bool:
        parts = path.strip("/").split("/")
        # A file inside an ignored directory is ignored, whatever comes after (as in git).
        for depth in range(1, len(parts)):
            if self._decide("/".join(parts[:depth]), directory=True):
                return True
        return self._decide("/".join(parts), directory=False)

    def _decide(self, path: str, *, directory: bool) -> bool:
        verdict = False
        for pattern in self.patterns:
            if pattern.directory_only and not directory:
                continue
            if pattern.base:
                if not path.startswith(pattern.base + "/"):
                    continue
                relative = path[len(pattern.base) + 1 :]
            else:
                relative = path
            if pattern.regex.match(relative):
                verdict = not pattern.negated
        return verdict
