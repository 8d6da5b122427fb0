"""Accuracy and speed of the context stage (dates, places, quantities, accounts).

    .venv/bin/python benchmarks/context_accuracy.py [--shared ../shared] [--corpus 200] [-v]

What the shared gold can and cannot measure (inspected 2026-11, ``bench/gold/*.jsonl``):

- Places: only ``plover_dev.jsonl`` carries them: 22 of 161 records have ``eventLoc``
  (``{"name": ...}``, once with ``"country code"``), with the place also marked ``(LOC: ...)`` in
  ``markup``. We resolve the location at the predicate tokens marked ``(EVT: ...)`` and score
  (a) *first trigger*: the first EVT token only; (b) *any trigger*: any EVT token of the record
  (the LOC may belong to a second trigger); (c) *mention recall*: the gold place is among the
  locative place mentions of the sentence. A match is the same GeoNames place (the gold name
  looked up in the gazetteer, "town of X" prefixes removed) or the same name. Records without
  ``eventLoc`` are not "no place" gold (PLOVER did not annotate every place), so predictions on
  them are only counted, not scored.
- Dates: no gold file has event dates. ``plover_dev`` dates are placeholders (2000-01-01,
  ``date_is_placeholder``); ``gsr_dev``/``petr*`` ``date`` is the *story* date. So date accuracy
  cannot be measured on them honestly; we report what can be: how many sentences hold a time
  expression, what kinds, and what the events' ``basis`` would be with the story date as the
  publication date. The date rules are checked by the unit tests (tests/test_context_event_dates.py)
  and by the acceptance article below.
- Quantities: ``plover_dev`` has ``dead`` (5 records), ``injured`` (1) and ``size`` (7, crowd
  sizes, some not numbers). We compare our casualties / injured / counted quantities with them.
- Acceptance article (``examples/china-russia-2022.txt`` + ``bench/expectations``): locations,
  dates and quantities listed there, with the predicate token chosen by a hand-written word per
  expectation (``_ARTICLE_PREDICATES``); accounts with hand-built events (the coder's are not ours).
- Speed: gazetteer load (cached and cold), first call per document, and 10,000
  resolve_date + resolve_location calls after the per-document caches are warm.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from pathlib import Path

from detente.context.accounts import find_accounts
from detente.context.event_dates import find_time_expressions, resolve_date
from detente.context.event_places import place_mentions, resolve_location
from detente.context.gazetteer import fold, gazetteer
from detente.context.quantities import extract_quantities
from detente.nlp import load_pipeline
from detente.records import Actor, Event

_ARTICLE_PREDICATES = {"joint-statement": "signed", "samarkand-putin-xi": "told", "nanping-meeting": "visit"}
_EVT = re.compile(r"\(EVT:\s*([^()\s]+)")
_PREFIX = re.compile(r"^(?:the\s+)?(?:(?:\w+\s+)?(?:town|city|village|province|region|state)\s+of\s+)", re.IGNORECASE)


def _row(*cells: object, widths: tuple[int, ...] = (44, 12, 12)) -> str:
    return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False))


def _same_place(gold: str, loc) -> bool:  # type: ignore[no-untyped-def]
    if loc is None:
        return False
    name = _PREFIX.sub("", gold).strip()
    if fold(name) in (fold(loc.name), fold(loc.text or "")):
        return True
    return any(p.geonames_id == loc.geonames_id for p in gazetteer().lookup(name))


def _trigger_tokens(doc, markup: str) -> list[int]:  # type: ignore[no-untyped-def]
    out = []
    for w in _EVT.findall(markup):
        w = w.strip(").,")
        for t in doc:
            if t.text == w and t.i not in out:
                out.append(t.i)
                break
    return out


def bench_places_and_quantities(nlp, shared: Path, verbose: bool) -> None:  # type: ignore[no-untyped-def]
    gold_text = (shared / "bench/gold/plover_dev.jsonl").read_text(encoding="utf-8")
    recs = [json.loads(line) for line in gold_text.splitlines()]
    g = gazetteer()
    first = anyt = recall = n = 0
    extra = 0
    no_gold = 0
    q_hits = q_n = 0
    for r in recs:
        doc = nlp(r["text"])
        trig = _trigger_tokens(doc, r.get("markup", ""))
        countries = sorted({a["code"][:3] for a in r.get("source_actors", []) + r.get("target_actors", [])
                            if a.get("code")})
        locs = [resolve_location(doc, i, countries) for i in trig]
        gold = (r.get("eventLoc") or {}).get("name")
        if gold:
            n += 1
            ok1 = bool(locs) and _same_place(gold, locs[0])
            oka = any(_same_place(gold, loc) for loc in locs)
            mentions = [m for ms in place_mentions(doc).mentions.values() for m in ms if m.locative]
            okm = any(_PREFIX.sub("", gold).lower() in m.text.lower() or m.text.lower() in gold.lower()
                      for m in mentions)
            first += ok1
            anyt += oka
            recall += okm
            if verbose:
                print(f"  {'OK ' if oka else 'MISS'} gold={gold!r} got={[loc.name if loc else None for loc in locs]}"
                      f" | {r['text'][:90]}")
        else:
            no_gold += 1
            extra += any(loc is not None for loc in locs)
        # quantities against dead / injured / size
        want = {"casualties": r.get("dead"), "injured": r.get("injured"), "participants": r.get("size")}
        qs = extract_quantities(doc, r["id"], lambda t: g.country_of_name(t.text))
        for measure, value in want.items():
            if value in (None, "") or not re.fullmatch(r"\d+", str(value)):
                continue
            q_n += 1
            got = [q.value for q in qs if q.value is not None and q.unit not in ("percent",)]
            hit = float(value) in got
            q_hits += hit
            if verbose:
                print(f"  {'OK ' if hit else 'MISS'} {measure}={value} got={[(q.measure, q.value) for q in qs]}"
                      f" | {r['text'][:80]}")
    print("\nPlaces (plover_dev, records with eventLoc)")
    print(_row("measure", "correct", "accuracy"))
    for label, k in (("location at first EVT trigger", first), ("location at any EVT trigger", anyt),
                     ("gold place among locative mentions", recall)):
        print(_row(label, f"{k}/{n}", f"{k / max(n, 1):.2f}"))
    print(_row("records without eventLoc given a location", f"{extra}/{no_gold}", "(not scored)"))
    print("\nQuantities (plover_dev dead / injured / numeric size)")
    print(_row("value found among the sentence's quantities", f"{q_hits}/{q_n}", f"{q_hits / max(q_n, 1):.2f}"))


def bench_dates(nlp, shared: Path) -> None:  # type: ignore[no-untyped-def]
    print("\nDates (no gold event dates exist; coverage only, story date as publication date)")
    print(_row("file", "sentences", "with expr", "explicit", "relative", "publication",
               widths=(22, 10, 10, 10, 10, 12)))
    for name in ("gsr_dev", "petr_validate_dev", "petr2_dev", "plover_dev"):
        gold_text = (shared / f"bench/gold/{name}.jsonl").read_text(encoding="utf-8")
        recs = [json.loads(line) for line in gold_text.splitlines()]
        with_expr = 0
        basis = {"explicit": 0, "relative": 0, "publication": 0}
        for doc, r in nlp.pipe(((r["text"], r) for r in recs), as_tuples=True):
            if find_time_expressions(doc):
                with_expr += 1
            pub = None if r.get("date_is_placeholder") else r.get("date")
            root = next((t.i for t in doc if t.dep_ == "ROOT"), 0)
            basis[resolve_date(doc, root, pub).basis] += 1
        print(_row(name, len(recs), with_expr, basis["explicit"], basis["relative"], basis["publication"],
                   widths=(22, 10, 10, 10, 10, 12)))
    print("  (the date of each sentence's ROOT verb; plover_dev has no publication date, so its relative\n"
          "   expressions cannot be resolved and fall back to basis 'publication' with date None)")


def bench_article(nlp, shared: Path) -> None:  # type: ignore[no-untyped-def]
    exp = json.loads((shared / "bench/expectations/china-russia-2022.json").read_text(encoding="utf-8"))
    text = (shared / exp["article"]).read_text(encoding="utf-8")
    pub = exp["published"]
    doc = nlp(text)
    sents = list(doc.sents)
    print("\nAcceptance article (china-russia-2022)")
    print(_row("check", "result", "got", widths=(40, 8, 60)))
    g = gazetteer()
    for item in exp["must_find"]:
        word = _ARTICLE_PREDICATES.get(item["id"])
        if not word:
            continue
        sent = next(s for s in sents if item["sentence_has"] in s.text and any(t.text == word for t in s))
        tok = next(t for t in sent if t.text == word)
        countries = item["actors"]
        if "date_from" in item:
            d = resolve_date(doc, tok.i, pub)
            ok = d.date is not None and item["date_from"] <= d.date <= item["date_to"]
            print(_row(f"{item['id']} date", "PASS" if ok else "FAIL", f"{d.date} {d.precision} {d.basis} "
                       f"{d.text!r}", widths=(40, 8, 60)))
        if "location_name" in item:
            loc = resolve_location(doc, tok.i, countries)
            want = exp["locations"][item["location_name"]]
            ok = loc is not None and loc.country == item["location_country"] and loc.name == item["location_name"] \
                and abs((loc.lat or 0) - want["lat"]) < 0.1 and abs((loc.lon or 0) - want["lon"]) < 0.1
            got = f"{loc.name} {loc.country} {loc.lat:.2f},{loc.lon:.2f}" if loc and loc.lat else str(loc)
            print(_row(f"{item['id']} location", "PASS" if ok else "FAIL", got, widths=(40, 8, 60)))
    qs = extract_quantities(doc, "article", lambda t: g.country_of_name(t.text))
    for want in exp["quantities"]:
        hit = [q for q in qs if want["sentence_has"] in q.sentence and q.measure == want["measure"]
               and q.change == want["change_percent"] and q.from_country == want["from"] and q.to_country == want["to"]]
        got = [(q.measure, q.change, q.from_country, q.to_country) for q in qs if want["sentence_has"] in q.sentence]
        print(_row(f"quantity {want['id']}", "PASS" if hit else "FAIL", got, widths=(40, 8, 60)))
    # accounts: hand-built events for the sentences the expectations name
    def ev(eid: str, si: int, a: str, b: str, code: str, name: str, claimant: str | None = None) -> Event:
        return Event(event_id=eid, article_id="article", sentence_index=si, sentence=sents[si].text, spans={},
                     date=None, date_precision="day", date_basis="publication", source=Actor(text=a, country=a),
                     target=Actor(text=b, country=b), cameo=code, cameo_root=code[:2], quad_class=1, goldstein=1.0,
                     plover=None, plover_mode=None, cameo_name=name,
                     claimant=Actor(text=claimant, country=claimant) if claimant else None)
    si_meet = next(i for i, s in enumerate(sents) if "met with" in s.text)
    si_coop = next(i for i, s in enumerate(sents) if "military cooperation" in s.text)
    events = [ev("meet", si_meet, "RUS", "CHN", "040", "Consult"),
              ev("coop", si_coop, "RUS", "CHN", "0312", "Agree to military cooperation", claimant="RUS")]
    for want in exp["divergent_accounts"]:
        accs = find_accounts("article", events, doc)
        ok = any(sorted(a.parties) == sorted(want["parties"]) for a in accs)
        print(_row(f"account {want['id']}", "PASS" if ok else "FAIL", accs[0].summary[:60] if accs else "none",
                   widths=(40, 8, 60)))


def bench_speed(nlp, shared: Path, corpus_n: int) -> None:  # type: ignore[no-untyped-def]
    print("\nSpeed")
    gazetteer.cache_clear()
    t0 = time.perf_counter()
    g = gazetteer()
    print(_row("gazetteer load (process start)", f"{time.perf_counter() - t0:.3f} s",
               f"{len(g.index)} names", widths=(44, 12, 20)))
    exp = json.loads((shared / "bench/expectations/china-russia-2022.json").read_text(encoding="utf-8"))
    doc = nlp((shared / exp["article"]).read_text(encoding="utf-8"))
    preds = [t.i for t in doc if t.pos_ in ("VERB", "NOUN")]
    t0 = time.perf_counter()
    for i in preds:
        resolve_date(doc, i, exp["published"])
        resolve_location(doc, i, ["CHN", "RUS"])
    first = time.perf_counter() - t0
    calls = 0
    t0 = time.perf_counter()
    while calls < 10_000:
        for i in preds:
            resolve_date(doc, i, exp["published"])
            resolve_location(doc, i, ["CHN", "RUS"])
            calls += 1
            if calls >= 10_000:
                break
    warm = time.perf_counter() - t0
    print(_row(f"article, first pass over {len(preds)} predicates", f"{first:.3f} s", "", widths=(44, 12, 20)))
    print(_row("10,000 date+location calls, warm", f"{warm:.3f} s", "", widths=(44, 12, 20)))
    if corpus_n:
        path = shared / "corpus/news-sample.jsonl.gz"
        texts = []
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                texts.append((d["text"][:20000], d.get("date")))
                if len(texts) >= corpus_n:
                    break
        docs = [(d, pub) for d, pub in nlp.pipe(texts, as_tuples=True)]
        n_calls = 0
        t0 = time.perf_counter()
        for d, pub in docs:
            for t in d:
                if t.pos_ == "VERB":
                    resolve_date(d, t.i, pub)
                    resolve_location(d, t.i, ())
                    n_calls += 1
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        nq = sum(len(extract_quantities(d, "x", lambda t: g.country_of_name(t.text))) for d, _ in docs)
        qt = time.perf_counter() - t0
        print(_row(f"corpus: {len(docs)} articles, {n_calls} verbs (cold docs)", f"{cold:.3f} s",
                   f"{1000 * cold / len(docs):.1f} ms/article", widths=(44, 12, 20)))
        print(_row(f"corpus: extract_quantities ({nq} found)", f"{qt:.3f} s",
                   f"{1000 * qt / len(docs):.1f} ms/article", widths=(44, 12, 20)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--corpus", type=int, default=100, help="articles of the news sample for the speed run (0: skip)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "bench").exists():
        print(f"no shared evaluation data at {shared}", file=sys.stderr)
        return 2
    nlp = load_pipeline()
    bench_places_and_quantities(nlp, shared, args.verbose)
    bench_dates(nlp, shared)
    bench_article(nlp, shared)
    bench_speed(nlp, shared, args.corpus)
    print(f"\ncommand: .venv/bin/python benchmarks/context_accuracy.py --shared {shared} --corpus {args.corpus}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
