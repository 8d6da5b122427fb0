"""Publication dates: any common written form -> ISO ``YYYY-MM-DD``.

``parse_date(value)`` returns the ISO date or ``None`` when it cannot tell. Fast paths, in
order, cover what news sources write:

- ISO dates and datetimes, with or without a zone: ``2022-09-22``, ``2022-09-22T08:30:00+03:00``
  (the date is taken as written, i.e. the publisher's local calendar day, not converted to UTC);
  also ``2022/09/22`` and ``2022.09.22``;
- compact ``20220922``;
- ``22 September 2022``, ``22 Sep 2022``, ``Sep 22, 2022``, ``September 22nd 2022``, with an
  optional weekday and time after them;
- RFC 2822 as in RSS feeds: ``Thu, 22 Sep 2022 08:30:00 +0000``;
- Unix timestamps in seconds or milliseconds (numbers, as some JSON dumps store them, or digit
  strings of 9-10 digits); an eight-digit number is ``YYYYMMDD`` (``20220101``) as the same
  digits in a string are, never 1970-08-23, and a smaller number is no date.

Anything else goes to ``dateparser`` (slow, so results are cached), restricted to absolute
dates that name a year, month and day: "yesterday" or "September 2022" are not a
publication day and give ``None``. Years before 1800 or after next year are rejected.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from email.utils import parsedate_tz
from functools import lru_cache
from typing import Any

_MONTHS = {
    name: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_REST = r"(?:[\sT,].*)?$"

_ISO = re.compile(r"^\s*(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})" + _REST)
_COMPACT = re.compile(r"^\s*(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:T\d{2,6}Z?)?\s*$")
_DAY_MONTH_YEAR = re.compile(r"^\s*" + _WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + _REST,
                             re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(r"^\s*" + _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + _REST,
                             re.IGNORECASE)
_NUMBER = re.compile(r"^\s*\d{9,10}(?:\.\d+)?\s*$")


def _valid(year: int, month: int, day: int) -> str | None:
    if not 1800 <= year <= dt.date.today().year + 1:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> str | None:
    month_text = m.group("month")
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower(), 0)
    return _valid(int(m.group("year")), month, int(m.group("day")))


def parse_date(value: Any) -> str | None:
    """ISO ``YYYY-MM-DD`` for ``value`` (str, number, date or datetime), else ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_number(value)
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    for pattern in (_ISO, _COMPACT, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        m = pattern.match(text)
        if m:
            return _from_match(m)
    if _NUMBER.match(text):
        return _from_timestamp(float(text))
    parsed = parsedate_tz(text)
    if parsed is not None and parsed[0] and parsed[1] and parsed[2]:
        return _valid(parsed[0], parsed[1], parsed[2])
    return _dateparser(text)


def _from_number(value: float) -> str | None:
    """``20220101`` (eight digits) as ``YYYYMMDD``; a timestamp in seconds (from 1e8, 1973) or
    milliseconds; anything smaller (a year, a count) is no publication day."""
    if not math.isfinite(value) or value < 1e7:
        return None
    if value < 1e8:
        if value != int(value):
            return None
        n = int(value)
        return _valid(n // 10_000, n // 100 % 100, n % 100)
    return _from_timestamp(float(value))


def _from_timestamp(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        day = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
    return _valid(day.year, day.month, day.day)


@lru_cache(maxsize=4096)
def _dateparser(text: str) -> str | None:
    import dateparser  # slow to import and to run: the last resort

    try:
        parsed = dateparser.parse(
            text,
            languages=["en"],
            settings={
                "PARSERS": ["custom-formats", "absolute-time"],
                "REQUIRE_PARTS": ["day", "month", "year"],
                "RETURN_AS_TIMEZONE_AWARE": False,
                "DATE_ORDER": "DMY" if re.match(r"^\s*(1[3-9]|2\d|3[01])[/.-]", text) else "MDY",
            },
        )
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input
        return None
    if parsed is None:
        return None
    return _valid(parsed.year, parsed.month, parsed.day)
