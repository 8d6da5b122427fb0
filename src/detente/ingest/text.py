"""Plain-text and Markdown articles (``.txt``, ``.md``): one file, one article.

Metadata, later sources overriding earlier ones:

1. a sidecar ``NAME.meta.json`` beside ``NAME.txt`` (or ``NAME.txt.meta.json``) with keys
   ``title``, ``published`` (or ``date``), ``source``, ``url``, ``lang``; other keys are ignored;
2. YAML front matter at the top of the file::

       ---
       title: Ministers meet in Vienna
       published: 2024-03-05
       source: Example News
       url: https://example.org/vienna
       ---

A sidecar or front matter that does not parse gives a warning and is ignored (front matter
is still cut from the text). Markdown is flattened to plain text: ``#`` heading marks,
emphasis, images and link targets go; the first ``# heading`` is the title when no metadata
gives one.

Only the first ``4 * max_chars + 4`` bytes of a file are read: enough for ``max_chars``
characters of any UTF-8 text; longer files are truncated like any long article.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..config import Config
from ..records import Article
from .common import DecodeError, build_article, decode_bytes
from .report import IngestReport

META_KEYS = ("title", "published", "source", "url", "lang")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def sidecar_paths(path: Path) -> list[Path]:
    return [path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json"),
            path.with_name(path.name + ".meta.json")]


def _meta_fields(data: dict[str, Any]) -> dict[str, Any]:
    meta = {key: data[key] for key in META_KEYS if data.get(key) not in (None, "")}
    if "published" not in meta and data.get("date") not in (None, ""):
        meta["published"] = data["date"]
    return meta


def read_sidecar(path: Path, report: IngestReport) -> dict[str, Any]:
    for candidate in sidecar_paths(path):
        if not candidate.is_file():
            continue
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.warn(str(candidate), f"sidecar ignored: not valid JSON ({exc})")
            return {}
        if not isinstance(data, dict):
            report.warn(str(candidate), "sidecar ignored: not a JSON object")
            return {}
        return _meta_fields(data)
    return {}


def split_front_matter(text: str, origin: str, report: IngestReport) -> tuple[dict[str, Any], str]:
    """(metadata, body) for a text that may start with ``---`` YAML front matter."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    body = text[m.end():]
    try:
        data = yaml.safe_load(m.group(1) or "") or {}
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        report.warn(origin, f"front matter ignored: not valid YAML ({problem})")
        return {}, body
    if not isinstance(data, dict):
        report.warn(origin, "front matter ignored: not a YAML mapping")
        return {}, body
    return _meta_fields(data), body


_MD_RULES = [
    (re.compile(r"^```.*?$|^~~~.*?$", re.MULTILINE), ""),  # code fences (keep the code)
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    (re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE), r"\1"),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.MULTILINE), ""),  # rules
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),  # italic
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),  # inline code
]
_MD_TITLE = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def markdown_to_text(text: str) -> tuple[str | None, str]:
    """(first ``#`` heading or None, plain text) of a Markdown document."""
    m = _MD_TITLE.search(text)
    title = m.group(1) if m else None
    if m and not text[: m.start()].strip():
        text = text[m.end():]  # the title line leads: keep it out of the body
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return title, text


def article_from_text(
    text: str,
    *,
    origin: str,
    config: Config,
    report: IngestReport,
    markdown: bool = False,
    meta: dict[str, Any] | None = None,
) -> Article | None:
    """One article from a text with optional front matter; ``meta`` gives sidecar values."""
    front, body = split_front_matter(text, origin, report)
    fields = {**(meta or {}), **front}
    if markdown:
        heading, body = markdown_to_text(body)
        fields.setdefault("title", heading)
    if not body.strip():
        report.fail(origin, "no text (only metadata)" if fields else "empty file (only white space)")
        return None
    return build_article(body, origin=origin, config=config, report=report, **fields)


def drop_split_utf8(data: bytes) -> bytes:
    """``data`` without the incomplete UTF-8 sequence it ends with, if any (a file read in part).
    Other bytes are kept, so a file in a legacy encoding is decoded as it is."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 == 0x80:  # a continuation byte: look further back for the lead
            continue
        need = 2 if 0xC2 <= byte <= 0xDF else 3 if 0xE0 <= byte <= 0xEF else 4 if 0xF0 <= byte <= 0xF4 else 0
        return data[:-back] if need > back else data
    return data


def read_text_file(path: Path, config: Config, report: IngestReport) -> Article | None:
    origin = str(path)
    limit = 4 * config.max_chars + 4
    with path.open("rb") as fh:
        data = fh.read(limit)
    if len(data) == limit:  # cut mid-file: drop a UTF-8 sequence split at the end
        data = drop_split_utf8(data)
    try:
        text = decode_bytes(data, origin, report)
    except DecodeError as exc:
        report.fail(origin, str(exc))
        return None
    return article_from_text(text, origin=origin, config=config, report=report,
                             markdown=path.suffix.lower() in (".md", ".markdown"),
                             meta=read_sidecar(path, report))
