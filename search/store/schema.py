"""The Whoosh schema of an article index."""

from __future__ import annotations

from whoosh.columns import VarBytesListColumn
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Existence

from ..analysis.french import FrenchAnalyzer, NameAnalyzer, WordAnalyzer

# Fields searched by words typed without a field name, with their BM25F weights.
TEXT_FIELDS = {"title": 2.0, "summary": 1.5, "body": 1.0}
# Words as written in the title, lead and text (unstemmed): rank articles that hold the very
# forms a query uses above those holding only their stems (docs/RELEVANCE.md).
FORMS = "forms"
# Fields a query may name (French and English), mapped to the schema.
FIELD_NAMES = {
    "titre": "title",
    "title": "title",
    "chapo": "summary",
    "resume": "summary",
    "summary": "summary",
    "texte": "body",
    "body": "body",
    "auteur": "author",
    "author": "author",
    "source": "source",
    "rubrique": "section_key",
    "section": "section_key",
    "tag": "tag_keys",
    "tags": "tag_keys",
    "motcle": "tag_keys",
}


class TagListColumn(VarBytesListColumn):
    """A list column that, unlike Whoosh's, can be read across several segments."""

    def default_value(self, reverse=False):
        return []


class TagsField(KEYWORD):
    """Comma-separated tags, with a list column so that tag facets read no postings."""

    def __init__(self):
        super().__init__(stored=True, commas=True, scorable=True, sortable=True)

    def default_column(self):
        return TagListColumn()

    def to_column_value(self, value):
        return [tag.strip().encode("utf-8") for tag in value.split(",") if tag.strip()]

    def from_column_value(self, value):
        return [tag.decode("utf-8") for tag in value]


class FormsField(KEYWORD):
    """Space-separated words as written: only which articles hold each, no frequencies."""

    def __init__(self):
        super().__init__()
        self.format = Existence()


def build_schema() -> Schema:
    """Return a fresh schema for an article index."""
    french = FrenchAnalyzer()
    names = NameAnalyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        url=STORED(),
        title=TEXT(analyzer=french, stored=True),
        summary=TEXT(analyzer=french, stored=True),
        body=TEXT(analyzer=french, stored=True),
        author=TEXT(analyzer=names, stored=True),
        source=TEXT(analyzer=names, stored=True),
        section=ID(stored=True, sortable=True),
        tags=TagsField(),
        published=DATETIME(stored=True, sortable=True),
        # Facet and filter keys: exact labels as shown, and folded keys for typed queries.
        author_label=ID(sortable=True),
        source_label=ID(sortable=True),
        year=ID(sortable=True),
        section_key=ID(),
        tag_keys=KEYWORD(commas=True),
        fingerprint=ID(stored=True, sortable=True),
        # Title and lead words as written (lowercase, accents kept): spelling and completion.
        words=TEXT(analyzer=WordAnalyzer(), phrase=False),
        # Which articles hold each form (``written_forms``, each once, space-separated): no
        # positions, no lengths.
        forms=FormsField(),
    )
