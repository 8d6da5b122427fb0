"""Ingest -> code -> store: the library call behind ``detente ingest`` (and ``detente demo``).

Contract: ``ingest(inputs, config, store, recode=False, progress=None) -> RunSummary``.

- Reads ``inputs`` with :func:`detente.ingest.read_inputs` (paths, folders, URLs, ``-``).
- Skips articles already stored with ``status="ok"`` (unless ``recode``) and repeats within the
  run, so a rerun after a crash or SIGKILL picks up where the last one stopped.
- Codes the rest with :func:`detente.pipeline.code_articles` (``config.processes`` worker
  processes; the input is read only as fast as it is coded).
- Writes coded articles to the store in small transactions of ``config.batch_size`` articles
  (or every few seconds), each article with all its rows or not at all. The input is read a
  little ahead on a thread: when it stalls (a pipe, a slow server), what is coded is written and
  the store's file let go, so a reader (``detente serve``) is never kept out by a waiting run.
- Records the run in the ``runs`` table: inputs, coder, counts, failures and warnings (text
  cut, bytes replaced, a date not understood, a feed not well-formed, ...) with reasons.

Ctrl-C stops the workers at once, writes what is coded and records the run as interrupted (also
when stopping the workers or that last write fails, and when its KeyboardInterrupt was dropped on
the way: the SIGINT is noted); a second Ctrl-C while that is written leaves at once (the next run
marks it interrupted).

Never stops for one bad article: read failures are counted by :class:`IngestReport`, coding
failures become ``status="failed"`` articles. Only a store that cannot be written (read-only,
disk full) stops the run, with a :class:`~detente.errors.StoreError`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from .config import Config
from .ingest import IngestReport, read_inputs
from .ingest.report import reason_key
from .pipeline import Engine, code_articles
from .records import Article, CodedArticle
from .store import Store

FLUSH_SECONDS = 5.0  # write what is coded at least this often, however large the batch
STALL_SECONDS = 1.0  # the input has stalled when the next articles take longer than this to read
MAX_FAILURES_KEPT = 1000


@dataclass
class RunSummary:
    """What one run did. ``done`` counts articles dealt with so far (for progress bars)."""

    run_id: str = ""
    inputs: list[str] = field(default_factory=list)
    read: int = 0  # articles read (any status)
    new: int = 0  # coded and stored with status ok
    skipped_existing: int = 0  # already in the store (or twice in the input)
    skipped: int = 0  # left out by ingest: not English, no text, ... (IngestReport.skipped)
    failed: int = 0  # read failures + coding failures
    events: int = 0
    quantities: int = 0
    accounts: int = 0
    seconds: float = 0.0
    status: str = "running"  # running | done | interrupted | failed
    failures: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason), first 1000
    failures_by_reason: Counter[str] = field(default_factory=Counter)
    skips_by_reason: Counter[str] = field(default_factory=Counter)
    warned: int = 0  # warnings: the article was read, something was repaired or is unknown
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason), first 1000
    warnings_by_reason: Counter[str] = field(default_factory=Counter)
    done: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.status == "done"

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("read", "new", "skipped_existing", "skipped", "failed",
                                               "events", "quantities", "accounts", "warned")}


ProgressCallback = Callable[[RunSummary], None]


def ingest(inputs: list[str], config: Config, store: Store, recode: bool = False,
           progress: ProgressCallback | None = None, engine: Engine | None = None) -> RunSummary:
    """Read, code and store ``inputs``; returns the run's summary (also kept in ``runs``)."""
    report = IngestReport()
    return ingest_articles(read_inputs(list(inputs), config, report), config, store, recode=recode,
                           progress=progress, engine=engine, report=report, inputs=list(inputs))


def ingest_articles(articles: Iterable[Article], config: Config, store: Store, recode: bool = False,
                    progress: ProgressCallback | None = None, engine: Engine | None = None,
                    report: IngestReport | None = None, inputs: list[str] | None = None) -> RunSummary:
    """:func:`ingest` for articles from anywhere (a generator, a test): skip, code, store, record.

    ``report`` is the IngestReport the articles' reader fills (read failures and skips).
    """
    report = report if report is not None else IngestReport()
    run = _Run(RunSummary(inputs=list(inputs or [])), report, store, progress)
    summary = run.summary
    summary.run_id = store.start_run(summary.inputs, dataclasses.asdict(config), recode=recode)
    procs = 1 if engine is not None else config.processes
    seen: set[bytes] = set()

    def stalled() -> None:
        """The input has nothing for now (a pipe, a slow server): write what is coded, let go of the file."""
        run.flush()
        store.let_go()

    def fresh() -> Iterator[Article]:
        """The articles still to code: not stored yet (unless recode), first time in this run."""
        for chunk in _read_ahead(_chunks(articles, max(1, config.batch_size)), stalled):
            stored = set() if recode else store.stored_ids(a.article_id for a in chunk if a.status == "ok")
            for article in chunk:
                summary.read += 1
                key = _key(article.article_id)
                if article.article_id in stored or key in seen:
                    summary.skipped_existing += 1
                    summary.done += 1
                    continue
                seen.add(key)
                yield article
            run.report_progress()

    stream = code_articles(fresh(), config, n_process=procs, engine=engine)
    ctrl_c = _CtrlC()
    try:
        with ctrl_c:
            for coded in stream:
                if ctrl_c.seen:  # its KeyboardInterrupt was dropped on the way (a __del__, an except): stop now
                    raise KeyboardInterrupt
                run.buffer.append(coded)
                if len(run.buffer) >= max(1, config.batch_size) or run.due():
                    run.flush()
            run.flush()
        summary.status = "done"
    except BaseException as exc:
        # a terminal's Ctrl-C reaches the whole process group: a helper process of the pool may die of it
        # and its error reach us before our own KeyboardInterrupt does; the run was still interrupted
        summary.status = "interrupted" if isinstance(exc, KeyboardInterrupt) or ctrl_c.seen else "failed"
        try:
            close = getattr(stream, "close", None)
            if close is not None:
                # the workers stop now, wherever it was raised; an error doing so must neither keep the
                # run from being recorded (it stayed 'running') nor hide the original exception
                with contextlib.suppress(Exception):
                    close()
            run.finish(quiet=True)  # what is coded is written, the run recorded
        except KeyboardInterrupt:  # a second Ctrl-C: leave now (a batch is written whole or not at all)
            pass
        raise
    run.finish(quiet=False)
    return summary


