"""The topic space beside an index: learnt from the archive, kept in step as articles come."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import sparse

from conftest import write_jsonl
from search import Archive, analyze, delete_articles, index_files, sync_folders
from search.cli import cli
from search.store import topic_fitting as fitting
from search.store import topics as topic_space
from search.store.index import open_index
from search.store.topic_files import FORMER, RECORD, read_record
from search.store.topics import TOPIC, clear_topics, load_topics, topics_stamp, update_topics
from search.store.view import load_view

SPORT = "match stade équipe buteur entraîneur supporters championnat joueur arbitre vestiaire"
MONEY = "bourse action banque taux inflation marché investisseur crédit dividende épargne"


@pytest.fixture(autouse=True)
def small_space(monkeypatch):
    """Learn topics from a few dozen articles, as the real threshold does from a thousand."""
    monkeypatch.setattr(topic_space, "MIN_ARTICLES", 20)
    monkeypatch.setattr(topic_space, "DIMENSIONS", 2)


def articles(first: int, count: int) -> list[dict]:
    """Return count articles alternating between sport and finance, drawn with a fixed seed."""
    draw = random.Random(first)
    records = []
    for n in range(first, first + count):
        pool = (SPORT if n % 2 else MONEY).split()
        records.append(
            {
                "id": f"a{n}",
                "title": " ".join(draw.sample(pool, 3)),
                "text": " ".join(draw.choices(pool, k=30)),
                "published": "2024-01-01",
            }
        )
    return records


def vector_of(space, fingerprint_of, article_id):
    """Return an article's unit vector in the topic space."""
    row = space.fingerprints.tolist().index(fingerprint_of[article_id].encode())
    return space.vectors[row].astype(np.float32)


def fingerprints(folder) -> dict[str, str]:
    """Return the fingerprint of each article of the index, by id."""
    with open_index(folder).searcher() as searcher:
        return {f["id"]: f["fingerprint"] for f in searcher.reader().all_stored_fields()}


def topic_files(folder) -> set[str]:
    """Return the names of the files the record of the topic space names."""
    record = read_record(folder)
    space = {record.space, record.space + "t", RECORD}
    return space | {record.rows_file + suffix for suffix in (".vectors", ".fingerprints")}


def view_vectors(folder) -> np.ndarray:
    """Return the topic vectors by docnum of the latest version's view, made from today's space.

    The view holds each article's row in the space's vectors; zero for an article without one.
    """
    view = load_view(folder, open_index(folder).latest_generation())
    assert view.made_from("topics", topics_stamp(folder))
    rows, space = view.arrays[TOPIC], load_topics(folder)
    vectors = np.zeros((len(rows), space.vectors.shape[1]), dtype=np.float16)
    vectors[rows >= 0] = space.vectors[rows[rows >= 0]]
    return vectors


def view_vector(folder, article_id) -> np.ndarray:
    """Return an article's topic vector in the latest version's view."""
    with open_index(folder).searcher() as searcher:
        return view_vectors(folder)[searcher.document_number(id=article_id)]


def test_article_sharing_no_word_with_a_query_is_closer_when_on_its_topic(tmp_path):
    records = articles(0, 40)
    records.append({"id": "only-match", "title": "match équipe", "text": "buteur joueur arbitre"})
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", records)])
    space = load_topics(tmp_path / "ix")
    query = space.project(Counter(analyze("stade supporters championnat vestiaire")))
    ids = fingerprints(tmp_path / "ix")
    sport = vector_of(space, ids, "only-match") @ query
    money = max(vector_of(space, ids, f"a{n}") @ query for n in range(0, 40, 2))
    assert sport > 0.5 > money


def test_articles_added_later_are_folded_in_without_fitting_again(tmp_path):
    folder = tmp_path / "in"
    write_jsonl(folder / "a.jsonl", articles(0, 40))
    first = sync_folders(tmp_path / "ix", [folder])
    assert first.topics.fitted and first.topics.articles == 40
    write_jsonl(folder / "b.jsonl", articles(40, 5))
    second = sync_folders(tmp_path / "ix", [folder])
    assert not second.topics.fitted and second.topics.folded == 5
    space = load_topics(tmp_path / "ix")
    assert space.fitted == 40 and len(space.fingerprints) == 45
    # A folded-in sport article sits with the sport articles, not with finance.
    ids = fingerprints(tmp_path / "ix")
    new_sport = vector_of(space, ids, "a41")
    assert new_sport @ vector_of(space, ids, "a1") > new_sport @ vector_of(space, ids, "a2")


