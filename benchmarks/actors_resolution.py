"""Benchmark actor resolution: speed (mentions/s) and country accuracy on the gold sets.

    .venv/bin/python benchmarks/actors_resolution.py [--shared ../shared] [--actors FILE ...]

1. speed: ``DocActors`` built per document and ``actors_for`` called on every noun/pronoun head
   of real news articles (shared/corpus/news-sample.jsonl.gz; generated text when absent) until
   10,000 mentions are resolved. Parsing is not timed; CPU (process) time is the figure to
   compare, wall time depends on what else the machine runs.
2. plover_dev: each gold actor text (``source_actors``/``target_actors``) is found in the sentence,
   its head token resolved; reported: share found (an actor with a country), and the share of
   those whose country matches the gold code. Old PETRARCH codes are mapped (JAP=JPN, ITL=ITA,
   ROU=ROM, TLS=TMP, VTN=VNM, MNE=MTN); gold IGO / IMG / NGO match a code with that prefix.
3. gsr_dev: the gold source/target country codes of each record (3 letters, ``---`` skipped);
   reported: the share the resolver finds among the sentence's actors.
4. petr_validate_dev: the same for PETRARCH's validation records (fictional countries), with the
   suite's raw actor and agent dictionaries loaded through the importer.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from detente.actors import DocActors, load_kb
from detente.nlp import load_pipeline

EQUIV = {"JAP": "JPN", "ITL": "ITA", "ROU": "ROM", "TLS": "TMP", "VTN": "VNM", "MNE": "MTN", "UAE": "ARE"}
GROUP_PREFIXES = ("IGO", "IMG", "NGO", "NGM")


def country_ok(gold: str, actor: Any) -> bool:
    g = gold.strip().upper()
    if g in GROUP_PREFIXES:
        code = (actor.code or "").upper()
        if g == "IGO":
            return code.startswith("IGO") or actor.kind == "igo"
        if g == "IMG":
            return code.startswith("IMG")
        return code.startswith(("NGO", "NGM")) or (actor.kind == "group" and code.startswith("NGO"))
    g = EQUIV.get(g[:3], g[:3])
    return actor.country == g


def heads(doc: Any) -> list[Any]:
    return [t for t in doc if t.pos_ in ("NOUN", "PROPN", "PRON")
            and t.dep_ not in ("compound", "amod", "flat")]


def bench_speed(nlp: Any, kb: Any, shared: Path, target: int = 10_000) -> dict[str, Any]:
    corpus = shared / "corpus" / "news-sample.jsonl.gz"
    texts = []
    if corpus.exists():
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            for line in fh:
                texts.append(json.loads(line)["text"][:6000])
                if len(texts) >= 60:
                    break
        source = f"{corpus.name} (first {len(texts)} articles, <= 6000 chars each)"
    else:
        texts = [("Russian troops and Chinese state media met the US State Department. "
                 "Beijing's energy companies said the two countries agreed. He left.")] * 60
        source = "generated text"
    docs = list(nlp.pipe(texts))
    work = [(d, heads(d)) for d in docs]
    done, ndocs = 0, 0
    c0 = time.process_time()
    t0 = time.perf_counter()
    while done < target:
        for doc, hs in work:
            da = DocActors(kb, doc, "2022-09-20")
            ndocs += 1
            for t in hs:
                da.actors_for(t)
                done += 1
                if done >= target:
                    break
            if done >= target:
                break
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"mentions": done, "documents": ndocs, "seconds": round(dt, 3), "cpu_seconds": round(cpu, 3),
            "mentions_per_s": round(done / dt), "mentions_per_cpu_s": round(done / cpu), "source": source}


def bench_plover(nlp: Any, kb: Any, path: Path) -> dict[str, Any]:
    total = found = correct = 0
    misses: list[str] = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        if not r.get("scored", True):
            continue
        date = None if r.get("date_is_placeholder") else r.get("date")
        doc = nlp(r["text"])
        da = DocActors(kb, doc, date)
        for a in (r.get("source_actors") or []) + (r.get("target_actors") or []):
            text, gold = (a.get("actorText") or "").strip(), a.get("code")
            if not text or not gold:
                continue
            start = r["text"].find(text)
            if start < 0:
                continue
            span = doc.char_span(start, start + len(text), alignment_mode="expand")
            if span is None:
                continue
            total += 1
            got = da.actors_for(span.root)
            got = [x for x in got if x.country or (x.code or "").startswith(GROUP_PREFIXES)]
            if not got:
                for t in span:  # the head may be a generic noun: any actor inside the span
                    got = [x for x in da.actors_for(t) if x.country]
                    if got:
                        break
            if not got:
                misses.append(f"{text!r}: gold {gold}, not found")
                continue
            found += 1
            if country_ok(gold, got[0]):
                correct += 1
            else:
                misses.append(f"{text!r}: gold {gold}, got {got[0].code}/{got[0].country}")
    return {"actors": total, "found": found, "correct": correct,
            "found_share": round(found / total, 3) if total else None,
            "accuracy_among_found": round(correct / found, 3) if found else None, "misses": misses}


def bench_gsr(nlp: Any, kb: Any, path: Path) -> dict[str, Any]:
    total = found = 0
    misses: list[str] = []
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        if not r.get("scored", True):
            continue
        gold = set()
        for e in r.get("expected") or []:
            for k in ("source", "target"):
                c = (e.get(k) or "").strip().upper()
                if c and not c.startswith("---"):
                    gold.add(c[:3])
        if not gold:
            continue
        doc = nlp(r["text"])
        da = DocActors(kb, doc, r.get("date"))
        actors = [a for _, _, a in da.mentions()]
        for t in heads(doc):
            actors += da.actors_for(t)
        for g in sorted(gold):
            total += 1
            if any(country_ok(g, a) for a in actors):
                found += 1
            else:
                misses.append(f"{r['id']}: {g} not found")
    return {"gold_countries": total, "found": found,
            "found_share": round(found / total, 3) if total else None, "misses": misses}


def bench_petr_validate(nlp: Any, shared: Path) -> dict[str, Any] | None:
    """PETRARCH's validation records with its own (fictional-country) dictionaries loaded."""
    d = shared / "bench" / "dicts" / "validate_2_02" / "raw"
    gold = shared / "bench" / "gold" / "petr_validate_dev.jsonl"
    if not d.exists() or not gold.exists():
        return None
    kb = load_kb([str(d / "PETR_Validate_actors_2_02.txt"), str(d / "PETR_Validate_agents_2_02.txt")])
    total = found = 0
    misses: list[str] = []
    for line in gold.open(encoding="utf-8"):
        r = json.loads(line)
        codes = set()
        for e in r.get("expected") or []:
            for k in ("source", "target"):
                c = (e.get(k) or "").strip().upper()
                if len(c) >= 3 and not c.startswith(("---", "+++")):
                    codes.add(c)
        if not codes:
            continue
        doc = nlp(r["text"])
        da = DocActors(kb, doc, r.get("date"))
        actors = [a for _, _, a in da.mentions()]
        for t in heads(doc):
            actors += da.actors_for(t)
        got_codes = {(a.code or "").upper() for a in actors}
        for c in sorted(codes):
            total += 1
            if any(g.startswith(c[:3]) for g in got_codes):
                found += 1
            else:
                misses.append(f"{r['id']}: {c} not found in {sorted(got_codes)[:6]}")
    return {"gold_actors": total, "found": found, "found_share": round(found / total, 3) if total else None,
            "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--actors", action="append", default=[], help="extra actor files")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()
    shared = Path(args.shared)
    nlp = load_pipeline()
    t = time.perf_counter()
    kb = load_kb(args.actors)
    load_s = time.perf_counter() - t
    speed = bench_speed(nlp, kb, shared)
    rows = [("knowledge base load (s)", f"{load_s:.2f}", f"{kb.stats()['phrases']} phrases"),
            ("mentions resolved", str(speed["mentions"]), f"{speed['documents']} DocActors, {speed['source']}"),
            ("CPU time (s)", str(speed["cpu_seconds"]), "target < 1 s (process time: load-independent)"),
            ("wall time (s)", str(speed["seconds"]), "depends on machine load"),
            ("mentions / CPU s", str(speed["mentions_per_cpu_s"]), "")]
    results: dict[str, Any] = {"speed": speed, "kb_load_s": round(load_s, 3), "extra_files": args.actors}
    gold = shared / "bench" / "gold"
    if (gold / "plover_dev.jsonl").exists():
        p = bench_plover(nlp, kb, gold / "plover_dev.jsonl")
        results["plover_dev"] = p
        rows += [("plover_dev actors", str(p["actors"]), "gold actor texts located in the sentence"),
                 ("plover_dev found", f"{p['found']} ({p['found_share']:.1%})", "resolved to an actor with a country"),
                 ("plover_dev country correct among found", f"{p['correct']} ({p['accuracy_among_found']:.1%})",
                  "target >= 85%")]
    if (gold / "gsr_dev.jsonl").exists():
        g = bench_gsr(nlp, kb, gold / "gsr_dev.jsonl")
        results["gsr_dev"] = g
        rows += [("gsr_dev gold countries", str(g["gold_countries"]), "source/target codes, --- skipped"),
                 ("gsr_dev found in the sentence", f"{g['found']} ({g['found_share']:.1%})", "")]
    pv = bench_petr_validate(nlp, shared)
    if pv is not None:
        results["petr_validate_dev"] = pv
        rows += [("petr_validate_dev gold actor codes", str(pv["gold_actors"]), "with the suite's own dictionaries"),
                 ("petr_validate_dev country found", f"{pv['found']} ({pv['found_share']:.1%})",
                  "first 3 letters of a resolved code")]
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  {'value':>14}  note")
    for name, value, note in rows:
        print(f"{name:<{w}}  {value:>14}  {note}")
    if args.show_misses:
        for k in ("plover_dev", "gsr_dev", "petr_validate_dev"):
            for m in results.get(k, {}).get("misses", []):
                print(f"[{k}] {m}")


if __name__ == "__main__":
    main()
