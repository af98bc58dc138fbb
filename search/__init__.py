"""Fouille's search library: French analysis, indexing and querying over Whoosh.

Everything the CLI and the web app use is exported here; neither imports Whoosh.
"""

from .analysis import analyze, fold_accents
from .archive import Archive
from .errors import (
    ArticleNotFound,
    FouilleError,
    IndexEmpty,
    IndexIncompatible,
    IndexLocked,
    IndexMissing,
    InputError,
    InvalidDate,
    InvalidDateRange,
    InvalidInput,
    InvalidPage,
    QueryError,
    UnsupportedInput,
)
from .indexing import (
    IndexPlan,
    IndexReport,
    build_index,
    check_files,
    delete_articles,
    index_files,
    index_plan,
)
from .models import (
    Article,
    ArticleView,
    Completion,
    Facet,
    FacetValue,
    Filters,
    Hit,
    Results,
    Sort,
    Stats,
)
from .payload import article_payload, completion_payload, results_payload, stats_payload

__version__ = "0.1.0"

__all__ = [
    "Archive",
    "Article",
    "ArticleNotFound",
    "ArticleView",
    "Completion",
    "Facet",
    "FacetValue",
    "Filters",
    "FouilleError",
    "Hit",
    "IndexEmpty",
    "IndexIncompatible",
    "IndexLocked",
    "IndexMissing",
    "IndexPlan",
    "IndexReport",
    "InputError",
    "InvalidDate",
    "InvalidDateRange",
    "InvalidPage",
    "InvalidInput",
    "QueryError",
    "Results",
    "Sort",
    "Stats",
    "UnsupportedInput",
    "__version__",
    "analyze",
    "article_payload",
    "build_index",
    "check_files",
    "completion_payload",
    "delete_articles",
    "fold_accents",
    "index_files",
    "index_plan",
    "results_payload",
    "stats_payload",
]
