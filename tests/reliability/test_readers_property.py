"""Property tests over every reader: whatever the bytes, no traceback, good records all stored, bad ones counted.

Issue #15, the suite. Each test builds an input of good records (an English news text carrying a
``report number N`` marker), bad ones (arbitrary bytes, lone surrogates, JSON nested thousands of
levels deep, lines and pages over the caps, records with no text) and odd-but-good ones (a
surrogate in a title, a deep field beside the text, a page nested 3,000 levels), for JSON Lines
(plain and gzip), JSON, text and Markdown, HTML, RSS/Atom, WARC (plain and gzip), stdin and a
folder of arbitrary files under every suffix. It is read by :func:`read_inputs` and stored by
:func:`ingest_articles` (with the FakeEngine) and checked:

- nothing raises;
- every good record is an ``ok`` article, its marker in the text, and is in the store;
- every bad record is counted: a failure or skip names its origin (``file:line``, ``file[3]``,
  ``feed#entry-2``, ``file.warc#urn:...``), and no article comes from it;
- an input that is only junk is counted as a whole (an article or a report entry names it).

The caps are set small (``CONFIG``), so "huge" inputs stay a few kilobytes and each test takes
seconds; the same code paths run at the default caps (``test_memory_caps.py`` measures those).
"""

from __future__ import annotations

import gzip
import html
import io
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FakeEngine
from detente.config import Config
from detente.ingest import IngestReport, read_inputs
from detente.records import Article
from detente.runner import ingest_articles
from detente.store import Store

NEWS = ("China and Russia signed a trade agreement in Beijing on Monday, officials said. "
        "The two governments said the deal covers gas, oil and grain until 2030.")
CONFIG = Config(n_process=1, batch_size=8, max_chars=3_000, max_line_bytes=3_000, max_document_bytes=40_000,
                max_html_chars=12_000)
FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(FAST, max_examples=15)  # trafilatura on every page


def marker(n: int) -> str:
    return f"report number {n} of"


def good_text(n: int) -> str:
    return f"{NEWS} This is {marker(n)} the series on the trade talks."


# junk: any text, lone surrogates included (``st.characters()`` leaves them out)
JUNK = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=40)
# junk inside a page or text that must still be read: no NUL but one STRAY (a document with more
# than one NUL in 100 bytes is a binary file; a stray one is removed, with a warning)
TEXT_JUNK = st.text(st.one_of(st.characters(exclude_characters="\x00"), st.characters(categories=["Cs"])),
                    max_size=40)
STRAY = st.sampled_from(["", "\x00"])
BYTES = st.binary(max_size=400)
# text that XML can hold (a feed with a control character or a surrogate is not well-formed)
XML_TEXT = st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"], exclude_characters="\ufffe\uffff"),
                   max_size=40)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.duckdb") as s:
        yield s


def ingest(inputs: list[str], store: Store, config: Config = CONFIG) -> tuple[list[Article], IngestReport]:
    """Read ``inputs`` and store them; the articles read and the report. Fails the test if an ok
    article read is not in the store."""
    report = IngestReport()
    seen: list[Article] = []

    def tee() -> Iterator[Article]:
        for article in read_inputs(inputs, config, report):
            seen.append(article)
            yield article

    ingest_articles(tee(), config, store, engine=FakeEngine(),  # type: ignore[arg-type]  # a stand-in Engine
                    report=report, inputs=inputs)
    ok = {a.article_id for a in seen if a.status == "ok"}
    assert store.stored_ids(ok) == ok
    return seen, report


def counted(report: IngestReport) -> set[str]:
    return {origin for origin, _ in report.failures + report.skips}


def check(articles: list[Article], report: IngestReport, expected: dict[str, tuple[str, int]]) -> None:
    """``expected``: origin -> (``good`` | ``bad`` | ``either``, marker number)."""
    by_origin = {a.origin: a for a in articles}
    bad = counted(report)
    for origin, (kind, n) in expected.items():
        if kind == "good":
            assert origin in by_origin, (origin, report.one_lines())
            article = by_origin[origin]
            assert article.status == "ok" and marker(n) in article.text, (origin, article.status, article.text[:300])
        elif kind == "bad":
            assert origin in bad and origin not in by_origin, (origin, report.one_lines())
        else:
            assert origin in by_origin or origin in bad, (origin, report.one_lines())


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- JSON Lines ---------------------------------------------------------------------------------

