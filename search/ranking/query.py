"""Read the query syntax readers type and build the Whoosh query for it.

Words are alternatives ranked by how many of them an article holds; ``+mot`` requires a word,
``-mot`` (or ``NOT``/``SAUF``) excludes it, ``"une phrase"`` keeps words together, ``AND``/``ET``
and ``OR``/``OU`` combine, ``titre:``/``auteur:``/``rubrique:``/``tag:`` restrict to a field, and
``mot*`` matches words that begin with ``mot``. A query whose syntax does not hold together is
searched as plain words, and the result says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from ..analysis.french import (
    MAX_BETWEEN,
    FrenchAnalyzer,
    NameAnalyzer,
    fold_accents,
    participles,
    stem,
    word_role,
    written_forms,
)
from ..limits import note_capped
from ..store.schema import FIELD_NAMES, TEXT_FIELDS
from .shape import is_keywords, is_question

OPERATORS = {"AND": "AND", "ET": "AND", "OR": "OR", "OU": "OR", "NOT": "NOT", "SAUF": "NOT"}
# Longer queries are cut here (and the result says so): each word costs a posting-list scan.
# High enough for a whole lead paragraph pasted as a query (the longest in the evaluation
# sets has 121 words; cutting at 32 lost 1.6 points of nDCG@10, docs/RELEVANCE.md).
MAX_WORDS = 128
# Deeper brackets are not a real query; they are searched as plain words.
MAX_DEPTH = 8
# Wildcard words (cyber*) in one query; further ones are searched as the words typed. Each
# stands for up to scoring.MAX_EXPANSIONS words in each field.
MAX_WILDCARDS = 8

_TOKEN = re.compile(
    r"\s*(?:(?P<paren>[()])|(?P<mod>[+-])?(?:(?P<field>[^\W\d_][\w-]*):)?"
    r'(?:"(?P<phrase>[^"]*)(?P<close>"?)|(?P<word>[^\s()"]+)))'
)
_FRENCH = FrenchAnalyzer()
_NAMES = NameAnalyzer()


class SyntaxProblem(Exception):
    """The query's operators, brackets or quotes do not hold together."""


@dataclass
class Parsed:
    """A query ready to run, with what ranking and highlighting need to know of it."""

    query: wq.Query | None
    # One entry per top-level word or phrase: (field, term, is_prefix) any of which matches it.
    groups: list[frozenset[tuple[str, str, bool]]] = field(default_factory=list)
    # The plain words typed (no field, no operator, no wildcard), for spelling suggestions.
    words: list[str] = field(default_factory=list)
    # The top-level words and phrases searched in the text, as written (``written_forms``).
    forms: list[str] = field(default_factory=list)
    # The quoted words and phrases searched in the text, not excluded, as typed: ``"retraites"``
    # asks for that very form, where ``retraites`` stands for every word of its stem.
    quoted: list[str] = field(default_factory=list)
    syntax_fallback: bool = False
    truncated: bool = False
    # Whether the query asks what an article is about (a question, a few words: ``shape.py``).
    about: bool = False
    # Whether it is a question, whose words are the reader's rather than the titles'.
    question: bool = False


def parse_query(text: str) -> Parsed:
    """Return the Whoosh query for a reader's query text.

    >>> parse_query("réforme des retraites").query
    Or([Or([Term('title', 'reform', boost=2.0), Term('summary', 'reform', boost=1.5), \
Term('body', 'reform')]), Or([Term('title', 'retrait', boost=2.0), \
Term('summary', 'retrait', boost=1.5), Term('body', 'retrait')])])
    """
    try:
        tokens, truncated = _lex(text)
        parsed = _Parser(tokens).parse()
    except SyntaxProblem:
        plain = " ".join(m["word"] or m["phrase"] or "" for m in _TOKEN.finditer(text))
        words = re.sub(r"[^\w'’ʼ-]+", " ", plain)
        words = " ".join(w.strip("-") for w in words.split() if w.upper() not in OPERATORS)
        tokens, truncated = _lex(words)
        parsed = _Parser(tokens).parse()
        parsed.syntax_fallback = True
    parsed.truncated = truncated
    parsed.question = is_question(text)
    parsed.about = parsed.question or is_keywords(text)
    if parsed.query is None and (parsed.words or parsed.syntax_fallback):
        # Only function words or signs ("le", "[ ]"): nothing to find, rather than everything.
        parsed.query = wq.NullQuery
    return parsed


