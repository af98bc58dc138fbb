"""Trends that read at a glance: the bulk of the matches' years, round ticks, empty runs
folded, associated words chosen by score from several articles and sources."""

from datetime import date

import pytest
from bs4 import BeautifulSoup

from conftest import write_jsonl
from search import Archive, Filters, Period, index_files
from web import create_app


def tail_articles() -> list[dict]:
    """Return a few 2011 articles, then many in 2020 with no match from March to August."""
    old = [
        {
            "id": f"old-{n}",
            "title": f"La grippe aviaire gagne la ferme {n}",
            "text": "Une grippe aviaire dans une ferme.",
            "source": "Vieille Presse",
            "published": f"2011-0{n + 1}-10",
        }
        for n in range(3)
    ]
    months = (1, 2, 9, 10, 11, 12)
    recent = [
        {
            "id": f"grippe-{n}",
            "title": f"Grippe saisonnière : la vaccination recommandée vendredi ({n})",
            "summary": "Les médecins conseillent le vaccin contre la grippe cette semaine.",
            "text": "La vaccination contre la grippe protège les plus fragiles.",
            "source": ("Exemple Presse", "La Gazette")[n % 2],
            "published": f"2020-{months[n % 6]:02d}-{n % 27 + 1:02d}",
        }
        for n in range(200)
    ]
    other = [
        {
            "id": f"sport-{n}",
            "title": f"Le match numéro {n}",
            "text": "Une victoire au football.",
            "source": ("Exemple Presse", "La Gazette")[n % 2],
            "published": f"2020-{n % 6 + 3:02d}-15",
        }
        for n in range(120)
    ]
    lonely = {
        "id": "lonely",
        "title": "Grippe à bord du Jeanneau : l’équipage épluche les hisxo",
        "summary": "Jeanneau, hisxo et épluche ne se lisent que dans cet article.",
        "text": "Un équipier a la grippe.",
        "source": "La Gazette",
        "published": "2020-10-03",
    }
    return old + recent + other + [lonely]


@pytest.fixture(scope="module")
def tail_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tail")
    index_files(folder, [write_jsonl(folder.parent / "tail.jsonl", tail_articles())])
    return folder


@pytest.fixture
def tail(tail_dir):
    archive = Archive(tail_dir)
    yield archive
    archive.close()


@pytest.fixture
def client(tail_dir):
    return create_app({"INDEX": str(tail_dir), "TESTING": True}).test_client()


def soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_default_range_leaves_out_a_sparse_early_tail(tail):
    trends = tail.trends(["grippe"], period=Period.MONTH, whole=False)
    assert trends.narrowed and trends.spans[0].key == "2020-01"
    assert trends.bulk.start == date(2020, 1, 1) and trends.bulk.share == pytest.approx(201 / 204)
    assert tail.trends(["grippe"], period=Period.MONTH).spans[0].key == "2011-01"


def test_chosen_dates_win_over_the_default_range(tail):
    filters = Filters(date_from=date(2011, 1, 1), date_to=date(2020, 12, 31))
    trends = tail.trends(["grippe"], filters, Period.YEAR, whole=False)
    assert not trends.narrowed and [s.key for s in trends.spans][0] == "2011"


def test_page_says_the_range_shown_and_links_to_the_whole_period(client):
    page = soup(client, "/tendances?q=grippe&par=mois")
    bulk = page.select_one("p.bulk")
    assert bulk.get_text(" ", strip=True).startswith(
        "Périodes montrées : de janvier à décembre 2020, où se trouvent 98\u202f% des articles"
    )
    link = bulk.find("a", string="Voir toute la période")["href"]
    whole = soup(client, link)
    assert "periode=tout" in link
    assert whole.select("#donnees tbody th")[0].get_text(strip=True) == "janvier 2011"
    assert whole.select_one("p.bulk a")["href"] == "/tendances?q=grippe&par=mois"


def test_api_reports_the_range_shown(client):
    payload = client.get("/api/trends?q=grippe&par=mois").get_json()
    assert payload["bulk"]["start"] == "2020-01-01"
    assert payload["bulk"]["only_these_shown"] is True
    assert payload["trends"][0]["series"][0]["period"] == "2020-01"


@pytest.mark.parametrize(
    "periode, first, bulk_only", [("", "2020-01", True), ("tout", "2011-01", False)]
)
def test_download_holds_the_periods_the_page_shows(client, periode, first, bulk_only):
    data = client.get(f"/export/tendances.json?q=grippe&par=mois&periode={periode}").get_json()
    assert data["rows"][0]["period"] == first and data["metadata"]["bulk_only"] is bulk_only


def test_bad_periode_value_is_refused_with_the_accepted_ones(client):
    response = client.get("/tendances?q=grippe&periode=court")
    assert response.status_code == 400
    assert "« essentiel » ou « tout »" in response.get_data(as_text=True)


def test_periods_without_a_match_are_folded_into_one_row(client):
    rows = soup(client, "/tendances?q=grippe&par=mois").select("#donnees tbody tr")
    texts = [r.get_text(" ", strip=True) for r in rows]
    assert texts[2] == "De mars à août 2020 aucun article trouvé 120"
    assert len(rows) == 7


def test_axis_ticks_are_round_numbers(client):
    page = soup(client, "/tendances?q=grippe&par=mois")
    assert [t.get_text() for t in page.select("text.tick")] == [
        f"{n}\u202f%" for n in (0, 20, 40, 60, 80, 100)
    ]
    counts = soup(client, "/tendances?q=grippe&par=mois&mesure=nombre&periode=tout")
    assert [t.get_text() for t in counts.select("text.tick")] == ["0", "10", "20", "30", "40"]


def test_chart_names_every_year_once(client):
    page = soup(client, "/tendances?q=grippe&par=mois&periode=tout")
    assert [t.get_text() for t in page.select("text.year")] == [str(y) for y in range(2011, 2021)]


def test_associated_words_need_several_articles_and_sources(tail):
    (trend,) = tail.trends(["grippe"], whole=False).trends
    words = [t.word for t in trend.terms]
    assert "vaccination" in words
    assert not {"jeanneau", "hisxo", "épluche", "aviaire"} & set(words)


def test_associated_words_leave_out_calendar_words(tail):
    (trend,) = tail.trends(["grippe"]).trends
    assert not {"vendredi", "semaine", "mois"} & {t.word for t in trend.terms}


def test_associated_words_are_sorted_by_the_score_shown(client):
    table = soup(client, "/tendances?q=grippe").select_one("table.terms")
    rows = [[c.get_text(strip=True) for c in r.select("th, td")] for r in table.select("tbody tr")]
    scores = [float(score.replace(",", ".").replace("\u202f", "")) for _, score, _ in rows]
    assert rows and scores == sorted(scores, reverse=True)
    assert [th.get_text() for th in table.select("thead th")] == ["Mot", "Score", "Articles"]
