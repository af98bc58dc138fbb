"""Fouille's search library: French analysis, indexing and querying over Whoosh.

Everything the CLI and the web app use is exported here; neither imports Whoosh.
"""

from .analysis.french import analyze, fold_accents
from .analysis.labels import label_key
from .archive import Archive
from .cluster import open_archive
from .cluster.sharded import ShardedArchive
from .errors import (
    ArticleNotFound,
    DiskFull,
    DuplicatesUnreadable,
    FouilleError,
    IndexChanged,
    IndexEmpty,
    IndexIncompatible,
    IndexLocked,
    IndexMissing,
    InputError,
    InvalidDate,
    InvalidDateRange,
    InvalidInput,
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
from .ranking.query import MAX_WILDCARDS, searched_text
from .ranking.query import MAX_WORDS as MAX_QUERY_WORDS
from .ranking.scoring import MAX_EXPANSIONS
from .store.clustering import DuplicateReport, update_duplicates
from .store.derived import update_derived
from .store.indexing import (
    IndexPlan,
    IndexReport,
    build_index,
    check_files,
    delete_articles,
    index_files,
    index_plan,
)
from .store.syncing import SyncReport, WatchReport, sync_folders, watch_folders
from .store.topics import TopicsReport, update_topics
from .views.association import KeyTerm
from .views.concordance import Concordance, ConcordanceSort
from .views.concordance import Line as ConcordanceLine
from .views.exporting import Export, csv_chunks, json_chunks
from .views.payload import article_payload, completion_payload, results_payload, stats_payload
from .views.periods import Period, Span
from .views.related import Related
from .views.tables import concordance_export, concordance_payload, trends_export, trends_payload
from .views.trends import MAX_QUERIES as MAX_TRENDS
from .views.trends import Trend, TrendPoint, Trends

__version__ = "0.1.0"

__all__ = [
    "Archive",
    "Article",
    "ArticleNotFound",
    "ArticleView",
    "Completion",
    "Concordance",
    "ConcordanceLine",
    "ConcordanceSort",
    "Duplicate",
    "DiskFull",
    "DuplicateReport",
    "DuplicatesUnreadable",
    "EvalReport",
    "EvalSet",
    "EvalSetError",
    "Export",
    "Facet",
    "FacetValue",
    "Filters",
    "FouilleError",
    "Hit",
    "IndexChanged",
    "IndexEmpty",
    "IndexIncompatible",
    "IndexLocked",
    "IndexMissing",
    "IndexPlan",
    "IndexReport",
    "InputError",
    "InvalidDate",
    "InvalidDateRange",
    "InvalidInput",
    "InvalidPage",
    "InvalidPageSize",
    "InvalidMeasure",
    "InvalidPeriod",
    "InvalidSort",
    "InvalidValue",
    "KeyTerm",
    "MAX_EXPANSIONS",
    "MAX_QUERY_WORDS",
    "MAX_TRENDS",
    "MAX_WILDCARDS",
    "MissingQuery",
    "Period",
    "QueryError",
    "RepeatedParameter",
    "Related",
    "Results",
    "ShardedArchive",
    "ShardsDown",
    "Sort",
    "Span",
    "Stats",
    "SyncReport",
    "TooManyPeriods",
    "TooManyQueries",
    "TooManyValues",
    "Trend",
    "TrendPoint",
    "Trends",
    "UnsupportedInput",
    "WatchReport",
    "__version__",
    "analyze",
    "article_payload",
    "build_index",
    "check_files",
    "completion_payload",
    "concordance_export",
    "concordance_payload",
    "csv_chunks",
    "delete_articles",
    "evaluate",
    "fold_accents",
    "index_files",
    "index_plan",
    "json_chunks",
    "label_key",
    "load_eval_set",
    "open_archive",
    "rank_queries",
    "results_payload",
    "score_run",
    "searched_text",
    "stats_payload",
    "sync_folders",
    "trends_export",
    "trends_payload",
    "update_derived",
    "update_duplicates",
    "update_topics",
    "TopicsReport",
    "watch_folders",
    "write_run",
]
