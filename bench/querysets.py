"""The three fixed query sets: title keywords, natural-language questions, filtered queries.

Each is drawn with a fixed seed, so that every run and every engine sees the same queries.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from search.analysis.french import STOPWORDS
from search.ingest.records import normalize_section

QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "piaf-dev" / "queries.jsonl"
SEED = 5
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class Query:
    """A query text, with at most one filter: a section or a year."""

    text: str
    section: str = ""
    year: int = 0


def keyword_queries(records: list[dict], count: int = 300) -> list[Query]:
    """Return count queries of one or two consecutive content words of random titles."""
    rng = random.Random(SEED)
    queries = []
    while len(queries) < count:
        words = _content_words(rng.choice(records)["title"])
        if words:
            size = min(len(words), rng.choice((1, 2)))
            start = rng.randrange(len(words) - size + 1)
            queries.append(Query(" ".join(words[start : start + size])))
    return queries


def question_queries(path: Path = QUESTIONS, count: int = 300) -> list[Query]:
    """Return count natural-language questions of the PIAF dev set."""
    with path.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    return [Query(text) for text in random.Random(SEED).sample(texts, count)]


def filtered_queries(records: list[dict], count: int = 100) -> list[Query]:
    """Return count keyword queries restricted to their article's section, or to its year."""
    rng = random.Random(SEED + 1)
    queries = []
    for query in keyword_queries(records, count * 3):
        record = rng.choice(records)
        if len(queries) % 2 and record.get("date"):
            queries.append(Query(query.text, year=int(record["date"][:4])))
        elif record.get("section"):
            queries.append(Query(query.text, section=normalize_section(record["section"])))
        if len(queries) == count:
            break
    return queries


def _content_words(title: str) -> list[str]:
    return [w for w in _WORD.findall(title) if w.lower() not in STOPWORDS]
