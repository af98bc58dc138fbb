"""Measure HTML ingestion against hand-made truth: body words, titles, dates and leads.

Usage: python bench/ingestion_quality.py [FOLDER]
(default ../shared/html/orangesum, which holds pages/*.html and truth.jsonl). Each page goes
through the same reader as `fouille index`; the extracted body is compared with the truth's
`text` as multisets of lowercase words, averaged over pages. Results go in docs/INGESTION.md.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from search import InputError
from search.ingest import read_articles

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "html" / "orangesum"
# What the site appends to <title> (the truth's title source) after the headline.
SITE_SUFFIX = re.compile(r"\s+[:|-]\s+[^:|-]+$")


def words(text: str) -> Counter:
    """Return the multiset of lowercase words in text."""
    return Counter(re.findall(r"\w+", text.lower()))


def overlap(got: str, want: str) -> tuple[float, float, float]:
    """Return word-level precision, recall and F1 of got against want."""
    found, expected = words(got), words(want)
    if not found and not expected:
        return 1.0, 1.0, 1.0
    common = sum((found & expected).values())
    precision = common / sum(found.values()) if found else 0.0
    recall = common / sum(expected.values()) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def measure(folder: Path) -> dict[str, float]:
    """Return the averaged measures over every page listed in folder/truth.jsonl."""
    rows = [json.loads(line) for line in (folder / "truth.jsonl").read_text("utf-8").splitlines()]
    totals: Counter = Counter()
    started = time.perf_counter()
    for truth in rows:
        [(_, article)] = read_articles(folder / truth["file"])
        if isinstance(article, InputError):
            totals["errors"] += 1
            print(f"  {article}", file=sys.stderr)
            continue
        precision, recall, f1 = overlap(article.body, truth["text"])
        totals.update(precision=precision, recall=recall, f1=f1)
        title = " ".join(truth["title"].split())
        totals["title"] += same(article.title, title)
        totals["title_site"] += same(article.title, SITE_SUFFIX.sub("", title)) or same(
            article.title, title
        )
        day = article.published.date().isoformat() if article.published else ""
        totals["date"] += day == truth["date"]
        if truth["abstract"].strip():
            totals["leads"] += 1
            totals["lead"] += same(article.summary, truth["abstract"])
    totals["seconds"] = time.perf_counter() - started
    totals["pages"] = len(rows)
    return dict(totals)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    m = measure(folder)
    pages = m["pages"]
    print(f"{pages} pages, {m.get('errors', 0)} unreadable, {m['seconds']:.1f} s\n")
    print("| measure | value |")
    print("| --- | --- |")
    for label, value in (
        ("body word precision", m["precision"] / pages),
        ("body word recall", m["recall"] / pages),
        ("body word F1", m["f1"] / pages),
        ("title exact match", m["title"] / pages),
        ("title exact match, truth's <title> site suffix removed", m["title_site"] / pages),
        ("date exact match", m["date"] / pages),
        (f"lead exact match ({m['leads']} pages with a truth lead)", m["lead"] / m["leads"]),
    ):
        print(f"| {label} | {value:.3f} |")


if __name__ == "__main__":
    main()
