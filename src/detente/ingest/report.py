"""IngestReport: what happened to every input, counted by reason.

Reading never stops for one bad input (STYLE.md, practice 6). Each problem becomes one
entry with the *origin* it concerns (a path, ``path:line``, a URL or ``file.warc.gz#record``)
and a one-line *reason*:

- ``fail(origin, reason)``: the input or record yielded nothing (missing path, empty or
  binary file, JSON line that does not parse, record without text, unreachable URL, ...).
- ``skip(origin, reason)``: the record was deliberately left out or yielded with
  ``status="skipped"`` (not English, HTML with no main text, a malformed WARC record, ...).
- ``warn(origin, reason)``: the article was read but something was repaired or is unknown
  (invalid UTF-8 replaced, text truncated, unrecognised date, ...).

Counters: ``read`` counts articles yielded with ``status="ok"``, ``skipped`` and ``failed``
count the calls above, ``warned`` the warnings. ``by_reason`` counts skips and failures by
the reason with its details removed (text in parentheses and quotes, line numbers), so that
``not valid JSON (Expecting value: line 1 column 1)`` and ``not valid JSON (Unterminated
string ...)`` fall under one key.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_DETAILS = re.compile(r"\s*\([^)]*\)|'[^']*'|\"[^\"]*\"")
_NUMBERS = re.compile(r"\d+")


def reason_key(reason: str) -> str:
    """The reason without its particulars: what ``by_reason`` counts."""
    key = _DETAILS.sub(lambda m: "" if m.group(0).lstrip().startswith("(") else "'…'", reason)
    return _NUMBERS.sub("N", key).strip()


@dataclass
class IngestReport:
    read: int = 0
    skipped: int = 0
    failed: int = 0
    warned: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    skips: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    by_reason: Counter[str] = field(default_factory=Counter)
    # every entry in the order it happened: (level, origin, reason), level fail|skip|warn
    entries: list[tuple[str, str, str]] = field(default_factory=list)

    def fail(self, origin: str, reason: str) -> None:
        self.failed += 1
        self.failures.append((origin, reason))
        self.by_reason[reason_key(reason)] += 1
        self.entries.append(("fail", origin, reason))

    def skip(self, origin: str, reason: str) -> None:
        self.skipped += 1
        self.skips.append((origin, reason))
        self.by_reason[reason_key(reason)] += 1
        self.entries.append(("skip", origin, reason))

    def warn(self, origin: str, reason: str) -> None:
        self.warned += 1
        self.warnings.append((origin, reason))
        self.entries.append(("warn", origin, reason))

    def one_lines(self, levels: tuple[str, ...] = ("fail", "skip", "warn")) -> list[str]:
        """``"origin: reason"`` for every entry of the given levels, in order."""
        return [f"{origin}: {reason}" for level, origin, reason in self.entries if level in levels]

    def summary(self) -> str:
        text = f"read {self.read}, skipped {self.skipped}, failed {self.failed}, warnings {self.warned}"
        if self.by_reason:
            text += "; " + ", ".join(f"{k}: {n}" for k, n in self.by_reason.most_common())
        return text
