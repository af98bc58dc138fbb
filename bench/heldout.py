"""Leads held out from orangesum-knownitem-dev: a second known-item set to check changes on.

The dev set judges 1,500 leads, the only pasted passages with judgments here, so a change
chosen on them may fit their noise. The shared corpus holds the leads (``abstract``) of most of
the other articles of the same collection: those not judged in the dev set and at least as
long as its shortest lead make queries of the same kind that the dev set never saw, searched
over the same articles. Choose or fit on one, confirm on the other (docs/RELEVANCE.md).
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

from search.evaluation import EvalSet, load_eval_set

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "eval" / "orangesum-knownitem-dev"
CORPUS = SHARED / "corpus" / "orangesum.jsonl.gz"
NAME = "orangesum-heldout"
# The dev set's shortest lead has 8 words; shorter abstracts are labels, not leads.
MIN_WORDS = 8


def heldout_set(size: int = 3000, seed: int = 7) -> EvalSet:
    """Return the dev set's articles with size held-out leads as queries, drawn with seed."""
    dev = load_eval_set(DEV)
    judged = {doc for judgments in dev.qrels.values() for doc in judgments}
    present = {article.id for article in dev.articles}
    leads = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            lead, doc = record.get("abstract") or "", record["id"]
            if doc in present and doc not in judged and len(lead.split()) >= MIN_WORDS:
                leads[doc] = lead
    chosen = random.Random(seed).sample(sorted(leads), min(size, len(leads)))
    return EvalSet(
        NAME,
        dev.articles,
        {f"held-{doc}": leads[doc] for doc in chosen},
        {f"held-{doc}": {doc: 1} for doc in chosen},
    )
