"""Each input format of detente.ingest, with fixtures built in tmp_path and a local web server.

No test touches the internet: pages and feeds are served from 127.0.0.1 in a thread.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from detente.config import Config
from detente.ingest import IngestReport, read_inputs, usable_files
from detente.ingest.common import truncate_text
from detente.ingest.dates import parse_date
from detente.ingest.lang import detect_language
from detente.ingest.report import reason_key
from detente.records import Article, article_id_for

NEWS_VIENNA = (
    "The foreign ministers of Austria and Hungary met in Vienna on Tuesday to discuss border controls "
    "along the Danube, according to officials from both governments.\n\n"
    "The two ministers agreed to set up a joint working group on migration and said they would meet "
    "again in Budapest next month. A spokesman for the Austrian ministry described the talks as frank "
    "and constructive."
)
NEWS_PORT = (
    "Dock workers in the port city of Valmara ended a two-week strike on Friday after the shipping "
    "authority agreed to raise wages by six percent.\n\n"
    "The union said the deal had been approved by a large majority of its members. Exporters had warned "
    "that the stoppage was costing the region millions of dollars in lost trade each day."
)
NEWS_SUMMIT = (
    "Leaders of five Central Asian states gathered in Almaty on Monday for a summit on water sharing, as a "
    "drought threatens harvests across the region.\n\n"
    "The president of Kazakhstan opened the meeting by calling for a regional fund to repair ageing canals. "
    "Delegates from Uzbekistan said they would present a plan to cut irrigation losses by a third over the "
    "next decade."
)
NEWS_GERMAN = (
    "Die Außenminister Österreichs und Ungarns haben sich am Dienstag in Wien getroffen, um über "
    "Grenzkontrollen an der Donau zu beraten.\n\n"
    "Die beiden Minister vereinbarten eine gemeinsame Arbeitsgruppe zur Migration und wollen sich im "
    "kommenden Monat in Budapest erneut treffen. Ein Sprecher des Ministeriums nannte die Gespräche offen "
    "und konstruktiv."
)
NEWS_FRENCH = (
    "Les ministres des affaires étrangères se sont réunis mardi à Vienne pour discuter des contrôles aux "
    "frontières. Les discussions ont été constructives, selon un porte-parole du ministère, et une "
    "déclaration commune sera publiée la semaine prochaine."
)


def read(inputs: Sequence[str | Path], **settings: object) -> tuple[list[Article], IngestReport]:
    report = IngestReport()
    config = Config(allow_private_urls=True).with_(**settings)  # the test site is on 127.0.0.1
    articles = list(read_inputs([str(i) for i in inputs], config, report))
    return articles, report


def page(title: str, body: str, *, date: str | None = None, site: str | None = None) -> str:
    meta = ""
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    if site:
        meta += f'<meta property="og:site_name" content="{site}">'
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{meta}</head><body>"
        '<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>'
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright Example Media. All rights reserved.</footer></body></html>"
    )


# --- a local web server ---------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = self.server
        server.agents.append(self.headers.get("User-Agent"))  # type: ignore[attr-defined]
        route = server.routes.get(self.path)  # type: ignore[attr-defined]
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers, body = route
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Site:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8",
            status: int = 200) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.server.routes[path] = (status, {"Content-Type": content_type}, data)  # type: ignore[attr-defined]
        return self.base + path

    def redirect(self, path: str, to: str) -> str:
        self.server.routes[path] = (301, {"Location": to}, b"")  # type: ignore[attr-defined]
        return self.base + path

    @property
    def agents(self) -> list[str]:
        return self.server.agents  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.routes = {}  # type: ignore[attr-defined]
    server.agents = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield Site(server)
    server.shutdown()
    server.server_close()


# --- plain text and Markdown ---------------------------------------------------------------


def test_text_file_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "vienna.txt"
    path.write_text(
        "---\ntitle: Ministers meet in Vienna\npublished: 5 March 2024\nsource: Example News\n"
        "url: https://example.org/world/vienna-talks?utm_source=feed\n---\n" + NEWS_VIENNA,
        encoding="utf-8",
    )
    (article,), report = read([path])
    assert article.title == "Ministers meet in Vienna"
    assert article.published == "2024-03-05"
    assert article.source == "Example News"
    assert article.url == "https://example.org/world/vienna-talks?utm_source=feed"
    assert article.article_id == article_id_for("https://example.org/world/vienna-talks", "")
    assert article.text == NEWS_VIENNA
    assert (article.lang, article.status, article.origin) == ("en", "ok", str(path))
    assert (report.read, report.failed, report.skipped, report.warned) == (1, 0, 0, 0)


def test_text_file_with_sidecar(tmp_path: Path) -> None:
    (tmp_path / "port-strike.txt").write_text(NEWS_PORT, encoding="utf-8")
    (tmp_path / "port-strike.meta.json").write_text(json.dumps({
        "file": "port-strike.txt", "title": "Port strike ends", "author": "A. Reporter",
        "published": "2023-11-17", "source": "Harbour Gazette", "lang": "en", "note": "ignored",
    }), encoding="utf-8")
    (article,), report = read([tmp_path / "port-strike.txt"])
    assert (article.title, article.published, article.source) == ("Port strike ends", "2023-11-17",
                                                                  "Harbour Gazette")
    assert article.url is None
    assert article.article_id == article_id_for(None, NEWS_PORT)
    assert report.one_lines() == []


def test_front_matter_overrides_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("---\ntitle: From front matter\n---\n" + NEWS_PORT, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"title": "From sidecar", "published": "2023-11-17"}')
    (article,), _ = read([tmp_path / "a.txt"])
    assert (article.title, article.published) == ("From front matter", "2023-11-17")


def test_markdown_file(tmp_path: Path) -> None:
    path = tmp_path / "summit.md"
    body = NEWS_SUMMIT.replace("regional fund", "**regional fund**").replace(
        "Almaty", "[Almaty](https://example.org/almaty)")
    path.write_text("# Water summit in Almaty\n\n" + body + "\n\n![a map](map.png)\n", encoding="utf-8")
    (article,), _ = read([path])
    assert article.title == "Water summit in Almaty"
    assert article.text == NEWS_SUMMIT
    assert "#" not in article.text and "**" not in article.text


# --- JSON Lines and JSON --------------------------------------------------------------------


def _records() -> list[dict[str, object]]:
    return [
        {"id": "a1", "title": "Ministers meet in Vienna", "text": NEWS_VIENNA, "date": "2024-03-05",
         "url": "https://example.org/vienna", "source": "Example News", "lang": "en"},
        {"id": "a2", "title": "Port strike ends", "body": NEWS_PORT, "published": "Nov 17, 2023",
         "source": {"name": "Harbour Gazette"}},
        {"id": "a3", "title": "Water summit", "content": f"<p>{NEWS_SUMMIT}</p>",
         "date": "2024-06-03T09:15:00+05:00"},
    ]


def test_jsonl_file(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records()) + "\n\n", encoding="utf-8")
    articles, report = read([path])
    assert [a.title for a in articles] == ["Ministers meet in Vienna", "Port strike ends", "Water summit"]
    assert [a.origin for a in articles] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert [a.published for a in articles] == ["2024-03-05", "2023-11-17", "2024-06-03"]
    assert articles[1].source == "Harbour Gazette" and articles[1].text == NEWS_PORT
    assert articles[2].text == NEWS_SUMMIT  # HTML content stripped
    assert articles[0].article_id == article_id_for("https://example.org/vienna", "")
    assert report.read == 3 and report.one_lines() == []


def test_jsonl_gz_file(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for record in _records():
            fh.write(json.dumps(record) + "\n")
    articles, report = read([path])
    assert len(articles) == 3 and report.read == 3
    assert articles[0].origin == f"{path}:1"


def test_json_file_with_a_list(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text(json.dumps({"articles": _records()[:2]}), encoding="utf-8")
    articles, _ = read([path])
    assert [a.origin for a in articles] == [f"{path}[0]", f"{path}[1]"]


def test_same_story_twice_has_one_id(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(NEWS_PORT)
    (tmp_path / "b.txt").write_text("  " + NEWS_PORT.replace("\n\n", "\n\n\n") + "\n")
    first, second = read([tmp_path])[0]
    assert first.article_id == second.article_id


# --- HTML ------------------------------------------------------------------------------------


def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "vienna.html"
    path.write_text(page("Ministers meet in Vienna", NEWS_VIENNA, date="2024-03-05T08:00:00+01:00",
                         site="Example News"), encoding="utf-8")
    (article,), report = read([path])
    assert article.title == "Ministers meet in Vienna"
    assert article.published == "2024-03-05"
    assert article.source == "Example News"
    assert "Danube" in article.text and "joint working group" in article.text
    assert "Home" not in article.text and "Copyright" not in article.text
    assert not article.text.startswith("Ministers meet")  # the <h1> repeating the title is dropped
    assert report.read == 1 and report.one_lines() == []


def test_html_in_a_legacy_charset(tmp_path: Path) -> None:
    path = tmp_path / "wien.htm"
    html = page("Café talks in Vienna", NEWS_VIENNA.replace("Vienna", "Vienna’s Café Central"))
    html = html.replace("<head>", '<head><meta charset="windows-1252">')
    path.write_bytes(html.encode("cp1252"))
    (article,), report = read([path])
    assert "Vienna’s Café Central" in article.text
    assert report.warned == 0


# --- feeds -----------------------------------------------------------------------------------


def rss(items: list[dict[str, str]], title: str = "Example News - World") -> str:
    parts = []
    for item in items:
        fields = "".join(f"<{k}>{v}</{k}>" for k, v in item.items())
        parts.append(f"<item>{fields}</item>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.org/</link><description>World news</description>{''.join(parts)}"
            "</channel></rss>")


def test_rss_feed_fetches_pages_and_falls_back_to_summaries(tmp_path: Path, site: Site) -> None:
    vienna = site.add("/world/vienna", page("Ministers meet in Vienna", NEWS_VIENNA, site="Example News"))
    gone = site.base + "/world/gone"
    feed = tmp_path / "world.rss"
    feed.write_text(rss([
        {"title": "Ministers meet in Vienna", "link": vienna, "pubDate": "Tue, 05 Mar 2024 08:00:00 +0100",
         "description": "Short summary of the Vienna talks."},
        {"title": "Port strike ends", "link": gone, "pubDate": "Fri, 17 Nov 2023 18:30:00 GMT",
         "description": "&lt;p&gt;" + NEWS_PORT.replace("\n\n", "&lt;/p&gt;&lt;p&gt;") + "&lt;/p&gt;"},
        {"title": "Water summit", "pubDate": "Mon, 03 Jun 2024 09:00:00 +0500",
         "description": NEWS_SUMMIT},
    ]), encoding="utf-8")
    articles, report = read([feed])
    assert [a.title for a in articles] == ["Ministers meet in Vienna", "Port strike ends", "Water summit"]
    first, second, third = articles
    assert "joint working group" in first.text  # the page, not the one-line summary
    assert first.url == vienna and first.origin == vienna and first.published == "2024-03-05"
    assert second.text == NEWS_PORT and second.published == "2023-11-17"  # summary, HTML stripped
    assert second.source == "Example News - World"
    assert third.origin == f"{feed}#entry-3" and third.url is None
    assert report.read == 3 and report.failed == 0
    assert report.one_lines() == [f"{gone}: page not used: unreachable (HTTP 404 Not Found); using the feed's summary"]
    assert set(site.agents) == {"detente/0.1"}


def test_atom_feed(tmp_path: Path) -> None:
    feed = tmp_path / "news.atom"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Harbour Gazette</title><id>urn:example:feed</id><updated>2023-11-17T18:00:00Z</updated>"
        "<entry><title>Port strike ends</title><id>urn:example:1</id>"
        "<updated>2023-11-17T18:00:00Z</updated><published>2023-11-17T17:45:00-05:00</published>"
        f'<content type="html">{NEWS_PORT.replace(chr(10) * 2, "&lt;br/&gt;")}</content></entry>'
        "</feed>",
        encoding="utf-8",
    )
    (article,), report = read([feed], fetch_timeout=1.0)
    assert article.title == "Port strike ends"
    assert article.published == "2023-11-17"
    assert article.source == "Harbour Gazette"
    assert "six percent" in article.text and "<" not in article.text
    assert report.one_lines() == []


# --- WARC ------------------------------------------------------------------------------------


def write_warc(path: Path, pages: list[tuple[str, str, str]], *, gzipped: bool = True,
               extra: bool = True) -> None:
    """pages: (url, warc_date, html). ``extra`` adds records that are not articles."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "detente-tests"}))
        for url, date, html in pages:
            if extra:
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example.org")], is_http_request=True)
                writer.write_record(writer.create_warc_record(url, "request", http_headers=request,
                                                              warc_headers_dict={"WARC-Date": date}))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers,
                warc_headers_dict={"WARC-Date": date}))
        if extra:
            for status, ctype, body in (("404 Not Found", "text/html", b"<html><body>gone</body></html>"),
                                        ("200 OK", "image/png", b"\x89PNG\r\n\x1a\n....")):
                headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    "https://news.example.org/other", "response", payload=io.BytesIO(body),
                    http_headers=headers, warc_headers_dict={"WARC-Date": "2024-06-03T10:00:00Z"}))


