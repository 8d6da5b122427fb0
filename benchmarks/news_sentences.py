"""Draw, rebuild and check the project's own real-news development set (issue #11).

The labels live in ``benchmarks/data/news_more.labels.jsonl``: one line per sentence with its article id
in ``../shared/corpus/news-sample.jsonl.gz``, its character offsets in the article text, the article
date, the pool (``dev`` to develop on, ``held`` only to report), the seed of the draw that picked it
(``draw``; recorded from seed 2032 on) and the annotators' events. The news
text itself is never stored in the project; ``rebuild`` puts it back from the corpus.

    # 1. draw sentences (seeded; what was drawn is reproducible from the seed)
    .venv/bin/python benchmarks/news_sentences.py draw --seed 2026 --n 1200 --out ids.jsonl
    # 2. annotation batches: id, date, text (for annotators who never see detente's output)
    .venv/bin/python benchmarks/news_sentences.py batches ids.jsonl --size 150 --dir batches/
    # 3. the gold file, in the format of ../shared/bench/gold/news_dev.jsonl, for `detente eval`
    .venv/bin/python benchmarks/news_sentences.py rebuild benchmarks/data/news_more.labels.jsonl \
        --pool dev --out news_more_dev.jsonl
    # 4. fold the annotators' files (<batch>.<ANNOTATOR>.jsonl) into the labels file (ids and labels only)
    .venv/bin/python benchmarks/news_sentences.py merge out/*.jsonl --ids ids.jsonl
    # 5. agreement of the double-annotated part
    .venv/bin/python benchmarks/news_sentences.py agreement benchmarks/data/news_more.labels.jsonl

How sentences are drawn: articles of every source but the BBC set (news_dev.jsonl has none of it) and
not among news_dev's articles; paragraphs split on blank lines and sentences by a rule splitter; kept
if 8-80 words long. As for news_dev, 3/4 of the sentences name two or more states or organisations
and 1/4 name one (names, aliases, adjectives, demonyms and seats of ``data/actors``), at most two
sentences per article (``--per-article``). Sentences are assigned alternately to the ``dev`` and ``held`` pools.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "news-sample.jsonl.gz"
NEWS_DEV = SHARED / "bench" / "gold" / "news_dev.jsonl"
DATA = ROOT / "src" / "detente" / "data" / "actors"
LABELS = ROOT / "benchmarks" / "data" / "news_more.labels.jsonl"

_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "sgt", "capt", "gov", "sen", "rep", "rev", "st", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs",
    "inc", "corp", "co", "ltd", "jr", "sr", "u.s", "u.n", "u.k", "e.u", "a.m", "p.m", "ft", "mt",
}
_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``: paragraphs at newlines, then a rule splitter."""
    for para in re.finditer(r"[^\n]+", text):
        start = para.start()
        chunk = para.group()
        pos = 0
        for m in _END.finditer(chunk):
            before = chunk[pos:m.start() + 1]
            last = re.findall(r"([A-Za-z.]+)\.$", before)
            if last and (last[0].lower().rstrip(".") in _ABBREV or re.fullmatch(r"[A-Z]", last[0].rstrip("."))):
                continue
            end = m.start() + len(m.group().rstrip())
            yield from _trimmed(text, start + pos, start + end)
            pos = m.end()
        yield from _trimmed(text, start + pos, start + len(chunk))