def test_space_fitted_on_a_sample_places_every_article_with_its_topic(tmp_path, monkeypatch):
    monkeypatch.setattr(topic_space, "SAMPLE", 24)
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles(0, 60))])
    space = load_topics(tmp_path / "ix")
    ids = fingerprints(tmp_path / "ix")
    assert len(space.fingerprints) == 60 and space.fitted == 60
    vectors = {i: vector_of(space, ids, f"a{i}") for i in range(60)}
    for i, vector in vectors.items():
        same = np.mean([vector @ vectors[j] for j in range(i % 2, 60, 2) if j != i])
        other = np.mean([vector @ vectors[j] for j in range((i + 1) % 2, 60, 2)])
        assert same > other, f"a{i}"


def test_articles_projected_a_few_at_a_time_get_the_vectors_of_one_pass(tmp_path, monkeypatch):
    index_files(
        tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles(0, 50))], batch_size=15
    )
    whole = load_topics(tmp_path / "ix")
    monkeypatch.setattr(topic_space, "BLOCK", 7)
    clear_topics(tmp_path / "ix")
    assert update_topics(tmp_path / "ix").fitted
    blocks = load_topics(tmp_path / "ix")
    assert np.array_equal(whole.fingerprints, blocks.fingerprints)
    assert np.array_equal(whole.vectors, blocks.vectors)


def test_space_is_fitted_again_once_the_archive_has_grown_by_a_quarter(tmp_path):
    folder = tmp_path / "in"
    write_jsonl(folder / "a.jsonl", articles(0, 40))
    sync_folders(tmp_path / "ix", [folder])
    write_jsonl(folder / "b.jsonl", articles(40, 10))
    report = sync_folders(tmp_path / "ix", [folder])
    assert report.topics.fitted and load_topics(tmp_path / "ix").fitted == 50


def test_deleted_articles_rows_stay_until_they_outnumber_the_live_ones(tmp_path):
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles(0, 45))])
    ids = fingerprints(tmp_path / "ix")
    delete_articles(tmp_path / "ix", ["a0"])
    assert len(load_topics(tmp_path / "ix").fingerprints) == 45
    # The view gives a vector to each live article, none to the deleted one.
    assert view_vectors(tmp_path / "ix").any(axis=1).sum() == 44
    delete_articles(tmp_path / "ix", [f"a{n}" for n in range(1, 24)])
    # 24 rows of deleted articles, 21 live: the live rows are copied into new files.
    space = load_topics(tmp_path / "ix")
    assert sorted(space.fingerprints.tolist()) == sorted(
        ids[f"a{n}"].encode() for n in range(24, 45)
    )
    assert {p.name for p in (tmp_path / "ix").glob("fouille-topics*")} == topic_files(
        tmp_path / "ix"
    )


def test_too_few_articles_leave_no_space_and_no_file_of_it(tmp_path):
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles(0, 22))])
    delete_articles(tmp_path / "ix", ["a0", "a1", "a2"])
    assert not list((tmp_path / "ix").glob("fouille-topics*"))
    assert load_topics(tmp_path / "ix") is None


@pytest.mark.parametrize("damage", ["record", "space", "rows"])
def test_damaged_space_is_ignored_by_searches_and_fitted_again_by_the_next_update(
    tmp_path, damage
):
    records = articles(0, 40)
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", records)])
    record = read_record(tmp_path / "ix")
    damaged = {
        "record": RECORD,
        "space": record.space,
        "rows": record.rows_file + ".vectors",
    }[damage]
    (tmp_path / "ix" / damaged).write_bytes(b"not a topic space")
    assert load_topics(tmp_path / "ix") is None
    archive = Archive(tmp_path / "ix")
    try:
        # A sentence-long query, the kind the topic space serves.
        results = archive.search_articles(" ".join(SPORT.split()[:9] + MONEY.split()[:3]))
        assert results.total == 40
    finally:
        archive.close()
    assert update_topics(tmp_path / "ix").fitted
    assert len(load_topics(tmp_path / "ix").fingerprints) == 40


def test_search_takes_up_a_space_written_after_the_archive_was_opened(tmp_path):
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles(0, 40))])
    clear_topics(tmp_path / "ix")
    # A sentence-long query, mostly about sport.
    query = " ".join(SPORT.split()[:8] + MONEY.split()[:3])

    def sport_lead() -> float:
        hits = archive.search_articles(query, per_page=40).hits
        best = {n % 2: hit.score for n, hit in ((int(h.id[1:]), h) for h in reversed(hits))}
        return best[1] / best[0]

    archive = Archive(tmp_path / "ix")
    try:
        before = sport_lead()
        update_topics(tmp_path / "ix")
        after = sport_lead()
    finally:
        archive.close()
    # The sport articles' lead over the finance ones grows by their topic's closeness.
    assert after > before * 1.5


def test_index_command_says_when_it_fits_the_space_and_when_it_folds_in(tmp_path):
    write_jsonl(tmp_path / "in" / "a.jsonl", articles(0, 40))
    command = ["index", str(tmp_path / "in"), "--index", str(tmp_path / "ix")]
    first = CliRunner().invoke(cli, command)
    write_jsonl(tmp_path / "in" / "b.jsonl", articles(40, 2))
    second = CliRunner().invoke(cli, command)
    assert "Topics: fitted on 40 articles" in first.output
    assert "Topics: 2 new articles folded in" in second.output


