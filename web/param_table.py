"""Every URL parameter of every route, in one table that reading, checking and docs all use.

A route is named by its Flask endpoint. A parameter that behaves differently on some routes
(``q`` repeated on trends, ``tri`` with other orders on a concordance) has one entry per
behaviour. A route ignores the parameters it does not take: links from elsewhere carry some.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from search import (
    MAX_TRENDS,
    ConcordanceSort,
    InvalidDate,
    InvalidMeasure,
    InvalidPage,
    InvalidPageSize,
    InvalidPeriod,
    InvalidSort,
    InvalidValue,
    Period,
    QueryError,
    Sort,
    TooManyQueries,
    TooManyValues,
)

# A query is searched up to its 128th word (search.MAX_QUERY_WORDS); this bound is for a query
# of overlong words, and is also what a search box takes (its maxlength), well within the
# request line gunicorn reads (search/cli/server.py) for French text.
MAX_QUERY_CHARS = 2000
MAX_SUGGEST_CHARS = 100
# Alternatives of one filter (annee=2020&annee=2021…): more is no search a reader makes, and
# each value is a line of the page.
MAX_FILTER_VALUES = 30
# Entries of a search's feed: a reader keeps those it has seen, the newest are enough.
MAX_FEED_ENTRIES = 50


class Kind(Enum):
    """What a parameter's values are."""

    TEXT = "text"
    # A query: cut between words after what the search reads (search.searched_text).
    QUERY = "query"
    INTEGER = "integer"
    DATE = "date"
    YEAR = "year"
    CHOICE = "choice"


@dataclass(frozen=True)
class Choice:
    """One accepted value of a parameter with a fixed list of them."""

    value: str
    label: str
    # What the route receives for it.
    means: object


@dataclass(frozen=True)
class Route:
    """A route as its documentation presents it."""

    summary: str
    json: bool = False


@dataclass(frozen=True)
class Parameter:
    """One URL parameter: what it accepts, on which routes, and how it is described."""

    name: str
    kind: Kind
    routes: tuple[str, ...]
    description: str
    # What a value must be, in a French sentence; written from the choices when there are.
    rule: str = ""
    choices: tuple[Choice, ...] = ()
    default: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_values: int = 1
    max_chars: int | None = None
    required: tuple[str, ...] = ()
    example: str = ""
    error: type[QueryError] = InvalidValue
    too_many: type[QueryError] = TooManyValues

    @property
    def repeatable(self) -> bool:
        """Return whether the parameter may be given several times."""
        return self.max_values > 1

    @property
    def accepted(self) -> str:
        """Return the French sentence that says which values are accepted."""
        if not self.choices:
            return self.rule
        words = [f"« {c.value} »" for c in self.choices]
        listed = ", ".join(words[:-1]) + " ou " + words[-1]
        return f"Valeurs acceptées : {listed} (par défaut « {self.default} »)."