class _CtrlC:
    """Notes whether SIGINT arrived while the block ran (main thread only; the handler before it is
    still called, so Ctrl-C raises KeyboardInterrupt as usual)."""

    def __init__(self) -> None:
        self.seen = False
        self._previous: Any = None

    def __enter__(self) -> Self:
        # only where a handler can be set and put back: the main thread, and a handler Python knows
        # (getsignal gives None for one installed from C, which could not be restored)
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is not None:
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def _on_sigint(self, signum: int, frame: Any) -> None:
        self.seen = True
        if callable(self._previous):
            self._previous(signum, frame)
        elif self._previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


class _Run:
    """The state of one run between flushes: coded articles not yet written, coding failures."""

    def __init__(self, summary: RunSummary, report: IngestReport, store: Store,
                 progress: ProgressCallback | None) -> None:
        self.summary, self.report, self.store, self.progress = summary, report, store, progress
        self.buffer: list[CodedArticle] = []
        self.coding_failures: list[tuple[str, str]] = []
        self.n_coding_failed = 0
        self.started = self.last_flush = time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self.last_flush > FLUSH_SECONDS

    def write_buffer(self) -> None:
        if not self.buffer:
            return
        for coded in self.store.write_many(self.buffer, self.summary.run_id):
            self.count(coded)
        self.buffer.clear()

    def count(self, coded: CodedArticle) -> None:
        s, article = self.summary, coded.article
        s.done += 1
        if article.status == "ok":
            s.new += 1
            s.events += len(coded.events)
            s.quantities += len(coded.quantities)
            s.accounts += len(coded.accounts)
        elif article.status == "failed":
            self.n_coding_failed += 1
            if len(self.coding_failures) < MAX_FAILURES_KEPT:
                self.coding_failures.append((article.origin or article.url or article.article_id,
                                             article.status_reason or "failed"))
        # status "skipped" (not English, ...) is counted by the IngestReport

    def sync(self) -> None:
        """Fold the IngestReport's read failures, skips and warnings into the summary."""
        s, r = self.summary, self.report
        s.skipped = r.skipped
        s.failed = r.failed + self.n_coding_failed
        s.failures = (r.failures + self.coding_failures)[:MAX_FAILURES_KEPT]
        s.failures_by_reason = Counter(reason_key(reason) for _, reason in r.failures + self.coding_failures)
        s.skips_by_reason = Counter(reason_key(reason) for _, reason in r.skips)
        s.warned = r.warned
        s.warnings = r.warnings[:MAX_FAILURES_KEPT]
        s.warnings_by_reason = Counter(reason_key(reason) for _, reason in r.warnings)
        s.seconds = time.monotonic() - self.started

    def flush(self) -> None:
        self.write_buffer()
        self.last_flush = time.monotonic()
        self.sync()
        self.store.update_run(self.summary.run_id, seconds=self.summary.seconds, counts=self.summary.counts())
        self.report_progress()

    def report_progress(self) -> None:
        if self.progress:
            self.progress(self.summary)

    def finish(self, quiet: bool) -> None:
        """Write what is coded (on Ctrl-C too) and close the run's record. On the error path
        (``quiet``) never mask the original exception."""
        try:
            if self.summary.status != "failed":
                self.write_buffer()
        except Exception:
            if not quiet:
                raise
        try:  # recorded even when writing the rest failed (on the error path)
            self.sync()
            s = self.summary
            self.store.update_run(s.run_id, status=s.status, finished=True, seconds=s.seconds,
                                  failures=s.failures, failures_by_reason=dict(s.failures_by_reason),
                                  skips_by_reason=dict(s.skips_by_reason), counts=s.counts(),
                                  warnings=s.warnings, warnings_by_reason=dict(s.warnings_by_reason))
            if self.progress and not quiet:
                self.progress(s)
        except Exception:
            if not quiet:
                raise


def _key(article_id: str) -> bytes:
    """A compact key for the in-run duplicate check (16 bytes for a sha256 hex id)."""
    try:
        return bytes.fromhex(article_id[:32]) if len(article_id) >= 32 else article_id.encode()
    except ValueError:
        return article_id.encode()


_T = TypeVar("_T")
_END = object()


def _read_ahead(items: Iterator[_T], on_stall: Callable[[], None], wait: float = STALL_SECONDS,
                depth: int = 2) -> Iterator[_T]:
    """``items``, read up to ``depth`` ahead on a thread of their own; when the next is not there
    within ``wait`` seconds, ``on_stall()`` is called (once per stall) before waiting on. An error
    (a KeyboardInterrupt too) raised while reading is raised here. Closing this generator stops
    the reading at its next item (a thread blocked on a pipe is a daemon: it ends with the process)."""
    ready: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put((_END, exc))
            return
        put((_END, None))

    threading.Thread(target=read, name="detente-read-ahead", daemon=True).start()
    try:
        while True:
            try:
                item, error = ready.get(timeout=wait)
            except queue.Empty:
                on_stall()
                item, error = ready.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Groups of up to ``size`` articles (one store look-up per group, not per article)."""
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
