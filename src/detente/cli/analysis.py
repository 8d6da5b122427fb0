"""Analysis commands: ``dyad``, ``changes``, ``relations``, ``happenings``.

Thin: parse options, call :mod:`detente.analysis`, print (Rich tables) and write files.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from .app import DbOpt, app, console


@contextmanager
def _opened(db: str | None, read_only: bool = True) -> Iterator[Any]:
    """The store's connection, closed afterwards. Reading commands attach the store read-only
    (happenings are brought up to date in memory); a missing store is E306, never created.
    Errors become one line through the app's DetenteGroup."""
    from ..analysis.common import open_db
    from ..config import load_config

    con = open_db(db if db else load_config().db, read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def _reviewed(con: Any, reviewed: bool) -> None:
    """--reviewed: the events with the analysts' reviews applied (:func:`detente.reviews.apply_reviews`)."""
    if reviewed:
        from ..reviews import apply_reviews

        apply_reviews(con)


def _console() -> Console:
    return console()


def _fmt(v: object) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:+.1f}" if v else "0"
    return str(v)


@app.command()
def dyad(
    a: str = typer.Argument(..., metavar="A", help="first country (CAMEO code or name, any case: CHN, china)"),
    b: str = typer.Argument(..., metavar="B", help="second country (e.g. RUS, Russia)"),
    freq: str = typer.Option("month", "--freq", help="month or week"),
    start: str | None = typer.Option(None, "--from", help="first date (YYYY-MM-DD, YYYY-MM or YYYY)"),
    end: str | None = typer.Option(None, "--to", help="last date, inclusive (2025-09: to 30 September)"),
    directed: bool = typer.Option(False, "--directed", help="only A -> B"),
    weighted: bool = typer.Option(False, "--weighted", help="weight Goldstein by the number of mentions"),
    include_all: bool = typer.Option(False, "--all", help="also negated, hypothetical and denied events"),
    csv_path: str | None = typer.Option(None, "--csv", help="write the series as CSV"),
    parquet_path: str | None = typer.Option(None, "--parquet", help="write the series as Parquet"),
    plot: str | None = typer.Option(None, "--plot", help="write the dyad chart (.png or .svg)"),
    reviewed: bool = typer.Option(False, "--reviewed", help="apply the analysts' reviews (detente.reviews): "
                                                          "corrected events as corrected, wrong ones left out"),
    db: DbOpt = None,
) -> None:
    """The A–B relation period by period: counts by QuadClass (raw, and per 1,000 coded articles of the
    period), Goldstein, cooperation–conflict index."""
    from ..actors.lookup import actor_arg
    from ..analysis import cluster_happenings, detect_changes, dyad_series, write_series
    from ..analysis.dyads import dyad_sources, series_caption
    console = _console()
    a, b = actor_arg(a, what="A"), actor_arg(b, what="B")

    with _opened(db) as con:
        _reviewed(con, reviewed)
        cluster_happenings(con, only_new=True, include_all=include_all)
        series = dyad_series(con, a, b, freq=freq, start=start, end=end, directed=directed,
                             weighted=weighted, include_all=include_all)
        sources = dyad_sources(con, a, b, start=start, end=end, directed=directed,
                               include_all=include_all) if plot and series else None
    arrow = "→" if directed else "–"
    table = Table(title=f"{a.upper()} {arrow} {b.upper()} by {freq} (happenings"
                        f"{', mention-weighted' if weighted else ''}{', all factualities' if include_all else ''})")
    for col in ("period", "n", "per 1k articles", "articles", "q1", "q2", "q3", "q4", "goldstein sum",
                "goldstein mean", "index"):
        table.add_column(col, justify="left" if col == "period" else "right")
    for r in series:
        per = "–" if r["n_per_1000"] is None else f"{r['n_per_1000']:.1f}"
        table.add_row(r["period"], str(r["n"]), per, _fmt(r["articles"]), str(r["q1"]), str(r["q2"]), str(r["q3"]),
                      str(r["q4"]), _fmt(r["goldstein_sum"]), _fmt(r["goldstein_mean"]), _fmt(r["index"]))
    console.print(table)
    if not series:
        console.print(f"No happenings between {a.upper()} and {b.upper()}.")
    elif any(not r["n"] for r in series):
        console.print(f"index –: no happening that {freq} (missing, not neutral)")
    for path in (csv_path, parquet_path):
        if path:
            write_series(series, path)
            console.print(f"wrote {path}")
    if plot:
        from ..analysis.plots import dyad_chart

        dyad_chart(series, detect_changes(series) if series else [], plot,
                   title=f"{a.upper()} {arrow} {b.upper()}: cooperation – conflict index",
                   caption=series_caption(a, b, freq, series, sources, directed=directed, weighted=weighted,
                                          include_all=include_all))
        console.print(f"wrote {plot}")


