"""What every format shares: decoding bytes, truncating, and turning fields into an Article.

Decoding (:func:`decode_bytes`; :class:`LineDecoder` does the same line by line for JSON Lines):

- an empty input fails with ``empty file``;
- a UTF-16 byte-order mark decodes as UTF-16 (so do NUL bytes under a declared UTF-16 charset);
  otherwise NUL bytes in the first 8 KB mean a binary file (failure ``binary file (NUL bytes),
  not text``), unless they are a few strays in a text (:func:`stray_nuls`: at most one per
  100 bytes, the rest nearly all UTF-8), which are removed with a warning ``N NUL bytes removed``;
- UTF-8 is decoded strictly, a UTF-8 byte-order mark dropped;
- bytes that are not UTF-8 are decoded in a charset the document declares (an HTML page's
  HTTP or ``<meta>`` charset) when it fits them, without a warning; ``iso-8859-1`` and
  ``us-ascii`` mean ``windows-1252``, as browsers read them;
- else the encoding is detected (:func:`detect_encoding`, charset-normalizer on at most
  :data:`DETECT_BYTES` around the first byte that is not UTF-8) and the text decoded in it, with
  a warning ``not UTF-8; decoded as 'cp1252' (detected)`` (``; N undecodable bytes replaced``
  added when some bytes do not fit it). Bytes that are mostly valid UTF-8 (more valid multi-byte
  characters than invalid bytes) are UTF-8 with damage, not another encoding: no detection; so
  are a few stray bytes (:data:`MIN_FOREIGN_BYTES`) that windows-1252 does not read;
- as a last resort, UTF-8 with U+FFFD replacement and a warning ``invalid UTF-8 (N bytes
  replaced)``; either way, over 30% of the characters coming out as replacements or control
  characters make it a binary file (failure ``binary file (mostly undecodable bytes), not text``).

The warnings are the record of a non-UTF-8 input: the run keeps them with its counts (the
``runs`` table); an Article has no field for its encoding.

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

import codecs
import gzip
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..config import Config
from ..records import Article, valid_unicode_value
from .dates import parse_date
from .lang import declared_language, detect_language
from .report import IngestReport

BINARY_SHARE = 0.3
MAX_DOCUMENT_BYTES = 50_000_000  # an HTML page, feed or JSON document read whole (setting max_document_bytes)


def read_document(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a file read whole; DecodeError when it is over ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        raise DecodeError(f"too large ({size:,} bytes; documents read whole are limited to "
                          f"{limit:,}, setting max_document_bytes)")
    with path.open("rb") as fh:  # the size may have grown since stat()
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise DecodeError(f"too large (over {limit:,} bytes; documents read whole are limited to "
                          f"{limit:,}, setting max_document_bytes)")
    return data


def stray_nuls(head: bytes) -> bool:
    """Whether the NUL bytes in ``head`` (a document's first 8 KB) are a few strays in a text (at
    most one per 100 bytes, and the rest read as UTF-8 gives under 5% replacement or control
    characters), not the mark of a binary file (UTF-16 without a byte-order mark is half NULs;
    compressed or random data has one in 256 bytes, but is mostly not UTF-8)."""
    count = head.count(b"\x00")
    if not count or count > max(2, len(head) // 100):
        return False
    text = head.replace(b"\x00", b"").decode("utf-8", errors="replace")
    return len(_CONTROL.findall(text)) <= 0.05 * len(text)


def drop_stray_nuls(data: bytes, origin: str, report: IngestReport) -> bytes:
    """``data`` without its NUL bytes, with a warning; only for data :func:`stray_nuls` accepts."""
    nul = b"\x00"
    report.warn(origin, f"{data.count(nul)} NUL bytes removed")
    return data.replace(nul, b"")


def gunzip_bounded(data: bytes, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """``data`` (gzip, one member or several) decompressed, never more than ``limit`` bytes of it
    held: DecodeError when it decompresses to more (a 20 MB download can hold 20 GB), OSError or
    EOFError when it is corrupt or cut short."""
    with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as gz:
        out = gz.read(limit + 1)
    if len(out) > limit:
        raise DecodeError(f"too large (decompresses to over {limit:,} bytes; documents read whole are "
                          f"limited to {limit:,}, setting max_document_bytes)")
    return out
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]?\s")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


class DecodeError(Exception):
    """Bytes that are not text; ``str(exc)`` is the one-line reason."""


DETECT_BYTES = 65536  # encoding detection reads at most this many bytes (a window of the input)
# The legacy encodings browsers know (WHATWG Encoding Standard) as Python codecs: what detection
# chooses from (charset-normalizer alone also offers DOS and Mac code pages that fit short
# samples as well as the right one does).
LEGACY_CODECS = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "cp866",
    "mac_roman", "mac_cyrillic", "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
)
WESTERN = "cp1252"
# how much more mess (charset-normalizer's measure) windows-1252 may make than the best candidate
# and still be chosen: on a short sample the measure is noisy ("€5 – “cheap”" scores 0.095)
WESTERN_MARGIN = 0.1
# Fewer non-ASCII bytes than this are too little to guess an encoding other than windows-1252
# from: "\xff\xfe" in ASCII text is damage (replaced), not two Cyrillic letters.
MIN_FOREIGN_BYTES = 4
_ASCII = bytes(range(0x80))
# Besides letters, the non-ASCII characters Western text has: the symbols and punctuation of
# windows-1252 but for ¹ ³ ¤ ¦ ¨ ¯ ¬ and the cedilla, and no Icelandic ð þ Ý. Windows-1252
# output with any of those (¹ ³ for Polish ą ł, ð þ for Turkish ğ ş) is another encoding.
_WESTERN_SYMBOLS = (frozenset(bytes(range(0x80, 0xC0)).decode(WESTERN, errors="ignore"))
                    - frozenset("\u00b9\u00b3\u00a4\u00a6\u00a8\u00af\u00b8\u00ac") | {"\u00d7", "\u00f7"})
_NOT_WESTERN_LETTERS = frozenset("\u00f0\u00fe\u00d0\u00de\u00dd")
_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
                        rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf4][\x80-\xbf]{3}")
_UTF8_NAMES = frozenset({"utf-8", "utf-8-sig"})
_WESTERN_ALIASES = frozenset({"latin-1", "iso8859-1", "ascii"})  # codecs.lookup names


def codec_name(charset: str | None) -> str | None:
    """The Python codec for a declared charset (``windows-1252`` -> ``cp1252``), ``iso-8859-1`` and
    ``us-ascii`` read as windows-1252 as browsers do; ``None`` for a name Python does not know."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip()).name
    except (LookupError, ValueError):
        return None
    return WESTERN if name in _WESTERN_ALIASES else name


