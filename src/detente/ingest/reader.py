"""``read_inputs``: paths, folders, URLs and stdin -> one stream of Articles.

Each input is one of:

- ``-``: standard input. JSON Lines when the first non-blank line is a JSON object (read
  line by line), an HTML page when it starts with ``<`` and has tags, else one plain-text
  article (front matter allowed). Origins are ``<stdin>`` and ``<stdin>:LINE``.
- an ``http://`` or ``https://`` URL: fetched (``web.py``), then read by its content type
  (HTML, RSS/Atom, JSON, JSON Lines, plain text), falling back to the URL's suffix and to
  sniffing the bytes; feed entries' pages are fetched too.
- a folder: every usable file inside, recursively, in sorted order, hidden files and folders
  and ``*.meta.json`` sidecars left out.
- a file: read by its suffix (:data:`FORMATS`); a file named explicitly with another suffix
  is sniffed (gzip, WARC, JSON, feed, HTML, else text). Only regular files are opened: a FIFO,
  a device (a link to ``/dev/zero``) or a socket, named or found in a folder, is a failure
  ``not a regular file (a FIFO)`` and is never read (it could block or never end).

Memory is bounded by the caps in ``config`` whatever the input (docs/cli.md, "Size caps"): a
JSON Lines line over ``max_line_bytes`` is skipped while streaming, stdin, a gzip-compressed
download and every document read whole stop at ``max_document_bytes``, HTML is cut at
``max_html_chars`` before extraction and a text at ``max_chars`` before parsing.

Nothing stops the stream: each bad input becomes one report entry (``report.fail`` etc.)
naming the input and the reason, and reading goes on with the next. Articles are yielded
whole or not at all.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..config import Config
from ..records import Article
from .common import DecodeError, decode_bytes, gunzip_bounded
from .feeds import read_feed_bytes, read_feed_file
from .html import article_from_html, decode_html, looks_like_html, read_html_file
from .jsonl import LongLine, bounded_lines, read_json_bytes, read_json_file, read_jsonl_file, read_jsonl_lines
from .report import IngestReport
from .text import article_from_text, drop_split_utf8, read_text_file
from .warc import read_warc_file, read_warc_stream
from .web import Fetcher, FetchError, Page, is_url

STDIN = "-"
STDIN_ORIGIN = "<stdin>"

# suffix -> format, longest suffixes first so ".warc.gz" wins over ".gz"
FORMATS: dict[str, str] = {
    ".jsonl.gz": "jsonl", ".ndjson.gz": "jsonl", ".warc.gz": "warc",
    ".txt": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".warc": "warc", ".xml": "feed", ".rss": "feed", ".atom": "feed",
}
_FEED_MARK = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE)


def format_of(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".meta.json"):
        return None
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    return None


def sniff(head: bytes) -> str:
    """The format of a document from its first bytes (after gzip, if any)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith(b"{"):
        return "jsonl"
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"<"):
        return "feed" if _FEED_MARK.search(head) else "html"
    return "text"


