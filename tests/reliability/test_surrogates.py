"""Lone surrogates (``\\ud800``, ``\\udc80`` escapes in JSON) are made valid Unicode once, at the edge.

Issue #15, 1: in a JSON Lines ``title`` the batch was lost at the store; in ``text`` or ``url`` the
article-id hash raised and the rest of the file was never read; in Spark ``_failed_item`` hashed the
bad text again; ``POST /code`` answered 500. Now each is replaced with U+FFFD, a warning counts it,
and the good records around it are all read and stored.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import make_coded
from detente.config import Config
from detente.ingest import IngestReport, read_inputs
from detente.records import Article, CodedArticle, article_id_for, valid_unicode
from detente.store import Store

GOOD = "China met Russia in Beijing on Monday to talk about trade. The two sides signed a deal."
BAD = ("\ud800", "\udc80")
FIELDS = ("title", "text", "url")


def _record(field: str, bad: str, n: int) -> dict[str, str]:
    record = {"text": f"{GOOD} Story {n}.", "title": f"Story {n}", "url": f"https://news.example/{n}"}
    record[field] = {"title": f"Story {bad} {n}", "text": f"{GOOD} Story {bad} {n}.",
                     "url": f"https://news.example/{bad}{n}"}[field]
    return record


def _jsonl(path: Path, field: str, bad: str) -> Path:
    """Good, bad, good: json.dumps writes the surrogate as a ``\\ud800`` escape, as a real file would."""
    lines = [json.dumps({"text": f"{GOOD} First.", "url": "https://news.example/first"}),
             json.dumps(_record(field, bad, 1)),
             json.dumps({"text": f"{GOOD} Last.", "url": "https://news.example/last"})]
    assert "\\ud8" in lines[1] or "\\udc" in lines[1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _valid(article: Article) -> bool:
    """Every string field encodes as UTF-8 (a lone surrogate would raise)."""
    try:
        for value in vars(article).values():
            if isinstance(value, str):
                value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("field", FIELDS)
def test_jsonl_surrogate_is_replaced_and_the_file_read_on(tmp_path: Path, field: str, bad: str) -> None:
    path = _jsonl(tmp_path / "in.jsonl", field, bad)
    report = IngestReport()
    articles = list(read_inputs([str(path)], Config(), report))
    assert [a.origin for a in articles] == [f"{path}:1", f"{path}:2", f"{path}:3"], report.one_lines()
    assert all(_valid(a) for a in articles)
    assert "\ufffd" in getattr(articles[1], field)
    assert report.failed == 0 and report.read == 3
    assert report.one_lines() == [f"{path}:2: invalid Unicode (1 lone surrogates replaced with U+FFFD)"]


@pytest.mark.parametrize("field", FIELDS)
def test_read_articles_with_surrogates_are_stored_whole(tmp_path: Path, field: str) -> None:
    path = _jsonl(tmp_path / "in.jsonl", field, "\ud800")
    articles = list(read_inputs([str(path)], Config(), IngestReport()))
    with Store(tmp_path / "s.duckdb") as store:
        store.write_many([CodedArticle(article=a) for a in articles], run_id="r")
        assert store.stats()["articles"] == 3


def test_json_document_with_surrogates(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(json.dumps([_record("text", "\udc80", 1), _record("title", "\ud800", 2)]), encoding="utf-8")
    report = IngestReport()
    articles = list(read_inputs([str(path)], Config(), report))
    assert len(articles) == 2 and all(_valid(a) for a in articles) and report.warned == 2


def test_surrogate_in_a_nested_source_and_in_a_key(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": GOOD, "source": {"name": "Wire \ud800"}, "x\udc80": 1}) + "\n",
                    encoding="utf-8")
    report = IngestReport()
    [article] = read_inputs([str(path)], Config(), report)
    assert article.source == "Wire \ufffd" and report.warned == 1


def test_the_article_id_is_the_repaired_texts_and_never_raises() -> None:
    assert article_id_for(None, "a \ud800 b") == article_id_for(None, "a \ufffd b")
    assert article_id_for("https://x.example/\udc80", "t") == article_id_for("https://x.example/\ufffd", "t")
    article = Article.make("a \ud800 b", url=None, title="\udc80")
    assert (article.text, article.title) == ("a \ufffd b", "\ufffd")


def test_valid_unicode() -> None:
    assert valid_unicode("plain é 😀") == ("plain é 😀", 0)
    assert valid_unicode("a\ud800b\udc80") == ("a\ufffdb\ufffd", 2)
    assert valid_unicode("\ud83d\ude00") == ("😀", 0)  # a pair is its character


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_valid_unicode_always_encodes(text: str) -> None:
    fixed, replaced = valid_unicode(text)
    fixed.encode("utf-8")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        assert replaced > 0
    else:
        assert (fixed, replaced) == (text, 0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(st.characters(codec=None, exclude_categories=()), max_size=20), min_size=3, max_size=3))
def test_any_string_fields_read_stored_or_counted(tmp_path_factory: pytest.TempPathFactory, parts: list[str]) -> None:
    """Arbitrary title, url and text (surrogates included) between two good records: no exception,
    both good records read, the middle one read or counted as failed, everything read is valid."""
    path = tmp_path_factory.mktemp("h") / "in.jsonl"
    title, url, text = parts
    lines = [json.dumps({"text": f"{GOOD} First."}), json.dumps({"title": title, "url": url, "text": text}),
             json.dumps({"text": f"{GOOD} Last."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = IngestReport()
    articles = list(read_inputs([str(path)], Config(), report))
    assert articles[0].origin == f"{path}:1" and articles[-1].origin == f"{path}:3"
    assert len(articles) + report.failed == 3
    assert all(_valid(a) for a in articles)


# --- Spark: the record -> Article step, without a Spark session --------------------------------

def test_spark_item_with_surrogates_is_read_not_aborted() -> None:
    from detente.spark import _item

    line = json.dumps({"id": "s1", "title": "T \ud800", "url": "https://x.example/\udc80", "text": GOOD})
    item = _item({"value": line, "origin": "in.jsonl:1"}, "in.jsonl:1", Config())
    assert item is not None and item.article.status == "ok" and _valid(item.article)
    assert any("invalid Unicode" in w for w in item.warnings)

    failed = _item({"value": json.dumps({"id": "s2", "title": "\ud800", "body": 5})}, "in.jsonl:2", Config())
    assert failed is not None and failed.article.status == "failed" and _valid(failed.article)

    columns = _item({"title": "\ud800", "text": GOOD + " \udc80", "url": None}, "df#3", Config())
    assert columns is not None and columns.article.status == "ok" and _valid(columns.article)


# --- POST /code -----------------------------------------------------------------------------------

class _StubEngine:
    def code_article(self, article: Article) -> CodedArticle:
        return CodedArticle(article=article, events=make_coded(0, n_events=1).events)


@pytest.fixture
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from detente.api import create_app

    return TestClient(create_app(db_path=str(tmp_path / "none.duckdb"), engine=_StubEngine()),
                      raise_server_exceptions=False)


def _post(client, body: str):  # type: ignore[no-untyped-def]
    return client.post("/code", content=body.encode("ascii"), headers={"content-type": "application/json"})


@pytest.mark.parametrize("field", ["text", "title", "url", "source"])
def test_api_code_with_a_surrogate_answers_200(client, field: str) -> None:  # type: ignore[no-untyped-def]
    body = {"text": GOOD, "title": "T", "url": "https://x.example/a", "source": "S"}
    body[field] += " \ud800"
    r = _post(client, json.dumps(body))  # ASCII JSON: the surrogate as a \ud800 escape
    assert r.status_code == 200, r.text
    assert "\ufffd" in r.json()["article"][field]


def test_api_code_surrogate_in_a_bad_date_is_a_400(client) -> None:  # type: ignore[no-untyped-def]
    r = _post(client, json.dumps({"text": GOOD, "published": "\udc80 soon"}))
    assert r.status_code == 400 and r.json()["error"] == "E311"


# --- the CLI, end to end (real Engine) ------------------------------------------------------------

@pytest.mark.model
def test_cli_ingest_stores_every_record_and_reruns(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from detente.cli import app

    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"text": f"{GOOD} First.", "url": "https://news.example/first"})]
    lines += [json.dumps(_record(field, bad, i)) for i, (field, bad) in
              enumerate([(f, b) for f in FIELDS for b in BAD], start=1)]
    lines.append(json.dumps({"text": f"{GOOD} Last.", "url": "https://news.example/last"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    for _ in range(2):  # the rerun finds them all stored
        result = CliRunner().invoke(app, ["ingest", str(path), "--db", db, "-j", "1", "--quiet"])
        assert result.exit_code == 0, (result.output, result.exception)
    with Store(db, read_only=True) as store:
        assert store.stats()["articles"] == len(lines)
        assert store.runs()[0]["new"] == 0
