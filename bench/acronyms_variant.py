"""Acronyms defined in the collection itself, expanded at query time (issue 18, a variant).

"… le Règlement général sur la protection des données (RGPD)" defines RGPD; a query that
writes RGPD then also looks for the words of its definitions, as the FAQ's titles write
"Règlement européen". Definitions are found as Schwartz and Hearst (2003) do: the words
before a parenthesised acronym that hold its letters in order, the first letter starting
the first word, in at most min(n + 5, 2n) words.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import search.archive
import search.ranking.ranker as ranker
from search.analysis.french import STOPWORDS
from search.analysis.variants import VARIANTS
from search.ranking.query import parse_query
from search.ranking.shape import asks_about

_ACRONYM = re.compile(r"\(([A-ZÀ-Þ][A-ZÀ-Þ0-9-]{1,9})\)")
_WORD = re.compile(r"[^\W\d_]+")
_DEFINITIONS: dict[int, dict[str, Counter]] = {}


def definition(before: str, acronym: str) -> str | None:
    """Return the words before an acronym that spell it (Schwartz and Hearst), or None."""
    letters = [c for c in acronym.lower() if c.isalpha()]
    limit = min(len(letters) + 5, 2 * len(letters))
    words = _WORD.findall(before)
    # Function words ("à la", "des") do not count towards the limit.
    content = 0
    for start in range(len(words) - 1, -1, -1):
        content += words[start].lower() not in STOPWORDS
        if content == limit:
            break
    words = words[start:] if words else words
    text = " ".join(words).lower()
    i, j = len(text) - 1, len(letters) - 1
    while j >= 0:
        c = letters[j]
        while i >= 0 and (text[i] != c or (j == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i, j = i - 1, j - 1
    start = text.rfind(" ", 0, i + 1) + 1
    found = text[start:]
    return found if len(found.split()) > 1 else None


def definitions(snapshot) -> dict[str, Counter]:
    """Return every acronym defined in the collection's titles and texts, with its definitions."""
    key = id(snapshot)
    if key not in _DEFINITIONS:
        found: dict[str, Counter] = defaultdict(Counter)
        for fields in snapshot.searcher.all_stored_fields():
            text = " ".join(fields.get(f) or "" for f in ("title", "summary", "body"))
            for match in _ACRONYM.finditer(text):
                words = definition(text[max(0, match.start() - 200) : match.start()], match[1])
                if words:
                    found[match[1]][words] += 1
        _DEFINITIONS[key] = dict(found)
    return _DEFINITIONS[key]


def expand(weight=0.5, inner=None):
    """Add weight × the BM25F of a query acronym's definitions to every score."""
    if inner is not None:
        inner()
    original_parse, original_bm25 = search.archive.parse_query, ranker.bm25
    current = [""]

    def parse(text):
        current[0] = text
        return original_parse(text)

    # The ranker also passes the query's shape and statistics: one index's own, as measured.
    def bm25(snapshot, entries, *_):
        scores = original_bm25(snapshot, entries)
        defined = definitions(snapshot)
        words = [w for w in re.findall(r"[\w-]+", current[0]) if w.upper() in defined]
        for word in words:
            for meaning in defined[word.upper()]:
                parsed = parse_query(meaning)
                if parsed.query is not None:
                    extra = original_bm25(snapshot, ranker.scored_entries(parsed.query))
                    scores += weight / len(defined[word.upper()]) * extra
        return scores

    search.archive.parse_query = parse
    ranker.bm25 = bm25


def expand_all(weight=0.25, inner=None, match=False, acronyms=True, variants=True, about=False):
    """Add weight × BM25F of what each query word also stands for; optionally match by it.

    about: only for a query that asks what an article is about (``shape.asks_about``).
    """
    if inner is not None:
        inner()
    original_parse, original_bm25 = search.archive.parse_query, ranker.bm25
    original_matches = ranker.matches
    current = [""]

    def meanings(snapshot):
        found = []
        if about and not asks_about(current[0]):
            return found
        for word in re.findall(r"[\w-]+", current[0]):
            means = []
            if acronyms:
                means += list(definitions(snapshot).get(word.upper(), ()))
            if variants:
                low = word.lower()
                for group in VARIANTS:
                    if low in group or (low.endswith("s") and low[:-1] in group):
                        base = low if low in group else low[:-1]
                        means += [g for g in group if g != base]
            if means:
                found.append(means)
        return found

    def extra(snapshot):
        scores = 0.0
        for means in meanings(snapshot):
            for meaning in means:
                parsed = parse_query(meaning)
                if parsed.query is not None and parsed.query is not parsed.query.__class__:
                    entries = ranker.scored_entries(parsed.query)
                    if entries:
                        scores = scores + original_bm25(snapshot, entries) / len(means)
        return scores

    def parse(text):
        current[0] = text
        return original_parse(text)

    # The ranker also passes the query's shape and statistics: one index's own, as measured.
    def bm25(snapshot, entries, *_):
        return original_bm25(snapshot, entries) + weight * extra(snapshot)

    def matches(snapshot, parsed, *rest):
        found = original_matches(snapshot, parsed, *rest)
        more = extra(snapshot)
        if match and not isinstance(more, float):
            found |= (more > 0) & snapshot.live
        return found

    search.archive.parse_query = parse
    ranker.bm25 = bm25
    ranker.matches = matches
