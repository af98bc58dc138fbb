"""Every error the site can meet, mapped in one place to a status and a French message."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search import (
    ArticleNotFound,
    DuplicatesUnreadable,
    FouilleError,
    IndexChanged,
    IndexEmpty,
    IndexIncompatible,
    IndexLocked,
    IndexMissing,
    InvalidDate,
    InvalidDateRange,
    InvalidMeasure,
    InvalidPage,
    InvalidPageSize,
    InvalidPeriod,
    InvalidSort,
    InvalidValue,
    MissingQuery,
    QueryError,
    RepeatedParameter,
    ShardsDown,
    TooManyPeriods,
    TooManyQueries,
    TooManyValues,
)

from .params import clean

INDEX_HELP = "Construisez-le avec la commande : fouille index data/"
# Looked up along each error's class hierarchy: the most specific entry wins.
MESSAGES = {
    IndexMissing: (503, "index_missing", "L’index de recherche est introuvable. " + INDEX_HELP),
    IndexEmpty: (503, "index_empty", "L’index ne contient encore aucun article. " + INDEX_HELP),
    IndexIncompatible: (
        503,
        "index_incompatible",
        "L’index a été construit par une autre version de Fouille. "
        "Reconstruisez-le : fouille index --rebuild data/",
    ),
    DuplicatesUnreadable: (
        503,
        "duplicates_unreadable",
        "Le fichier des doublons de l’index (fouille-duplicates.json) est illisible. "
        "Supprimez-le : la prochaine commande fouille index le refera.",
    ),
    IndexChanged: (
        503,
        "index_changed",
        "L’index a été mis à jour pendant l’export : relancez-le pour exporter sa nouvelle "
        "version.",
    ),
    IndexLocked: (
        503,
        "index_locked",
        "L’index est en cours d’écriture ; réessayez dans un instant.",
    ),
    ShardsDown: (
        503,
        "shards_down",
        "Aucun fragment de l’archive ne répond pour l’instant ; réessayez dans un instant.",
    ),
    ArticleNotFound: (404, "not_found", "Cet article n’existe pas ou a été retiré de l’index."),
    InvalidPage: (400, "invalid_page", "Le numéro de page doit être un nombre entier positif."),
    InvalidPageSize: (
        400,
        "invalid_page_size",
        "Le nombre de résultats par page doit être un nombre entier de 1 à 100.",
    ),
    InvalidDate: (
        400,
        "invalid_date",
        "Date invalide : écrivez-la sous la forme AAAA-MM-JJ (par exemple 2021-03-12), "
        "et l’année sur quatre chiffres.",
    ),
    InvalidDateRange: (
        400,
        "invalid_date_range",
        "La date de début est postérieure à la date de fin : inversez-les pour rechercher.",
    ),
    MissingQuery: (
        400,
        "missing_query",
        "Indiquez une recherche dans le paramètre q, par exemple : q=cybersécurité.",
    ),
    TooManyValues: (
        400,
        "too_many_values",
        "Trop de valeurs pour un même filtre : gardez-en au plus trente.",
    ),
    TooManyQueries: (
        400,
        "too_many_queries",
        "Comparez au plus quatre recherches à la fois : retirez-en une.",
    ),
    InvalidPeriod: (
        400,
        "invalid_period",
        "La période doit être « annee », « mois » ou « semaine » (paramètre par).",
    ),
    TooManyPeriods: (
        400,
        "too_many_periods",
        "Trop de périodes pour un graphique lisible : choisissez des périodes plus longues "
        "(par mois ou par année) ou une plage de dates plus courte.",
    ),
    InvalidMeasure: (
        400,
        "invalid_measure",
        "La mesure doit être « part » (part des articles de la période) ou « nombre ».",
    ),
    InvalidSort: (400, "invalid_sort", "Cet ordre de tri n’existe pas."),
    InvalidValue: (400, "invalid_value", "Cette valeur n’est pas acceptée."),
    RepeatedParameter: (400, "repeated_parameter", "Un paramètre est donné plusieurs fois."),
    QueryError: (400, "bad_request", "Cette recherche contient un paramètre invalide."),
    FouilleError: (500, "internal_error", "Une erreur interne est survenue."),
}
HTTP_MESSAGES = {
    400: "La requête est invalide.",
    404: "Cette page n’existe pas.",
    405: "Cette méthode n’est pas acceptée ici.",
}


def register(app) -> None:
    """Install the error handlers on app."""
    app.register_error_handler(FouilleError, _known)
    app.register_error_handler(HTTPException, _http)


def _known(error: FouilleError):
    status, code, message = next(MESSAGES[c] for c in type(error).__mro__ if c in MESSAGES)
    parameter = getattr(error, "parameter", None)
    # Only the site's reader of URL parameters (params.py) names one; its message is written
    # for the reader and names the parameter. The search package's messages are the CLI's.
    if parameter:
        message = str(error)
    return _render(status, code, message, parameter)


def _http(error: HTTPException):
    message = HTTP_MESSAGES.get(error.code, "Une erreur est survenue.")
    return _render(error.code or 500, error.name.lower().replace(" ", "_"), message)


def _render(status: int, code: str, message: str, parameter: str | None = None):
    if request.path.startswith("/api/") or request.path == "/healthz":
        error = {"code": code, "message": message}
        if parameter:
            error["parameter"] = parameter
        return jsonify({"error": error}), status
    query = clean(request.args.get("q", ""))
    return render_template("error.html", status=status, message=message, query=query), status