def searched_text(text: str, max_chars: int | None = None) -> str:
    """Return the beginning of a query that is searched: its first MAX_WORDS words and phrases.

    Cut between words, within max_chars characters when given, and with the brackets it
    leaves open closed, as the search closes them: what a reader is shown is what was searched.

    >>> searched_text(" ".join(f"mot{n}" for n in range(200))).split()[-1]
    'mot127'
    >>> searched_text("(réforme des retraites) ET (chômage OU emploi)", max_chars=38)
    '(réforme des retraites) ET (chômage)'
    """
    kept, depth, open_at_kept, words = 0, 0, 0, 0
    for match in _TOKEN.finditer(text):
        paren, word = match["paren"], match["word"]
        if paren:
            depth += 1 if paren == "(" else -1
            if paren == ")":
                kept, open_at_kept = match.end(), depth
            continue
        if word in OPERATORS and not match["mod"] and not match["field"]:
            continue
        words += 1
        if words > MAX_WORDS or (max_chars is not None and match.end() > max_chars):
            # Only a first word longer than max_chars is cut within itself.
            beginning = text[:kept].rstrip() if kept else text[:max_chars]
            return beginning + ")" * max(open_at_kept, 0)
        kept, open_at_kept = match.end(), depth
    return text


def _lex(text: str) -> tuple[list[dict], bool]:
    """Return the query's tokens, at most MAX_WORDS words and phrases, and whether it was cut."""
    tokens, words, depth = [], 0, 0
    for match in _TOKEN.finditer(text):
        token = {k: v for k, v in match.groupdict().items() if v is not None}
        depth += {"(": 1, ")": -1}.get(token.get("paren"), 0)
        if depth > MAX_DEPTH:
            raise SyntaxProblem("brackets nested too deep")
        if token.get("word") in OPERATORS and "mod" not in token and "field" not in token:
            token = {"op": OPERATORS[token["word"]]}
        elif "phrase" in token and not token.get("close"):
            raise SyntaxProblem("unbalanced quote")
        elif "paren" not in token:
            words += 1
            if words > MAX_WORDS:
                return _close_brackets(tokens), True
        tokens.append(token)
    return tokens, False


def _close_brackets(tokens: list[dict]) -> list[dict]:
    while tokens and ("op" in tokens[-1] or tokens[-1].get("paren") == "("):
        tokens.pop()
    depth = sum({"(": 1, ")": -1}.get(t.get("paren"), 0) for t in tokens)
    return tokens + [{"paren": ")"}] * max(depth, 0)


