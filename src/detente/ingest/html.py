"""HTML pages (files, fetched URLs, WARC records) -> main text with trafilatura.

``extract(html, url)`` returns the main text plus the page's title, date and site name, or
raises :class:`HTMLError` with the reason: no tags at all, a document trafilatura cannot
parse, or no main text found (navigation-only pages, empty bodies). Callers record that as
a *skip* and go on. A first line that repeats the title (the page's ``<h1>``) is dropped, so
the text starts where the article starts, as it does in JSONL corpora.

A page nested deeper than lxml builds (libxml2 stops at 255 levels, and the article with it)
is flattened first (:func:`flatten_deep`): the tags past :data:`MAX_DEPTH` levels are taken
out, their text kept where it was.

A page longer than the setting ``max_html_chars`` (2,000,000) is made to fit before extraction
(:func:`cut_html`; the extractor needs about 150 MB and 25 s per million characters of markup,
and more than linearly so): its scripts, styles, inline SVG and comments are taken out (a JSON-LD
script under 100 KB stays, for the date), then, if still too long, it is cut at the last tag that
starts within the limit; a warning says which (``HTML is 49,000,000 chars (48,500,000 without
scripts, styles and comments), over max_html_chars 2,000,000; cut to 1,999,990 before
extraction``). The article is usually in the part kept; the extracted text is then cut at
``max_chars`` like any text.

Dates come from the page's metadata only (``htmldate`` without its extensive search, which
guesses from any date-like string on the page); when the page has none the caller may
supply one (the WARC-Date of a crawl, the date in a feed entry).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..config import Config
from ..records import Article
from .common import DecodeError, build_article, decode_bytes, read_document
from .report import IngestReport

_TAG = re.compile(r"<\s*[a-zA-Z!/][^>]*>")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
    "section", "article", "header", "footer", "pre", "hr", "dd", "dt", "figure", "figcaption",
})


MAX_DEPTH = 200  # libxml2 stops building an HTML tree past 255 levels; room for the tags it adds
_VOID_TAGS = frozenset({
    "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img", "input", "isindex",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
})
# closed by the next of their kind when left open (``<p>a<p>b``): they never nest deep, so not counted
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
                           "tfoot", "colgroup", "caption", "rp", "rt"})
_TAG_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment, and the raw text of these elements, are no tags
    r"|<(script|style|textarea|title|xmp|noscript)\b.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([a-zA-Z][^\s/>]*)[^>]*>",
    re.DOTALL | re.IGNORECASE)


# [^<>]* (not [^>]*): an opening tag never missing its '>' is tried at every '<script' in linear time
_BULK = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style|svg)\b[^<>]*>.*?(?:</\1\s*>|\Z)", re.DOTALL | re.IGNORECASE)
_LD_JSON = re.compile(r"application/ld\+json", re.IGNORECASE)
LD_JSON_KEPT = 100_000  # a JSON-LD script up to this long stays in a page that is cut (its date)


def cut_html(html: str, limit: int) -> tuple[str, str | None]:
    """``html`` within ``limit`` characters, and the warning saying what was done (``None``: nothing,
    it fitted): scripts, styles, SVG and comments out, then a cut before the last tag starting
    within the limit (or at the limit when no tag starts in its second half)."""
    if len(html) <= limit:
        return html, None
    original = len(html)

    def keep(m: re.Match[str]) -> str:
        whole = m.group(0)
        head = whole[:300]
        if (m.group(1) or "").lower() == "script" and len(whole) <= LD_JSON_KEPT and _LD_JSON.search(head):
            return whole
        return ""

    slim = _BULK.sub(keep, html)
    if len(slim) <= limit:
        return slim, (f"HTML is {original:,} chars, over max_html_chars {limit:,}; its scripts, styles "
                      f"and comments left out ({len(slim):,} chars kept) before extraction")
    end = slim.rfind("<", limit // 2, limit)
    end = end if end > 0 else limit
    return slim[:end], (f"HTML is {original:,} chars ({len(slim):,} without scripts, styles and "
                        f"comments), over max_html_chars {limit:,}; cut to {end:,} before extraction")


class HTMLError(Exception):
    """A page with no extractable article; ``str(exc)`` is the reason."""


@dataclass
class Extracted:
    text: str
    title: str | None
    date: str | None
    sitename: str | None
    url: str | None
    cut: str | None = None  # the warning when the page was over max_html_chars (cut_html)


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text[:65536]))


def flatten_deep(html: str, limit: int = MAX_DEPTH) -> str:
    """``html`` without the tags nested more than ``limit`` levels deep (their text is kept);
    ``html`` itself when nothing is that deep. Void elements (``<br>``), elements closed by the
    next of their kind (``<p>``, ``<li>``), comments, and script or style content are not counted."""
    if html.count("<") <= limit:
        return html
    depth = 0
    drop: list[tuple[int, int]] = []
    for m in _TAG_TOKEN.finditer(html):
        name = m.group(3)
        if name is None:
            continue
        name = name.lower()
        if name in _VOID_TAGS or name in _SELF_CLOSING or m.group(0).endswith("/>"):
            continue
        if m.group(2):  # an end tag
            if depth > limit:
                drop.append(m.span())
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                drop.append(m.span())
    if not drop:
        return html
    parts, pos = [], 0
    for start, end in drop:
        parts.append(html[pos:start])
        pos = end
    parts.append(html[pos:])
    return "".join(parts)


def extract(html: str | bytes, url: str | None = None, limit: int | None = None) -> Extracted:
    """The article in ``html``; a page over ``limit`` characters is made to fit first (:func:`cut_html`,
    the warning in ``Extracted.cut``)."""
    import trafilatura  # 0.4 s to import: only when a page is read

    sample = html[:65536].decode("latin-1") if isinstance(html, bytes) else html[:65536]
    if not sample.strip():
        raise HTMLError("empty HTML")
    if not looks_like_html(sample):
        raise HTMLError("malformed HTML (no tags found)")
    cut = None
    if isinstance(html, bytes):  # latin-1 maps bytes to characters one to one: the bytes come back as they were
        page = html.decode("latin-1")
        if limit:
            page, cut = cut_html(page, limit)
        flat = flatten_deep(page)
        html = html if len(flat) == len(html) else flat.encode("latin-1")
    else:
        if limit:
            html, cut = cut_html(html, limit)
        html = flatten_deep(html)
    try:
        doc: Any = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                               date_extraction_params=_DATE_PARAMS)
    except Exception as exc:  # noqa: BLE001 - lxml and trafilatura raise many kinds on broken markup
        raise HTMLError(f"malformed HTML ({type(exc).__name__}: {exc})"[:300]) from None
    if doc is None:
        raise HTMLError("malformed HTML or no main text found")
    text = (doc.text or "").strip()
    if not text:
        raise HTMLError("no main text found in the HTML")
    title = (doc.title or "").strip() or None
    if title:
        first, _, rest = text.partition("\n")
        if first.strip() == title and rest.strip():
            text = rest.strip()
    return Extracted(text=text, title=title, date=doc.date or None,
                     sitename=(doc.sitename or "").strip() or None, url=doc.url or None, cut=cut)


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def strip_html(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary): tags out, entities decoded."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    parser = _Stripper()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def meta_charset(data: bytes) -> str | None:
    """The charset a page's ``<meta charset>`` or ``<meta http-equiv content="...; charset=">``
    declares in its first 4 KB, or None."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def decode_html(data: bytes, origin: str, report: IngestReport, charset: str | None = None) -> str:
    """Text of an HTML document: UTF-8 when the bytes are UTF-8; else the HTTP ``charset`` or the
    ``<meta>`` charset when it fits them; else the detected encoding (a warning); else UTF-8 with
    replacement (a warning). See :func:`~detente.ingest.common.decode_bytes`."""
    return decode_bytes(data, origin, report, declared=(charset, meta_charset(data)))


def article_from_html(
    html: str | bytes,
    *,
    origin: str,
    config: Config,
    report: IngestReport,
    url: str | None = None,
    fallback_date: str | None = None,
    source: str | None = None,
) -> Article | None:
    """The Article in a page, or ``None`` with a skip recorded."""
    try:
        page = extract(html, url, config.max_html_chars)
    except HTMLError as exc:
        report.skip(origin, str(exc))
        return None
    if page.cut:
        report.warn(origin, page.cut)
    return build_article(page.text, origin=origin, config=config, report=report,
                         url=url or page.url, title=page.title, source=page.sitename or source,
                         published=page.date or fallback_date)


def read_html_file(path: Path, config: Config, report: IngestReport) -> Article | None:
    origin = str(path)
    try:
        html = decode_html(read_document(path, config.max_document_bytes), origin, report)
    except DecodeError as exc:
        report.fail(origin, str(exc))
        return None
    if not html.strip():
        report.fail(origin, "empty file (only white space)")
        return None
    return article_from_html(html, origin=origin, config=config, report=report)
