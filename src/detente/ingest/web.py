"""Fetching URLs: redirects followed, size capped, ``detente/0.1`` user agent.

``fetch(url, timeout)`` returns a :class:`Page` or raises :class:`FetchError` whose text is
the one-line reason, always ``unreachable (...)``: a refused or timed-out connection, an
unknown host, an HTTP status other than 2xx, or a body over ``MAX_BYTES``.

:class:`Fetcher` keeps one HTTP client (connection reuse) for a whole read and remembers
hosts that could not be reached at all, so that a feed of 200 links to a dead site costs
one timeout, not 200.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

USER_AGENT = "detente/0.1"
MAX_BYTES = 20_000_000


class FetchError(Exception):
    """A URL that gave nothing usable; ``str(exc)`` is the reason."""


@dataclass
class Page:
    url: str  # after redirects
    status: int
    content_type: str  # lower-case media type without parameters, "" when absent
    charset: str | None
    content: bytes


def is_url(text: str) -> bool:
    return bool(re.match(r"^https?://", text.strip(), re.IGNORECASE))


class Fetcher:
    def __init__(self, timeout: float = 15.0, max_bytes: int = MAX_BYTES) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._client: httpx.Client | None = None
        self._dead_hosts: dict[str, str] = {}

    def _get_client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                follow_redirects=True,
                timeout=self.timeout,
                headers={"User-Agent": USER_AGENT},
                max_redirects=10,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def fetch(self, url: str) -> Page:
        if not is_url(url):
            raise FetchError("unreachable (not an http(s) URL)")
        host = urlsplit(url).netloc.lower()
        if host in self._dead_hosts:
            raise FetchError(f"unreachable ({self._dead_hosts[host]}, earlier in this run)")
        try:
            with self._get_client().stream("GET", url) as response:
                if not 200 <= response.status_code < 300:
                    raise FetchError(f"unreachable (HTTP {response.status_code} {response.reason_phrase})")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"unreachable (body of {int(declared):,} bytes is over "
                                     f"the {self.max_bytes:,} byte limit)")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"unreachable (body over the {self.max_bytes:,} byte limit)")
                    chunks.append(chunk)
                media = response.headers.get("content-type", "")
                return Page(
                    url=str(response.url),
                    status=response.status_code,
                    content_type=media.split(";")[0].strip().lower(),
                    charset=response.charset_encoding,
                    content=b"".join(chunks),
                )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            reason = _describe(exc)
            self._dead_hosts[host] = reason
            raise FetchError(f"unreachable ({reason})") from None
        except httpx.TooManyRedirects:
            raise FetchError("unreachable (too many redirects)") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"unreachable ({_describe(exc)})") from None


def _describe(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "refused" in text.lower():
        return "connection refused"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if "name or service not known" in text.lower() or "nodename nor servname" in text.lower():
        return "unknown host"
    return f"{type(exc).__name__}: {text}"[:200]


def fetch(url: str, timeout: float = 15.0, max_bytes: int = MAX_BYTES) -> Page:
    """One URL with a client of its own (use :class:`Fetcher` for many)."""
    fetcher = Fetcher(timeout, max_bytes)
    try:
        return fetcher.fetch(url)
    finally:
        fetcher.close()
