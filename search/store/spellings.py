"""A label column's spellings grouped by key (``analysis/labels.py``), for one index version.

The labels are stored as written, one code per distinct spelling; a version's few thousand
spellings are grouped once, when first asked for, into a table from code to group. Facets
then count groups and filters select every code of a group, with the same vectorised
operations as over the codes themselves. A group is shown as its most frequent spelling
among the articles of the version.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from ..analysis.labels import bare_label, label_key


@dataclass(frozen=True)
class Spellings:
    """A label column's spellings in groups: group[code] is the number of the code's group.

    shown[g] is group g's most frequent spelling; keys maps each key to its group.
    """

    group: np.ndarray
    shown: tuple[str, ...]
    keys: dict[str, int]
    # rank[g]: the place of shown[g] in the sorted shown forms, to order equal counts.
    rank: np.ndarray

    def codes_of(self, values: list[str]) -> np.ndarray:
        """Return the codes of every spelling of the given values, whichever was given."""
        groups = [self.keys[key] for key in map(label_key, values) if key in self.keys]
        return np.flatnonzero(np.isin(self.group, groups)).astype(np.int32)


def group_spellings(names: tuple[str, ...], frequency: np.ndarray) -> Spellings:
    """Return the spellings grouped by key; frequency[code] counts the articles with each."""
    keys: dict[str, int] = {}
    group = np.empty(len(names), dtype=np.int32)
    written: list[Counter] = []
    for code, name in enumerate(names):
        key, bare = _spelling(name)
        number = keys.setdefault(key, len(keys))
        if number == len(written):
            written.append(Counter())
        group[code] = number
        written[number][bare] += int(frequency[code])
    # The most frequent spelling; between equals, the first in order, for a stable page.
    shown = tuple(min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0] for forms in written)
    rank = np.empty(len(shown), dtype=np.int32)
    rank[sorted(range(len(shown)), key=shown.__getitem__)] = np.arange(len(shown))
    return Spellings(group, shown, keys, rank)


@lru_cache(maxsize=100_000)
def _spelling(name: str) -> tuple[str, str]:
    # Each version of a growing archive holds the former's labels: they are worked out once.
    return label_key(name), bare_label(name)


def first_of_group(owners: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Return, per entry of a list column, whether it is its article's first of its group.

    An article tagged both ``Épidémie`` and ``épidémie`` counts once under the group.
    """
    width = int(groups.max(initial=0)) + 1
    keys = owners.astype(np.int64) * width + groups
    # The entries run article by article: a stable sort of nearly sorted keys is quick.
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    kept = np.ones(len(keys), dtype=bool)
    kept[order[1:][ordered[1:] == ordered[:-1]]] = False
    return kept


class Grouping:
    """The spellings of each label field of one index version, grouped when first asked for.

    Made of a snapshot's ``labels`` (by field), ``tags`` and ``live`` mask.
    """

    def __init__(self, labels: dict, tags, live: np.ndarray):
        self._labels, self._tags, self._live = labels, tags, live
        self._found: dict[str, Spellings] = {}

    def of(self, fieldname: str) -> Spellings:
        """Return a label field's (or the tags') spellings grouped by key."""
        found = self._found.get(fieldname)
        if found is None:
            if fieldname in self._labels:
                labels = self._labels[fieldname]
                names, codes = labels.names, labels.codes[self._live & (labels.codes >= 0)]
            else:
                names, codes = self._tags.names, self._tags.codes[self._live[self._tags.owners]]
            found = group_spellings(names, np.bincount(codes, minlength=len(names)))
            # Two threads may group the same field at once: both find the same groups.
            self._found[fieldname] = found
        return found

    @cached_property
    def first_tags(self) -> np.ndarray:
        """Return, per entry of the tags, whether it is its article's first of its group."""
        groups = self.of("tags").group[self._tags.codes]
        return first_of_group(self._tags.owners, groups)
