"""Bad input: each case gives one line naming the input and the reason, and the batch goes on.

Every test reads the bad input *between* two good ones and checks that both good articles
still come out whole, so no case can stop a batch.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import write_warc
from detente.config import Config
from detente.ingest import IngestReport, read_inputs
from detente.records import Article

GOOD_1 = (
    "Fishermen from two coastal villages clashed with a coast guard patrol on Sunday after the patrol "
    "seized three boats near a disputed reef, the regional governor said.\n\n"
    "Nobody was seriously hurt. The governor said the boats would be returned once their papers had been "
    "checked, and he called on both sides to stay calm while talks continue."
)
GOOD_2 = (
    "The central bank of Norland raised its main interest rate by half a point on Thursday, the third "
    "increase this year, as inflation stayed well above its target.\n\n"
    "The governor of the bank told reporters that further rises were likely if energy prices kept "
    "climbing through the winter, and that the decision had been taken unanimously."
)
GOOD_3 = (
    "A ferry carrying more than two hundred passengers ran aground off the island of Brenna on Saturday, "
    "but all of the people on board were brought ashore safely by rescue boats.\n\n"
    "The shipping company said it was working with the authorities to find out why the vessel had left "
    "the marked channel in good weather."
)


def read(inputs: list[object], **settings: object) -> tuple[list[Article], IngestReport]:
    report = IngestReport()
    articles = list(read_inputs([str(i) for i in inputs], Config().with_(**settings), report))
    return articles, report


@pytest.fixture
def good(tmp_path: Path) -> tuple[Path, Path]:
    """Two good articles to read before and after the bad input."""
    (tmp_path / "good").mkdir()
    first, last = tmp_path / "good" / "first.txt", tmp_path / "good" / "last.txt"
    first.write_text(GOOD_1, encoding="utf-8")
    last.write_text(GOOD_2, encoding="utf-8")
    return first, last


def read_between(good: tuple[Path, Path], *bad: object, **settings: object) -> tuple[list[Article], IngestReport]:
    articles, report = read([good[0], *bad, good[1]], **settings)
    assert articles[0].text == GOOD_1 and articles[-1].text == GOOD_2, "the batch did not go on"
    return articles[1:-1], report


def test_missing_path(tmp_path: Path, good: tuple[Path, Path]) -> None:
    missing = tmp_path / "no-such-file.txt"
    articles, report = read_between(good, missing)
    assert articles == []
    assert report.one_lines() == [f"{missing}: no such file or folder"]
    assert report.failed == 1 and report.read == 2


def test_folder_with_no_usable_files(tmp_path: Path, good: tuple[Path, Path]) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (folder / "photo.meta.json").write_text("{}")
    articles, report = read_between(good, folder)
    assert articles == []
    (line,) = report.one_lines()
    assert line.startswith(f"{folder}: no usable files (looked for .jsonl.gz, ")
    assert ".txt" in line and ".warc.gz" in line and ".rss" in line


@pytest.mark.parametrize("name", ["empty.txt", "empty.jsonl", "empty.html", "empty.warc.gz", "empty.rss"])
def test_empty_file(tmp_path: Path, good: tuple[Path, Path], name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    articles, report = read_between(good, path)
    assert articles == [] and report.one_lines() == [f"{path}: empty file"]


def test_white_space_only_file(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n   \n\t\n")
    articles, report = read_between(good, path)
    assert articles == [] and report.one_lines() == [f"{path}: empty file (only white space)"]


def test_binary_file_with_nul_bytes(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary stream\x00" * 20)
    articles, report = read_between(good, path)
    assert articles == [] and report.one_lines() == [f"{path}: binary file (NUL bytes), not text"]


def test_binary_file_mostly_undecodable(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 40 + b"a few words")
    articles, report = read_between(good, path)
    assert articles == []
    assert report.one_lines() == [f"{path}: binary file (mostly undecodable bytes), not text"]


def test_invalid_utf8_is_replaced_with_a_warning(tmp_path: Path, good: tuple[Path, Path]) -> None:
    # UTF-8 with one damaged byte (a Latin-1 file is decoded as Latin-1: test_ingest_encoding.py)
    path = tmp_path / "damaged.txt"
    text = GOOD_3.replace("island of Brenna", "island of Brønna").replace("rescue boats", "Tromsø boats")
    path.write_bytes(text.encode("utf-8").replace("Brønna".encode(), b"Br\xf8nna", 1) + "ø.".encode())
    (article,), report = read_between(good, path)
    assert "island of Br\ufffdnna" in article.text and "Tromsø boats" in article.text
    assert article.status == "ok"
    assert report.one_lines() == [f"{path}: invalid UTF-8 (1 bytes replaced)"]
    assert report.read == 3 and report.failed == 0


def test_malformed_json_lines_name_the_line(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join([
        json.dumps({"text": GOOD_3, "title": "Ferry aground"}),
        '{"text": "cut off in the midd',
        "[1, 2, 3]",
        json.dumps({"text": GOOD_3 + " More later."}),
    ]) + "\n", encoding="utf-8")
    articles, report = read_between(good, path)
    assert [a.origin for a in articles] == [f"{path}:1", f"{path}:4"]
    assert report.one_lines() == [
        f"{path}:2: not valid JSON (Unterminated string starting at: column 10)",
        f"{path}:3: not a JSON object (got list)",
    ]


def test_jsonl_record_without_text(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "dump.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "x1", "title": "Headline only", "text": "  "}) + "\n")
        fh.write(json.dumps({"id": "x2", "title": "No body at all", "url": "https://example.org/x2"}) + "\n")
        fh.write(json.dumps({"id": "x3", "text": GOOD_3}) + "\n")
    articles, report = read_between(good, path)
    assert [a.origin for a in articles] == [f"{path}:3"]
    assert report.one_lines() == [
        f"{path}:1: record has no text (looked for text, body, content)",
        f"{path}:2: record has no text (looked for text, body, content)",
    ]


def test_truncated_gzip_jsonl_keeps_what_came_before(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "cut.jsonl.gz"
    lines = "".join(json.dumps({"text": f"{GOOD_3} Update {i}."}) + "\n" for i in range(50))
    data = gzip.compress(lines.encode())
    path.write_bytes(data[: len(data) - 40])
    articles, report = read_between(good, path)
    assert 0 < len(articles) < 50
    (line,) = report.one_lines()
    assert line.startswith(f"{path}:{len(articles) + 1}: compressed data is corrupt or cut short")


def test_malformed_html_is_skipped(tmp_path: Path, good: tuple[Path, Path]) -> None:
    no_tags = tmp_path / "plain.html"
    no_tags.write_text("This file claims to be HTML but has no markup at all.")
    no_text = tmp_path / "shell.html"
    no_text.write_text("<html><head><title>Loading</title></head><body><div id='app'></div>"
                       "<script>render()</script></body></html>")
    garbage = tmp_path / "garbage.htm"
    garbage.write_text("<<<>>><<<!-- <></ >")
    articles, report = read_between(good, no_tags, no_text, garbage)
    assert articles == []
    assert report.skipped == 3 and report.failed == 0
    lines = report.one_lines()
    assert lines[0] == f"{no_tags}: malformed HTML (no tags found)"
    assert lines[1].startswith(f"{no_text}: ") and ("no main text" in lines[1] or "malformed" in lines[1])
    assert lines[2].startswith(f"{garbage}: ")


def test_malformed_feed(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<html><body><p>This is a web page, not a feed.</p></body></html>")
    articles, report = read_between(good, path)
    assert articles == []
    (line,) = report.one_lines()
    assert line.startswith(f"{path}: not an RSS/Atom feed")


def test_feed_entry_with_no_page_and_no_summary(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>Ferry aground</title><description>{GOOD_3}</description></item>"
        "<item><title>Empty entry</title></item>"
        "<item><title>Another</title><description>"
        "Unclosed & bad markup <b>here</description></item>"
        "</channel></rss>", encoding="utf-8")
    articles, report = read_between(good, path)
    assert [a.title for a in articles][:1] == ["Ferry aground"]
    assert f"{path}#entry-2: entry has no reachable page and no summary" in report.one_lines()


def test_warc_with_a_corrupt_record_in_the_middle(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, GOOD_3)
    data = bytearray(path.read_bytes())
    members = [i for i in range(len(data)) if data[i:i + 3] == b"\x1f\x8b\x08"]
    second = members[1]
    data[second + 20: second + 60] = b"\x00" * 40  # garble the second record's compressed bytes
    path.write_bytes(bytes(data))
    articles, report = read_between(good, path)
    assert [a.url for a in articles] == ["https://news.example.org/story/0", "https://news.example.org/story/2"]
    (line,) = report.one_lines()
    assert line.startswith(f"{path}#offset-{second}: malformed WARC record (")
    assert line.endswith(f"resumed at the next record, offset {members[2]}")
    assert report.skipped == 1


def test_warc_cut_short(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "cut.warc.gz"
    write_warc(path, GOOD_3)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 150])  # the last gzip member loses its end
    articles, report = read_between(good, path)
    assert [a.url for a in articles] == ["https://news.example.org/story/0", "https://news.example.org/story/1"]
    (line,) = report.one_lines()
    assert line.startswith(f"{path}#urn:uuid:") and "malformed record (truncated: " in line


def test_warc_cut_in_the_middle(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "half.warc"
    write_warc(path, GOOD_3, gzipped=False)
    data = path.read_bytes()
    starts = [i for i in range(len(data)) if data[i:i + 8] == b"WARC/1.0"]
    path.write_bytes(data[: starts[1] + 200])  # the second record stops inside its headers
    articles, report = read_between(good, path)
    assert [a.url for a in articles] == ["https://news.example.org/story/0"]
    assert len(report.one_lines()) == 1 and report.one_lines()[0].startswith(f"{path}")


def test_not_a_warc_file(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("this is a text file with a WARC suffix\n")
    articles, report = read_between(good, path)
    assert articles == []
    (line,) = report.one_lines()
    assert line == f"{path}: not a WARC file (first line: 'this is a text file with a WARC suffix')"


def test_article_over_max_chars_is_truncated_with_a_warning(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "long.txt"
    paragraphs = [f"Paragraph {i}. {GOOD_3}" for i in range(20)]
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    (article,), report = read_between(good, path, max_chars=2000)
    full = "\n\n".join(paragraphs)
    assert 1000 <= len(article.text) <= 2000
    assert full.startswith(article.text) and full[len(article.text):].startswith("\n\n")  # a paragraph end
    (line,) = report.one_lines()
    total = len(full)
    assert line == (f"{path}: text is {total:,} chars, over max_chars 2,000; "
                    f"truncated to {len(article.text):,} at a paragraph/sentence boundary")
    assert article.status == "ok"


def test_unknown_date_format_is_a_warning(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(f"---\ntitle: Ferry aground\npublished: sometime last spring\n---\n{GOOD_3}")
    (article,), report = read_between(good, path)
    assert article.published is None and article.title == "Ferry aground" and article.status == "ok"
    assert report.one_lines() == [f"{path}: unrecognised date 'sometime last spring'; publication date unknown"]


def test_bad_front_matter_and_sidecar_are_warnings(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "ferry.txt"
    path.write_text(f"---\ntitle: [unclosed\n---\n{GOOD_3}")
    (tmp_path / "ferry.meta.json").write_text("{not json")
    (article,), report = read_between(good, path)
    assert article.text == GOOD_3 and article.title is None
    lines = report.one_lines()
    assert lines[0].startswith(f"{tmp_path / 'ferry.meta.json'}: sidecar ignored: not valid JSON")
    assert lines[1].startswith(f"{path}: front matter ignored: not valid YAML")


# --- URLs ------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_url(good: tuple[Path, Path]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/news/story"
    articles, report = read_between(good, url, fetch_timeout=2.0)
    assert articles == []
    assert report.one_lines() == [f"{url}: unreachable (connection refused)"]


class _NotFound(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_url_answering_404(good: tuple[Path, Path]) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/missing"
        articles, report = read_between(good, url)
    finally:
        server.shutdown()
        server.server_close()
    assert articles == [] and report.one_lines() == [f"{url}: unreachable (HTTP 404 Not Found)"]


def test_feed_with_a_dead_host_costs_one_attempt(tmp_path: Path, good: tuple[Path, Path]) -> None:
    port = _closed_port()
    items = "".join(f"<item><title>Story {i}</title><link>http://127.0.0.1:{port}/s/{i}</link>"
                    f"<description>{GOOD_3}</description></item>" for i in range(3))
    path = tmp_path / "dead.rss"
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>')
    articles, report = read_between(good, path, fetch_timeout=2.0, allow_private_urls=True)  # a loopback port
    assert [a.title for a in articles] == ["Story 0", "Story 1", "Story 2"]
    lines = report.one_lines()
    assert lines[0].endswith("page not used: unreachable (connection refused); using the feed's summary")
    assert lines[1].endswith("page not used: unreachable (connection refused, earlier in this run); "
                             "using the feed's summary")


def test_stdin_empty(monkeypatch: pytest.MonkeyPatch, good: tuple[Path, Path]) -> None:
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n\n"), encoding="utf-8"))
    articles, report = read_between(good, "-")
    assert articles == [] and report.one_lines() == ["<stdin>: empty input"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path, good: tuple[Path, Path]) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(GOOD_3)
    path.chmod(0)
    articles, report = read_between(good, path)
    assert articles == [] and report.one_lines() == [f"{path}: cannot read (permission denied)"]
