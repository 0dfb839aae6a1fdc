"""``approval audit --export DIR``: the ledger as files that stock ``ssh-keygen`` can check.

The bundle (DESIGN.md pins the names)::

    DIR/README.md                        what is here and how to check it
    DIR/allowed_signers                  every official key, per roster window (ssh-keygen(1))
    DIR/<n>-<kind>-<id>.json             statement n: the exact bytes its signatures cover
    DIR/<n>-<kind>-<id>.json.sig         its (first) signature
    DIR/<n>-<kind>-<id>.json.2.sig ...   further signatures (an adoption's admins), in order
    DIR/verify.sh                        POSIX sh: checks every signature, exits 1 if any fails

``<n>`` is the statement's position in the ledger, zero-padded so that ``ls`` lists them in
order; ``<id>`` is its full statement id, the sha256 of the file (``verify.sh`` checks that too
when ``sha256sum`` is there).

**Windows.** Each adoption puts its roster in force from its ``created`` time until the next
adoption's. Each official key gets one ``allowed_signers`` line per adoption window it is in,
narrowed to the official's own ``valid_from``/``valid_until``, as ``valid-after``/
``valid-before`` in UTC (``...Z``). ``valid-before`` is inclusive in OpenSSH, so a window ends
at the next adoption's own second: an adoption is signed by admins of the roster it replaces
and of the new one, at the same instant. ``verify.sh`` checks each signature at its statement's
``created`` time (``-Overify-time``), moved up to the start of the adoption in force for it if
its clock ran up to five minutes behind (``approval.trust.state.CLOCK_SKEW``). The trust
rules beyond "this key may sign at that time" (roles, thresholds, versions, seen heads) are
``approval audit``'s; the bundle proves that every statement is signed by the key of an official
of the roster in force, with stock tools, years later.

**Compromised keys.** A key that any adopted roster names compromised (``compromised:`` with
a time) gets ``valid-before`` the last whole second before that time on every one of its
lines, in every window, and a comment line naming it: ``ssh-keygen`` then refuses what it
signed from then on and accepts what it signed before, as the decision counts them (OpenSSH
keeps ``@revoked`` for a key that is refused whatever the time; this one is refused from a
time). ``verify.sh`` checks such a signature twice: ``ssh-keygen -Y check-novalidate`` proves
the bytes were signed by that key, and ``-Y verify`` must refuse it; it is reported as
``void``, not as a failure, and the script fails if ``ssh-keygen`` accepts it.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from approval.errors import UsageError
from approval.policy.model import key_identity
from approval.statements import NAMESPACE, format_time, short_id
from approval.trust.replay import Verified
from approval.trust.state import Adoption, fingerprint

ALLOWED_SIGNERS = "allowed_signers"
VERIFY = "verify.sh"
README = "README.md"


def ssh_time(when: datetime) -> str:
    """``20261121061444Z``: what ``valid-after``, ``valid-before`` and ``verify-time`` take."""
    return format_time(when).replace("-", "").replace(":", "").replace("T", "")


def signature_name(statement_file: str, index: int) -> str:
    """``x.json.sig`` for the first signature, ``x.json.2.sig`` for the second..."""
    return f"{statement_file}.sig" if index == 0 else f"{statement_file}.{index + 1}.sig"


def compromised_keys(adoptions: tuple[Adoption, ...]) -> dict[str, datetime]:
    """Key identity -> the earliest time any adopted roster names it compromised."""
    found: dict[str, datetime] = {}
    for adoption in adoptions:
        for compromise in adoption.roster.compromised:
            found[compromise.key] = min(
                compromise.since, found.get(compromise.key, compromise.since)
            )
    return found


def last_good_second(since: datetime) -> datetime:
    """The last whole second before ``since``: statements carry whole seconds, and one made at
    ``since`` or later does not count, so ``valid-before`` (inclusive) is this."""
    whole = since.replace(microsecond=0)
    return whole if whole < since else whole - timedelta(seconds=1)


def allowed_signers(adoptions: tuple[Adoption, ...]) -> list[str]:
    """One line per official key per adoption window (see the module doc)."""
    lines = []
    compromised = compromised_keys(adoptions)
    for identity, since in compromised.items():
        lines.append(
            f"# key {fingerprint(identity)} is named compromised since {format_time(since)}: "
            f'valid-before="{ssh_time(last_good_second(since))}" on each of its lines'
        )
    for number, adoption in enumerate(adoptions):
        following = adoptions[number + 1] if number + 1 < len(adoptions) else None
        lines.append(
            f"# {adoption.label}, roster v{adoption.roster.version}: adoption "
            f"{short_id(adoption.id)}, in force from {format_time(adoption.at)}"
            + (f" to {format_time(following.at)}" if following else "")
        )
        for official in adoption.roster.officials:
            start = adoption.at
            if official.valid_from is not None:
                start = max(start, official.valid_from)
            end = following.at if following else None
            if official.valid_until is not None:
                last = official.valid_until - timedelta(seconds=1)  # valid_until is exclusive
                end = last if end is None else min(end, last)
            for key in official.keys:
                identity = key_identity(key)
                key_end = end
                if identity in compromised:
                    cut = last_good_second(compromised[identity])
                    key_end = cut if key_end is None else min(key_end, cut)
                if key_end is not None and key_end < start:
                    continue  # never valid while this roster was in force
                options = f'namespaces="{NAMESPACE}",valid-after="{ssh_time(start)}"'
                if key_end is not None:
                    options += f',valid-before="{ssh_time(key_end)}"'
                lines.append(f"{official.id} {options} {identity}")
    return lines


@dataclass(frozen=True)
class _Check:
    file: str
    signature: str
    signer: str
    time: str
    id: str
    key: str = ""  # the key's identity
    when: datetime | None = None
    void: bool = False  # signed with a compromised key at or after the compromise


@dataclass(frozen=True)
class Bundle:
    directory: Path
    statements: int
    signatures: int
    keys: int  # allowed_signers lines
    head: str | None
    void: int = 0  # signatures by a compromised key at or after the compromise


class BundleWriter:
    """Writes statements as they are verified into a hidden sibling of ``directory``, which
    becomes ``directory`` only when everything is written: a failed audit leaves nothing."""

    def __init__(self, directory: Path):
        directory = Path(directory)
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise UsageError(
                f"cannot export to {directory}: it exists and is not empty",
                hint="give a new directory",
            )
        self.directory = directory
        try:
            directory.parent.mkdir(parents=True, exist_ok=True)
            self.staging = directory.parent / f".{directory.name}.exporting-{secrets.token_hex(4)}"
            self.staging.mkdir()
        except OSError as e:
            raise UsageError(f"cannot export to {directory}: {e.strerror}") from e
        self.checks: list[_Check] = []
        self.count = 0
        self._in_force: datetime | None = None

    def add(self, verified: Verified) -> None:
        self.count += 1
        kind = verified.envelope.kind
        name = f"{verified.position:06d}-{kind}-{verified.id}.json"
        (self.staging / name).write_bytes(verified.signed)
        created = verified.envelope.created
        if isinstance(verified.record, Adoption):
            self._in_force = verified.record.at
            when = created
        else:
            when = max(created, self._in_force) if self._in_force else created
        for index, signature in enumerate(verified.envelope.signatures):
            sig_name = signature_name(name, index)
            (self.staging / sig_name).write_text(signature.signature, "ascii")
            self.checks.append(
                _Check(
                    name,
                    sig_name,
                    signature.signer,
                    ssh_time(when),
                    verified.id,
                    key_identity(signature.key),
                    when,
                )
            )

    def finish(self, adoptions: tuple[Adoption, ...], head: str | None) -> Bundle:
        lines = allowed_signers(adoptions)
        compromised = compromised_keys(adoptions)
        if compromised:
            # Known only now: a later roster may name a key that signed earlier statements.
            self.checks = [
                replace(
                    c,
                    void=c.key in compromised
                    and c.when is not None
                    and c.when >= compromised[c.key],
                )
                for c in self.checks
            ]
        (self.staging / ALLOWED_SIGNERS).write_text("\n".join(lines) + "\n", "utf-8")
        script = self.staging / VERIFY
        script.write_text(verify_script(self.checks), "utf-8")
        script.chmod(0o755)
        (self.staging / README).write_text(readme(self.count, len(self.checks), head), "utf-8")
        try:
            self.staging.rename(self.directory)  # onto a missing or empty directory
        except OSError as e:
            self.abort()
            raise UsageError(f"cannot export to {self.directory}: {e.strerror}") from e
        keys = sum(1 for line in lines if not line.startswith("#"))
        void = sum(1 for c in self.checks if c.void)
        return Bundle(self.directory, self.count, len(self.checks), keys, head, void)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def verify_script(checks: list[_Check]) -> str:
    """``verify.sh``: one ``check`` line per signature, so a missing file fails too; ``void``
    for a signature a compromised key made at or after its compromise."""
    body = "\n".join(
        f"{'void' if c.void else 'check'} {c.file} {c.signature} {c.signer} {c.time} {c.id}"
        for c in checks
    )
    return _SCRIPT.replace("@NAMESPACE@", NAMESPACE).replace("@CHECKS@", body)


_SCRIPT = """#!/bin/sh
# Checks every signed statement of this approval ledger export with ssh-keygen alone
# (OpenSSH 8.9 or newer). Exits 0 when every signature verifies, 1 when any does not.
# See README.md. Usage: sh verify.sh [-q]
set -u
cd "$(dirname "$0")" || exit 2
NAMESPACE='@NAMESPACE@'
quiet=0
[ "${1:-}" = "-q" ] && quiet=1
if command -v sha256sum >/dev/null 2>&1; then have_sha=1; else have_sha=0; fi
ok=0
failed=0
voided=0
sha_matches() {
    # sha_matches FILE ID
    [ "$have_sha" -eq 1 ] || return 0
    sum=$(sha256sum < "$1" 2>/dev/null | cut -d' ' -f1)
    if [ "$sum" != "$2" ]; then
        failed=$((failed + 1))
        echo "FAILED  $1: its sha256 is not the statement id in its name" >&2
    fi
}
void() {
    # void FILE SIGNATURE SIGNER TIME ID: signed with a key named compromised before TIME.
    # Genuine (check-novalidate) but refused by allowed_signers (valid-before): it counts for
    # nothing. Accepted would mean allowed_signers does not say what the ledger says.
    if ! ssh-keygen -Y check-novalidate -n "$NAMESPACE" -s "$2" < "$1" >/dev/null 2>&1; then
        failed=$((failed + 1))
        echo "FAILED  $2 ($3): not a valid signature of $1" >&2
    elif ssh-keygen -Y verify -f allowed_signers -I "$3" -n "$NAMESPACE" -s "$2" \\
        -Overify-time="$4" < "$1" >/dev/null 2>&1; then
        failed=$((failed + 1))
        echo "FAILED  $2 ($3): made with a compromised key, yet allowed_signers accepts it" >&2
    else
        voided=$((voided + 1))
        [ "$quiet" -eq 1 ] || echo "void    $2 ($3): made with a key named compromised by then"
    fi
    sha_matches "$1" "$5"
}
check() {
    # check FILE SIGNATURE SIGNER TIME ID
    if ssh-keygen -Y verify -f allowed_signers -I "$3" -n "$NAMESPACE" -s "$2" \\
        -Overify-time="$4" < "$1" >/dev/null 2>&1; then
        ok=$((ok + 1))
        [ "$quiet" -eq 1 ] || echo "ok      $2 ($3)"
    else
        failed=$((failed + 1))
        echo "FAILED  $2 ($3): ssh-keygen -Y verify refused it" >&2
    fi
    if [ "$have_sha" -eq 1 ]; then
        sum=$(sha256sum < "$1" 2>/dev/null | cut -d' ' -f1)
        if [ "$sum" != "$5" ]; then
            failed=$((failed + 1))
            echo "FAILED  $1: its sha256 is not the statement id in its name" >&2
        fi
    fi
}
@CHECKS@
if [ "$voided" -gt 0 ]; then
    echo "$ok signatures verified, $voided void (a compromised key's), $failed failures"