@app.command()
def changes(
    a: str = typer.Argument(..., metavar="A", help="first country (code or name, any case: CHN, china)"),
    b: str = typer.Argument(..., metavar="B", help="second country (e.g. RUS, Russia)"),
    penalty: float | None = typer.Option(None, "--penalty",
                                            help="ruptures l2 penalty (default: 2 sigma^2 log n)"),
    freq: str = typer.Option("month", "--freq", help="month or week"),
    start: str | None = typer.Option(None, "--from", help="first date (YYYY-MM-DD, YYYY-MM or YYYY)"),
    end: str | None = typer.Option(None, "--to", help="last date, inclusive (2025-09: to 30 September)"),
    top: int = typer.Option(5, "--top", help="happenings listed per change"),
    reviewed: bool = typer.Option(False, "--reviewed", help="apply the analysts' reviews (detente.reviews): "
                                                          "corrected events as corrected, wrong ones left out"),
    db: DbOpt = None,
) -> None:
    """When the A–B relation changed, from what level to what, and the happenings that moved it."""
    from ..actors.lookup import actor_arg
    from ..analysis import cluster_happenings, dyad_changes
    from ..analysis.changes import no_change_hint
    console = _console()
    a, b = actor_arg(a, what="A"), actor_arg(b, what="B")

    with _opened(db) as con:
        _reviewed(con, reviewed)
        cluster_happenings(con, only_new=True)
        series, found = dyad_changes(con, a, b, freq=freq, penalty=penalty, start=start, end=end, top=top)
    if not found:
        active = sum(1 for r in series if r["n"])
        console.print(f"No change point in {a.upper()}–{b.upper()} ({len(series)} {freq}s, {active} with happenings).")
        hint = no_change_hint(series, freq, penalty)
        if hint:
            console.print(hint)
        return
    for ch in found:
        verb = "warmed" if ch["delta"] > 0 else "cooled"
        console.print(f"[bold]{ch['period']}[/bold]: {a.upper()}–{b.upper()} {verb} from "
                      f"{ch['level_before']:+.1f} to {ch['level_after']:+.1f} (segment means; index "
                      f"{ch['index_before']:+.1f} in {ch['previous_period'][:7]}, {ch['index_after']:+.1f} in "
                      f"{ch['period'][:7]}; penalty {ch['penalty']})")
        if not ch["drivers"]:
            console.print(f"No drivers: {ch.get('note', 'no happening pushed the index this way')}.")
            continue
        table = Table(show_header=True)
        for col in ("date", "cameo", "goldstein", "mentions", "sentence", "articles"):
            table.add_column(col)
        for d in ch["drivers"]:
            table.add_row(d["date"] or "", d["cameo"] or "", f"{d['goldstein']:+.1f}", str(d["mentions"]),
                          d["sentence"] or "", "\n".join(_article_label(x) for x in d.get("articles") or []))
        console.print(table)


def _article_label(article: dict) -> str:
    """An article as a reader knows it: its title and link (or outlet), else its id."""
    title, url, source = article.get("title"), article.get("url"), article.get("source")
    if title and url:
        return f"{title} <{url}>"
    if title or url:
        return str(title or url) + (f" ({source})" if source and title else "")
    return article["article_id"][:12] + (f" ({source})" if source else "")


