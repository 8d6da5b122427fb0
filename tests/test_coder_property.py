"""Property: arbitrary Unicode text never crashes the coder, and what it returns is well-formed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.records import MODALITIES, POLARITIES, Article

pytestmark = pytest.mark.model

_engine = None


def engine():
    global _engine
    if _engine is None:
        from detente.pipeline import Engine

        _engine = Engine()
    return _engine


words = st.sampled_from(["Russia", "China", "met", "with", "not", "if", "said", "attacked", "sanctions", "the",
                         "Putin", "and", ",", ".", "\n\n", "’s", "“", "”", "would", "refused", "to", "NATO"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(words, max_size=60).map(" ".join)))
def test_any_text_codes_without_crashing(text):
    coded = engine().code_article(Article.make(text, published="2024-01-01"))
    assert coded.article.status == "ok", coded.article.status_reason
    for ev in coded.events:
        assert ev.polarity in POLARITIES and ev.modality in MODALITIES
        assert ev.quad_class in (1, 2, 3, 4) and ev.cameo.isdigit() and ev.source is not None
        s = ev.spans["predicate"]
        assert s is not None and 0 <= s[0] < s[1] <= len(ev.sentence) + 1
