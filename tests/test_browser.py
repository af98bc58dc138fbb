"""The site in a real browser: Debian's chromium driven by Playwright against `fouille serve`."""

import re
import shutil
from pathlib import Path

import pytest

from conftest import AWKWARD_IDS, ROOT, served
from search import index_files

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = ROOT / "test-output"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Serve an index of the sample corpus with the production server; yield its base URL."""
    folder = tmp_path_factory.mktemp("site")
    index_files(folder, [ROOT / "data"])
    with served(folder) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def total(page) -> str:
    """Return the result count of a results page, without the time taken."""
    return page.inner_text("h1.summary").split("(")[0].strip()


def search(page, site, words: str):
    page.goto(site + "/")
    page.fill("#q", words)
    page.press("#q", "Enter")
    page.wait_for_selector("h1.summary")


def hit_ids(page) -> list[str]:
    links = page.locator(".hit h2 a")
    return [
        re.search(r"/article/([^?]+)", links.nth(i).get_attribute("href"))[1]
        for i in range(links.count())
    ]


def test_search_shows_highlighted_results(page, site):
    search(page, site, "cybersecurite")
    marks = {m.lower() for m in page.locator(".hit mark").all_inner_texts()}
    assert "cybersécurité" in marks
    assert re.match(r"\d+ résultats", page.inner_text("h1.summary"))


def test_facet_is_applied_then_removed(page, site):
    search(page, site, "cybersecurite")
    before = total(page)
    page.locator(".facets section", has_text="Année").get_by_role("link", name="2022").click()
    page.wait_for_url(re.compile(r"annee=2022"))
    assert total(page) != before
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(d.endswith("2022") for d in dates)
    page.locator(".chips a").click()
    page.wait_for_url(lambda url: "annee" not in url)
    assert total(page) == before


def test_next_page_shows_other_results(page, site):
    search(page, site, "france")
    first = hit_ids(page)
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".pager [aria-current=page]").inner_text() == "2"
    assert set(hit_ids(page)).isdisjoint(first)


def test_sorting_by_date_orders_newest_first(page, site):
    search(page, site, "france")
    page.select_option("select[name=tri]", "recent")
    page.click("form.tools button")
    page.wait_for_url(re.compile(r"tri=recent"))
    stamps = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert stamps == sorted(stamps, reverse=True) and len(stamps) > 1


def test_article_opens_with_marks_and_back_returns_to_the_results(page, site):
    search(page, site, "rançongiciel")
    results_url = page.url
    page.locator(".hit h2 a").first.click()
    page.wait_for_selector("article.article")
    assert page.locator("article mark").count() > 0
    page.go_back()
    page.wait_for_selector(".hit")
    assert page.url == results_url
    page.locator(".hit h2 a").first.click()
    page.click("text=Retour aux résultats")
    page.wait_for_selector(".hit")
    assert page.url.endswith(results_url.split("/", 3)[3])


def test_suggestions_appear_while_typing_and_lead_to_a_search(page, site):
    page.goto(site + "/")
    page.locator("#q").press_sequentially("cyber", delay=60)
    options = page.locator("#suggestions [role=option]")
    options.first.wait_for()
    assert page.get_attribute("#q", "aria-expanded") == "true"
    words = page.locator("#suggestions li.word").all_inner_texts()
    assert words and all(w.startswith("cyber") for w in words)
    page.press("#q", "ArrowDown")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/recherche\?q=cyber"))
    assert page.locator(".hit").count() > 0


def test_keyboard_alone_reaches_the_form_and_the_results(page, site):
    page.goto(site + "/")
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent")
        )
    assert order == ["Aller au contenu", "Fouille", "q", "Rechercher"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("retraites")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    in_hit = False
    for _ in range(30):
        page.keyboard.press("Tab")
        in_hit = page.evaluate("Boolean(document.activeElement.closest('.hit h2'))")
        if in_hit:
            break
    assert in_hit
    page.keyboard.press("Enter")
    page.wait_for_selector("article.article")


@pytest.mark.skipif(
    not AXE.exists(), reason=f"axe-core not found at {AXE} (make test installs it)"
)
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/recherche?q=cybersecurite",
        "/recherche?q=zzqxw",
        "/recherche?q=cyber&page=abc",
        "/nulle-part",
        "/article/fouille-033?q=cybersecurite",
        "/aide",
        "/tendances",
        "/tendances?q=covid&q=climat&par=annee",
        "/tendances?q=retraites&par=mois&mesure=nombre",
        "/tendances?q=a&q=b&q=c&q=d&q=e",
        "/concordance",
        "/concordance?q=retraites",
        "/concordance?q=état OU france&page=2&tri=suivant",
        "/article/fouille-033",
        "/recherche?q=cybersecurite&annee=2022&du=2022-02-01",
        "/tendances?q=covid&q=climat&q=retraites&q=france",
    ],
)
@pytest.mark.parametrize("width", [1280, 390], ids=["1280px", "390px"])
def test_no_serious_accessibility_violation(browser, site, path, width):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site + path)
    page.evaluate(AXE.read_text("utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run()).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    context.close()
    assert violations == []


def test_browser_opens_the_article_of_every_awkward_id(page, awkward_site):
    page.goto(awkward_site + "/recherche?q=climat&doublons=afficher")
    titles = page.locator(".hit h2 a").all_inner_texts()
    assert len(titles) == len(AWKWARD_IDS)
    for title in titles:
        page.goto(awkward_site + "/recherche?q=climat&doublons=afficher")
        page.get_by_role("link", name=title, exact=True).click()
        page.wait_for_selector("article.article")
        assert page.inner_text("h1").strip() == title
