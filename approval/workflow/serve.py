"""``approval serve``: the gate at the web server. A decision service for the web server's
sub-request hook (nginx ``auth_request``, Caddy ``forward_auth``): for the file a request maps
to under the document root, 200 when it is clean or approved, 403 otherwise. The service never
serves a file; see ``approval.serve`` for how it maps, decides, caches and follows the ledger.

``check_config`` is ``approval serve --check-config`` (exit 0 or 2): the root, the index name,
the address and the ledger, verified to its head. ``check_service`` is for ``approval doctor``:
is a service answering at an address, on which ledger head.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import os
import socket
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from approval.errors import UsageError
from approval.serve.paths import INDEX
from approval.statements import now

if TYPE_CHECKING:
    from approval.signing import PrivateKey

DEFAULT_LISTEN = "127.0.0.1:8181"
HEALTH_PATH = "/.approval-serve/health"


@dataclass(frozen=True)
class Listen:
    """Where the service listens: a Unix socket (``path``) or a TCP address."""

    path: str | None = None
    host: str = "127.0.0.1"
    port: int = 8181

    def __str__(self) -> str:
        return f"unix:{self.path}" if self.path else f"{self.host}:{self.port}"

    @property
    def loopback(self) -> bool:
        if self.path is not None or self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_listen(text: str) -> Listen:
    """``unix:PATH``, ``HOST:PORT``, ``[V6]:PORT`` or ``:PORT`` (loopback)."""
    if text.startswith("unix:"):
        path = text[5:]
        if not path:
            raise UsageError(
                "--listen unix:PATH needs a path", hint="e.g. unix:/run/approval/gate.sock"
            )
        return Listen(path=str(Path(path).absolute()))
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(
            f"--listen {text!r}: not HOST:PORT or unix:PATH", hint="e.g. 127.0.0.1:8181"
        )
    host = host.strip("[]") or "127.0.0.1"
    return Listen(host=host, port=int(port))


@dataclass(frozen=True)
class ServeOptions:
    root: Path
    ledger: Path | None
    listen: Listen = Listen()
    index: str = INDEX
    scans: int = 2  # scans at once
    wait: float = 5.0  # seconds a request waits for a cold decision before 403 "scanning"
    poll: float = 1.0  # seconds between looks at the ledger's head
    fetch_every: float = 30.0  # seconds between fetches from the ledger's remote (0: never)
    log: Path | None = None  # refusals, one JSON line each (default: stderr)
    store: Path | None = None  # the decided copies the web server serves (serve/store.py)
    # The service's own key: first refusals recorded in the ledger as ``blocked`` statements
    # (serve/record.py), at most ``record_per_minute`` a minute.
    key: Path | None = None
    passphrase_env: str | None = None
    site: str | None = None  # the door's name in those statements (default: the host name)
    record_per_minute: int = 30


# -- checking the configuration ----------------------------------------------------------------


@dataclass(frozen=True)
class ConfigCheck:
    lines: tuple[str, ...]  # what was checked, in words
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        from approval.errors import EXIT_OK, EXIT_USAGE

        return EXIT_OK if self.ok else EXIT_USAGE


def check_root(root: Path) -> str | None:
    """What makes ``root`` unusable as a document root, or None."""
    try:
        mode = root.stat().st_mode
    except OSError as e:
        return f"document root {root}: {(e.strerror or 'cannot be read').lower()}"
    if not stat.S_ISDIR(mode):
        return f"document root {root} is not a directory"
    if not os.access(root, os.R_OK | os.X_OK):
        return f"document root {root} cannot be read by this user"
    return None


def check_index(index: str) -> str | None:
    if not index or "/" in index or index.startswith(".") or "\0" in index:
        return f"--index {index!r}: a file name, not a path or a hidden name"
    return None


def check_options(options: ServeOptions) -> list[str]:
    """What in the options cannot work, each in one line: checked by ``--check-config`` and
    before the service starts (a bad value is a usage error, never a traceback from the
    server it would start)."""
    problems = []
    if options.scans < 1 or options.wait <= 0 or options.poll <= 0:
        problems.append("--scans must be at least 1; --wait and --poll more than 0")
    if options.fetch_every < 0:
        problems.append("--fetch-every must be 0 (never) or more")
    if options.record_per_minute < 1:
        problems.append("--record-per-minute must be at least 1")
    listen = options.listen
    if listen.path is not None and not _socket_directory_ok(listen.path):
        directory = Path(listen.path).parent
        problems.append(f"--listen unix:{listen.path}: cannot make a socket in {directory}")
    return problems


def _socket_directory_ok(path: str) -> bool:
    directory = Path(path).parent
    return directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)


def check_config(options: ServeOptions) -> ConfigCheck:
    """``approval serve --check-config``: everything the service needs, checked without
    starting it. A ledger that fails verification raises (exit 3), as every command does."""
    lines: list[str] = []
    problems: list[str] = []
    for problem in (check_root(options.root), check_index(options.index)):
        if problem:
            problems.append(problem)
    if not problems:
        real = os.path.realpath(options.root)
        # A link (``/srv/www -> releases/42``, an atomic deploy) is followed at each request,
        # as nginx follows it: the files decided are those of the release it names now.
        linked = " (a link, followed at each request)" if real != str(options.root) else ""
        lines.append(f"document root: {real}{linked} (index: {options.index})")
    problems.extend(check_options(options))
    listen = options.listen
    if listen.path is not None:
        # A directory it cannot make a socket in is said by ``check_options``.
        if Path(listen.path).exists() and not _stale_socket(listen.path):
            problems.append(f"listen: {listen.path} exists and is not a stale socket")
        elif _socket_directory_ok(listen.path):
            lines.append(f"listen: {listen} (the web server's user must be able to connect)")
    else:
        where = "loopback" if listen.loopback else "NOT loopback: any host that reaches it can ask"
        lines.append(f"listen: {listen} ({where})")
    if options.ledger is None and not os.environ.get("APPROVAL_LEDGER"):
        lines.append(
            "ledger: none: only clean files are served (protected ones need a ledger to approve)"
        )
    else:
        from approval.ledger.session import opened

        with opened(options.ledger) as (ledger, view):
            state = view.state_for(())
            adoption = state.adoption_at(now())
            head = view.head[:12] if view.head else "empty"
            if adoption is None:
                problems.append(f"ledger {ledger.path}: no policy adopted yet (head {head})")
            else:
                lines.append(
                    f"ledger: {ledger.path} verified to {head} ({len(view.adoptions)} "
                    f"adoption(s); policy {adoption.label})"
                )
    if options.store is not None:
        from approval.serve.store import check_apart

        try:
            check_apart(str(options.store), str(options.root))
        except UsageError as e:
            problems.append(e.message)
    if options.store is not None and not options.store.exists():
        parent = options.store.parent
        if os.access(parent, os.W_OK | os.X_OK):
            lines.append(f"store: {options.store} (made at start; the web server serves from it)")
        else:
            problems.append(f"--store {options.store}: cannot be made in {parent}")
    elif options.store is not None:
        from approval.serve.store import open_store

        try:
            lines.append(f"store: {open_store(options.store)} (the web server serves from it)")
        except UsageError as e:
            problems.append(e.message)
    else:
        lines.append(
            "store: none: the web server reads the document root itself, and a file replaced "
            "between the answer and its read is served undecided (see --store); precompressed "
            "variants it may send instead (X.gz, X.br, X.zst for X: gzip_static, precompressed) "
            "are decided with their file"
        )
    if options.key is not None:
        try:
            official, _key = _service_key(options)
        except UsageError as e:
            problems.append(f"--key: {e.message}")
        else:
            lines.append(
                f"record: first refusals signed by {official} as blocked statements at site "
                f"{site_name(options)} (at most {options.record_per_minute} a minute)"
            )
    return ConfigCheck(tuple(lines), tuple(problems))


def site_name(options: ServeOptions) -> str:
    return options.site or socket.gethostname() or "web"


def _ledger_path(options: ServeOptions) -> Path | None:
    if options.ledger is None and os.environ.get("APPROVAL_LEDGER"):
        return Path(os.environ["APPROVAL_LEDGER"])
    return options.ledger


def _service_key(options: ServeOptions) -> tuple[str, PrivateKey]:
    """``--key`` and the roster's official whose key it is, holding the role ``service``;
    ``UsageError`` when there is no ledger, the key cannot be read, or it is not a service's."""
    from approval.ledger.session import gate, read_key
    from approval.serve.record import identify_service

    assert options.key is not None
    ledger = _ledger_path(options)
    if ledger is None:
        raise UsageError("--key records refusals in a ledger, and no ledger is given")
    if options.record_per_minute < 1:
        raise UsageError("--record-per-minute must be at least 1")
    key = read_key(options.key, options.passphrase_env)
    with gate(ledger) as (session, _view):
        return identify_service(session, key), key


