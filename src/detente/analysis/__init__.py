"""Analysis over the store: happenings, dyad series, change points, relations, plots.

Every function takes a DuckDB connection (or a ``detente.store.Store``) and reads the
store's ``events``/``articles`` tables (columns listed in :mod:`detente.analysis.common`).

- :func:`cluster_happenings` — one happening, many reports (tables ``happenings``,
  ``happening_events``);
- :func:`dyad_series` — counts, Goldstein and the cooperation–conflict index per period;
- :func:`detect_changes`, :func:`dyad_changes` — change points, explained;
- :func:`relations_matrix` — country × country index, warming and cooling pairs;
- :func:`demo_report` — the analysis part of ``detente demo``.

matplotlib and ruptures are imported only when a chart or change points are asked for.
"""

from __future__ import annotations

from .changes import detect_changes, dyad_changes, explain_change
from .dyads import cooperation_index, dyad_series, write_series
from .happenings import ROOT_FAMILIES, cluster_happenings, ensure_happenings, happening_members
from .relations import relations_matrix
from .report import demo_report

__all__ = [
    "ROOT_FAMILIES", "cluster_happenings", "cooperation_index", "demo_report", "detect_changes",
    "dyad_changes", "dyad_series", "ensure_happenings", "explain_change", "happening_members",
    "relations_matrix", "write_series",
]
