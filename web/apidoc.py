"""The JSON API described: its OpenAPI document, and a page in French that lists its routes."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from .openapi import openapi_document

bp = Blueprint("apidoc", __name__)


@bp.get("/api")
def api_page():
    # Written from the document itself, so that the page says what the document says.
    document = openapi_document(current_app)
    return render_template("api.html", paths=document["paths"])


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app))


def register(app) -> None:
    """Install the API's description routes."""
    app.register_blueprint(bp)
