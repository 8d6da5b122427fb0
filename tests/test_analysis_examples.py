"""The bundled examples/ (they feed ``detente demo``): well formed, dated Jan–Sep 2025, the storyline's cues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _articles() -> list[tuple[dict, str]]:
    out = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("---\n"), path.name
        head, body = text[4:].split("\n---\n", 1)
        out.append((yaml.safe_load(head), body.strip()))
    return out


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="no examples/ in this checkout")
def test_examples_are_well_formed_and_span_the_storyline() -> None:
    arts = _articles()
    assert 10 <= len(arts) <= 15
    dates = []
    for meta, body in arts:
        assert set(meta) >= {"title", "published", "source", "url"}
        assert meta["source"] == "Detente Example Wire" and meta["url"].startswith("https://example.org/")
        dates.append(meta["published"] if isinstance(meta["published"], dt.date)
                     else dt.date.fromisoformat(meta["published"]))
        assert 150 <= len(body.split()) <= 300, meta["title"]
    assert min(dates).month == 1 and max(dates).month == 9 and len({d.year for d in dates}) == 1
    text = "\n".join(body for _, body in arts)
    assert "did not sign" in text  # a negated event
    assert "If Argentina imposes tariffs" in text and "would retaliate" in text  # a hypothetical one
    warm = "\n".join(b for m, b in arts if m["published"].month <= 4)
    cool = "\n".join(b for m, b in arts if m["published"].month >= 6)
    assert all(w in warm for w in ("signed", "met", "agreed", "visited"))
    assert all(w in cool for w in ("accused", "expelled", "imposed", "recalled", "sanctions"))
