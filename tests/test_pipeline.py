"""The coding pipeline: order kept, one bad article isolated, worker processes fed a bounded window
(the input is never read ahead wholesale), a worker that cannot start reported as the user's error."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from conftest import gen_articles
from detente.config import Config
from detente.errors import DetenteError, KnowledgeError
from detente.pipeline import Engine, code_articles, code_text
from detente.records import Article

pytestmark = pytest.mark.model


def test_single_process_keeps_order_and_isolates_a_failure(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    arts = gen_articles(7)
    arts[3] = replace(arts[3], text="BOOM " + arts[3].text)
    arts[5] = replace(arts[5], status="skipped", status_reason="language de (not English)")
    real = engine.coder.code

    def code(doc, article):
        if article.text.startswith("BOOM"):
            raise ValueError("exploded")
        return real(doc, article)

    monkeypatch.setattr(engine.coder, "code", code)
    out = list(code_articles(arts, Config(batch_size=3), n_process=1, engine=engine))
    assert [c.article.article_id for c in out] == [a.article_id for a in arts]
    assert [c.article.status for c in out] == ["ok", "ok", "ok", "failed", "ok", "skipped", "ok"]
    assert (out[3].article.status_reason or "").startswith("coding failed: ValueError: exploded at ")


def test_code_text(engine: Engine) -> None:
    coded = code_text("China and Russia held talks in Beijing.", published="2022-09-16", engine=engine,
                      title="Talks")
    assert coded.article.status == "ok" and coded.article.title == "Talks"
    assert coded.article.published == "2022-09-16"


@pytest.mark.slow
def test_worker_processes_keep_order_and_read_only_a_window_ahead() -> None:
    arts = gen_articles(40)
    pulled = 0

    def source() -> Iterator[Article]:
        nonlocal pulled
        for a in arts:
            pulled += 1
            yield a

    batch, procs = 2, 2
    seen = []
    for i, coded in enumerate(code_articles(source(), Config(batch_size=batch), n_process=procs)):
        # at most 2 * procs batches in flight plus the one being handed out
        assert pulled - i <= (2 * procs + 1) * batch, (pulled, i)
        seen.append(coded.article.article_id)
    assert seen == [a.article_id for a in arts]


@pytest.mark.slow
def test_a_worker_that_cannot_start_raises_the_users_error(tmp_path) -> None:
    bad = tmp_path / "actors.yaml"
    bad.write_text("- this: [is not: an actor file\n", encoding="utf-8")
    with pytest.raises(DetenteError) as err:
        list(code_articles(gen_articles(4), Config(batch_size=2, actors=(str(bad),)), n_process=2))
    assert str(bad) in err.value.one_line()
    # the worker's own error, pickled back: its class and code, not a wrapper
    assert type(err.value) is KnowledgeError and err.value.code == "E342" and "not valid YAML" in err.value.reason


def test_an_empty_stream_loads_nothing_and_starts_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente import pipeline

    def boom(*args, **kwargs):
        raise AssertionError("started work for no articles")

    monkeypatch.setattr(pipeline, "Engine", boom)
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", boom)
    assert list(code_articles(iter([]), Config(), n_process=1)) == []
    assert list(code_articles(iter([]), Config(), n_process=2)) == []
