"""JSON Lines (``.jsonl``, ``.jsonl.gz``, stdin) and JSON (``.json``) article records.

One object per line with the fields ``id, title, text, date, url, source`` and optionally
``lang``. Aliases: ``body`` or ``content`` for ``text``, ``published`` for ``date``;
``source`` may be an object with a ``name``. Text that is HTML (a ``<p>`` or ``<div>``
near its start) is stripped to plain text.

Files are streamed line by line (gzip detected by its magic bytes, not the name), so a
corpus of any size is read in constant memory. Each problem names its line and reading
goes on with the next line:

- ``file.jsonl:17: not valid JSON (Expecting value: column 1)``
- ``file.jsonl:18: not a JSON object (got list)``
- ``file.jsonl:19: record has no text (looked for text, body, content)``
- ``file.jsonl:20: not usable JSON (arrays or objects nested too deeply to read)`` for a line
  nested about 1,000 levels deep (Python's JSON parser stops there); a record whose text is
  readable but with another field that deep keeps its top level, with a warning
- a warning ``file.jsonl:21: invalid Unicode (1 lone surrogates replaced with U+FFFD)`` for a
  ``\\ud800`` escape: the record is kept, the character replaced
- lines that are not UTF-8 are decoded in the encoding detected on the first of them
  (:class:`~detente.ingest.common.LineDecoder`), with one warning at the end of the file for
  each encoding used: ``file.jsonl:3: not UTF-8; decoded as 'cp1252' (detected; 120 lines)``
- a gzip stream that is corrupt or cut short stops the file with a failure naming the line
  it reached; the records before it are kept;
- a line longer than the setting ``max_line_bytes`` (20 MB; counted after decompression) is
  a failed record, ``file.jsonl.gz:3: line is 1,073,741,825 bytes, over max_line_bytes
  20,000,000; skipped``: it is read in 1 MB pieces and thrown away (:func:`bounded_lines`),
  never held whole, and reading goes on with the next line. Memory stays bounded by the
  longest line allowed, whatever the file holds or decompresses to.

A ``.json`` file holds one record, a list of records, or an object with a list under
``articles``, ``items``, ``records`` or ``data``; origins are ``file.json`` or
``file.json[3]``. A ``.json`` file that is really JSON Lines is read as such. A ``.json`` file is
read whole, so it is limited to ``max_document_bytes`` (50 MB, after decompression).
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from ..config import Config
from ..records import Article
from .common import DecodeError, LineDecoder, build_article, decode_bytes, stray_nuls, valid_record
from .html import strip_html
from .report import IngestReport

TEXT_KEYS = ("text", "body", "content")
_HTML_START = re.compile(r"<(?:p|div|br|span|a|h[1-6]|article|section)\b[^>]*>", re.IGNORECASE)
_LIST_KEYS = ("articles", "items", "records", "data")


def record_to_article(record: dict[str, Any], origin: str, config: Config,
                      report: IngestReport) -> Article | None:
    """The Article for one JSON record, or ``None`` with a failure recorded.

    The record is made valid Unicode first (JSON's ``\\ud800`` escapes give lone surrogates,
    which cannot be hashed or stored): each is replaced with U+FFFD and counted in a warning.
    The record's own ``id`` (a string or number) is kept as ``Article.source_id``."""
    record = valid_record(record, origin, report)
    text = next((record[k] for k in TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None)
    if text is None:
        report.fail(origin, f"record has no text (looked for {', '.join(TEXT_KEYS)})")
        return None
    if _HTML_START.search(text[:2000]):
        text = strip_html(text)
    published = record.get("published")
    if published in (None, ""):
        published = record.get("date")
    article = build_article(text, origin=origin, config=config, report=report,
                            url=record.get("url") or record.get("link"), title=record.get("title"),
                            source=record.get("source"), published=published, lang=record.get("lang"))
    given = record.get("id")
    if article is None or given is None:
        return article
    if isinstance(given, bool) or not isinstance(given, (str, int, float)):
        report.warn(origin, f"id is not a string or number (got {type(given).__name__}); not kept")
        return article
    source_id = str(given).strip()
    return dataclasses.replace(article, source_id=source_id) if source_id else article


TOO_DEEP = "not usable JSON (arrays or objects nested too deeply to read)"


class LongLine(NamedTuple):
    """A line over the length limit, read and thrown away: only its length is kept."""

    size: int


def bounded_lines(stream: IO[bytes], limit: int, piece: int = 1 << 20) -> Iterator[bytes | LongLine]:
    """The lines of ``stream`` (with their line breaks), a line longer than ``limit`` bytes (its
    line break not counted) as a :class:`LongLine`: the rest of it is read ``piece`` bytes at a
    time and dropped, so no more than ``limit + 1`` bytes of a line are ever held."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while True:
            rest = stream.readline(piece)
            size += len(rest)
            if not rest or rest.endswith(b"\n"):
                break
        yield LongLine(size - (1 if rest.endswith(b"\n") else 0))


def _open(path: Path) -> IO[bytes]:
    fh: IO[bytes] = path.open("rb")
    magic = fh.read(2)
    fh.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


def read_jsonl_lines(lines: Iterable[bytes | LongLine], name: str, config: Config,
                     report: IngestReport) -> Iterator[Article]:
    """Articles from JSON Lines; ``name`` prefixes the ``name:line`` origins. ``lines`` come from
    :func:`bounded_lines` (a :class:`LongLine` is a failed record)."""
    lineno = 0
    seen_any = False
    decoder = LineDecoder()
    iterator = iter(lines)
    try:
        while True:
            try:
                raw = next(iterator)
            except StopIteration:
                break
            except (OSError, EOFError, zlib.error) as exc:
                report.fail(f"{name}:{lineno + 1}", f"compressed data is corrupt or cut short ({exc}); "
                                                    f"stopped reading this file")
                return
            lineno += 1
            if isinstance(raw, LongLine):
                seen_any = True
                report.fail(f"{name}:{lineno}", f"line is {raw.size:,} bytes, over max_line_bytes "
                                                f"{config.max_line_bytes:,}; skipped")
                continue
            if not raw.strip():
                continue
            seen_any = True
            origin = f"{name}:{lineno}"
            if lineno == 1 and b"\x00" in raw[:8192] and not stray_nuls(raw[:8192]):
                report.fail(name, "binary file (NUL bytes), not JSON Lines")
                return
            line = decoder.decode(raw, origin).rstrip("\r\n")
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                report.fail(origin, f"not valid JSON ({exc.msg}: column {exc.colno})")
                continue
            except RecursionError:
                report.fail(origin, TOO_DEEP)
                continue
            if not isinstance(record, dict):
                report.fail(origin, f"not a JSON object (got {type(record).__name__})")
                continue
            article = record_to_article(record, origin, config, report)
            if article is not None:
                yield article
    finally:
        decoder.finish(report)
    if not seen_any:
        report.fail(name, "empty file" if lineno == 0 else "empty file (only white space)")


def read_jsonl_file(path: Path, config: Config, report: IngestReport) -> Iterator[Article]:
    with _open(path) as fh:
        yield from read_jsonl_lines(bounded_lines(fh, config.max_line_bytes), str(path), config, report)


def read_json_file(path: Path, config: Config, report: IngestReport) -> Iterator[Article]:
    origin = str(path)
    with _open(path) as fh:
        try:
            limit = config.max_document_bytes
            data = fh.read(limit + 1)
            if len(data) > limit:
                report.fail(origin, f"too large (over {limit:,} bytes, setting max_document_bytes; use "
                                    f"JSON Lines for big collections)")
                return
        except (OSError, EOFError, zlib.error) as exc:
            report.fail(origin, f"compressed data is corrupt or cut short ({exc})")
            return
    yield from read_json_bytes(data, origin, config, report)


def read_json_bytes(data: bytes, origin: str, config: Config, report: IngestReport) -> Iterator[Article]:
    """Articles from one JSON document (a record, a list, or a list under a known key)."""
    try:
        text = decode_bytes(data, origin, report)
    except DecodeError as exc:
        report.fail(origin, str(exc))
        return
    if not text.strip():
        report.fail(origin, "empty file (only white space)")
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several documents: JSON Lines under a .json name
            yield from read_jsonl_lines(bounded_lines(io.BytesIO(text.encode("utf-8")), config.max_line_bytes),
                                        origin, config, report)
        else:
            report.fail(origin, f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})")
        return
    except RecursionError:
        report.fail(origin, TOO_DEEP)
        return
    if isinstance(value, dict):
        key = next((k for k in _LIST_KEYS if isinstance(value.get(k), list)), None)
        if key is None:
            article = record_to_article(value, origin, config, report)
            if article is not None:
                yield article
            return
        value = value[key]
    if not isinstance(value, list):
        report.fail(origin, f"not a JSON object or list of objects (got {type(value).__name__})")
        return
    if not value:
        report.fail(origin, "no records (empty list)")
    for i, record in enumerate(value):
        item_origin = f"{origin}[{i}]"
        if not isinstance(record, dict):
            report.fail(item_origin, f"not a JSON object (got {type(record).__name__})")
            continue
        article = record_to_article(record, item_origin, config, report)
        if article is not None:
            yield article
