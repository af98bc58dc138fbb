"""Write a batch of articles as one segment: analysed once, inverted with numpy.

The title, lead and text are cut into words, numbered through the process's ``Lexicon`` (a
word is analysed the first time it is met) and turned into tokens with numpy; short fields
(names, labels, ids, dates) go through Whoosh's own field analysis, remembered by value since
they repeat. Each field's tokens are then sorted by term (in byte order, as Whoosh sorts
terms), document and position with one stable ``argsort`` and cut into runs
(``arrays.pack_runs``).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from whoosh.util.numeric import length_to_byte

from ..analysis.french import fold_accents, words
from ..models import Article
from . import duplicates
from .arrays import pack_runs, strings, write_arrays
from .codec import FouilleSegment
from .lexicon import Lexicon, Terms
from .schema import build_schema
from .segment import FORMAT, NO_DATE, timestamp

# Whoosh's length byte for each length: lengths are stored as Whoosh stores them, so that
# BM25F's length normalisation (and every score) is the same as with Whoosh's own writer.
_LENGTH_BYTES = np.array([length_to_byte(n) for n in range(1 << 17)], dtype=np.uint8)
LABELS = ("section", "author_label", "source_label", "year")
TEXT = ("title", "summary", "body")
# Fields of a few words (``_short_values`` gives their values): those whose value is their one
# term, and those Whoosh's own analysis cuts (names, comma-separated tags).
_WHOLE = ("id", "fingerprint", "section", "author_label", "source_label", "section_key", "year")
_ANALYSED = ("author", "source", "tags", "tag_keys")
_SHORT = _WHOLE + _ANALYSED
# Fields whose terms are also kept by document (the associated words of a topic come from them).
FORWARD = ("words",)


@dataclass
class Tokens:
    """A field's tokens in a batch: term numbers (in terms), documents, positions if kept."""

    terms: list[str]
    numbers: np.ndarray
    docs: np.ndarray
    positions: np.ndarray | None = None


def build_segment(
    folder: Path, indexname: str, documents: Sequence[tuple[Article, str]]
) -> FouilleSegment:
    """Write the articles (with their fingerprints) as a new segment in folder; return it."""
    segment = FouilleSegment(indexname, len(documents))
    articles = [article for article, _ in documents]
    found, signatures, signed = _word_fields(articles)
    found |= _short_fields(documents)
    arrays: dict[str, np.ndarray] = {}
    fields_meta = {}
    for name, field in _SCHEMA.items():
        if field.indexed:
            tokens = found.get(name) or Tokens([], np.zeros(0, np.int64), np.zeros(0, np.int64))
            fields_meta[name] = _field_arrays(arrays, name, tokens, len(documents), field)
    arrays.update(_columns(documents))
    arrays["col.minhash"], arrays["col.signed"] = signatures, signed.astype(np.uint8)
    arrays.update(_stored(documents))
    meta = {"format": FORMAT, "docs": len(documents), "fields": fields_meta}
    write_arrays(segment.data_path(folder), arrays, meta)
    return segment


def _word_fields(articles: list[Article]) -> tuple[dict[str, Tokens], np.ndarray, np.ndarray]:
    """Return the tokens of the title, lead and text, of the written forms and of the words.

    Also return each article's MinHash signature (of its text, else of its lead), and whether
    it has one (``duplicates.py``).
    """
    _LEXICON.start_batch()
    numbered = {name: _LEXICON.number(words(getattr(a, name)) for a in articles) for name in TEXT}
    found = {}
    for name, (numbers, counts) in numbered.items():
        terms, docs, positions = _LEXICON.stem_tokens(numbers, counts)
        found[name] = Tokens(_LEXICON.stems.terms, terms, docs, positions)
    texts = {
        name: np.repeat(np.arange(len(articles)), counts) for name, (_, counts) in numbered.items()
    }
    every = np.concatenate([numbered[name][0] for name in TEXT])
    owners = np.concatenate([texts[name] for name in TEXT])
    terms, docs = _LEXICON.form_tokens(every, owners)
    found["forms"] = Tokens(_LEXICON.forms.terms, terms, docs)
    heading = ("title", "summary")
    terms, docs = _LEXICON.vocabulary_tokens(
        np.concatenate([numbered[n][0] for n in heading]),
        np.concatenate([texts[n] for n in heading]),
    )
    found["words"] = Tokens(_LEXICON.vocabulary.terms, terms, docs)
    # The text, else the lead: split each field's numbers by article and choose.
    parts = {
        name: np.split(numbered[name][0], np.cumsum(numbered[name][1])[:-1])
        for name in ("summary", "body")
    }
    chosen = [parts["body" if a.body else "summary"][i] for i, a in enumerate(articles)]
    hashes, counts = _LEXICON.shingle_words(
        np.concatenate(chosen) if chosen else np.zeros(0, np.int64),
        np.fromiter(map(len, chosen), dtype=np.int64, count=len(chosen)),
    )
    signatures, signed = duplicates.signatures(hashes, counts)
    return found, signatures, signed