def _trimmed(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a:
        yield a, b


def actor_names() -> list[tuple[re.Pattern[str], str]]:
    """One regex per actor code: every name of every state and organisation in the knowledge base."""
    names: dict[str, set[str]] = {}
    for st in yaml.safe_load((DATA / "states.yaml").read_text(encoding="utf-8")):
        bag = names.setdefault(st["code"], set())
        bag.update([st["name"], *(st.get("aliases") or []), *(st.get("adjectives") or []),
                    *(st.get("demonyms") or [])])
        bag.update(s["text"] for s in st.get("seats") or [])
    for org in yaml.safe_load((DATA / "organisations.yaml").read_text(encoding="utf-8")):
        if org.get("kind") == "region":
            continue
        names.setdefault(str(org.get("country") or org["code"]), set()).update(
            [org["name"], *(org.get("aliases") or [])])
    out = []
    for code, bag in names.items():
        words = sorted({w for w in bag if w and len(w) > 2}, key=len, reverse=True)
        if words:
            out.append((re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w-])"), code))
    return out


def named_actors(sentence: str, patterns: list[tuple[re.Pattern[str], str]]) -> set[str]:
    return {code for rx, code in patterns if rx.search(sentence)}


def read_corpus(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def draw(args: argparse.Namespace) -> None:
    excluded = {json.loads(line)["article_id"] for line in NEWS_DEV.open()} if NEWS_DEV.exists() else set()
    # sentences drawn before (a labels or ids file): not again, and they count towards the two per article
    earlier = load(args.exclude) if args.exclude else []
    taken = {(r["article_id"], r["start"]) for r in earlier}
    patterns = actor_names()
    two: list[dict] = []
    one: list[dict] = []
    for art in read_corpus(Path(args.corpus)):
        aid = art["id"]
        if aid.startswith("bbc-") or aid in excluded or not art.get("text"):
            continue
        text = art["text"]
        for a, b in split_sentences(text):
            if (aid, a) in taken:
                continue
            sent = text[a:b]
            if not 8 <= len(sent.split()) <= 80:
                continue
            n = len(named_actors(sent, patterns))
            row = {"article_id": aid, "start": a, "end": b, "date": (art.get("date") or "")[:10] or None}
            if n >= 2:
                two.append(row)
            elif n == 1:
                one.append(row)
    rng = random.Random(args.seed)
    rng.shuffle(two)
    rng.shuffle(one)
    want_two = round(args.n * 3 / 4)
    per_article: dict[str, int] = {}
    for r in earlier:
        per_article[r["article_id"]] = per_article.get(r["article_id"], 0) + 1
    chosen: list[dict] = []

    def take(pool: list[dict], k: int) -> None:
        got = 0
        for row in pool:
            if got >= k:
                break
            if per_article.get(row["article_id"], 0) >= args.per_article:
                continue
            per_article[row["article_id"]] = per_article.get(row["article_id"], 0) + 1
            chosen.append({**row, "named": "two+" if pool is two else "one", "draw": args.seed})
            got += 1

    take(two, want_two)
    take(one, args.n - want_two)
    rng.shuffle(chosen)
    with open(args.out, "w", encoding="utf-8") as fh:
        for i, row in enumerate(chosen):
            pool = args.pool or ("dev" if i % 2 == 0 else "held")
            row = {"id": f"more:{row['article_id']}:{row['start']}", **row, "pool": pool}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(chosen)} sentences ({len(two)} candidates naming two or more, {len(one)} naming one) -> {args.out}")


def texts(rows: list[dict], corpus: Path) -> dict[str, str]:
    """The sentence text of each row, cut from its article."""
    want: dict[str, list[dict]] = {}
    for r in rows:
        want.setdefault(r["article_id"], []).append(r)
    out: dict[str, str] = {}
    for art in read_corpus(corpus):
        for r in want.get(art["id"], ()):
            out[r["id"]] = art["text"][r["start"]:r["end"]]
    missing = [r["id"] for r in rows if r["id"] not in out]
    if missing:
        sys.exit(f"error: {len(missing)} sentences not found in {corpus} (first: {missing[0]})")
    return out


def load(path: str) -> list[dict]:
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def batches(args: argparse.Namespace) -> None:
    rows = load(args.ids)
    text = texts(rows, Path(args.corpus))
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    for k in range(0, len(rows), args.size):
        name = Path(args.dir) / f"batch_{k // args.size:02d}.jsonl"
        with name.open("w", encoding="utf-8") as fh:
            for r in rows[k:k + args.size]:
                row = {"id": r["id"], "date": r["date"], "text": text[r["id"]]}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(name)


def rebuild(args: argparse.Namespace) -> None:
    rows = [r for r in load(args.labels) if args.pool in ("all", r["pool"])]
    text = texts(rows, Path(args.corpus))
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in rows:
            gold = {"id": r["id"], "article_id": r["article_id"], "date": r["date"], "text": text[r["id"]],
                    "pool": r["pool"], "expected": r["expected"], "scored": r.get("scored", True),
                    "category": "news"}
            fh.write(json.dumps(gold, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences ({args.pool}) -> {args.out}")


def agreement(args: argparse.Namespace) -> None:
    """F1 between the two annotations of the double-annotated sentences, scored as score_news.py scores."""
    sys.path.insert(0, str(ROOT / "src"))
    from detente.evaluation import news_actor

    def keyset(events: list[dict], root: bool) -> list[tuple]:
        out = []
        for e in events:
            s, t = news_actor(e.get("source")), news_actor(e.get("target"))
            if s and t:
                out.append((s, t, str(e["code"])[:2] if root else str(e["code"])))
        return out

    rows = [r for r in load(args.labels) if "second" in r]
    for root in (True, False):
        tp = n1 = n2 = 0
        for r in rows:
            a, b = keyset(r["expected"], root), keyset(r["second"], root)
            n1, n2 = n1 + len(a), n2 + len(b)
            rest = list(b)
            for k in a:
                if k in rest:
                    rest.remove(k)
                    tp += 1
        p = tp / n2 if n2 else 0.0
        rc = tp / n1 if n1 else 0.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        print(f"{'root' if root else 'code'}: {len(rows)} sentences, events {n1} / {n2}, matched {tp}, "
              f"F1 {f1:.3f}")


def merge(args: argparse.Namespace) -> None:
    """Fold annotators' output files into the labels file: ids, offsets and labels only.

    Each output file is named ``<batch>.<ANNOTATOR>.jsonl`` and holds the rows of one batch with
    ``expected`` added. A sentence not yet in the labels file is added with its drawn ids (``--ids``);
    a sentence already there with another annotator's labels gets these as ``second`` (the
    double-annotated part). Only ``source``, ``target`` and ``code`` of each event are kept: the
    annotators' ``why`` and ``note`` quote news text, which the project does not store."""
    labels = load(args.labels)
    by_id = {r["id"]: r for r in labels}
    drawn = {r["id"]: r for path in args.ids for r in load(path)}
    added = seconded = 0
    for path in args.outputs:
        annotator = Path(path).name.split(".")[-2]
        for row in load(path):
            events = [{"source": e.get("source"), "target": e.get("target"), "code": str(e["code"])}
                      for e in row.get("expected") or []]
            have = by_id.get(row["id"])
            if have is None:
                if row["id"] not in drawn:
                    sys.exit(f"{path}: sentence {row['id']} is in no --ids file")
                have = {k: drawn[row["id"]][k] for k in ("id", "article_id", "start", "end", "date", "pool", "named",
                                                         "draw") if k in drawn[row["id"]]}
                have.update(annotator=annotator, expected=events)
                labels.append(have)
                by_id[row["id"]] = have
                added += 1
            elif have.get("annotator") != annotator and "second" not in have:
                have.update(second_annotator=annotator, second=events)
                seconded += 1
    tmp = Path(args.labels).with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in labels:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(args.labels)
    print(f"{added} sentences added, {seconded} double-annotated -> {args.labels} ({len(labels)} in all)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(CORPUS))
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--seed", type=int, default=2026)
    d.add_argument("--n", type=int, default=1200)
    d.add_argument("--out", required=True)
    d.add_argument("--exclude", help="ids or labels of sentences drawn before")
    d.add_argument("--pool", choices=["dev", "held", "train"], help="one pool for all (default: dev/held alternately)")
    d.add_argument("--per-article", type=int, default=2,
                   help="at most this many sentences of one article, counting those drawn before (default 2)")
    b = sub.add_parser("batches")
    b.add_argument("ids")
    b.add_argument("--size", type=int, default=150)
    b.add_argument("--dir", required=True)
    r = sub.add_parser("rebuild")
    r.add_argument("labels", nargs="?", default=str(LABELS))
    r.add_argument("--pool", choices=["dev", "held", "train", "all"], default="dev")
    r.add_argument("--out", required=True)
    g = sub.add_parser("agreement")
    g.add_argument("labels", nargs="?", default=str(LABELS))
    m = sub.add_parser("merge", help="fold annotators' output files into the labels file")
    m.add_argument("outputs", nargs="+", help="annotators' files, named <batch>.<ANNOTATOR>.jsonl")
    m.add_argument("--ids", action="append", required=True, help="the draw files the sentences came from")
    m.add_argument("--labels", default=str(LABELS))
    args = ap.parse_args()
    {"draw": draw, "batches": batches, "rebuild": rebuild, "agreement": agreement, "merge": merge}[args.cmd](args)


if __name__ == "__main__":
    main()
