"""Importer for PETRARCH / TABARI actor and agent dictionaries -> entries in an ``ActorKB``.

Accepted inputs (detected by content, not by name):
- raw actor dictionaries (``*actors*.txt``)::

      GONDOR [GON]                    # phrase and code; underscores are spaces
      +MINAS_TIRITH                   # synonym of the entry above
      GOLLUM                          # codes on their own lines, date-restricted:
          [HOB < 950601]              #   before 1995-06-01
          [HOBGOV 19950601 - 19990815]#   in that range
          [HOBREB > 990816]           #   after; a code without dates is the default
- raw agent dictionaries (``*agents*.txt``): ``!SET! = A, B`` substitution sets, then
  ``PHRASE {PLURALS} [~CODE]`` (suffix agent, ``{}`` = no plural) or ``[CODE~]`` (prefix agent);
- the JSON conversions: a list of ``{"phrases", "codes": [{"code", "from", "to", "default"}]}``
  (actors), ``{"substitution_sets", "agents": [{"forms", "code", "attach"}]}`` (agents) or a
  ``{phrase: [{"code", ...}]}`` mapping (actor names). Discard lists are ignored.

Dates: 6 digits are ``YYMMDD`` (years < 30 are 20xx), 8 digits ``YYYYMMDD``. A phrase that does
not end with ``_`` is also a stem for one-word entries of five letters or more ("DAGOLATH" matches
"Dagolathi"), as in TABARI. Codes ``---`` / ``+++`` mark phrases that are not actors.
Country of an imported code: its first three letters; sector: the rest (``PSEREBHMS`` -> PSE, REB).
Agents become sector nouns (``~GOVMED`` -> sector ``GOVMED``) and override the built-in nouns.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from ..errors import KnowledgeError
from .model import NULL_CODES, ActorKB, Entry, Hit, Period, country_of_code, sector_of
from .words import phrase_key

_COMMENT_BLOCK = re.compile(r"<!?\s*--.*?-->", re.DOTALL)
_CODE_BLOCK = re.compile(r"\[([^\]]*)\]")
_DATE_RANGE = re.compile(r"^\s*([A-Za-z0-9/\-+#]*)\s*(?:([<>])\s*(\d{6,8})|(\d{6,8})\s*-\s*(\d{6,8}))?\s*$")


def _date(raw: str, where: str) -> str:
    if len(raw) == 6:
        yy = int(raw[:2])
        year = 2000 + yy if yy < 30 else 1900 + yy
        raw = f"{year}{raw[2:]}"
    if len(raw) != 8:
        raise KnowledgeError("E351", where, f"date {raw!r} is not YYMMDD or YYYYMMDD")
    return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def _kind_of(code: str | None, dated: bool) -> str:
    if not code:
        return "unknown"
    if dated:
        return "person"
    if code.startswith("IGO"):
        return "igo"
    if code[:3] in ("NGO", "NGM", "IMG", "MNC"):
        return "group"
    return "state" if len(code) == 3 else "group"


def _add_actor(kb: ActorKB, phrases: list[str], codes: list[dict[str, Any]], where: str,
               stems: list[str] = ()) -> None:  # type: ignore[assignment]
    default = None
    periods = []
    for c in codes:
        code = str(c.get("code") or "").strip().upper().split("/")[0]
        if c.get("from") or c.get("to"):
            periods.append(Period(None if code in NULL_CODES else code, None, c.get("from"), c.get("to")))
        elif default is None:
            default = code
    if default is None and not periods:
        return
    if default is not None and default in NULL_CODES:
        main_code = None
    elif default is not None:
        main_code = default
    else:
        main_code = next((p.code for p in periods if p.code), None)
    country = country_of_code(main_code)
    name = phrases[0].title()
    entry = Entry(name, main_code, country, None, _kind_of(main_code, bool(periods)), where,
                  tuple(periods), default=default is not None)
    if main_code:
        entry.sector = sector_of(main_code, country)
    kb.add(entry, [(p, "name") for p in phrases])
    entry.imported = True
    for p in phrases:
        key = phrase_key(p)
        # a PETRARCH dictionary redefines its phrases: built-in readings give way; and its phrases
        # are upper case in the file, so never acronyms
        kb.index[key] = [Hit(h.entry, h.form, False) for h in kb.index.get(key, []) if h.entry.imported]
    for s in stems:
        kb.add_stem(entry, s)


def _strip(text: str) -> str:
    text = _COMMENT_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return text


def load_raw_actors(kb: ActorKB, path: str, text: str) -> int:  # noqa: C901 - to split into named steps (pyproject.toml)
    base = os.path.basename(path)
    lines = _strip(text).splitlines()
    count = 0
    cur: dict[str, Any] | None = None

    def flush() -> None:
        nonlocal cur, count
        if cur and cur["codes"]:
            _add_actor(kb, cur["phrases"], cur["codes"], cur["where"], cur["stems"])
            count += 1
        cur = None

    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("<"):
            continue
        where = f"{base}:{n}"
        codes_here = _CODE_BLOCK.findall(line)
        head = _CODE_BLOCK.sub("", line)
        stripped = head.strip()
        if raw[:1] in (" ", "\t") and not stripped:
            if cur is None:
                raise KnowledgeError("E352", where, "a code line with no phrase before it")
        elif stripped.startswith("+"):
            if cur is None:
                raise KnowledgeError("E352", where, "a synonym (+) with no entry before it")
            phrase = stripped[1:].strip()
            cur["phrases"].append(phrase.replace("_", " ").strip())
            if not phrase.endswith("_") and " " not in phrase.strip("_") and "_" not in phrase.strip("_"):
                cur["stems"].append(phrase)
        elif stripped:
            flush()
            phrase = stripped
            cur = {"phrases": [phrase.replace("_", " ").strip()], "codes": [], "where": where, "stems": []}
            if not phrase.endswith("_") and " " not in phrase and "_" not in phrase:
                cur["stems"].append(phrase)
        for block in codes_here:
            m = _DATE_RANGE.match(block)
            if not m or cur is None:
                raise KnowledgeError("E353", where, f"cannot read code block [{block}]")
            code, op, d1, r1, r2 = m.groups()
            entry: dict[str, Any] = {"code": code}
            if op == "<":
                entry["to"] = _date(d1, where)
            elif op == ">":
                entry["from"] = _date(d1, where)
            elif r1:
                entry["from"], entry["to"] = _date(r1, where), _date(r2, where)
            cur["codes"].append(entry)
    flush()
    return count


def load_raw_agents(kb: ActorKB, path: str, text: str) -> int:
    base = os.path.basename(path)
    sets: dict[str, list[str]] = {}
    count = 0
    for n, raw in enumerate(_strip(text).splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("<"):
            continue
        where = f"{base}:{n}"
        m = re.match(r"^!(\w+)!\s*=\s*(.+)$", line)
        if m:
            sets[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        codes = _CODE_BLOCK.findall(line)
        if not codes:
            continue
        code = codes[0].strip().replace("~", "").strip()
        if not code:
            raise KnowledgeError("E354", where, "agent with an empty code")
        head = _CODE_BLOCK.sub("", line)
        plurals_m = re.search(r"\{([^}]*)\}", head)
        phrase = re.sub(r"\{[^}]*\}", "", head).strip()
        forms = _expand(phrase, sets)
        if plurals_m is not None:
            forms += [p.replace("_", " ") for p in plurals_m.group(1).split(",") if p.strip()]
            plural = False
        else:
            plural = "!" not in phrase
        for f in forms:
            kb.add_sector_noun(f, code, plural=plural, override=True)
        count += 1
    return count


def _expand(phrase: str, sets: dict[str, list[str]]) -> list[str]:
    m = re.search(r"!(\w+)!", phrase)
    if not m:
        return [phrase.replace("_", " ")]
    out = []
    for w in sets.get(m.group(1), []):
        out += _expand(phrase[:m.start()] + w + phrase[m.end():], sets)
    return out


def load_json(kb: ActorKB, path: str, data: Any) -> int:
    base = os.path.basename(path)
    count = 0
    if isinstance(data, dict) and "agents" in data:
        for a in data["agents"]:
            code = str(a.get("code") or "").strip()
            if not code:
                continue
            for f in a.get("forms") or [a.get("phrase", "")]:
                kb.add_sector_noun(f, code, plural=False, override=True)
            count += 1
        return count
    if isinstance(data, dict):  # actor_names.json: {phrase: [codes]}
        for phrase, codes in data.items():
            if isinstance(codes, list):
                _add_actor(kb, [phrase], [c for c in codes if isinstance(c, dict)], f"{base}:{phrase}")
                count += 1
        return count
    if isinstance(data, list):
        for k, e in enumerate(data):
            if not isinstance(e, dict):
                continue  # a discard list (strings)
            phrases = e.get("phrases")
            if not phrases:
                continue
            codes = [c for c in e.get("codes") or [] if isinstance(c, dict) and not c.get("date_error")]
            where = f"{base}:{e.get('line', k + 1)}"
            _add_actor(kb, [str(p) for p in phrases], codes, where)
            count += 1
        return count
    raise KnowledgeError("E325", path, "not a PETRARCH actors/agents JSON file")


def load_into(kb: ActorKB, path: str) -> int:
    """Load one PETRARCH file (raw ``.txt`` or converted ``.json``) into ``kb``; returns entries read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise KnowledgeError("E341", path, "actor file not found") from None
    if path.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise KnowledgeError("E326", f"{path}:{exc.lineno}", f"not valid JSON ({exc.msg})") from None
        return load_json(kb, path, data)
    body = _strip(text)
    low = os.path.basename(path).lower()
    if "discard" in low or "verb" in low or "ontology" in low:
        return 0
    if "agent" in low or re.search(r"\[\s*~|~\s*\]", body):
        return load_raw_agents(kb, path, text)
    return load_raw_actors(kb, path, text)
