"""Actor arguments as people type them: ``--actor china``, ``--pair argentina,BRA``, ``?pair=nato,eu``.

Contract:

- :func:`actor_arg` ``(text, kb=None, what="actor") -> str`` — the stored actor code that ``text``
  names: a code in any case (``CHN``, ``chn``; with sectors, ``usagov`` -> ``USAGOV``; a code prefix
  such as ``IGO``), ``Name (CODE)``, or a name, alias, adjective or demonym of a state or an
  organisation in the actor knowledge base (``China``, ``People's Republic of China``, ``Chinese``,
  ``NATO``, ``European Union``). States give their code (``CHN``); organisations, groups and regions
  the short code events store as their country (``NATO``, ``EU``, ``WST``), or their full code when
  that short code is a state's (Hamas: ``PSEREBHMS``, not all of ``PSE``). Anything else raises
  :class:`~detente.errors.ConfigError` ``E315`` "no actor 'Chna' — did you mean China (CHN)?"
  (``what`` is the error's subject: the option or parameter, ``--pair``). An empty text is returned
  as it is (the store's filters judge it).
- :func:`pair_arg` ``(text, kb=None, what="pair") -> list[str]`` — ``"A,B"`` with each side through
  :func:`actor_arg`; the number of sides is left to the store (``E312``).

The knowledge base is :func:`detente.actors.load_kb` (its compiled index is cached on disk; no spaCy);
the lookup tables built from it are kept per knowledge base, so a process builds them once.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..errors import ConfigError
from .kb import SECTOR_CODES, ActorKB, Entry, per_kb, phrase_key

# the forms of a phrase that name an actor as a whole (seats name its government: "Beijing" is CHNGOV)
_FORMS = ("name", "adjective", "demonym")
_RANK = {"state": 0, "igo": 1, "group": 2, "region": 3}
_CODE_IN_PARENS = re.compile(r"(?s)(.*?)\s*\(\s*([A-Za-z0-9]{2,})\s*\)\s*")


@dataclass
class _Index:
    codes: set[str] = field(default_factory=set)  # every stored code the knowledge base knows
    sectors: set[str] = field(default_factory=set)  # 3-letter parts a code may add (GOV, MIL ...)
    phrases: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # phrase -> (rank, order, code)
    labels: dict[str, str] = field(default_factory=dict)  # code -> "China (CHN)"
    candidates: dict[str, str] = field(default_factory=dict)  # lower-case phrase or code -> code (did you mean)

    def composed(self, code: str) -> bool:
        """``code`` is a known code, a prefix of one (``IGO``), or a known code plus sectors (``USAGOVMIL``)."""
        if code in self.codes:
            return True
        if len(code) >= 3 and any(c.startswith(code) for c in self.codes):
            return True
        for n in range(len(code) - 3, 1, -1):
            rest = code[n:]
            if code[:n] in self.codes and len(rest) % 3 == 0 and \
                    all(rest[i:i + 3] in self.sectors for i in range(0, len(rest), 3)):
                return True
        return False


def _build(kb: ActorKB) -> _Index:  # noqa: C901 - to split into named steps (pyproject.toml)
    idx = _Index()
    states = {code for code, e in kb.states.items() if e.sector is None}
    idx.sectors = set(kb.sectors) | set(SECTOR_CODES) | {e.sector for e in kb.entries if e.sector}

    def named(e: Entry) -> bool:
        """An entry that is an actor of its own: not a state's sector, not a US state or a province."""
        return e.kind in _RANK and not (e.kind == "state" and e.sector is not None) \
            and not (e.kind == "region" and e.code in states)

    def stored(entry_kind: str, code: str | None, country: str | None) -> str | None:
        if entry_kind == "state":
            return code
        if country and country not in states:
            return country
        return code

    for e in kb.entries:
        for c in (e.code, e.country, *(p.code for p in e.roles), *(p.country for p in e.roles)):
            if c:
                idx.codes.add(c)
    for key, hits in kb.index.items():
        phrase = " ".join(key)
        for h in hits:
            e = h.entry
            if h.form not in _FORMS or e.context_required or not named(e):
                continue
            code = stored(e.kind, e.code, e.country)
            if not code:
                continue
            best = (_RANK[e.kind], e.order, code)
            if phrase not in idx.phrases or best < idx.phrases[phrase]:
                idx.phrases[phrase] = best
    for e in sorted(kb.entries, key=lambda e: (_RANK.get(e.kind, 9), e.order)):  # the first name of each code
        code = stored(e.kind, e.code, e.country)
        if code and named(e):
            idx.labels.setdefault(code, f"{e.name} ({code})")
    for phrase, (_r, _o, code) in idx.phrases.items():
        idx.candidates[phrase] = code
    for code in states | set(idx.labels):
        idx.candidates.setdefault(code.lower(), code)
    return idx


_built_index = per_kb(_build)


def _index(kb: ActorKB | None) -> _Index:
    if kb is None:
        from .kb import load_kb

        kb = load_kb()
    return _built_index(kb)


def _by_name(idx: _Index, text: str) -> str | None:
    key = " ".join(phrase_key(text))
    found = idx.phrases.get(key) if key else None
    return found[2] if found else None


def suggestions(text: str, kb: ActorKB | None = None, n: int = 3) -> list[str]:
    """Labels (``China (CHN)``) of the actors whose names or codes are closest to ``text``."""
    idx = _index(kb)
    needle = " ".join(phrase_key(text)) or text.strip().lower()
    out: list[str] = []
    for match in difflib.get_close_matches(needle, list(idx.candidates), n=n * 3, cutoff=0.75):
        code = idx.candidates[match]
        label = idx.labels.get(code, code)
        if label not in out:
            out.append(label)
    return out[:n]


def actor_arg(text: str, kb: ActorKB | None = None, what: str = "actor") -> str:
    """The stored code ``text`` names (see the module docstring); unknown: ConfigError E315."""
    raw = (text or "").strip()
    if not raw:
        return raw
    idx = _index(kb)
    upper = raw.upper()
    if upper in idx.codes:
        return upper
    code = _by_name(idx, raw)
    if code:
        return code
    m = _CODE_IN_PARENS.fullmatch(raw)  # "China (CHN)", as the web pages' autocomplete fills it
    if m and m.group(2).upper() in idx.codes:
        return m.group(2).upper()
    if re.fullmatch(r"[A-Za-z0-9]{2,}", raw) and idx.composed(upper):
        return upper
    close = suggestions(raw, kb, n=1)
    hint = f" — did you mean {close[0]}?" if close else ""
    raise ConfigError("E315", what, f"no actor {raw!r}{hint}")


def pair_arg(text: str, kb: ActorKB | None = None, what: str = "pair") -> list[str]:
    """``"A,B"`` as a list of stored codes, each side through :func:`actor_arg`."""
    return [actor_arg(side, kb, what) for side in text.split(",")]


__all__ = ["actor_arg", "pair_arg", "suggestions"]