@app.command()
def relations(
    start: str | None = typer.Option(None, "--from", help="first date (default: earliest)"),
    end: str | None = typer.Option(None, "--to", help="last date, inclusive (default: latest)"),
    csv_path: str | None = typer.Option(None, "--csv", help="write the matrix as CSV"),
    heatmap: str | None = typer.Option(None, "--heatmap", help="write a heatmap (.png or .svg)"),
    top: int = typer.Option(5, "--top", help="warming and cooling pairs listed"),
    organisations: bool = typer.Option(False, "--organisations",
                                       help="also organisations, groups and regions (UN, NATO, EU), in rows of "
                                            "their own after the states"),
    counts_csv: str | None = typer.Option(None, "--counts-csv", help="write the happenings per pair as CSV"),
    reviewed: bool = typer.Option(False, "--reviewed", help="apply the analysts' reviews (detente.reviews): "
                                                          "corrected events as corrected, wrong ones left out"),
    db: DbOpt = None,
) -> None:
    """Country × country index for a period, and the pairs warming and cooling most."""
    from ..analysis import cluster_happenings, relations_matrix
    console = _console()

    with _opened(db) as con:
        _reviewed(con, reviewed)
        cluster_happenings(con, only_new=True)
        rel = relations_matrix(con, start, end, organisations=organisations)
    n_states = len(rel.countries) - len(rel.organisations)
    console.print(f"Relations {rel.start} – {rel.end}: {len(rel.pairs)} pairs, {n_states} states"
                  + (f" and {len(rel.organisations)} organisations" if organisations else "")
                  + f" (halves split at {rel.mid}).")
    if rel.left_out:
        console.print(f"{rel.left_out} happenings with an organisation, group or region left out "
                      f"(--organisations to include them).")
    for name, rows in (("warming", rel.warming(top)), ("cooling", rel.cooling(top))):
        table = Table(title=f"Top {name} pairs (second half vs first half)")
        for col in ("pair", "happenings", "first half", "second half", "change", "whole period"):
            table.add_column(col, justify="left" if col == "pair" else "right")
        for p in rows:
            table.add_row(f"{p['a']}–{p['b']}", f"{p['n']} ({p['n_first']}+{p['n_second']})",
                          _fmt(p["index_first"]), _fmt(p["index_second"]), _fmt(p["change"]), _fmt(p["index"]))
        console.print(table)
        if not rows:
            console.print(f"No {name} pair: {rel.why_none(name)}.")
    if csv_path:
        rel.to_csv(csv_path)
        console.print(f"wrote {csv_path}")
    if counts_csv:
        rel.to_csv(counts_csv, counts=True)
        console.print(f"wrote {counts_csv}")
    if heatmap:
        rel.heatmap(heatmap)
        console.print(f"wrote {heatmap}")


@app.command()
def happenings(
    rebuild: bool = typer.Option(False, "--rebuild", help="re-cluster everything (default: only new events)"),
    include_all: bool = typer.Option(False, "--all", help="also cluster negated/hypothetical/denied events"),
    top: int = typer.Option(10, "--top", help="most reported happenings listed"),
    db: DbOpt = None,
) -> None:
    """Group events that report the same happening and save them in the store (tables happenings,
    happening_events, and the dyad table dyad_counts); dyad, changes and relations then only cluster what
    is new since."""
    from ..analysis import cluster_happenings
    from ..analysis.dyadcounts import update_dyad_counts
    console = _console()

    with _opened(db, read_only=False) as con:  # this command saves the clustering in the store
        summary = cluster_happenings(con, only_new=not rebuild, include_all=include_all, dyad_counts=False)
        # and the dyad table unit=events series read: built here once (missing, stale, or --rebuild),
        # not also by cluster_happenings (a stale table was built twice by --rebuild)
        update_dyad_counts(con, force=rebuild)
        rows = con.execute("""SELECT date, pair, cameo, num_mentions, num_articles, num_sources, sentence
                              FROM happenings ORDER BY num_mentions DESC, date, happening_id LIMIT ?""",
                           [top]).fetchall()
    console.print(summary.text())
    if rows:
        table = Table(title="Most reported happenings")
        for col in ("date", "pair", "cameo", "mentions", "articles", "outlets", "sentence"):
            table.add_column(col)
        for r in rows:
            table.add_row(str(r[0]), r[1], r[2] or "", str(r[3]), str(r[4]), str(r[5]), r[6] or "")
        console.print(table)
