"""The site's layout in a real browser, on a wide screen (1,280 px) and on a phone (390 px).

Each page is photographed at both widths into test-output/ (home-390.png, results-1280.png…).
"""

import re
from pathlib import Path

import pytest
from test_browser import CHROMIUM, OUTPUT, browser, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (make test installs it)"
)
# A wide screen and a common phone (iPhone 12 to 14), in CSS pixels.
SCREENS = {1280: 900, 390: 844}
PAGES = {
    "home": "/",
    "results": "/recherche?q=cybersecurite",
    "article": "/article/fouille-033?q=cybersecurite",
    "trends": "/tendances?q=covid&q=climat&par=annee",
    "trends-4": "/tendances?q=covid&q=climat&q=retraites&q=france",
    "concordance": "/concordance?q=retraites",
    "help": "/aide",
}


def open_tab(browser, width: int, javascript: bool = True):  # noqa: F811
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": width, "height": SCREENS[width]},
        java_script_enabled=javascript,
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return tab


@pytest.fixture(params=list(SCREENS), ids=lambda width: f"{width}px")
def tab(request, browser):  # noqa: F811
    tab = open_tab(browser, request.param)
    yield tab
    tab.context.close()


@pytest.fixture
def phone(browser):  # noqa: F811
    tab = open_tab(browser, 390)
    yield tab
    tab.context.close()


@pytest.fixture
def desktop(browser):  # noqa: F811
    tab = open_tab(browser, 1280)
    yield tab
    tab.context.close()


def width_of(tab) -> int:
    return tab.viewport_size["width"]


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_scrolls_sideways_and_each_is_photographed(tab, site, name):  # noqa: F811
    tab.goto(site + PAGES[name])
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    OUTPUT.mkdir(exist_ok=True)
    shot = OUTPUT / f"{name}-{width_of(tab)}.png"
    tab.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("query", ["cybersecurite", "retraites", "france"])
def test_count_and_whole_first_result_are_on_a_phones_first_screen(phone, site, query):  # noqa: F811
    phone.goto(f"{site}/recherche?q={query}")
    count = phone.locator("h1.summary").bounding_box()
    first = phone.locator(".hit").first.bounding_box()
    assert count["y"] + count["height"] < first["y"]
    assert 0 <= first["y"] and first["y"] + first["height"] <= SCREENS[390]


def test_filters_wait_behind_a_disclosure_on_a_phone(phone, site):  # noqa: F811
    phone.goto(site + "/recherche?q=cybersecurite")
    year = phone.locator(".facets section", has_text="Année").get_by_role("link", name="2022")
    assert not year.is_visible()
    phone.get_by_text("Filtrer", exact=True).click()
    year.click()
    phone.wait_for_url(re.compile(r"annee=2022"))
    assert phone.locator(".chips").inner_text().startswith("Année : 2022")


def test_filters_disclosure_opens_without_javascript(browser, site):  # noqa: F811
    tab = open_tab(browser, 390, javascript=False)
    tab.goto(site + "/recherche?q=cybersecurite")
    facets = tab.locator("aside.facets")
    assert not facets.is_visible()
    tab.get_by_text("Filtrer", exact=True).click()
    assert facets.is_visible()
    tab.context.close()


def test_filters_are_a_sidebar_beside_the_results_on_a_wide_screen(desktop, site):  # noqa: F811
    desktop.goto(site + "/recherche?q=cybersecurite")
    facets = desktop.locator("aside.facets").bounding_box()
    first = desktop.locator(".hit").first.bounding_box()
    assert facets["x"] > first["x"] + first["width"]
    assert facets["y"] < first["y"] + first["height"]


# The concordance fits a phone instead: its contexts are cut (test_browser_analysis.py).
@pytest.mark.parametrize("name", ["trends-4"])
def test_wide_table_scrolls_in_its_own_labelled_box_on_a_phone(phone, site, name):  # noqa: F811
    phone.goto(site + PAGES[name])
    box = phone.locator(".table-scroll")
    assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
    label = phone.locator("#" + box.get_attribute("aria-labelledby"))
    assert label.evaluate("e => e.tagName") == "CAPTION"
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    # The keyboard scrolls it (the page's policy forbids wait_for_function's eval: poll).
    box.focus()
    for _ in range(20):
        phone.keyboard.press("ArrowRight")
        if box.evaluate("e => e.scrollLeft > 0"):
            break
    assert box.evaluate("e => e.scrollLeft > 0")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_four_trend_queries_fit_one_row_at_1280_px(desktop, site):  # noqa: F811
    desktop.goto(site + PAGES["trends-4"])
    tops = [desktop.locator(f"#tq{i}").bounding_box()["y"] for i in range(4)]
    assert len(set(tops)) == 1
    box = desktop.locator(".table-scroll")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")


def test_facet_count_and_share_stay_on_one_line(tab, site):  # noqa: F811
    tab.goto(site + PAGES["trends-4"])
    # The lines a count's text is laid out on: one rectangle per line.
    counts = tab.locator(".facets .count").evaluate_all(
        "els => els.map(e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return [e.textContent, r.getClientRects().length]; })"
    )
    shares = [(text, lines) for text, lines in counts if "·" in text]
    assert shares and all(lines == 1 for _, lines in shares), shares


def test_header_box_searches_in_these_results_or_anew(tab, site):  # noqa: F811
    tab.goto(site + "/recherche?q=cybersecurite&annee=2022&du=2022-02-01")
    tab.fill("#q", "rançongiciel")
    # From the keyboard: the suggestions that typing opens may cover the button on a phone.
    tab.get_by_role("button", name="Dans ces résultats").press("Enter")
    tab.wait_for_url(re.compile(r"q=ran%C3%A7ongiciel.*annee=2022.*du=2022-02-01"))
    assert tab.locator(".chips li").count() == 2
    tab.fill("#q", "climat")
    tab.press("#q", "Enter")
    tab.wait_for_url(re.compile(r"/recherche\?q=climat$"))
    assert tab.locator(".chips").count() == 0
