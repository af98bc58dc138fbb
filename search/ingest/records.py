"""Turn one raw input record (a dict from any format) into a validated Article."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from ..analysis.french import fold_accents
from ..errors import InputError
from ..models import Article
from .dates import parse_date

# Field names real feeds use, in order of preference.
ALIASES = {
    "id": ("id", "_id", "guid", "identifiant"),
    "title": ("title", "titre", "headline"),
    "body": ("text", "body", "content", "article", "texte", "contenu"),
    "summary": ("abstract", "summary", "description", "chapo", "chapeau", "lead", "resume"),
    "published": ("published", "date", "pubDate", "pubdate", "datePublished", "published_at"),
    "section": ("section", "category", "rubrique", "categorie"),
    "tags": ("tags", "keywords", "mots_cles", "mots-cles", "motscles"),
    "author": ("author", "auteur", "byline", "creator"),
    "source": ("source", "publisher", "site", "media"),
    "url": ("url", "link", "lien", "canonical"),
    "lang": ("lang", "language", "langue"),
}
REQUIRED = ("title", "body")
MAX_CHARS = {"body": 1_000_000, "summary": 100_000, "title": 1_000}

# Section labels as the site shows them, by folded lowercase key.
SECTION_LABELS = {
    "cybersecurite": "Cybersécurité",
    "economie": "Économie",
    "education": "Éducation",
    "fait-divers": "Faits divers",
    "faits-divers": "Faits divers",
    "high-tech": "High-tech",
    "media": "Médias",
    "medias": "Médias",
    "numerique": "Numérique",
    "sante": "Santé",
    "societe": "Société",
}


def normalize_record(raw: Mapping, path: str, line: int) -> Article:
    """Return the Article a raw record describes.

    :raises InputError: naming the file, line and field at fault.
    """
    if not isinstance(raw, Mapping):
        raise InputError(path, line, None, "expected an object with article fields")
    picked = {name: _pick(raw, name, path, line) for name in ALIASES}
    values = {name: text for name, (_, text) in picked.items()}
    for name in REQUIRED:
        if not values[name]:
            names = ", ".join(ALIASES[name])
            raise InputError(path, line, name, f"missing required field (accepted names: {names})")
    for name, limit in MAX_CHARS.items():
        if len(values[name]) > limit:
            size = len(values[name].encode("utf-8")) / 1_000_000
            raise InputError(
                path,
                line,
                picked[name][0],
                f"{size:.1f} MB of text exceeds the limit of {limit:,} characters; "
                "split or shorten the article",
            )
    published = _date(*picked["published"], path, line)
    article_id = values["id"] or values["url"] or _content_id(values["title"], values["body"])
    return Article(
        id=article_id,
        title=values["title"],
        body=values["body"],
        url=values["url"],
        summary=values["summary"],
        author=values["author"],
        source=values["source"] or _domain(values["url"]),
        section=normalize_section(values["section"]),
        tags=_tags(",".join((values["tags"], _language_tag(values["lang"])))),
        published=published,
    )


def normalize_section(label: str) -> str:
    """Return the site's label for a section, whatever case, accents or path it came with.

    >>> normalize_section("societe/people"), normalize_section("ECONOMIE"), normalize_section("")
    ('People', 'Économie', '')
    """
    leaf = label.strip().strip("/").rsplit("/", 1)[-1].strip()
    if not leaf:
        return ""
    key = fold_accents(leaf.lower())
    return SECTION_LABELS.get(key, leaf[0].upper() + leaf[1:].lower())


def _pick(raw: Mapping, name: str, path: str, line: int) -> tuple[str, str]:
    """Return the first alias of a field present in raw, and its text."""
    for key in ALIASES[name]:
        value = raw.get(key)
        if value is None or value == "" or value == []:
            continue
        if name == "tags" and isinstance(value, list):
            return key, ",".join(_text(v, path, line, key) for v in value)
        return key, _text(value, path, line, key)
    return name, ""


def _text(value, path: str, line: int, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        kind = type(value).__name__
        raise InputError(path, line, key, f"expected text, found {kind}")
    return unicodedata.normalize("NFC", str(value)).strip()


def _tags(joined: str) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in re.split(r"[,;]", joined):
        tag = " ".join(tag.split())
        if tag:
            seen.setdefault(fold_accents(tag.lower()), tag)
    return tuple(seen.values())


def _language_tag(code: str) -> str:
    """Return the tag that marks an article not in French, so it can be found and filtered.

    >>> _language_tag("en-GB"), _language_tag("fr"), _language_tag("")
    ('langue:en', '', '')
    """
    primary = code.lower().replace("_", "-").split("-")[0]
    return f"langue:{primary}" if primary and primary != "fr" else ""


def _date(key: str, value: str, path: str, line: int) -> datetime | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        raise InputError(path, line, key, str(error)) from None


def _domain(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _content_id(title: str, body: str) -> str:
    digest = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
    return f"sha1-{digest[:16]}"


def fingerprint(article: Article) -> str:
    """Return a digest that changes whenever any field of the article changes."""
    parts = [str(getattr(article, name)) for name in Article.__dataclass_fields__]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
