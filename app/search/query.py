"""Query parsing: request parameters -> SearchQuery, and the query text -> a backend-neutral tree.

Text syntax (forgiving: any input parses, stray operators are words and unbalanced quotes or
brackets are closed at the end):

- words side by side are *soft*: a document needs only one of them, and documents that match
  more of them rank higher (so a long question never comes back empty for one missing word);
- ``"exact phrase"``; ``a AND b`` (both required); ``a OR b``; ``NOT a`` and ``-a`` (excluded);
  ``+a`` (required); brackets group. AND binds tighter than OR.
- words naming a concept of the vocabulary (app/search/concepts.py, in any of the 24 EU
  languages) also match documents tagged with that concept in every language, and a query
  that reads like an everyday phrasing of a concept ("teenagers threatened with their own
  photos") matches that concept's documents, unless the user removed that expansion; function
  words ("the", "der", "avec") are dropped from a query that has other words, never expand
  and are never highlighted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Union
from urllib.parse import urlencode

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.core.i18n import N_
from app.search import concept_match
from app.search.analysis import query_stopwords, tokenize, typed_word
from app.search.backends.base import SORTS, Expansion, SearchQuery, typed_text
from app.search.concepts import load_concepts
from app.search.documents import FACET_KEYS
from app.search.facets import FILTER_VALUES

# Bounds of the query text, so that no query costs more than a search should: nesting is
# parsed by recursion, and every word is looked up in each language's field.
MAX_QUERY_LENGTH = 500
MAX_QUERY_DEPTH = 8  # brackets inside brackets
MAX_QUERY_TERMS = 32  # words and quoted phrases: a long question, not a pasted page
MAX_PAGE = 1000
YEAR_MIN, YEAR_MAX = 1950, 2100


TOO_DEEP = N_("A search can nest brackets at most %(limit)s levels deep.")
TOO_MANY_TERMS = N_("A search can have at most %(limit)s words and phrases.")


class SearchParamError(ValueError):
    """A bad request parameter; `param` names it for the 400 answer.

    `message` is the API's English wording ("must be a whole number", after the parameter's
    name); `sentence` is the page's whole sentence, a message marked with N_ that
    `page_message` translates, naming the field as the page labels it (%(field)s) and filled
    with `values`.
    """

    def __init__(self, param: str, message: str, sentence: str, **values: object) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message
        self.sentence = sentence
        self.values = values

    def page_message(self, field: str) -> str:
        """The error as one sentence in the reader's language (in a request)."""
        return gettext(self.sentence, field=field, **self.values)


class QueryTooComplex(SearchParamError):
    """The query text goes past one of the parser's bounds (400, naming the limit)."""

    def __init__(self, sentence: str, limit: int) -> None:
        super().__init__("q", sentence % {"limit": limit}, sentence, limit=limit)


# --- request parameters ---------------------------------------------------------------------

_SINGLE_PARAMS = (
    "q", "page", "per_page", "sort", "evidence_min", "year_from", "year_to", "expand",
    "autocorrect", "partial",
)  # fmt: skip
KNOWN_PARAMS = frozenset(_SINGLE_PARAMS) | frozenset(FACET_KEYS) | {"noexpand"}


def _single(args: MultiDict, name: str) -> str | None:
    values = [v for v in args.getlist(name) if v.strip() != ""]
    if len(values) > 1:
        raise SearchParamError(
            name, "must be given only once", N_("“%(field)s” can be given only once.")
        )
    return values[0].strip() if values else None


def _int(args: MultiDict, name: str, low: int, high: int, default: int | None) -> int | None:
    raw = _single(args, name)
    if raw is None:
        return default
    if not re.fullmatch(r"[+-]?[0-9]{1,9}", raw):
        raise SearchParamError(
            name, "must be a whole number", N_("“%(field)s” must be a whole number.")
        )
    value = int(raw)
    if not low <= value <= high:
        raise SearchParamError(
            name,
            f"must be between {low} and {high}",
            N_("“%(field)s” must be between %(low)s and %(high)s."),
            low=low,
            high=high,
        )
    return value


def _filter_values(args: MultiDict, key: str) -> tuple[str, ...]:
    allowed = FILTER_VALUES[key]
    out: list[str] = []
    for raw in args.getlist(key):
        value = raw.strip()
        if not value:
            continue
        if key == "countries":
            value = value.upper()
        elif key in ("languages", "certification_required"):
            value = value.lower()
        if value not in allowed:
            raise SearchParamError(
                key,
                f"{raw!r} is not a known value",
                N_("“%(value)s” is not one of the options under “%(field)s”."),
                value=raw,
            )
        if value not in out:
            out.append(value)
    return tuple(out)