def _sniff_file(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as gz:
                inner = gz.read(4096)
        except (OSError, EOFError):
            return "jsonl"  # reading reports the corrupt stream
        return "warc" if sniff(inner) == "warc" else "jsonl"
    return sniff(head)


_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def not_regular(mode: int) -> str | None:
    """The failure reason for a file of this ``st_mode`` that must not be opened (a FIFO would
    block, ``/dev/zero`` never end): ``not a regular file (a FIFO)``; ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), None)
    return f"not a regular file ({kind})" if kind else "not a regular file"


_FOLDER_NOTES = ("readme", "license", "licence", "changelog", "contributing")


def _is_folder_notes(name: str) -> bool:
    """README, LICENSE and the like describe a folder of articles; they are not articles."""
    return name.lower().split(".")[0] in _FOLDER_NOTES


def usable_files(folder: Path) -> Iterator[Path]:
    """The files in ``folder`` that :func:`read_inputs` reads, recursively and sorted."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and not _is_folder_notes(name) and format_of(path) is not None:
                yield path



def _one(article: Article | None) -> Iterator[Article]:
    if article is not None:
        yield article


# format (FORMATS, sniff) -> the reader of a file of that format: (path, config, report, fetcher) -> articles
FILE_READERS: dict[str, Callable[[Path, Config, IngestReport, Any], Iterable[Article]]] = {
    "text": lambda path, config, report, _: _one(read_text_file(path, config, report)),
    "html": lambda path, config, report, _: _one(read_html_file(path, config, report)),
    "jsonl": lambda path, config, report, _: read_jsonl_file(path, config, report),
    "json": lambda path, config, report, _: read_json_file(path, config, report),
    "warc": lambda path, config, report, _: read_warc_file(path, config, report),
    "feed": read_feed_file,
}

class _Reader:
    def __init__(self, config: Config, report: IngestReport) -> None:
        self.config = config
        self.report = report
        self.fetcher = Fetcher(timeout=config.fetch_timeout)

    def read(self, spec: str) -> Iterator[Article]:
        if spec == STDIN:
            yield from self.read_stdin()
        elif is_url(spec):
            yield from self.read_url(spec.strip())
        else:
            yield from self.read_path(Path(spec))

    # --- paths -------------------------------------------------------------------------

    def read_path(self, path: Path) -> Iterator[Article]:
        origin = str(path)
        if not path.exists():
            self.report.fail(origin, "no such file or folder")
            return
        if path.is_dir():
            found = False
            for file in usable_files(path):
                found = True
                yield from self.read_file(file, format_of(file) or "text")
            if not found:
                looked = ", ".join(FORMATS)
                self.report.fail(origin, f"no usable files (looked for {looked})")
            return
        yield from self.read_file(path, format_of(path))

    def read_file(self, path: Path, fmt: str | None) -> Iterator[Article]:
        origin = str(path)
        try:
            info = path.stat()
            reason = not_regular(info.st_mode)
            if reason:
                self.report.fail(origin, reason)
                return
            if info.st_size == 0:
                self.report.fail(origin, "empty file")
                return
            if fmt is None:
                fmt = _sniff_file(path)
        except OSError as exc:
            self.report.fail(origin, f"cannot read ({(exc.strerror or str(exc)).lower()})")
            return
        yield from self._guarded(origin, self._file_reader(path, fmt))

    def _file_reader(self, path: Path, fmt: str) -> Iterator[Article]:
        yield from FILE_READERS[fmt](path, self.config, self.report, self.fetcher)

    def _guarded(self, origin: str, articles: Iterator[Article]) -> Iterator[Article]:
        """Yield from ``articles``; an unexpected error ends this input with a failure."""
        try:
            yield from articles
        except OSError as exc:
            self.report.fail(origin, f"cannot read ({(exc.strerror or str(exc)).lower()})")
        except Exception as exc:  # noqa: BLE001 - one broken input must not stop the batch
            self.report.fail(origin, f"could not be read ({type(exc).__name__}: {exc})"[:300])

    # --- URLs --------------------------------------------------------------------------

    def read_url(self, url: str) -> Iterator[Article]:
        try:
            page = self.fetcher.fetch(url)
        except FetchError as exc:
            self.report.fail(url, str(exc))
            return
        if not page.content.strip():
            self.report.fail(url, "empty response")
            return
        yield from self._guarded(url, self._page_reader(url, page))

    def _page_reader(self, url: str, page: Page) -> Iterator[Article]:
        config, report = self.config, self.report
        data = page.content
        if data.startswith(b"\x1f\x8b"):
            try:
                data = gunzip_bounded(data, config.max_document_bytes)
            except DecodeError as exc:
                report.fail(url, str(exc))
                return
            except (OSError, EOFError, zlib.error) as exc:
                report.fail(url, f"compressed data is corrupt or cut short ({exc})")
                return
        fmt = _format_of_page(page, data)
        if fmt == "html":
            try:
                html = decode_html(data, url, report, page.charset)
            except DecodeError as exc:
                report.fail(url, str(exc))
                return
            article = article_from_html(html, origin=url, config=config, report=report, url=page.url)
            if article is not None:
                yield article
        elif fmt == "feed":
            yield from read_feed_bytes(data, url, config, report, self.fetcher)
        elif fmt == "jsonl":
            yield from read_jsonl_lines(bounded_lines(io.BytesIO(data), config.max_line_bytes), url, config, report)
        elif fmt == "json":
            yield from read_json_bytes(data, url, config, report)
        elif fmt == "warc":
            yield from read_warc_stream(io.BytesIO(data), url, config, report)
        else:
            try:
                text = decode_bytes(data, url, report, declared=(page.charset,))
            except DecodeError as exc:
                report.fail(url, str(exc))
                return
            article = article_from_text(text, origin=url, config=config, report=report,
                                        meta={"url": page.url})
            if article is not None:
                yield article

    # --- stdin -------------------------------------------------------------------------

    def read_stdin(self) -> Iterator[Article]:
        if sys.stdin is None:
            self.report.fail(STDIN_ORIGIN, "no standard input")
            return
        stream: IO[bytes] = getattr(sys.stdin, "buffer", None) or io.BytesIO(sys.stdin.read().encode())
        first: bytes | LongLine = b""
        lines: list[bytes | LongLine] = []
        bounded = bounded_lines(stream, self.config.max_line_bytes)
        for line in bounded:  # the blank lines before the first content line
            lines.append(line)
            if isinstance(line, LongLine) or line.strip():
                first = line
                break
        if not first:
            self.report.fail(STDIN_ORIGIN, "empty input")
            return
        if isinstance(first, LongLine) or first.lstrip(b"\xef\xbb\xbf \t").startswith(b"{"):
            yield from self._guarded(STDIN_ORIGIN, read_jsonl_lines(_chain(lines, bounded), STDIN_ORIGIN,
                                                                    self.config, self.report))
            return
        data = b"".join(x for x in lines if isinstance(x, bytes))
        # a page or feed is read up to max_document_bytes (its article may come late), a text only
        # as far as max_chars characters can reach
        whole = sniff(data[:4096]) in ("html", "feed")
        limit = self.config.max_document_bytes if whole else 4 * self.config.max_chars + 4
        data += stream.read(max(0, limit + 1 - len(data)))
        if len(data) > limit:
            data = drop_split_utf8(data[:limit])
            if whole:
                self.report.warn(STDIN_ORIGIN, f"input over {limit:,} bytes (max_document_bytes); "
                                               f"read the first {limit:,}")
        fmt = sniff(data[:4096])
        yield from self._guarded(STDIN_ORIGIN, self._stdin_document(data, fmt))

    def _stdin_document(self, data: bytes, fmt: str) -> Iterator[Article]:
        config, report = self.config, self.report
        try:
            if fmt == "html":  # a <meta charset> counts
                text = decode_html(data, STDIN_ORIGIN, report)
            else:
                text = decode_bytes(data, STDIN_ORIGIN, report)
        except DecodeError as exc:
            report.fail(STDIN_ORIGIN, str(exc))
            return
        if fmt == "feed":
            yield from read_feed_bytes(data, STDIN_ORIGIN, config, report, self.fetcher)
            return
        if fmt == "html" and looks_like_html(text):
            article = article_from_html(text, origin=STDIN_ORIGIN, config=config, report=report)
        else:
            article = article_from_text(text, origin=STDIN_ORIGIN, config=config, report=report)
        if article is not None:
            yield article


def _chain(first: list[bytes | LongLine], rest: Iterator[bytes | LongLine]) -> Iterator[bytes | LongLine]:
    yield from first
    yield from rest


def _format_of_page(page: Page, data: bytes) -> str:
    media = page.content_type
    if "html" in media:
        return "html"
    if any(mark in media for mark in ("rss", "atom", "xml")):
        return "feed" if _FEED_MARK.search(data[:4096]) else "html"
    if "ndjson" in media or "jsonl" in media or "json-seq" in media:
        return "jsonl"
    if "warc" in media:
        return "warc"
    if "json" in media:
        return "json"
    return format_of(Path(page.url.split("?", 1)[0].split("#", 1)[0])) or sniff(data[:4096])


def read_inputs(inputs: list[str], config: Config, report: IngestReport) -> Iterator[Article]:
    """Articles from every input in turn; problems go to ``report`` and never stop the stream."""
    reader = _Reader(config, report)
    try:
        for spec in inputs:
            yield from reader.read(spec)
    finally:
        reader.fetcher.close()