def _stale_socket(path: str) -> bool:
    """Whether ``path`` is a Unix socket nothing listens on (left by a killed service)."""
    try:
        if not stat.S_ISSOCK(Path(path).lstat().st_mode):
            return False
    except OSError:
        return False
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        return True
    finally:
        probe.close()
    return False


# -- approval doctor ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceHealth:
    ok: bool
    words: str  # one line for doctor
    head: str | None = None


def check_service(listen: str | Listen, timeout: float = 2.0) -> ServiceHealth:
    """Is an ``approval serve`` answering at ``listen``, and on which ledger head? For
    ``approval doctor``: never raises for a service that is down or answers nonsense."""
    where = listen if isinstance(listen, Listen) else parse_listen(listen)
    connection: http.client.HTTPConnection
    if where.path is not None:
        connection = _UnixConnection(where.path, timeout)
    else:
        connection = http.client.HTTPConnection(where.host, where.port, timeout=timeout)
    try:
        connection.request("GET", HEALTH_PATH)
        response = connection.getresponse()
        body = json.loads(response.read() or b"{}")
    except (OSError, ValueError, http.client.HTTPException) as e:
        why = type(e).__name__
        return ServiceHealth(False, f"approval serve at {where}: not answering ({why})")
    finally:
        connection.close()
    if not isinstance(body, dict):
        return ServiceHealth(False, f"approval serve at {where}: not an approval service")
    head = body.get("head") if isinstance(body.get("head"), str) else None
    if response.status == 200 and body.get("stale"):
        problem = body.get("problem") or "the ledger is stale"
        return ServiceHealth(
            False, f"approval serve at {where}: answering, but no approval stands: {problem}", head
        )
    if response.status != 200 or not body.get("ok"):
        problem = body.get("problem") or f"status {response.status}"
        return ServiceHealth(False, f"approval serve at {where}: refusing everything: {problem}")
    shown = head[:12] if head else "no ledger"
    return ServiceHealth(True, f"approval serve at {where}: answering (ledger at {shown})", head)