_ZERO_OR_ONE = N_("“%(field)s” must be 0 or 1.")


def parse_search_args(
    args: MultiDict, *, strict: bool, default_per_page: int = 20, max_per_page: int = 100
) -> SearchQuery:
    """Validate request arguments. `strict` (the API) refuses parameters it does not know."""
    if strict:
        for name in args:
            if name not in KNOWN_PARAMS:
                raise SearchParamError(
                    name, "is not a search parameter", N_("“%(field)s” is not a search parameter.")
                )
    q = _single(args, "q") or ""
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchParamError(
            "q",
            f"must be at most {MAX_QUERY_LENGTH} characters long",
            N_("“%(field)s” can be at most %(limit)s characters long."),
            limit=MAX_QUERY_LENGTH,
        )
    check_query_text(q)
    sort = _single(args, "sort") or "relevance"
    if sort not in SORTS:
        raise SearchParamError(
            "sort",
            f"must be one of {', '.join(SORTS)}",
            N_("Choose one of the options under “%(field)s”."),
        )
    expand_raw = (_single(args, "expand") or "1").lower()
    if expand_raw not in ("0", "1", "true", "false"):
        raise SearchParamError("expand", "must be 0 or 1", _ZERO_OR_ONE)
    autocorrect_raw = (_single(args, "autocorrect") or "1").lower()
    if autocorrect_raw not in ("0", "1", "true", "false"):
        raise SearchParamError("autocorrect", "must be 0 or 1", _ZERO_OR_ONE)
    partial_raw = (_single(args, "partial") or "0").lower()
    if partial_raw not in ("0", "1", "true", "false"):
        raise SearchParamError("partial", "must be 0 or 1", _ZERO_OR_ONE)
    no_expand = frozenset(v for v in args.getlist("noexpand") if v)
    unknown = no_expand - set(load_concepts().by_id)
    if unknown:
        first = sorted(unknown)[0]
        raise SearchParamError(
            "noexpand",
            f"{first!r} is not a known concept",
            N_("“%(value)s” is not a known concept."),
            value=first,
        )
    year_from = _int(args, "year_from", YEAR_MIN, YEAR_MAX, None)
    year_to = _int(args, "year_to", YEAR_MIN, YEAR_MAX, None)
    if year_from is not None and year_to is not None and year_to < year_from:
        raise SearchParamError(
            "year_to",
            "must not be before year_from",
            N_("The year under “To” must not be before the year under “From”."),
        )
    filters = {key: values for key in FACET_KEYS if (values := _filter_values(args, key))}
    return SearchQuery(
        q=q,
        filters=filters,
        evidence_min=_int(args, "evidence_min", 0, 5, None),
        year_from=year_from,
        year_to=year_to,
        sort=sort,
        page=_int(args, "page", 1, MAX_PAGE, 1) or 1,
        per_page=_int(args, "per_page", 1, max_per_page, default_per_page) or default_per_page,
        expand=expand_raw in ("1", "true"),
        no_expand=no_expand,
        autocorrect=autocorrect_raw in ("1", "true"),
        partial=partial_raw in ("1", "true"),
    )


# --- the query tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str  # as typed
    tokens: tuple[str, ...]  # folded; several when the word has inner punctuation ("e-safety")


@dataclass(frozen=True)
class Phrase:
    text: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    must: tuple[Node, ...] = ()
    should: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Synonyms:
    """The user's words, or a document tagged with a concept they name (weighted lower).

    `alternatives` are other words searched as text (none come from the concept vocabulary,
    whose documents are found by their concept tags).
    """

    original: Node
    alternatives: tuple[Phrase, ...]
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class Concepts:
    """Documents tagged with these concepts, which an everyday phrasing in the query names.

    Not one of the query's units: it adds documents and score, and a document tagged with its
    concepts counts as matching the units whose words the phrasing matched (ParsedText.
    phrasings_of).
    """

    ids: tuple[str, ...]
    matched: str  # the query words that matched the phrasing


Node = Union[Word, Phrase, Group, Synonyms, Concepts]  # noqa: UP007  (forward references)


