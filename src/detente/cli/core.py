"""Core commands: ``ingest``, ``code``, ``events``, ``stats``, ``export``, ``demo``.

Each parses its options, calls one library function (:func:`detente.runner.ingest`,
:class:`detente.pipeline.Engine`, :class:`detente.store.Store`, :func:`detente.export.export`)
and prints. Human output (tables, progress) is Rich; data output (csv, jsonl, json, gdelt) is
plain text on stdout; progress and errors go to stderr. Exit codes: 0 ok, 1 some inputs failed,
2 usage error.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from ..config import Config, load_config
from ..errors import ConfigError, InputError
from .app import EXIT_FAILED, EXIT_OK, DbOpt, QuietOpt, app
from .app import console as _console

# --- shared options ----------------------------------------------------------------------------

ModelOpt = Annotated[str | None, typer.Option("--model", help="spaCy English pipeline to load.", show_default=False)]
ActorsOpt = Annotated[list[str] | None,
                      typer.Option("--actors", help="Extra actor file (YAML or PETRARCH .txt); repeatable.",
                                   show_default=False)]
# A default that is not the option's value (None: decided later) is named by show_default, which Typer
# prints as "[default: (...)]"; "[default: ...]" written into the help text is Rich markup and vanishes
ProcOpt = Annotated[int | None, typer.Option("--processes", "-j", min=1, help="Worker processes for coding.",
                                             show_default="all cores")]
BatchOpt = Annotated[int | None, typer.Option("--batch-size", min=1,
                                              help="Articles per spaCy batch and per store transaction.",
                                              show_default=str(Config.batch_size))]

# the event filters `events` and `export` share (one definition each: STYLE 16)
ActorFilter = Annotated[str | None, typer.Option("--actor", help="Either side is this actor (code prefix or "
                                                                 "country; any case, or a name): CHN, RUSGOV, "
                                                                 "china, Chinese, NATO.", show_default=False)]
PairFilter = Annotated[str | None, typer.Option("--pair", help="Events between two actors, either direction "
                                                               "(codes or names, any case): CHN,RUS or "
                                                               "china,russia.", show_default=False)]
FromFilter = Annotated[str | None, typer.Option("--from", help="From this event date (YYYY, YYYY-MM or "
                                                              "YYYY-MM-DD).", show_default=False)]
ToFilter = Annotated[str | None, typer.Option("--to", help="Up to this event date, inclusive.", show_default=False)]
RootFilter = Annotated[str | None, typer.Option("--root", help="CAMEO root code 01..20.", show_default=False)]
QuadFilter = Annotated[int | None, typer.Option("--quad", min=1, max=4, help="QuadClass 1..4.", show_default=False)]
PolarityFilter = Annotated[str | None, typer.Option("--polarity", help="asserted or negated.", show_default=False)]
ModalityFilter = Annotated[str | None, typer.Option("--modality", help="actual, intended, future, hypothetical, "
                                                                       "denied.", show_default=False)]
ArticleFilter = Annotated[str | None, typer.Option("--article", help="One article's events: its article_id (or a "
                                                                     "unique prefix, 6+ characters) or the "
                                                                     "input's own id (a JSON record's \"id\").",
                                                   show_default=False)]


def event_filters(actor: str | None, pair: str | None, start: str | None, end: str | None, root: str | None,
                  quad: int | None, polarity: str | None, modality: str | None,
                  article: str | None) -> dict[str, Any]:
    """The shared filter options as keyword arguments of :meth:`detente.store.Store.event_where`
    (``counts_only`` left to the command)."""
    from ..actors.lookup import actor_arg, pair_arg
    from ..records import MODALITIES, POLARITIES

    if polarity is not None and polarity not in POLARITIES:
        raise ConfigError("E331", "--polarity", f"one of {', '.join(POLARITIES)}, got {polarity!r}")
    if modality is not None and modality not in MODALITIES:
        raise ConfigError("E332", "--modality", f"one of {', '.join(MODALITIES)}, got {modality!r}")
    return {"actor": actor_arg(actor, what="--actor") if actor else None,
            "pair": pair_arg(pair, what="--pair") if pair else None, "start": start, "end": end, "root": root,
            "quad_class": quad, "polarity": polarity, "modality": modality, "article": article}


class EventFormat(str, Enum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


class CodeFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"
    json = "json"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    gdelt = "gdelt"
    gold = "gold"  # --table reviews: the gold format `detente eval` reads


class GeoCodes(str, Enum):
    fips = "fips"
    iso3 = "iso3"
    iso2 = "iso2"
    cameo = "cameo"


class ExportTable(str, Enum):
    events = "events"
    articles = "articles"
    quantities = "quantities"
    accounts = "accounts"
    happenings = "happenings"  # clustered reports of one happening (detente.analysis.happenings)
    reviews = "reviews"  # the analysts' reviews (detente.reviews)


class StatsFormat(str, Enum):
    table = "table"
    json = "json"


def _config(**overrides: Any) -> Config:
    actors = overrides.pop("actors", None)
    if actors:
        overrides["actors"] = tuple(actors)
    return load_config(**overrides)


def _store(config: Config, read_only: bool = False, init: bool = False) -> Any:
    from ..store import Store
    return Store(config.db, read_only=read_only, init=init)


# --- ingest ------------------------------------------------------------------------------------

def count_articles(inputs: list[str], max_bytes: int = 2_000_000_000) -> int | None:
    """How many articles the inputs hold, when cheap to know (JSON Lines: its lines; a text or HTML
    file: 1; a folder: the sum), else None (stdin, URLs, feeds, WARC, JSON arrays, more than
    ``max_bytes`` of JSON Lines to scan): the progress bar is then indeterminate. Only regular
    files are opened: a FIFO or a device counts 0 (reading reports it as failed)."""
    from ..ingest import usable_files
    from ..ingest.reader import format_of, not_regular

    total, budget = 0, max_bytes
    for spec in inputs:
        path = Path(spec)
        if spec == "-" or "://" in spec or not path.exists():
            return None
        for f in usable_files(path) if path.is_dir() else [path]:
            try:
                if not_regular(f.stat().st_mode):
                    continue
            except OSError:
                continue
            fmt = format_of(f)
            if fmt in ("text", "html"):
                total += 1
            elif fmt != "jsonl":
                return None
            else:
                gz = f.name.lower().endswith(".gz")
                budget -= f.stat().st_size * (5 if gz else 1)
                if budget < 0:
                    return None
                try:
                    with (gzip.open(f, "rb") if gz else f.open("rb")) as fh:
                        while chunk := fh.read(1 << 20):
                            total += chunk.count(b"\n")
                except (OSError, EOFError):
                    return None
    return total


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} art/s" if speed else "… art/s", style="progress.data.speed")


def _summary_table(summary: Any, db: str) -> Table:
    t = Table(title=f"run {summary.run_id}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    rows = [("articles read", summary.read), ("coded and stored", summary.new),
            ("already in the store", summary.skipped_existing), ("skipped (language, no text, ...)", summary.skipped),
            ("failed", summary.failed), ("warnings (text cut, bytes replaced, ...)", getattr(summary, "warned", 0)),
            ("events", summary.events), ("quantities", summary.quantities), ("accounts", summary.accounts)]
    for label, value in rows:
        t.add_row(label, f"{value:,}")
    t.add_row("time", f"{summary.seconds:,.1f} s ({summary.rate:,.1f} articles/s)")
    t.add_row("store", db)
    return t


def _reasons_table(title: str, counts: dict[str, int], examples: list[tuple[str, str]]) -> Table:
    from ..ingest.report import reason_key

    first: dict[str, str] = {}
    for origin, reason in examples:
        first.setdefault(reason_key(reason), f"{origin}: {reason}")
    t = Table(title=title, title_justify="left")
    t.add_column("reason")
    t.add_column("count", justify="right")
    t.add_column("first case", overflow="fold")
    for reason, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        t.add_row(reason, f"{n:,}", first.get(reason, ""))
    return t


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, URLs, or - for stdin (.txt, .md, .html, "
                                                     ".jsonl[.gz], RSS/Atom, .warc[.gz]).", show_default=False)],
    db: DbOpt = None,
    recode: Annotated[bool, typer.Option("--recode", help="Code again articles already in the store.")] = False,
    processes: ProcOpt = None,
    batch_size: BatchOpt = None,
    model: ModelOpt = None,
    actors: ActorsOpt = None,
    allow_private_urls: Annotated[bool, typer.Option("--allow-private-urls", help="Fetch a feed's item links "
                                                     "even when they point at a loopback, private or link-local "
                                                     "address (refused by default).")] = False,
    init: Annotated[bool, typer.Option("--init", help="Add detente's tables to a DuckDB file that holds other "
                                                      "tables (refused by default: E305).")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Read articles, code them, and store the events (articles already stored are skipped)."""
    from ..runner import ingest as run_ingest

    config = _config(db=db, n_process=processes, batch_size=batch_size, model=model, actors=actors)
    if allow_private_urls:
        config = config.with_(allow_private_urls=True)
    total = None if quiet else count_articles(inputs)
    if processes is None and total is not None and total <= config.batch_size:
        config = config.with_(n_process=1)  # a handful of articles: starting workers costs more
    store = _store(config, init=init)
    err = _console(stderr=True)
    try:
        if quiet:
            summary = run_ingest(inputs, config, store, recode=recode)
        else:
            columns: list[ProgressColumn] = [SpinnerColumn(), TextColumn("coding"), BarColumn(),
                                             MofNCompleteColumn() if total else TextColumn("{task.completed:,}"),
                                             TaskProgressColumn(), RateColumn(), TimeElapsedColumn()]
            if total:
                columns.append(TimeRemainingColumn())
            with Progress(*columns, console=err, transient=True) as bar:
                task = bar.add_task("coding", total=total)
                summary = run_ingest(inputs, config, store, recode=recode,
                                     progress=lambda s: bar.update(task, completed=s.done))
    finally:
        store.close()
    if quiet:  # nothing but errors: each failure, one line on stderr
        for origin, reason in summary.failures:
            typer.echo(f"failed: {origin}: {reason}", err=True)
        if summary.failed > len(summary.failures):
            typer.echo(f"failed: {summary.failed - len(summary.failures):,} more (not listed)", err=True)
    else:
        out = _console()
        out.print(_summary_table(summary, config.db))
        if summary.failures_by_reason:
            out.print(_reasons_table("failures by reason", summary.failures_by_reason, summary.failures))
        if summary.skips_by_reason:
            out.print(_reasons_table("skipped by reason", summary.skips_by_reason, []))
        if summary.warnings_by_reason:
            out.print(_reasons_table("warnings by reason", summary.warnings_by_reason, summary.warnings))
    if summary.failed:
        raise typer.Exit(EXIT_FAILED)