def test_folding_in_appends_rows_and_leaves_the_basis_untouched(tmp_path):
    folder = tmp_path / "in"
    write_jsonl(folder / "a.jsonl", articles(0, 40))
    sync_folders(tmp_path / "ix", [folder])
    record = read_record(tmp_path / "ix")
    space, rows = tmp_path / "ix" / record.space, tmp_path / "ix" / record.rows_file
    before = {
        "space": (space.read_bytes(), space.stat().st_mtime_ns),
        "vectors": rows.with_suffix(".vectors").read_bytes(),
        "fingerprints": rows.with_suffix(".fingerprints").read_bytes(),
    }
    stamp = topics_stamp(tmp_path / "ix")
    write_jsonl(folder / "b.jsonl", articles(40, 5))
    assert sync_folders(tmp_path / "ix", [folder]).topics.folded == 5
    assert read_record(tmp_path / "ix") == dataclasses.replace(record, rows=45)
    assert (space.read_bytes(), space.stat().st_mtime_ns) == before["space"]
    for suffix, width in (("vectors", 2 * 2), ("fingerprints", 24)):
        grown = rows.with_suffix(f".{suffix}").read_bytes()
        assert len(grown) == len(before[suffix]) + 5 * width
        assert grown.startswith(before[suffix])
    # The view is written again: it gives the new articles their vectors.
    assert topics_stamp(tmp_path / "ix") != stamp
    assert view_vector(tmp_path / "ix", "a44").any()


def test_rows_an_interrupted_append_left_are_ignored_then_cut(tmp_path):
    folder = tmp_path / "in"
    write_jsonl(folder / "a.jsonl", articles(0, 40))
    sync_folders(tmp_path / "ix", [folder])
    expected = load_topics(tmp_path / "ix")
    expected = (expected.fingerprints.copy(), expected.vectors.copy())
    rows = tmp_path / "ix" / read_record(tmp_path / "ix").rows_file
    # A crash after writing part of a row, before the record counted it.
    for suffix in (".vectors", ".fingerprints"):
        with open(rows.with_suffix(suffix), "ab") as out:
            out.write(b"\x7f" * 7)
    space = load_topics(tmp_path / "ix")
    assert np.array_equal(space.fingerprints, expected[0])
    assert np.array_equal(space.vectors, expected[1])
    write_jsonl(folder / "b.jsonl", articles(40, 5))
    assert sync_folders(tmp_path / "ix", [folder]).topics.folded == 5
    assert rows.with_suffix(".vectors").stat().st_size == 45 * 2 * 2
    assert rows.with_suffix(".fingerprints").stat().st_size == 45 * 24
    space, ids = load_topics(tmp_path / "ix"), fingerprints(tmp_path / "ix")
    assert np.array_equal(space.vectors[:40], expected[1])
    new_sport = vector_of(space, ids, "a41")
    assert new_sport @ vector_of(space, ids, "a1") > new_sport @ vector_of(space, ids, "a2")


def test_space_of_a_former_version_is_fitted_again_and_its_file_deleted(tmp_path):
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles(0, 40))])
    clear_topics(tmp_path / "ix")
    (tmp_path / "ix" / FORMER).write_bytes(b"a topic space of an earlier version")
    archive = Archive(tmp_path / "ix")
    try:
        assert archive.search_articles(" ".join(SPORT.split()[:9])).total == 20
    finally:
        archive.close()
    assert update_topics(tmp_path / "ix").fitted
    assert not (tmp_path / "ix" / FORMER).exists()


def test_basis_is_the_one_numpys_factorizations_give():
    matrix = sparse.random(300, 500, density=0.05, random_state=1, dtype=np.float32).tocsr()
    sample = np.random.default_rng(0).standard_normal((500, 30), dtype=np.float32)
    rows, _ = np.linalg.qr(matrix @ sample)
    for _ in range(fitting.ITERATIONS):
        columns, _ = np.linalg.qr(matrix.T @ rows)
        rows, _ = np.linalg.qr(matrix @ columns)
    _, _, expected = np.linalg.svd((matrix.T @ rows).T, full_matrices=False)
    basis = fitting._randomized_basis(matrix, 30 - fitting.OVERSAMPLING)
    assert basis.dtype == np.float32
    assert np.allclose(basis, expected[:10], atol=1e-5)


def test_space_of_articles_all_alike_has_no_topics_and_is_kept(tmp_path):
    # Every stem is in every article: none tells topics apart, the space has no dimension.
    same = [{"id": f"a{n}", "title": "match", "text": SPORT} for n in range(25)]
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", same)])
    space = load_topics(tmp_path / "ix")
    assert space.vectors.shape == (25, 0)
    assert not update_topics(tmp_path / "ix").fitted