ROUTES = {
    "pages.search_page": Route("Page de résultats d’une recherche (sans recherche : l’accueil)."),
    "pages.article_page": Route("Un article, les mots de la recherche surlignés."),
    "pages.help_page": Route("La syntaxe des recherches."),
    "pages.new_search": Route(
        "Une nouvelle recherche depuis la boîte de l’en-tête, sans les filtres de la page "
        "(redirige vers les résultats)."
    ),
    "pages.favicon": Route("L’icône du site (redirige vers /static/favicon.svg)."),
    "pages.health": Route("État du service et nombre d’articles indexés.", json=True),
    "api.search": Route("Une page de résultats, en JSON.", json=True),
    "api.article": Route("Un article entier, en JSON.", json=True),
    "api.suggest": Route("Mots et titres qui complètent ce qui est tapé.", json=True),
    "analysis.trends_page": Route("Tendances : articles de chaque période, par recherche."),
    "analysis.trends_api": Route("Tendances, en JSON.", json=True),
    "analysis.concordance_page": Route("Concordance : chaque occurrence dans son contexte."),
    "analysis.concordance_api": Route("Concordance, en JSON.", json=True),
    "exports.results": Route("Tous les résultats d’une recherche, à télécharger (CSV ou JSON)."),
    "exports.trends": Route("Les séries des tendances, à télécharger (CSV ou JSON)."),
    "exports.concordance": Route(
        "Toutes les lignes d’une concordance, à télécharger (CSV ou JSON)."
    ),
    "feeds.search_feed": Route(
        f"Les {MAX_FEED_ENTRIES} articles les plus récents d’une recherche, en flux Atom "
        "(pour s’abonner)."
    ),
    "apidoc.api_page": Route("Les routes de l’API JSON et leurs paramètres."),
    "apidoc.openapi": Route("La description OpenAPI 3.1 de l’API JSON.", json=True),
}
RESULTS = ("pages.search_page", "api.search", "exports.results")
TRENDS = ("analysis.trends_page", "analysis.trends_api", "exports.trends")
CONCORDANCE = ("analysis.concordance_page", "analysis.concordance_api", "exports.concordance")
# A search's feed: the filters of its results, sorted newest first, the first page.
FEED = ("feeds.search_feed",)
FILTERED = RESULTS + TRENDS + CONCORDANCE + FEED
# Downloads hold every row: they take no page; doublons changes nothing in a results
# download, which lists every duplicate.
PAGED = RESULTS[:2] + CONCORDANCE[:2]
FOLDING = RESULTS[:2] + TRENDS + CONCORDANCE + FEED


def _filter(name: str, which: str, several: str, example: str) -> Parameter:
    return Parameter(
        name,
        Kind.TEXT,
        FILTERED,
        f"Ne garder que les articles {which} (une valeur de la facette) ; répété, l’une "
        "ou l’autre.",
        rule=f"Répétez-le pour choisir plusieurs {several}, {MAX_FILTER_VALUES} au plus.",
        max_values=MAX_FILTER_VALUES,
        example=example,
    )


def _date(name: str, which: str, example: str) -> Parameter:
    return Parameter(
        name,
        Kind.DATE,
        FILTERED,
        f"Ne garder que les articles publiés {which} ce jour, inclus (AAAA-MM-JJ).",
        rule="Indiquez une date existante sous la forme AAAA-MM-JJ, par exemple 2021-03-12.",
        example=example,
        error=InvalidDate,
    )


