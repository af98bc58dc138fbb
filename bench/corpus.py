"""The benchmark corpus: the real articles, cut to or repeated up to a number of documents.

Copies beyond the first get new ids and lightly varied text: one body word in four is
replaced by the word at the same place in another article. Without that, every copy would be
a near-duplicate of its original and the duplicates pass would fold the results.

>>> records = [{"id": "a", "text": "un deux trois quatre"}, {"id": "b", "text": "w x y z"}]
>>> [r["id"] for r in scaled(records, 5)]
['a', 'b', 'a~1', 'b~1', 'a~2']
>>> scaled(records, 3)[2]["text"]
'un x trois quatre'
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "orangesum.jsonl.gz"


def read_records(path: Path = CORPUS) -> list[dict]:
    """Return the JSON records of a JSON Lines file, gzip-compressed or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def scaled(records: list[dict], count: int) -> list[dict]:
    """Return count records: the first ones as they are, then varied copies with new ids."""
    return list(_scaled(records, count))


def _scaled(records: list[dict], count: int) -> Iterator[dict]:
    for number in range(count):
        copy, index = divmod(number, len(records))
        record = records[index]
        if copy:
            donor = records[(index + copy) % len(records)]
            record = dict(record, id=f"{record['id']}~{copy}", text=_vary(record, donor, copy))
            if record.get("url"):
                record["url"] = f"{record['url']}?copie={copy}"
        yield record


def _vary(record: dict, donor: dict, copy: int) -> str:
    """Return the body with one word in four taken from the donor's body, where it has one."""
    words, others = record["text"].split(" "), donor["text"].split(" ")
    for place in range(copy % 4, min(len(words), len(others)), 4):
        words[place] = others[place]
    return " ".join(words)


def write_corpus(records: list[dict], count: int, path: Path) -> Path:
    """Write count scaled records to path as gzip-compressed JSON Lines, unless already there."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as out:
        for record in _scaled(records, count):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.rename(path)
    return path
