"""Exceptions raised by the search package; the CLI and the web app turn them into messages."""

from __future__ import annotations

import errno

from .wording import counted

# What an operating system says when a disk (or the user's quota on it) is full.
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


class FouilleError(Exception):
    """Base class of every error Fouille reports to a user."""


class IndexMissing(FouilleError):
    """No index exists at the given location."""


class IndexEmpty(FouilleError):
    """The index exists but holds no article."""


class IndexIncompatible(FouilleError):
    """The index was built by a version of Fouille with another schema."""


class DuplicatesUnreadable(IndexIncompatible):
    """The record of duplicate articles beside the index cannot be read."""


class IndexChanged(FouilleError):
    """The index was replaced by a newer version while an export was being read."""


class IndexLocked(FouilleError):
    """Another process is writing to the index."""


class DiskFull(FouilleError):
    """The disk holding the index has no space left; what was committed before is kept."""


class ShardsMismatch(FouilleError):
    """The shards asked for are not those the index is split into."""


class ClusterUnavailable(FouilleError):
    """The Ray cluster cannot be started or reached, or Ray is not installed."""


class ArticleNotFound(FouilleError):
    """No article has the requested id."""


class InputError(FouilleError):
    """One record of an input file cannot be indexed."""

    def __init__(self, path: str, line: int | None, field: str | None, message: str):
        self.path = path
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class InvalidInput(FouilleError):
    """An input file holds records that cannot be indexed; nothing from it was written."""

    def __init__(self, path: str, errors: list[InputError]):
        self.path = path
        self.errors = errors
        super().__init__(f"{path}: {counted(len(errors), 'invalid record')}")


class UnsupportedInput(FouilleError):
    """A path is neither a supported file nor a folder."""


class QueryError(FouilleError):
    """A search request has an invalid parameter."""

    def __init__(self, message: str = "", parameter: str | None = None):
        # The name of the request parameter at fault, for the site to point at.
        self.parameter = parameter
        super().__init__(message)


class InvalidPage(QueryError):
    """The page number or page size is out of range."""


class InvalidPageSize(QueryError):
    """The number of results per page is out of range."""


class InvalidDate(QueryError):
    """A date filter is not a date."""


class TooManyValues(QueryError):
    """A filter is given more alternative values than a search combines."""


class InvalidDateRange(QueryError):
    """The date range ends before it starts."""


class TooManyQueries(QueryError):
    """More queries are compared than a trend chart can show."""


class MissingQuery(QueryError):
    """An analysis that needs a query was asked for without one."""


class InvalidPeriod(QueryError):
    """The length of a trend's periods is not one Fouille knows."""


class TooManyPeriods(QueryError):
    """A trend would have more periods than a chart can show."""


class InvalidMeasure(QueryError):
    """A trend chart is asked to plot something other than shares or counts."""


class InvalidSort(QueryError):
    """A result list or a concordance is asked for in an order it does not offer."""


class InvalidValue(QueryError):
    """A request parameter has a value other than those it accepts."""


class RepeatedParameter(QueryError):
    """A request parameter that takes one value is given several."""


class ShardsDown(FouilleError):
    """Shards of a sharded archive did not answer."""

    def __init__(self, shards: list[int], reason: str = ""):
        super().__init__(f"shards {shards} did not answer: {reason}")
        self.shards = shards
