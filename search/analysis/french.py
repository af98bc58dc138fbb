"""French text analysis: the one pipeline used at index time and at query time.

A text goes through these steps, each a small Whoosh filter:

1. ``FrenchTokenizer`` normalises to Unicode NFC and cuts words: letters and digits, joined by
   inner hyphens or apostrophes (``covid-19``, ``aujourd'hui``); any other character, a full stop
   without a following space included, ends a word.
2. ``ElisionFilter`` drops elided articles and conjunctions (``l'``, ``qu'``, ``jusqu’``...).
3. ``LowercaseFilter`` then ``LigatureFilter`` (``œ`` → ``oe``, ``æ`` → ``ae``).
4. ``StopFilter`` drops French function words (accents matter: ``maïs`` is kept, ``mais`` is not).
5. ``CompoundFilter`` splits hyphenated words into their parts and adds the joined form at the
   first part's position, so ``cyber-sécurité`` meets ``cybersécurité`` and ``cyber sécurité``.
6. ``AccentFoldFilter`` strips accents, *before* stemming so that the stemmer sees the same
   letters whether or not the writer typed accents.
7. ``StemFilter`` applies NLTK's Snowball French stemmer (cached).

>>> [t.text for t in FrenchAnalyzer()("L’été des cyber-sécurités, jusqu'ici.")]
['ete', 'cyb', 'cybersecurit', 'securit', 'ici']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources

from nltk.stem.snowball import FrenchStemmer
from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

APOSTROPHES = "'’ʼ"
HYPHENS = "-‐‑"
ELISIONS = frozenset(
    ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"]
)

# Words whose analysis each process remembers: enough for the common words of queries and
# snippets, whose distribution is steep, and a bound on a long-running worker's memory (the
# indexer analyses through its own lexicon, store/lexicon.py).
WORD_CACHE = 20_000

_JOINERS = re.escape(APOSTROPHES + HYPHENS)
_WORD = re.compile(rf"[^\W_]+(?:[{_JOINERS}][^\W_]+)*")
_APOSTROPHE = re.compile(f"[{re.escape(APOSTROPHES)}]")
_HYPHEN = re.compile(f"[{re.escape(HYPHENS)}]")
_PART = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Pronouns and particles a hyphen ties to a verb or a demonstrative ("dit-elle", "a-t-il",
# "dis-moi", "celle-ci"): they end the word, they do not make a compound of it.
CLITICS = frozenset(
    "je tu il elle on nous vous ils elles ce t moi toi le la les lui leur en y ci là".split()
)
# Compound nouns that do end in one of them.
PRONOUN_COMPOUNDS = frozenset({"rendez-vous"})

# "été" after a form of avoir ("a été", "n'ont jamais été", "aurait-il été") is the participle
# of être, a function word, not the noun (summer): the index and queries drop it, and keep
# "l'été", "cet été", "en été". Up to MAX_BETWEEN of the adverbs BETWEEN may stand between.
PARTICIPLES = frozenset({"été", "ete"})
AVOIR = frozenset(
    "ai as a avons avez ont avais avait avions aviez avaient eus eut eûmes eûtes eurent aurai "
    "auras aura aurons aurez auront aurais aurait aurions auriez auraient aie aies ait ayons "
    "ayez aient eusse eût avoir ayant".split()
)
BETWEEN = frozenset(
    "pas jamais plus déjà toujours bien également aussi souvent rarement longtemps récemment "
    "encore beaucoup très peut-être probablement certainement vraiment enfin finalement "
    "ensuite notamment souvent d'abord".split()
)
MAX_BETWEEN = 2


def _load_stopwords() -> frozenset[str]:
    text = resources.files("search.analysis").joinpath("stopwords_fr.txt").read_text("utf-8")
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(word for word in words if word)


STOPWORDS = _load_stopwords()


@lru_cache(maxsize=WORD_CACHE)
def fold_accents(text: str) -> str:
    """Return text without diacritics.

    >>> fold_accents("Élysée, maïs, ça")
    'Elysee, mais, ca'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


_stemmer = FrenchStemmer()


# Words Snowball gets wrong, folded: -x plurals it leaves alone, and conflations it makes
# ("collectivite" and "collection" would both become "collect").
EXCEPTIONS = {
    "jeux": "jeu",
    "bijoux": "bijou",
    "cailloux": "caillou",
    "choux": "chou",
    "genoux": "genou",
    "hiboux": "hibou",
    "joujoux": "joujou",
    "poux": "pou",
    "feux": "feu",
    "lieux": "lieu",
    "voeux": "voeu",
    "neveux": "neveu",
    "cheveux": "cheveu",
    "collectivite": "collectivit",
    "collectivites": "collectivit",
}


