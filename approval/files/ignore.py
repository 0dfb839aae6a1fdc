"""``.approvalignore``: files the gate does not check, in gitignore syntax. Pure: no I/O.

Each line is compiled by ``pathspec`` (its gitignore patterns, which follow git's wildmatch);
how the compiled patterns combine is git's (https://git-scm.com/docs/gitignore), done here:

- patterns of a deeper directory's file come after those above it, and the last pattern that
  matches a path decides (``!pattern`` re-includes);
- a path is ignored when one of its directories is: nothing inside an excluded directory can be
  re-included. So every directory on the way is matched as a directory first, then the file;
- a pattern applies below the directory of the file that holds it, relative to it.

Our own combination rather than ``pathspec.GitIgnoreSpec.match_file``: that one re-includes a
file inside an excluded directory (``secret/`` then ``!secret/keep.csv``), which git does not;
and rather than ``git check-ignore``: the gate also runs on plain directories where there is no
git work tree, and git reads no file of this name. tests/workflow/test_ignore.py checks the
result against ``git check-ignore`` on generated patterns.

A line that cannot be used (one that pathspec cannot compile, such as a reversed range
``[z-a]`` or a trailing lone backslash) is an ``IgnoreFileError`` naming ``file:line``, exit 2:
a gate must not guess which files a broken pattern meant to leave out. The message never quotes
the pattern, which may hold a file name that identifies a person.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from approval.errors import UsageError

FILE_NAME = ".approvalignore"
_POSIX_CLASS = re.compile(r"\[:[a-z]+:\]")
_DIR_MARK = "ps_d"  # pathspec's group: the slash after a directory the pattern matched
# pathspec compiles "*" and "**" (every path) and "*/" and "**/" (every directory) to short
# expressions that it searches for; matched from the start, as every other one, they read:
_ANCHORED = {
    ".": re.compile(r"^(?:.+/)?[^/]+(?:(?P<ps_d>/)|$)"),
    "(?P<ps_d>/)": re.compile(r"^(?:.+/)?[^/]+(?P<ps_d>/)"),
}


class IgnoreFileError(UsageError):
    """A line of an ``.approvalignore`` that cannot be used (exit 2)."""


class _Unusable(ValueError):
    pass


@dataclass(frozen=True)
class Pattern:
    base: str  # the directory of the file that holds it, relative to the root ("" = root)
    regex: re.Pattern[str]
    negated: bool
    origin: str  # "<file>:<line>", for messages

    def hits(self, path: str, *, directory: bool) -> bool:
        """Whether this pattern matches ``path`` itself (relative to ``base``), as git's
        wildmatch would: not merely a path inside a directory it matches (that is the
        directory's own match, found by ``Matcher``)."""
        if self.regex.pattern.endswith("/"):
            # "docs/**", compiled to "^docs/": every path strictly below docs, not docs.
            text = path + "/" if directory else path
            found = self.regex.match(text)
            return found is not None and found.end() < len(text)
        if self.regex.fullmatch(path) is not None:
            return True
        if not directory:
            return False
        # A directory pattern ("docs/"), or any pattern, through pathspec's directory mark.
        found = self.regex.fullmatch(path + "/")
        return found is not None and found.groupdict().get(_DIR_MARK) is not None


def parse(text: str, base: str = "", origin: str = FILE_NAME) -> list[Pattern]:
    """The patterns in one ignore file found in directory ``base`` (relative, ``/``-separated);
    ``origin`` names the file in errors."""
    from pathspec.patterns.gitignore import GitIgnorePatternError
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    patterns = []
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{origin}:{number}"
        try:
            if _POSIX_CLASS.search(line):
                raise _Unusable("POSIX character classes such as [[:alpha:]] are not supported")
            if not line.rstrip().lstrip("!").strip("/"):
                continue  # "/" (or "!/"): git matches nothing; pathspec, every directory
            segments = line.rstrip().lstrip("!").split("/")
            if len(segments) > 1 and any("**" in g and g != "**" for g in segments):
                # "a**/b" matches "ab" in git: "**" beside other characters, before or after a
                # "/", is neither "*" nor "any directories". Said plainly instead of guessed.
                raise _Unusable("'**' must be a whole path segment ('a/**/b') next to a '/'")
            if _slash_in_class(line):
                # git reads "[/a]" within one path segment, pathspec across two: they differ.
                raise _Unusable("a '/' inside [...] is not supported")
            with warnings.catch_warnings():
                # "Possible nested set" for "[[a]": a literal "[" in a class, as git reads it.
                warnings.simplefilter("ignore", FutureWarning)
                compiled = GitIgnoreSpecPattern(line)
                if compiled.include is None or compiled.regex is None:
                    continue  # blank, a comment, or a pattern that git never matches
                regex = _ANCHORED.get(compiled.regex.pattern) or re.compile(
                    _no_slash_in_classes(compiled.regex.pattern)
                )
        except (GitIgnorePatternError, re.error, ValueError) as e:
            raise IgnoreFileError(
                f"{where}: this pattern cannot be used ({_why(e)})",
                hint="fix or remove the line (gitignore syntax); nothing was checked",
            ) from None
        patterns.append(Pattern(base.strip("/"), regex, not compiled.include, where))
    return patterns


def _slash_in_class(line: str) -> bool:
    """Whether a ``[`` class of the pattern holds a ``/``, or is left open before one."""
    i, n = 0, len(line)
    while i < n:
        if line[i] == "\\":
            i += 2
            continue
        if line[i] != "[":
            i += 1
            continue
        end = i + 1
        if end < n and line[end] in "!^":
            end += 1
        if end < n and line[end] == "]":
            end += 1
        while end < n and line[end] != "]":
            if line[end] == "/" or line[end : end + 2] == "\\/":
                return True
            end += 2 if line[end] == "\\" else 1
        i = end + 1
    return False


def _no_slash_in_classes(regex: str) -> str:
    """``regex`` with every character class kept from matching ``/``, as in git, where
    ``[!a]`` never matches a directory separator (pathspec's ``[^a]`` would)."""
    out = []
    i, n = 0, len(regex)
    while i < n:
        ch = regex[i]
        if ch == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if ch != "[":
            out.append(ch)
            i += 1
            continue
        # A class: "[", an optional "^", a "]" that is literal when first, then up to "]".
        end = i + 1
        if end < n and regex[end] == "^":
            end += 1
        if end < n and regex[end] == "]":
            end += 1
        while end < n and regex[end] != "]":
            end += 2 if regex[end] == "\\" else 1
        out.append("(?:(?!/)" + regex[i : end + 1] + ")")  # a group: its quantifier follows
        i = end + 1
    return "".join(out)


def _why(error: Exception) -> str:
    if isinstance(error, re.error):
        # e.g. "bad character range z-a": the range, as the user wrote it, not the file name.
        return re.sub(r" at position \d+$", "", str(error.msg))
    if isinstance(error, _Unusable):
        return str(error)
    return "not a valid gitignore pattern"  # pathspec's message quotes the line: not shown


class Matcher:
    """Whether a path (relative to the root, ``/``-separated) is ignored, by the patterns of
    the ignore files added for its directory and those above it, shallower first."""

    def __init__(self, patterns: Iterable[Pattern] = ()):
        self.patterns: list[Pattern] = list(patterns)

    def add(self, patterns: Sequence[Pattern]) -> None:
        self.patterns += patterns

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def ignored(self, path: str, *, directory: bool = False) -> bool:
        parts = path.strip("/").split("/")
        # A file inside an ignored directory is ignored, whatever comes after (as in git).
        for depth in range(1, len(parts)):
            if self._decide("/".join(parts[:depth]), directory=True):
                return True
        return self._decide("/".join(parts), directory=directory)

    def _decide(self, path: str, *, directory: bool) -> bool:
        verdict = False
        for pattern in self.patterns:
            if pattern.base:
                if not path.startswith(pattern.base + "/"):
                    continue
                relative = path[len(pattern.base) + 1 :]
            else:
                relative = path
            if pattern.hits(relative, directory=directory):
                verdict = not pattern.negated
        return verdict
