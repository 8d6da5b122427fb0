"""What every format shares: decoding bytes, truncating, and turning fields into an Article.

Decoding (:func:`decode_bytes`):

- an empty input fails with ``empty file``;
- a UTF-16 byte-order mark decodes as UTF-16; otherwise NUL bytes in the first 8 KB mean
  a binary file (failure ``binary file (NUL bytes), not text``);
- UTF-8 is decoded strictly; if that fails it is decoded with U+FFFD replacement and a
  warning ``invalid UTF-8 (N bytes replaced)``, unless over 30% of the characters come out
  as replacements or control characters: then it is a binary file (failure
  ``binary file (mostly undecodable bytes), not text``).

Truncation (:func:`truncate_text`), for an article longer than ``config.max_chars``
characters: keep the first ``max_chars`` characters and cut them back to the last paragraph
break (a blank line, else a line break); if there is none in the second half of that window,
to the last sentence end (``.``, ``!`` or ``?``, optionally followed by a closing quote or
bracket, then white space); failing that, to the last white space; failing that, exactly at
``max_chars``. The cut never goes below half the limit. A warning says how long the text was
and how much was kept.

Valid Unicode (:func:`valid_record`): a lone surrogate (what a JSON ``\\ud800`` escape gives)
cannot be hashed or stored, so every field is made valid Unicode before anything else: each
is replaced with U+FFFD and a warning says how many (``invalid Unicode (N lone surrogates
replaced with U+FFFD)``).

:func:`build_article` is the one place an Article is made: it makes the fields valid Unicode,
normalises line breaks,
rejects empty text, truncates, normalises the date (warning when unrecognised), detects the
language (non-English articles come back with ``status="skipped"``) and counts the outcome
in the report.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..config import Config
from ..records import Article, valid_unicode_value
from .dates import parse_date
from .lang import declared_language, detect_language
from .report import IngestReport

BINARY_SHARE = 0.3
MAX_DOCUMENT_BYTES = 50_000_000  # an HTML page, feed or JSON document read whole


def read_document(path: Path) -> bytes:
    """The bytes of a file read whole; DecodeError when it is over ``MAX_DOCUMENT_BYTES``."""
    size = path.stat().st_size
    if size > MAX_DOCUMENT_BYTES:
        raise DecodeError(f"too large ({size:,} bytes; documents read whole are limited to "
                          f"{MAX_DOCUMENT_BYTES:,})")
    return path.read_bytes()
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]?\s")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


class DecodeError(Exception):
    """Bytes that are not text; ``str(exc)`` is the one-line reason."""


def decode_bytes(data: bytes, origin: str, report: IngestReport) -> str:
    """Text from ``data``; raises DecodeError (empty, binary), warns on invalid UTF-8."""
    if not data:
        raise DecodeError("empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:8192]:
        raise DecodeError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="replace")
    replaced = text.count("\ufffd")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > BINARY_SHARE * len(sample):
        raise DecodeError("binary file (mostly undecodable bytes), not text")
    report.warn(origin, f"invalid UTF-8 ({replaced} bytes replaced)")
    return text


def valid_record(record: Any, origin: str, report: IngestReport) -> Any:
    """``record`` (a JSON value) with every string made valid Unicode; a warning if any was not."""
    record, replaced = valid_unicode_value(record)
    if replaced:
        report.warn(origin, f"invalid Unicode ({replaced} lone surrogates replaced with U+FFFD)")
    return record


def truncate_text(text: str, limit: int) -> str:
    """``text`` cut back to a paragraph, sentence or word boundary at most ``limit`` chars."""
    if len(text) <= limit:
        return text
    window = text[:limit]
    floor = limit // 2
    for sep in ("\n\n", "\n"):
        pos = window.rfind(sep)
        if pos >= floor:
            return window[:pos].rstrip()
    last = None
    for m in _SENTENCE_END.finditer(window, floor):
        last = m
    if last is not None:
        return window[: last.end()].rstrip()
    space = re.search(r"\s\S*$", window[floor:])
    if space:
        return window[: floor + space.start()].rstrip()
    return window


def clean_text(text: str) -> str:
    """Unix line breaks, no trailing spaces on lines, at most one blank line in a row."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    if " \n" in text or "\t\n" in text:  # the checks spare the regexes on clean text
        text = _TRAILING_SPACE.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # {"name": "Reuters", ...} style sources
        value = value.get("name") or value.get("title") or value.get("href")
        if value is None:
            return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def build_article(
    text: str,
    *,
    origin: str,
    config: Config,
    report: IngestReport,
    url: Any = None,
    title: Any = None,
    source: Any = None,
    published: Any = None,
    lang: Any = None,
) -> Article | None:
    """The Article for these fields, counted in ``report``; ``None`` (and a failure) if no text."""
    fields = valid_record({"text": text, "url": url, "title": title, "source": source,
                           "published": published, "lang": lang}, origin, report)
    text, url, title, source, published, lang = (fields[k] for k in ("text", "url", "title", "source",
                                                                     "published", "lang"))
    text = clean_text(text)
    if not text:
        report.fail(origin, "no text")
        return None
    if len(text) > config.max_chars:
        original = len(text)
        text = truncate_text(text, config.max_chars)
        report.warn(origin, f"text is {original:,} chars, over max_chars {config.max_chars:,}; "
                            f"truncated to {len(text):,} at a paragraph/sentence boundary")
    date = parse_date(published)
    if date is None and published not in (None, ""):
        shown = str(published).strip()
        report.warn(origin, f"unrecognised date '{shown[:60]}'; publication date unknown")
    declared = declared_language(lang)
    if declared is None and lang not in (None, ""):
        report.warn(origin, f"lang '{str(lang)[:40]}' is not a language code; ignored")
    language = detect_language(text, declared)
    status, reason = "ok", None
    if language != "en":
        status, reason = "skipped", f"language {language} (not English)"
        report.skip(origin, reason)
    else:
        report.read += 1
    url_text = _str_or_none(url)
    return Article.make(
        text,
        url=url_text,
        title=_str_or_none(title),
        source=_str_or_none(source),
        published=date,
        lang=language,
        origin=origin,
        status=status,
        status_reason=reason,
    )
