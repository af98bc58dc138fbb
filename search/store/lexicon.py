"""What each distinct word becomes in the index, learnt once per process and then looked up.

The title, lead and text are cut into words once; a word's number in a process-wide table
then gives, as arrays, its French terms and their positions (``word_terms``), its written
forms (``word_forms``) and its vocabulary word (``vocabulary_word``). A batch of articles is
turned into the tokens of those fields with a dictionary lookup per word and a few numpy
operations per batch, instead of a chain of Python filters per word.

>>> lexicon = Lexicon()
>>> words, counts = lexicon.number([["Les", "retraites"], ["retraites"]])
>>> terms, docs, positions = lexicon.stem_tokens(words, counts)
>>> [lexicon.stems.terms[t] for t in terms], docs.tolist(), positions.tolist()
(['retrait', 'retrait'], [0, 1], [0, 0])
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

from ..analysis import french
from . import duplicates
from .arrays import range_slots

# The lexicon is the cache of what each word gives: the analysis functions' own caches of
# the same words are bypassed, and those under them emptied when the lexicon starts again.
word_terms = french.word_terms.__wrapped__
word_forms = french.word_forms.__wrapped__
vocabulary_word = french.vocabulary_word.__wrapped__
word_hashes = duplicates.word_hashes.__wrapped__
_UNDER = (french.fold_accents, french.stem)

# Words remembered by a process; beyond, the table starts again (rare words do not recur).
MAX_WORDS = 100_000
# A word's part in the participle rule (``french.participles``), as a code.
ROLES = {"": 0, "avoir": 1, "between": 2, "participle": 3}


class Terms:
    """A table of terms and their numbers."""

    def __init__(self):
        self.terms: list[str] = []
        self.numbers: dict[str, int] = {}

    def number(self, term: str) -> int:
        """Return the number of a term, giving it one if it has none."""
        found = self.numbers.get(term)
        if found is None:
            found = self.numbers[term] = len(self.terms)
            self.terms.append(term)
        return found


class _Table(dict):
    """Words to their numbers; a word seen for the first time is analysed then."""

    def __init__(self, learn):
        super().__init__()
        self.learn = learn

    def __missing__(self, word: str) -> int:
        number = self[word] = self.learn(word)
        return number


class Lexicon:
    """Each distinct word's terms in the French, forms and vocabulary fields."""

    def __init__(self):
        self.stems, self.forms, self.vocabulary = Terms(), Terms(), Terms()
        self.words = _Table(self._learn)
        # Per word, as growing lists: where its pieces start in each field's piece lists.
        self._stem_start, self._stem_term, self._stem_offset, self._advance = [0], [], [], []
        self._form_start, self._form_term = [0], []
        self._vocabulary_start, self._vocabulary_term = [0], []
        self._hash_start, self._hash = [0], []
        self._role: list[int] = []
        self._arrays: dict[str, np.ndarray] | None = None

    def start_batch(self) -> None:
        """Start again if the table is full: numbers only hold within a batch."""
        if len(self.words) > MAX_WORDS:
            self.__init__()
            for cached in _UNDER:
                cached.cache_clear()

    def number(self, texts: Iterable[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Return the number of every word of the texts end to end, and each text's count."""
        table = self.words
        # One text's words at a time, numbers packed as they come: a batch's words as Python
        # lists would weigh ten times their numbers.
        numbers, counts = array("q"), array("q")
        for words in texts:
            numbers.extend([table[word] for word in words])
            counts.append(len(words))
        return np.frombuffer(numbers, dtype=np.int64), np.frombuffer(counts, dtype=np.int64)

    def stem_tokens(
        self, words: np.ndarray, counts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the French terms of numbered words, with each one's text and position."""
        arrays = self._current()
        if not len(words):
            return words, words, words
        dropped = _participles(arrays["role"][words], counts)
        advance = np.where(dropped, 0, arrays["advance"][words])
        # A word's position: the advances of the words before it in its own text.
        before = np.cumsum(advance) - advance
        firsts = np.cumsum(counts) - counts
        starts_of_text = np.repeat(before[np.minimum(firsts, len(before) - 1)], counts)
        word_position = before - starts_of_text
        pieces, word = _expand(arrays["stem_start"], words)
        kept = ~dropped[word]
        pieces, word = pieces[kept], word[kept]
        texts = np.repeat(np.arange(len(counts)), counts)
        positions = word_position[word] + arrays["stem_offset"][pieces]
        return arrays["stem_term"][pieces], texts[word], positions

    def form_tokens(self, words: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the written forms of numbered words, with the text of each (repeats kept)."""
        return self._pieces("form", words, texts)

    def vocabulary_tokens(
        self, words: np.ndarray, texts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the vocabulary words of numbered words, with the text of each."""
        return self._pieces("vocabulary", words, texts)

    def shingle_words(
        self, words: np.ndarray, counts: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the hashes of the shingle words of numbered words, and each text's count."""
        arrays = self._current()
        pieces, word = _expand(arrays["hash_start"], words)
        texts = np.repeat(np.arange(len(counts)), counts)[word]
        return arrays["hash"][pieces], np.bincount(texts, minlength=len(counts))

    def _pieces(self, kind: str, words: np.ndarray, texts: np.ndarray):
        arrays = self._current()
        pieces, word = _expand(arrays[f"{kind}_start"], words)
        return arrays[f"{kind}_term"][pieces], texts[word]

    def _learn(self, word: str) -> int:
        pieces, advance = word_terms(word)
        for term, offset in pieces:
            self._stem_term.append(self.stems.number(term))
            self._stem_offset.append(offset)
        self._stem_start.append(len(self._stem_term))
        self._advance.append(advance)
        self._form_term.extend(self.forms.number(form) for form in word_forms(word))
        self._form_start.append(len(self._form_term))
        self._vocabulary_term.extend(
            self.vocabulary.number(term) for term in vocabulary_word(word)
        )
        self._vocabulary_start.append(len(self._vocabulary_term))
        self._hash.extend(word_hashes(word))
        self._hash_start.append(len(self._hash))
        self._role.append(ROLES[french.word_role(word)])
        self._arrays = None
        return len(self._advance) - 1

    def _current(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            self._arrays = {
                "advance": np.array(self._advance, dtype=np.int64),
                "stem_start": np.array(self._stem_start, dtype=np.int64),
                "stem_term": np.array(self._stem_term, dtype=np.int64),
                "stem_offset": np.array(self._stem_offset, dtype=np.int64),
                "form_start": np.array(self._form_start, dtype=np.int64),
                "form_term": np.array(self._form_term, dtype=np.int64),
                "vocabulary_start": np.array(self._vocabulary_start, dtype=np.int64),
                "vocabulary_term": np.array(self._vocabulary_term, dtype=np.int64),
                "hash_start": np.array(self._hash_start, dtype=np.int64),
                "hash": np.array(self._hash, dtype=np.uint64),
                "role": np.array(self._role, dtype=np.int8),
            }
        return self._arrays


def _participles(roles: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Return which words are participles to drop, as ``french.participles`` says, at once."""
    place = np.arange(len(roles)) - np.repeat(np.cumsum(counts) - counts, counts)
    dropped = np.zeros(len(roles), dtype=bool)
    for between in range(french.MAX_BETWEEN + 1):
        # avoir, then that many adverbs, then the participle, all in one text.
        found = (roles == ROLES["participle"]) & (place > between)
        found &= _before(roles, between + 1) == ROLES["avoir"]
        for back in range(1, between + 1):
            found &= _before(roles, back) == ROLES["between"]
        dropped |= found
    return dropped


def _before(values: np.ndarray, back: int) -> np.ndarray:
    """Return, at each place, the value back places before it (-1 before the first)."""
    return np.concatenate([np.full(min(back, len(values)), -1), values[:-back]])


def _expand(starts: np.ndarray, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the piece numbers of the words end to end, and the word each belongs to."""
    counts = starts[words + 1] - starts[words]
    return range_slots(starts[words], counts), np.repeat(np.arange(len(words)), counts)
