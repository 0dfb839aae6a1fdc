"""The HTTP face of the gate: a plain ASGI application (no framework), served by uvicorn.

Every request asks about one file: the target the web server passes on (``X-Original-URI``,
nginx's ``auth_request``; ``X-Forwarded-Uri``, Caddy's ``forward_auth`` and Traefik's), or,
without either, the request's own path (``curl --unix-socket ... http://gate/data/x.csv``).
A request that carries two of them (the same one twice, or both) is refused: a web server
sets one and may pass the client's other one on. An error while deciding is a 403 ``error``,
logged by its type alone.
The answer is an empty ``200`` (serve it) or ``403`` (do not), whatever the method, with the
verdict word in ``X-Approval-Verdict`` for the web server's logs (nginx passes no header of
an auth sub-request to the client unless told to), and, with a store, the decided copy to
serve in ``X-Approval-File`` (see store.py). Nothing of the file is ever sent.

``/.approval-serve/health``, asked as the request's own path (never a file: a segment starting
with a dot maps to none), answers the service's state as JSON: 200 while it can decide, 503
when the ledger failed verification.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from approval.serve.gate import LEDGER_FAILURE, Gate

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

HEALTH = b"/.approval-serve/health"
_TARGET_HEADERS = (b"x-original-uri", b"x-forwarded-uri")


def target_of(scope: Scope) -> tuple[bytes, bool]:
    """The request target asked about, and whether it came from a web server's header."""
    headers = scope.get("headers") or ()
    found = [value for name, value in headers if name in _TARGET_HEADERS]
    if len(found) > 1:
        # Two answers to one question, refused as not a path: the same header twice, or both
        # names. A web server sets one of them and passes the client's other headers on (Caddy's
        # forward_auth passes a client's own X-Original-URI): preferring either name would let
        # a client choose the file decided while the web server serves another.
        return b"", True
    if found:
        return found[0], True
    raw = scope.get("raw_path") or scope.get("path", "/").encode("utf-8", "surrogateescape")
    return bytes(raw), False


class App:
    """The ASGI application around one ``Gate``."""

    def __init__(
        self,
        gate: Gate,
        *,
        on_ready: Callable[[], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ):
        self.gate = gate
        self.on_ready = on_ready
        self.on_failure = on_failure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # websockets: nothing to say
        target, forwarded = target_of(scope)
        if not forwarded and target.split(b"?", 1)[0] == HEALTH:
            await self._health(send)
            return
        try:
            answer = await self.gate.answer(target)
        except Exception as e:
            # Closed, and said in the error's type alone (uvicorn would log the traceback,
            # whose message could quote a file or a name): never a 200 by accident, never 500.
            logging.getLogger("approval.serve").error(
                "refused a request on an error (%s)", type(e).__name__
            )
            await _respond(send, 403, "error")
            return
        extra = [(b"x-approval-file", answer.file.encode())] if answer.file else []
        await _respond(send, 200 if answer.allowed else 403, answer.word, extra=extra)

    async def _health(self, send: Send) -> None:
        follower = self.gate.follower
        generation = follower.generation
        body = {
            "ok": follower.broken is None,
            "root": self.gate.root,
            "head": generation.head,
            "decided": self.gate.decided,
        }
        stale = self.gate.staleness() if follower.path is not None else None
        if follower.broken is not None:
            body["problem"] = follower.broken
        elif stale is not None:
            # Still answering (clean files are served), but no approval stands: not ok, for
            # a monitor and for ``approval doctor``.
            body["ok"] = False
            body["stale"] = True
            body["problem"] = f"{stale}: approvals refused"
        data = json.dumps(body).encode()
        status = 200 if follower.broken is None else 503
        word = "ok" if follower.broken is None else LEDGER_FAILURE
        await _respond(send, status, word, data, b"application/json")

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.gate.start()
                except Exception as e:
                    from approval.errors import ApprovalError

                    if self.on_failure is not None:
                        self.on_failure(e)
                    words = e.message if isinstance(e, ApprovalError) else type(e).__name__
                    await send({"type": "lifespan.startup.failed", "message": words})
                    return
                await send({"type": "lifespan.startup.complete"})
                if self.on_ready is not None:
                    self.on_ready()
            elif message["type"] == "lifespan.shutdown":
                await self.gate.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _respond(
    send: Send,
    status: int,
    word: str,
    body: bytes = b"",
    kind: bytes = b"text/plain",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                (b"x-approval-verdict", word.encode()),
                *(extra or ()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
