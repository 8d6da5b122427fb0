"""A feed's item links are third-party input: they must not make the host fetch its own network
(issue #15, 10: a feed could make ``detente ingest`` fetch ``http://127.0.0.1:...`` and store the answer).

Links resolving to loopback, private, link-local or other non-public addresses, and redirects to
them, are refused (the entry's summary is used, with a warning) unless ``allow_private_urls``
(``detente ingest --allow-private-urls``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar, cast

import pytest
from typer.testing import CliRunner

from detente.config import Config
from detente.ingest import IngestReport, read_inputs, web

SECRET = "The secret admin console says China and Russia signed a deal on Monday in Beijing."
SUMMARY = "China and Russia held talks in Beijing on Monday, the agency said in its summary."


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        if self.path.startswith("/hop"):
            self.send_response(302)
            port = cast(tuple[str, int], self.server.server_address)[1]
            self.send_header("Location", f"http://localhost:{port}/secret")
            self.end_headers()
            return
        body = f"<html><head><title>Admin</title></head><body><article><p>{SECRET}</p>" \
               f"<p>{SECRET}</p></article></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local() -> Iterator[str]:
    _Handler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _feed(tmp_path: Path, links: list[str]) -> Path:
    items = "".join(f"<item><title>Item {i}</title><link>{link}</link><description>{SUMMARY} {i}</description>"
                    f"<pubDate>Mon, 20 Mar 2023 10:00:00 GMT</pubDate></item>" for i, link in enumerate(links))
    path = tmp_path / "third-party.rss"
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}'
                    "</channel></rss>", encoding="utf-8")
    return path


def _read(path: Path, **settings: object) -> tuple[list, IngestReport]:
    report = IngestReport()
    return list(read_inputs([str(path)], Config(fetch_timeout=2.0).with_(**settings), report)), report


def test_private_links_are_refused_and_the_summary_used(tmp_path: Path, local: str) -> None:
    port = local.split(":")[1]
    links = [f"http://{local}/secret", f"http://localhost:{port}/secret", f"http://[::1]:{port}/secret",
             "http://10.0.0.7/intranet", "http://192.168.1.1/router", "http://169.254.169.254/latest/meta-data",
             "http://0.0.0.0/", f"http://[::ffff:127.0.0.1]:{port}/secret", f"http://2130706433:{port}/secret"]
    articles, report = _read(_feed(tmp_path, links))
    assert _Handler.hits == []  # nothing was fetched
    assert len(articles) == len(links)
    for article in articles:
        assert SECRET not in article.text and article.text.startswith(SUMMARY)
    lines = report.one_lines()
    refused = [line for line in lines if "not a public address" in line and "--allow-private-urls" in line]
    assert len(refused) == len(links), lines


def test_a_redirect_to_a_private_address_is_refused(tmp_path: Path, local: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The first hop looks public (its name resolves to a public address here), the redirect does not."""
    real = web._addresses

    def fake(host: str, port: int) -> list[str]:
        return ["93.184.216.34"] if host == "127.0.0.1" else real(host, port)

    monkeypatch.setattr(web, "_addresses", fake)
    articles, report = _read(_feed(tmp_path, [f"http://{local}/hop"]))
    assert _Handler.hits == ["/hop"]  # the redirect was not followed
    assert [a.text.startswith(SUMMARY) for a in articles] == [True]
    assert any("localhost" in line and "not a public address" in line for line in report.one_lines())


def test_allow_private_urls_fetches_them(tmp_path: Path, local: str) -> None:
    articles, _report = _read(_feed(tmp_path, [f"http://{local}/secret"]), allow_private_urls=True)
    assert _Handler.hits == ["/secret"] and SECRET in articles[0].text


def test_urls_named_on_the_command_line_are_the_user_s_choice(local: str) -> None:
    report = IngestReport()
    articles = list(read_inputs([f"http://{local}/secret"], Config(fetch_timeout=2.0), report))
    assert SECRET in articles[0].text


def test_the_cli_option() -> None:
    from detente.cli import app

    result = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "200"})
    assert "--allow-private-urls" in result.output
