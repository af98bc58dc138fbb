"""Tell which language an article is written in, offline, with py3langid's bundled model."""

from __future__ import annotations

import functools

from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_WORDS = 20
MIN_CONFIDENCE = 0.9
SAMPLE_CHARS = 5000


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of text's language, or "" when too short or too uncertain.

    >>> detect_language("Le gouvernement a présenté mardi un plan pour réduire de moitié les "
    ...                 "émissions de gaz à effet de serre avant 2030, a annoncé la ministre.")
    'fr'
    """
    sample = text[:SAMPLE_CHARS]
    if len(sample.split()) < MIN_WORDS:
        return ""
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else ""


@functools.cache
def _identifier() -> LanguageIdentifier:
    # Loading the model takes most of a second: only do it when a page asks.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
