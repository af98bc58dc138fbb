"""The view of each index version that searching processes map: faster, never needed."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from test_topics import MONEY, SPORT, small_space  # noqa: F401 (a fixture, used by name)

from conftest import write_jsonl
from search import Archive, index_files
from search.store.index import open_index
from search.store.snapshot import Snapshot
from search.store.view import POINTER, load_view

LONG_QUERY = "le buteur et son entraîneur au stade devant les supporters du championnat"


def articles() -> list[dict]:
    """Return 40 articles on two topics, every fifth one published again under another id."""
    draw = random.Random(5)
    records = []
    for n in range(40):
        pool = (SPORT if n % 2 else MONEY).split()
        records.append(
            {
                "id": f"a{n}",
                "title": " ".join(draw.sample(pool, 3)),
                "text": " ".join(draw.choices(pool, k=40)),
                "published": f"2024-01-{n % 28 + 1:02d}",
            }
        )
    copies = [dict(r, id=f"{r['id']}-bis", published="2024-02-01") for r in records[::5]]
    return records + copies


@pytest.fixture
def index_dir(tmp_path):
    folder = tmp_path / "ix"
    index_files(folder, [write_jsonl(tmp_path / "a.jsonl", articles())])
    return folder


def answers(folder) -> tuple:
    """Return what a new searching process answers: folded pages and a topic-rescored ranking."""
    archive = Archive(folder)
    pages = []
    for query in ("buteur", "banque", ""):
        results = archive.search_articles(query, per_page=50)
        pages.append([(hit.id, tuple(d.id for d in hit.duplicates)) for hit in results.hits])
    return tuple(pages), archive.rank_ids(LONG_QUERY, limit=20)


def view_file(folder):
    return folder / json.loads((folder / POINTER).read_text())["file"]


def test_index_run_writes_a_view_that_searches_map(index_dir):
    generation = open_index(index_dir).latest_generation()
    view = load_view(index_dir, generation)
    assert view is not None
    archive = Archive(index_dir)
    results = archive.search_articles("buteur", per_page=50)
    assert any(hit.duplicates for hit in results.hits)
    # The clusters and topic rows a search uses are the view's pages, not a private copy.
    searcher = archive._current()
    for array in (
        archive._copies.get(searcher, generation).group,
        archive._arrays().topics.rows,
        archive._arrays().topics.topics.vectors,
    ):
        assert not array.flags.owndata and not array.flags.writeable


def test_answers_are_the_same_with_the_view_without_it_and_with_it_damaged(index_dir):
    expected = answers(index_dir)
    assert any(dups for _, dups in expected[0][0])
    view_file(index_dir).write_bytes(b"not a view")
    assert answers(index_dir) == expected
    (index_dir / POINTER).unlink()
    assert answers(index_dir) == expected


def test_view_of_another_version_is_not_used(index_dir):
    expected = answers(index_dir)
    pointer = json.loads((index_dir / POINTER).read_text())
    pointer["generation"] -= 1
    (index_dir / POINTER).write_text(json.dumps(pointer))
    assert load_view(index_dir, pointer["generation"] + 1) is None
    assert answers(index_dir) == expected


def test_next_index_run_writes_a_missing_view_again(tmp_path, index_dir):
    (index_dir / POINTER).unlink()
    index_files(index_dir, [tmp_path / "a.jsonl"])
    assert load_view(index_dir, open_index(index_dir).latest_generation()) is not None


def test_view_made_from_an_older_record_of_duplicates_is_not_used(tmp_path, index_dir):
    expected = answers(index_dir)
    record = index_dir / "fouille-duplicates.json"
    data = json.loads(record.read_text())
    data["clusters"] = []
    record.write_text(json.dumps(data))
    pages, _ = answers(index_dir)
    assert not any(dups for page in pages for _, dups in page)
    assert pages != expected[0]


def test_view_of_another_index_at_the_same_version_is_not_used(tmp_path, index_dir):
    # Another archive, written the same way, reaches the same version number; its copies
    # stand at other document numbers.
    others = [dict(r, id=f"autre-{r['id']}") for r in reversed(articles())]
    other_dir = tmp_path / "other"
    index_files(other_dir, [write_jsonl(tmp_path / "b.jsonl", others)])
    expected = answers(other_dir)
    pointer = json.loads((index_dir / POINTER).read_text())
    assert pointer["generation"] == open_index(other_dir).latest_generation()
    # Its view moved in, stamped with this archive's own record and space: only the segments
    # it was made for tell it apart.
    own = json.loads((other_dir / POINTER).read_text())["stamps"]
    pointer["stamps"] |= {"duplicates": own["duplicates"], "topics": own["topics"]}
    for suffix in ("", "t"):
        name = pointer["file"] + suffix
        (other_dir / name).write_bytes((index_dir / name).read_bytes())
    (other_dir / POINTER).write_text(json.dumps(pointer))
    assert answers(other_dir) == expected


def test_a_search_maps_lengths_facets_and_dates_from_the_view(sample_dir):
    # Every worker reads the same pages instead of making its own copy per article.
    archive = Archive(sample_dir)
    searcher = archive._current()
    mapped = archive._arrays()
    made = Snapshot(searcher)
    assert not mapped.published.flags.owndata
    assert np.array_equal(mapped.published, made.published)
    for name, lengths in made.lengths.items():
        assert np.array_equal(mapped.lengths[name], lengths)
    for name, labels in made.labels.items():
        assert mapped.labels[name].names == labels.names
        assert np.array_equal(mapped.labels[name].codes, labels.codes)
    assert mapped.tags.names == made.tags.names and len(made.tags.names) > 1
    assert np.array_equal(mapped.tags.owners, made.tags.owners)
    # How distinct the titles are is read, not worked out again on the first query.
    assert "distinct_titles" in mapped.__dict__
    assert mapped.distinct_titles == made.distinct_titles > 0
