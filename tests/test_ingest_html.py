"""Reading saved article web pages: text without boilerplate, metadata from tags, bad pages."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED
from search import Archive, Article, InputError, InvalidInput, index_files
from search.cli import cli
from search.ingest import collect_files, read_articles
from search.ingest.html import MAX_BYTES

URL = "https://www.quotidien-sud.fr/meteo/canicule-vigilance-rouge"
ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Canicule : 14 départements en vigilance rouge | Le Quotidien du Sud</title>
<meta property="og:title"
      content="Canicule : Météo-France place 14 départements en vigilance rouge">
<meta property="og:url" content="{URL}?utm_source=partage">
<meta property="og:site_name" content="Le Quotidien du Sud">
<meta property="article:published_time" content="2023-08-21T07:45:00+02:00">
<meta property="article:section" content="Météo">
<meta property="article:tag" content="canicule">
<meta property="article:tag" content="Météo-France">
<meta name="author" content="Inès Lambert">
<link rel="canonical" href="{URL}">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Canicule : 14 départements en vigilance rouge",
 "datePublished": "2023-08-20T23:00:00+02:00", "author": {{"name": "La rédaction"}}}}
</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">
  <p>Nous utilisons des cookies pour mesurer l'audience et personnaliser les publicités.
  Acceptez-vous les cookies de nos partenaires ?</p>
  <button>Tout accepter</button><button>Paramétrer</button>
</div>
<header><nav class="menu"><ul>
  <li><a href="/">Accueil</a></li><li><a href="/politique">Politique</a></li>
  <li><a href="/economie">Économie</a></li><li><a href="/meteo">Météo</a></li>
</ul></nav></header>
<main>
<article>
  <h1>Canicule : Météo-France place 14 départements en vigilance rouge</h1>
  <p class="byline">Par Inès Lambert, publié le
    <time datetime="2023-08-21T07:45:00+02:00">21 août 2023 à 7 h 45</time></p>
  <p class="chapo">La vague de chaleur s'intensifie dans la vallée du Rhône, où les
  températures pourraient dépasser 42 °C mardi après-midi.</p>
  <div class="share-buttons"><a href="https://facebook.com/share">Partager sur Facebook</a>
  <a href="https://twitter.com/share">Partager sur Twitter</a></div>
  <p>Météo-France a placé lundi matin quatorze départements en vigilance rouge canicule,
  du Rhône à la Drôme. Les nuits tropicales empêchent les organismes de récupérer.</p>
  <p>Les préfectures ont interdit les manifestations sportives en plein air et demandé aux
  employeurs d'aménager les horaires des chantiers.</p>
  <p>« Nous n'avons jamais mesuré des maximales aussi élevées aussi tard dans la saison »,
  explique un prévisionniste, qui attend un rafraîchissement à partir de jeudi.</p>
</article>
<aside class="related"><h2>À lire aussi</h2><ul>
  <li><a href="/a1">Sécheresse : les restrictions d'eau étendues à 80 départements</a></li>
  <li><a href="/a2">Incendies : le massif des Maures sous surveillance</a></li>
</ul></aside>
</main>
<footer><p>© Le Quotidien du Sud — Mentions légales — Contact — Plan du site</p></footer>
</body>
</html>
"""
EXPECTED = Article(
    id=URL,
    title="Canicule : Météo-France place 14 départements en vigilance rouge",
    body=(
        "Météo-France a placé lundi matin quatorze départements en vigilance rouge canicule, "
        "du Rhône à la Drôme. Les nuits tropicales empêchent les organismes de récupérer.\n"
        "Les préfectures ont interdit les manifestations sportives en plein air et demandé aux "
        "employeurs d'aménager les horaires des chantiers.\n"
        "« Nous n'avons jamais mesuré des maximales aussi élevées aussi tard dans la saison », "
        "explique un prévisionniste, qui attend un rafraîchissement à partir de jeudi."
    ),
    url=URL,
    summary="La vague de chaleur s'intensifie dans la vallée du Rhône, où les températures "
    "pourraient dépasser 42 °C mardi après-midi.",
    author="Inès Lambert",
    source="Le Quotidien du Sud",
    section="Météo",
    tags=("canicule", "Météo-France"),
    published=datetime(2023, 8, 21, 7, 45),
)
JSON_LD_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Budget 2024 - Le Journal</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Le Journal"},
 {"@type": "NewsArticle", "headline": "Budget 2024 : le gouvernement cherche dix milliards",
  "datePublished": "2023-09-27T18:02:00+02:00",
  "author": [{"@type": "Person", "name": "Paul Morel"}, {"@type": "Person", "name": "Léa Roy"}],
  "articleSection": ["Économie", "Budget"], "keywords": "budget, finances publiques",
  "description": "Bercy doit trouver dix milliards d'euros d'économies.",
  "url": "https://journal.example/budget-2024"}]}</script>
