"""RSS and Atom feeds (files or URLs) -> one article per entry.

For each entry, in order:

1. its link's page, fetched (``web.Fetcher``) and extracted with trafilatura, when the link
   is an http(s) URL, fetching is on, and the page gives main text. A feed's links are
   third-party input: one resolving (or redirecting) to a loopback, private, link-local or other
   non-public address is not fetched (a warning) unless the setting ``allow_private_urls`` is on;
   the URLs the user names are fetched wherever they point;
2. else its content or summary, HTML stripped (with a warning naming the page's problem);
3. else a failure: ``feed.xml#entry-4: entry has no reachable page and no summary``.

The entry's own date (RFC 2822 in RSS, ISO 8601 in Atom) is used when the page has none;
the feed's title is the source when the page names no site. The origin of an entry is its
link, or ``feed#entry-N`` without one.

A document feedparser cannot read as a feed fails as a whole (``not an RSS/Atom feed``); a
feed with syntax errors but readable entries gives a warning and its entries.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from ..config import Config
from ..records import Article
from .common import DecodeError, build_article, drop_stray_nuls, read_document, stray_nuls
from .html import HTMLError, decode_html, extract, strip_html
from .report import IngestReport
from .web import Fetcher, FetchError, is_url


def _entry_date(entry: Any) -> Any:
    for key in ("published", "updated", "created"):
        if entry.get(key):
            return entry[key]
    return None


def _entry_summary(entry: Any) -> str:
    for item in entry.get("content") or []:
        value = item.get("value") or ""
        if value.strip():
            return strip_html(value)
    return strip_html(entry.get("summary") or entry.get("description") or "")


def read_feed_bytes(
    data: bytes,
    origin: str,
    config: Config,
    report: IngestReport,
    fetcher: Fetcher | None = None,
) -> Iterator[Article]:
    """Articles for the entries of a feed document; ``fetcher=None`` never fetches pages."""
    parsed = feedparser.parse(io.BytesIO(data))  # a stream: feedparser never fetches it
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception")
    if not entries:
        if not parsed.get("version"):
            detail = f" ({str(problem).strip()[:200]})" if problem else ""
            report.fail(origin, f"not an RSS/Atom feed{detail}")
        else:
            report.warn(origin, "feed has no entries")
        return
    if parsed.get("bozo") and problem is not None:
        report.warn(origin, f"feed is not well-formed ({str(problem).strip()[:200]}); "
                            f"read the entries that could be parsed")
    feed_title = parsed.get("feed", {}).get("title")
    for n, entry in enumerate(entries, 1):
        link = (entry.get("link") or "").strip()
        entry_origin = link if is_url(link) else f"{origin}#entry-{n}"
        title = entry.get("title")
        published = _entry_date(entry)
        if fetcher is not None and is_url(link):
            try:
                page = fetcher.fetch(link, public_only=not config.allow_private_urls)
                page_html = decode_html(page.content, link, report, page.charset)
                found = extract(page_html, page.url, config.max_html_chars)
            except (FetchError, HTMLError, DecodeError) as exc:
                report.warn(entry_origin, f"page not used: {exc}; using the feed's summary")
            else:
                if found.cut:
                    report.warn(entry_origin, found.cut)
                article = build_article(found.text, origin=entry_origin, config=config, report=report,
                                        url=link, title=found.title or title,
                                        source=found.sitename or feed_title,
                                        published=found.date or published)
                if article is not None:
                    yield article
                continue
        summary = _entry_summary(entry)
        if not summary:
            report.fail(entry_origin, "entry has no reachable page and no summary")
            continue
        article = build_article(summary, origin=entry_origin, config=config, report=report,
                                url=link or None, title=title, source=feed_title, published=published)
        if article is not None:
            yield article


def read_feed_file(path: Path, config: Config, report: IngestReport,
                   fetcher: Fetcher | None = None) -> Iterator[Article]:
    try:
        data = read_document(path, config.max_document_bytes)
    except DecodeError as exc:
        report.fail(str(path), str(exc))
        return
    if not data.strip():
        report.fail(str(path), "empty file")
        return
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if not stray_nuls(data[:8192]):
            report.fail(str(path), "binary file (NUL bytes), not a feed")
            return
        data = drop_stray_nuls(data, str(path), report)
    yield from read_feed_bytes(data, str(path), config, report, fetcher)
