"""The analysis pages in a real browser: the trends chart, its table, the concordance.

Their accessibility is checked with the other pages' in test_browser.py.
"""

import re
from pathlib import Path

import pytest
from test_browser import CHROMIUM, browser, page, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (make test installs it)"
)
TRENDS = "/tendances?q=covid&q=climat&par=annee&periode=tout"


def test_trends_chart_and_table_are_drawn_without_script(browser, site):  # noqa: F811
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site + TRENDS)
    assert tab.locator("figure.chart svg a.bar rect").count() == 2 * 7
    assert tab.locator("#donnees tbody tr").count() == 7
    box = tab.locator("figure.chart > svg").bounding_box()
    assert box["width"] > 600 and box["height"] > 150
    context.close()


def test_clicking_a_bar_opens_the_results_of_that_period(page, site):  # noqa: F811
    page.goto(site + TRENDS)
    bar = page.locator("a.bar[data-query='covid'][data-period='2020']")
    label = bar.get_attribute("aria-label")
    count = int(re.search(r": (\d+) article", label)[1])
    bar.locator("rect").click()
    page.wait_for_url(re.compile(r"/recherche\?q=covid.*du=2020-01-01&au=2020-12-31"))
    assert page.inner_text("h1.summary").startswith(f"{count} résultats")
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates and all(d.startswith("2020") for d in dates)


def test_clicking_a_table_count_opens_the_same_results(page, site):  # noqa: F811
    page.goto(site + TRENDS)
    row = page.locator("#donnees tbody tr", has_text="2021")
    count = row.locator("td a").first.inner_text()
    row.locator("td a").first.click()
    page.wait_for_url(re.compile(r"du=2021-01-01&au=2021-12-31"))
    assert page.inner_text("h1.summary").startswith(f"{count} résultat")


def test_period_and_measure_are_chosen_in_the_form(page, site):  # noqa: F811
    page.goto(site + "/tendances")
    page.fill("#tq0", "retraites")
    page.select_option("select[name=par]", "mois")
    page.select_option("select[name=mesure]", "nombre")
    page.click("form.analysis button")
    page.wait_for_url(re.compile(r"par=mois"))
    assert page.locator("#donnees tbody tr").first.locator("th").inner_text() == "janvier 2018"
    assert page.locator("#chart-title").text_content().startswith("Nombre d’articles par mois")


def test_concordance_sorts_by_next_word(page, site):  # noqa: F811
    page.goto(site + "/concordance?q=retraites")
    page.select_option("select[name=tri]", "suivant")
    page.click("form.analysis button")
    page.wait_for_url(re.compile(r"tri=suivant"))
    assert page.locator("table.kwic td.match").count() > 5


@pytest.fixture(scope="module")
def tail_site(tmp_path_factory):
    """Serve a corpus with a sparse early tail: three articles in 2011, hundreds in 2020."""
    from test_trend_range import tail_articles

    from conftest import served, write_jsonl
    from search import index_files

    folder = tmp_path_factory.mktemp("tail-site")
    index_files(folder, [write_jsonl(folder.parent / "tail.jsonl", tail_articles())])
    with served(folder) as base:
        yield base


def test_trends_show_the_bulk_with_round_ticks_and_no_empty_runs(page, tail_site):  # noqa: F811
    page.goto(tail_site + "/tendances?q=grippe&par=mois")
    assert page.inner_text("p.bulk").startswith("Périodes montrées : de janvier à décembre 2020")
    ticks = page.locator("text.tick").evaluate_all("els => els.map(e => e.textContent)")
    assert ticks == [f"{n}\u202f%" for n in (0, 20, 40, 60, 80, 100)]
    rows = page.locator("#donnees tbody tr")
    empty = [
        all(c.strip() in ("0", "0,00\u202f%") for c in row.locator("td").all_inner_texts()[:-1])
        for row in rows.all()
    ]
    assert not any(a and b for a, b in zip(empty, empty[1:], strict=False))
    page.click("text=Voir toute la période")
    page.wait_for_url(re.compile(r"periode=tout"))
    assert rows.first.locator("th").inner_text() == "janvier 2011"


@pytest.mark.parametrize("width", [1280, 390])
def test_concordance_keyword_column_is_aligned_and_lines_never_wrap(browser, site, width):  # noqa: F811
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(site + "/concordance?q=état OU france")
    lefts = tab.locator("table.kwic td.match").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().left)"
    )
    heights = tab.locator("table.kwic tbody tr").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    scroll = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert len(lefts) == 50 and len(set(lefts)) == 1
    assert max(heights) - min(heights) < 1 and scroll <= 0


def test_concordance_pages_reach_the_sparse_early_tail(page, tail_site):  # noqa: F811
    page.goto(tail_site + "/concordance?q=grippe")
    assert "2011" not in page.inner_text("table.kwic")
    page.locator("nav.pager a[aria-label^='Page ']").last.click()
    page.wait_for_url(re.compile(r"page=[0-9]+"))
    assert "2011" in page.inner_text("table.kwic")
