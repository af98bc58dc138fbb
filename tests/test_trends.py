"""Trends: counts per period equal the result list's, shares, facets, associated words, errors."""

from collections import Counter
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from test_duplicates import ARTICLES as DUPLICATED

from conftest import write_jsonl
from search import (
    Archive,
    Filters,
    MissingQuery,
    Period,
    TooManyPeriods,
    TooManyQueries,
    index_files,
)
from search.analysis.french import WordAnalyzer
from search.views.association import MIN_ARTICLES
from search.views.periods import span_of, spans_between
from web import create_app

QUERIES = ["cybersécurité", "retraites", '"réforme des retraites"', "covid OU vaccin"]


@pytest.fixture
def client(sample_dir):
    return create_app({"INDEX": str(sample_dir), "TESTING": True}).test_client()


def page(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("period", list(Period))
def test_trend_counts_equal_search_totals_in_every_period(sample, period):
    trends = sample.trends(QUERIES, period=period)
    for trend in trends.trends:
        for point in trend.points:
            window = Filters(date_from=point.span.start, date_to=point.span.end)
            assert point.count == sample.search_articles(trend.query, window).total, point
        assert sum(p.count for p in trend.points) == sample.search_articles(trend.query).total


def test_trend_counts_equal_search_totals_under_a_section_filter(sample):
    filters = Filters(sections=("Cybersécurité",))
    (trend,) = sample.trends(["données"], filters, Period.YEAR).trends
    assert sum(p.count for p in trend.points) > 0
    for point in trend.points:
        window = Filters(("Cybersécurité",), date_from=point.span.start, date_to=point.span.end)
        assert point.count == sample.search_articles("données", window).total


def test_share_divides_by_the_articles_published_in_the_period(sample):
    (trend,) = sample.trends(["covid"], period=Period.YEAR).trends
    for point in trend.points:
        window = Filters(date_from=point.span.start, date_to=point.span.end)
        assert point.total == sample.search_articles("", window).total
        assert point.share == pytest.approx(point.count / point.total)
    assert max(trend.points, key=lambda p: p.share).span.key == "2020"


def test_periods_cover_the_archive_without_gaps(sample):
    trends = sample.trends(["covid"], period=Period.MONTH)
    keys = [s.key for s in trends.spans]
    assert keys[0] == "2018-01" and keys[-1] == "2024-08" and len(keys) == 6 * 12 + 8
    assert sum(p.total for p in trends.trends[0].points) == sample.count()


def test_dates_filter_narrows_the_periods(sample):
    trends = sample.trends(
        ["covid"], Filters(date_from=date(2020, 3, 1), date_to=date(2020, 6, 30))
    )
    assert all(date(2020, 3, 1) <= s.start <= date(2020, 6, 30) for s in trends.spans)


def test_duplicates_count_once_per_period_as_in_results(tmp_path):
    folder = tmp_path / "index"
    index_files(folder, [write_jsonl(tmp_path / "a.jsonl", DUPLICATED)])
    archive = Archive(folder)
    folded = {
        p.span.key: p.count for p in archive.trends(["pont"], period=Period.YEAR).trends[0].points
    }
    listed = archive.trends(["pont"], period=Period.YEAR, collapse=False).trends[0].points
    # pont-1 and pont-2 (March 2021) are one cluster; the briefs are too short to be compared.
    assert folded == {"2020": 0, "2021": 3, "2022": 1}
    assert {p.span.key: p.count for p in listed} == {"2020": 0, "2021": 4, "2022": 1}
    for year, count in folded.items():
        window = Filters(years=(int(year),))
        assert archive.search_articles("pont", window).total == count


def test_facets_count_the_matches_of_each_query(sample):
    trend = sample.trends(["cybersécurité"]).trends[0]
    sections = dict((v.value, v.count) for v in trend.facets[0].values)
    assert trend.facets[0].name == "section" and sections["Cybersécurité"] == 9
    assert [f.name for f in trend.facets] == ["section", "author", "source", "tags"]


def pension_articles() -> list[dict]:
    """Return a corpus where retraites has enough articles and sources for associated words.

    Fifteen articles on the pension reform from three sources, five for each form of the word
    (two of them published again by a fourth source, word for word), among forty others.
    """
    sources = ("Le Quotidien", "La Gazette", "Ouest Matin")
    forms = ("retraites", "retraite", "retraités")
    steps = ("examinée par les députés", "votée au Sénat")
    pensions = [
        {
            "id": f"retraites-{n}",
            "title": f"La réforme des {forms[n // 5]} {steps[n % 2]} ({n})",
            "summary": ("La réforme passe en commission.", "Les syndicats contestent la réforme.")[
                n % 2
            ],
            "text": f"Le débat sur la réforme des retraites continue, épisode {n}.",
            "source": sources[n % 3],
            "section": "Politique" if n < 12 else "Économie",
            "published": f"2023-{n % 12 + 1:02d}-15",
        }
        for n in range(15)
    ]
    # Long enough (duplicates.MIN_WORDS) for each article's two publications to be found as one.
    pensions[0]["text"] = (
        "Le gouvernement défend sa réforme des retraites devant les syndicats, qui appellent à "
        "une nouvelle journée de grève et de manifestations dans toutes les grandes villes."
    )
    pensions[1]["text"] = (
        "Au Sénat, la commission des affaires sociales a adopté mardi l’article qui repousse "
        "l’âge légal de départ, après une longue nuit de débats et plusieurs amendements rejetés."
    )
    copies = [
        dict(article, id=f"{article['id']}-bis", source="Dépêches Réunies")
        for article in pensions[:2]
    ]
    others = [
        {
            "id": f"autre-{n}",
            "title": f"Le festival de musique accueille un concert en plein air ({n})",
            "summary": "Le public est venu nombreux malgré la pluie.",
            "text": f"Un concert de musique classique, soirée {n}.",
            "source": sources[n % 3],
            "section": "Culture",
            "published": f"2023-{n % 12 + 1:02d}-0{n % 9 + 1}",
        }
        for n in range(40)
    ]
    return pensions + copies + others


@pytest.fixture(scope="module")
def pensions_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pensions")
    index_files(folder, [write_jsonl(folder.parent / "pensions.jsonl", pension_articles())])
    return folder


@pytest.fixture
def pensions(pensions_dir):
    archive = Archive(pensions_dir)
    yield archive
    archive.close()


def test_associated_words_are_written_as_articles_write_them_without_the_query(pensions):
    (trend,) = pensions.trends(["retraites"]).trends
    words = [t.word for t in trend.terms]
    assert words[0] == "réforme"
    assert not {"retraites", "retraite", "retraités"} & set(words)
    assert all(t.score > 0 and t.count >= MIN_ARTICLES for t in trend.terms)


@pytest.mark.parametrize("collapse", [True, False])
def test_associated_word_counts_the_matching_articles_whose_title_or_lead_holds_it(
    pensions, collapse
):
    (trend,) = pensions.trends(["retraites"], collapse=collapse).trends
    hits = pensions.search_articles("retraites", per_page=100, collapse=collapse).hits
    assert len(hits) == trend.matches == (15 if collapse else 17)
    holders = Counter()
    for hit in hits:
        article = pensions.get_article(hit.id)
        text = f"{article.title}\n{article.summary}"
        holders.update({token.text for token in WordAnalyzer()(text)})
    assert trend.terms
    for term in trend.terms:
        assert term.count == holders[term.word], term.word


@pytest.mark.parametrize(
    "queries, error",
    [([], MissingQuery), (["  "], MissingQuery), (["a", "b", "c", "d", "e"], TooManyQueries)],
)
def test_query_count_outside_one_to_four_is_refused(sample, queries, error):
    with pytest.raises(error):
        sample.trends(queries)


def test_week_spans_cross_the_new_year_on_iso_weeks():
    assert span_of(date(2021, 1, 2), Period.WEEK).key == "2020-W53"
    assert span_of(date(2020, 12, 15), Period.MONTH).end == date(2020, 12, 31)
    assert span_of(date(2024, 2, 10), Period.MONTH).end == date(2024, 2, 29)


def test_too_many_periods_are_refused():
    with pytest.raises(TooManyPeriods, match="shorter date range"):
        spans_between(date(2000, 1, 1), date(2020, 1, 1), Period.WEEK)


def test_trends_page_draws_one_linked_bar_per_period_and_query_and_a_table(client):
    html = page(client, "/tendances?q=cybersécurité&q=retraites&par=annee")
    svg = html.select_one("figure.chart svg")
    assert svg["role"] == "group" and svg.find("title").get_text().startswith("Part des articles")
    bars = svg.select("a.bar")
    years = [th.get_text() for th in html.select("#donnees tbody th")]
    assert years == [str(y) for y in range(2018, 2025)]
    assert len(bars) == 2 * len(years)
    for bar in bars:
        link = urlsplit(bar["href"])
        params = parse_qs(link.query)
        assert link.path == "/recherche" and params["q"] == [bar["data-query"]]
        assert params["du"] == [f"{bar['data-period']}-01-01"]
        assert params["au"] == [f"{bar['data-period']}-12-31"]
        assert bar.find("title").get_text() == bar["aria-label"]


def test_table_row_counts_are_what_the_linked_results_page_says(client):
    html = page(client, "/tendances?q=covid&par=annee")
    for row in html.select("#donnees tbody tr"):
        link = row.select_one("td a")
        api = client.get(link["href"].replace("/recherche", "/api/search")).get_json()
        assert api["total"] == int(link.get_text())


def test_month_labels_and_shares_are_written_in_french(client):
    html = page(client, "/tendances?q=covid&par=mois&du=2020-03-01&au=2020-04-30")
    rows = [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        for tr in html.select("#donnees tbody tr")
    ]
    assert [r[0] for r in rows] == ["mars 2020", "avril 2020"]
    assert all(r[2].endswith("\u202f%") and "." not in r[2] for r in rows)


def test_sidebar_shows_sections_with_shares_and_associated_words(pensions_dir):
    client = create_app({"INDEX": str(pensions_dir), "TESTING": True}).test_client()
    html = page(client, "/tendances?q=retraites")
    profile = html.select_one("aside .profile")
    assert "Politique" in profile.get_text() and "80,00\u202f%" in profile.get_text()
    words = [th.get_text(strip=True) for th in profile.select("table.terms tbody th")]
    assert words[0] == "réforme"


def test_section_link_in_the_sidebar_filters_the_whole_page(client):
    html = page(client, "/tendances?q=données")
    link = html.select_one("aside a[href*='rubrique=Cybers']")
    filtered = page(client, link["href"])
    assert filtered.select_one(".chips")
    total = sum(int(a.get_text()) for a in filtered.select("#donnees tbody td a"))
    api = client.get("/api/search?q=données&rubrique=Cybersécurité").get_json()
    assert total == api["total"]


def test_trends_api_returns_the_series(client):
    data = client.get("/api/trends?q=covid&q=climat&par=annee").get_json()
    assert [t["query"] for t in data["trends"]] == ["covid", "climat"]
    year_2020 = next(p for p in data["trends"][0]["series"] if p["period"] == "2020")
    assert (year_2020["start"], year_2020["end"]) == ("2020-01-01", "2020-12-31")
    assert year_2020["share"] == pytest.approx(year_2020["count"] / year_2020["total"], abs=1e-6)


@pytest.mark.parametrize(
    "url, code, words",
    [
        ("q=a&q=b&q=c&q=d&q=e", "too_many_queries", "au plus quatre"),
        ("q=covid&par=jour", "invalid_period", "« annee », « mois » ou « semaine »"),
        ("q=covid&mesure=moyenne", "invalid_measure", "« part »"),
        ("q=covid&du=2020-02-30", "invalid_date", "AAAA-MM-JJ"),
        ("q=covid&du=2021-01-01&au=2020-01-01", "invalid_date_range", "inversez-les"),
    ],
)
def test_bad_inputs_get_a_french_400_page_and_a_json_error(client, url, code, words):
    response = client.get(f"/tendances?{url}")
    assert response.status_code == 400
    text = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".error")
    assert words in text.get_text()
    error = client.get(f"/api/trends?{url}").get_json()["error"]
    assert error["code"] == code and words in error["message"]


def test_api_without_a_query_says_to_give_one(client):
    response = client.get("/api/trends")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "missing_query"


def test_trends_page_without_a_query_shows_the_form(client):
    html = page(client, "/tendances")
    assert len(html.select("form.analysis input[name=q]")) == 4
    assert not html.select("figure.chart")


def test_filters_that_keep_no_dated_article_say_so_instead_of_an_empty_chart(client):
    html = page(client, "/tendances?q=covid&du=2030-01-01")
    assert "Aucun article daté" in html.select_one("p.notice").get_text()
    assert not html.select("figure.chart") and not html.select("#donnees")


def test_empty_choices_fall_back_to_the_defaults(client):
    html = page(client, "/tendances?q=covid&par=&mesure=&periode=")
    assert html.select_one("#donnees tbody tr:not(.none) th").get_text() == "mars 2020"
    assert (
        html.select_one("#chart-title").get_text().startswith("Part des articles publiés par mois")
    )
    assert html.select_one("p.bulk").get_text(strip=True).startswith("Périodes montrées")
