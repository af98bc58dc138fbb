"""Snippets: the passages of a text where the query's words occur, marked as written.

Matching is done on index terms (stems, accents folded), so ``cybersecurite`` marks
``Cybersécurités``; the text shown is the article's own, HTML-escaped.

>>> make_snippet("Les <b>cybersécurités</b> d’hier.", {"cybersecurit"})
'Les &lt;b&gt;<mark>cybersécurités</mark>&lt;/b&gt; d’hier.'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from html import escape

from whoosh.highlight import ContextFragmenter, Formatter, WholeFragmenter, highlight

from ..analysis.french import (
    WORD_CACHE,
    FrenchTokenizer,
    dropped_participle,
    term_start,
    word_matches,
    word_spans,
)
from ..limits import over_time

SNIPPET_CHARS = 240
_DIACRITICS = re.compile("[\u0300-\u036f]")
_LINE_BREAKS = re.compile(r"\s*[\n\r\u2028\u2029]\s*")
_WORDS = FrenchTokenizer()


# A function word is never a query's term: marking words, dropping them or not is the same.
_terms_of = lru_cache(maxsize=WORD_CACHE)(word_spans)
# The index term of « été », which the participle of « a été » is not.
PARTICIPLE = word_spans("été")[0][0]


def located_terms(
    text: str,
    known: dict | None = None,
    only: set[str] | None = None,
    within: list[tuple[int, int]] | None = None,
) -> Iterator[tuple[str, int, int]]:
    """Yield the index terms of a text with their character offsets, word by word.

    The analyzer's terms, each distinct word analysed once: a concordance reads hundreds of
    articles, more distinct words than the process keeps (``_terms_of``), so it passes known,
    the analyses of the words it has met, and only, its terms: a word that cannot hold one
    is passed over unanalysed; within, if given, holds the only stretches of text (start, end)
    worth reading, cut between words. The participle of ``a été`` is no term, as in the index.
    """
    known = {} if known is None else known
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    stretches = [(0, len(text))] if within is None else within
    found = (match for start, end in stretches for match in word_matches(text, start, end))
    for match in found:
        word, start = match.group(), match.start()
        terms = known.get(word)
        if terms is None:
            wanted = only is None or _may_hold(word, only)
            terms = known[word] = _terms_of(word) if wanted else ()
        if terms and terms[0][0] == PARTICIPLE and dropped_participle(text, start):
            continue
        for term, begins, ends in terms:
            yield term, start + begins, start + ends


def _may_hold(word: str, terms: set[str]) -> bool:
    begins = term_start(word)
    return begins is None or any(t.startswith(begins) or begins.startswith(t) for t in terms)


def _analyzer(value: str, **options):
    """Yield the index terms of a text with their character offsets, word by word.

    The same as the French analyzer's, but each distinct word is analysed once: marking a page
    of results re-reads the same common words.
    """
    for token in _WORDS(value, chars=True, mode=options.get("mode", "")):
        start, spans = token.startchar, _terms_of(token.text)
        if spans and spans[0][0] == PARTICIPLE and dropped_participle(value, start):
            spans = ()
        if not spans:
            # A function word: no term, but passages are cut along every word.
            token.text = ""
            yield token
        for term, begins, ends in spans:
            token.text, token.startchar, token.endchar = term, start + begins, start + ends
            yield token


class MarkFormatter(Formatter):
    """Wrap matches in ``<mark>``, escape the rest, and cut fragments at word boundaries."""

    between = " … "

    def _text(self, text: str) -> str:
        return escape(text, quote=False)

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{self._text(text[token.startchar : token.endchar])}</mark>"

    def format_fragment(self, fragment, replace: bool = False) -> str:
        fragment.startchar = _word_start(fragment.text, fragment.startchar)
        fragment.endchar = _word_end(fragment.text, fragment.endchar)
        return super().format_fragment(fragment, replace).strip()

    def format(self, fragments, replace: bool = False) -> str:
        if not fragments:
            return ""
        html = self.between.join(self.format_fragment(f, replace) for f in fragments)
        lead = "… " if fragments[0].startchar > 0 else ""
        tail = " …" if fragments[-1].endchar < len(fragments[-1].text) else ""
        return f"{lead}{html}{tail}"


def make_snippet(text: str, terms: set[str], max_chars: int = SNIPPET_CHARS) -> str:
    """Return HTML of up to two passages of text around the terms, or of its beginning."""
    return _one_line(passages(text, terms, max_chars) or opening(text, max_chars))


def article_snippet(body: str, lead: str, terms: set[str], max_chars: int = SNIPPET_CHARS) -> str:
    """Return HTML of the passages of the text, else of the lead, holding the terms, on one line.

    An article that holds them in neither (found by its title alone) shows its lead, which
    says what it is about, else its text's opening.

    >>> article_snippet("Un été.\\n\\n  Puis l’hiver.", "", {"hiv"})
    'Un été. Puis l’<mark>hiver</mark>.'
    """
    for text in (body, lead):
        if text and (marked := passages(text, terms, max_chars)):
            return _one_line(marked)
    return _one_line(opening(lead or body, max_chars))


def _one_line(html: str) -> str:
    """Return a snippet with its line breaks as spaces: a passage spans paragraphs as one line."""
    return _LINE_BREAKS.sub(" ", html)


def passages(text: str, terms: set[str], max_chars: int = SNIPPET_CHARS) -> str:
    """Return HTML of up to two passages of text around the terms; empty if it holds none."""
    # Out of time, a long text is not analysed.
    if not terms or over_time():
        return ""
    fragmenter = ContextFragmenter(maxchars=max_chars, surround=max_chars // 3)
    start, end = _region(text, terms, max_chars)
    marked = highlight(text[start:end], terms, _analyzer, fragmenter, MarkFormatter(), top=2)
    if not marked and (start, end) != (0, len(text)):
        return highlight(text, terms, _analyzer, fragmenter, MarkFormatter(), top=2)
    if marked:
        lead = "… " if start > 0 and not marked.startswith("…") else ""
        tail = " …" if end < len(text) and not marked.endswith("…") else ""
        marked = f"{lead}{marked}{tail}"
    return marked


def opening(text: str, max_chars: int = SNIPPET_CHARS) -> str:
    """Return HTML of the beginning of text, cut at a word."""
    end = _word_end(text, max_chars) if len(text) > max_chars else len(text)
    return escape(text[:end].strip(), quote=False) + (" …" if end < len(text) else "")


def _region(text: str, terms: set[str], max_chars: int) -> tuple[int, int]:
    """Return the part of text worth analysing: around the first word that may be a term.

    Analysing a whole long article for a snippet costs milliseconds; a term is the beginning
    of a word as folded, so a plain search of the folded text finds where to look.
    """
    # Where to look, not what matches: Latin diacritics, which French uses, dropped at C speed
    # (fold_accents' cache is for words, and would keep every article shown in memory).
    folded = unicodedata.normalize(
        "NFC", _DIACRITICS.sub("", unicodedata.normalize("NFD", text.lower()))
    )
    if len(folded) != len(text) or len(text) <= 4 * max_chars:
        return 0, len(text)
    first = len(text)
    for term in terms:
        at = folded.find(term[:4])
        while 0 <= at < first:
            if at == 0 or not folded[at - 1].isalnum():
                first = at
                break
            at = folded.find(term[:4], at + 1)
    if first == len(text):
        return 0, len(text)
    start = _word_start(text, max(0, first - max_chars))
    return start, _word_end(text, min(len(text), first + 3 * max_chars))


def mark_all(text: str, terms: set[str]) -> str:
    """Return the whole text as HTML with every occurrence of the terms marked."""
    marked = ""
    if terms:
        marked = highlight(text, terms, _analyzer, WholeFragmenter(), MarkFormatter(), top=1)
    return marked or escape(text, quote=False)


def _word_start(text: str, index: int) -> int:
    space = text.rfind(" ", max(0, index - 30), index + 1)
    return 0 if index <= 0 else (space + 1 if space >= 0 else index)


def _word_end(text: str, index: int) -> int:
    if len(text) - index <= 30:
        return len(text)
    space = text.find(" ", index, index + 30)
    return space if space >= 0 else index
