"""The words most associated with a query: Dunning's log-likelihood (G²) against the archive.

Words are those of titles and leads as written (the index's ``words`` field: lowercase,
accents kept, French function words left out), so they read as the articles wrote them.
The matching articles' words, counted on a bounded sample of them, are compared with the
rest of the archive; a word scores high when it is far more frequent in the matches than
elsewhere, and words of the query itself are left out (they are associated by definition).
A word must be held by MIN_ARTICLES sampled matches from MIN_SOURCES sources (one, when one
source wrote nearly all the matches), so that one article's own words never show; calendar words
(vendredi, semaine) are left out too: any subject has them.

>>> g2 = log_likelihood(np.array([30.0]), np.array([1_000.0]), 1_000.0, 100_000.0)
>>> round(float(g2[0]), 1)
26.3
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis.calendar import is_calendar_word
from ..analysis.french import fold_accents, stem
from ..ranking.folding import Copies
from ..store.segment import SegmentData
from ..store.snapshot import Snapshot

# Articles whose words are counted, at most: enough for stable scores, fast for 36,000.
SAMPLE = 2_000
MIN_ARTICLES = 5
MIN_SOURCES = 2
# A source counts towards MIN_SOURCES when it holds this share of the sampled matches: where
# one source wrote nearly all of them, words are asked of it alone.
SOURCE_SHARE = 0.1
SOURCE_FIELD = "source_label"
# G² above this is chance only once in a thousand (χ² with one degree of freedom).
MIN_SCORE = 10.83
TOP = 15
FIELD = "words"


@dataclass(frozen=True)
class KeyTerm:
    """A word associated with a query: how often the matches use it, and its G² score."""

    word: str
    count: int
    score: float


def key_terms(
    snapshot: Snapshot,
    docnums: np.ndarray,
    query_terms: set[str],
    copies: Copies | None = None,
    top: int = TOP,
):
    """Return the words most over-represented in these documents' titles and leads.

    Counts are of articles: how many of the sampled matches hold the word, copies of one
    article once (as result lists fold them), against how many articles of the archive do.
    Each segment keeps its articles' words by article (``building.FORWARD``), so a sample's
    words are gathered without reading any article.
    """
    docnums = np.sort(np.asarray(docnums, dtype=np.int64))
    if not len(docnums):
        return ()
    sample = docnums[:: max(1, len(docnums) // SAMPLE)][:SAMPLE]
    source_of = _source_groups(snapshot)
    sampled = _Sampled.gather(snapshot, sample, _articles(len(source_of), copies), source_of)
    counts, sources = sampled.counts, sampled.sources
    ranks, archive_size = sampled.ranks, sampled.archive_size
    needed = _sources_needed(source_of[sample])
    words = [
        w
        for w, n in counts.items()
        if n >= MIN_ARTICLES
        and len(sources.get(w, ())) >= needed
        and _is_word(w)
        and not is_calendar_word(w)
        and _stem(w) not in query_terms
    ]
    if not words:
        return ()
    sample_counts = np.array([counts[w] for w in words], dtype=float)
    archive = np.zeros(len(words))
    for data, found in ranks:
        df = data.arrays[f"{FIELD}.df"]
        rank = np.array([found.get(word, -1) for word in words], dtype=np.int64)
        # Words not in this segment's sample may still be in its articles.
        missing = np.flatnonzero(rank < 0)
        rank[missing] = data.find_all(FIELD, [words[i].encode("utf-8") for i in missing])
        held = rank >= 0
        archive[held] += df[rank[held]]
    # Every word of the sample counts in its size, as every word of the archive does in its.
    sample_size = float(sum(counts.values()))
    scores = log_likelihood(sample_counts, archive, sample_size, archive_size)
    rest_rate = (archive - sample_counts) / max(archive_size - sample_size, 1.0)
    over = (sample_counts / sample_size > rest_rate) & (scores >= MIN_SCORE)
    order = [i for i in np.argsort(-scores, kind="stable") if over[i]][:top]
    return tuple(
        KeyTerm(words[i], int(sample_counts[i]), round(float(scores[i]), 1)) for i in order
    )


@dataclass
class _Sampled:
    """The words of a sample of matches: articles and sources holding each, by segment."""

    holders: dict[str, set[int]]
    sources: dict[str, set[int]]
    ranks: list[tuple[SegmentData, dict[str, int]]]
    archive_size: int

    @property
    def counts(self) -> dict[str, int]:
        """Return how many articles of the sample hold each word, copies of one once."""
        return {word: len(articles) for word, articles in self.holders.items()}

    @classmethod
    def gather(cls, snapshot: Snapshot, sample: np.ndarray, article_of, source_of) -> _Sampled:
        """Read the sample's words from each segment's forward lists."""
        found = cls({}, {}, [], 0)
        for data, base, _ in snapshot.segments:
            if FIELD not in data.fields:
                continue
            found.archive_size += int(data.arrays[f"{FIELD}.df"].sum())
            mine = sample[(sample >= base) & (sample < base + data.doc_count)] - base
            terms, sizes = data.forward(FIELD, mine)
            words_of = {
                rank: data.term_at(FIELD, rank).decode("utf-8")
                for rank in np.unique(terms).tolist()
            }
            owners = np.repeat(mine + base, sizes)
            held = zip(
                terms.tolist(),
                article_of[owners].tolist(),
                source_of[owners].tolist(),
                strict=True,
            )
            for rank, article, source in set(held):
                found.holders.setdefault(words_of[rank], set()).add(article)
                if source >= 0:
                    found.sources.setdefault(words_of[rank], set()).add(source)
            found.ranks.append((data, {word: rank for rank, word in words_of.items()}))
        return found


def log_likelihood(sample, archive, sample_size, archive_size) -> np.ndarray:
    """Return Dunning's G² of each word: sample counts against the rest of the archive.

    archive counts and size include the sample, which is part of the archive.
    """
    rest = np.maximum(archive - sample, 0.0)
    rest_size = max(float(archive_size) - float(sample_size), 1.0)
    both = sample + rest
    expected_sample = sample_size * both / (sample_size + rest_size)
    expected_rest = rest_size * both / (sample_size + rest_size)
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.where(sample > 0, sample * np.log(sample / expected_sample), 0.0)
        right = np.where(rest > 0, rest * np.log(rest / expected_rest), 0.0)
    return 2 * (left + right)


def _sources_needed(sources: np.ndarray) -> int:
    """Return how many sources a word must come from: MIN_SOURCES, if the matches have them."""
    held = np.bincount(sources[sources >= 0]) if (sources >= 0).any() else np.zeros(1)
    return min(MIN_SOURCES, max(1, int((held >= SOURCE_SHARE * len(sources)).sum())))


def _articles(size: int, copies: Copies | None) -> np.ndarray:
    """Return each document's article: its own number, or size + its cluster's for a copy."""
    article = np.arange(size, dtype=np.int64)
    if copies:
        clustered = copies.group[:size] >= 0
        article[clustered] = size + copies.group[:size][clustered]
    return article


def _source_groups(snapshot: Snapshot) -> np.ndarray:
    """Return each document's source as the number of its group of spellings, -1 for none."""
    codes = snapshot.labels[SOURCE_FIELD].codes
    group = snapshot.spellings.of(SOURCE_FIELD).group
    if not len(group):
        return np.full(len(codes), -1, dtype=np.int64)
    return np.where(codes >= 0, group[np.maximum(codes, 0)], -1)


def _is_word(text: str) -> bool:
    return len(text) > 2 and any(c.isalpha() for c in text)


def _stem(word: str) -> str:
    return stem(fold_accents(word.replace("’", "'")))