def _short_fields(documents: Sequence[tuple[Article, str]]) -> dict[str, Tokens]:
    """Return the tokens of the fields of a few words: names, labels, keys, ids, dates."""
    tables = {name: Terms() for name in _SHORT}
    numbers = {name: [] for name in _SHORT}
    docs = {name: [] for name in _SHORT}
    positions = {name: [] for name in _SHORT}
    for docnum, (article, digest) in enumerate(documents):
        for name, value in _short_values(article, digest).items():
            if value == "":
                continue
            terms, places = ([value], None) if name in _WHOLE else _short_field(name, value)
            number = tables[name].number
            numbers[name].extend(number(term) for term in terms)
            docs[name].extend([docnum] * len(terms))
            if places is not None:
                positions[name].extend(places)
    return {
        name: Tokens(
            tables[name].terms,
            np.asarray(numbers[name], dtype=np.int64),
            np.asarray(docs[name], dtype=np.int64),
            np.asarray(positions[name], dtype=np.int64)
            if _SCHEMA[name].format.supports("positions")
            else None,
        )
        for name in _SHORT
    }


def _short_values(article: Article, digest: str) -> dict:
    return {
        "id": article.id,
        "fingerprint": digest,
        "author": article.author,
        "source": article.source,
        "section": article.section,
        "tags": ",".join(article.tags),
        "author_label": article.author,
        "source_label": article.source,
        "section_key": fold_accents(article.section.lower()),
        "tag_keys": ",".join(fold_accents(tag.lower()) for tag in article.tags),
        "year": str(article.published.year) if article.published else "",
    }


@lru_cache(maxsize=100_000)
def _short_field(name: str, value) -> tuple[list[str], list[int] | None]:
    """Return the terms (and positions) Whoosh's own analysis gives a short value."""
    field = _SCHEMA[name]
    terms, positions = [], []
    keeps_positions = field.format.supports("positions")
    for term, frequency, _, encoded in field.index(value):
        text = term.decode("utf-8")
        if keeps_positions:
            for position in field.format.decode_positions(encoded):
                terms.append(text)
                positions.append(position)
        else:
            terms.extend([text] * frequency)
    if keeps_positions:
        order = np.argsort(positions, kind="stable")
        return [terms[i] for i in order], [positions[i] for i in order]
    return terms, None


def _field_arrays(arrays: dict, name: str, tokens: Tokens, doc_count: int, field) -> dict:
    """Add one field's arrays; return what the segment's table says of the field.

    Publication dates are a column only: no query looks them up as terms.
    """
    frequencies = field.format.supports("frequency")
    used, rank = np.unique(tokens.numbers, return_inverse=True)
    vocabulary = [tokens.terms[number] for number in used.tolist()]
    by_bytes = sorted(range(len(vocabulary)), key=lambda i: _encoded(vocabulary[i]))
    order_of = np.empty(len(vocabulary), dtype=np.int64)
    order_of[by_bytes] = np.arange(len(vocabulary))
    terms = order_of[rank] if len(rank) else rank.astype(np.int64)
    vocabulary = [vocabulary[i] for i in by_bytes]
    docs = tokens.docs
    # By term, then document; stable, so that a document's positions stay in order.
    order = np.argsort(terms * max(doc_count, 1) + docs, kind="stable")
    terms, docs = terms[order], docs[order]
    # A posting per (term, document); tokens of one posting are adjacent after the sort.
    new_posting = np.r_[True, (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1])][: len(terms)]
    posting_starts = np.flatnonzero(new_posting)
    freqs = np.diff(np.r_[posting_starts, len(terms)])
    posting_terms, posting_docs = terms[posting_starts], docs[posting_starts]
    df = np.bincount(posting_terms, minlength=len(vocabulary))
    cf = np.bincount(terms, minlength=len(vocabulary)) if frequencies else df
    add_terms(arrays, name, [_encoded(term) for term in vocabulary])
    arrays[f"{name}.df"] = df.astype(np.uint32)
    arrays[f"{name}.cf"] = cf.astype(np.uint32)
    add_runs(arrays, f"{name}.docs", pack_runs(posting_docs, df, deltas=True))
    if frequencies:
        add_runs(arrays, f"{name}.freqs", pack_runs(freqs, df, deltas=False))
    meta = {"freqs": frequencies, "positions": tokens.positions is not None}
    if tokens.positions is not None:
        positions = tokens.positions[order]
        add_runs(arrays, f"{name}.pos", pack_runs(positions, cf, True, posting_starts))
    if field.scorable:
        meta["length"] = add_lengths(arrays, name, np.bincount(docs, minlength=doc_count))
    if name in FORWARD:
        # Each document's terms (ranks, ascending): what a set of articles holds, at once.
        by_doc = np.lexsort((posting_terms, posting_docs))
        arrays[f"{name}.fwd.starts"] = np.r_[
            0, np.cumsum(np.bincount(posting_docs, minlength=doc_count))
        ].astype(np.uint64)
        arrays[f"{name}.fwd.terms"] = posting_terms[by_doc].astype(np.uint32)
        meta["forward"] = True
    return meta