# --- code --------------------------------------------------------------------------------------

def _event_table(events: list[Any], width: int, title: str | None = None) -> Table:
    """Events one per line, ``width`` columns wide: the event name and then the sentence are cut to fit."""
    rows = []
    for e in events:
        code = e["cameo"] + (f" {e['cameo_name']}" if e.get("cameo_name") else "")
        mode = ", ".join(x for x in (e["polarity"] if e["polarity"] != "asserted" else "",
                                     e["modality"] if e["modality"] != "actual" else "") if x)
        rows.append([str(e["date"] or ""), e["source_code"] or e["source_text"] or "", code,
                     e["target_code"] or e["target_text"] or "", mode, _cut(e["location_name"] or "", 16),
                     e["sentence"] or ""])
    names = ("date", "source", "event", "target", "mode", "where", "sentence")
    widths = [max([len(col)] + [len(r[i]) for r in rows]) for i, col in enumerate(names[:-1])]
    border = 3 * len(names) + 1
    event_w = max(12, min(widths[2], 32, width - border - sum(widths) + widths[2] - 20))
    room = max(12, width - border - sum(widths) + widths[2] - event_w)
    t = Table(title=title, title_justify="left")
    for col in names:
        t.add_column(col, no_wrap=True)
    for r in rows:
        t.add_row(*r[:2], _cut(r[2], event_w), *r[3:-1], _cut(r[-1], room))
    return t


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _flat_event(ev: Any) -> dict[str, Any]:
    from ..store import EVENT_COLUMNS
    return {name: get(ev) for name, _, get in EVENT_COLUMNS if name != "record"}