class _UnixConnection(http.client.HTTPConnection):
    """``http.client.HTTPConnection`` over a Unix socket."""

    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


# -- running ------------------------------------------------------------------------------------


def serve(options: ServeOptions, *, ready: TextIO | None = None) -> None:
    """Run the service until SIGINT or SIGTERM. ``UsageError`` for a bad configuration; the
    ledger's own error (exit 3) when it fails verification at start."""
    import logging

    import uvicorn

    from approval.serve.app import App
    from approval.serve.follower import Follower
    from approval.serve.gate import Gate
    from approval.serve.refusals import RefusalLog

    for problem in (check_root(options.root), check_index(options.index), *check_options(options)):
        if problem:
            raise UsageError(problem)
    store = None
    if options.store is not None:
        from approval.serve.store import check_apart, clear_store, open_store

        check_apart(str(options.store), str(options.root))
        store = open_store(options.store)
        clear_store(store)
    listen = options.listen
    if listen.path is not None and Path(listen.path).exists():
        if not _stale_socket(listen.path):
            raise UsageError(f"{listen.path} exists and is not a stale socket")
        Path(listen.path).unlink()
    # Scans run in threads; a warm answer waits for the interpreter lock while one runs. At
    # the default 5 ms switch interval, answers during a cold scan waited 2.2 ms more on
    # average, at 0.5 ms 0.9 ms (measured in process): 1 ms, between the two.
    sys.setswitchinterval(0.001)
    logging.basicConfig(level=logging.INFO, format="approval serve: %(message)s", stream=sys.stderr)
    ledger = _ledger_path(options)
    recorder = None
    official = ""
    if options.key is not None:
        from approval.serve.record import BlockedRecorder

        official, key = _service_key(options)  # refused at start, not at the first refusal
        recorder = BlockedRecorder(
            ledger,
            key,
            site_name(options),
            per_minute=options.record_per_minute,
        )
    follower = Follower(ledger, fetch_every=options.fetch_every)
    with contextlib.ExitStack() as stack:
        stream: TextIO = sys.stderr
        if options.log is not None:
            try:
                stream = stack.enter_context(options.log.open("a", encoding="utf-8"))
            except OSError as e:
                raise UsageError(f"--log {options.log}: {(e.strerror or '').lower()}") from e
        refusals = RefusalLog(stream, lambda: follower.policy, record=recorder)
        if recorder is not None:
            recorder.start()
            stack.callback(recorder.stop)
        gate = Gate(
            options.root,
            follower,
            index=options.index,
            scans=options.scans,
            wait=options.wait,
            poll=options.poll,
            on_refusal=refusals,
            store=store,
        )
        failure: list[BaseException] = []

        def started() -> None:
            log = logging.getLogger("approval.serve")
            log.info("deciding for %s on %s", gate.root, listen)
            if recorder is not None:
                log.info(
                    "recording first refusals in the ledger as %s at site %s (at most %d a minute)",
                    official,
                    recorder.site,
                    recorder.per_minute,
                )
            if store is None:
                log.warning(
                    "no --store: the web server reads the document root after each answer, "
                    "and a file replaced in that moment is served undecided"
                )
            if ready is not None:
                ready.write(f"ready {listen}\n")
                ready.flush()

        app = App(gate, on_ready=started, on_failure=failure.append)
        config = uvicorn.Config(
            app,
            host=listen.host,
            port=listen.port,
            uds=listen.path,
            http="h11",
            loop="asyncio",
            lifespan="on",
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,
            date_header=False,
            timeout_keep_alive=30,
        )
        server = uvicorn.Server(config)
        # uvicorn exits (3) when the application fails to start: the cause is ours to tell.
        with contextlib.suppress(SystemExit):
            server.run()
        if failure:
            raise failure[0]
        if not server.started:
            raise UsageError(f"approval serve could not listen on {listen}")
