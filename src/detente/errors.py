"""Errors with stable codes that become one-line messages at the edge (CLI, API), and the one
catalogue of those codes.

Raise ``KnowledgeError("E205", "path/to/file", "lexicon file not found")``; the CLI prints
``error E205: path/to/file: lexicon file not found`` and exits non-zero (2 for a
:class:`ConfigError`, else 1), without a traceback; the API answers ``{"error": "E205", "detail":
...}`` with the HTTP status of the code (:func:`http_status`).

Every code is defined once, in :data:`CATALOGUE` (as spaCy's ``Errors``): its class, the HTTP
status the API answers, a one-line meaning and the modules that use it. A code means one thing:
``tests/test_errors.py`` reads every module of the package and checks that each code it uses is
in the catalogue, raised with the catalogue's class, from a module the entry names. A new
situation gets a new code here (an unused one, in the range of its kind), never a code that
already means something else. docs/errors.md is generated from the catalogue
(``python -m detente.errors``) and checked against it.

Ranges: E0xx settings, E1xx inputs, E2xx knowledge files (lexicon, codebook, countries, cues),
E3xx the store and its commands (open, query filters, export; actor files are E308/E309,
E325/E326, E341-E347 and E351-E354), E4xx evaluation, E6xx analysis, E7xx the HTTP API and web.

Every error pickles (:meth:`DetenteError.__reduce__`), so one raised in a worker process reaches
the parent as itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DetenteError(Exception):
    """A user-facing error: code, the thing it concerns (file, URL, setting) and the reason."""

    def __init__(self, code: str, subject: str, reason: str) -> None:
        super().__init__(f"{code}: {subject}: {reason}")
        self.code = code
        self.subject = subject
        self.reason = reason

    def one_line(self) -> str:
        return f"error {self.code}: {self.subject}: {self.reason}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles as cls(*self.args), and args is the one message string: rebuild from
        # the three parts instead, whatever a subclass's __init__ takes; the instance dict
        # (status, retry_after, ...) is restored after
        return _rebuild, (type(self), self.code, self.subject, self.reason), self.__dict__


def _rebuild(cls: type[DetenteError], code: str, subject: str, reason: str) -> DetenteError:
    exc = cls.__new__(cls)
    DetenteError.__init__(exc, code, subject, reason)
    return exc


class InputError(DetenteError):
    """Bad input: a missing, empty, binary or malformed file, an unreachable URL."""


class StoreError(DetenteError):
    """The store cannot be opened or written (read-only, disk full, locked)."""


class KnowledgeError(DetenteError):
    """A knowledge file (actors, lexicon, codebook) is malformed: names file and line."""


class ConfigError(DetenteError):
    """A setting is missing or invalid."""


class AnalysisError(DetenteError):
    """The analysis cannot run: no events table, an unknown country code, bad options."""


class ApiError(DetenteError):
    """An error raised by the API layer itself; ``status`` is the HTTP status to answer (by
    default the catalogue's)."""

    def __init__(self, code: str, subject: str, reason: str, status: int | None = None) -> None:
        super().__init__(code, subject, reason)
        entry = CATALOGUE.get(code)
        self.status = status if status is not None else entry.status if entry else CLASS_STATUS[ApiError]


class LimitError(ApiError):
    """A request refused by a limit of the API (:mod:`detente.api_limits`), with its HTTP status
    and, when retrying helps, Retry-After."""

    def __init__(self, code: str, subject: str, reason: str, status: int | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(code, subject, reason, status)
        self.retry_after = retry_after


# The HTTP status of each class, unless the code's entry says otherwise: a bad value is the
# client's to fix (400), a broken knowledge file or store is the server's (500).
CLASS_STATUS: dict[type[DetenteError], int] = {
    DetenteError: 400, InputError: 400, ConfigError: 400, AnalysisError: 400,
    KnowledgeError: 500, StoreError: 500, ApiError: 500,
}


@dataclass(frozen=True)
class ErrorCode:
    """One code of the catalogue."""

    code: str
    cls: type[DetenteError]
    meaning: str
    modules: tuple[str, ...]  # the modules of the package that use it ("store", "actors.kb")
    status: int  # the HTTP status the API answers


def _catalogue(*rows: tuple[Any, ...]) -> dict[str, ErrorCode]:
    """``(code, class, meaning, modules[, status])`` rows -> {code: ErrorCode}; a code given twice
    is refused when the package is imported."""
    out: dict[str, ErrorCode] = {}
    for code, cls, meaning, modules, *status in rows:
        if code in out:
            raise RuntimeError(f"error code {code} is defined twice in detente.errors.CATALOGUE")
        mods = (modules,) if isinstance(modules, str) else tuple(modules)
        out[code] = ErrorCode(code, cls, meaning, mods, status[0] if status else CLASS_STATUS[cls])
    return out


_ACTORS = ("actors.kb", "actors.petrarch")

CATALOGUE: dict[str, ErrorCode] = _catalogue(
    # E0xx: settings
    ("E001", ConfigError, "a setting has an invalid value", "config"),
    ("E002", ConfigError, "the config file is not found", "config"),
    ("E003", ConfigError, "the config file is not valid TOML", "config"),
    ("E004", ConfigError, "an unknown setting (in the config file or the arguments)", "config"),
    ("E010", ConfigError, "no spaCy English pipeline is installed", "nlp"),
    ("E011", ConfigError, "the verb lemma corrections (lemmas.yaml) are not a mapping form -> lemma", "nlp"),
    ("E020", ConfigError, ("the coding worker processes died before coding anything (a script without a "
                           "`__main__` guard, or no memory)"), "pipeline"),
    # E1xx: inputs
    ("E130", InputError, "no article to code in the input (`detente code`, POST /code)", ("api", "cli.core")),
    ("E140", InputError, "the bundled examples folder is missing", "cli.core"),
    ("E141", InputError, "the examples folder has no articles", "cli.core"),
    # E2xx: knowledge files
    ("E200", KnowledgeError, "a synonym-class file is not valid YAML", "coding.lexicon"),
    ("E201", KnowledgeError, "lexicon: a CAMEO code is not 2-4 digits", "coding.patterns"),
    ("E202", KnowledgeError, "lexicon: an empty pattern", "coding.patterns"),
    ("E203", KnowledgeError, "lexicon: the head of a pattern is not a lemma, or is a negation (no predicate has it)",
     "coding.patterns"),
    ("E204", KnowledgeError, "lexicon: a word of a pattern is not a lemma", "coding.patterns"),
    ("E205", KnowledgeError, "a lexicon file is not found (or is a directory)", "coding.lexicon"),
    ("E206", KnowledgeError, "a lexicon file is not UTF-8, or a line is not code<TAB>pattern", "coding.lexicon"),
    ("E207", KnowledgeError, "a PETRARCH verb dictionary is not found (or is a directory)",
     "coding.petrarch_verbs"),
    ("E208", KnowledgeError, "a synonym-class file is not a mapping class -> [lemmas]", "coding.lexicon"),
    ("E209", KnowledgeError, "a synonym-class file puts a word in two classes", "coding.lexicon"),
    ("E210", KnowledgeError, "a codebook file is not found", "coding.codebook"),
    ("E211", KnowledgeError, "codebook: an empty file or the wrong header", "coding.codebook"),
    ("E212", KnowledgeError, "codebook: a row with the wrong number of columns", "coding.codebook"),
    ("E213", KnowledgeError, "codebook: a CAMEO code, root or prefix is malformed", "coding.codebook"),
    ("E214", KnowledgeError, "codebook: a code or prefix listed twice", "coding.codebook"),
    ("E215", KnowledgeError, "codebook: a code before its root or without its parent", "coding.codebook"),
    ("E216", KnowledgeError, "codebook: a code with no name", "coding.codebook"),
    ("E217", KnowledgeError, "codebook: a Goldstein score that is not a number in -10..10", "coding.codebook"),
    ("E218", KnowledgeError, "codebook: a QuadClass that does not match the root", "coding.codebook"),
    ("E219", KnowledgeError, "codebook: an unknown PLOVER type, or a mode or context without one",
     "coding.codebook"),
    ("E220", KnowledgeError, "codebook: a refusal code that is not a REJECT (12x) code of the codebook",
     "coding.codebook"),
    ("E230", KnowledgeError, "the countries table has a malformed line", "countries"),
    ("E260", KnowledgeError, "a cue file is not valid YAML", "coding.cues"),
    ("E261", KnowledgeError, "a cue file is not a mapping of cue lists", "coding.cues"),
    ("E262", KnowledgeError, "a cue list is not a list of non-empty strings", "coding.cues"),
    ("E263", KnowledgeError, "a cue file has unknown cue lists", "coding.cues"),
    ("E264", KnowledgeError, "a complements file is not a mapping of complement classes", "coding.cues"),
    ("E265", KnowledgeError, "a complement class lacks governors, target, default or codes", "coding.cues"),
    ("E266", KnowledgeError, "a complement class's target is not 'complement' or 'addressee'", "coding.cues"),
    ("E267", KnowledgeError, "a complement class's codes do not map CAMEO code strings to code strings",
     "coding.cues"),
    # E300-E307: the store
    ("E300", StoreError, "the store cannot be read or written (another DuckDB error)",
     ("store", "export", "api_snapshot")),
    ("E301", StoreError, "the store is in use by another detente process (DuckDB allows one writer)",
     ("store", "api_snapshot"), 503),
    ("E302", StoreError, "the store is read-only", "store", 503),
    ("E303", StoreError, "the disk is full (nothing was half-written)", ("store", "api_snapshot")),
    ("E304", StoreError, "the store cannot be created or opened there (no such folder)", "store", 404),
    ("E305", StoreError, "not a detente store", "store"),
    ("E306", StoreError, "no store at this path yet (run `detente ingest`, or pass --db)",
     ("store", "api_snapshot"), 404),
    ("E307", StoreError, "the store's schema version is not this detente's", "store"),
    # actor files (E308/E309, E325/E326, E341-E347, E351-E354)
    ("E308", KnowledgeError, "actor file: an unknown organisation kind", "actors.kb"),
    ("E309", KnowledgeError, "an unknown actor file type (want .yaml, .yml, PETRARCH .txt or .json)",
     "actors.kb"),
    # E310-E317: query filters
    ("E310", ConfigError, "a CAMEO root code that is not 01..20", "store"),
    ("E311", ConfigError, "not a date (YYYY, YYYY-MM or YYYY-MM-DD)", "dates"),
    ("E312", ConfigError, "a pair that is not two actor codes (CHN,RUS)",
     ("store", "web.events_page", "web.happenings")),
    ("E313", ConfigError, "a QuadClass that is not 1..4", ("store", "web.events_page", "web.happenings")),
    ("E314", ConfigError, "an unknown column", "store"),
    ("E315", ConfigError, "no actor of that code or name in the actor knowledge base (--actor, --pair, a dyad side)",
     "actors.lookup", 400),
    ("E316", ConfigError, "--article names no stored article", ("store", "web.article_page")),
    ("E317", ConfigError, "--article names more than one article", "store"),
    # E320-E328: export
    ("E320", ConfigError, "an unknown export format or country code scheme", "export"),
    ("E321", ConfigError, "an unknown export table", "export"),
    ("E322", ConfigError, "Parquet is binary: it needs --out", "export"),
    ("E323", ConfigError, "event filters given for a table other than events", "export"),
    ("E324", StoreError, "the export file cannot be written", "export"),
    ("E325", KnowledgeError, "not a PETRARCH actors/agents JSON file", "actors.petrarch"),
    ("E326", KnowledgeError, "a PETRARCH JSON actor file is not valid JSON", "actors.petrarch"),
    ("E327", ConfigError, "--out is the store or another DuckDB database (refused before writing)", "export"),
    ("E328", ConfigError, "--limit is not a whole number of rows, 1 or more", "export"),
    # E331-E332: options of `detente events`
    ("E331", ConfigError, "--polarity is not a known polarity", "cli.core"),
    ("E332", ConfigError, "--modality is not a known modality", "cli.core"),
    # E341-E347: YAML actor files; E351-E354: PETRARCH actor files
    ("E341", KnowledgeError, "an actor file is not found", _ACTORS),
    ("E342", KnowledgeError, "an actor file is not valid YAML", "actors.kb"),
    ("E343", KnowledgeError, "actor file: an entry is malformed (a missing or mistyped field)", "actors.kb"),
    ("E344", KnowledgeError, "actor file: a code that is not capital letters and digits", "actors.kb"),
    ("E345", KnowledgeError, "actor file: a date that is not YYYY-MM-DD", "actors.kb"),
    ("E346", KnowledgeError, "actor file: a role that ends before it starts", "actors.kb"),
    ("E347", KnowledgeError, "actor file: an unknown field", "actors.kb"),
    ("E351", KnowledgeError, "PETRARCH actor file: a date that is not YYMMDD or YYYYMMDD", "actors.petrarch"),
    ("E352", KnowledgeError, "PETRARCH actor file: a code or synonym line with no entry before it",
     "actors.petrarch"),
    ("E353", KnowledgeError, "PETRARCH actor file: a code block that cannot be read", "actors.petrarch"),
    ("E354", KnowledgeError, "PETRARCH actor file: an agent with an empty code", "actors.petrarch"),
    # E360-E362: reviews (an analyst's corrections of coded events)
    ("E360", ConfigError, "a review names no event of the store", ("reviews", "web.review")),
    ("E361", ConfigError, ("a review is not valid (verdict, CAMEO code, actor, polarity or modality; 'right' "
                           "with corrections, 'corrected' without)"), "reviews"),
    ("E362", ConfigError, "--table reviews exports jsonl, csv or gold, without event filters", "reviews"),
    # E4xx: evaluation
    ("E401", InputError, "the gold file is not found", "evaluation"),
    ("E402", InputError, "a line of the gold file is not valid JSON", "evaluation"),
    # E6xx: analysis
    ("E601", AnalysisError, "not a DuckDB connection or a Store", "analysis.common"),
    ("E603", AnalysisError, "the store has no events table (code some articles first)", "analysis.common", 404),
    ("E604", AnalysisError, "not a country code (3 letters, e.g. CHN)", "analysis.common"),
    ("E606", AnalysisError, "unit is not happenings or events", "analysis.dyads"),
    ("E607", AnalysisError, "freq is not month or week", "analysis.dyads"),
    # E7xx: the HTTP API, `detente serve`, the web pages
    ("E700", ApiError, "internal error (a bug: the detail names the exception)", "api", 500),
    ("E701", ApiError, "the request is not valid (a missing or wrong parameter or body field)", "api", 422),
    ("E702", ApiError, "the coder (spaCy pipeline, actors, lexicon) could not be loaded", "api", 503),
    ("E704", ApiError, "no such route", "api", 404),
    ("E705", ApiError, "method not allowed on this route", "api", 405),
    ("E706", LimitError, "the request body is larger than code_max_bytes", "api_limits", 413),
    ("E707", LimitError, "the text is longer than code_max_chars", "api_limits", 413),
    ("E708", LimitError, "too many POST /code requests waiting (code_queue); retry later", "api_limits", 429),
    ("E709", LimitError, "the request waited longer than code_wait seconds for the coder; retry later",
     "api_limits", 503),
    ("E710", DetenteError, "`detente serve` needs fastapi and uvicorn (pip install 'detente[api]')",
     "cli.serve"),
    ("E711", LimitError, "the Host header names a host this server does not answer (allowed_hosts)",
     "api_limits", 421),
    ("E720", ApiError, "no actor of that name or code in the actor knowledge base (web pages)",
     ("web.views", "web.review"), 400),
    ("E721", ApiError, "no stored article of that id, input id or id prefix (/articles/{id}, the article page)",
     "web.article_page", 404),
    ("E722", ApiError, "a PLOVER type, sort column or format the events or happenings table does not know",
     ("web.events_page", "web.happenings"), 400),
    ("E730", ApiError, "writes are off: the server was started without --allow-writes", "web.review", 403),
    ("E731", ApiError, "a write needs the server's token (Authorization: Bearer TOKEN)", "web.review", 401),
    ("E732", ApiError, "the token is wrong", "web.review", 401),
    ("E733", ConfigError, "--allow-writes needs a token (--token or $DETENTE_TOKEN)", "web.review"),
)


def meanings(*modules: str, cls: type[DetenteError] = DetenteError) -> dict[str, str]:
    """{code: meaning} of the codes of class ``cls`` the given modules use (all when none is given)."""
    return {c: e.meaning for c, e in CATALOGUE.items()
            if issubclass(e.cls, cls) and (not modules or set(modules) & set(e.modules))}


def http_status(error: DetenteError | str) -> int:
    """The HTTP status the API answers for an error (or a code): an :class:`ApiError`'s own
    status, else the code's in the catalogue, else its class's."""
    if isinstance(error, str):
        return CATALOGUE[error].status
    status = getattr(error, "status", None)
    if isinstance(status, int):
        return status
    entry = CATALOGUE.get(error.code)
    if entry is not None:
        return entry.status
    return next(CLASS_STATUS[c] for c in type(error).__mro__ if c in CLASS_STATUS)


def markdown_table() -> str:
    """The catalogue as the Markdown table of docs/errors.md."""
    lines = ["| code | class | HTTP | meaning |", "|---|---|---:|---|"]
    for e in CATALOGUE.values():
        lines.append(f"| `{e.code}` | {e.cls.__name__} | {e.status} | {e.meaning.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
