"""Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``): the one place they are parsed.

* :func:`parse_bound` reads one end of a date range given by a user (``--from``/``--to`` of
  ``detente events``, ``dyad``, ``changes``, ``relations``; ``from=``/``to=`` of the HTTP
  API): a month or a year stands for its first day as a start and for its last day as an
  end (``end=True``), so ``--to 2025-09`` includes 30 September. A bad value is a
  :class:`~detente.errors.ConfigError` ``E311`` (a usage error: exit code 2, HTTP 400).
* :func:`to_date` reads a record's date for storing (``Event.date``, ``Article.published``):
  lenient, the first day of a month or year, ``None`` when there is no date to read.

Dates in article text ("last Tuesday", "in March") are :mod:`detente.context.event_dates`;
publication dates as feeds write them are :mod:`detente.ingest.dates`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import ConfigError

_BOUND = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
_STORED = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_bound(value: str | dt.date | None, end: bool = False, what: str = "date") -> dt.date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> a day; with ``end=True`` a month or a year
    gives its last day (``2025-09`` -> 2025-09-30, ``2025`` -> 2025-12-31), else its first.

    ``None`` stays ``None`` (no bound) and a date is returned as it is (a datetime as its day).
    ``what`` names the option in the error (``--to``, ``from``...).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _BOUND.fullmatch(str(value).strip())
    try:
        if not m:
            raise ValueError
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if d:
            return dt.date(y, int(mo), int(d))
        if mo:
            return dt.date(y, int(mo), calendar.monthrange(y, int(mo))[1] if end else 1)
        return dt.date(y, 12, 31) if end else dt.date(y, 1, 1)
    except ValueError:
        raise ConfigError("E311", what, f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None


def to_date(value: str | None) -> dt.date | None:
    """A stored record's date: ``YYYY-MM-DD`` (or a longer ISO timestamp), ``YYYY-MM`` or
    ``YYYY`` -> that day, or the first day of the month or year; anything else -> ``None``."""
    if not value:
        return None
    m = _STORED.match(value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None
