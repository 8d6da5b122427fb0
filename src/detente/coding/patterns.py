"""A lexicon pattern: ``parse_pattern(code, text, origin) -> Pattern``.

The pattern language (``code<TAB>pattern`` lines of the lexicon files, :mod:`.lexicon`; PETRARCH
verb dictionaries are translated into it by :mod:`.petrarch_verbs`): a head lemma (``n:`` for a
nominal event head), constraint words, a final preposition naming the target's preposition,
``*`` for the direct object as target, ``<`` to reverse the roles, ``!`` for no target. The
lexicon module's docstring gives the full rules with examples. The code ``none`` declares an idiom:
a phrase that is no event at all ("strike a tone", "beat the odds").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import KnowledgeError

PREPOSITIONS = frozenset((
    "to", "with", "on", "against", "from", "for", "of", "at", "in", "into", "over", "about", "toward",
    "towards", "by", "upon", "between", "among", "across", "after", "before", "through", "under",
    "within", "without", "onto", "amid",
))
_CODE = re.compile(r"^\d{2,4}$")
NO_EVENT = "none"  # the code of an idiom pattern: the phrase is no event ("none<TAB>strike tone")
_WORD = re.compile(r"^(n:)?[a-z][a-z'\-]*$")


@dataclass(frozen=True)
class Pattern:
    code: str
    head: str  # predicate lemma
    pos: str  # "verb" | "noun"
    words: tuple[str, ...]  # constraint lemmas (particles, objects, complements), in order
    prep: str | None  # preposition introducing the target
    target_is_object: bool  # "*": the direct object is the target
    no_target: bool  # "!": the event has no target of its own
    text: str  # the pattern as written
    origin: str  # file:line
    reverse: bool = False  # "<": the subject receives and the preposition's object acts

    @property
    def is_idiom(self) -> bool:
        """A ``none`` pattern: the words make the phrase no event at all ("strike a cordial tone")."""
        return self.code == NO_EVENT

    @property
    def specificity(self) -> int:
        return len(self.words) + (1 if self.prep else 0) + (1 if self.target_is_object else 0)


NEGATIONS = frozenset({"not", "no", "never", "n't"})  # words a pattern cannot start with


def parse_pattern(code: str, text: str, origin: str) -> Pattern:
    """Parse one pattern line; raise KnowledgeError naming ``origin`` when it is malformed."""
    code = code.strip()
    if code.lower() == NO_EVENT:
        code = NO_EVENT
    elif not _CODE.match(code):
        raise KnowledgeError("E201", origin, f"CAMEO code {code!r} is not 2-4 digits")
    tokens = text.strip().lower().split()
    if not tokens:
        raise KnowledgeError("E202", origin, "empty pattern")
    head = tokens[0]
    pos = "verb"
    if head.startswith("n:"):
        pos, head = "noun", head[2:]
    if not _WORD.match(head):
        raise KnowledgeError("E203", origin, f"head {tokens[0]!r} is not a lemma")
    if head in NEGATIONS:
        raise KnowledgeError("E203", origin, f"head {head!r} is a negation, which no predicate's lemma is: the pattern "
                                             "never matches (negated acts are not events; write a refusal as 12x)")
    rest = tokens[1:]
    reverse = bool(rest) and rest[-1] == "<"
    if reverse:
        rest = rest[:-1]
    no_target = bool(rest) and rest[-1] == "!"
    if no_target:
        rest = rest[:-1]
    target_is_object = "*" in rest
    prep = None
    if rest and rest[-1] in PREPOSITIONS and not target_is_object:
        prep = rest[-1]
        rest = rest[:-1]
    words = []
    for i, w in enumerate(rest):
        if w == "*":
            continue
        if w == "to" and i + 1 < len(rest):
            continue  # infinitive marker
        if not _WORD.match(w) or w.startswith("n:"):
            raise KnowledgeError("E204", origin, f"word {w!r} in pattern {text!r} is not a lemma")
        words.append(w)
    return Pattern(code=code, head=head, pos=pos, words=tuple(words), prep=prep,
                   target_is_object=target_is_object, no_target=no_target, text=text.strip(), origin=origin,
                   reverse=reverse)
