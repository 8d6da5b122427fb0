"""What the browser tests share: the chromium binary, the screenshot folder, and a uvicorn server of an
app on a free loopback port for the length of a ``with`` block."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"


def _chromium() -> str | None:
    for candidate in (os.environ.get("DETENTE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = _chromium()
NO_CHROMIUM = ("no chromium binary (/usr/bin/chromium, $DETENTE_CHROMIUM): "
               "`apt-get install chromium` (make test does it as root)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` under uvicorn on 127.0.0.1 (a thread); yields its base URL; stops it afterwards."""
    import uvicorn

    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless chromium (Debian's binary) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@contextmanager
def watched_page(browser: Any, **context: Any) -> Iterator[Any]:
    """A page of a new browser context whose console errors, page errors and failed requests are
    collected in ``page.errors`` (each test asserts it is empty)."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, **context)
    p = ctx.new_page()
    errors: list[str] = []
    p.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    p.errors = errors
    try:
        yield p
    finally:
        ctx.close()