WARC_PAGES = [
    ("https://news.example.org/world/vienna", "2024-03-06T01:02:03Z",
     page("Ministers meet in Vienna", NEWS_VIENNA, date="2024-03-05")),
    ("https://news.example.org/business/port", "2023-11-18T07:00:00Z",
     page("Port strike ends", NEWS_PORT, site="Harbour Gazette")),
]


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_file(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    write_warc(path, WARC_PAGES, gzipped=gzipped)
    articles, report = read([path])
    assert [a.url for a in articles] == [url for url, _, _ in WARC_PAGES]
    vienna, port = articles
    assert vienna.published == "2024-03-05"  # the page's own date
    assert port.published == "2023-11-18"  # none on the page: WARC-Date
    assert port.source == "Harbour Gazette" and "six percent" in port.text
    assert vienna.origin is not None and vienna.origin.startswith(f"{path}#urn:uuid:")
    assert vienna.article_id == article_id_for("https://news.example.org/world/vienna", "")
    assert report.read == 2 and report.one_lines() == []


# --- folders, URLs, stdin -------------------------------------------------------------------


def test_folder_recurses_in_order_and_ignores_sidecars(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2-port.txt").write_text(NEWS_PORT)
    (tmp_path / "b" / "2-port.meta.json").write_text('{"title": "Port strike ends"}')
    (tmp_path / "a-summit.md").write_text("# Water summit\n\n" + NEWS_SUMMIT)
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": NEWS_VIENNA}) + "\n")
    (tmp_path / "notes.csv").write_text("not,an,article\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text(NEWS_PORT)
    names = [p.relative_to(tmp_path).as_posix() for p in usable_files(tmp_path)]
    assert names == ["a-summit.md", "c.jsonl", "b/2-port.txt"]
    articles, report = read([tmp_path])
    assert [a.title for a in articles] == ["Water summit", None, "Port strike ends"]
    assert report.read == 3 and report.one_lines() == []


def test_url_html_page_after_a_redirect(site: Site) -> None:
    target = site.add("/2024/03/vienna", page("Ministers meet in Vienna", NEWS_VIENNA, date="2024-03-05"))
    start = site.redirect("/short/v", target)
    (article,), report = read([start])
    assert article.url == target and article.origin == start
    assert article.published == "2024-03-05" and "Danube" in article.text
    assert site.agents == ["detente/0.1", "detente/0.1"]
    assert report.read == 1


def test_url_feed_and_jsonl(site: Site) -> None:
    page_url = site.add("/p/summit", page("Water summit", NEWS_SUMMIT))
    feed = site.add("/feed.xml", rss([{"title": "Water summit", "link": page_url}]), "application/rss+xml")
    lines = site.add("/dump", "\n".join(json.dumps(r) for r in _records()), "application/x-ndjson")
    articles, report = read([feed, lines])
    assert [a.origin for a in articles] == [page_url, f"{lines}:1", f"{lines}:2", f"{lines}:3"]
    assert "Kazakhstan" in articles[0].text
    assert report.read == 4 and report.one_lines() == []


def test_fetch_follows_redirects_and_caps_the_size(site: Site) -> None:
    from detente.ingest.web import FetchError, fetch

    target = site.add("/big", "x" * 5000, "text/plain")
    got = fetch(site.redirect("/to-big", target), timeout=5)
    assert (got.url, got.status, got.content_type, len(got.content)) == (target, 200, "text/plain", 5000)
    with pytest.raises(FetchError, match=r"^unreachable \(body of 5,000 bytes is over the 1,000 byte limit\)$"):
        fetch(target, timeout=5, max_bytes=1000)


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, ("\n" + "\n".join(json.dumps(r) for r in _records())).encode())
    articles, report = read(["-"])
    assert [a.origin for a in articles] == ["<stdin>:2", "<stdin>:3", "<stdin>:4"]
    assert report.read == 3


def test_stdin_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, NEWS_PORT.encode())
    (article,), report = read(["-"])
    assert article.text == NEWS_PORT and article.origin == "<stdin>" and report.read == 1


# --- language, dates, truncation, report ------------------------------------------------------


def test_non_english_is_yielded_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "wien.txt").write_text(NEWS_GERMAN, encoding="utf-8")
    (tmp_path / "vienna.txt").write_text(NEWS_VIENNA, encoding="utf-8")
    articles, report = read([tmp_path / "wien.txt", tmp_path / "vienna.txt"])
    german, english = articles
    assert (german.status, german.status_reason, german.lang) == ("skipped", "language de (not English)", "de")
    assert (english.status, english.lang) == ("ok", "en")
    assert (report.read, report.skipped) == (1, 1)
    assert report.one_lines() == [f"{tmp_path / 'wien.txt'}: language de (not English)"]
    assert report.by_reason == {"language de": 1}


