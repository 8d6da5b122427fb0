"""Actors: the knowledge base (``data/actors/*.yaml``), in-document resolution, the PETRARCH importer.

Public API (the contract the coder and the CLI use):

- :func:`load_kb` ``(extra_files=()) -> ActorKB`` — built-in data plus extra YAML / PETRARCH files,
  cached per file set.
- :meth:`ActorKB.lookup` ``(text, date=None) -> list[Actor]`` — best first.
- :meth:`ActorKB.stats` ``() -> dict`` — counts per category.
- :class:`DocActors` ``(kb, doc, date)`` — ``actors_for(token)``, ``country_of(token)``,
  ``explain(token)``, ``mentions()``.
"""

from __future__ import annotations

from .kb import ActorKB, Entry, Period, build_kb, load_kb, norm_words
from .resolve import DocActors

__all__ = ["ActorKB", "DocActors", "Entry", "Period", "build_kb", "load_kb", "norm_words"]