def node_concepts(node: Node) -> tuple[str, ...]:
    """The field's concepts that a part's typed words name."""
    if isinstance(node, Synonyms):
        return (*node.concepts, *node_concepts(node.original))
    if isinstance(node, Group):
        return tuple(c for n in node.must + node.should for c in node_concepts(n))
    return ()


@dataclass
class ParsedText:
    root: Group
    expansions: list[Expansion] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.root.must or self.root.should or self.root.must_not)

    @property
    def units(self) -> tuple[Node, ...]:
        """The positive top-level parts; matching more of them ranks higher."""
        return tuple(n for n in self.root.must + self.root.should if not isinstance(n, Concepts))

    def phrasings_of(self, unit: Node) -> tuple[Concepts, ...]:
        """The everyday phrasings that matched some of a unit's words: a document tagged with
        their concepts has what those words asked for, in the field's terms ("talo" of
        "lasten talo", a children's house, in a Barnahus record), and counts as matching it."""
        words = set(typed_text(unit).split())
        return tuple(
            n
            for n in self.root.must + self.root.should
            if isinstance(n, Concepts) and words & set(n.matched.split())
        )

    def positive_words(self) -> list[Word]:
        """Words the user typed that must or may match (for spelling suggestions)."""
        out: list[Word] = []

        def walk(node: Node) -> None:
            if isinstance(node, Word):
                out.append(node)
            elif isinstance(node, Group):
                for child in node.must + node.should:
                    walk(child)
            elif isinstance(node, Synonyms):
                walk(node.original)

        walk(self.root)
        return out

    def highlight_terms(self) -> list[str]:
        """Every positive word and phrase word, as typed, for highlighting; no function words."""
        out: list[str] = []
        stop = query_stopwords()

        def walk(node: Node) -> None:
            if isinstance(node, Word):
                out.extend(t for t in node.tokens if t not in stop)
            elif isinstance(node, Phrase):
                out.extend(node.tokens)
            elif isinstance(node, Group):
                for child in node.must + node.should:
                    walk(child)
            elif isinstance(node, Synonyms):
                walk(node.original)
                for alt in node.alternatives:
                    walk(alt)

        walk(self.root)
        return out


_OPERATORS = {"AND", "OR", "NOT"}


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(("PHRASE", text[i + 1 : end]))
            i = end + 1
        elif ch in "()":
            tokens.append(("LP" if ch == "(" else "RP", ch))
            i += 1
        elif ch in "+-" and i + 1 < n and not text[i + 1].isspace():
            tokens.append(("PLUS" if ch == "+" else "MINUS", ch))
            i += 1
        else:
            match = re.match(r'[^\s()"]+', text[i:])
            word = match.group() if match else ch
            tokens.append((word if word in _OPERATORS else "WORD", word))
            i += len(word)
    return tokens


class _Parser:
    """Recursive descent over the tokens, bounded by MAX_QUERY_DEPTH and MAX_QUERY_TERMS.

    Only brackets recurse; runs of prefix operators are read in a loop.
    """

    def __init__(self, text: str) -> None:
        self.tokens = _lex(text)
        self.i = 0
        self.depth = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def sequence(self, nested: bool) -> Group:
        items: list[tuple[str, Node]] = []
        while self.peek() is not None:
            if self.peek() == "RP":
                self.take()
                if nested:
                    break
                continue
            items.extend(self.or_expr())
        return _group(items, default="should")

    def or_expr(self) -> list[tuple[str, Node]]:
        parts = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, "RP"):
                break
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        return [("should", _group([item for part in parts for item in part], default="should"))]

    def and_expr(self) -> list[tuple[str, Node]]:
        parts = [self.unary()]
        while self.peek() == "AND":
            self.take()
            if self.peek() in (None, "RP"):
                break
            parts.append(self.unary())
        if len(parts) == 1:
            return parts[0]
        items = [
            ("must" if occur == "should" else occur, node) for part in parts for occur, node in part
        ]
        return [("should", _group(items, default="must"))]

    def unary(self) -> list[tuple[str, Node]]:
        kind = self.peek()
        if kind not in _PREFIXES:
            return self.atom()
        # The outermost operator decides: "-+a" and "NOT NOT a" exclude a, "+-a" requires it.
        while self.peek() in _PREFIXES:
            self.take()
        if self.peek() in (None, "RP"):
            return []
        occur = "must" if kind == "PLUS" else "must_not"
        return [(occur, node) for _occur, node in self.atom()]

    def atom(self) -> list[tuple[str, Node]]:
        kind, text = self.take()
        if kind == "LP":
            self.depth += 1
            if self.depth > MAX_QUERY_DEPTH:
                raise QueryTooComplex(TOO_DEEP, MAX_QUERY_DEPTH)
            group = self.sequence(nested=True)
            self.depth -= 1
            if group == Group():
                return []
            if not group.must and not group.must_not and len(group.should) == 1:
                return [("should", group.should[0])]  # "(a OR b)" is just the OR
            return [("should", group)]
        tokens = tuple(tokenize(text))
        if not tokens:
            return []
        self.terms += 1
        if self.terms > MAX_QUERY_TERMS:
            raise QueryTooComplex(TOO_MANY_TERMS, MAX_QUERY_TERMS)
        if kind == "PHRASE":
            return [("should", Phrase(text, tokens))]  # quoted: exact words, not stemmed
        return [("should", Word(text, tokens))]  # a stray AND/OR is searched as a word


