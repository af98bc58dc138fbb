"""The OpenAPI 3.1 description of the JSON API, written from the app's routes and the table."""

from __future__ import annotations

import re

from search import __version__

from .api_schemas import ERROR, RESPONSES, SCHEMAS
from .param_table import ROUTES, Kind, Parameter, parameters_of

# A Flask rule's variable part, such as <article_id:article_id>.
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# The parts of a path that the table of URL parameters does not describe.
PATH_PARAMETERS = {
    "article_id": "L’identifiant de l’article, en un seul segment d’URL : chaque caractère "
    "autre que lettres, chiffres et -._~ est encodé (« / » en %2F) ; un identifiant « . », "
    "« .. » ou commençant par « ~ » prend un « ~ » de plus devant.",
}
ERRORS = {
    "400": "Un paramètre est invalide : l’erreur le nomme et dit ce qu’il accepte.",
    "404": "Cet article n’existe pas.",
    "503": "L’index est introuvable, vide, ou son fichier des doublons est illisible.",
}


def openapi_document(app) -> dict:
    """Return the OpenAPI 3.1 document of every JSON route of app."""
    paths = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in ROUTES and ROUTES[rule.endpoint].json:
            path = _VARIABLE.sub(r"{\1}", rule.rule)
            paths[path] = {"get": _operation(rule.endpoint, sorted(rule.arguments))}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API JSON de Fouille",
            "version": __version__,
            "description": "Les recherches du site, pour les programmes : chaque route prend "
            "les paramètres d’URL de la page qui lui correspond. Une erreur répond par un "
            "objet « error » (code, message en français, paramètre en cause).",
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }


def _operation(endpoint: str, path_names: list[str]) -> dict:
    parameters = [_path_parameter(name) for name in path_names]
    parameters += [_query_parameter(endpoint, p) for p in parameters_of(endpoint)]
    responses = {
        "200": {
            "description": "La réponse.",
            "content": {"application/json": {"schema": RESPONSES.get(endpoint, {})}},
        }
    }
    errors = ["503"] if endpoint != "apidoc.openapi" else []
    errors += ["400"] if parameters_of(endpoint) else []
    errors += ["404"] if path_names else []
    for status in sorted(errors):
        error = {"application/json": {"schema": ERROR}}
        responses[status] = {"description": ERRORS[status], "content": error}
    operation = {"operationId": endpoint.replace(".", "_"), "summary": ROUTES[endpoint].summary}
    if parameters:
        operation["parameters"] = parameters
    return operation | {"responses": responses}


def _path_parameter(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": PATH_PARAMETERS[name],
        "schema": {"type": "string", "minLength": 1},
    }


def _query_parameter(endpoint: str, param: Parameter) -> dict:
    schema = _schema(param)
    if param.repeatable:
        schema = {"type": "array", "items": schema, "maxItems": param.max_values}
    described = {
        "name": param.name,
        "in": "query",
        "description": " ".join(filter(None, (param.description, param.accepted))),
        "required": endpoint in param.required,
        "schema": schema,
    }
    if param.repeatable:
        described |= {"style": "form", "explode": True}
    return described | ({"example": param.example} if param.example else {})


def _schema(param: Parameter) -> dict:
    if param.kind is Kind.CHOICE:
        return {"type": "string", "enum": [c.value for c in param.choices]} | _default(param)
    if param.kind is Kind.INTEGER:
        bounds = {"minimum": param.minimum, "maximum": param.maximum}
        schema = {"type": "integer"} | {k: v for k, v in bounds.items() if v is not None}
        return schema | ({"default": int(param.default)} if param.default else {})
    if param.kind is Kind.DATE:
        return {"type": "string", "format": "date"}
    if param.kind is Kind.YEAR:
        return {"type": "string", "pattern": "^[0-9]{4}$"}
    return {"type": "string"} | ({"maxLength": param.max_chars} if param.max_chars else {})


def _default(param: Parameter) -> dict:
    return {"default": param.default} if param.default is not None else {}