</head><body><div class="content">
<p>Le ministre de l'Économie a présenté mercredi un projet de loi de finances qui prévoit
dix milliards d'euros d'économies, réparties entre l'État, la Sécurité sociale et les
collectivités.</p>
<p>Les oppositions dénoncent un budget d'austérité, tandis que la majorité défend un effort
nécessaire pour ramener le déficit sous les 3 % du produit intérieur brut d'ici à 2027.</p>
</div></body></html>
"""
BOLD_LEAD_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta property="og:title" content="Un séisme de magnitude 6 secoue le nord du Japon">
</head><body><div itemprop="articleBody">
<p class="date"><span itemprop="author">Rédaction avec AFP</span>, publié le lundi 4 mars 2024</p>
<p><strong>Aucune alerte au tsunami n'a été émise après la secousse, ressentie jusqu'à
Tokyo.</strong><br/><br/>Le séisme s'est produit à 60 kilomètres de profondeur au large de la
préfecture d'Aomori, selon l'agence météorologique japonaise, qui n'a signalé aucun dégât.</p>
<p>Les trains à grande vitesse ont été brièvement arrêtés par précaution, puis ont repris leur
circulation normale en fin de matinée.</p>
</div></body></html>
"""
TIME_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Marché de Noël</title>
</head><body><article><h1>Le marché de Noël ouvre ses portes</h1>
<p>Publié le <time datetime="2023-11-24">24 novembre 2023</time></p>
<p>Cent quarante chalets s'installent sur la place Kléber jusqu'au 24 décembre, avec des
artisans venus de toute l'Alsace et des pays voisins pour cette nouvelle édition.</p>
</article></body></html>
"""
LINKS_PAGE = (
    """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Actualités - Le Quotidien</title></head><body><nav><a href="/">Accueil</a></nav>
<h1>Toutes les actualités</h1><ul>"""
    + "".join(
        f'<li><a href="/article-{n}">Titre de l\'article {n} sur la politique française</a></li>'
        for n in range(40)
    )
    + "</ul><footer>© Le Quotidien</footer></body></html>"
)
ENGLISH_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta property="og:title" content="Heatwave: fourteen French departments on red alert">
</head><body><article>
<p>France's weather service put fourteen departments on red alert for extreme heat on Monday
morning, from the Rhône to the Drôme, as temperatures were forecast to top 42 degrees.</p>
<p>Local authorities banned outdoor sporting events and asked employers to adjust the working
hours of building sites. Public swimming pools in Lyon will stay open late all week.</p>
</article></body></html>
"""


def write_page(folder: Path, name: str, source: str | bytes) -> Path:
    """Write an HTML page into folder and return its path."""
    path = folder / name
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        path.write_text(source, encoding="utf-8")
    return path


def read_one(path: Path) -> Article | InputError:
    [(line, item)] = read_articles(path)
    assert line == 1
    return item


def error_of(path: Path) -> str:
    item = read_one(path)
    assert isinstance(item, InputError), item
    return str(item)


# Extraction and metadata


def test_page_gives_its_article_with_metadata_from_its_tags(tmp_path):
    assert read_one(write_page(tmp_path, "canicule.html", ARTICLE_PAGE)) == EXPECTED


@pytest.mark.parametrize(
    "boilerplate",
    ["cookies", "Tout accepter", "Accueil", "Partager sur", "À lire aussi", "Sécheresse"]
    + ["Mentions légales", "publié le", "vigilance rouge\nMétéo-France"],
)
def test_menus_banners_teasers_and_share_buttons_stay_out_of_the_text(tmp_path, boilerplate):
    article = read_one(write_page(tmp_path, "canicule.html", ARTICLE_PAGE))
    assert boilerplate not in article.body
    assert boilerplate not in article.summary


def test_json_ld_news_article_gives_what_meta_tags_lack(tmp_path):
    article = read_one(write_page(tmp_path, "budget.htm", JSON_LD_PAGE))
    assert (
        article.title,
        article.url,
        article.published,
        article.author,
        article.section,
        article.tags,
        article.summary,
    ) == (
        "Budget 2024 : le gouvernement cherche dix milliards",
        "https://journal.example/budget-2024",
        datetime(2023, 9, 27, 18, 2),
        "Paul Morel, Léa Roy",
        "Économie",
        ("budget", "finances publiques"),
        "Bercy doit trouver dix milliards d'euros d'économies.",
    )