def _western_plausible(text: str) -> bool:
    """Whether every non-ASCII character of ``text`` is one Western (windows-1252) text has."""
    return all((ch not in _NOT_WESTERN_LETTERS) if ch.isalpha() else (ch in _WESTERN_SYMBOLS)
               for ch in text if ord(ch) > 127)


def detect_encoding(sample: bytes) -> str | None:
    """The legacy encoding (a Python codec name) of ``sample``, bytes that are not UTF-8; ``None``
    when no encoding fits (binary data).

    charset-normalizer ranks :data:`LEGACY_CODECS` on ``sample[:DETECT_BYTES]``. Windows-1252 is
    taken over its first choice when its text is as clean (within :data:`WESTERN_MARGIN`) and has
    only characters Western text has: on English news that is what a legacy file almost always
    is, and the detector cannot tell it from cp1250 or cp1257 on a few accented names (it reads
    "São" as "Săo"). When windows-1252 gives characters Western text lacks, the detector's first
    choice that reads the bytes differently is taken, if the sample has at least
    :data:`MIN_FOREIGN_BYTES` non-ASCII bytes to go on (else ``None``: replacement)."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    sample = sample[:DETECT_BYTES]
    results = from_bytes(sample, cp_isolation=list(LEGACY_CODECS))
    best = results.best()
    if best is None:
        return None
    try:
        western: str | None = sample.decode(WESTERN)
    except UnicodeDecodeError:
        western = None
    if western is not None and _western_plausible(western) and (
            WESTERN in best.could_be_from_charset or mess_ratio(western, 1.0) <= best.chaos + WESTERN_MARGIN):
        return WESTERN
    if len(sample.translate(None, _ASCII)) < MIN_FOREIGN_BYTES:
        return None  # a few stray bytes are damage, not evidence of another encoding
    if western is not None:  # windows-1252 reads it wrong: the best reading that is not the same
        other = next((m for m in results if WESTERN not in m.could_be_from_charset), None)
        if other is not None:
            return str(other.encoding)
    return str(best.encoding)


def detection_window(data: bytes, bad: int) -> bytes:
    """At most :data:`DETECT_BYTES` of ``data`` around position ``bad`` (the first byte that is not
    UTF-8), cut at line breaks when there are any, so no character is split."""
    half = DETECT_BYTES // 2
    start, end = max(0, bad - half), bad + half
    if start > 0:
        cut = data.find(b"\n", start, bad)
        start = cut + 1 if cut >= 0 else start
    if end < len(data):
        cut = data.rfind(b"\n", bad, end)
        end = cut + 1 if cut >= 0 else end
    return data[start:end]


def mostly_utf8(data: bytes) -> bool:
    """Whether ``data`` (not valid UTF-8) is UTF-8 with damage: more valid multi-byte UTF-8
    characters than invalid bytes. Text in a legacy encoding almost never forms them."""
    valid = _UTF8_CHAR.subn(b"", data)[1]  # counted without a list of the matches
    if not valid:
        return False
    invalid = data.decode("utf-8", errors="replace").count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return valid > invalid


def _decode_in(data: bytes, encoding: str) -> tuple[str, int]:
    """``data`` decoded in ``encoding`` with U+FFFD for what does not fit, and how many did not."""
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        return text, text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")


def _check_not_binary(text: str) -> None:
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > BINARY_SHARE * len(sample):
        raise DecodeError("binary file (mostly undecodable bytes), not text")


def decode_bytes(data: bytes, origin: str, report: IngestReport, declared: Iterable[str | None] = ()) -> str:
    """Text from ``data``, decoded as the module docstring says; ``declared`` are the charsets the
    document names (HTTP, ``<meta>``), first first. Raises DecodeError (empty, binary); warns when
    the encoding was detected or bytes were replaced."""
    if not data:
        raise DecodeError("empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    names = [name for name in (codec_name(c) for c in declared) if name and name not in _UTF8_NAMES]
    wide = next((name for name in names if name.startswith(("utf-16", "utf-32"))), None)
    if b"\x00" in data[:8192]:
        if wide:  # declared UTF-16 without a byte-order mark
            return data.decode(wide, errors="replace")
        if not stray_nuls(data[:8192]):
            raise DecodeError("binary file (NUL bytes), not text")
        data = drop_stray_nuls(data, origin, report)
    charsets = [name for name in names if name != wide]  # no NUL bytes: a UTF-16 label is wrong
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    for name in charsets:  # a declared charset that fits: as good as UTF-8
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    if not mostly_utf8(data):
        detected = detect_encoding(detection_window(data, bad))
        how = "detected" if detected else "declared"
        encoding = detected or (charsets[0] if charsets else None)
        if encoding:
            text, replaced = _decode_in(data, encoding)
            _check_not_binary(text)
            extra = f"; {replaced} undecodable bytes replaced" if replaced else ""
            report.warn(origin, f"not UTF-8; decoded as '{encoding}' ({how}{extra})")
            return text
    text = data.decode("utf-8-sig", errors="replace")
    _check_not_binary(text)
    replaced = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    report.warn(origin, f"invalid UTF-8 ({replaced} bytes replaced)")
    return text


class LineDecoder:
    """Decodes the lines of one JSON Lines stream as :func:`decode_bytes` decodes a document,
    keeping it streaming: a line that is not UTF-8 is decoded in the encoding detected on the
    first such line (at most :data:`DETECT_BYTES` of it), detected again for a line that encoding
    does not fit. :meth:`finish` gives one warning per encoding used (``not UTF-8; decoded as
    'cp1252' (detected; 12 lines)``, at the first such line) and one for lines decoded with
    replacement (``invalid UTF-8 (bytes replaced in 2 lines)``)."""

    def __init__(self) -> None:
        self.encoding: str | None = None
        # encoding (or "" for UTF-8 with replacement) -> [first origin, lines, bytes replaced]
        self.used: dict[str, list[Any]] = {}

    def _count(self, key: str, origin: str, replaced: int) -> None:
        entry = self.used.setdefault(key, [origin, 0, 0])
        entry[1] += 1
        entry[2] += replaced

    def decode(self, raw: bytes, origin: str) -> str:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = exc.start
        if not mostly_utf8(raw):
            if self.encoding is not None:
                try:
                    text = raw.decode(self.encoding)
                except UnicodeDecodeError:
                    pass
                else:
                    self._count(self.encoding, origin, 0)
                    return text
            detected = detect_encoding(detection_window(raw, bad))
            if detected is not None:
                self.encoding = detected
                text, replaced = _decode_in(raw, detected)
                self._count(detected, origin, replaced)
                return text
        text = raw.decode("utf-8-sig", errors="replace")
        self._count("", origin, text.count("\ufffd") - raw.count(b"\xef\xbf\xbd"))
        return text

    def finish(self, report: IngestReport) -> None:
        """The warnings for the lines that were not UTF-8; call once, at the end of the stream."""
        for key, (origin, lines, replaced) in self.used.items():
            counted = f"{lines} line{'s' if lines != 1 else ''}"
            if key:
                extra = f"; {replaced} undecodable bytes replaced" if replaced else ""
                report.warn(origin, f"not UTF-8; decoded as '{key}' (detected; {counted}{extra})")
            else:
                report.warn(origin, f"invalid UTF-8 (bytes replaced in {counted})")
        self.used.clear()


def valid_record(record: Any, origin: str, report: IngestReport) -> Any:
    """``record`` (a JSON value) with every string made valid Unicode; a warning if any was not."""
    try:
        record, replaced = valid_unicode_value(record)
    except RecursionError:  # a value nested ~1,000 levels deep: only the top level is read
        if not isinstance(record, dict):
            raise
        deep = [k for k, v in record.items() if isinstance(v, (dict, list))]
        report.warn(origin, f"nested too deeply to read: {', '.join(map(repr, deep))[:100]} left out")
        record, replaced = valid_unicode_value({k: v for k, v in record.items() if k not in deep})
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


def build_article(  # noqa: PLR0913 - options
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
