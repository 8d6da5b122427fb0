"""Which inflections of the lexicon's verbs does the English model lemmatise wrongly?

    .venv/bin/python benchmarks/lemma_check.py --corpus ../shared/corpus/news-sample.jsonl.gz

A lexicon pattern is looked up by its head's lemma, so a verb form the model lemmatises wrongly
("waged" -> "wag") never meets its patterns ("wage war on"). For every verb head of the lexicon
this script makes the regular inflections (-s/-es/-ies, -d/-ed/-ied, -ing, with and without a
doubled final consonant, with and without a dropped final e), keeps the forms that occur in the
corpus (real words, not guesses: "gutted" yes, "guted" no), has the model lemmatise each in a
sentence where it is a verb, and prints, most frequent first, the forms whose lemma is not the head
and that ``data/coder/lemmas.yaml`` does not already correct, as candidate lines for that file. They
are candidates to review, not to paste: a misspelling the corpus holds ("targetted") or a word that is
only shaped like an inflection ("god", "seed", "bed") shows up too, and a form of two heads ("waged":
"wage" or "wag") is marked. It also prints the file's entries the model now gets right by itself.
Deterministic; about ten seconds.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from news_sentences import read_corpus  # the corpus reader of the annotation scripts

VOWELS = set("aeiou")
WORD = re.compile(r"[a-z]+")


def inflections(verb: str) -> set[str]:
    """The regular inflections of ``verb``, including wrong guesses; the corpus sorts them out."""
    stem = verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb
    out = {verb + "s", verb + "es", stem + "ed", stem + "ing", verb + "d", verb + "ing"}
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in VOWELS:
        out |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    if verb[-1] not in VOWELS | {"w", "x", "y"}:
        out |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    out.discard(verb)
    return out


def corpus_counts(path: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in read_corpus(Path(path)):
        counts.update(WORD.findall((row.get("text") or "").lower()))
    return counts


def as_verb(form: str) -> str:
    """A sentence in which ``form`` is a verb."""
    return f"The officials are {form} them." if form.endswith("ing") else f"The officials {form} them."


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="JSON Lines (gzip) articles with a 'text' field")
    ap.add_argument("--min-count", type=int, default=1, help="forms seen fewer times in the corpus are left out")
    args = ap.parse_args()

    from detente.coding.lexicon import load_lexicon
    from detente.nlp import load_lemma_fixes, load_pipeline

    counts = corpus_counts(args.corpus)
    lexicon = load_lexicon()
    heads = sorted({h for pos, h in lexicon.by_head if pos == "verb" and WORD.fullmatch(h)})
    fixes = load_lemma_fixes()
    forms = sorted({(f, h) for h in heads for f in inflections(h) if counts[f] >= args.min_count})
    nlp = load_pipeline()
    texts = [as_verb(f) for f, _ in forms]
    wrong, settled = [], []
    with nlp.select_pipes(disable=["detente_lemmas"]):
        for (form, head), doc in zip(forms, nlp.pipe(texts, batch_size=256), strict=True):
            tok = next(t for t in doc if t.lower_ == form)  # the form is a word of the sentence
            lemma = tok.lemma_.lower()
            if tok.pos_ != "VERB" or lemma == head or fixes.get(form) == head:
                continue
            if lemma in heads and form not in inflections(lemma):
                continue  # another verb of the lexicon, rightly ("noted" is "note", not "not")
            wrong.append((counts[form], form, lemma, head, lemma in heads))
        for form, lemma in sorted(fixes.items()):
            doc = nlp(as_verb(form))
            fixed = next((t for t in doc if t.lower_ == form), None)
            if fixed is not None and fixed.pos_ == "VERB" and fixed.lemma_.lower() == lemma:
                settled.append(form)
    print(f"# {len(heads)} verb heads, {len(forms)} of their inflections seen in {Path(args.corpus).name}; "
          f"{len(wrong)} lemmatised wrongly and not corrected by lemmas.yaml (count in corpus, model's lemma)")
    for n, form, lemma, head, both in sorted(wrong, key=lambda w: (-w[0], w[1])):
        print(f"{form}: {head}  # {n}; model: {lemma}" + (" (also a lexicon head: a form of either?)" if both else ""))
    if settled:
        print(f"# lemmas.yaml entries the model now gets right by itself: {', '.join(settled)}")


if __name__ == "__main__":
    main()