ESCAPED_TWICE = "Dans les coulisses de l&amp;#39;émission &amp;quot;Les Z'amours&amp;quot;"
AS_SHOWN = "Dans les coulisses de l'émission \"Les Z'amours\""


@pytest.mark.parametrize(
    "tags",
    [
        f'<meta property="og:title" content="{ESCAPED_TWICE}">',
        f"<title>{ESCAPED_TWICE}</title>",
        # JSON-LD is not decoded by the HTML parser: one escape is left as written.
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"Dans les coulisses de l&#39;émission &quot;Les Z\'amours&quot;"}</script>',
    ],
)
def test_title_escaped_twice_reads_as_a_browser_shows_it(tmp_path, tags):
    page = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">{tags}</head>
<body><article><p>Le présentateur revient sur les années où l'émission réunissait chaque
après-midi des couples venus raconter leur rencontre devant les caméras.</p>
<p>Il évoque aussi les coulisses du plateau et les répétitions du matin.</p>
</article></body></html>"""
    assert read_one(write_page(tmp_path, "zamours.html", page)).title == AS_SHOWN


def test_description_escaped_twice_gives_a_readable_summary(tmp_path):
    page = ARTICLE_PAGE.replace('<p class="chapo">', "<p>").replace(
        "<title>", '<meta property="og:description" content="Chaleur &amp;amp; orages">\n<title>'
    )
    assert read_one(write_page(tmp_path, "canicule.html", page)).summary == "Chaleur & orages"


def test_bold_opening_is_the_lead_and_byline_leaves_the_text(tmp_path):
    article = read_one(write_page(tmp_path, "seisme.html", BOLD_LEAD_PAGE))
    assert article.summary == (
        "Aucune alerte au tsunami n'a été émise après la secousse, ressentie jusqu'à Tokyo."
    )
    assert article.body.startswith("Le séisme s'est produit à 60 kilomètres")
    assert "AFP" not in article.body


def test_date_inside_a_sentence_stays_in_the_text(tmp_path):
    source = ARTICLE_PAGE.replace(
        "Météo-France a placé lundi matin",
        'Météo-France a placé <span class="date">lundi 21 août</span> au matin',
    )
    article = read_one(write_page(tmp_path, "canicule.html", source))
    assert article.body.startswith("Météo-France a placé lundi 21 août au matin quatorze")


def test_time_element_dates_a_page_without_date_tags(tmp_path):
    article = read_one(write_page(tmp_path, "noel.html", TIME_PAGE))
    assert (article.title, article.published) == (
        "Le marché de Noël ouvre ses portes",
        datetime(2023, 11, 24),
    )


def test_page_in_a_declared_latin1_charset_is_read(tmp_path):
    source = ARTICLE_PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"')
    path = write_page(tmp_path, "latin1.html", source.encode("latin-1", "xmlcharrefreplace"))
    assert read_one(path) == EXPECTED


# Language


def test_page_in_english_is_indexed_with_a_language_tag(tmp_path):
    article = read_one(write_page(tmp_path, "heatwave.html", ENGLISH_PAGE))
    assert article.tags == ("langue:en",)
    assert article.title == "Heatwave: fourteen French departments on red alert"


def test_french_page_gets_no_language_tag(tmp_path):
    article = read_one(write_page(tmp_path, "canicule.html", ARTICLE_PAGE))
    assert not [tag for tag in article.tags if tag.startswith("langue:")]


# Bad pages


def test_page_of_links_has_no_article_text(tmp_path):
    path = write_page(tmp_path, "index.html", LINKS_PAGE)
    assert error_of(path) == (
        f"{path}, line 1: no article text found: the page has no running text (an index page, "
        "a list of links, or a page that JavaScript fills in?); save the article page itself"
    )


def test_truncated_page_is_reported(tmp_path):
    path = write_page(tmp_path, "cut.html", ARTICLE_PAGE[: len(ARTICLE_PAGE) * 2 // 3])
    assert error_of(path) == (
        f"{path}: the page stops before its closing </body> or </html> tag: the file looks "
        "truncated; save or download it again"
    )


def test_binary_file_named_html_is_reported(tmp_path):
    path = write_page(tmp_path, "photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    assert error_of(path) == (
        f"{path}: binary data (NUL bytes), not an HTML page: check what this file is"
    )


def test_page_in_an_undeclared_encoding_is_reported(tmp_path):
    source = ARTICLE_PAGE.replace('<meta charset="utf-8">', "")
    path = write_page(tmp_path, "cp1252.html", source.encode("cp1252", "xmlcharrefreplace"))
    assert re.fullmatch(
        rf"{re.escape(str(path))}: cannot be read as UTF-8 at byte \d+: not a text web page, "
        "or saved in an encoding it does not declare; save it as UTF-8",
        error_of(path),
    )


def test_empty_page_is_reported(tmp_path):
    path = write_page(tmp_path, "empty.html", "  \n")
    assert error_of(path) == f"{path}, line 1: empty file: expected an HTML page"


def test_oversized_page_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.html"
    with path.open("wb") as file:
        # Sparse: had the reader parsed it, it would have reported NUL bytes, not the size.
        file.truncate(50_000_000)
    assert MAX_BYTES == 20_000_000
    assert error_of(path) == (
        f"{path}: 50 MB is over the 20 MB limit for a web page; save the article page alone "
        "(without embedded images or media), or put its text in a JSONL file"
    )


# Folders, index and command line


@pytest.fixture
def pages(tmp_path) -> Path:
    folder = tmp_path / "pages"
    (folder / "2023").mkdir(parents=True)
    write_page(folder / "2023", "canicule.html", ARTICLE_PAGE)
    write_page(folder, "budget.htm", JSON_LD_PAGE)
    return folder


def test_folder_of_pages_is_collected(pages):
    assert collect_files([pages]) == (
        [pages / "2023" / "canicule.html", pages / "budget.htm"],
        [],
    )


def test_folder_of_pages_is_indexed_and_searchable(tmp_path, pages):
    report = index_files(tmp_path / "ix", [pages])
    assert (report.files, report.added) == (2, 2)
    results = Archive(tmp_path / "ix").search_articles("préfectures chantiers")
    assert [hit.id for hit in results.hits] == [URL]
    assert (results.hits[0].title, results.hits[0].section) == (EXPECTED.title, "Météo")


def test_bad_page_in_a_folder_stops_indexing_and_is_named(tmp_path, pages):
    bad = write_page(pages, "index.html", LINKS_PAGE)
    with pytest.raises(InvalidInput) as raised:
        index_files(tmp_path / "ix", [pages])
    assert [error.path for error in raised.value.errors] == [str(bad)]


def test_fouille_index_reads_a_folder_of_pages(tmp_path, pages):
    result = CliRunner().invoke(cli, ["index", str(pages), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 articles from 2 files in" in result.stdout
    assert Archive(tmp_path / "ix").get_article(URL) == EXPECTED


def test_fouille_index_lists_each_bad_page(tmp_path, pages):
    bad = write_page(pages, "cut.html", ARTICLE_PAGE[:2000])
    result = CliRunner().invoke(cli, ["index", str(pages), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert f"{bad}: the page stops before its closing </body>" in result.stderr
    assert "--skip-invalid" in result.stderr


# Real pages

ORANGESUM = SHARED / "html" / "orangesum"


def word_f1(got: str, want: str) -> float:
    found = Counter(re.findall(r"\w+", got.lower()))
    expected = Counter(re.findall(r"\w+", want.lower()))
    common = sum((found & expected).values())
    if not common:
        return float(not found and not expected)
    precision, recall = common / sum(found.values()), common / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


@pytest.mark.skipif(
    not (ORANGESUM / "truth.jsonl").exists(),
    reason=f"the real pages are not here ({ORANGESUM}); they come with the shared data",
)
def test_real_pages_give_their_text_title_and_date():
    lines = (ORANGESUM / "truth.jsonl").read_text("utf-8").splitlines()
    truths = [json.loads(line) for line in lines][:20]
    articles = [read_one(ORANGESUM / truth["file"]) for truth in truths]
    scores = [word_f1(a.body, t["text"]) for a, t in zip(articles, truths, strict=True)]
    assert sum(scores) / len(scores) >= 0.9
    for article, truth in zip(articles, truths, strict=True):
        # The truth copies <title>, to which the site sometimes appends its name.
        title = " ".join(truth["title"].split())
        assert title == article.title or title.startswith(f"{article.title} : ")
        assert article.published.date().isoformat() == truth["date"]


@pytest.mark.skipif(
    not (ORANGESUM / "pages" / "3837.html").exists(),
    reason=f"the real pages are not here ({ORANGESUM}); they come with the shared data",
)
def test_real_page_escaping_its_description_twice_gives_a_readable_summary():
    # Its og:description holds "Abarth &amp;amp; C.", which the page shows as "Abarth & C.".
    article = read_one(ORANGESUM / "pages" / "3837.html")
    assert article.summary.endswith("de la création d'Abarth & C.")
