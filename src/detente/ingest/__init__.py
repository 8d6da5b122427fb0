"""Ingest: paths, folders, URLs or stdin -> a stream of :class:`~detente.records.Article`.

Contract::

    read_inputs(inputs: list[str], config: Config, report: IngestReport) -> Iterator[Article]

Streams (one record in memory at a time for JSON Lines and WARC), never raises for bad
input: every problem is one entry in ``report`` (``origin: reason``) and reading goes on.
Non-English articles are yielded with ``status="skipped"`` and ``status_reason="language de
(not English)"`` so the store can record them.

One module per format: ``text`` (.txt, .md), ``jsonl`` (.jsonl, .jsonl.gz, .json), ``html``,
``feeds`` (RSS/Atom), ``warc`` (.warc, .warc.gz); ``web`` fetches URLs, ``lang`` detects the
language, ``dates`` normalises publication dates, ``common`` decodes bytes, truncates long
texts (the rule is in its docstring) and builds each Article; ``reader`` dispatches inputs.
"""

from .reader import FORMATS, read_inputs, usable_files
from .report import IngestReport

__all__ = ["FORMATS", "IngestReport", "read_inputs", "usable_files"]
