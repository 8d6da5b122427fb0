"""Fetching URLs: redirects followed, size capped, ``detente/0.1`` user agent.

``fetch(url, timeout)`` returns a :class:`Page` or raises :class:`FetchError` whose text is
the one-line reason, always ``unreachable (...)``: a refused or timed-out connection, an
unknown host, an HTTP status other than 2xx, or a body over ``MAX_BYTES``.

:class:`Fetcher` keeps one HTTP client (connection reuse) for a whole read and remembers
hosts that could not be reached at all, so that a feed of 200 links to a dead site costs
one timeout, not 200.

``fetch(url, public_only=True)`` (a feed's item links: third-party input) refuses a URL whose
host resolves to a loopback, private, link-local, multicast, reserved or unspecified address,
and any redirect to one, before connecting: ``refused (not a public address: localhost ->
127.0.0.1; --allow-private-urls fetches it)``. The check resolves the name once more than the
connection does, so a name whose DNS answer changes between the two (DNS rebinding) is not
stopped by it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

USER_AGENT = "detente/0.1"
MAX_BYTES = 20_000_000


class FetchError(Exception):
    """A URL that gave nothing usable; ``str(exc)`` is the reason."""


class PrivateURLError(FetchError):
    """A URL (or a redirect) to an address that is not public, with public_only on."""


class _UnknownHost(FetchError):
    pass


def _addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal: itself)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def _not_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour):
        ip = ip.ipv4_mapped or ip.sixtofour  # type: ignore[assignment]
    return not ip.is_global or ip.is_multicast


def check_public(url: str) -> None:
    """Raise :class:`PrivateURLError` unless ``url`` is http(s) and its host resolves only to public
    addresses; :class:`FetchError` (unknown host) when it does not resolve."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PrivateURLError(f"refused (not an http(s) URL: {url[:100]}; --allow-private-urls does not change this)")
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        addresses = _addresses(host, port)
    except (OSError, ValueError, UnicodeError):
        raise _UnknownHost("unknown host") from None
    bad = [a for a in addresses if _not_public(a)]
    if bad or not addresses:
        shown = host if bad[:1] == [host] else f"{host} -> {bad[0] if bad else 'nothing'}"
        raise PrivateURLError(f"refused (not a public address: {shown}; --allow-private-urls fetches it)")


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
        self._public_client: httpx.Client | None = None
        self._dead_hosts: dict[str, str] = {}

    def _get_client(self, public_only: bool = False) -> httpx.Client:
        """One client for any URL, one that checks every request, redirects included."""
        if public_only:
            if self._public_client is None:
                self._public_client = self._new_client([_check_request])
            return self._public_client
        if self._client is None:
            self._client = self._new_client([])
        return self._client

    def _new_client(self, hooks: list[Any]) -> httpx.Client:
        return httpx.Client(follow_redirects=True, timeout=self.timeout, headers={"User-Agent": USER_AGENT},
                            max_redirects=10, event_hooks={"request": hooks})

    def close(self) -> None:
        for client in (self._client, self._public_client):
            if client is not None:
                client.close()
        self._client = self._public_client = None

    def fetch(self, url: str, public_only: bool = False) -> Page:
        """The page at ``url``; ``public_only``: refuse (:class:`PrivateURLError`) a URL or redirect
        to an address that is not public."""
        if not is_url(url):
            raise FetchError("unreachable (not an http(s) URL)")
        host = urlsplit(url).netloc.lower()
        if host in self._dead_hosts:
            raise FetchError(f"unreachable ({self._dead_hosts[host]}, earlier in this run)")
        try:
            with self._get_client(public_only).stream("GET", url) as response:
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
        except _UnknownHost as exc:  # the public_only check could not resolve it
            self._dead_hosts[host] = str(exc)
            raise FetchError(f"unreachable ({exc})") from None
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            reason = _describe(exc)
            self._dead_hosts[host] = reason
            raise FetchError(f"unreachable ({reason})") from None
        except httpx.TooManyRedirects:
            raise FetchError("unreachable (too many redirects)") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"unreachable ({_describe(exc)})") from None


def _check_request(request: httpx.Request) -> None:
    check_public(str(request.url))  # raised inside httpx, it leaves the request unsent


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
