"""The site on a dark screen and an article on paper, in a real browser."""

from datetime import date
from pathlib import Path

import pytest
from test_browser import AXE, CHROMIUM, OUTPUT, browser, site  # noqa: F401  (fixtures)

from web.formatting import french_date

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (make test installs it)"
)
ARTICLE = "/article/fouille-033?q=cybersecurite"
ARTICLE_URL = (
    "https://www.exemple-presse.fr/cybersecurite/2021/03/"
    "cybersecurite-l-anssi-constate-une-explosion-des-attaques-par-rancongiciel"
)
# The relative luminance of a computed "rgb(r, g, b)" colour, as WCAG defines it.
LUMINANCE = """colour => {
  const [r, g, b] = colour.match(/\\d+/g).slice(0, 3).map(v => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.mark.skipif(
    not AXE.exists(), reason=f"axe-core not found at {AXE} (make test installs it)"
)
@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("results", "/recherche?q=cybersecurite"),
        ("article", ARTICLE),
        ("trends", "/tendances?q=covid&q=climat&par=annee"),
        ("concordance", "/concordance?q=retraites"),
    ],
)
def test_dark_screen_gets_dark_pages_without_serious_contrast_violation(
    browser,  # noqa: F811
    site,  # noqa: F811
    name,
    path,
):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, color_scheme="dark"
    )
    page = context.new_page()
    page.goto(site + path)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / f"{name}-dark.png", full_page=True)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    text = page.evaluate("getComputedStyle(document.body).color")
    luminance = page.evaluate(f"([b, t]) => [b, t].map({LUMINANCE})", [background, text])
    page.evaluate(AXE.read_text("utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run()).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    context.close()
    assert luminance[0] < 0.05 < 0.5 < luminance[1], (background, text)
    assert violations == []


def test_printed_article_has_its_address_and_citation_without_the_search_form(
    browser,  # noqa: F811
    site,  # noqa: F811
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site + ARTICLE)
    assert not page.is_visible(".citation")
    page.emulate_media(media="print")
    OUTPUT.mkdir(exist_ok=True)
    page.pdf(path=OUTPUT / "article-print.pdf")
    for hidden in ("form.search", "header.site", "footer.site", "nav.back", ".related"):
        assert not page.is_visible(hidden), hidden
    assert " ".join(page.inner_text(".citation").split()) == (
        "Pour citer cet article : Mathieu Lefèvre, « Cybersécurité : l’ANSSI constate une "
        f"explosion des attaques par rançongiciel », Exemple Presse, 2 mars 2021, {ARTICLE_URL} "
        f"(consulté le {french_date(date.today())})."
    )
    written_out = page.evaluate(
        "getComputedStyle(document.querySelector('a.original'), '::after').content"
    )
    context.close()
    assert written_out == f'" : {ARTICLE_URL}"'
