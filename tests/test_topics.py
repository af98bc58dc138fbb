"""The topic space beside an index: learnt from the archive, kept in step as articles come."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import write_jsonl
from search import Archive, analyze, delete_articles, index_files, sync_folders
from search.cli import cli
from search.store import topics as topic_space
from search.store.index import open_index
from search.store.topics import SIDECAR, load_topics, update_topics

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
    row = space.fingerprints.tolist().index(fingerprint_of[article_id])
    return space.vectors[row].astype(np.float32)


def fingerprints(folder) -> dict[str, str]:
    """Return the fingerprint of each article of the index, by id."""
    with open_index(folder).searcher() as searcher:
        return {f["id"]: f["fingerprint"] for f in searcher.reader().all_stored_fields()}


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
    with open_index(tmp_path / "ix").searcher() as searcher:
        reader = searcher.reader()
        blocks = topic_space.fit_topics(reader, topic_space.live_fingerprints(reader))
    assert np.array_equal(whole.fingerprints, blocks.fingerprints)
    assert np.array_equal(whole.vectors, blocks.vectors)


def test_space_is_fitted_again_once_the_archive_has_grown_by_a_quarter(tmp_path):
    folder = tmp_path / "in"
    write_jsonl(folder / "a.jsonl", articles(0, 40))
    sync_folders(tmp_path / "ix", [folder])
    write_jsonl(folder / "b.jsonl", articles(40, 10))
    report = sync_folders(tmp_path / "ix", [folder])
    assert report.topics.fitted and load_topics(tmp_path / "ix").fitted == 50


def test_deleted_articles_leave_the_space_and_too_few_leave_none(tmp_path):
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", articles(0, 22))])
    delete_articles(tmp_path / "ix", ["a0"])
    assert len(load_topics(tmp_path / "ix").fingerprints) == 21
    delete_articles(tmp_path / "ix", ["a1", "a2"])
    assert not (tmp_path / "ix" / SIDECAR).exists()


def test_damaged_space_is_ignored_by_searches_and_fitted_again_by_the_next_update(tmp_path):
    records = articles(0, 40)
    index_files(tmp_path / "ix", [write_jsonl(tmp_path / "a.jsonl", records)])
    (tmp_path / "ix" / SIDECAR).write_bytes(b"not a topic space")
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
    (tmp_path / "ix" / SIDECAR).unlink()
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
    assert "Topics: 2 new article(s) folded in" in second.output