@st.composite
def jsonl_line(draw: st.DrawFn, n: int) -> tuple[str, bytes]:
    """One line (no line break) and what it should give."""
    kind = draw(st.sampled_from(["good", "surrogates", "deep_field", "bytes", "not_object", "deep", "huge",
                                 "no_text", "unicode"]))
    if kind == "good":
        record: dict[str, Any] = {"id": n, "text": good_text(n), "title": draw(JUNK), "url": draw(JUNK),
                                  "published": draw(st.one_of(JUNK, st.integers(), st.none()))}
        return "good", json.dumps(record).encode()
    if kind == "surrogates":  # json.dumps writes them as \ud800 escapes, as a broken exporter does
        field = draw(st.sampled_from(["title", "url", "source", "text"]))
        record = {"text": good_text(n), field: draw(JUNK) + "\ud800" + draw(JUNK)}
        if field == "text":
            record["text"] = good_text(n) + " " + str(record["text"])[len(good_text(n)):]
        return "good", json.dumps(record).encode()
    if kind == "unicode":  # UTF-8 text with any characters; invalid bytes for the surrogates
        text = good_text(n) + " " + draw(JUNK).replace("\n", " ")
        return "good", json.dumps({"text": text}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if kind == "deep_field":  # the text is readable; a field beside it is nested deep
        depth = draw(st.sampled_from([1, 50, 800]))
        return "good", f'{{"text": {json.dumps(good_text(n))}, "meta": {nested(depth)}}}'.encode()
    if kind == "deep":
        return "bad", nested(draw(st.sampled_from([2_000, 20_000, 1_400]))).encode()
    if kind == "huge":  # over max_line_bytes
        words = draw(st.integers(CONFIG.max_line_bytes // 5, 3 * CONFIG.max_line_bytes // 5))
        return "bad", json.dumps({"text": good_text(n) + " more" * words}).encode()
    if kind == "no_text":
        return "bad", json.dumps({"title": draw(JUNK), "text": draw(st.sampled_from(["", "  ", "\n\t"]))}).encode()
    if kind == "not_object":
        value = draw(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                                  lambda inner: st.lists(inner, max_size=4), max_leaves=8))
        return "bad", json.dumps(value).encode()
    raw = draw(BYTES).replace(b"\n", b" ")  # arbitrary bytes: usually bad, blank is ignored
    return ("blank" if not raw.strip() else "either"), raw


@st.composite
def jsonl_file(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    count = draw(st.integers(0, 10))
    lines = [("good", json.dumps({"text": good_text(1)}).encode())]  # a NUL in line 1 makes the file binary
    lines += [draw(jsonl_line(i + 2)) for i in range(count)]
    return lines


@FAST
@given(lines=jsonl_file(), gz=st.booleans(), crlf=st.booleans())
def test_jsonl(store: Store, lines: list[tuple[str, bytes]], gz: bool, crlf: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("in.jsonl.gz" if gz else "in.jsonl")
        data = (b"\r\n" if crlf else b"\n").join(line for _, line in lines) + b"\n"
        path.write_bytes(gzip.compress(data) if gz else data)
        articles, report = ingest([str(path)], store)
    expected = {f"{path}:{i}": (kind, i) for i, (kind, _) in enumerate(lines, 1) if kind != "blank"}
    check(articles, report, expected)
    assert len(articles) == len({a.origin for a in articles})  # one article per line at most


@FAST
@given(lines=jsonl_file(), cut=st.floats(0, 1, exclude_max=True))
def test_jsonl_gz_cut_short_keeps_the_lines_before(store: Store, lines: list[tuple[str, bytes]], cut: float) -> None:
    data = gzip.compress(b"\n".join(line for _, line in lines) + b"\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cut.jsonl.gz"
        path.write_bytes(data[:int(len(data) * cut)] or b"\x1f")
        articles, report = ingest([str(path)], store)
    assert report.failed >= 1  # the cut is reported (or the file is empty, a failure too)
    read = [int(str(a.origin).rsplit(":", 1)[1]) for a in articles]
    assert read == sorted(read)
    good_before = [i for i, (kind, _) in enumerate(lines, 1) if kind == "good" and read and i <= max(read)]
    assert set(good_before) <= set(read)  # no good line before the last one read is lost


# --- JSON ---------------------------------------------------------------------------------------

@st.composite
def json_item(draw: st.DrawFn, n: int) -> tuple[str, Any]:
    kind = draw(st.sampled_from(["good", "surrogates", "not_object", "no_text"]))
    if kind == "good":
        return "good", {"text": good_text(n), "title": draw(JUNK), "id": draw(st.one_of(JUNK, st.integers()))}
    if kind == "surrogates":
        return "good", {"text": good_text(n) + " \udc80" + draw(JUNK), "source": {"name": draw(JUNK)}}
    if kind == "not_object":
        return "bad", draw(st.one_of(st.integers(), JUNK, st.lists(st.integers(), max_size=3), st.none()))
    return "bad", {"title": draw(JUNK)}


@FAST
@given(data=st.data(), key=st.sampled_from([None, "articles", "items", "records", "data"]))
def test_json(store: Store, data: st.DataObject, key: str | None) -> None:
    items = [data.draw(json_item(i)) for i in range(data.draw(st.integers(1, 8)))]
    value: Any = [v for _, v in items]
    if key:
        value = {key: value}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.json"
        path.write_text(json.dumps(value), encoding="utf-8")
        articles, report = ingest([str(path)], store)
    check(articles, report, {f"{path}[{i}]": (kind, i) for i, (kind, _) in enumerate(items)})


# --- a document read whole: bytes of any kind, under each suffix --------------------------------

SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".jsonl.gz", ".json", ".xml", ".rss", ".atom", ".warc", ".warc.gz",
            ".unknown"]


@st.composite
def junk_document(draw: st.DrawFn) -> bytes:
    """Arbitrary bytes, or text with surrogates as a broken encoder writes them, or a page or feed or
    WARC head followed by junk, or one over the caps; sometimes gzip-compressed."""
    kind = draw(st.sampled_from(["bytes", "text", "head", "huge", "nested"]))
    if kind == "bytes":
        data = draw(BYTES)
    elif kind == "text":
        data = draw(JUNK).encode("utf-8", draw(st.sampled_from(["surrogatepass", "surrogateescape", "replace"])))
    elif kind == "head":
        head = draw(st.sampled_from([b"<html><body><p>", b'<?xml version="1.0"?><rss><channel><item>',
                                     b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", b"WARC/1.0\r\n",
                                     b'{"text": "', b"[{", b"---\ntitle: x\n"]))
        data = head + draw(BYTES)
    elif kind == "huge":
        data = draw(st.sampled_from([b"<p>x</p>", b"a ", b'{"text": "a"}\n', b"<div>"])) * draw(
            st.integers(1_000, 12_000))
    else:
        data = nested(draw(st.integers(100, 30_000))).encode()
    return gzip.compress(data) if draw(st.booleans()) else data


@FAST
@given(files=st.lists(st.tuples(st.sampled_from(SUFFIXES), junk_document()), min_size=1, max_size=6))
def test_any_bytes_under_any_suffix(store: Store, files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        paths = []
        for i, (suffix, data) in enumerate(files):
            path = folder / f"f{i}{suffix}"
            path.write_bytes(data)
            paths.append(path)
        good = folder / "good.txt"
        good.write_text(good_text(7), encoding="utf-8")
        # named one by one (a file with another suffix is sniffed), then the folder as a whole
        articles, report = ingest([str(p) for p in paths] + [str(good)], store)
        folder_articles, folder_report = ingest([str(folder)], store)
    for arts, rep in ((articles, report), (folder_articles, folder_report)):
        origins = [a.origin or "" for a in arts] + [o for o, _ in rep.failures + rep.skips + rep.warnings]
        for path in paths:
            if path.suffix != ".unknown" or arts is articles:  # a folder reads only known suffixes
                assert any(o == str(path) or o.startswith((f"{path}:", f"{path}#", f"{path}["))
                           for o in origins), (path, rep.one_lines())
        check(arts, rep, {str(good): ("good", 7)})


@FAST
@given(data=junk_document(), good_after=st.booleans())
def test_stdin(store: Store, data: bytes, good_after: bool) -> None:
    if good_after:  # JSON Lines on stdin (a first line that is an object): a good line after junk is read
        data = (b'{"text": 1}\n' + data.replace(b"\n", b" ") + b"\n" + json.dumps({"text": good_text(3)}).encode()
                + b"\n")
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    with mock.patch.object(sys, "stdin", stdin):
        articles, report = ingest(["-"], store)
    origins = [a.origin or "" for a in articles] + [o for o, _ in report.failures + report.skips]
    assert any(o.startswith("<stdin>") for o in origins), report.one_lines()
    if good_after:
        assert any(marker(3) in a.text and a.status == "ok" for a in articles), report.one_lines()


# --- text ---------------------------------------------------------------------------------------

@FAST
@given(junk=st.tuples(TEXT_JUNK, STRAY).map("".join),
       encoding=st.sampled_from(["surrogatepass", "surrogateescape", "replace"]),
       suffix=st.sampled_from([".txt", ".md"]), huge=st.booleans(), front=st.booleans())
def test_text(store: Store, junk: str, encoding: str, suffix: str, huge: bool, front: bool) -> None:
    body = (good_text(5) + " ") * (40 if huge else 2) + junk
    if front:
        body = f"---\ntitle: {json.dumps(junk)}\ndate: {json.dumps(junk)}\n---\n{body}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(body.encode("utf-8", encoding))
        articles, report = ingest([str(path)], store)
    check(articles, report, {str(path): ("good", 5)})
    if huge:
        assert any("over max_chars" in reason for _, reason in report.warnings)


# --- HTML ---------------------------------------------------------------------------------------

# a page nested 3,000 levels is 33,000 characters before its article: within the cap here (a page cut
# before its article has lost it, and is counted as skipped)
HTML_CONFIG = Config(n_process=1, batch_size=8, max_chars=3_000, max_document_bytes=400_000, max_html_chars=60_000)
NOISE = st.sampled_from(["<!-- a comment -->", "<script>var x = '<p>1</p>';</script>", "<style>p{}</style>",
                         "<br/>", "&amp;&#0;&#xD800;&#x110000;&bogus;", "<div class='x' data-y=\"</p>\">", "</span>",
                         "<svg><path d='M0 0'/></svg>", "<nav><a href='/x'>Home</a></nav>", "<?php ?>"])


@st.composite
def page(draw: st.DrawFn, n: int) -> tuple[bytes, bool]:
    """A page with the article (``n``'s text) amid noise, nested up to 3,000 levels; whether it is
    over ``HTML_CONFIG.max_html_chars`` (a long script before the article, or markup after it)."""
    noise = "".join(draw(st.lists(st.one_of(NOISE, TEXT_JUNK.map(html.escape)), max_size=6)))
    depth = draw(st.sampled_from([0, 1, 40, 300, 3_000]))
    pad = draw(st.sampled_from(["", "script", "after"]))
    before = f"<script>{'var a = 1; ' * 8_000}</script>" if pad == "script" else ""
    after = "<div><p>More.</p></div>" * 4_000 if pad == "after" else ""
    title = html.escape(draw(TEXT_JUNK)) + draw(STRAY)
    article = "".join(f"<p>{good_text(n)}</p>" for _ in range(3))
    text = (f"<html><head><title>{title}</title>{before}</head><body>{noise}" + "<div>" * depth
            + f"<article>{article}</article>" + "</div>" * depth + noise + after + "</body></html>")
    return text.encode("utf-8", draw(st.sampled_from(["surrogatepass", "surrogateescape", "replace"]))), bool(pad)


@SLOW
@given(data=st.data())
def test_html(store: Store, data: st.DataObject) -> None:
    content, over = data.draw(page(4))
    junk = data.draw(BYTES)
    with tempfile.TemporaryDirectory() as tmp:
        path, bad = Path(tmp) / "in.html", Path(tmp) / "junk.html"
        path.write_bytes(content)
        bad.write_bytes(junk)
        articles, report = ingest([str(path), str(bad)], store, HTML_CONFIG)
    check(articles, report, {str(path): ("good", 4), str(bad): ("either", 0)})
    if over:
        assert any(o == str(path) and "over max_html_chars" in r for o, r in report.warnings)


# --- feeds --------------------------------------------------------------------------------------

@st.composite
def feed(draw: st.DrawFn) -> tuple[bytes, list[str], bool]:
    """An RSS or Atom feed of good entries and entries with no text; whether it is well-formed."""
    atom = draw(st.booleans())
    kinds = draw(st.lists(st.sampled_from(["good", "good", "no_text"]), min_size=1, max_size=6))
    entries = []
    for n, kind in enumerate(kinds, 1):
        title = html.escape(draw(XML_TEXT))
        body = html.escape(f"<p>{good_text(n)}</p>") if kind == "good" else ""
        date = html.escape(draw(XML_TEXT))
        if atom:
            entries.append(f"<entry><title>{title}</title><published>{date}</published>"
                           f"<summary type='html'>{body}</summary></entry>")
        else:
            entries.append(f"<item><title>{title}</title><pubDate>{date}</pubDate>"
                           f"<description>{body}</description></item>")
    if atom:
        doc = ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>W</title>"
               + "".join(entries) + "</feed>")
    else:
        doc = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>W</title>"
               + "".join(entries) + "</channel></rss>")
    data = doc.encode("utf-8")
    broken = draw(st.booleans())
    if broken:  # junk bytes somewhere after the first entry starts: entries may be lost, never a traceback
        at = data.index(b"<entry>" if atom else b"<item>") + 7
        at = draw(st.integers(at, len(data)))
        data = data[:at] + draw(BYTES) + data[at:]
    return data, kinds, not broken


@pytest.mark.filterwarnings("ignore:To avoid breaking existing software:DeprecationWarning")  # feedparser's own
@FAST
@given(made=feed(), suffix=st.sampled_from([".xml", ".rss", ".atom"]))
def test_feed(store: Store, made: tuple[bytes, list[str], bool], suffix: str) -> None:
    data, kinds, well_formed = made
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        articles, report = ingest([str(path)], store)
    if well_formed:
        check(articles, report, {f"{path}#entry-{n}": ("good" if kind == "good" else "bad", n)
                                 for n, kind in enumerate(kinds, 1)})
    else:
        origins = [a.origin or "" for a in articles] + [o for o, _ in report.failures + report.skips + report.warnings]
        assert any(o.startswith(str(path)) for o in origins), report.one_lines()


# --- WARC ---------------------------------------------------------------------------------------

@st.composite
def warc_records(draw: st.DrawFn) -> list[tuple[str, bytes, str]]:
    """(kind, payload, content type) of each response record."""
    records = []
    for n in range(1, draw(st.integers(1, 5)) + 1):
        kind = draw(st.sampled_from(["good", "good", "junk", "other", "empty"]))
        if kind == "good":
            body = f"<html><body><article><p>{good_text(n)}</p><p>{html.escape(draw(TEXT_JUNK))}{draw(STRAY)}</p>"
            body += "</article></body></html>"
            records.append(("good", body.encode("utf-8", "surrogatepass"), "text/html; charset=utf-8"))
        elif kind == "junk":  # bytes served as HTML: an article or a skip, never a traceback
            records.append(("either", draw(BYTES), "text/html"))
        elif kind == "other":  # not a page: passed over, not counted
            records.append(("other", draw(BYTES), draw(st.sampled_from(["image/png", "application/pdf"]))))
        else:
            records.append(("bad", b"", "text/html"))
    return records


def write_warc(path: Path, records: list[tuple[str, bytes, str]], gzipped: bool,
               garbage: tuple[int, bytes] | None) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    starts = []
    writer = WARCWriter(out, gzip=gzipped)
    for n, (_, payload, ctype) in enumerate(records, 1):
        starts.append(out.tell())
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://news.example.org/{n}", "response", payload=io.BytesIO(payload), http_headers=headers,
            warc_headers_dict={"WARC-Record-ID": f"<urn:test:{n}>", "WARC-Date": "2024-01-02T12:00:00Z"}))
    data = out.getvalue()
    if garbage is not None:  # junk between two records (never before the first: not a WARC at all then)
        at = starts[1 + garbage[0] % (len(starts) - 1)] if len(starts) > 1 else len(data)
        # uncompressed, reading resumes at the next line starting "WARC/1.": the junk ends its line
        junk = garbage[1] if gzipped else garbage[1] + b"\r\n"
        data = data[:at] + junk + data[at:]
    path.write_bytes(data)


@SLOW
@given(records=warc_records(), gzipped=st.booleans(),
       garbage=st.one_of(st.none(), st.tuples(st.integers(0, 10), st.binary(min_size=1, max_size=200))))
def test_warc(store: Store, records: list[tuple[str, bytes, str]], gzipped: bool,
              garbage: tuple[int, bytes] | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("in.warc.gz" if gzipped else "in.warc")
        write_warc(path, records, gzipped, garbage)
        articles, report = ingest([str(path)], store)
    expected = {f"{path}#urn:test:{n}": (kind, n) for n, (kind, _, _) in enumerate(records, 1) if kind != "other"}
    check(articles, report, expected)
    others = {f"{path}#urn:test:{n}" for n, (kind, _, _) in enumerate(records, 1) if kind == "other"}
    assert not others & {a.origin for a in articles}
    if garbage is not None and garbage[1].strip(b"\r\n\t \x00"):
        assert report.failed + report.skipped >= 1, report.one_lines()
