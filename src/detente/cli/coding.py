"""``detente eval``: code a gold set, write predictions, print precision/recall/F1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .app import app


def dictionary_files(path: str) -> list[str]:
    """Actor and agent dictionaries in a folder (PETRARCH .txt or their JSON conversions)."""
    p = Path(path)
    if p.is_file():
        return [str(p)]
    if not p.is_dir():
        raise typer.BadParameter(f"{path}: no such file or folder", param_hint="--dicts")
    found = sorted(str(f) for f in p.iterdir() if f.suffix == ".json" and f.stem in ("actors", "agents"))
    if not found:
        raw = p / "raw"
        found = sorted(str(f) for f in (raw if raw.is_dir() else p).iterdir()
                       if f.suffix.lower() == ".txt" and ("actor" in f.name.lower() or "agent" in f.name.lower()))
    if not found:
        raise typer.BadParameter(f"{path}: no actors/agents dictionaries found", param_hint="--dicts")
    return found


@app.command("eval")
def eval_cmd(
    gold: str = typer.Argument(..., help="gold JSONL: {id, text, date, expected:[{source,target,code}]}"),
    dicts: Annotated[list[str] | None,
                     typer.Option("--dicts", help="folder or file of actor/agent dictionaries")] = None,
    verbs: Annotated[list[str] | None,
                     typer.Option("--verbs", help="extra verb patterns (TSV or PETRARCH .txt)")] = None,
    out: str | None = typer.Option(None, "--out", help="write predictions JSONL here"),
    actor_chars: int = typer.Option(0, "--actor-chars", help="compare the first N characters of actor codes"),
    include_all: bool = typer.Option(False, "--all-events", help="also predict negated/hypothetical events"),
    unplaced: bool = typer.Option(False, "--unplaced", help="also predict events with an actor known only by its "
                                                             "sector, written ---GOV (analyses leave them out)"),
    min_confidence: float | None = typer.Option(None, "--min-confidence", min=0.0, max=1.0,
                                                help="predict only events at least this confident (default: "
                                                     "0.3 where the rules' confidence is calibrated, 0.6 "
                                                     "where it is their heuristic: calibrate = false, "
                                                     "petrarch_practice = true)"),
    plover: bool | None = typer.Option(None, "--plover/--cameo", help="compare PLOVER types (auto-detected)"),
    iso: bool | None = typer.Option(None, "--iso-countries/--cameo-countries",
                                    help="write actors' countries as ISO 3166 codes (ROU, not CAMEO's ROM); "
                                         "default: ISO for PLOVER gold, CAMEO otherwise"),
    json_out: str | None = typer.Option(None, "--json-out", help="write the metrics as JSON"),
    news: bool | None = typer.Option(None, "--news/--no-news",
                                     help="score as the real-news sentence gold: actors as countries and "
                                          "known-group codes (auto-detected from the records)"),
    misses_out: str | None = typer.Option(None, "--misses", help="write each miss (no event, wrong root, wrong "
                                                                 "source, wrong target, extra) with its "
                                                                 "sentence as JSONL"),
    trace: bool = typer.Option(False, "--trace", help="with --out: each predicted event's pattern, the "
                                                      "event rules that made it (detente.coding.rules) and its "
                                                      "modality"),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Code each gold record and score the predictions (exact, root, presence; per root; confusions)."""
    from ..config import load_config
    from ..evaluation import MISS_KINDS, evaluate, read_gold
    from ..pipeline import Engine

    rows = read_gold(gold)
    files = [f for d in (dicts or []) for f in dictionary_files(d)]
    engine = Engine(load_config(actors=tuple(files), lexicon=tuple(verbs or ())))
    result = evaluate(rows, engine, min_confidence=min_confidence, include_all=include_all, unplaced=unplaced,
                      plover=plover, iso=iso, news=news, actor_chars=actor_chars, trace=trace)
    report, missed, use_plover, use_news = result.report, result.missed, result.plover, result.news
    if out:
        Path(out).write_text("\n".join(result.prediction_lines()) + "\n", encoding="utf-8")
    if misses_out:
        Path(misses_out).write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in missed),
                                    encoding="utf-8")
    if json_out:
        Path(json_out).write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
    console = Console()
    actors_as = "actors as countries" if use_news else f"actor chars {actor_chars or 'all'}"
    table = Table(title=f"{Path(gold).name}: {report.records} records "
                        f"({'PLOVER' if use_plover else 'CAMEO'}, {actors_as}, "
                        f"confidence >= {result.min_confidence})")
    for col in ("level", "P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(col, justify="right" if col != "level" else "left")
    for level, sc in report.levels.items():
        table.add_row(level, f"{sc.precision:.3f}", f"{sc.recall:.3f}", f"{sc.f1:.3f}", str(sc.tp), str(sc.fp),
                      str(sc.fn))
    console.print(table)
    if not quiet:
        roots = Table(title="per root")
        for col in ("root", "P", "R", "F1", "TP", "FP", "FN"):
            roots.add_column(col)
        for code, sc in sorted(report.per_root.items()):
            roots.add_row(code, f"{sc.precision:.2f}", f"{sc.recall:.2f}", f"{sc.f1:.2f}", str(sc.tp), str(sc.fp),
                          str(sc.fn))
        console.print(roots)
        conf = Table(title="worst confusions (gold -> predicted)")
        conf.add_column("gold")
        conf.add_column("predicted")
        conf.add_column("records", justify="right")
        for (g, p), n in report.confusions.most_common(10):
            conf.add_row(g, p, str(n))
        console.print(conf)
        where = f" (each in {misses_out})" if misses_out else " (--misses FILE lists them)"
        kinds = Table(title="misses by kind" + where)
        kinds.add_column("kind")
        kinds.add_column("events", justify="right")
        for kind in MISS_KINDS:
            kinds.add_row(kind, str(sum(1 for m in missed if m["kind"] == kind)))
        console.print(kinds)
    root = report.levels["root"]
    print(f"F1_root={root.f1:.4f} P_root={root.precision:.4f} R_root={root.recall:.4f}")
