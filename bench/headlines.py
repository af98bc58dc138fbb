"""A reader's few words from a headline: short known-item queries over orangesum's articles.

orangesum-knownitem-dev's queries are leads, long enough to take the passage path; none of the
dev sets asks a news archive the few words a reader types. Here, for 1,000 of its articles
drawn with a fixed seed, the query is 2 to 4 content words of the article's own title (words
of at least four letters that are not French stopwords, in the title's order, drawn with the
same seed), and the relevant document is the article. Headline words are what a reader who
remembers a story types; the set checks that a ranking lets a distinct title count.
"""

from __future__ import annotations

import random
import re

from bench.heldout import DEV
from search.analysis.french import STOPWORDS
from search.evaluation import EvalSet, load_eval_set

NAME = "orangesum-headlines"


def headline_set(size: int = 1000, seed: int = 18) -> EvalSet:
    """Return the dev set's articles with size headline queries, drawn with seed."""
    dev = load_eval_set(DEV)
    draw = random.Random(seed)
    queries, qrels = {}, {}
    for article in draw.sample(sorted(dev.articles, key=lambda a: a.id), len(dev.articles)):
        words = [
            w
            for w in re.findall(r"[\w’'-]+", article.title)
            if len(w) >= 4 and w.lower() not in STOPWORDS and not w.isdigit()
        ]
        if len(words) < 2:
            continue
        count = draw.randint(2, min(4, len(words)))
        chosen = sorted(draw.sample(range(len(words)), count))
        qid = f"head-{article.id}"
        queries[qid] = " ".join(words[i] for i in chosen)
        qrels[qid] = {article.id: 1}
        if len(queries) == size:
            break
    return EvalSet(NAME, dev.articles, queries, qrels)
