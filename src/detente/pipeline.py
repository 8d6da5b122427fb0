"""Coding articles end to end: ``Article -> Doc -> CodedArticle`` (events, quantities, accounts).

``Engine`` holds everything loaded once per process (spaCy pipeline, actor knowledge base,
lexicon, codebook). ``code_articles`` streams articles through engines in ``n_process``
worker processes, each parsing *and* coding its own batch, so every core does the whole
job and only small records cross process boundaries. Order of output = order of input.
A failure in one article becomes that article's ``status="failed"`` with the reason; the
stream goes on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice

from spacy.tokens import Doc

from .config import Config, load_config
from .records import Article, CodedArticle


class Engine:
    """The loaded coder. Build once, call ``code_article`` or ``code_doc`` many times."""

    def __init__(self, config: Config | None = None) -> None:
        from .actors import load_kb
        from .coding.coder import Coder
        from .nlp import load_pipeline

        self.config = config or load_config()
        self.nlp = load_pipeline(self.config.model)
        self.kb = load_kb(self.config.actors)
        self.coder = Coder(kb=self.kb, lexicon_files=self.config.lexicon, config=self.config)

    def code_doc(self, doc: Doc, article: Article) -> CodedArticle:
        return self.coder.code(doc, article)

    def code_article(self, article: Article) -> CodedArticle:
        if article.status != "ok":
            return CodedArticle(article=article)
        try:
            return self.code_doc(self.nlp(article.text), article)
        except Exception as exc:  # one bad article never stops a batch
            return CodedArticle(article=_failed(article, exc))

    def code_many(self, articles: list[Article]) -> list[CodedArticle]:
        """Parse a batch with ``nlp.pipe`` (faster than one by one), then code each."""
        out: list[CodedArticle | None] = [None] * len(articles)
        todo = [(a.text, i) for i, a in enumerate(articles) if a.status == "ok"]
        for i, a in enumerate(articles):
            if a.status != "ok":
                out[i] = CodedArticle(article=a)
        try:
            for doc, i in self.nlp.pipe(todo, as_tuples=True, batch_size=self.config.batch_size):
                try:
                    out[i] = self.code_doc(doc, articles[i])
                except Exception as exc:
                    out[i] = CodedArticle(article=_failed(articles[i], exc))
        except Exception:  # a parse failure inside the batch: fall back to one at a time
            for i, a in enumerate(articles):
                if out[i] is None:
                    out[i] = self.code_article(a)
        return [o for o in out if o is not None]


def _failed(article: Article, exc: BaseException) -> Article:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    loc = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
    return replace(article, status="failed", status_reason=f"coding failed: {type(exc).__name__}: {exc}{loc}")


_ENGINE: Engine | None = None


def _init_worker(config: Config) -> None:
    global _ENGINE
    _ENGINE = Engine(config)


def _work(batch: list[Article]) -> list[CodedArticle]:
    assert _ENGINE is not None
    return _ENGINE.code_many(batch)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while batch := list(islice(it, size)):
        yield batch


def code_articles(articles: Iterable[Article], config: Config | None = None,
                  n_process: int | None = None, engine: Engine | None = None) -> Iterator[CodedArticle]:
    """Code a stream of articles, in order; ``n_process`` > 1 uses worker processes."""
    config = config or load_config()
    procs = n_process if n_process is not None else config.processes
    size = max(1, config.batch_size)
    if procs <= 1:
        eng = engine or Engine(config)
        for batch in _batches(articles, size):
            yield from eng.code_many(batch)
        return
    ctx = mp.get_context("forkserver" if os.name == "posix" else "spawn")
    with ctx.Pool(procs, initializer=_init_worker, initargs=(config,)) as pool:
        for coded in pool.imap(_work, _batches(articles, size), chunksize=1):
            yield from coded


def code_text(text: str, published: str | None = None, engine: Engine | None = None, **meta: object) -> CodedArticle:
    """Code one text: the library call behind ``detente code``."""
    article = Article.make(text, published=published, **meta)  # type: ignore[arg-type]
    return (engine or Engine()).code_article(article)