else
    echo "$ok signatures verified, $failed failures"
fi
[ "$failed" -eq 0 ] || exit 1
exit 0
"""


def readme(statements: int, signatures: int, head: str | None) -> str:
    return f"""# Approval ledger export

{statements} signed statements and {signatures} signatures from an approval ledger whose head
was commit `{head}`, written by `approval audit --export` after a full verified replay.

Check every signature with stock OpenSSH (8.9 or newer), without the approval tool:

    sh verify.sh        # prints one line per signature; exits 1 if any fails
    sh verify.sh -q     # only failures and the total

## Files

- `NNNNNN-<kind>-<id>.json`: statement number NNNNNN of the ledger (1 is the first), exactly
  the bytes its signatures cover: canonical JSON (RFC 8785), no trailing newline. `<id>` is
  the statement id, the sha256 of the file; other statements refer to it by that id (a
  sign-off names its request, an export its sign-offs, each statement the ledger head its
  signer saw, `seen_head`, a git commit id).
- `NNNNNN-<kind>-<id>.json.sig`: its signature (SSHSIG, namespace
  `{NAMESPACE}`). A statement with several signatures (an adoption of a policy and roster,
  signed by the admin threshold) has `.json.sig` for the first, then `.json.2.sig`,
  `.json.3.sig`..., in the order they are stored. The signer of each is on its line in
  `verify.sh`.
- `allowed_signers`: every official's public key, one line per key per roster window, with the
  namespace and the window as `valid-after`/`valid-before` (UTC, inclusive). A window runs from
  one adoption to the next, narrowed to the official's own validity, and for a key a roster
  names compromised (lost or stolen) to the last second before its compromise time (a comment
  line at the top names each such key).
- `verify.sh`: for each signature, `ssh-keygen -Y verify -f allowed_signers -I <signer>
  -n {NAMESPACE} -s <sig> -Overify-time=<created> < <statement>`,
  and (when `sha256sum` exists) that the file's sha256 is the id in its name. A signature made
  with a compromised key at or after its compromise time is on a `void` line instead: it must
  be a genuine signature (`ssh-keygen -Y check-novalidate`) that `-Y verify` refuses; it
  counts for nothing in the ledger, and the script reports it as void, not as a failure.

## What this proves, and what it does not

That every statement is signed by a key the roster in force gave to the official it names, at
the time it says it was made, and that no statement file was changed. The rules about *what*
each official may sign (roles, admin thresholds, rising policy versions, each statement naming
an earlier ledger head, each export allowed by the sign-offs it names) are checked by
`approval audit` on the ledger itself, a git repository that `git log` reads without the tool.
"""
