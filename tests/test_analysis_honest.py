"""Relation series that do not mislead (issue #13): missing periods, charts that show what each point
rests on, changes explained only by what moved them, relations of states with counts. Real stores in
tmp_path, written by detente.store."""

from __future__ import annotations

import math

import matplotlib
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from detente.analysis import dyad_changes, dyad_series, relations_matrix, write_series
from detente.analysis.changes import detect_changes, no_change_hint
from detente.analysis.common import open_db
from detente.analysis.dyads import dyad_sources, series_caption
from detente.analysis.plots import dyad_chart
from detente.cli import app
from detente.records import Article, CodedArticle, Event
from detente.store import Store
from test_analysis_series import _storyline
from test_analysis_support import ev


def _write(path: str, events: list[Event], titled: bool = True) -> str:
    by_article: dict[str, list[Event]] = {}
    for e in events:
        by_article.setdefault(e.article_id, []).append(e)
    with Store(path) as st:
        for aid, evs in sorted(by_article.items()):
            art = Article(article_id=aid, text="x", source=f"Outlet {aid[:1]}", published=evs[0].date,
                          title=f"Headline {aid}" if titled else None,
                          url=f"https://news.example/{aid}" if titled else None)
            st.write(CodedArticle(article=art, events=evs))
    return path


