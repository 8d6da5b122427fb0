"""The verb and phrase lexicon: patterns -> CAMEO codes, loaded from TSV data files.

File format (``data/lexicon/*.tsv``; users add their own with ``--lexicon FILE``)::

    # comment
    code<TAB>pattern[<TAB>note]

``code`` is a CAMEO code as a string (leading zeros kept: ``042``). ``pattern`` is a
head lemma followed by constraint words, all lower case, separated by spaces:

- The **first word** is the predicate's lemma. A verb by default; prefix ``n:`` for a
  nominal event head (``n:meeting with``, ``n:invasion of``, ``n:sanction on``).
- A word in ``PREPOSITIONS`` **at the end** of the pattern names the preposition whose
  object is the target (``meet with`` -> target is the object of "with").
- ``*`` marks the direct object as the target (``accuse * of``: "X accused Y of ...").
  With ``*`` a final preposition is only required, like any other word: the target stays
  the direct object. Without ``*`` and without a final preposition, the target is the
  direct object when there is one (``warn`` -> "X warned Y").
- Any other word must be the lemma of a dependent in the predicate's phrase: a particle
  (``call off``), the direct object's head (``impose sanction on``), a noun inside an
  object or prepositional phrase (``express concern over``), or an open complement verb
  (``agree to cooperate``, ``threaten to attack``). ``to`` before a verb is the infinitive
  marker and is ignored when matching.
- ``<`` as the last word reverses the roles: the subject is the *target* and the object of the
  pattern's preposition is the *source* (``receive aid from <``: "Georgia received aid from
  Turkey" is Turkey -> Georgia).
- ``!`` as the whole pattern's last word means "no target" (intransitive events such as
  ``n:protest`` or ``demonstrate``): the event is coded with a null target unless
  another argument supplies one.

``none`` as the code declares an **idiom**: the phrase is no event at all, whatever the head's
other patterns say (``none<TAB>strike tone``: "X struck a cordial tone" is no attack;
``none<TAB>beat odds``). It competes like any pattern, so it only wins where its words are there.
Idioms are matched but not listed by :meth:`Lexicon.patterns` (they code nothing); :meth:`Lexicon.idioms`
lists them.

When several patterns match one predicate the most specific wins: the one with the most
constraint words; ties go to the pattern loaded first. Every pattern remembers its file
and line, which end up in ``Event.pattern`` so each code can be traced to its rule.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from ..errors import KnowledgeError
from .patterns import _WORD, PREPOSITIONS, Pattern, parse_pattern  # noqa: F401 - importable from here as before
from .petrarch_verbs import load_petrarch_verbs


@dataclass
class Lexicon:
    """Patterns indexed by (pos, head lemma), most specific first."""

    by_head: dict[tuple[str, str], list[Pattern]] = field(default_factory=lambda: defaultdict(list))
    sources: list[str] = field(default_factory=list)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set, repr=False)
    _ranks: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    synonyms: dict[str, str] = field(default_factory=dict)  # word -> its class's first word

    def canonical(self, words: Iterable[str]) -> set[str]:
        """The words with each synonym replaced by its class ("ties" -> "relation")."""
        syn = self.synonyms
        return {syn.get(w, w) for w in words}

    def add(self, pattern: Pattern, override: bool = False) -> None:
        """Index a pattern; ``override`` (user files): it is tried before every built-in pattern of its word."""
        if self.synonyms and any(w in self.synonyms for w in pattern.words):
            pattern = replace(pattern, words=tuple(self.synonyms.get(w, w) for w in pattern.words))
        key = (pattern.pos, pattern.head, pattern.text, pattern.code)
        if key in self._seen:
            return
        self._seen.add(key)
        head = (pattern.pos, pattern.head)
        bucket = self.by_head[head]
        # Keep the bucket sorted: user patterns before built-in ones, then most specific first; a new
        # pattern goes after every pattern of its tier at least as specific, so earlier files (and
        # earlier lines) win ties. Bisecting on (tier, -specificity) instead of re-sorting keeps
        # loading large lexicons fast.
        ranks = self._ranks.get(head)
        if ranks is None or len(ranks) != len(bucket):  # by_head was changed from outside
            ranks = self._ranks[head] = [(1, -p.specificity) for p in bucket]
        rank = (0 if override else 1, -pattern.specificity)
        i = bisect_right(ranks, rank)
        ranks.insert(i, rank)
        bucket.insert(i, pattern)

    def candidates(self, lemma: str, pos: str = "verb") -> list[Pattern]:
        return self.by_head.get((pos, lemma), [])

    def __len__(self) -> int:
        """The number of event patterns (idioms, which code nothing, are not counted)."""
        return sum(1 for _ in self.patterns())

    def patterns(self) -> Iterable[Pattern]:
        """Every event pattern (not the ``none`` idioms)."""
        for bucket in self.by_head.values():
            yield from (p for p in bucket if not p.is_idiom)

    def idioms(self) -> Iterable[Pattern]:
        """Every ``none`` pattern: phrases declared to be no event."""
        for bucket in self.by_head.values():
            yield from (p for p in bucket if p.is_idiom)

    def load_tsv(self, path: str | Path, text: str | None = None, override: bool = False) -> None:
        name = str(path)
        if text is None:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except FileNotFoundError:
                raise KnowledgeError("E205", name, "lexicon file not found") from None
            except IsADirectoryError:
                raise KnowledgeError("E205", name, "is a directory, not a lexicon file") from None
            except UnicodeDecodeError:
                raise KnowledgeError("E206", name, "lexicon file is not UTF-8 text") from None
        self.sources.append(name)
        # QUOTE_NONE: a '"' in a note must not start a quoted field that swallows later lines.
        rows = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
        short = Path(name).name
        for n, row in enumerate(rows, 1):
            if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                continue
            if len(row) < 2:
                raise KnowledgeError("E206", f"{name}:{n}", "expected code<TAB>pattern")
            if row[0].strip() == "code" and n == 1:
                continue  # header
            self.add(parse_pattern(row[0], row[1], f"{short}:{n}"), override=override)


def builtin_lexicon_files() -> list[tuple[str, str]]:
    """(name, text) of every ``data/lexicon/*.tsv`` shipped in the package, in name order."""
    root = resources.files("detente") / "data" / "lexicon"
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".tsv"):
            out.append((entry.name, entry.read_text(encoding="utf-8")))
    return out


def parse_synonyms(text: str, origin: str) -> dict[str, str]:
    """``class: [word, ...]`` YAML -> {word: class}; a word may belong to one class only."""
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise KnowledgeError("E200", origin, f"not valid YAML ({exc})") from None
    out: dict[str, str] = {}
    if not isinstance(data, dict):
        raise KnowledgeError("E208", origin, "expected a mapping: class -> [words]")
    for cls, words in data.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and _WORD.match(w) for w in words):
            raise KnowledgeError("E208", f"{origin}:{cls}", "expected a list of lower-case lemmas")
        for w in [str(cls), *words]:
            if out.get(w, cls) != cls:
                raise KnowledgeError("E209", f"{origin}:{cls}", f"{w!r} is already in class {out[w]!r}")
            out[w] = str(cls)
    return out


def load_lexicon(extra: Iterable[str | Path] = (), builtin: bool = True) -> Lexicon:
    """The built-in lexicon plus user files (TSV, or PETRARCH verb dictionaries ending in .txt)."""
    lex = Lexicon()
    if builtin:
        syn = resources.files("detente") / "data" / "lexicon" / "synonyms.yaml"
        lex.synonyms = parse_synonyms(syn.read_text(encoding="utf-8"), "synonyms.yaml")
    if builtin:
        for name, text in builtin_lexicon_files():
            lex.load_tsv(name, text)
    for path in extra:
        if str(path).lower().endswith(".txt"):
            for pat in load_petrarch_verbs(path):
                lex.add(pat, override=True)
        else:
            lex.load_tsv(path, override=True)
    return lex
