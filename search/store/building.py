"""Write a batch of articles as one segment: analysed once, inverted with numpy.

Each article's fields are analysed into term ids and positions appended to flat lists; the
lists are then sorted by term (in byte order, as Whoosh sorts terms), document and position
with one stable ``argsort`` a field, and cut into runs (``arrays.pack_runs``). Long text fields
go through the French analyzer's word cache (``index_terms``); short ones (names, labels,
ids, dates) through Whoosh's own field analysis, remembered by value since they repeat.
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

from ..analysis.french import fold_accents, index_terms, vocabulary_words, written_forms
from ..models import Article
from . import duplicates
from .arrays import pack_runs, strings, write_arrays
from .codec import FouilleSegment
from .schema import build_schema
from .segment import FORMAT, NO_DATE, timestamp

# Whoosh's length byte for each length: lengths are stored as Whoosh stores them, so that
# BM25F's length normalisation (and every score) is the same as with Whoosh's own writer.
_LENGTH_BYTES = np.array([length_to_byte(n) for n in range(1 << 17)], dtype=np.uint8)
LABELS = ("section", "author_label", "source_label", "year")
# Fields analysed by fast paths; every other indexed field by Whoosh's field.index().
TEXT = ("title", "summary", "body")


@dataclass
class _FieldPostings:
    """One field's postings in a batch, token by token, in document order."""

    vocabulary: dict[str, int]
    terms: list[int]
    docs: list[int]
    positions: list[int] | None
    lengths: list[int] | None


def build_segment(
    folder: Path, indexname: str, documents: Sequence[tuple[Article, str]]
) -> FouilleSegment:
    """Write the articles (with their fingerprints) as a new segment in folder; return it."""
    schema = build_schema()
    segment = FouilleSegment(indexname, len(documents))
    postings = {
        name: _FieldPostings(
            {},
            [],
            [],
            [] if field.format.supports("positions") else None,
            [] if field.scorable else None,
        )
        for name, field in schema.items()
        if field.indexed
    }
    for docnum, (article, digest) in enumerate(documents):
        for name, (terms, positions) in _analysed(article, digest).items():
            _append(postings[name], docnum, terms, positions)
    arrays: dict[str, np.ndarray] = {}
    fields_meta = {}
    for name, found in postings.items():
        field = schema[name]
        fields_meta[name] = _field_arrays(
            arrays, name, found, len(documents), field.format.supports("frequency")
        )
    arrays.update(_columns(documents))
    arrays.update(_stored(documents))
    meta = {"format": FORMAT, "docs": len(documents), "fields": fields_meta}
    write_arrays(segment.data_path(folder), arrays, meta)
    return segment


def _analysed(article: Article, digest: str) -> dict[str, tuple[list, list | None]]:
    """Return each indexed field's terms (and positions, where kept) for one article."""
    found = {name: index_terms(getattr(article, name)) for name in TEXT}
    forms = written_forms(f"{article.title}\n{article.summary}\n{article.body}")
    found["forms"] = (list(dict.fromkeys(forms)), None)
    found["words"] = (vocabulary_words(f"{article.title}\n{article.summary}"), None)
    found["id"] = ([article.id], None)
    found["fingerprint"] = ([digest], None)
    tags = ",".join(article.tags)
    small = {
        "author": article.author,
        "source": article.source,
        "section": article.section,
        "tags": tags,
        "author_label": article.author,
        "source_label": article.source,
        "section_key": fold_accents(article.section.lower()),
        "tag_keys": ",".join(fold_accents(tag.lower()) for tag in article.tags),
        "year": str(article.published.year) if article.published else "",
    }
    for name, value in small.items():
        if value:
            found[name] = _small_field(name, value)
    if article.published is not None:
        found["published"] = _small_field("published", article.published)
    return found


@lru_cache(maxsize=100_000)
def _small_field(name: str, value) -> tuple[list[str], list[int] | None]:
    """Return the terms (and positions) Whoosh's own analysis gives a short value."""
    field = _SCHEMA[name]
    terms, positions = [], []
    keeps_positions = field.format.supports("positions")
    for term, frequency, _, encoded in field.index(value):
        # Dates are indexed as binary terms: kept byte for byte through the text.
        text = term.decode("utf-8", "surrogateescape")
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


def _append(found: _FieldPostings, docnum: int, terms: list, positions: list | None) -> None:
    vocabulary = found.vocabulary
    ids = [vocabulary.setdefault(term, len(vocabulary)) for term in terms]
    found.terms.extend(ids)
    found.docs.extend([docnum] * len(ids))
    if found.positions is not None:
        found.positions.extend(positions)
    if found.lengths is not None:
        found.lengths.append((docnum, len(ids)))


def _field_arrays(
    arrays: dict, name: str, found: _FieldPostings, doc_count: int, frequencies: bool
) -> dict:
    """Add one field's arrays; return what the segment's table says of the field."""
    vocabulary = sorted(found.vocabulary, key=_encoded)
    rank = np.empty(len(vocabulary), dtype=np.int64)
    rank[[found.vocabulary[term] for term in vocabulary]] = np.arange(len(vocabulary))
    terms = rank[np.asarray(found.terms, dtype=np.int64)]
    docs = np.asarray(found.docs, dtype=np.int64)
    order = np.argsort(terms, kind="stable")
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
    meta = {"freqs": frequencies, "positions": found.positions is not None}
    if found.positions is not None:
        positions = np.asarray(found.positions, dtype=np.int64)[order]
        add_runs(arrays, f"{name}.pos", pack_runs(positions, cf, True, posting_starts))
    if found.lengths is not None:
        lengths = np.zeros(doc_count, dtype=np.int64)
        for docnum, length in found.lengths:
            lengths[docnum] += length
        meta["length"] = add_lengths(arrays, name, lengths)
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
    return term.encode("utf-8", "surrogateescape")


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
    signatures = [duplicates.signature(a.body or a.summary) for a in articles]
    columns["col.signed"] = np.array([s is not None for s in signatures], dtype=np.uint8)
    columns["col.minhash"] = np.array(
        [s if s is not None else _UNSIGNED for s in signatures], dtype=np.uint16
    ).reshape(len(articles), duplicates.PERMUTATIONS)
    return columns


_UNSIGNED = np.zeros(duplicates.PERMUTATIONS, dtype=np.uint16)


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
