"""The API's limits: what ``POST /code`` accepts and how many may wait, and which Host it answers.

Contract (used by :mod:`detente.api`):

* :func:`read_body` reads a request body, at most ``max_bytes`` (a larger ``Content-Length`` is
  refused before reading; a chunked body is refused as soon as it passes the cap): 413 ``E706``.
* :class:`CodeGate` admits at most ``1 + queue`` ``/code`` requests at a time (one coding, the
  others waiting); one more is refused at once with 429 ``E708``; a request that waits longer than
  ``wait`` seconds for the coder gets 503 ``E709``. Waiting requests hold no event-loop time and
  only a bounded number of threads, so ``/health`` and the store routes stay responsive.
* :class:`HostGuard` (ASGI middleware) answers only the Host names it is given, 421 ``E711``
  otherwise: a page on ``evil.example`` that resolves to 127.0.0.1 (DNS rebinding) cannot read a
  loopback server. ``detente serve`` gives it the loopback names when it binds to loopback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from .errors import LimitError, http_status, meanings

LIMIT_ERRORS = meanings("api_limits")  # E706-E709, E711 (their statuses: detente.errors.CATALOGUE)

T = TypeVar("T")


async def read_body(request: Any, max_bytes: int) -> bytes:
    """The body of a Starlette request, refusing (413 E706) anything over ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise LimitError("E706", "body", f"{int(declared)} bytes, more than the {max_bytes} allowed "
                                         "(setting code_max_bytes)")
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise LimitError("E706", "body", f"more than the {max_bytes} bytes allowed (setting code_max_bytes)")
        parts.append(chunk)
    return b"".join(parts)


def check_text(text: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise LimitError("E707", "text", f"{len(text)} characters, more than the {max_chars} allowed "
                                         "(setting code_max_chars)")


class CodeGate:
    """One request codes, ``queue`` wait, the rest are refused; thread-safe, event-loop agnostic."""

    def __init__(self, queue: int, wait: float) -> None:
        self.capacity = 1 + max(0, queue)
        self.wait = wait
        self._count = 0
        self._count_lock = threading.Lock()
        self._coder_lock = threading.Lock()

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """A place in the queue, or 429 E708 at once."""
        with self._count_lock:
            if self._count >= self.capacity:
                raise LimitError("E708", "code", f"{self._count} requests already coding or waiting "
                                                 f"(setting code_queue={self.capacity - 1}); retry later",
                                 retry_after=max(1, round(self.wait / 4)))
            self._count += 1
        try:
            yield
        finally:
            with self._count_lock:
                self._count -= 1

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` once the coder is free (in a worker thread), or 503 E709 after ``wait`` s."""
        if not self._coder_lock.acquire(timeout=self.wait):
            raise LimitError("E709", "code", f"waited {self.wait:g} s for the coder (setting code_wait); "
                                             "retry later", retry_after=max(1, round(self.wait)))
        try:
            return fn(*args)
        finally:
            self._coder_lock.release()

    @property
    def busy(self) -> int:
        return self._count


def parse_hosts(allowed: str) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in allowed.split(",") if h.strip())


def _host_name(header: str) -> str:
    """``Host`` without its port: ``[::1]:8000`` -> ``[::1]``, ``localhost:80`` -> ``localhost``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostGuard:
    """ASGI middleware: requests whose Host is not one of ``hosts`` get 421 E711 (JSON error shape)."""

    def __init__(self, app: Any, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or not self.hosts:
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if _host_name(raw) in self.hosts:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        shown = " ".join(raw.split())[:100] or "(none)"
        body = json.dumps({"error": "E711", "detail": f"Host: {shown}: not answered by this server "
                                                      "(setting allowed_hosts)"}).encode()
        await send({"type": "http.response.start", "status": http_status("E711"),
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


LOOPBACK_HOSTS = "localhost,127.0.0.1,[::1]"


def hosts_for_bind(host: str) -> str:
    """The Host names a server bound to ``host`` should answer: the loopback names on loopback,
    any (``""``) otherwise."""
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return LOOPBACK_HOSTS
    try:
        return LOOPBACK_HOSTS if ipaddress.ip_address(name).is_loopback else ""
    except ValueError:
        return ""


__all__ = ["LIMIT_ERRORS", "CodeGate", "HostGuard", "LimitError", "check_text", "hosts_for_bind",
           "parse_hosts", "read_body"]