class _Parser:
    """Recursive descent over: expr := seq (OR seq)*; seq := clause+; clause := [+|-] and."""

    def __init__(self, tokens: list[dict]):
        self.tokens, self.at = tokens, 0
        self.wildcards = 0
        self.groups: list[frozenset[tuple[str, str, bool]]] = []
        self.forms: list[str] = []
        self.words: list[str] = []
        self.quoted: list[str] = []
        self.negated = 0

    def parse(self) -> Parsed:
        query = self.expr(top=True)
        if self.at < len(self.tokens):
            raise SyntaxProblem("unexpected closing bracket")
        return Parsed(query, self.groups, self.words, self.forms, self.quoted)

    def peek(self) -> dict | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> dict:
        self.at += 1
        return self.tokens[self.at - 1]

    def expr(self, top=False) -> wq.Query | None:
        alternatives = [self.seq(top)]
        while (token := self.peek()) and token.get("op") == "OR":
            self.take()
            alternatives.append(self.seq(False))
        if len(alternatives) > 1:
            _check_operands("OR", alternatives)
            # Coordination only ranks a plain list of words.
            self.groups, self.forms = [], []
        return _or(alternatives)

    def seq(self, top: bool) -> wq.Query | None:
        must, should, must_not = [], [], []
        start = self.at
        while (token := self.peek()) and token.get("op") != "OR" and token.get("paren") != ")":
            first = self.at
            query, mod = self.conjunction()
            if query is None:
                continue
            kind = {"+": must, "-": must_not}.get(mod, should)
            kind.append(query)
            if top and kind is not must_not:
                self.groups.append(_group(query))
                self.forms.extend(_clause_forms(self.tokens[first : self.at]))
        if self.at == start and self.peek() is not None:
            raise SyntaxProblem("OR without a left side")
        return _boolean(must, should, must_not)

    def conjunction(self) -> tuple[wq.Query | None, str | None]:
        first, mod = self.unary()
        parts = {None: [first], "-": []}
        while (token := self.peek()) and token.get("op") == "AND":
            self.take()
            query, part_mod = self.unary()
            parts["-" if part_mod == "-" else None].append(query)
        if len(parts[None]) == 1 and not parts["-"]:
            return first, mod
        _check_operands("AND", parts[None] + parts["-"])
        return _boolean(parts[None], [], parts["-"]), mod

    def unary(self) -> tuple[wq.Query | None, str | None]:
        token = self.peek()
        if token is None:
            raise SyntaxProblem("operator without an operand")
        if token.get("op") == "NOT":
            self.take()
            self.negated += 1
            operand = self.unary()[0]
            self.negated -= 1
            _check_operands("NOT", [operand])
            return operand, "-"
        if token.get("op"):
            raise SyntaxProblem(f"misplaced {token['op']}")
        self.take()
        if token.get("paren") == "(":
            inner = self.expr()
            closing = self.peek()
            if closing is None or closing.get("paren") != ")":
                raise SyntaxProblem("unclosed bracket")
            self.take()
            return inner, None
        if token.get("paren") == ")":
            raise SyntaxProblem("unexpected closing bracket")
        return self.atom(token), token.get("mod")

    def atom(self, token: dict) -> wq.Query | None:
        name = token.get("field")
        target = FIELD_NAMES.get(fold_accents(name.lower())) if name else None
        if name and target is None:
            # "Note:" is text, not a field: search the name as a word too.
            rest = {k: v for k, v in token.items() if k != "field"}
            return _or([_text_query(None, name), self.atom(rest)])
        if "phrase" in token:
            if target in (None, *TEXT_FIELDS) and not self.negated and token.get("mod") != "-":
                self.quoted.append(token["phrase"])
            return _text_query(target, token["phrase"], phrase=True)
        word = token["word"]
        if word.endswith("*") and word.strip("*"):
            self.wildcards += 1
            if self.wildcards <= MAX_WILDCARDS:
                return _prefix_query(target, word.strip("*"))
            note_capped()
        if self._participle():
            return None
        if not name and "*" not in word:
            self.words.append(word)
        return _text_query(target, word.replace("*", " "))

    def _participle(self) -> bool:
        """Return whether the word just taken is ``été`` after a form of avoir (a stopword)."""
        before = self.tokens[max(0, self.at - MAX_BETWEEN - 2) : self.at]
        roles = [word_role(t["word"]) if set(t) == {"word"} else "" for t in before]
        return list(participles(roles))[-1]


def _text_query(target: str | None, text: str, phrase: bool = False) -> wq.Query | None:
    if target in ("section_key", "tag_keys"):
        return wq.Term(target, fold_accents(" ".join(text.lower().split())))
    if target in ("author", "source"):
        return _phrase(target, [t.text for t in _NAMES(text)])
    fields = [target] if target else list(TEXT_FIELDS)
    return _or([_field_query(f, text, phrase) for f in fields])


