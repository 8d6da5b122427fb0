"""Coding articles end to end: ``Article -> Doc -> CodedArticle`` (events, quantities, accounts).

``Engine`` holds everything loaded once per process (spaCy pipeline, actor knowledge base,
lexicon, codebook). ``code_articles`` streams articles through engines in ``n_process``
worker processes, each parsing *and* coding its own batch, so every core does the whole
job and only small records cross process boundaries. Order of output = order of input.
At most ``2 * n_process`` batches are in flight, so the input is read only as fast as it is
coded (a huge corpus is never read ahead into memory).
Memory per article is bounded before parsing: ingest cuts a text at ``max_chars`` characters,
and a text of more than ``max_tokens`` spaCy tokens (very short words: the parser needs about
17 KB per token) is failed here, tokenized but not parsed (:meth:`Engine.too_long`).
A failure in one article becomes that article's ``status="failed"`` with the reason; a worker
process that dies (out of memory, a crash in native code) fails the articles of its batch
and is replaced; the stream goes on.

Workers never outlive the process that started them: each watches its parent (a pidfd on
Linux, else a poll every half second) and exits when it dies, SIGKILL and SIGTERM included, so
the forkserver and the resource tracker, which stay only while a worker holds their pipes, exit
too. Workers ignore SIGINT (a terminal's Ctrl-C reaches the whole process group): the parent
decides. When the stream stops early (Ctrl-C, an error, the consumer closing it), the workers
are terminated at once instead of finishing their batches.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import select
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from itertools import chain, islice

from spacy.tokens import Doc

from .config import Config, load_config
from .errors import ConfigError, DetenteError
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

    def too_long(self, article: Article) -> Article | None:
        """``article`` failed when its text has more than ``max_tokens`` tokens, else ``None``. Only
        a text longer than ``max_tokens`` characters is tokenized to see (a token has a character)."""
        limit = self.config.max_tokens
        if limit <= 0 or len(article.text) <= limit:
            return None
        tokens = len(self.nlp.tokenizer(article.text))
        if tokens <= limit:
            return None
        return replace(article, status="failed",
                       status_reason=f"text is {tokens:,} tokens, over max_tokens {limit:,}; not parsed "
                                     f"(it would need about {tokens * 17 // 1000:,} MB)")

    def code_article(self, article: Article) -> CodedArticle:
        if article.status != "ok":
            return CodedArticle(article=article)
        if (failed := self.too_long(article)) is not None:
            return CodedArticle(article=failed)
        try:
            return self.code_doc(self.nlp(article.text), article)
        except Exception as exc:  # noqa: BLE001 - one bad article never stops a batch
            return CodedArticle(article=_failed(article, exc))

    def code_many(self, articles: list[Article]) -> list[CodedArticle]:
        """Parse a batch with ``nlp.pipe`` (faster than one by one), then code each."""
        out: list[CodedArticle | None] = [None] * len(articles)
        for i, a in enumerate(articles):
            if a.status != "ok":
                out[i] = CodedArticle(article=a)
            elif (failed := self.too_long(a)) is not None:
                out[i] = CodedArticle(article=failed)
        todo = [(a.text, i) for i, a in enumerate(articles) if out[i] is None]
        try:
            for doc, i in self.nlp.pipe(todo, as_tuples=True, batch_size=self.config.batch_size):
                try:
                    out[i] = self.code_doc(doc, articles[i])
                except Exception as exc:  # noqa: BLE001
                    out[i] = CodedArticle(article=_failed(articles[i], exc))
        except Exception:  # noqa: BLE001 - a parse failure inside the batch: fall back to one at a time
            for i, a in enumerate(articles):
                if out[i] is None:
                    out[i] = self.code_article(a)
        return [o for o in out if o is not None]


def _failed(article: Article, exc: BaseException) -> Article:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    loc = f" at {os.path.basename(where.filename)}:{where.lineno}" if where else ""
    return replace(article, status="failed", status_reason=f"coding failed: {type(exc).__name__}: {exc}{loc}")


_ENGINE: Engine | None = None
_START_ERROR: BaseException | None = None


def _init_worker(config: Config, parent: int | None = None) -> None:
    global _ENGINE, _START_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if parent is not None:
        _watch_parent(parent)
    try:
        _ENGINE = Engine(config)
    except Exception as exc:  # noqa: BLE001 - reported by the first _work call, raised again in the parent
        _START_ERROR = exc


def _watch_parent(pid: int, interval: float = 0.5) -> threading.Thread:
    """A daemon thread that ends this process (``os._exit``) as soon as process ``pid`` is gone."""
    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)  # Linux 5.3+: readable when the process ends (zombie or not)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])
            os._exit(1)
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(interval)

    thread = threading.Thread(target=watch, name="detente-parent-watch", daemon=True)
    thread.start()
    return thread


def _work(batch: list[Article]) -> list[CodedArticle]:
    if _START_ERROR is not None:  # the worker could not build its Engine: the parent raises this
        if isinstance(_START_ERROR, DetenteError):
            raise _START_ERROR.with_traceback(None)  # the user's error (a bad actor file, no model): it pickles
        raise RuntimeError(f"a coding worker could not start: {type(_START_ERROR).__name__}: {_START_ERROR}")
    assert _ENGINE is not None
    return _ENGINE.code_many(batch)


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while batch := list(islice(it, size)):
        yield batch


def code_articles(articles: Iterable[Article], config: Config | None = None,
                  n_process: int | None = None, engine: Engine | None = None) -> Iterator[CodedArticle]:
    """Code a stream of articles, in order; ``n_process`` > 1 uses worker processes.

    Nothing is loaded and no process started until the first article arrives (an empty stream,
    e.g. a rerun where everything is stored already, costs nothing).
    """
    config = config or load_config()
    procs = n_process if n_process is not None else config.processes
    batches = _batches(articles, max(1, config.batch_size))
    first = next(batches, None)
    if first is None:
        return
    batches = chain([first], batches)
    if procs <= 1:
        eng = engine or Engine(config)
        for batch in batches:
            yield from eng.code_many(batch)
        return
    yield from _code_parallel(batches, config, procs)


def _code_parallel(batches: Iterator[list[Article]], config: Config, procs: int) -> Iterator[CodedArticle]:
    """Ordered parallel map with a bounded window of ``2 * procs`` batches in flight."""
    ctx = mp.get_context("forkserver" if os.name == "posix" else "spawn")

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(procs, mp_context=ctx, initializer=_init_worker,
                                   initargs=(config, os.getpid()))

    pool = new_pool()
    pending: deque[tuple[list[Article], Future[list[CodedArticle]]]] = deque()
    finished = False
    progressed = False  # some batch was coded: the workers can start
    dead_pools = 0  # pools that died before coding anything
    try:
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < 2 * procs:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                    break
                try:
                    pending.append((batch, pool.submit(_work, batch)))
                except BrokenProcessPool:  # broke while we were submitting: retried below
                    pending.append((batch, _broken_future()))
            if not pending:
                break
            batch, future = pending.popleft()
            try:
                coded = future.result()  # a worker's start error is raised here as it was there
            except BrokenProcessPool:
                # a worker died. Once it has coded something, this batch is lost: its articles fail and
                # the other batches in flight go to a new pool. Before that, the batch is tried once more
                pool.shutdown(wait=False, cancel_futures=True)
                if not progressed:
                    dead_pools += 1
                    if dead_pools >= 2:  # not one article's fault: the workers cannot run at all
                        raise ConfigError(
                            "E020", f"{procs} coding worker processes",
                            "died before coding anything, twice. From a script, call detente under "
                            "`if __name__ == \"__main__\":` (each worker process imports the script again); "
                            "otherwise memory is short: try --processes 1") from None
                pool = new_pool()
                retry: list[list[Article]] = [batch]
                if progressed:
                    retry = []
                    yield from (CodedArticle(article=replace(
                        a, status="failed",
                        status_reason="coding failed: the worker process died (out of memory or a crash)"))
                        for a in batch)
                pending = deque((b, pool.submit(_work, b)) for b in [*retry, *(b for b, _ in pending)])
                continue
            progressed = True
            yield from coded
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True, cancel_futures=True)
        else:  # Ctrl-C, an error, the consumer stopped: their batches would be thrown away
            _stop_pool(pool)


def _stop_pool(pool: ProcessPoolExecutor, grace: float = 2.0) -> None:
    """Terminate the pool's workers now (SIGTERM, then SIGKILL after ``grace`` s); never blocks
    longer, and a second Ctrl-C meanwhile leaves no worker behind (all are signalled first)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for proc in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            proc.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for proc in processes:
        try:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(1.0)
        except (OSError, ValueError, AttributeError, AssertionError):
            pass


def _broken_future() -> Future[list[CodedArticle]]:
    future: Future[list[CodedArticle]] = Future()
    future.set_exception(BrokenProcessPool("pool broke during submit"))
    return future


def code_text(text: str, published: str | None = None, engine: Engine | None = None, **meta: object) -> CodedArticle:
    """Code one text: the library call behind ``detente code``."""
    article = Article.make(text, published=published, **meta)  # type: ignore[arg-type]
    return (engine or Engine()).code_article(article)
