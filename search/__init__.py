"""Fouille's search library: French analysis, indexing and querying over Whoosh.

Everything the CLI and the web app use is exported here; neither imports Whoosh.
"""

from .analysis import analyze, fold_accents
from .archive import Archive
from .clustering import DuplicateReport, update_duplicates
from .errors import (
    ArticleNotFound,
    DuplicatesUnreadable,
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
    InvalidPageSize,
    QueryError,
    UnsupportedInput,
)
from .evaluation import (
    EvalReport,
    EvalSet,
    EvalSetError,
    evaluate,
    load_eval_set,
    rank_queries,
    score_run,
    write_run,
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
    Duplicate,
    Facet,
    FacetValue,
    Filters,
    Hit,
    Results,
    Sort,
    Stats,
)
from .payload import article_payload, completion_payload, results_payload, stats_payload
from .query import MAX_WORDS as MAX_QUERY_WORDS
from .syncing import SyncReport, WatchReport, sync_folders, watch_folders

__version__ = "0.1.0"

__all__ = [
    "Archive",
    "Article",
    "ArticleNotFound",
    "ArticleView",
    "Completion",
    "Duplicate",
    "DuplicateReport",
    "DuplicatesUnreadable",
    "EvalReport",
    "EvalSet",
    "EvalSetError",
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
    "InvalidPageSize",
    "MAX_QUERY_WORDS",
    "InvalidInput",
    "QueryError",
    "Results",
    "Sort",
    "Stats",
    "SyncReport",
    "UnsupportedInput",
    "WatchReport",
    "__version__",
    "analyze",
    "article_payload",
    "build_index",
    "check_files",
    "completion_payload",
    "delete_articles",
    "evaluate",
    "fold_accents",
    "index_files",
    "index_plan",
    "load_eval_set",
    "rank_queries",
    "results_payload",
    "score_run",
    "stats_payload",
    "sync_folders",
    "update_duplicates",
    "watch_folders",
    "write_run",
]
