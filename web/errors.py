"""Every error the site can meet, mapped in one place to a status and a French message."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search import (
    ArticleNotFound,
    IndexEmpty,
    IndexIncompatible,
    IndexMissing,
    QueryError,
)

INDEX_HELP = "Construisez-le avec la commande : fouille index data/"
MESSAGES = {
    IndexMissing: (503, "index_missing", "L’index de recherche est introuvable. " + INDEX_HELP),
    IndexEmpty: (
        503,
        "index_empty",
        "L’index de recherche ne contient aucun article. " + INDEX_HELP,
    ),
    IndexIncompatible: (
        503,
        "index_incompatible",
        "L’index a été construit par une autre version de Fouille. "
        "Reconstruisez-le : fouille index --rebuild data/",
    ),
    ArticleNotFound: (404, "not_found", "Cet article n’existe pas ou a été retiré de l’index."),
    QueryError: (400, "bad_request", "Cette recherche contient un paramètre invalide."),
}
HTTP_MESSAGES = {
    400: "La requête est invalide.",
    404: "Cette page n’existe pas.",
    405: "Cette méthode n’est pas acceptée ici.",
}


def register(app) -> None:
    """Install the error handlers on app."""
    for error_class in MESSAGES:
        app.register_error_handler(error_class, _known)
    app.register_error_handler(HTTPException, _http)


def _known(error):
    status, code, message = MESSAGES[type(error)]
    return _render(status, code, message)


def _http(error: HTTPException):
    message = HTTP_MESSAGES.get(error.code, "Une erreur est survenue.")
    return _render(error.code or 500, error.name.lower().replace(" ", "_"), message)


def _render(status: int, code: str, message: str):
    if request.path.startswith("/api/") or request.path == "/healthz":
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status
