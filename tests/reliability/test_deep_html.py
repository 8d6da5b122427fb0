"""HTML nested deeper than libxml2's limit (255 levels) keeps its article.

Issue #15, smaller items: lxml (libxml2) stops building the tree past 255 levels, so trafilatura
found no main text and the page was skipped. Now tags past :data:`MAX_DEPTH` levels are taken out
before extraction (their text stays where it was), and a page within the limit is left as it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.config import Config
from detente.ingest import IngestReport, read_inputs
from detente.ingest.html import MAX_DEPTH, extract, flatten_deep

STORY = "<p>" + "China and Russia signed a trade agreement in Beijing on Monday, officials said. " * 6 + "</p>"


def _page(depth: int, tag: str = "div", after: str = "") -> str:
    return ("<html><head><title>Trade deal</title></head><body>" + f"<{tag}>" * depth + STORY
            + f"</{tag}>" * depth + after + "</body></html>")


@pytest.mark.parametrize("depth", [250, 256, 300, 1000, 5000])
def test_a_deep_page_keeps_its_article(depth: int) -> None:
    page = extract(_page(depth))
    assert "signed a trade agreement in Beijing" in page.text


def test_text_after_a_deep_stretch_is_kept() -> None:
    page = extract(_page(400, "span", after="<p>" + "The deal covers oil and gas supplies until 2030, "
                                                     "the two governments said in a joint statement. " * 4 + "</p>"))
    assert "signed a trade agreement" in page.text and "covers oil and gas" in page.text


def test_a_deep_page_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(_page(2000), encoding="utf-8")
    report = IngestReport()
    (article,) = read_inputs([str(path)], Config(), report)
    assert article.status == "ok" and "trade agreement" in article.text and report.skipped == 0


def test_a_page_within_the_limit_is_left_as_it_is() -> None:
    html = _page(MAX_DEPTH - 5) + "<script>if (a < b) { x = '<div><div><div>'; }</script><br><img src=x>"
    assert flatten_deep(html) is html


def test_flattening_keeps_text_and_void_or_script_content() -> None:
    inner = "<b>bold</b> text<br><script>var s = '<div>';</script>"
    html = "<div>" * (MAX_DEPTH + 50) + inner + "</div>" * (MAX_DEPTH + 50)
    flat = flatten_deep(html)
    assert "bold" in flat and " text" in flat and "var s = '<div>';" in flat
    tags = flat.replace("'<div>'", "")  # the script's string is no tag
    assert tags.count("<div>") == tags.count("</div>") == MAX_DEPTH
