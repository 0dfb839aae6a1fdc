"""Real servers for the serve tests, the feature and the benchmark: ``approval serve`` as the
user starts it (a subprocess on a Unix socket), and Debian's nginx in front of it, started on
loopback from a generated configuration with ``auth_request`` to the service.

nginx is a system package (``apt-get install nginx``): without it, tests skip with the reason,
except under CI (``CI=true``), where a missing nginx fails.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import pytest

from approval.serve.gate import Gate
from approval.workflow.serve import check_service

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent.parent


def nginx_binary() -> str:
    """The nginx to run, or skip (fail under CI) when there is none."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        reason = "nginx is not installed (apt-get install --no-install-recommends nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must run the nginx tests")
        pytest.skip(reason)
    return found


def socket_dir() -> Path:
    """A short private directory for Unix sockets (a socket path is at most 107 bytes, and
    pytest's temporary paths can be longer)."""
    return Path(tempfile.mkdtemp(prefix="as-", dir="/tmp"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float = 10.0):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


class Service:
    """``approval serve`` in a subprocess, on a Unix socket; ready when it answers health."""

    def __init__(
        self,
        root: Path,
        ledger: Path | None,
        *,
        extra: tuple[str, ...] = (),
        env: Mapping[str, str] | None = None,
        store: bool = True,
        healthy: bool = True,
    ):
        # ``healthy``: ready when health says ok; else when it answers at all (a service
        # that starts stale, its remote out of reach, answers and says it is not ok).
        self.healthy = healthy
        self.directory = socket_dir()
        self.socket = self.directory / "gate.sock"
        self.store = self.directory / "store" if store else None
        extra = ("--store", str(self.store), *extra) if self.store else ("--no-store", *extra)
        self.log = self.directory / "refusals.log"
        self.stderr = self.directory / "stderr.log"
        args = [
            sys.executable, "-m", "approval", "serve", "--root", str(root),
            "--listen", f"unix:{self.socket}", "--poll", "0.2", "--fetch-every", "0",
            "--log", str(self.log), *extra,
        ]  # fmt: skip
        full_env = {**os.environ, **(env or {})}
        if ledger is not None:
            full_env["APPROVAL_LEDGER"] = str(ledger)
        else:
            full_env.pop("APPROVAL_LEDGER", None)
        with self.stderr.open("w") as err:
            self.process = subprocess.Popen(
                args, env=full_env, stdin=subprocess.DEVNULL, stdout=err, stderr=err, cwd=ROOT
            )
        self._wait_ready()

    def _wait_ready(self, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"approval serve exited: {self.stderr.read_text()}")
            if self.socket.exists():
                health = check_service(f"unix:{self.socket}")
                if health.ok or (not self.healthy and "not answering" not in health.words):
                    return
            time.sleep(0.05)
        self.close()
        raise AssertionError(f"approval serve did not start: {self.stderr.read_text()}")

    def ask(self, target: str, header: str = "X-Original-URI") -> tuple[int, str]:
        """Ask as a web server does; (status, verdict word)."""
        connection = UnixConnection(self.socket)
        try:
            connection.request("GET", "/auth", headers={header: target})
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("X-Approval-Verdict", "")
        finally:
            connection.close()

    def refusals(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Service:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


CONFIG = """\
{user}
daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    types {{ text/csv csv; text/html html; application/octet-stream xlsx; }}{gzip_lines}
    upstream approval_gate {{
        server {upstream};
        keepalive 32;
    }}
    # The gated site.
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{
            auth_request /.approval-gate;
            auth_request_set $approval_verdict $upstream_http_x_approval_verdict;
            add_header X-Approval-Verdict $approval_verdict always;{store_lines}
        }}
        location = /.approval-gate {{
            internal;
            proxy_pass http://approval_gate;
            proxy_pass_request_body off;
            # None of the client's headers: the gate is asked what this block sets, only.
            proxy_pass_request_headers off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI $request_uri;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
    # The same files without the gate (the benchmark's baseline).
    server {{
        listen 127.0.0.1:{bare_port};
        root {root};
    }}
}}
"""


STORE_LINES = """
            # Serve the copy the gate decided, from its store: never the document root.
            root {store};
            auth_request_set $approval_file $upstream_http_x_approval_file;
            try_files /$approval_file =403;"""


# nginx's precompressed files: ``X.gz`` sent for ``X`` to a client that accepts gzip.
GZIP_LINES = """
    gzip_static on;"""


class Nginx:
    """nginx on loopback in front of ``service`` (a Unix socket), serving ``root``."""

    def __init__(
        self,
        root: Path,
        service_socket: Path,
        prefix: Path,
        *,
        workers: int = 1,
        store: Path | None = None,
        gzip_static: bool = False,
    ):
        """With ``store``, nginx serves the service's decided copies (``--store``), never the
        document root; without, the document root itself (plain ``auth_request``). With
        ``gzip_static``, ``X.gz`` is sent for ``X`` to a client that accepts gzip."""
        binary = nginx_binary()
        self.prefix = prefix
        (prefix / "tmp").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.bare_port = free_port()
        # As root, workers would run as nobody and could not read a private temporary tree.
        user = "user root;" if os.geteuid() == 0 else ""
        conf = prefix / "nginx.conf"
        conf.write_text(
            CONFIG.format(
                user=user,
                workers=workers,
                prefix=prefix,
                upstream=f"unix:{service_socket}",
                port=self.port,
                bare_port=self.bare_port,
                root=root,
                store_lines=STORE_LINES.format(store=store) if store is not None else "",
                gzip_lines=GZIP_LINES if gzip_static else "",
            )
        )
        self.process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise AssertionError(f"nginx exited: {err}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise AssertionError("nginx did not start")

    def get(
        self, path: str, *, bare: bool = False, headers: Mapping[str, str] | None = None
    ) -> tuple[int, bytes, str]:
        """(status, body, verdict header) of GET ``path``."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.bare_port if bare else self.port, timeout=30
        )
        try:
            connection.request("GET", path, headers=dict(headers or {}))
            response = connection.getresponse()
            return response.status, response.read(), response.getheader("X-Approval-Verdict", "")
        finally:
            connection.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()

    def __enter__(self) -> Nginx:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def run(gate: Gate, body: Callable[[Gate], Awaitable[T]]) -> T:
    """``body`` with the gate started, then stopped whatever happens."""

    async def main() -> T:
        await gate.start()
        try:
            return await body(gate)
        finally:
            await gate.stop()

    return asyncio.run(main())
