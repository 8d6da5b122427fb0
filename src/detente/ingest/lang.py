"""Language of an article: English is coded, anything else is yielded as skipped.

``detect_language(text, declared)`` returns an ISO 639-1 code. The rule, in order:

1. Plainly English: among the first ``QUICK_CHARS`` characters there are at least
   ``MIN_WORDS`` words and at least ``ENGLISH_SHARE`` of them are English function words
   ("the", "of", "and", "said", ...). English news prose has 30-40%; running text in other
   languages stays far below 20%. This check costs microseconds, where py3langid (a
   pure-Python byte automaton) costs about a millisecond per thousand characters, so it
   settles nearly every English article and py3langid sees only the rest.
2. Too short to judge (fewer than ``MIN_LETTERS`` letters in the first ``SAMPLE_CHARS``
   characters): the declared language, else ``en`` -- a headline is never skipped on a guess.
3. Otherwise py3langid on the first ``SAMPLE_CHARS`` characters, with normalised
   probabilities. An uncertain answer (below ``MIN_CONFIDENCE``) on a short text (under
   ``SHORT_TEXT`` letters) falls back to the declared language, else English.

The declared language counts only when it names one (:func:`declared_language`): an ISO 639-1
code, alone or as the first subtag of a tag (``de``, ``de-AT``, ``pt_BR``), or a common
ISO 639-2 code or English name (``eng``, ``deu``, ``English``). Anything else (``zz-junk``,
``42``, ``true``) is no declaration: a junk value never skips an English text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SAMPLE_CHARS = 2000
QUICK_CHARS = 1200
MIN_LETTERS = 40
MIN_WORDS = 30
ENGLISH_SHARE = 0.2
MIN_CONFIDENCE = 0.8
SHORT_TEXT = 300

_ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "of", "and", "to", "in", "is", "was", "that", "for", "on", "with", "as", "by", "at", "from",
    "it", "its", "he", "his", "she", "her", "they", "their", "this", "which", "are", "were", "has",
    "have", "had", "be", "been", "will", "would", "not", "but", "an", "said", "who", "after", "also",
})
_WORD = re.compile(r"[^\W\d_]+")

_ISO_639_1_TABLE = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz
ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii
ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi
mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw
sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk
ur uz ve vi vo wa wo xh yi yo za zh zu
"""
ISO_639_1 = frozenset(_ISO_639_1_TABLE.split())
# ISO 639-2 codes and English names that corpora write for the languages news comes in most
_OTHER_NAMES = {
    "eng": "en", "english": "en", "deu": "de", "ger": "de", "german": "de", "fra": "fr", "fre": "fr",
    "french": "fr", "spa": "es", "spanish": "es", "rus": "ru", "russian": "ru", "zho": "zh", "chi": "zh",
    "chinese": "zh", "ara": "ar", "arabic": "ar", "por": "pt", "portuguese": "pt", "ita": "it",
    "italian": "it", "jpn": "ja", "japanese": "ja", "tur": "tr", "turkish": "tr", "ukr": "uk",
    "ukrainian": "uk", "pol": "pl", "polish": "pl", "nld": "nl", "dut": "nl", "dutch": "nl",
    "fas": "fa", "per": "fa", "persian": "fa", "hin": "hi", "hindi": "hi", "kor": "ko", "korean": "ko",
}
_TAG = re.compile(r"[a-z]{2,10}(?:[-_][a-z0-9]{1,8})*")


def declared_language(value: Any) -> str | None:
    """The ISO 639-1 code a record's ``lang`` names (``de``, ``de-AT``, ``pt_BR``, ``eng``,
    ``English``), or ``None`` when it names no language (``zz-junk``, ``42``, a list, ``True``)."""
    if not isinstance(value, str):
        return None
    tag = value.strip().lower()
    if not _TAG.fullmatch(tag):
        return None
    primary = re.split(r"[-_]", tag, maxsplit=1)[0]
    return primary if primary in ISO_639_1 else _OTHER_NAMES.get(primary)


def english_share(words: list[str]) -> float:
    """The share of ``words`` (lower-cased) that are English function words."""
    if not words:
        return 0.0
    return sum(map(_ENGLISH_FUNCTION_WORDS.__contains__, words)) / len(words)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def langid(text: str) -> tuple[str, float]:
    """py3langid's (language, probability) for the start of ``text``."""
    lang, prob = _identifier().classify(text[:SAMPLE_CHARS])
    return str(lang), float(prob)


def detect_language(text: str, declared: Any = None) -> str:
    """The ISO 639-1 code of ``text``'s language; ``declared``: the source's ``lang``, if any."""
    declared = declared_language(declared)
    words = text[:QUICK_CHARS].lower().split()
    if len(words) >= MIN_WORDS and english_share(words) >= ENGLISH_SHARE:
        return "en"
    sample = text[:SAMPLE_CHARS]
    letters = sum(map(len, _WORD.findall(sample)))
    if letters < MIN_LETTERS:
        return declared or "en"
    lang, prob = langid(sample)
    if prob < MIN_CONFIDENCE and letters < SHORT_TEXT:
        return declared or "en"
    return lang