@lru_cache(maxsize=WORD_CACHE)
def stem(word: str) -> str:
    """Return the Snowball French stem of an accent-folded, lowercase word.

    >>> stem("retraites"), stem("cybersecurite"), stem("jeux"), stem("collectivites")
    ('retrait', 'cybersecurit', 'jeu', 'collectivit')
    """
    if not word.isalpha():
        # Codes such as "5g" or "covid19" and words such as "aujourd'hui" stay whole.
        return word
    return EXCEPTIONS.get(word) or _stemmer.stem(word)


def word_matches(text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
    """Return the words FrenchTokenizer cuts from NFC-normalised text, with their offsets.

    Only those from start to end when given: start must not fall within a word.
    """
    return _WORD.finditer(text, start, len(text) if end is None else end)


class FrenchTokenizer(Tokenizer):
    """Cut NFC-normalised text into words, keeping inner hyphens and apostrophes."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for pos, match in enumerate(word_matches(value), start_pos):
            token.text = match.group()
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def word_role(word: str) -> str:
    """Return what a word is to the participle rule: "avoir", "between", "participle" or ""."""
    if word.lower() in PARTICIPLES:
        return "participle"
    bare = _elided(word).lower()
    if bare in BETWEEN:
        return "between"
    # "a-t-il été": the verb comes first.
    return "avoir" if _HYPHEN.split(bare, 1)[0] in AVOIR else ""


class ParticipleRule:
    """Tell, one word role after another, whether each word is a participle to drop."""

    def __init__(self):
        # Adverbs since the last form of avoir; None: no avoir before them.
        self.between: int | None = None

    def __call__(self, role: str) -> bool:
        dropped = role == "participle" and self.between is not None
        if role == "avoir":
            self.between = 0
        elif role == "between" and self.between is not None and self.between < MAX_BETWEEN:
            self.between += 1
        else:
            self.between = None
        return dropped


def participles(roles: Iterable[str]) -> Iterator[bool]:
    """Yield, per word role in order, whether that word is a participle to drop."""
    return map(ParticipleRule(), roles)


def dropped_participle(text: str, start: int) -> bool:
    """Return whether the word at start of text is a participle the analyzer drops.

    The rule needs no more than the few words before it, read back only for ``été`` itself,
    so marking or citing a text pays nothing for the others.
    """
    word = _WORD.match(text, start)
    if word is None or word.group().lower() not in PARTICIPLES:
        return False
    # Long enough for MAX_BETWEEN + 1 words; its first word may be cut, and is then left out.
    begin = max(0, start - 24 * (MAX_BETWEEN + 1))
    before = [m.group() for m in word_matches(text[begin:start])][1 if begin else 0 :]
    rule = ParticipleRule()
    for previous in before[-(MAX_BETWEEN + 1) :]:
        rule(word_role(previous))
    return rule("participle")


class ParticipleFilter(Filter):
    """Drop ``été`` after a form of avoir (``word_role``), or mark it stopped."""

    def __call__(self, tokens):
        rule = ParticipleRule()
        for t in tokens:
            if rule(word_role(t.text)):
                if t.removestops:
                    continue
                t.stopped = True
            yield t


class ElisionFilter(Filter):
    """Drop an elided prefix (``l'``, ``qu’``, ``jusqu'``) and unify apostrophes to ``'``."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            # Most words hold no apostrophe: a substring test is cheaper than the regex.
            cut = _APOSTROPHE.search(text) if "'" in text or "’" in text or "ʼ" in text else None
            if cut is not None:
                if text[: cut.start()].lower() in ELISIONS:
                    text = text[cut.end() :]
                    if t.chars:
                        t.startchar += cut.end()
                t.text = _APOSTROPHE.sub("'", text)
            yield t


class LigatureFilter(Filter):
    """Spell out the ligatures ``œ`` and ``æ``."""

    def __call__(self, tokens):
        for t in tokens:
            if "œ" in t.text or "æ" in t.text:
                t.text = t.text.replace("œ", "oe").replace("æ", "ae")
            yield t


class StopFilter(Filter):
    """Drop French function words, or mark them stopped when stopwords are kept."""

    def __init__(self, stoplist=STOPWORDS):
        self.stops = stoplist

    def __call__(self, tokens):
        for t in tokens:
            if t.text in self.stops:
                if not t.removestops:
                    t.stopped = True
                    yield t
            else:
                yield t


class CompoundFilter(Filter):
    """Split hyphenated words into their parts, add the joined form, and number positions.

    Positions are assigned here, after stopwords are gone, so that a phrase such as
    ``réforme des retraites`` is found whatever function words stand between its words.
    """

    def __init__(self, stoplist=STOPWORDS):
        self.stops = stoplist

    def __call__(self, tokens):
        pos = 0
        for t in tokens:
            if not _HYPHEN.search(t.text):
                t.pos = pos
                pos += 1
                yield t
                continue
            pieces = self._expand(t, pos)
            yield from pieces
            pos = max((p.pos for p in pieces), default=pos - 1) + 1

    def _expand(self, t, pos):
        start = t.startchar if t.chars else 0
        parts = [(m.group(), m.start()) for m in _PART.finditer(t.text)]
        if "-".join(part for part, _ in parts) not in PRONOUN_COMPOUNDS:
            # "peut-il", "a-t-elle", "dis-moi": a verb and its pronouns, not a compound word.
            while len(parts) > 1 and parts[-1][0] in CLITICS:
                parts.pop()
            if len(parts) == 1:
                parts = [] if parts[0][0] in self.stops else parts
                return [_piece(t, part, offset, start, pos) for part, offset in parts]
        pieces = []
        for part, offset in parts:
            if part not in self.stops:
                pieces.append(_piece(t, part, offset, start, pos + len(pieces)))
        joined = t.copy()
        joined.text, joined.pos, joined.compound = "".join(p for p, _ in parts), pos, True
        pieces.insert(1 if pieces else 0, joined)
        return pieces


def _piece(t, part: str, offset: int, start: int, pos: int):
    """Return a copy of token t standing for one part of it."""
    piece = t.copy()
    piece.text, piece.pos = part, pos
    if t.chars:
        piece.startchar = start + offset
        piece.endchar = piece.startchar + len(part)
    return piece


class AccentFoldFilter(Filter):
    """Strip diacritics, so that ``Élysée`` and ``Elysee`` meet."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_accents(t.text)
            yield t


class StemFilter(Filter):
    """Reduce each word to its Snowball French stem."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = stem(t.text)
            yield t


def FrenchAnalyzer():
    """Return the analyzer for French article text (index and query time alike)."""
    return (
        FrenchTokenizer()
        | ParticipleFilter()
        | ElisionFilter()
        | LowercaseFilter()
        | LigatureFilter()
        | StopFilter()
        | CompoundFilter()
        | AccentFoldFilter()
        | StemFilter()
    )


def NameAnalyzer():
    """Return the analyzer for names (authors, sources): no stopwords, no stemming."""
    return (
        FrenchTokenizer()
        | ElisionFilter()
        | LowercaseFilter()
        | LigatureFilter()
        | (AccentFoldFilter())
    )


def WordAnalyzer():
    """Return the analyzer for the vocabulary of words as written (spelling suggestions)."""
    return FrenchTokenizer() | ElisionFilter() | LowercaseFilter() | StopFilter()


def index_terms(text: str) -> tuple[list[str], list[int]]:
    """Return the index terms of a text with their positions, as FrenchAnalyzer gives them.

    The same tokens, faster: the filters handle each word on its own, so each distinct word
    goes through them once (``word_terms``) and a text is a walk over its words.

    >>> index_terms("L’été des cyber-sécurités")
    (['ete', 'cyb', 'cybersecurit', 'securit'], [0, 1, 1, 2])
    """
    terms, positions, position = [], [], 0
    found = words(text)
    for word, dropped in zip(found, participles(map(word_role, found)), strict=True):
        if dropped:
            continue
        pieces, advance = word_terms(word)
        for term, offset in pieces:
            terms.append(term)
            positions.append(position + offset)
        position += advance
    return terms, positions


def words(text: str) -> list[str]:
    """Return the words of a text as the analyzers cut them, before any filter.

    >>> words("L’été des cyber-sécurités.")
    ['L’été', 'des', 'cyber-sécurités']
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _WORD.findall(text)


@lru_cache(maxsize=WORD_CACHE)
def word_terms(word: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """Return one word's terms with their positions from 0, and how far it moves the next."""
    if not _HYPHEN.search(word):
        # No compound (most words): the filters reduce to these steps.
        text = _elided(word).lower()
        if "œ" in text or "æ" in text:
            text = text.replace("œ", "oe").replace("æ", "ae")
        return ((), 0) if text in STOPWORDS else (((stem(fold_accents(text)), 0),), 1)
    pieces = tuple((t.text, t.pos) for t in _ANALYZER(word, positions=True))
    return pieces, max((offset for _, offset in pieces), default=-1) + 1


def term_start(word: str) -> str | None:
    """Return the first two letters of a word's index term, None for a compound.

    Stemming only ever cuts or rewrites an ending, so a concordance can pass over the words
    that cannot hold its terms without analysing them.
    """
    if _HYPHEN.search(word):
        return None
    text = _elided(word)[:3].lower()
    if "œ" in text or "æ" in text:
        text = text.replace("œ", "oe").replace("æ", "ae")
    # Three letters folded: few enough to stay in fold_accents' cache.
    return fold_accents(text)[:2]


def word_spans(word: str) -> tuple[tuple[str, int, int], ...]:
    """Return a word's index terms with their offsets in it (``l’État``: ``etat`` from 2).

    What FrenchAnalyzer gives the word alone (stopwords dropped); a word without a hyphen,
    most of them, takes the steps of ``word_terms`` instead of the chain of filters.
    """
    if _HYPHEN.search(word):
        return tuple((t.text, t.startchar, t.endchar) for t in _ANALYZER(word, chars=True))
    pieces, _ = word_terms.__wrapped__(word)
    begins = len(word) - len(_elided(word))
    return tuple((term, begins, len(word)) for term, _ in pieces)


def vocabulary_words(text: str) -> list[str]:
    """Return the words of a text as WordAnalyzer gives them (lowercase, no function words).

    >>> vocabulary_words("L’été des Cyber-sécurités")
    ['été', 'cyber-sécurités']
    """
    return [term for word in words(text) for term in vocabulary_word(word)]


@lru_cache(maxsize=WORD_CACHE)
def vocabulary_word(word: str) -> tuple[str, ...]:
    """Return what WordAnalyzer makes of one word: itself in lowercase, or nothing."""
    text = _elided(word).lower()
    return () if text in STOPWORDS else (text,)


def _elided(word: str) -> str:
    """Return a word as ElisionFilter leaves it: without its elided prefix, apostrophes as '."""
    cut = _APOSTROPHE.search(word)
    if cut is None:
        return word
    if word[: cut.start()].lower() in ELISIONS:
        word = word[cut.end() :]
    return _APOSTROPHE.sub("'", word)


def analyze(text: str) -> list[str]:
    """Return the index terms of a French text, in order.

    >>> analyze("Les données personnelles d’aujourd’hui")
    ['donne', 'personnel', "aujourd'hui"]
    """
    return [t.text for t in _ANALYZER(text)]


def written_forms(text: str) -> list[str]:
    """Return the words of a text as written: the analyzer's steps 1 to 4, then accent folding.

    These are the terms of the ``forms`` field. A hyphenated word stands for itself and for its
    parts, so that ``Île-de-France`` and ``île de France`` hold the same words. One regular
    expression and a cache per word rather than a chain of filters: every article's text goes
    through it a second time.

    >>> written_forms("Les élections municipales d’Île-de-France")
    ['elections', 'municipales', 'ile-de-france', 'ile', 'france']
    """
    return [form for word in words(text) for form in word_forms(word)]


@lru_cache(maxsize=WORD_CACHE)
def word_forms(word: str) -> tuple[str, ...]:
    """Return a word's written forms: none for a function word, its parts too if hyphenated."""
    cut = _APOSTROPHE.search(word)
    if cut is not None:
        if word[: cut.start()].lower() in ELISIONS:
            word = word[cut.end() :]
        word = _APOSTROPHE.sub("'", word)
    word = _HYPHEN.sub("-", word.lower())
    if "œ" in word or "æ" in word:
        word = word.replace("œ", "oe").replace("æ", "ae")
    forms = [word, *word.split("-")] if "-" in word else [word]
    return tuple(fold_accents(form) for form in forms if form not in STOPWORDS)


_ANALYZER = FrenchAnalyzer()
_WORDS = WordAnalyzer()
