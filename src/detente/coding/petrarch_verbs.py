"""Import PETRARCH verb dictionaries as lexicon patterns (best effort).

Contract: ``load_petrarch_verbs(path) -> list[Pattern]``; ``parse_petrarch_verbs(text, name)``
returns the patterns and a ``Counter`` of what was skipped, by reason.

PETRARCH (CAMEO 2.0 verb dictionary) format, as read here::

    &SYNSET                      # a synonym set: "+MEMBER" lines until a blank line
    +MEMBER
    --- NAME [code] ---          # a verb block with its default code
    VERB {FORMS ...} [code]      # verbs of the block; own code optional; "+PHRASAL_VERB" too
    - * (ON TRADE) [0311]        # a phrase pattern: * the verb, + target, $ source, % compound,
                                 # ^ skip, (PREP words) a prepositional phrase, {A B} a phrase,
                                 # &SYNSET any member of the set

Mapping onto detente's grammar (``detente.coding.lexicon``): the head lemma is each verb of the
block (base form; a few irregular past forms are mapped back); the words around ``*`` become
constraint words (lower-cased, plurals singularised the way spaCy lemmatises nouns); ``+``
right after ``*`` means the direct object is the target; a preposition right before ``+``, or
a bare ``(PREP)`` ending the pattern, names the target's preposition. ``$``, ``%`` and ``^``
carry positional information the grammar cannot express and are dropped. Dual codes
(``[043:042]``) keep the first (the source's) code. Patterns without a usable code (``[---]``,
letters), with unknown synonym sets or with words that are not lemmas are skipped and counted.
Every pattern's ``origin`` is ``file:line``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

from ..errors import KnowledgeError
from .patterns import PREPOSITIONS, Pattern

_CODE = re.compile(r"^\d{2,4}$")
_WORD = re.compile(r"^[a-z][a-z'\-]*$")
_CODE_IN_LINE = re.compile(r"\[([^\]]*)\]")
_BLOCK = re.compile(r"^---\s*(\S+)\s*\[([^\]]*)\]\s*---")
MAX_EXPANSIONS = 200  # synonym-set products per pattern line

# Irregular forms PETRARCH sometimes lists as verbs in their own right, and common irregular
# words inside patterns, mapped to the lemma spaCy would produce.
IRREGULAR = {
    "said": "say", "says": "say", "left": "leave", "saw": "see", "seen": "see", "held": "hold",
    "met": "meet", "told": "tell", "went": "go", "gone": "go", "broke": "break", "broken": "break",
    "began": "begin", "begun": "begin", "won": "win", "shot": "shoot", "fought": "fight",
    "brought": "bring", "sent": "send", "struck": "strike", "gave": "give", "given": "give",
    "took": "take", "taken": "take", "made": "make", "came": "come", "sought": "seek",
    "thought": "think", "risen": "rise", "rose": "rise", "was": "be", "were": "be", "is": "be",
    "are": "be", "been": "be", "has": "have", "had": "have", "did": "do", "does": "do",
    "people": "people", "news": "news", "arms": "arm", "talks": "talk", "forces": "force",
    "men": "man", "women": "woman", "children": "child", "data": "datum",
}
_NO_SINGULAR = ("ss", "us", "is", "ous", "ics")


def _lemma(word: str) -> str:
    """Lower-case a PETRARCH word and undo plural/irregular forms the way spaCy lemmatises."""
    w = word.lower().strip("_")
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "xes", "sses")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(_NO_SINGULAR):
        return w[:-1]
    return w


def _words(token: str) -> list[str]:
    """A PETRARCH token (``WRITTEN_AGREEMENT``, ``CLOSURE_``) as a list of lemmas."""
    return [_lemma(part) for part in token.replace("+", "").split("_") if part]


def _tokens(pattern: str) -> list[str]:
    # older dictionaries join words to the verb and to synonym sets with "_": IN_*, *_OUT, NEW_&SET
    pattern = re.sub(r"_?\*_?", " * ", pattern)
    pattern = re.sub(r"_&", " &", pattern)
    for ch in "(){}":
        pattern = pattern.replace(ch, f" {ch} ")
    return pattern.split()


def _synset_token(token: str, synsets: dict[str, list[list[str]]]) -> tuple[list[list[str]], list[str]] | None:
    """``&NAME`` or ``&NAME_MORE_WORDS`` -> (members, trailing words); None if no set matches."""
    name = token[1:].upper()
    if name in synsets:
        return synsets[name], []
    parts = name.split("_")
    for k in range(len(parts) - 1, 0, -1):
        head = "_".join(parts[:k])
        for cand in (head, head + "_"):
            if cand in synsets:
                return synsets[cand], [_lemma(w) for w in parts[k:] if w]
    return None


def _first_code(raw: str) -> str | None:
    code = raw.split(":")[0].strip()
    return code if _CODE.match(code) else None


class _Block:
    def __init__(self, code: str | None) -> None:
        self.code = code
        self.verbs: list[tuple[str, tuple[str, ...], str | None, str]] = []  # head, particles, code, origin


def _verb_entry(line: str) -> tuple[str, tuple[str, ...], str | None, bool] | None:
    """``VERB {FORMS} [code]`` -> (head lemma, particles, own code, has own code)."""
    body = re.sub(r"\{[^}]*\}", " ", line)
    m = _CODE_IN_LINE.search(body)
    own_raw = m.group(1) if m else None
    fields = _CODE_IN_LINE.sub(" ", body).split()
    if not fields:
        return None
    parts = _words(fields[0])
    if not parts or not all(_WORD.match(p) for p in parts):
        return None
    head, particles = parts[0], tuple(parts[1:])
    if own_raw is None:
        return head, particles, None, False
    return head, particles, _first_code(own_raw), True


def parse_petrarch_verbs(text: str, name: str = "verbs.txt") -> tuple[list[Pattern], Counter[str]]:  # noqa: C901 - to split into named steps (pyproject.toml)
    """Convert a PETRARCH verb dictionary's text into patterns; also count what was skipped."""
    fname = Path(name).name
    synsets: dict[str, list[list[str]]] = {}
    skipped: Counter[str] = Counter()
    patterns: list[Pattern] = []
    seen: set[tuple[str, str, str]] = set()
    lines = text.splitlines()

    # Pass 1: synonym sets (anywhere in the file). "+X" lines after "&NAME" until a blank line.
    current: str | None = None
    nested: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            current = None
            continue
        if line.startswith("&"):
            current = line[1:].split()[0].upper()
            synsets.setdefault(current, [])
        elif current is not None and line.startswith("+"):
            raw_member = line[1:].split("{")[0].strip().split()[0] if line[1:].strip() else ""
            if raw_member.startswith("&"):
                nested.append((current, raw_member[1:].upper()))
            elif raw_member:
                synsets[current].append(_words(raw_member))
        else:
            current = None
    for _ in range(3):  # embedded sets ("+&TIETYPES" inside another set), a few levels deep
        for outer, inner in nested:
            for member in synsets.get(inner, []):
                if member not in synsets[outer]:
                    synsets[outer].append(member)

    def emit(code: str, head: str, words: list[str], prep: str | None, obj: bool, origin: str) -> None:
        if obj and prep:  # as in the grammar: with "*" a final preposition is only required
            words, prep = [*words, prep], None
        if not all(_WORD.match(w) for w in words) or not _WORD.match(head):
            skipped["word is not a lemma"] += 1
            return
        shown = " ".join([head] + (["*"] if obj else []) + words + ([prep] if prep else []))
        key = (code, shown, origin)
        if key in seen:
            return
        seen.add(key)
        patterns.append(Pattern(code=code, head=head, pos="verb", words=tuple(words), prep=prep,
                                target_is_object=obj, no_target=False, text=shown, origin=origin))

    block: _Block | None = None
    in_verbs = False
    in_synset = False
    for n, raw in enumerate(lines, 1):
        origin = f"{fname}:{n}"
        line = raw.split("#", 1)[0].rstrip()
        stripped = line.strip()
        if not stripped:
            in_synset = False
            continue
        if raw.lstrip().startswith("#"):
            if "VERB PATTERNS" in raw.upper():
                in_verbs = True
            continue
        if stripped.startswith("&"):
            in_synset = True
            continue
        if in_synset and stripped.startswith("+"):
            continue
        m = _BLOCK.match(stripped)
        if m:
            in_verbs = True
            block = _Block(_first_code(m.group(2)))
            continue
        if not in_verbs or block is None:
            continue
        if stripped.startswith("-"):
            _pattern_line(stripped[1:], block, synsets, emit, skipped, origin)
            continue
        if stripped.startswith("*"):
            skipped["malformed line"] += 1
            continue
        entry = _verb_entry(stripped)
        if entry is None:
            skipped["malformed line"] += 1
            continue
        head, particles, own, has_own = entry
        code = own if has_own else block.code
        block.verbs.append((head, particles, code, origin))
        if code is None:
            skipped["verb without a usable code"] += 1
            continue
        emit(code, head, list(particles), None, False, origin)
    return patterns, skipped