@pytest.fixture()
def story(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return _write(str(tmp_path / "story.duckdb"), _storyline())


def _gappy() -> list[Event]:
    """BRA–ARG with February and March empty."""
    return [ev("j1", "BRA", "ARG", "04", "2025-01-10", article="j1"),
            ev("j2", "ARG", "BRA", "11", "2025-01-12", article="j2"),
            ev("a1", "BRA", "ARG", "17", "2025-04-03", article="a1"),
            ev("m1", "BRA", "ARG", "01", "2025-05-03", article="m1", goldstein=0.0)]


def test_empty_periods_are_missing_not_neutral(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = _write(str(tmp_path / "g.duckdb"), _gappy())
    con = open_db(db, read_only=True)
    s = dyad_series(con, "BRA", "ARG")
    assert [r["n"] for r in s] == [2, 0, 0, 1, 1]
    assert [r["index"] is None for r in s] == [False, True, True, False, False]
    assert s[4]["index"] == 0.0  # a neutral month (Goldstein 0) is 0, not missing
    write_series(s, str(tmp_path / "s.csv"))
    write_series(s, str(tmp_path / "s.parquet"))
    assert pcsv.read_csv(tmp_path / "s.csv").column("index").null_count == 2
    table = pq.read_table(tmp_path / "s.parquet")
    assert table.column("index").null_count == 2 and str(table.schema.field("index").type) == "double"
    # change detection skips the missing months rather than reading them as 0
    assert all(c["period"] not in ("2025-02-01", "2025-03-01") for c in detect_changes(s, penalty=1.0))
    r = CliRunner().invoke(app, ["dyad", "BRA", "ARG", "--db", db])
    assert r.exit_code == 0 and "no happening that month (missing, not neutral)" in r.output
    con.close()


def test_chart_breaks_the_line_and_shows_counts_and_caption(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = _write(str(tmp_path / "g.duckdb"), _gappy())
    con = open_db(db, read_only=True)
    s = dyad_series(con, "BRA", "ARG")
    sources = dyad_sources(con, "BRA", "ARG")
    assert sources == {"happenings": 4, "articles": 4, "sources": 3}  # j1 and j2 share "Outlet j"
    caption = series_caption("BRA", "ARG", "month", s, sources)
    assert "100·(coop − conflict)/(coop + conflict + 5)" in caption and "asserted only" in caption
    assert "2 empty month(s) left as gaps" in caption and "4 happenings from 4 articles, 3 outlet(s)" in caption
    out = tmp_path / "c.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text kept as text, to read it back
        import matplotlib.pyplot as plt

        lines: list = []
        orig = plt.Axes.plot

        def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            lines.append(args)
            return orig(self, *args, **kwargs)

        plt.Axes.plot = spy  # type: ignore[method-assign]
        try:
            dyad_chart(s, [], str(out), title="BRA – ARG", caption=caption)
        finally:
            plt.Axes.plot = orig  # type: ignore[method-assign]
    ys = lines[0][1]
    assert [math.isnan(y) for y in ys] == [False, True, True, False, False]  # NaN: the line breaks there
    svg = out.read_text()
    assert "left as gaps" in svg and ">2<" in svg  # the caption, and January's count over its point
    con.close()


def test_changes_show_plotted_levels_titles_and_only_drivers_of_its_sign(story: str) -> None:
    con = open_db(story, read_only=True)
    series, (ch,) = dyad_changes(con, "IND", "PAK")
    by_period = {r["period"]: r["index"] for r in series}
    assert ch["index_before"] == pytest.approx(by_period[ch["previous_period"]], abs=0.01)
    assert ch["index_after"] == pytest.approx(by_period[ch["period"]], abs=0.01)
    assert all(d["goldstein"] * ch["delta"] > 0 for d in ch["drivers"])
    expelled = ch["drivers"][0]
    assert {a["title"] for a in expelled["articles"]} == {"Headline p1", "Headline p1b"}
    assert expelled["articles"][0]["url"].startswith("https://news.example/")
    con.close()
    r = CliRunner().invoke(app, ["changes", "IND", "PAK", "--db", story])
    assert r.exit_code == 0, r.output
    assert "Headline p1 <https://news.example/p1>" in r.output
    assert f"index {ch['index_before']:+.1f} in {ch['previous_period'][:7]}" in r.output


def test_changes_without_titles_fall_back_to_ids(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = _write(str(tmp_path / "n.duckdb"), _storyline(), titled=False)
    r = CliRunner().invoke(app, ["changes", "IND", "PAK", "--db", db])
    assert r.exit_code == 0 and "p1 (Outlet p)" in r.output


def test_a_short_series_without_a_change_says_what_to_try(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = _write(str(tmp_path / "g.duckdb"), _gappy())
    r = CliRunner().invoke(app, ["changes", "BRA", "ARG", "--db", db, "--penalty", "1e9"])
    assert r.exit_code == 0 and "No change point" in r.output and "Try" not in r.output  # a penalty was given
    series = [{"period": f"2025-0{m}-01", "n": 1, "index": v} for m, v in ((1, 40.0), (2, 10.0), (3, 30.0))]
    assert detect_changes(series) == []
    hint = no_change_hint(series, "month")
    assert hint and "only 3 months have happenings" in hint and "--freq week" in hint and "--penalty" in hint
    assert no_change_hint(series, "month", penalty=50.0) is None
    assert "--freq week" not in (no_change_hint(series, "week") or "")
    long = [{"period": f"2025-{m:02d}-01", "n": 3, "index": 30.0} for m in range(1, 13)]
    assert no_change_hint(long, "month") is None  # long and dense: no change is a finding


def test_relations_keep_organisations_apart_and_show_counts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    events = [ev("u1", "IND", "UN", "04", "2025-01-10", article="u1"),
              ev("u2", "IND", "UN", "04", "2025-07-10", article="u2"),
              ev("w1", "JPN", "KOR", "11", "2025-01-10", article="w1"),
              ev("w2", "KOR", "JPN", "06", "2025-07-10", article="w2"),
              ev("f1", "FRA", "DEU", "04", "2025-02-10", article="f1"),
              ev("f2", "FRA", "DEU", "01", "2025-02-20", article="f2", goldstein=0.0, cameo="010")]
    db = _write(str(tmp_path / "r.duckdb"), events)
    con = open_db(db, read_only=True)
    rel = relations_matrix(con, "2025-01", "2025-08")
    assert rel.countries == ["DEU", "FRA", "JPN", "KOR"] and rel.left_out == 2
    assert all("UN" not in (p["a"], p["b"]) for p in rel.pairs)
    d, f = rel.countries.index("DEU"), rel.countries.index("FRA")
    assert rel.counts[d][f] == 2 and rel.counts[d][d] == 0 and rel.matrix[d][d] is None
    both = relations_matrix(con, "2025-01", "2025-08", organisations=True)
    assert both.countries == ["DEU", "FRA", "IND", "JPN", "KOR", "UN"] and both.organisations == ["UN"]
    assert both.left_out == 0
    assert rel.cooling() == [] and rel.why_none("cooling") == \
        "none of the 1 pairs with happenings in both halves fell"
    con.close()
    heat, counts = tmp_path / "h.png", tmp_path / "n.csv"
    r = CliRunner().invoke(app, ["relations", "--db", db, "--from", "2025-01", "--to", "2025-08",
                                 "--heatmap", str(heat), "--counts-csv", str(counts)])
    assert r.exit_code == 0, r.output
    assert "2 happenings with an organisation, group or region left out" in r.output
    assert "No cooling pair: none of the 1 pairs" in r.output and "2 (1+1)" in r.output
    assert counts.read_text().splitlines()[1] == "DEU,0,2,0,0"
    assert heat.read_bytes()[:4] == b"\x89PNG"
    r = CliRunner().invoke(app, ["relations", "--db", db, "--from", "2025-03", "--to", "2025-04"])
    assert "No warming pair: no pair of states has a happening in the period" in r.output


def test_counts_per_thousand_coded_articles_beside_raw_counts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    events = _gappy()
    db = _write(str(tmp_path / "g.duckdb"), events)
    with Store(db) as st:  # more news in January about other things: 8 coded articles then, 2 in April
        for i in range(6):
            st.write(CodedArticle(article=Article(article_id=f"o{i}", text="x", source="Other",
                                                  published="2025-01-20"), events=[]))
        st.write(CodedArticle(article=Article(article_id="o9", text="x", source="Other", published="2025-04-20"),
                              events=[]))
    con = open_db(db, read_only=True)
    s = dyad_series(con, "BRA", "ARG")
    assert [r["articles"] for r in s] == [8, 0, 0, 2, 1]
    assert [r["n_per_1000"] for r in s] == [250.0, None, None, 500.0, 1000.0]
    assert s[0]["q1_per_1000"] == 125.0 and s[0]["q3_per_1000"] == 125.0 and s[0]["n"] == 2  # raw beside
    write_series(s, str(tmp_path / "s.csv"))
    head = (tmp_path / "s.csv").read_text().splitlines()[0]
    assert '"articles","n_per_1000","q1_per_1000"' in head
    # events dated long before any article published: no coded article that month, no rate
    old = dyad_series(con, "BRA", "ARG", start="2024-12", end="2025-01")
    assert old[0]["articles"] == 0 and old[0]["n_per_1000"] is None
    con.close()
    r = CliRunner().invoke(app, ["dyad", "BRA", "ARG", "--db", db])
    assert r.exit_code == 0 and "per 1k articles" in r.output and "250.0" in r.output


def test_heatmap_greys_pairs_without_happenings_and_whitens_neutral_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from matplotlib.colors import to_rgba

    from detente.analysis.plots import NO_HAPPENINGS, heatmap_colours

    events = [ev("n1", "FRA", "DEU", "01", "2025-02-10", article="n1", goldstein=0.0, cameo="010"),  # neutral
              ev("c1", "JPN", "KOR", "06", "2025-02-10", article="c1"),  # cooperation
              ev("x1", "JPN", "FRA", "17", "2025-02-11", article="x1")]  # conflict
    db = _write(str(tmp_path / "c.duckdb"), events)
    con = open_db(db, read_only=True)
    rel = relations_matrix(con, "2025-01", "2025-03")
    con.close()
    ix = {c: i for i, c in enumerate(rel.countries)}
    rgba = heatmap_colours(rel)
    deu, fra, jpn, kor = (ix[c] for c in ("DEU", "FRA", "JPN", "KOR"))
    assert rel.matrix[deu][fra] == 0.0 and rel.counts[deu][fra] == 1  # neutral, not missing
    assert rel.matrix[deu][kor] is None and rel.counts[deu][kor] == 0
    neutral, none = tuple(rgba[deu][fra]), tuple(rgba[deu][kor])
    assert none == pytest.approx(to_rgba(NO_HAPPENINGS))  # no events: grey
    assert min(neutral[:3]) > 0.95  # neutral: white (RdBu's middle)
    r, _, b, _ = rgba[jpn][kor]
    assert b > r  # cooperation: blue
    r, _, b, _ = rgba[jpn][fra]
    assert r > b  # conflict: red
    path = tmp_path / "h.png"
    rel.heatmap(str(path))
    assert path.read_bytes()[:4] == b"\x89PNG"