def _field_query(fieldname: str, text: str, phrase: bool) -> wq.Query | None:
    boost = TEXT_FIELDS[fieldname]
    # Whoosh reuses one token object: read each token as it passes.
    tokens = [(t.text, getattr(t, "compound", False)) for t in _FRENCH(text)]
    words = [text for text, compound in tokens if not compound]
    joined = [text for text, compound in tokens if compound]
    query = _phrase(fieldname, words, boost)
    if joined and len(joined) == 1 and not phrase:
        # "cyber-sécurité" also finds "cybersécurité".
        query = _or([wq.Term(fieldname, joined[0], boost=boost), query])
    elif phrase and len(words) == 2:
        # "cyber sécurité" also finds "cybersécurité".
        glued = [t.text for t in _FRENCH(re.sub(r"[\s\W]+", "", text))]
        if len(glued) == 1 and glued[0] not in words:
            query = _or([wq.Term(fieldname, glued[0], boost=boost), query])
    return query


def _prefix_query(target: str | None, text: str) -> wq.Query:
    word = fold_accents(text.lower())
    stemmed = stem(word)
    # Index terms are stems: "sécurité*" must look for "securit", a prefix of "securite".
    prefix = stemmed if word.startswith(stemmed) else word
    fields = [target] if target in TEXT_FIELDS else list(TEXT_FIELDS)
    return _or([wq.Prefix(f, prefix, boost=TEXT_FIELDS[f]) for f in fields])


def _clause_forms(tokens: list[dict]) -> list[str]:
    """Return the forms of a clause's words and phrases searched in the text, not excluded."""
    forms, negated = [], False
    for token in tokens:
        text = token.get("word", token.get("phrase"))
        name = token.get("field")
        in_text = name is None or FIELD_NAMES.get(fold_accents(name.lower())) in TEXT_FIELDS
        if text and in_text and not negated and token.get("mod") != "-" and "*" not in text:
            forms.extend(written_forms(text))
        negated = token.get("op") == "NOT"
    return forms


def _group(query: wq.Query) -> frozenset[tuple[str, str, bool]]:
    entries = set()
    if isinstance(query, wq.AndNot):
        query = query.a
    for leaf in query.leaves():
        if isinstance(leaf, wq.Prefix):
            entries.add((leaf.fieldname, leaf.text, True))
        else:
            entries.update((f, t, False) for f, t in leaf.iter_all_terms())
    return frozenset(entries)


def _check_operands(operator: str, operands: list) -> None:
    """Refuse an operator one of whose operands analyses to nothing (a stopword, a sign)."""
    if any(operand is None for operand in operands):
        # "climat AND NOT de" would exclude nothing or everything: read it as plain words.
        raise SyntaxProblem(f"{operator} on a word that is not searched")


def _boolean(must: list, should: list, must_not: list) -> wq.Query | None:
    positive = _and(must)
    if should:
        positive = wq.AndMaybe(positive, _or(should)) if positive else _or(should)
    if must_not:
        return wq.AndNot(positive or wq.Every(), _or(must_not))
    return positive


def _phrase(fieldname: str, words: list[str], boost: float = 1.0) -> wq.Query | None:
    if not words:
        return None
    if len(words) == 1:
        return wq.Term(fieldname, words[0], boost=boost)
    return wq.Phrase(fieldname, words, boost=boost)


def _or(queries: list) -> wq.Query | None:
    queries = [q for q in queries if q is not None]
    if len(queries) < 2:
        return queries[0] if queries else None
    return wq.Or(queries)


def _and(queries: list) -> wq.Query | None:
    queries = [q for q in queries if q is not None]
    if len(queries) < 2:
        return queries[0] if queries else None
    return wq.And(queries)
