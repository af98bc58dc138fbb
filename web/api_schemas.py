"""JSON Schemas of what the API answers, for its OpenAPI document (search/views/payload.py).

Objects are closed (no other property): a field added to a payload without being described
here fails the test that validates real answers against these schemas.
"""

from __future__ import annotations

_TEXT = {"type": "string"}
_DATE = {"type": ["string", "null"], "description": "Date ISO 8601, ou null si inconnue."}
_COUNT = {"type": "integer", "minimum": 0}
_FLAG = {"type": "boolean"}
# What a result and an article both give of an article.
_ARTICLE_FIELDS = {
    "id": _TEXT,
    "title": _TEXT,
    "url": _TEXT,
    "published": _DATE,
    "author": _TEXT,
    "source": _TEXT,
    "section": _TEXT,
    "tags": {"type": "array", "items": _TEXT},
}


def _object(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return schema | ({"description": description} if description else {})


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Error": _object(
        {
            "error": {
                "type": "object",
                "properties": {
                    "code": _TEXT | {"description": "Code stable, par exemple invalid_page."},
                    "message": _TEXT | {"description": "Ce qui ne va pas, en français."},
                    "parameter": _TEXT | {"description": "Le paramètre en cause."},
                },
                "required": ["code", "message"],
                "additionalProperties": False,
            }
        },
        "Une erreur : statut 400, 404 ou 503.",
    ),
    "Duplicate": _object({"id": _TEXT, "title": _TEXT, "published": _DATE}),
    "Hit": _object(
        _ARTICLE_FIELDS
        | {
            "score": {"type": ["number", "null"], "description": "null si trié par date."},
            "snippet": _TEXT | {"description": "Extrait en HTML, les mots cherchés en <mark>."},
            "duplicates": {"type": "array", "items": _ref("Duplicate")},
        },
        "Un article de la liste de résultats.",
    ),
    "FacetValue": _object({"value": _TEXT, "count": _COUNT}),
    "Results": _object(
        {
            "query": _TEXT,
            "total": _COUNT | {"description": "Articles trouvés, reprises regroupées."},
            "took_ms": {"type": "number"},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "syntax_fallback": _FLAG,
            "truncated": _FLAG,
            "suggestion": {"type": ["string", "null"]},
            "folded": _COUNT,
            "partial": _FLAG,
            "wildcards_capped": _FLAG,
            "missing_shards": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1},
                "description": "Fragments d’une archive répartie qui n’ont pas répondu "
                "(numérotés à partir de 1) : les résultats sont alors incomplets.",
            },
            "hits": {"type": "array", "items": _ref("Hit")},
            "facets": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _ref("FacetValue")},
                "description": "Par facette (section, author, source, tags, year), ses valeurs.",
            },
        },
        "Une page de résultats.",
    ),
    "Article": _object(
        _ARTICLE_FIELDS
        | {
            "summary": _TEXT,
            "body": _TEXT,
        },
        "Un article tel qu’il est indexé.",
    ),
    "Completion": _object(
        {
            "query": _TEXT,
            "words": {"type": "array", "items": _TEXT},
            "titles": {"type": "array", "items": _object({"id": _TEXT, "title": _TEXT})},
        },
        "Mots et titres qui complètent ce qui est tapé.",
    ),
    "Health": _object(
        {"status": {"const": "ok"}, "documents": _COUNT, "last_update": _DATE},
        "L’index répond.",
    ),
}
ERROR = _ref("Error")
# Described in the README ("JSON API"); their shapes are open here.
_OPEN = {"type": "object"}
RESPONSES = {
    "api.search": _ref("Results"),
    "api.article": _ref("Article"),
    "api.suggest": _ref("Completion"),
    "pages.health": _ref("Health"),
    "analysis.trends_api": _OPEN | {"description": "Une série par recherche (README)."},
    "analysis.concordance_api": _OPEN | {"description": "Les lignes de la concordance."},
    "apidoc.openapi": _OPEN | {"description": "Ce document."},
}