PARAMETERS = (
    Parameter(
        "q",
        Kind.QUERY,
        RESULTS + CONCORDANCE + FEED + ("pages.article_page", "pages.new_search"),
        "La recherche, dans la syntaxe de la page d’aide (128 mots au plus sont cherchés) ; "
        "sur la page d’un article, ses mots y sont surlignés.",
        rule="Une seule recherche ; la page Tendances en compare plusieurs.",
        max_chars=MAX_QUERY_CHARS,
        required=("analysis.concordance_api", "exports.concordance"),
        example="cybersécurité",
    ),
    Parameter(
        "q",
        Kind.QUERY,
        TRENDS,
        "Une recherche à suivre dans le temps ; répété, les recherches à comparer.",
        rule="Comparez au plus quatre recherches à la fois : répétez q pour chacune.",
        max_values=MAX_TRENDS,
        max_chars=MAX_QUERY_CHARS,
        required=("analysis.trends_api", "exports.trends"),
        example="retraites",
        too_many=TooManyQueries,
    ),
    Parameter(
        "q",
        Kind.TEXT,
        ("api.suggest",),
        "Ce qui est tapé : le dernier mot est complété (à partir de deux lettres).",
        rule="Un seul texte : ce qui est tapé dans la boîte de recherche.",
        max_chars=MAX_SUGGEST_CHARS,
        example="cyb",
    ),
    Parameter(
        "page",
        Kind.INTEGER,
        PAGED,
        "Numéro de la page, à partir de 1.",
        rule="Le numéro de page doit être un nombre entier positif.",
        default="1",
        minimum=1,
        example="2",
        error=InvalidPage,
    ),
    Parameter(
        "per_page",
        Kind.INTEGER,
        ("api.search",),
        "Résultats par page, de 1 à 100 (par défaut le réglage FOUILLE_PER_PAGE, 10).",
        rule="Le nombre de résultats par page doit être un nombre entier de 1 à 100.",
        minimum=1,
        maximum=100,
        example="20",
        error=InvalidPageSize,
    ),
    Parameter(
        "tri",
        Kind.CHOICE,
        RESULTS,
        "L’ordre des résultats.",
        choices=(
            Choice("pertinence", "les plus pertinents d’abord", Sort.RELEVANCE),
            Choice("recent", "les plus récents d’abord", Sort.NEWEST),
            Choice("ancien", "les plus anciens d’abord", Sort.OLDEST),
        ),
        default="pertinence",
        example="recent",
        error=InvalidSort,
    ),
    Parameter(
        "tri",
        Kind.CHOICE,
        CONCORDANCE,
        "L’ordre des lignes de la concordance.",
        choices=(
            Choice("date", "les articles les plus récents d’abord", ConcordanceSort.DATE),
            Choice("precedent", "par le mot qui précède", ConcordanceSort.PREVIOUS_WORD),
            Choice("suivant", "par le mot qui suit", ConcordanceSort.NEXT_WORD),
        ),
        default="date",
        example="suivant",
        error=InvalidSort,
    ),
    Parameter(
        "par",
        Kind.CHOICE,
        TRENDS,
        "La durée de chaque période.",
        choices=(
            Choice("annee", "par année", Period.YEAR),
            Choice("mois", "par mois", Period.MONTH),
            Choice("semaine", "par semaine ISO, du lundi", Period.WEEK),
        ),
        default="mois",
        example="annee",
        error=InvalidPeriod,
    ),
    Parameter(
        "mesure",
        Kind.CHOICE,
        ("analysis.trends_page", "analysis.trends_api"),
        "Ce que trace le graphique de la page (le tableau et le JSON donnent les deux).",
        choices=(
            Choice("part", "part des articles de la période", True),
            Choice("nombre", "nombre d’articles", False),
        ),
        default="part",
        example="nombre",
        error=InvalidMeasure,
    ),
    Parameter(
        "periode",
        Kind.CHOICE,
        TRENDS,
        "Les périodes montrées quand aucune date n’est choisie (du, au, annee).",
        choices=(
            Choice("essentiel", "les années où se trouve l’essentiel des articles", False),
            Choice("tout", "toute la période des articles", True),
        ),
        default="essentiel",
        example="tout",
    ),
    Parameter(
        "doublons",
        Kind.CHOICE,
        FOLDING,
        "Ce que deviennent les reprises d’un même article.",
        choices=(
            Choice("regrouper", "un résultat par groupe de reprises", True),
            Choice("afficher", "chaque reprise comme un résultat", False),
        ),
        default="regrouper",
        example="afficher",
    ),
    _filter("rubrique", "de cette rubrique", "rubriques", "Économie"),
    _filter("auteur", "de cet auteur", "auteurs", "Claire Dubois"),
    _filter("source", "de cette source", "sources", "Exemple Presse"),
    _filter("motcle", "portant ce mot-clé", "mots-clés", "climat"),
    Parameter(
        "annee",
        Kind.YEAR,
        FILTERED,
        "Ne garder que les articles publiés cette année-là ; répété, l’une ou l’autre.",
        rule="Écrivez l’année sur quatre chiffres (AAAA), par exemple 2021.",
        max_values=MAX_FILTER_VALUES,
        example="2021",
        error=InvalidDate,
    ),
    _date("du", "à partir de", "2021-01-01"),
    _date("au", "jusqu’à", "2021-12-31"),
)


def parameters_of(endpoint: str) -> tuple[Parameter, ...]:
    """Return the parameters a route takes, in the table's order."""
    return tuple(p for p in PARAMETERS if endpoint in p.routes)
