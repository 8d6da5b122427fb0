"""Odd field values in a record never lose or misdate an article.

Issue #15, smaller items: an integer date (``"date": 20220101``) was read as a Unix timestamp,
1970-08-23; a junk ``lang`` (``"zz-junk"``, ``42``) was taken as the article's language when the
text was too short to judge, and an English text was skipped as not English. Now an eight-digit
number is ``YYYYMMDD`` as the same digits in a string are, a number too small to be a timestamp
of our time is no date, and a ``lang`` that names no language is ignored, with a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.config import Config
from detente.ingest import IngestReport, read_inputs
from detente.ingest.dates import parse_date
from detente.ingest.lang import declared_language, detect_language

HEADLINE = "Xi meets Putin in Moscow"  # too short to judge: the declared language decides
TEXT = "China met Russia in Beijing on Monday to talk about trade. The two sides signed a deal."


def _read(tmp_path: Path, *records: dict[str, object]) -> tuple[list, IngestReport]:
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = IngestReport()
    return list(read_inputs([str(path)], Config(), report)), report


@pytest.mark.parametrize(("value", "expected"), [
    (20220101, "2022-01-01"), ("20220101", "2022-01-01"), (20220101.0, "2022-01-01"),
    (19991231, "1999-12-31"),
    (1663835400, "2022-09-22"), (1663835400000, "2022-09-22"), (1663835400.5, "2022-09-22"),
    (20221301, None), (12345678, None),  # eight digits that are no date: not a 1970 timestamp either
    (2022, None), (5, None), (0, None), (-1663835400, None), (float("nan"), None), (float("inf"), None),
])
def test_numbers_as_dates(value: object, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_an_integer_date_in_a_record(tmp_path: Path) -> None:
    (article,), report = _read(tmp_path, {"text": TEXT, "date": 20220101})
    assert article.published == "2022-01-01" and report.warned == 0


@pytest.mark.parametrize("lang", ["zz-junk", 42, "zz", "xx_YY", "", "english!", True, ["en"], {"code": "de"}])
def test_a_junk_lang_does_not_skip_an_english_text(tmp_path: Path, lang: object) -> None:
    (article,), report = _read(tmp_path, {"text": HEADLINE, "lang": lang})
    assert article.status == "ok" and article.lang == "en", article.status_reason
    assert report.skipped == 0


def test_a_junk_lang_is_a_warning(tmp_path: Path) -> None:
    _articles, report = _read(tmp_path, {"text": TEXT, "lang": "zz-junk"})
    assert [r for _, r in report.warnings] == ["lang 'zz-junk' is not a language code; ignored"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("de", "de"), ("DE", "de"), ("de-AT", "de"), ("pt_BR", "pt"), (" fr ", "fr"), ("eng", "en"),
    ("English", "en"), ("deu", "de"),
    ("zz-junk", None), ("zz", None), (42, None), ("", None), (None, None), ("e", None), (True, None),
])
def test_declared_language(lang: object, expected: str | None) -> None:
    assert declared_language(lang) == expected


def test_a_real_declared_language_still_decides_a_short_text(tmp_path: Path) -> None:
    assert detect_language(HEADLINE, "de") == "de"
    (article,), report = _read(tmp_path, {"text": HEADLINE, "lang": "de-DE"})
    assert article.status == "skipped" and report.warned == 0
