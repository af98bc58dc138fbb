"""Duplicates: one dispatch published twice is found, recorded beside the index and folded."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import write_jsonl
from search import (
    Archive,
    DuplicatesUnreadable,
    build_index,
    delete_articles,
    index_files,
    update_duplicates,
)
from search.cli import cli
from search.ingest import read_articles
from search.store.clustering import SIDECAR, load_clusters
from search.store.duplicates import THRESHOLD, clusters, signature, similarity
from web import create_app

PARAGRAPHS = [
    "Le pont suspendu de Saint-Aubin-sur-Loire a rouvert lundi matin à la circulation après "
    "dix-huit mois de travaux, a annoncé la préfecture dans un communiqué publié dimanche soir.",
    "Fermé en janvier de l'année dernière après la découverte de fissures sur deux de ses "
    "piles, l'ouvrage construit en 1932 voit passer chaque jour près de douze mille véhicules.",
    "Les travaux ont coûté 14 millions d'euros, financés pour moitié par le département, pour "
    "un quart par la région et pour le reste par l'État au titre du plan de relance.",
    "Les câbles porteurs ont été entièrement remplacés et le tablier renforcé par des poutres "
    "en acier, selon le maître d'ouvrage, qui promet un pont sûr pour les cinquante ans à venir.",
    "Pendant la fermeture, les habitants de la rive gauche devaient faire un détour de "
    "vingt kilomètres par le pont de Montbrison, ce qui allongeait chaque trajet d'une heure.",
    "Les commerçants du centre-ville disent avoir perdu jusqu'à un tiers de leur chiffre "
    "d'affaires, et une association réclame une indemnisation que la mairie juge hors de portée.",
    "La vitesse sera limitée à trente kilomètres à l'heure sur l'ouvrage, et les poids lourds "
    "de plus de dix-neuf tonnes resteront interdits jusqu'à la fin des essais de charge en mai.",
    "Une piste cyclable à double sens a été aménagée du côté aval, une demande ancienne des "
    "associations d'usagers qui avaient manifesté à plusieurs reprises devant la préfecture.",
    "Le maire a salué « une délivrance » pour sa commune et remercié les ouvriers, qui ont "
    "travaillé de nuit pendant les derniers mois pour tenir le calendrier annoncé à l'automne.",
    "Une cérémonie d'inauguration est prévue samedi en présence du préfet et du président du "
    "conseil départemental, avec un concert sur les berges et un feu d'artifice à la nuit tombée.",
]
REWRITTEN = (
    "Selon la chambre de commerce, une quarantaine de boutiques ont fermé pendant les travaux, "
    "et les élus de l'opposition demandent un fonds d'aide que le maire refuse pour l'instant."
)
DISPATCH = "\n".join(PARAGRAPHS)
UPDATED = "\n".join(PARAGRAPHS[:5] + [REWRITTEN] + PARAGRAPHS[6:])


def daily(figures: tuple[int, int, int], place: str) -> str:
    deaths, cases, beds = figures
    return (
        f"La pandémie a fait au moins {deaths} morts dans le monde, selon un bilan établi ce "
        f"jour à partir de sources officielles. Plus de {cases} cas ont été recensés depuis le "
        f"début de l'épidémie. En France, {beds} patients sont hospitalisés en réanimation. "
        f"À {place}, les autorités ont annoncé de nouvelles mesures pour freiner la circulation "
        f"du virus, dont la fermeture des bars à 22 heures et l'extension du port du masque."
    )


ARTICLES = [
    {
        "id": "pont-1",
        "title": "Le pont de Saint-Aubin rouvre après dix-huit mois de travaux",
        "text": DISPATCH,
        "published": "2021-03-01T08:00:00",
    },
    {
        "id": "pont-2",
        "title": "Saint-Aubin : la circulation rétablie sur le pont suspendu",
        "text": UPDATED,
        "published": "2021-03-01T11:30:00",
    },
    {
        "id": "pont-3",
        "title": "Le pont de Saint-Aubin rouvre après dix-huit mois de travaux",
        "text": DISPATCH,
        "published": "2022-03-01T09:00:00",
    },
    {
        "id": "point-1",
        "title": "Coronavirus : le point sur la pandémie",
        "text": daily((1_012_345, 34_567_890, 4_321), "Marseille"),
        "published": "2020-09-28T19:00:00",
    },
    {
        "id": "point-2",
        "title": "Coronavirus : le point sur la pandémie",
        "text": daily((1_018_771, 34_912_006, 4_479), "Bordeaux"),
        "published": "2020-09-29T19:00:00",
    },
    {
        "id": "breve-1",
        "title": "Travaux sur le pont de Montbrison",
        "text": "Le pont de Montbrison sera fermé une nuit.",
        "published": "2021-04-01",
    },
    {
        "id": "breve-2",
        "title": "Fermeture nocturne à Montbrison",
        "text": "Le pont de Montbrison sera fermé une nuit.",
        "published": "2021-04-02",
    },
]


@pytest.fixture
def index_dir(tmp_path) -> Path:
    folder = tmp_path / "index"
    index_files(folder, [write_jsonl(tmp_path / "articles.jsonl", ARTICLES)])
    return folder


@pytest.fixture
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True}).test_client()


def groups(index_dir: Path) -> tuple[tuple[str, ...], ...]:
    return load_clusters(index_dir).groups


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def api(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_json()


# Finding duplicates


def test_identical_bodies_have_identical_signatures():
    assert (signature(DISPATCH) == signature(DISPATCH.upper().replace("\n", " "))).all()


def test_dispatch_with_one_paragraph_rewritten_is_similar_enough():
    assert similarity(signature(DISPATCH), signature(UPDATED)) >= THRESHOLD


def test_daily_recurring_article_is_not_similar_enough():
    first, second = ARTICLES[3]["text"], ARTICLES[4]["text"]
    assert similarity(signature(first), signature(second)) < THRESHOLD


def test_short_text_has_no_signature():
    assert signature("Le pont de Montbrison sera fermé une nuit.") is None


def test_exact_and_near_duplicates_form_one_cluster_earliest_first(index_dir):
    # Not the daily recurring articles (same title, new text), nor the identical short briefs.
    assert groups(index_dir) == (("pont-1", "pont-2", "pont-3"),)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ({"a": (0, "2021-03-02"), "b": (0, "2021-03-01")}, ("b", "a")),
        ({"a": (0, "2021-03-01"), "b": (0, "2021-03-01")}, ("a", "b")),
        ({"a": (1, ""), "b": (0, "2021-03-01")}, ("b", "a")),
    ],
    ids=["earliest", "tie-smallest-id", "undated-last"],
)
def test_canonical_is_the_earliest_then_the_smallest_id(order, expected):
    assert clusters([("a", "b")], order) == [expected]


# The record beside the index


def test_update_is_idempotent_and_writes_nothing_when_nothing_changed(index_dir):
    before = (index_dir / SIDECAR).read_bytes()
    report = update_duplicates(index_dir)
    assert (report.articles, report.signed, report.dropped) == (7, 0, 0)
    assert (report.clusters, report.clustered) == (1, 3)
    assert (index_dir / SIDECAR).read_bytes() == before


def test_deleted_article_is_dropped_from_the_record(index_dir):
    delete_articles(index_dir, ["pont-1"])
    record = json.loads((index_dir / SIDECAR).read_text("utf-8"))
    assert "pont-1" not in record["articles"]
    assert groups(index_dir) == (("pont-2", "pont-3"),)


def test_changed_article_is_compared_again(tmp_path, index_dir):
    rewritten = dict(ARTICLES[1], text=daily((1_020_000, 35_000_000, 4_500), "Lille"))
    report = index_files(index_dir, [write_jsonl(tmp_path / "new.jsonl", [rewritten])])
    assert (report.duplicates.signed, report.duplicates.dropped) == (1, 1)
    assert groups(index_dir) == (("pont-1", "pont-3"),)


def test_index_written_without_a_record_is_reconciled(tmp_path):
    articles = [a for _, a in read_articles(write_jsonl(tmp_path / "a.jsonl", ARTICLES))]
    build_index(tmp_path / "index", articles)
    assert not (tmp_path / "index" / SIDECAR).exists()
    assert update_duplicates(tmp_path / "index").signed == 7
    assert groups(tmp_path / "index") == (("pont-1", "pont-2", "pont-3"),)


def test_record_made_with_other_settings_is_remade(index_dir):
    record = json.loads((index_dir / SIDECAR).read_text("utf-8"))
    record["method"]["threshold"] = 0.5
    (index_dir / SIDECAR).write_text(json.dumps(record), "utf-8")
    assert update_duplicates(index_dir).signed == 7


@pytest.mark.parametrize("content", ["{pas du json", "[]", '{"format": 9}'])
def test_unreadable_record_is_refused_with_what_to_do(index_dir, content):
    (index_dir / SIDECAR).write_text(content, "utf-8")
    for action in (
        lambda: update_duplicates(index_dir),
        lambda: Archive(index_dir).search_articles("pont"),
    ):
        with pytest.raises(DuplicatesUnreadable, match="cannot read the record of dup") as e:
            action()
        assert "delete it" in str(e.value) and "fouille index --rebuild" in str(e.value)


def test_malformed_signature_is_refused_when_clustering_needs_it(index_dir):
    record = json.loads((index_dir / SIDECAR).read_text("utf-8"))
    record["articles"]["pont-1"][2] = "AAA="
    (index_dir / SIDECAR).write_text(json.dumps(record), "utf-8")
    # Nothing changed: clusters are not recomputed and signatures not read.
    assert update_duplicates(index_dir).signed == 0
    with pytest.raises(DuplicatesUnreadable, match="delete it"):
        delete_articles(index_dir, ["point-1"])


def test_site_says_which_file_to_delete_when_the_record_is_unreadable(index_dir, client):
    (index_dir / SIDECAR).write_text("[]", "utf-8")
    response = client.get("/api/search?q=pont")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "duplicates_unreadable"
    assert "fouille-duplicates.json" in error["message"] and "Supprimez-le" in error["message"]


def test_rebuild_starts_a_new_record(tmp_path, index_dir):
    (index_dir / SIDECAR).write_text("{pas du json", "utf-8")
    index_files(index_dir, [write_jsonl(tmp_path / "a.jsonl", ARTICLES)], rebuild=True)
    assert groups(index_dir) == (("pont-1", "pont-2", "pont-3"),)


# Result lists


def test_results_fold_duplicates_into_the_best_ranked_with_n_reprises(client):
    soup = page(client, "/recherche?q=pont+suspendu&tri=ancien")
    hits = soup.select("ol.hits > li.hit")
    assert [hit.h2.a["href"].split("?")[0] for hit in hits] == [
        "/article/pont-1",
        "/article/breve-1",
        "/article/breve-2",
    ]
    assert soup.h1.get_text(" ", strip=True).startswith("3 résultats")
    reprises = hits[0].select_one("details.reprises")
    assert reprises.summary.get_text(strip=True) == "2 reprises"
    assert [a["href"].split("?")[0] for a in reprises.select("li a")] == [
        "/article/pont-2",
        "/article/pont-3",
    ]
    assert [a.get_text(strip=True) for a in reprises.select("li a")] == [
        ARTICLES[1]["title"],
        ARTICLES[2]["title"],
    ]
    assert hits[1].select_one("details.reprises") is None
    notice = soup.select_one("p.notice.folded")
    assert notice.a["href"] == "/recherche?q=pont+suspendu&tri=ancien&doublons=afficher"


def test_doublons_afficher_lists_every_duplicate(client):
    soup = page(client, "/recherche?q=pont+suspendu&tri=ancien&doublons=afficher")
    assert [hit.h2.a["href"].split("?")[0] for hit in soup.select("ol.hits > li.hit")] == [
        "/article/pont-1",
        "/article/pont-2",
        "/article/breve-1",
        "/article/breve-2",
        "/article/pont-3",
    ]
    assert soup.select("details.reprises") == []
    assert soup.select_one("p.notice.folded a")["href"] == "/recherche?q=pont+suspendu&tri=ancien"


def test_api_hit_lists_its_duplicates(client):
    body = api(client, "/api/search?q=pont+suspendu&tri=recent")
    assert (body["total"], body["folded"]) == (3, 2)
    first = body["hits"][0]
    assert (first["id"], first["duplicates"]) == (
        "pont-3",
        [
            {"id": "pont-1", "title": ARTICLES[0]["title"], "published": "2021-03-01T08:00:00"},
            {"id": "pont-2", "title": ARTICLES[1]["title"], "published": "2021-03-01T11:30:00"},
        ],
    )
    shown = api(client, "/api/search?q=pont+suspendu&tri=recent&doublons=afficher")
    assert (shown["total"], shown["folded"]) == (5, 0)
    assert all(hit["duplicates"] == [] for hit in shown["hits"])


@pytest.mark.parametrize(
    ("article", "reprises"),
    [
        ("pont-1", ["pont-2", "pont-3"]),
        ("pont-2", ["pont-1", "pont-3"]),
        ("pont-3", ["pont-1", "pont-2"]),
    ],
)
def test_article_page_lists_its_reprises_as_the_result_list_does(client, article, reprises):
    [hit] = [
        h
        for h in api(client, "/api/search?q=pont+suspendu&tri=recent")["hits"]
        if h["id"] == "pont-3"
    ]
    assert [d["id"] for d in hit["duplicates"]] == ["pont-1", "pont-2"]
    section = page(client, f"/article/{article}?q=pont").select_one("section.reprises-list")
    assert section.h2.get_text(strip=True) == "2 reprises"
    links = section.select("li a")
    # Canonical (earliest) first, each link keeping the search it was reached from.
    assert [a["href"] for a in links] == [f"/article/{i}?q=pont" for i in reprises]
    titles = {a["id"]: a["title"] for a in ARTICLES}
    assert [a.get_text(strip=True) for a in links] == [titles[i] for i in reprises]


def test_article_without_reprises_lists_none(client):
    assert page(client, "/article/point-1").select_one("section.reprises-list") is None


def test_only_matching_duplicates_are_folded_from_the_count(client):
    body = api(client, "/api/search?q=pont+suspendu&annee=2021")
    assert (body["total"], body["folded"]) == (3, 1)
    [folded] = [hit for hit in body["hits"] if hit["duplicates"]]
    # The reprise outside the filter is still linked: it is the same text.
    assert {d["id"] for d in folded["duplicates"]} | {folded["id"]} == {
        "pont-1",
        "pont-2",
        "pont-3",
    }


def dispatches(count: int) -> list[dict]:
    """Return count distinct dispatches about a bridge, published once, twice or three times."""
    vocabulary = sorted(set(" ".join(PARAGRAPHS).lower().split()))
    records = []
    for n in range(count):
        words = random.Random(n).choices(vocabulary, k=80)
        text = "Le pont " + " ".join(words)
        for copy in range(1 + n % 3):
            records.append(
                {
                    "id": f"d{n:02d}-{copy}",
                    "title": f"Pont numéro {n}, version {copy}",
                    "text": text,
                    "published": f"2021-03-{1 + n:02d}T{8 + copy:02d}:00:00",
                }
            )
    return records


@pytest.mark.parametrize("sort", ["pertinence", "recent", "ancien"])
def test_pages_after_folding_are_disjoint_and_complete(tmp_path, sort):
    records = dispatches(12)
    index_files(tmp_path / "index", [write_jsonl(tmp_path / "d.jsonl", records)])
    client = create_app({"INDEX": str(tmp_path / "index"), "TESTING": True}).test_client()
    seen: list[str] = []
    first = api(client, f"/api/search?q=pont&tri={sort}&per_page=5")
    assert (first["total"], first["folded"]) == (12, len(records) - 12)
    for number in range(1, 4):
        body = api(client, f"/api/search?q=pont&tri={sort}&per_page=5&page={number}")
        seen += [hit["id"] for hit in body["hits"]]
    assert len(seen) == len(set(seen)) == 12
    assert {i.split("-")[0] for i in seen} == {f"d{n:02d}" for n in range(12)}


def test_cli_reports_duplicates_and_folds_search_results(tmp_path):
    runner = CliRunner()
    folder = str(tmp_path / "index")
    source = str(write_jsonl(tmp_path / "articles.jsonl", ARTICLES))
    result = runner.invoke(cli, ["index", source, "--index", folder])
    assert result.exit_code == 0, result.output
    assert "Duplicates: 3 articles in 1 cluster (7 compared, 0 forgotten" in result.stdout
    result = runner.invoke(cli, ["search", "pont suspendu", "--sort", "ancien", "--index", folder])
    assert (
        "2 duplicates folded into the results they repeat (--all-duplicates lists them)."
        in result.stdout
    )
    assert "   2 reprises: pont-2, pont-3" in result.stdout
    result = runner.invoke(cli, ["search", "pont suspendu", "--all-duplicates", "--index", folder])
    assert result.stdout.startswith("5 results") and "reprise" not in result.stdout
