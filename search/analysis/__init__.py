"""French text analysis: the analyzers, the stopword list and the folding of written forms.

The first layer: imports nothing of Fouille but ``errors`` and ``models``. The filters are
named here too because indexes written before the layered layout pickled them by this name.
"""

from .french import (
    AccentFoldFilter,
    CompoundFilter,
    ElisionFilter,
    FrenchTokenizer,
    LigatureFilter,
    ParticipleFilter,
    StemFilter,
    StopFilter,
)

__all__ = [
    "AccentFoldFilter",
    "CompoundFilter",
    "ElisionFilter",
    "FrenchTokenizer",
    "LigatureFilter",
    "ParticipleFilter",
    "StemFilter",
    "StopFilter",
]