@pytest.mark.parametrize("text, declared, expected", [
    ("Putin meets Xi", None, "en"),  # too short to judge: English
    ("Scholz trifft Macron", "de", "de"),  # too short: the declared language
    ("Moscow and Beijing sign a gas deal", "en", "en"),
    (NEWS_VIENNA, "de", "en"),  # long enough: what the text says, not the label
    (NEWS_GERMAN, None, "de"),
    (NEWS_FRENCH, None, "fr"),
])
def test_detect_language(text: str, declared: str | None, expected: str) -> None:
    assert detect_language(text, declared) == expected


@pytest.mark.parametrize("value, expected", [
    ("2022-09-22", "2022-09-22"),
    ("22 September 2022", "2022-09-22"),
    ("Sep 22, 2022", "2022-09-22"),
    ("September 22nd, 2022", "2022-09-22"),
    ("Thu, 22 Sep 2022 08:30:00 +0000", "2022-09-22"),
    ("20220922", "2022-09-22"),
    ("2022-09-22T23:30:00-05:00", "2022-09-22"),  # the publisher's calendar day
    ("2022-09-22T08:30:00Z", "2022-09-22"),
    ("2022/09/22", "2022-09-22"),
    ("22/09/2022", "2022-09-22"),  # day > 12: unambiguous
    (1663837200, "2022-09-22"),
    ("xyz", None),
    ("yesterday", None),
    ("September 2022", None),  # no day
    ("2022-02-30", None),
    ("", None),
    (None, None),
])
def test_parse_date(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_truncate_text_prefers_paragraphs_then_sentences() -> None:
    paragraphs = "First paragraph here.\n\nSecond paragraph, longer than the first one.\n\nThird."
    assert truncate_text(paragraphs, 72) == "First paragraph here.\n\nSecond paragraph, longer than the first one."
    sentences = "One sentence ends here. Another one ends here too. And a third goes on and on"
    assert truncate_text(sentences, 60) == "One sentence ends here. Another one ends here too."
    words = "word " * 30
    assert truncate_text(words, 42) == ("word " * 8).strip()
    assert truncate_text("x" * 100, 10) == "x" * 10
    assert truncate_text("short", 10) == "short"


def test_report_keys_and_lines() -> None:
    report = IngestReport()
    report.fail("a.jsonl:3", "not valid JSON (Expecting value at column 1)")
    report.fail("a.jsonl:9", "not valid JSON (Unterminated string at column 40)")
    report.warn("b.txt", "unrecognised date 'xyz'; publication date unknown")
    report.skip("c.html", "no main text found in the HTML")
    assert report.by_reason == {"not valid JSON": 2, "no main text found in the HTML": 1}
    assert reason_key("unrecognised date 'xyz'; publication date unknown") == \
        "unrecognised date '…'; publication date unknown"
    assert report.one_lines() == [
        "a.jsonl:3: not valid JSON (Expecting value at column 1)",
        "a.jsonl:9: not valid JSON (Unterminated string at column 40)",
        "b.txt: unrecognised date 'xyz'; publication date unknown",
        "c.html: no main text found in the HTML",
    ]
    assert report.one_lines(("fail",)) == report.one_lines()[:2]
    assert report.summary().startswith("read 0, skipped 1, failed 2, warnings 1")


# --- the shared corpus -----------------------------------------------------------------------

CORPUS = Path(os.environ.get("DETENTE_SHARED", Path(__file__).resolve().parents[2] / "shared")) / \
    "corpus" / "news-sample.jsonl.gz"


@pytest.mark.shared
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared corpus absent")
def test_news_sample_reads_fully_and_fast() -> None:
    start = time.perf_counter()
    report = IngestReport()
    count = sum(1 for _ in read_inputs([str(CORPUS)], Config(), report))
    elapsed = time.perf_counter() - start
    assert count == 5864 and report.read == 5864
    assert report.failed == 0 and report.skipped == 0 and report.warned == 0
    assert elapsed < 30, f"{elapsed:.1f}s"  # about 3 s on a laptop; generous for loaded CI


def test_folder_notes_are_not_articles(tmp_path):
    from detente.ingest import usable_files

    (tmp_path / "README.md").write_text("# About these articles\n\nNotes for readers.\n", encoding="utf-8")
    (tmp_path / "LICENSE.txt").write_text("Permission is granted.\n", encoding="utf-8")
    story = "Ministers met in Oslo on Monday to discuss fishing quotas.\n"
    (tmp_path / "story.txt").write_text(story, encoding="utf-8")
    assert [p.name for p in usable_files(tmp_path)] == ["story.txt"]


def test_every_format_has_a_reader() -> None:
    """Dispatch is a table: each format a file can have (by suffix or by its first bytes) has a reader."""
    from detente.ingest.reader import FILE_READERS, FORMATS

    assert set(FORMATS.values()) | {"text", "html", "jsonl", "json", "warc", "feed"} == set(FILE_READERS)
