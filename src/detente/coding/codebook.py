"""The CAMEO codebook as data: names, Goldstein scores, quad classes, PLOVER crosswalk, refusals.

Contract: ``load_codebook() -> Codebook`` (cached), read from ``data/codebook/cameo.tsv`` and
``data/codebook/refusals.tsv`` (see the README in that folder for sources and licences).

- ``cameo.tsv``: ``code, name, goldstein, quad_class, plover_type, plover_mode, plover_context``.
  Codes are strings (``042``, ``0312``); the first two digits are the root. An empty PLOVER
  type means PLOVER drops the code (roots 01 and 02).
- ``refusals.tsv``: ``refused_code_prefix, refusal_code, note``: the CAMEO 12x code for a
  refused or negated cooperative event ("refused to meet" -> 125). The longest prefix wins.

Every row is validated on load; a bad row raises ``KnowledgeError(code, "file:line", reason)``.
Look-ups never raise for codes outside the table (user dictionaries may carry local codes): such
a code takes its nearest known parent's values, or neutral ones; ``is_valid`` tells them apart.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import KnowledgeError

_CODE = re.compile(r"^\d{2,4}$")
CAMEO_COLUMNS = ("code", "name", "goldstein", "quad_class", "plover_type", "plover_mode", "plover_context")
REFUSAL_COLUMNS = ("refused_code_prefix", "refusal_code", "note")
PLOVER_TYPES = frozenset((
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
))
# GDELT's QuadClass by root: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
# 4 material conflict.
QUAD_BY_ROOT = {f"{r:02d}": 1 if r <= 5 else 2 if r <= 9 else 3 if r <= 14 else 4 for r in range(1, 21)}
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


@dataclass(frozen=True)
class CodeInfo:
    code: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_context: str | None


@dataclass
class Codebook:
    """CAMEO event codes with their scores and PLOVER mapping; look-ups by code string."""

    entries: dict[str, CodeInfo] = field(default_factory=dict)
    refusals: dict[str, str] = field(default_factory=dict)  # refused-code prefix -> 12x code

    # -- look-ups ------------------------------------------------------------------------
    # Codes outside the table (a user's PETRARCH dictionary may use WEIS-era or local codes such
    # as "1951" or "212") take the values of their nearest known parent ("1951" -> "195"); with
    # no known parent they get neutral values: empty name, Goldstein 0.0, quad class 0, no PLOVER.
    # ``is_valid`` tells whether a code is in the table itself.
    def _get(self, code: str) -> CodeInfo | None:
        code = str(code).strip()
        for n in range(len(code), 1, -1):
            info = self.entries.get(code[:n])
            if info is not None:
                return info
        return None

    def is_valid(self, code: str | None) -> bool:
        return code is not None and str(code).strip() in self.entries

    def name(self, code: str) -> str:
        info = self._get(code)
        return info.name if info else ""

    def goldstein(self, code: str) -> float:
        info = self._get(code)
        return info.goldstein if info else 0.0

    def quad_class(self, code: str) -> int:
        info = self._get(code)
        return info.quad_class if info else 0

    @staticmethod
    def root(code: str) -> str:
        """The CAMEO root: the first two digits (``0312`` -> ``03``)."""
        return str(code).strip()[:2]

    def plover(self, code: str) -> tuple[str | None, str | None, str | None]:
        """(type, mode, context); all ``None`` where PLOVER drops the code (roots 01, 02)."""
        info = self._get(code)
        if info is None:
            return None, None, None
        return info.plover_type, info.plover_mode, info.plover_context

    def refusal_for(self, code: str) -> str | None:
        """The CAMEO 12x code for refusing the event ``code`` (``036`` -> ``125``), or None."""
        code = str(code).strip()
        for n in range(len(code), 1, -1):
            hit = self.refusals.get(code[:n])
            if hit is not None:
                return hit
        return None

    def codes(self) -> list[str]:
        """Every code, roots included, in file order."""
        return list(self.entries)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.entries

    def __len__(self) -> int:
        return len(self.entries)


def _rows(text: str, name: str, columns: tuple[str, ...]):
    """Yield (origin, row dict) for the data rows of a TSV with a header; skip comments and blanks."""
    header_seen = False
    for n, row in enumerate(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE), 1):
        origin = f"{name}:{n}"
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if not header_seen:
            if tuple(c.strip() for c in row[: len(columns)]) != columns:
                raise KnowledgeError("E211", origin, f"expected header {' '.join(columns)}")
            header_seen = True
            continue
        if len(row) > len(columns):
            raise KnowledgeError("E212", origin, f"{len(row)} columns, expected {len(columns)}")
        row = row + [""] * (len(columns) - len(row))
        yield origin, dict(zip(columns, (c.strip() for c in row), strict=True))
    if not header_seen:
        raise KnowledgeError("E211", name, "empty codebook file")


def parse_cameo(text: str, name: str = "cameo.tsv") -> dict[str, CodeInfo]:
    entries: dict[str, CodeInfo] = {}
    for origin, r in _rows(text, name, CAMEO_COLUMNS):
        code = r["code"]
        if not _CODE.match(code):
            raise KnowledgeError("E213", origin, f"CAMEO code {code!r} is not 2-4 digits")
        if code in entries:
            raise KnowledgeError("E214", origin, f"duplicate code {code}")
        root = code[:2]
        if root not in QUAD_BY_ROOT:
            raise KnowledgeError("E213", origin, f"root {root} of {code} is not 01-20")
        if len(code) > 2 and root not in entries:
            raise KnowledgeError("E215", origin, f"code {code} comes before its root {root}")
        if len(code) == 4 and code[:3] not in entries:
            raise KnowledgeError("E215", origin, f"code {code} has no parent {code[:3]}")
        if not r["name"]:
            raise KnowledgeError("E216", origin, f"code {code} has no name")
        try:
            gs = float(r["goldstein"])
        except ValueError:
            raise KnowledgeError("E217", origin, f"goldstein {r['goldstein']!r} is not a number") from None
        if not -10.0 <= gs <= 10.0:
            raise KnowledgeError("E217", origin, f"goldstein {gs} is outside -10..10")
        if r["quad_class"] != str(QUAD_BY_ROOT[root]):
            raise KnowledgeError(
                "E218", origin, f"quad_class {r['quad_class']!r} for {code}, expected {QUAD_BY_ROOT[root]}"
            )
        ptype = r["plover_type"] or None
        if ptype is not None and ptype not in PLOVER_TYPES:
            raise KnowledgeError("E219", origin, f"unknown PLOVER type {ptype!r}")
        if ptype is None and (r["plover_mode"] or r["plover_context"]):
            raise KnowledgeError("E219", origin, "PLOVER mode or context without a PLOVER type")
        entries[code] = CodeInfo(code, r["name"], gs, QUAD_BY_ROOT[root], ptype,
                                 r["plover_mode"] or None, r["plover_context"] or None)
    return entries


def parse_refusals(text: str, entries: dict[str, CodeInfo], name: str = "refusals.tsv") -> dict[str, str]:
    out: dict[str, str] = {}
    for origin, r in _rows(text, name, REFUSAL_COLUMNS):
        prefix, code = r["refused_code_prefix"], r["refusal_code"]
        if not _CODE.match(prefix):
            raise KnowledgeError("E213", origin, f"prefix {prefix!r} is not 2-4 digits")
        if prefix in out:
            raise KnowledgeError("E214", origin, f"duplicate prefix {prefix}")
        if code not in entries:
            raise KnowledgeError("E220", origin, f"refusal code {code!r} is not in the codebook")
        if not code.startswith("12"):
            raise KnowledgeError("E220", origin, f"refusal code {code} is not a REJECT (12x) code")
        out[prefix] = code
    return out


def read_codebook(cameo: str | Path, refusals: str | Path | None = None) -> Codebook:
    """Read a codebook from files (for tests and user-supplied tables)."""
    cameo = Path(cameo)
    try:
        entries = parse_cameo(cameo.read_text(encoding="utf-8"), str(cameo))
        ref = {}
        if refusals is not None:
            refusals = Path(refusals)
            ref = parse_refusals(refusals.read_text(encoding="utf-8"), entries, str(refusals))
    except FileNotFoundError as exc:
        raise KnowledgeError("E210", str(exc.filename), "codebook file not found") from None
    return Codebook(entries, ref)


@lru_cache(maxsize=1)
def load_codebook() -> Codebook:
    """The built-in codebook (``data/codebook/``), loaded once per process."""
    root = resources.files("detente") / "data" / "codebook"
    entries = parse_cameo((root / "cameo.tsv").read_text(encoding="utf-8"), "cameo.tsv")
    refusals = parse_refusals((root / "refusals.tsv").read_text(encoding="utf-8"), entries, "refusals.tsv")
    return Codebook(entries, refusals)
