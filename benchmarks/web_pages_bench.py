"""Speed of the web pages and their JSON endpoints (issue #14: median < 300 ms).

    .venv/bin/python benchmarks/web_pages_bench.py --db /tmp/web-bench.duckdb      # builds it if missing
    .venv/bin/python benchmarks/web_pages_bench.py --db news.duckdb --no-build     # a real ingested store

Without a store ingested from ``../shared/corpus/news-sample.jsonl.gz`` (``detente ingest`` takes
10-17 minutes on 2 cores), ``--db`` missing builds a store of the same size in about a minute:
the 5,864 real articles of the news sample, each with 10-11 events (62,000 in all, as the real
ingest stores) whose sentences are real sentences of the article and whose actors, CAMEO codes,
dates, factuality and claimants are drawn at random (seeded), plus one divergent account every 8
articles. No NLP runs. The server is ``detente serve``'s app under uvicorn on 127.0.0.1; each URL
is asked ``--repeat`` times over one keep-alive connection after one warm-up request. Prints a
Markdown table of median and 90th percentile milliseconds, and the warm-up's ("first": the first
happening-based request on a copy of the store also builds the analysis database the later ones
share, detente.api.analysis_db).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import socket
import statistics
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "corpus" / "news-sample.jsonl.gz"
STATES = ["USA", "CHN", "RUS", "GBR", "FRA", "DEU", "IND", "IRN", "ISR", "UKR", "TUR", "SAU", "PRK", "KOR",
          "JPN", "SYR", "PAK", "AFG", "MEX", "CAN", "BRA", "VEN", "EGY", "IRQ", "ITA", "ESP", "POL", "NGA"]
SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


def build(path: str, seed: int = 14) -> None:
    from detente.coding.codebook import load_codebook
    from detente.records import Account, Actor, Article, CodedArticle, Event, Location, event_id_for
    from detente.store import Store

    cb = load_codebook()
    codes = [c for c in cb.codes() if len(c) >= 3]
    rnd = random.Random(seed)
    coded = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            art = Article.make(rec["text"], url=rec.get("url"), title=rec.get("title"), source=rec.get("source"),
                               published=rec.get("date"), lang="en", origin=rec.get("id"), source_id=rec.get("id"))
            sents = [(m.start(), m.group(0).strip()) for m in SENTENCE.finditer(art.text) if len(m.group(0)) > 40]
            events = []
            for k in range(min(len(sents), rnd.choice((10, 11, 11)))):
                si = rnd.randrange(len(sents))
                sent = sents[si][1]
                words = [m.span() for m in re.finditer(r"\w+", sent)]
                if len(words) < 6:
                    continue
                a, b = rnd.sample(STATES, 2)
                code = rnd.choice(codes)
                ptype, pmode, pctx = cb.plover(code)
                pred = words[len(words) // 2]
                claim = rnd.random() < 0.15
                events.append(Event(
                    event_id=event_id_for(art.article_id, si, pred, f"{code}{k}"), article_id=art.article_id,
                    sentence_index=si, sentence=sent,
                    spans={"source": list(words[0]), "predicate": list(pred), "target": list(words[-1])},
                    date=rec.get("date"), date_precision="day", date_basis="publication",
                    source=Actor(text=sent[words[0][0]:words[0][1]], code=a + "GOV", country=a, sector="GOV",
                                 name=a, kind="state"),
                    target=Actor(text=sent[words[-1][0]:words[-1][1]], code=b, country=b, name=b, kind="state"),
                    cameo=code, cameo_root=code[:2], cameo_name=cb.name(code), quad_class=cb.quad_class(code),
                    goldstein=cb.goldstein(code), plover=ptype, plover_mode=pmode, plover_context=pctx,
                    polarity="negated" if rnd.random() < 0.05 else "asserted",
                    modality=rnd.choice(("actual",) * 8 + ("intended", "hypothetical")),
                    claimant=Actor(text="officials", code=b + "GOV", country=b, name=b, kind="state") if claim
                    else None,
                    location=Location(name="Samarkand", country="UZB", lat=39.65, lon=66.96) if k % 4 == 0 else None,
                    confidence=round(rnd.uniform(0.4, 0.95), 2), coder="bench", trigger=sent[pred[0]:pred[1]]))
            accounts = []
            if len(coded) % 8 == 0 and len(events) >= 2:
                e1, e2 = events[0], events[1]
                accounts.append(Account(article_id=art.article_id, parties=[e1.source.country, e1.target.country],
                                        summary="The two sides describe it differently.",
                                        event_ids=[e1.event_id, e2.event_id], account_id=f"acc{len(coded)}",
                                        claims=[{"party": e1.source.country, "event_ids": [e1.event_id],
                                                 "says": e1.sentence[:80]},
                                                {"party": e1.target.country, "event_ids": [e2.event_id],
                                                 "says": e2.sentence[:80]}]))
            coded.append(CodedArticle(article=art, events=events, quantities=[], accounts=accounts))
    with Store(path) as s:
        run = s.start_run([str(NEWS)])
        for i in range(0, len(coded), 500):
            s.write_many(coded[i:i + 500], run_id=run)
        s.update_run(run, status="done", finished=True, counts={"read": len(coded), "new": len(coded)})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def urls(db: str) -> list[tuple[str, str]]:
    """Every page and JSON route of issue #14, with the store's busiest article, pair and country."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    busiest = con.execute("SELECT article_id FROM articles ORDER BY n_events DESC, article_id LIMIT 1").fetchone()
    with_account = con.execute("SELECT article_id FROM accounts ORDER BY article_id LIMIT 1").fetchone()
    pair = con.execute("""SELECT least(source_country, target_country), greatest(source_country, target_country)
                          FROM events WHERE source_country <> target_country GROUP BY 1, 2
                          ORDER BY count(*) DESC, 1, 2 LIMIT 1""").fetchone() or ("CHN", "RUS")
    event = con.execute("SELECT event_id FROM events ORDER BY event_id LIMIT 1").fetchone()
    n_events = con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    con.close()
    aid = busiest[0] if busiest else "none"
    acc = with_account[0] if with_account else aid
    a, b = pair
    last = max(int(n_events) - 50, 0)
    return [
        ("overview page", "/"),
        ("pair explorer page, busiest pair", f"/pair?a={a}&b={b}"),
        ("events page, no filter", "/browse"),
        ("events page, last page, sorted by goldstein", f"/browse?sort=-goldstein&offset={last}&limit=50"),
        ("events page, actor + quad + text search", f"/browse?actor={a}&quad=4&q=the"),
        ("events page, pair + plover + claimant + dates",
         f"/browse?pair={a},{b}&plover=ACCUSE&claimant=any&from=2000&to=2030"),
        ("/events JSON, 100 rows", "/events?limit=100"),
        ("/events JSON, deep offset, sorted", f"/events?offset={n_events // 2}&limit=100&sort=-date"),
        ("/events JSON, text search", "/events?q=%22prime%20minister%22&limit=100"),
        ("/events CSV, 1000 rows", "/events?format=csv&limit=1000"),
        ("/events JSONL, 1000 rows", "/events?format=jsonl&limit=1000"),
        ("article page, busiest article", f"/article/{aid}"),
        ("article page, with an account", f"/article/{acc}"),
        ("/articles/{id} JSON", f"/articles/{aid}"),
        ("relations page", "/relations/view"),
        ("/relations JSON", "/relations"),
        ("/happenings JSON, busiest pair", f"/happenings?pair={a},{b}&limit=100"),
        ("review page, busiest pair", f"/review?pair={a},{b}"),
        ("review page, one event", f"/review/{event[0] if event else 'none'}"),
        ("/reviews JSON", "/reviews"),
        ("/actors?q= autocomplete", "/actors?q=ch"),
        ("/docs", "/docs"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/tmp/web-bench.duckdb")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    if not Path(args.db).exists():
        if args.no_build:
            raise SystemExit(f"no store {args.db}")
        t0 = time.perf_counter()
        build(args.db)
        print(f"built {args.db} in {time.perf_counter() - t0:.0f} s")
    import httpx
    import uvicorn

    from detente.api import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(db_path=args.db)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    import duckdb

    con = duckdb.connect(args.db, read_only=True)
    n_art, n_ev = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM events)").fetchone()
    con.close()
    print(f"store {args.db}: {n_art:,} articles, {n_ev:,} events; load {'/'.join(f'{x:.1f}' for x in os.getloadavg())}"
          f"; {args.repeat} requests each after 1 warm-up\n")
    print("| request | status | bytes | median ms | p90 ms | first ms |\n|---|---:|---:|---:|---:|---:|")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for label, url in urls(args.db):
            t0 = time.perf_counter()
            r = client.get(url)
            first = (time.perf_counter() - t0) * 1000  # the warm-up: may make what later requests share
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
            print(f"| {label} (`{url}`) | {r.status_code} | {len(r.content):,} | {statistics.median(times):.0f} | "
                  f"{p90:.0f} | {first:.0f} |")
    srv.should_exit = True


if __name__ == "__main__":
    main()