_PREFIXES = ("NOT", "MINUS", "PLUS")


def check_query_text(q: str) -> None:
    """Raise QueryTooComplex when `q` goes past the parser's bounds."""
    _Parser(q).sequence(nested=False)


def _group(items: list[tuple[str, Node]], default: str) -> Group:
    must = tuple(n for o, n in items if o == "must")
    should = tuple(n for o, n in items if o == "should")
    must_not = tuple(n for o, n in items if o == "must_not")
    if default == "must":
        must, should = must + should, ()
    return Group(must=must, should=should, must_not=must_not)


def _expand(
    nodes: tuple[Node, ...], removed: frozenset[str], found: list[Expansion]
) -> tuple[Node, ...]:
    """Replace runs of words (or a phrase) that name a concept by Synonyms of that concept."""
    out: list[Node] = []
    i = 0
    longest = concept_match.longest_term()
    stop = query_stopwords()
    typed = [t for x in nodes if isinstance(x, Word | Phrase) for t in x.tokens]
    while i < len(nodes):
        replaced = False
        for n in range(min(longest, len(nodes) - i), 0, -1):
            run = nodes[i : i + n]
            if not all(isinstance(x, Word | Phrase) for x in run) or (
                n > 1 and any(isinstance(x, Phrase) for x in run)
            ):
                continue
            # A run never starts or ends with a function word: "the school" is "school".
            if any(
                isinstance(x, Word) and all(t in stop for t in x.tokens) for x in (run[0], run[-1])
            ):
                continue
            key = tuple(t for x in run for t in x.tokens)  # type: ignore[union-attr]
            concepts = concept_match.term_concepts(key)
            if not concepts and n == 1 and isinstance(run[0], Word):
                concepts = concept_match.hyphenated_concepts(key) or concept_match.cased_acronym(
                    typed_word(run[0].text)
                )
            concepts = concept_match.without_false_places(concepts, key, typed)
            concepts = tuple(c for c in concepts if c not in removed)
            if not concepts:
                continue
            matched = " ".join(x.text for x in run)  # type: ignore[union-attr]
            for concept in concepts:
                found.append(_expansion(concept, matched))
            original = run[0] if n == 1 else Group(should=run)
            out.append(Synonyms(original, (), concepts))
            i += n
            replaced = True
            break
        if not replaced:
            out.append(nodes[i])
            i += 1
    return tuple(out)


def _expansion(concept: str, matched: str) -> Expansion:
    return Expansion(
        concept=concept,
        label=concept_match.concept_label(concept),
        matched=matched,
        added=concept_match.concept_terms(concept, matched),
    )


def _phrasing_concepts(root: Group, removed: frozenset[str], found: list[Expansion]) -> Group:
    """Add a Concepts node for each everyday phrasing that the typed words match."""
    words = [n.text for n in root.should + root.must if isinstance(n, Word)]
    words += [
        w.text
        for n in root.should + root.must
        if isinstance(n, Synonyms) and isinstance(n.original, Group)
        for w in n.original.should
        if isinstance(w, Word)
    ]
    words += [
        n.original.text
        for n in root.should + root.must
        if isinstance(n, Synonyms) and isinstance(n.original, Word)
    ]
    have: dict[str, set[str]] = {}  # concept -> the words of every expansion to it
    for e in found:
        have.setdefault(e.concept, set()).update(e.matched.split())
    added: list[Node] = []
    for concept, matched in concept_match.phrase_concepts(words):
        # A concept a typed term names already has its expansion; its phrasing still counts
        # for the everyday words around the term ("mi hija recibe mensajes … en WhatsApp").
        if concept in removed or (concept in have and set(matched) <= have[concept]):
            continue
        text = " ".join(matched)
        if concept not in have:
            found.append(_expansion(concept, text))
        added.append(Concepts((concept,), text))
    if not added:
        return root
    return Group(must=root.must, should=root.should + tuple(added), must_not=root.must_not)


