"""Write articles into the on-disk index: check every input first, then commit in batches."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from .analysis import fold_accents
from .errors import IndexLocked, IndexMissing, InputError, InvalidInput
from .ingest import collect_files, fingerprint, read_articles
from .models import Article
from .store import create_index, open_index


@dataclass
class IndexPlan:
    """What a set of input paths holds, checked before anything is written."""

    files: list[Path]
    passed_over: list[Path]
    valid: int = 0
    errors: list[InputError] = field(default_factory=list)


@dataclass
class IndexReport:
    """What an indexing run did."""

    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[InputError] = field(default_factory=list)
    passed_over: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def check_files(paths: list[Path]) -> IndexPlan:
    """Read every input once and list the records that cannot be indexed.

    :raises UnsupportedInput: for a missing path or an unknown format.
    """
    files, passed_over = collect_files(paths)
    plan = IndexPlan(files=files, passed_over=passed_over)
    for _ in _valid_articles(files, plan.errors):
        plan.valid += 1
    return plan


def index_plan(
    index_dir: Path,
    plan: IndexPlan,
    *,
    rebuild: bool = False,
    skip_invalid: bool = False,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Add, update or keep each valid article of a checked plan, committing every batch.

    :raises InvalidInput: if the plan holds errors and skip_invalid is false; nothing is written.
    :raises IndexLocked: if another process is writing to the index.
    """
    if plan.errors and not skip_invalid:
        raise InvalidInput(plan.errors[0].path, plan.errors)
    started = time.perf_counter()
    report = IndexReport(files=len(plan.files), skipped=plan.errors, passed_over=plan.passed_over)
    ix = create_index(index_dir) if rebuild else _open_or_create(index_dir)
    with ix.searcher() as searcher:
        known = searcher.reader().column_reader("fingerprint") if searcher.doc_count() else None
        batch = _Batch(ix, batch_size)
        try:
            for article in _valid_articles(plan.files, []):
                digest = fingerprint(article)
                docnum = searcher.document_number(id=article.id) if known else None
                if docnum is not None and known[docnum] == digest:
                    report.unchanged += 1
                elif docnum is not None:
                    batch.write(article, digest, replace=True)
                    report.updated += 1
                else:
                    batch.write(article, digest, replace=False)
                    report.added += 1
                if progress:
                    progress(1)
        except BaseException:
            batch.cancel()
            raise
        batch.commit()
    report.seconds = time.perf_counter() - started
    return report


def index_files(index_dir: Path, paths: list[Path], **options) -> IndexReport:
    """Check then index the articles under paths; options are those of index_plan."""
    return index_plan(index_dir, check_files(paths), **options)


def build_index(
    index_dir: Path,
    articles: Iterable[Article],
    *,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create a fresh index in index_dir holding articles with unique ids; return their count."""
    batch = _Batch(create_index(index_dir), batch_size)
    count = 0
    try:
        for article in articles:
            batch.write(article, fingerprint(article), replace=False)
            count += 1
            if progress:
                progress(1)
    except BaseException:
        batch.cancel()
        raise
    batch.commit()
    return count


def delete_articles(index_dir: Path, ids: list[str]) -> list[str]:
    """Remove the articles with these ids and return the ids that were not in the index."""
    ix = open_index(index_dir)
    writer = _writer(ix, index_dir)
    missing = [i for i in ids if not writer.delete_by_term("id", i)]
    writer.commit()
    return missing


def _valid_articles(files: list[Path], errors: list[InputError]) -> Iterator[Article]:
    """Yield each valid article of the files, appending every problem found to errors."""
    seen: dict[str, str] = {}
    for path in files:
        for line, item in read_articles(path):
            if isinstance(item, InputError):
                errors.append(item)
            elif item.id in seen:
                errors.append(
                    InputError(
                        str(path),
                        line,
                        "id",
                        f"id {item.id!r} is already used at "
                        f"{seen[item.id]}; give each article its own id",
                    )
                )
            else:
                seen[item.id] = f"{path}, line {line}"
                yield item


class _Batch:
    """A writer that commits every batch_size documents, so a crash loses one batch at most."""

    def __init__(self, ix, batch_size: int):
        self.ix, self.batch_size, self.pending, self.writer = ix, batch_size, 0, None

    def write(self, article: Article, digest: str, replace: bool) -> None:
        if self.writer is None:
            self.writer = _writer(self.ix, self.ix.storage.folder)
        document = _document(article, digest)
        if replace:
            self.writer.update_document(**document)
        else:
            self.writer.add_document(**document)
        self.pending += 1
        if self.pending >= self.batch_size:
            self.commit()

    def commit(self) -> None:
        if self.writer is not None:
            self.writer.commit()
        self.writer, self.pending = None, 0

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
        self.writer = None


def _writer(ix, index_dir):
    try:
        return ix.writer(limitmb=256)
    except whoosh_index.LockError:
        raise IndexLocked(
            f"{index_dir}: another process is writing to this index; wait for it to finish "
            f"(or, if none is running, delete {Path(index_dir) / 'MAIN_WRITELOCK'})"
        ) from None


def _open_or_create(index_dir: Path):
    try:
        return open_index(index_dir)
    except IndexMissing:
        return create_index(index_dir)


def _document(article: Article, digest: str) -> dict:
    document = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "author": article.author,
        "source": article.source,
        "section": article.section,
        "tags": ",".join(article.tags),
        "author_label": article.author,
        "source_label": article.source,
        "section_key": fold_accents(article.section.lower()),
        "tag_keys": ",".join(fold_accents(tag.lower()) for tag in article.tags),
        "fingerprint": digest,
        "words": "\n".join((article.title, article.summary, article.body)),
    }
    if article.published is not None:
        document["published"] = article.published
        document["year"] = str(article.published.year)
    # Whoosh indexes an empty string as a term; a missing value must have none.
    return {name: value for name, value in document.items() if value != ""}
