"""WARC files (``.warc``, ``.warc.gz``) as Common Crawl's CC-NEWS writes them.

Only ``response`` records of HTTP 200 with an HTML content type (``text/html``,
``application/xhtml+xml``) are articles; requests, metadata, redirects and other media are
passed over silently. Each page goes through trafilatura (see ``html.py``); the URL is the
record's ``WARC-Target-URI``; the date is the page's own, else the record's ``WARC-Date``
(the crawl date, close to publication for a news crawl). The origin is
``file.warc.gz#<WARC-Record-ID>``.

Bad records never stop the batch:

- a record whose body cannot be read, or whose page has no main text, is skipped with its
  reason (``file.warc.gz#<urn:uuid:...>: malformed record (...)``) and reading goes on;
- where the WARC stops parsing (a broken header, a corrupt gzip member), the bad stretch is
  skipped (``file.warc.gz#offset-N: malformed WARC record (...); resumed at the next
  record``): reading resumes at the next gzip member holding a WARC record, or the next
  ``WARC/1.x`` line in an uncompressed file;
- when no record follows (a file cut short, or not a WARC at all), reading of the file ends
  with one failure saying after how many records it stopped; the articles before are kept.

A file cut short is a *failed* input (exit 1), as a cut ``.jsonl.gz`` is, wherever the cut
falls: inside a record's header (``malformed WARC after 2 records (record header cut short or
corrupt)``), inside its body (``#<urn:uuid:...>: malformed record (truncated: ...)``), or
inside the last gzip member's trailer, where every record is whole but the file is not
(``cut short: ...``). The whole records before the cut are kept.

Record bodies over ``MAX_RECORD_BYTES`` are skipped (no news page is that large).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from ..config import Config
from ..records import Article
from .common import DecodeError
from .html import article_from_html, decode_html
from .report import IngestReport

HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_TYPES = frozenset({"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion",
                        "continuation"})
MAX_RECORD_BYTES = 20_000_000


def read_warc_file(path: Path, config: Config, report: IngestReport) -> Iterator[Article]:
    """Articles from a WARC file, resuming after a malformed record at the next one."""
    name = str(path)
    size = path.stat().st_size
    with path.open("rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        head = fh.read(4096)
        if gzipped:
            try:
                head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
            except zlib.error:
                head = b""
        if not head.lstrip().startswith(b"WARC/"):
            first = head.lstrip().split(b"\n", 1)[0][:60].decode("utf-8", "replace").strip()
            shown = f"first line: {first!r}" if first.isprintable() and first else "no WARC header"
            report.fail(name, f"not a WARC file ({shown})")
            return
        offset, records = 0, 0
        while True:
            fh.seek(offset)
            stream = _RecordStream(fh, name, config, report)
            yield from stream
            records += stream.records
            if stream.error is None:
                bad, detail = stream.end_offset, "data cut short or corrupt"
                if size - bad <= 4 or not _has_data(fh, bad):  # read to the end
                    if gzipped and not stream.cut and _gzip_cut_short(fh, stream.last_offset):
                        report.fail(name, f"cut short: the compressed data ends inside its last gzip member, "
                                          f"after {_records(records)}; the records before are kept")
                    return
            else:
                bad, detail = stream.error
            resume = _next_record_start(fh, bad + 1, gzipped)
            if resume is None:
                what = "not a WARC file" if records == 0 and bad == 0 else f"malformed WARC after {_records(records)}"
                report.fail(name, f"{what} ({detail}); stopped reading this file")
                return
            report.skip(f"{name}#offset-{bad}", f"malformed WARC record ({detail}); "
                                               f"resumed at the next record, offset {resume}")
            offset = resume


def read_warc_stream(stream: IO[bytes], name: str, config: Config, report: IngestReport) -> Iterator[Article]:
    """Articles from a WARC stream (a fetched file): stops at the first malformed record."""
    records = _RecordStream(stream, name, config, report)
    yield from records
    if records.error is not None:
        what = "not a WARC file" if records.records == 0 else f"malformed WARC after {_records(records.records)}"
        report.fail(name, f"{what} ({records.error[1]}); stopped reading it")


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    if not text:
        return type(exc).__name__
    text = text.splitlines()[0][:200]
    if not text.isprintable():
        return "corrupt data where a WARC header should be"
    return text


def _records(n: int) -> str:
    return f"{n} record" if n == 1 else f"{n} records"


def _has_data(fh: IO[bytes], offset: int) -> bool:
    fh.seek(offset)
    return bool(fh.read(4096).strip(b"\r\n\t \x00"))


def _next_record_start(fh: IO[bytes], offset: int, gzipped: bool) -> int | None:
    """The offset of the next WARC record (or gzip member holding one) at or after ``offset``."""
    mark = b"\x1f\x8b\x08" if gzipped else b"\nWARC/1."
    chunk_size = 1 << 20
    pos = offset
    while True:
        fh.seek(pos)
        chunk = fh.read(chunk_size + len(mark))
        if len(chunk) < len(mark):
            return None
        i = chunk.find(mark)
        while i != -1:
            start = pos + i + (0 if gzipped else 1)
            if not gzipped or _gzip_member_holds_warc(fh, start):
                return start
            i = chunk.find(mark, i + 1)
        pos += chunk_size


def _gzip_cut_short(fh: IO[bytes], offset: int) -> bool:
    """Whether the gzip members from ``offset`` to the end of the file stop inside a member (the
    file was cut short: warcio reads a member without its end as if it were whole)."""
    fh.seek(offset)
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    started = False
    data = fh.read(1 << 16)
    while data:
        try:
            member.decompress(data, 1 << 16)  # output bounded: only the end is of interest
        except zlib.error:
            return False  # corrupt, not cut: the record reader reports that
        started = True
        if member.eof:
            rest = member.unused_data
            if rest and not b"\x1f\x8b".startswith(rest[:2]):
                return False  # not gzip after the last member: reported as data after the end
            member, started = zlib.decompressobj(16 + zlib.MAX_WBITS), False
            data = rest or fh.read(1 << 16)
        else:
            data = member.unconsumed_tail or fh.read(1 << 16)
    return started and not member.eof


def _gzip_member_holds_warc(fh: IO[bytes], offset: int) -> bool:
    fh.seek(offset)
    try:
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/")


class _RecordStream:
    """Iterate the articles of one run of well-formed records; note where and why it stopped."""

    def __init__(self, stream: IO[bytes], name: str, config: Config, report: IngestReport) -> None:
        self.stream = stream
        self.name = name
        self.config = config
        self.report = report
        self.records = 0
        self.error: tuple[int, str] | None = None  # (offset of the bad record, reason)
        self.end_offset = 0
        self.last_offset = stream.tell()  # where the last record read starts
        self.cut = False  # the last record read was cut short (and reported)

    def __iter__(self) -> Iterator[Article]:
        archive = ArchiveIterator(self.stream)
        records = iter(archive)
        while True:
            try:
                record = next(records)
            except StopIteration:
                self.end_offset = archive.offset
                return
            except Exception as exc:  # noqa: BLE001 - warcio raises assorted errors on cut or corrupt data
                self.error = (archive.offset, _describe(exc))
                return
            length = record.rec_headers.get_header("Content-Length") or ""
            if record.rec_type not in WARC_TYPES or not length.strip().isdigit():
                # warcio takes a header cut short (or garbled) as a whole one, missing its end
                self.error = (archive.offset, "record header cut short or corrupt")
                return
            self.last_offset = archive.offset
            self.records += 1
            self.cut = False
            article = self._article(record)
            if not self.cut:  # a request, redirect, ... is read to its end here, to see whether it is whole
                self._check_whole(record)
            if article is not None:
                yield article

    def _origin(self, record: ArcWarcRecord) -> str:
        record_id = (record.rec_headers.get_header("WARC-Record-ID") or f"record-{self.records}").strip("<>")
        return f"{self.name}#{record_id}"

    def _check_whole(self, record: ArcWarcRecord) -> None:
        """Read the rest of the record; a record without its end means the file is cut short."""
        try:
            while record.raw_stream.read(1 << 16):
                pass
        except (OSError, EOFError, zlib.error, ValueError):
            return  # corrupt: the next record's read reports it
        self._truncated(record)

    def _truncated(self, record: ArcWarcRecord) -> bool:
        missing = getattr(record.raw_stream, "limit", 0) or 0
        if missing <= 0:
            return False
        self.cut = True  # only the end of the data (a file cut short) leaves a record without its end
        self.report.fail(self._origin(record), f"malformed record (truncated: {missing:,} of "
                                               f"{record.length:,} bytes missing; the file is cut short)")
        return True

    def _article(self, record: ArcWarcRecord) -> Article | None:
        report = self.report
        if record.rec_type != "response" or record.http_headers is None:
            return None
        status = record.http_headers.get_statuscode()
        content_type = record.http_headers.get_header("Content-Type") or ""
        media = content_type.split(";")[0].strip().lower()
        if status != "200" or media not in HTML_TYPES:
            return None
        origin = self._origin(record)
        try:
            body = record.content_stream().read(MAX_RECORD_BYTES + 1)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            report.skip(origin, f"malformed record ({type(exc).__name__}: {exc})"[:300])
            return None
        if len(body) > MAX_RECORD_BYTES:
            report.skip(origin, f"record body over {MAX_RECORD_BYTES:,} bytes")
            return None
        if self._truncated(record):
            return None
        if not body.strip():
            report.skip(origin, "empty response body")
            return None
        charset = None
        if "charset=" in content_type.lower():
            charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
        try:
            page = decode_html(body, origin, report, charset)
        except DecodeError as exc:
            report.skip(origin, f"malformed record ({exc})")
            return None
        return article_from_html(page, origin=origin, config=self.config, report=report,
                                 url=record.rec_headers.get_header("WARC-Target-URI"),
                                 fallback_date=record.rec_headers.get_header("WARC-Date"))