def _drop_function_words(root: Group) -> Group:
    """Drop soft function words, as long as something else positive is left to search."""
    stop = query_stopwords()

    def is_stop(node: Node) -> bool:
        return isinstance(node, Word) and all(t in stop for t in node.tokens)

    kept = tuple(n for n in root.should if not is_stop(n))
    if not kept and not root.must:
        return root
    return Group(must=root.must, should=kept, must_not=root.must_not)


def parse_text(q: str, *, expand: bool = True, no_expand: Iterable[str] = ()) -> ParsedText:
    """The query text as a tree; concept expansions applied and listed.

    Raises QueryTooComplex past the parser's bounds (parse_search_args checks them first).
    """
    root = _Parser(q).sequence(nested=False)
    # "a AND b" parses as one grouped clause: lift it so its parts become the top-level units.
    if not root.must and not root.must_not and len(root.should) == 1:
        only = root.should[0]
        if isinstance(only, Group):
            root = only
    expansions: list[Expansion] = []
    if expand:
        removed = frozenset(no_expand)
        root = Group(
            must=_expand(root.must, removed, expansions),
            should=_expand(root.should, removed, expansions),
            must_not=root.must_not,
        )
        root = _phrasing_concepts(root, removed, expansions)
    root = _drop_function_words(root)
    return ParsedText(root=root, expansions=expansions)


def replace_words(q: str, replacements: dict[str, str]) -> str:
    """`q` with whole words replaced (case-insensitively), keeping everything else as typed."""
    if not replacements:
        return q
    pattern = re.compile(
        r"(?<![\w])("
        + "|".join(re.escape(w) for w in sorted(replacements, key=len, reverse=True))
        + r")(?![\w])",
        re.IGNORECASE,
    )
    lowered = {k.lower(): v for k, v in replacements.items()}
    return pattern.sub(lambda m: lowered.get(m.group(1).lower(), m.group(1)), q)


def query_args(
    query: SearchQuery,
    *,
    page: int = 1,
    q: str | None = None,
    remove: tuple[str, str | None] | None = None,
    noexpand: str | None = None,
    reset_expansions: bool = False,
    autocorrect: bool | None = None,
    partial: bool | None = None,
    default_per_page: int = 20,
) -> str:
    """The URL query string of `query`, changed as asked; any change goes back to page 1.

    `remove` drops one filter value (key, value), or a single-valued parameter (key, None).
    `noexpand` adds a concept to the removed expansions; `reset_expansions` brings them all
    back; `autocorrect=False` searches the words as typed (no spelling correction);
    `partial=True` shows measures matching only part of an off-topic query.
    """
    pairs: list[tuple[str, str]] = []
    text = query.q if q is None else q
    if text:
        pairs.append(("q", text))
    for key in FACET_KEYS:
        pairs.extend((key, v) for v in query.filters.get(key, ()) if remove != (key, v))
    for key in ("evidence_min", "year_from", "year_to"):
        value = getattr(query, key)
        if value is not None and remove != (key, None):
            pairs.append((key, str(value)))
    if query.sort != "relevance":
        pairs.append(("sort", query.sort))
    if not query.expand and not reset_expansions:
        pairs.append(("expand", "0"))
    if not (query.autocorrect if autocorrect is None else autocorrect):
        pairs.append(("autocorrect", "0"))
    if query.partial if partial is None else partial:
        pairs.append(("partial", "1"))
    removed = set() if reset_expansions else set(query.no_expand)
    removed |= {noexpand} if noexpand else set()
    pairs.extend(("noexpand", c) for c in sorted(removed))
    if query.per_page != default_per_page:
        pairs.append(("per_page", str(query.per_page)))
    if page > 1:
        pairs.append(("page", str(page)))
    return urlencode(pairs)