@app.command()
def code(  # noqa: C901 - to split into named steps (pyproject.toml)
    file: Annotated[str, typer.Argument(help="An article: a .txt/.md/.html file (with an optional .meta.json "
                                             "sidecar or front matter), a .jsonl line, a URL, or - for stdin.",
                                        show_default=False)],
    date: Annotated[str | None, typer.Option("--date", help="Publication date YYYY-MM-DD (anchors relative dates).",
                                             show_default=False)] = None,
    title: Annotated[str | None, typer.Option("--title", help="The article's title.", show_default=False)] = None,
    fmt: Annotated[CodeFormat, typer.Option("--format", "-f", help="table, jsonl (one event per line) or "
                                                                   "json (one {article, events, quantities, "
                                                                   "accounts} object).")] = CodeFormat.table,
    model: ModelOpt = None,
    actors: ActorsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Code one article and print its events (nothing is stored)."""
    from ..ingest import IngestReport, read_inputs
    from ..pipeline import Engine
    from ..store import parse_day

    config = _config(model=model, actors=actors, n_process=1)
    if date is not None:
        date = parse_day(date, what="--date").isoformat()  # type: ignore[union-attr]
    report = IngestReport()
    articles = list(read_inputs([file], config, report))
    if not articles:
        origin, reason = report.failures[0] if report.failures else \
            (report.skips[0] if report.skips else (file, "no article in it"))
        raise InputError("E130", origin, reason)
    engine = Engine(config)
    err = _console(stderr=True)
    if not quiet:  # bad lines, a cut file, repairs: as ingest reports them
        for level, origin, reason in report.entries:
            if level != "skip":
                err.print(f"{origin}: {'warning: ' if level == 'warn' else ''}{reason}", markup=False, soft_wrap=True)
    failed = report.failed > 0
    for article in articles:
        changes = {k: v for k, v in (("published", date), ("title", title)) if v is not None}
        if changes:
            article = dataclasses.replace(article, **changes)
        coded = engine.code_article(article)
        a = coded.article
        if a.status != "ok" and not quiet:
            err.print(f"{a.origin or file}: {a.status}: {a.status_reason}", markup=False)
        failed = failed or a.status == "failed"
        if fmt is CodeFormat.json:
            typer.echo(json.dumps(coded.to_dict(), ensure_ascii=False, indent=2))
        elif fmt is CodeFormat.jsonl:
            for ev in coded.events:
                typer.echo(json.dumps(ev.to_dict(), ensure_ascii=False))
        else:
            out = _console()
            head = f"{a.title or a.origin or file} ({a.published or 'no date'}): {len(coded.events)} events"
            out.print(_event_table([_flat_event(e) for e in coded.events], out.width, title=head))
            if coded.quantities:
                qt = Table(title="quantities", title_justify="left")
                for col in ("measure", "value", "unit", "change", "from", "to", "text"):
                    qt.add_column(col)
                for q in coded.quantities:
                    qt.add_row(q.measure, "" if q.value is None else f"{q.value:g}", q.unit or "",
                               "" if q.change is None else f"{q.change:+g}%", q.from_country or "",
                               q.to_country or "", q.text or "")
                out.print(qt)
            for acc in coded.accounts:
                out.print(f"[bold]account[/bold] {' vs '.join(acc.parties)}: {acc.summary}")
    if failed:
        raise typer.Exit(EXIT_FAILED)


# --- events ------------------------------------------------------------------------------------

@app.command()
def events(
    actor: ActorFilter = None,
    pair: PairFilter = None,
    start: FromFilter = None,
    end: ToFilter = None,
    root: RootFilter = None,
    quad: QuadFilter = None,
    polarity: PolarityFilter = None,
    modality: ModalityFilter = None,
    article: ArticleFilter = None,
    include_all: Annotated[bool, typer.Option("--all", help="Include negated, hypothetical and denied events "
                                                            "(left out by default).")] = False,
    fmt: Annotated[EventFormat, typer.Option("--format", "-f", help="Output format.")] = EventFormat.table,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write to this file (needed for parquet).",
                                            show_default=False)] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many events.",
                                              show_default="50 for table, else all")] = None,
    reviewed: Annotated[bool, typer.Option("--reviewed", help="Apply the analysts' reviews: corrected events as "
                                                              "corrected, wrong ones left out.")] = False,
    db: DbOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """List stored events, filtered; as a table, CSV, JSON Lines (full records) or Parquet."""
    from ..export import export

    filters = event_filters(actor, pair, start, end, root, quad, polarity, modality, article)
    filters["counts_only"] = not include_all and polarity is None and modality is None
    config = _config(db=db)
    with _store(config, read_only=True) as store:
        if reviewed:
            from ..reviews import apply_reviews

            apply_reviews(store)
        if fmt is EventFormat.table:
            shown = limit or 50
            rows = store.events(**filters, limit=shown)
            total = store.count_events(**filters)
            if rows:
                console = _console()
                console.print(_event_table(rows, console.width))
            if not quiet:
                note = f"{len(rows):,} of {total:,} events"
                if total > len(rows):
                    note += " (--limit N for more, --format csv|jsonl|parquet for all)"
                if filters["counts_only"]:
                    note += "; negated, hypothetical and denied left out (--all)"
                _console(stderr=True).print(note)
            return
        counts_only = filters.pop("counts_only")
        left_out: Counter[str] = Counter()
        n = export(store, fmt.value, out=out, table="events", counts_only=counts_only, limit=limit,
                   left_out=left_out, **filters)
    if out and not quiet:
        _console(stderr=True).print(f"{n:,} events written to {out}")
    _warn_left_out(left_out, quiet)


def _warn_left_out(left_out: Counter[str], quiet: bool) -> None:
    """One stderr line for the records an export left out (a NULL or unreadable ``record``), by reason."""
    if left_out and not quiet:
        reasons = "; ".join(f"{reason} ({n:,})" for reason, n in sorted(left_out.items()))
        _console(stderr=True).print(f"warning: {left_out.total():,} record(s) left out of the export: {reasons}",
                                    markup=False, soft_wrap=True)


# --- stats -------------------------------------------------------------------------------------

@app.command()
def stats(
    db: DbOpt = None,
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f", help="table or json.")] = StatsFormat.table,
) -> None:
    """What the store holds: articles, events, dates, top country pairs and event types, last run."""
    config = _config(db=db)
    with _store(config, read_only=True) as store:
        s = store.stats()
    if fmt is StatsFormat.json:
        typer.echo(json.dumps(s, default=str, indent=2))
        return
    out = _console()
    t = Table(title=f"store {s['path']}", show_header=False, title_justify="left")
    t.add_column(style="bold")
    t.add_column(justify="right")
    by = ", ".join(f"{k} {v:,}" for k, v in s["articles_by_status"].items())
    t.add_row("articles", f"{s['articles']:,}" + (f" ({by})" if by else ""))
    t.add_row("events", f"{s['events']:,} ({s['events_counted']:,} asserted)")
    t.add_row("quantities", f"{s['quantities']:,}")
    t.add_row("accounts", f"{s['accounts']:,}")
    t.add_row("event dates", f"{s['first_date'] or '-'} .. {s['last_date'] or '-'}")
    t.add_row("runs", f"{s['runs']:,}")
    run = s["last_run"]
    if run:
        t.add_row("last run", f"{run['run_id']} {run['status']}: {run['new'] or 0:,} new, "
                              f"{run['failed'] or 0:,} failed")
    out.print(t)
    if s["top_pairs"]:
        pt = Table(title="top country pairs", title_justify="left")
        pt.add_column("pair")
        pt.add_column("asserted events", justify="right")
        for p in s["top_pairs"]:
            pt.add_row(f"{p['a']}-{p['b']}", f"{p['events']:,}")
        out.print(pt)
    if s["top_roots"]:
        rt = Table(title="top CAMEO roots", title_justify="left")
        rt.add_column("root")
        rt.add_column("asserted events", justify="right")
        for r in s["top_roots"]:
            rt.add_row(f"{r['root']} {r['name'] or ''}".strip(), f"{r['events']:,}")
        out.print(rt)


# --- export ------------------------------------------------------------------------------------

@app.command("export")
def export_cmd(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl (lossless records), csv, parquet, "
                                                                     "gdelt (GDELT 2.0 event table, TSV), or gold "
                                                                     "(--table reviews: the gold format `detente "
                                                                     "eval` reads).")]
    = ExportFormat.jsonl,
    out: Annotated[str | None, typer.Option("--out", "-o", help="Write to this file (parquet needs one).",
                                            show_default="stdout")] = None,
    table: Annotated[ExportTable, typer.Option("--table", help="What to export for jsonl/csv/parquet; "
                                                              "jsonl of articles = one CodedArticle per line; "
                                                              "reviews: the analysts' reviews (jsonl, csv, gold).")]
    = ExportTable.events,
    header: Annotated[bool, typer.Option("--header", help="gdelt: write the column names first.")] = False,
    geo_codes: Annotated[GeoCodes, typer.Option("--geo-codes", help="gdelt: country codes of the *Geo_CountryCode "
                                                                     "columns: fips (FIPS 10-4, as GDELT), iso3, "
                                                                     "iso2 or cameo.")] = GeoCodes.fips,
    limit: Annotated[str | None, typer.Option("--limit", "-n", metavar="N", help="At most N rows: the first N in the "
                                                                              "export's fixed order (events by date, "
                                                                              "article, sentence); default every row.",
                                              show_default=False)] = None,
    actor: ActorFilter = None,
    pair: PairFilter = None,
    start: FromFilter = None,
    end: ToFilter = None,
    root: RootFilter = None,
    quad: QuadFilter = None,
    polarity: PolarityFilter = None,
    modality: ModalityFilter = None,
    article: ArticleFilter = None,
    include_all: Annotated[bool | None, typer.Option("--all/--counted", help="--all: every event, negated, "
                                                                             "hypothetical and denied ones too; "
                                                                             "--counted: only the counted ones "
                                                                             "(as `events`). Default: --counted for "
                                                                             "gdelt, --all for the others.",
                                                     show_default=False)] = None,
    db: DbOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Export the store: JSON Lines, CSV, Parquet, or GDELT 2.0 rows; events filtered as in `events`."""
    from ..export import check_limit, export

    rows = check_limit(limit)  # a bad --limit is told before the store is opened
    filters = event_filters(actor, pair, start, end, root, quad, polarity, modality, article)
    if include_all is None and (polarity is not None or modality is not None):
        include_all = True  # as in `events`: asking for a polarity or modality asks for those events
    config = _config(db=db)
    with _store(config, read_only=True) as store:
        counts_only = None if include_all is None else not include_all
        left_out: Counter[str] = Counter()
        n = export(store, fmt.value, out=out, table=table.value, header=header, counts_only=counts_only,
                   limit=rows, geo_codes=geo_codes.value, left_out=left_out, **filters)
    if out and not quiet:
        cut = f" (the first {n:,} in the export's order: --limit)" if rows is not None and n == rows else ""
        _console(stderr=True).print(f"{n:,} rows written to {out}{cut}")
    _warn_left_out(left_out, quiet)


# --- demo --------------------------------------------------------------------------------------

def examples_dir() -> Path:
    """The bundled examples: ``examples/`` beside ``src/`` in a checkout, else in the working directory."""
    import detente

    for candidate in (Path(detente.__file__).resolve().parents[2] / "examples", Path.cwd() / "examples"):
        if candidate.is_dir():
            return candidate
    raise InputError("E140", "examples/", "the bundled examples folder is missing (run from a detente checkout)")


@app.command()
def demo(
    db: DbOpt = None,
    processes: ProcOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Ingest the bundled examples/ into the store and show what came out."""
    from ..ingest import usable_files
    from ..runner import ingest as run_ingest

    folder = examples_dir()
    files = [str(p) for p in usable_files(folder) if not p.name.lower().startswith("readme")]
    if not files:
        raise InputError("E141", str(folder), "no example articles in it")
    config = _config(db=db, n_process=processes or 1)
    out = _console()
    with _store(config) as store:
        summary = run_ingest(files, config, store)
        s = store.stats(top=5)
        report = None
        try:
            from .. import analysis
        except ImportError:
            analysis = None  # type: ignore[assignment]
        if analysis is not None and hasattr(analysis, "demo_report"):
            report = analysis.demo_report(store)
    if quiet:
        raise typer.Exit(EXIT_FAILED if summary.failed else EXIT_OK)
    try:  # "examples" when run from the repository, as `make demo` does
        shown = Path(folder).resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = Path(folder)
    out.print(f"[bold]detente demo[/bold]: ingested {shown}")
    out.print(f"  articles: {s['articles']:,} in the store ({summary.new:,} new this run, "
              f"{summary.skipped_existing:,} already there, {summary.failed:,} failed)")
    out.print(f"  events:   {s['events']:,} ({s['events_counted']:,} asserted), "
              f"quantities: {s['quantities']:,}, accounts: {s['accounts']:,}")
    if s["top_pairs"]:
        pairs = ", ".join(f"{p['a']}-{p['b']} {p['events']:,}" for p in s["top_pairs"])
        out.print(f"  top country pairs: {pairs}")
    for origin, reason in summary.failures[:5]:
        out.print(f"  [red]failed[/red] {origin}: {reason}", markup=True)
    if report:
        typer.echo(str(report))
    pair = f"{s['top_pairs'][0]['a']},{s['top_pairs'][0]['b']}" if s["top_pairs"] else "CHN,RUS"
    out.print(f"Results are in [bold]{config.db}[/bold]. Next: detente events --db {config.db} --pair {pair}; "
              f"detente stats --db {config.db}")
    out.print(f"Open the app: detente serve --db {config.db}   (then http://127.0.0.1:8000/)", highlight=False)
    if summary.failed:
        raise typer.Exit(EXIT_FAILED)


