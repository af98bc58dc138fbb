"""What a query's shape says it asks for: what an article is about, or the text that says it.

A question ("C'est quoi le RGPD ?", "Comment gérer un fichier client ?") or a few words
("réforme retraites") ask what an article is *about*, which its title says; a declarative
sentence pasted in (a lead: "La victime est une femme d'une quarantaine d'années.") asks for
the text that says it, where a title's words of the same kind are noise (docs/RELEVANCE.md).
"""

from __future__ import annotations

import re

from ..analysis.french import APOSTROPHES, HYPHENS, STOPWORDS

# Words that open a question; "que" and "qui" also open relative clauses, but a query does not.
INTERROGATIVES = frozenset(
    "comment pourquoi quand quel quelle quels quelles lequel laquelle lesquels lesquelles "
    "qui que quoi où combien".split()
)
# Subject pronouns after a hyphen invert a question: "doit-on", "puis-je", "a-t-il".
_INVERSION = re.compile(
    rf"\w[{HYPHENS}](?:t[{HYPHENS}])?(?:je|tu|il|ils|elle|elles|on|nous|vous|ce)\b", re.I
)
# "qu'est-ce", "qu est ce", "est-ce que".
_QUEST_CE = re.compile(rf"\b(?:qu[{APOSTROPHES} ])?est[{HYPHENS} ]ce\b")
_WORD = re.compile(rf"[^\W\d_]+(?:[{re.escape(APOSTROPHES + HYPHENS)}][^\W\d_]+)*")
# A sentence ends with one of these, perhaps followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!…]+[\s\"»”’')\]-]*$")
_QUESTION_END = re.compile(r"\?[\s\"»”’')\]-]*$")
# A sentence ends inside the text and another begins: prose pasted in, not one question.
_SENTENCE_BREAK = re.compile(
    r"(?:(?<=[^\W\d_]{2})|(?<=\d))[.!?…][\"»”’')\]]*\s+[\"«“]?[A-ZÀ-ÖØ-Þ]"
)
# An inverted subject further on is an incise in a reported sentence ("a-t-on appris").
INVERSION_WITHIN = 4
# A reader's few words; a longer run of words is a sentence even without its full stop.
FEW_WORDS = 8
# Prepositions that may stand before an interrogative: "De quoi", "Par qui", "Contre quelle".
_PREPOSITIONS = frozenset(
    "à a de du des par pour sur sous contre avec dans en chez depuis vers".split()
)


def asks_about(text: str) -> bool:
    """Return whether a query asks what an article is about: a question or a few words.

    >>> asks_about("C'est quoi le RGPD ?"), asks_about("réforme retraites")
    (True, True)
    >>> asks_about("La victime est une femme d'une quarantaine d'années.")
    False
    """
    return is_question(text) or is_keywords(text)


def is_question(text: str) -> bool:
    """Return whether a query is a question: a question mark, an interrogative, an inversion.

    >>> is_question("Les médecins doivent-ils réaliser une analyse d'impact")
    True
    """
    text = text.strip()
    if _SENTENCE_BREAK.search(text):
        return False
    if _QUESTION_END.search(text):
        return True
    if _SENTENCE_END.search(text):
        return False
    words = _WORD.findall(text.lower())
    if words and words[0] in _PREPOSITIONS:
        words = words[1:]
    if not words:
        return False
    opening = " ".join(words[:INVERSION_WITHIN])
    return (
        _head(words[0]) in INTERROGATIVES
        or "quoi" in words
        or bool(_INVERSION.search(opening) or _QUEST_CE.search(opening))
    )


def is_keywords(text: str) -> bool:
    """Return whether a query is a few words, not a sentence: no sentence punctuation, and
    more content words than function words.

    >>> is_keywords("Windows 10 risques"), is_keywords("La femme du PDG a écrit à l'ONG")
    (True, False)
    """
    if re.search(r"[.!?;:,…]", text):
        return False
    words = _WORD.findall(text.lower())
    function = sum(1 for w in words if w in STOPWORDS)
    return len(words) <= FEW_WORDS and function * 2 < len(words)


def _head(word: str) -> str:
    """Return a word's elided article or its whole (l'ONG → l, à → à)."""
    return re.split(f"[{APOSTROPHES}]", word)[0]
