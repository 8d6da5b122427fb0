"""``POST /code`` under hostile load (issue #15, 9).

A 267 MB body was accepted; one large text stalled every other ``/code`` call; 100 concurrent calls
delayed ``/health`` by 16 s; any Host header was answered on loopback (DNS rebinding). Now the body
and the text are capped (413), the queue of coding requests is bounded (429 when full, 503 when a
request waited too long), ``/health`` answers at once, and a server bound to loopback answers only
loopback Host names (421).
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from conftest import make_coded
from detente.api import create_app
from detente.config import Config
from detente.records import CodedArticle

TEXT = "China and Russia signed a deal on Monday."


class SlowEngine:
    """Codes every article as one fixed event, taking ``delay`` seconds (holding the GIL-free sleep)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0

    def code_article(self, article):
        self.calls += 1
        time.sleep(self.delay)
        return CodedArticle(article=article, events=make_coded(0, n_events=1).events)


def _client(tmp_path: Path, engine: SlowEngine | None = None, **settings) -> TestClient:
    config = Config(db=str(tmp_path / "none.duckdb"), **settings)
    return TestClient(create_app(config=config, engine=engine or SlowEngine()))


def _is_error(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "detail"} and body["error"] == code and "\n" not in body["detail"]


def test_body_over_the_cap_is_413(tmp_path: Path) -> None:
    engine = SlowEngine()
    c = _client(tmp_path, engine, code_max_bytes=10_000)
    big = b'{"text": "' + b"a" * 20_000 + b'"}'
    _is_error(c.post("/code", content=big, headers={"content-type": "application/json"}), 413, "E706")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds while streaming
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1000
        yield b'"}'

    _is_error(c.post("/code", content=chunks(), headers={"content-type": "application/json"}), 413, "E706")
    assert engine.calls == 0
    assert c.post("/code", json={"text": TEXT}).status_code == 200  # under the cap


def test_text_over_the_cap_is_413(tmp_path: Path) -> None:
    engine = SlowEngine()
    c = _client(tmp_path, engine, code_max_chars=1000)
    _is_error(c.post("/code", json={"text": "word " * 400}), 413, "E707")
    assert engine.calls == 0
    ok = c.post("/code", json={"text": TEXT})
    assert ok.status_code == 200 and len(ok.json()["events"]) == 1


def test_validation_errors_keep_their_shape(tmp_path: Path) -> None:
    c = _client(tmp_path)
    _is_error(c.post("/code", json={"title": "no text"}), 422, "E701")
    _is_error(c.post("/code", content=b"not json", headers={"content-type": "application/json"}), 422, "E701")
    _is_error(c.post("/code", json={"text": 3}), 422, "E701")
    spec = c.get("/openapi.json").json()["paths"]["/code"]["post"]
    assert "text" in str(spec["requestBody"])  # the body is still described


# ---------------------------------------------------------------------------------------------
# A real server: concurrency is not what a TestClient shows

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    def __init__(self, app) -> None:
        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def test_queue_is_bounded_and_health_stays_responsive(tmp_path: Path) -> None:
    # the coder is busy for >= 4 s (1 coding + 3 waiting, 1 s each); /health must not wait for it: it answers
    # before the last admitted request has even started coding (compared with the busy time measured in the
    # same run, not with a wall-clock bound a loaded machine can miss)
    engine = SlowEngine(delay=1.0)
    config = Config(db=str(tmp_path / "none.duckdb"), code_queue=3, code_wait=30.0)
    with _Server(create_app(config=config, engine=engine)) as url:
        def post(_: int):
            return httpx.post(f"{url}/code", json={"text": TEXT}, timeout=30)

        with ThreadPoolExecutor(max_workers=40) as pool:
            started = time.monotonic()
            futures = [pool.submit(post, i) for i in range(40)]
            time.sleep(0.3)  # the coder is busy and the queue full
            t0 = time.monotonic()
            health = httpx.get(f"{url}/health", timeout=10)
            health_s = time.monotonic() - t0
            coding_still = sum(not f.done() for f in futures)
            answers = [f.result() for f in futures]
            busy_s = time.monotonic() - started
    assert busy_s >= 4.0, busy_s
    assert health.status_code == 200 and 0.3 + health_s < busy_s - engine.delay, (health_s, busy_s)
    assert coding_still >= 1  # /health answered while admitted requests were still being coded
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {200, 429}, statuses
    assert 1 <= statuses.count(200) <= 10 and statuses.count(429) >= 30  # at most 1 coding + 3 waiting at a time
    assert engine.calls == statuses.count(200)
    for r in answers:
        if r.status_code == 429:
            _is_error(r, 429, "E708")
            assert int(r.headers["retry-after"]) >= 1


def test_a_request_that_waited_too_long_is_503(tmp_path: Path) -> None:
    engine = SlowEngine(delay=1.0)
    config = Config(db=str(tmp_path / "none.duckdb"), code_queue=4, code_wait=0.2)
    with _Server(create_app(config=config, engine=engine)) as url, ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(httpx.post, f"{url}/code", json={"text": TEXT}, timeout=30)
        time.sleep(0.2)
        second = pool.submit(httpx.post, f"{url}/code", json={"text": TEXT}, timeout=30)
        a, b = first.result(), second.result()
    assert a.status_code == 200
    _is_error(b, 503, "E709")
    assert "retry-after" in b.headers


# ---------------------------------------------------------------------------------------------
# DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example

def test_host_header_checked_when_hosts_are_set(tmp_path: Path) -> None:
    c = _client(tmp_path, allowed_hosts="localhost,127.0.0.1,[::1]")
    _is_error(c.get("/health", headers={"host": "evil.example"}), 421, "E711")
    _is_error(c.post("/code", json={"text": TEXT}, headers={"host": "evil.example:8000"}), 421, "E711")
    for host in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert c.get("/health", headers={"host": host}).status_code == 200, host
    assert _client(tmp_path).get("/health", headers={"host": "evil.example"}).status_code == 200  # not set


def test_serve_on_loopback_sets_the_loopback_hosts() -> None:
    from detente.cli.serve import hosts_for_bind

    assert set(hosts_for_bind("127.0.0.1").split(",")) >= {"localhost", "127.0.0.1", "[::1]"}
    assert hosts_for_bind("localhost") == hosts_for_bind("::1") == hosts_for_bind("127.0.0.1")
    assert hosts_for_bind("0.0.0.0") == "" and hosts_for_bind("192.168.1.5") == ""