def _pattern_line(body: str, block: _Block, synsets: dict[str, list[list[str]]], emit, skipped: Counter,  # noqa: C901 - to split into named steps (pyproject.toml)
                  origin: str) -> None:
    m = _CODE_IN_LINE.search(body)
    if not m:
        skipped["pattern without a code"] += 1
        return
    code = _first_code(m.group(1))
    if code is None:
        skipped["pattern without a usable code"] += 1
        return
    toks = _tokens(body[: m.start()])
    if "*" not in toks:
        skipped["pattern without *"] += 1
        return
    star = toks.index("*")
    obj = False
    prep: str | None = None
    slots: list[list[list[str]]] = []  # each slot: alternatives, each a list of words
    paren_open = -1
    for i, t in enumerate(toks):
        if t in ("*", "$", "%", "^", "{", "}"):
            continue
        if t == "(":
            paren_open = len(slots)
            continue
        if t == ")":
            # a bare "(PREP)" ending the pattern names the target's preposition
            if (paren_open == len(slots) - 1 and i == len(toks) - 1 and i > star
                    and len(slots[-1]) == 1 and slots[-1][0] and slots[-1][0][0] in PREPOSITIONS):
                prep = slots.pop()[0][0]
            paren_open = -1
            continue
        if t == "+":
            prev = toks[i - 1] if i else ""
            if prev == "*":
                obj = True
            elif slots and len(slots[-1]) == 1 and slots[-1][0] and slots[-1][0][-1] in PREPOSITIONS and i > star:
                prep = slots[-1][0][-1]
                rest = slots[-1][0][:-1]
                if rest:
                    slots[-1] = [rest]
                else:
                    slots.pop()
            continue
        if t.startswith("&"):
            found = _synset_token(t, synsets)
            if not found or not found[0]:
                skipped["unknown synonym set"] += 1
                return
            slots.append(found[0])
            if found[1]:
                slots.append([found[1]])
            continue
        words = _words(t)
        if not words:
            continue
        slots.append([words])
    if not block.verbs:
        skipped["pattern in a block without verbs"] += 1
        return
    combos = list(itertools.islice(itertools.product(*slots), MAX_EXPANSIONS + 1))
    if len(combos) > MAX_EXPANSIONS:
        skipped["synonym expansion capped"] += 1
        combos = combos[:MAX_EXPANSIONS]
    for combo in combos:
        words = [w for alt in combo for w in alt]
        for head, particles, _code, _origin in block.verbs:
            emit(code, head, list(particles) + words, prep, obj, origin)


def load_petrarch_verbs(path: str | Path, skipped: Counter[str] | None = None) -> list[Pattern]:
    """Patterns from a PETRARCH verb dictionary file; pass ``skipped`` to collect skip counts."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise KnowledgeError("E207", str(path), "PETRARCH verb dictionary not found") from None
    except IsADirectoryError:
        raise KnowledgeError("E207", str(path), "is a directory, not a PETRARCH verb dictionary") from None
    patterns, counts = parse_petrarch_verbs(text, str(path))
    if skipped is not None:
        skipped.update(counts)
    return patterns