def add_lengths(arrays: dict, name: str, lengths: np.ndarray) -> dict:
    """Add a field's lengths (exact, and as Whoosh's byte); return their total, min and max."""
    arrays[f"{name}.exact"] = lengths.astype(np.uint32)
    arrays[f"{name}.lengths"] = _LENGTH_BYTES[np.minimum(lengths, len(_LENGTH_BYTES) - 1)]
    return {
        "total": int(lengths.sum()),
        "min": int(lengths.min()) if len(lengths) else 0,
        "max": int(lengths.max()) if len(lengths) else 0,
    }


def add_terms(arrays, name: str, encoded: list[bytes]) -> None:
    """Add a field's sorted terms, and the table of their CRC-32 that finds them."""
    arrays[f"{name}.terms"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    arrays[f"{name}.term_ends"] = np.cumsum([len(e) for e in encoded], dtype=np.uint64)
    hashes = np.fromiter(map(zlib.crc32, encoded), dtype=np.uint32, count=len(encoded))
    order = np.argsort(hashes, kind="stable")
    arrays[f"{name}.hashes"] = hashes[order]
    arrays[f"{name}.hash_order"] = order.astype(np.uint32)


def _encoded(term: str) -> bytes:
    return term.encode("utf-8")


def add_runs(arrays: dict, prefix: str, runs) -> None:
    """Add packed runs under prefix."""
    arrays[f"{prefix}.data"] = runs.data
    arrays[f"{prefix}.starts"] = runs.starts
    arrays[f"{prefix}.widths"] = runs.widths


def _columns(documents: Sequence[tuple[Article, str]]) -> dict[str, np.ndarray]:
    """Return the per-document columns: labels, tags, dates, ids, fingerprints, signatures."""
    articles = [article for article, _ in documents]
    columns = {}
    values = {
        "section": [a.section for a in articles],
        "author_label": [a.author for a in articles],
        "source_label": [a.source for a in articles],
        "year": [str(a.published.year) if a.published else "" for a in articles],
    }
    for name in LABELS:
        names = sorted({v for v in values[name] if v})
        code = {label: number for number, label in enumerate(names)}
        columns[f"col.{name}.codes"] = np.array(
            [code.get(v, -1) for v in values[name]], dtype=np.int32
        )
        add_names(columns, f"col.{name}", names)
    tag_names = sorted({tag for a in articles for tag in a.tags})
    tag_code = {tag: number for number, tag in enumerate(tag_names)}
    counts = [len(a.tags) for a in articles]
    columns["col.tags.starts"] = np.concatenate([[0], np.cumsum(counts)]).astype(np.uint64)
    columns["col.tags.codes"] = np.array(
        [tag_code[tag] for a in articles for tag in a.tags], dtype=np.int32
    )
    add_names(columns, "col.tags", tag_names)
    columns["col.published"] = np.array(
        [timestamp(a.published) if a.published else NO_DATE for a in articles], dtype=np.int64
    )
    columns["col.id"], columns["col.id_ends"] = strings([a.id for a in articles])
    columns["col.fingerprint"], columns["col.fingerprint_ends"] = strings(
        [digest for _, digest in documents]
    )
    return columns


def add_names(columns: dict, prefix: str, names: list[str]) -> None:
    """Add a column's label names."""
    columns[f"{prefix}.names"], columns[f"{prefix}.name_ends"] = strings(names)


def _stored(documents: Sequence[tuple[Article, str]]) -> dict[str, np.ndarray]:
    """Return each article's stored fields, compressed one by one, end to end."""
    packed = [zlib.compress(_stored_json(a, digest).encode("utf-8"), 1) for a, digest in documents]
    return {
        "stored.data": np.frombuffer(b"".join(packed), dtype=np.uint8),
        "stored.ends": np.cumsum([len(p) for p in packed], dtype=np.uint64),
    }


def _stored_json(article: Article, digest: str) -> str:
    fields = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "author": article.author,
        "source": article.source,
        "section": article.section,
        "tags": ",".join(article.tags),
        "fingerprint": digest,
    }
    # Whoosh stores no empty value: an absent field reads as missing, as before.
    stored = {name: value for name, value in fields.items() if value != ""}
    if article.published is not None:
        stored["published"] = article.published.isoformat()
    return json.dumps(stored, ensure_ascii=False)


_SCHEMA = build_schema()
_LEXICON = Lexicon()
