"""Normalised words, the form every actor name is matched in: ``norm_words("the U.S.'s") -> ("the", "us")``.

Lower case, accents stripped, dots dropped ("U.S." -> "us"), hyphens and apostrophes split;
:func:`phrase_key` also drops a leading "the". The knowledge base (:mod:`.model`), the composer
(:mod:`.compose`), the PETRARCH loader and the resolver all match in this form.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*\.?|&|\+")
# the dashes that join two words in a text ("Greek-Cypriot", "Russian–Chinese"), for the resolver's readings of them
HYPHENS = frozenset({"-", "–", "—"})


@functools.lru_cache(maxsize=200_000)
def norm_words(text: str) -> tuple[str, ...]:
    """Words of ``text`` for matching: lower-cased, accents stripped, dots dropped."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower().replace("’", "'")
    t = re.sub(r"'s\b", " ", t)
    words = tuple(w.replace(".", "") for w in _WORD.findall(t))
    return tuple(w for w in words if w)


def phrase_key(text: str) -> tuple[str, ...]:
    words = norm_words(text)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return words


def is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in text.strip()
