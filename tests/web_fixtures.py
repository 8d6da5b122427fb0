"""A small store for the web page tests: China and Russia cooperate for four months, then fight for
four; France and Germany meet now and then. Every event has a readable sentence and an article
with a title, an outlet, a date and a URL."""

from __future__ import annotations

from pathlib import Path

from conftest import make_event
from detente.records import Article, CodedArticle
from detente.store import Store

# (month, cameo, goldstein, quad, sentence, source, target)
STORY = [
    ("2022-01", "057", 8.0, 1, "China and Russia signed a friendship treaty in Beijing.", "CHN", "RUS"),
    ("2022-02", "036", 4.0, 1, "Chinese leaders said they would expand trade with Moscow.", "CHN", "RUS"),
    ("2022-03", "057", 8.0, 1, "Russia signed a gas supply agreement with China.", "RUS", "CHN"),
    ("2022-04", "042", 1.9, 1, "The Russian foreign minister visited Beijing for talks.", "RUS", "CHN"),
    ("2022-05", "190", -10.0, 4, "Russian and Chinese troops clashed on the Amur border.", "RUS", "CHN"),
    ("2022-06", "111", -2.0, 3, "Beijing accused Moscow of violating the border agreement.", "CHN", "RUS"),
    ("2022-07", "190", -10.0, 4, "Chinese artillery shelled Russian positions near Khabarovsk.", "CHN", "RUS"),
    ("2022-08", "172", -5.0, 4, "Russia imposed sanctions on Chinese banks.", "RUS", "CHN"),
    ("2022-03", "042", 1.9, 1, "The French president met the German chancellor in Paris.", "FRA", "DEU"),
    ("2022-07", "042", 1.9, 1, "German and French ministers held talks in Berlin.", "DEU", "FRA"),
]
OUTLETS = ("Example Times", "Daily Planet")


def build_store(path: Path) -> str:
    coded = []
    for i, (month, cameo, goldstein, quad, sentence, src, tgt) in enumerate(STORY):
        date = f"{month}-15"
        article = Article.make(f"{sentence} Officials confirmed it on the same day.", url=f"https://news.example/story-{i}",
                               title=f"Story {i}: {sentence.split(' ', 3)[-1][:40]}", source=OUTLETS[i % 2],
                               published=date, lang="en", origin=f"web-test:{i}")
        ev = make_event(article.article_id, 0, source=src, target=tgt, cameo=cameo, date=date, sentence=sentence,
                        goldstein=goldstein, quad_class=quad)
        coded.append(CodedArticle(article=article, events=[ev], quantities=[], accounts=[]))
    with Store(path) as s:
        run_id = s.start_run(["web-fixture"])
        s.write_many(coded, run_id=run_id)
        s.update_run(run_id, status="done", finished=True,
                     counts={"read": len(coded), "new": len(coded), "events": len(coded)})
    return str(path)
