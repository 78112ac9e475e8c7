"""tsvector and tsquery literals built with the application's own text analysis.

PostgreSQL's text search configurations stem one language each and need the `unaccent`
extension to fold accents; here the lexemes come from app.search.analysis instead, so both
backends match exactly the same words: every folded word with its position and a weight by
field (A title, B summary, C body, D reports), plus "lang|stem" lexemes of the document's own
language at the same positions. Phrases use positions (`<->`), and the GIN index serves all.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from app.search.analysis import STEMMED_LANGUAGES, analyze, word_forms
from app.search.query import Group, Node, Phrase, Synonyms, Word

# PostgreSQL keeps positions up to 16,383 and at most 256 per lexeme.
MAX_POSITION = 16_383
MAX_POSITIONS_PER_LEXEME = 256
FIELD_WEIGHTS = (("title", "A"), ("summary", "B"), ("body", "C"), ("reports", "D"))
GAP = 100  # positions left between fields, so a phrase never spans two of them


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def stem_lexeme(lang: str, stem: str) -> str:
    return f"{lang}|{stem}"


def document_tsvector(doc: dict[str, Any]) -> str:
    """The tsvector literal of one search document."""
    positions: defaultdict[str, list[str]] = defaultdict(list)
    lang = doc.get("text_language")
    stem_language = lang if lang in STEMMED_LANGUAGES else None
    position = 1
    for name, weight in FIELD_WEIGHTS:
        text = doc.get(name) or ""
        for word, stem in word_forms(text, stem_language):
            if position > MAX_POSITION:
                break
            mark = f"{position}{weight if weight != 'D' else ''}"
            for lexeme in (word, stem_lexeme(stem_language, stem) if stem else None):
                if lexeme and len(positions[lexeme]) < MAX_POSITIONS_PER_LEXEME:
                    positions[lexeme].append(mark)
            position += 1
        position += GAP
    return " ".join(f"{_quote(lex)}:{','.join(marks)}" for lex, marks in positions.items())


def _or(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def _phrase(tokens: tuple[str, ...]) -> str:
    if len(tokens) == 1:
        return _quote(tokens[0])
    return "(" + " <-> ".join(_quote(t) for t in tokens) + ")"


def _word(text: str, tokens: tuple[str, ...], stemmed: bool) -> str:
    options = [_phrase(tokens)]
    if stemmed:
        for lang in STEMMED_LANGUAGES:
            stems = analyze(text, lang)
            if stems:
                options.append(_and([_quote(stem_lexeme(lang, s)) for s in stems]))
    return _or(list(dict.fromkeys(options)))


def node_tsquery(node: Node) -> str:
    """The tsquery literal of a positive node ("" when it cannot match anything)."""
    if isinstance(node, Word):
        return _word(node.text, node.tokens, stemmed=True)
    if isinstance(node, Phrase):
        return _phrase(node.tokens)
    if isinstance(node, Synonyms):
        alternatives = [
            _word(a.text, a.tokens, stemmed=len(a.tokens) == 1) for a in node.alternatives
        ]
        return _or([node_tsquery(node.original), *alternatives])
    return group_tsquery(node)


def without_alternatives(node: Node) -> Node:
    """The tree as typed: thesaurus expansions replaced by the user's own words."""
    if isinstance(node, Synonyms):
        return without_alternatives(node.original)
    if isinstance(node, Group):
        return Group(
            must=tuple(without_alternatives(n) for n in node.must),
            should=tuple(without_alternatives(n) for n in node.should),
            must_not=node.must_not,
        )
    return node


def alternatives_tsquery(node: Node) -> str:
    """Every thesaurus equivalent in the tree, OR-ed ("" when there is none)."""
    if isinstance(node, Synonyms):
        own = [_word(a.text, a.tokens, stemmed=len(a.tokens) == 1) for a in node.alternatives]
        return _or([*own, alternatives_tsquery(node.original)])
    if isinstance(node, Group):
        return _or([alternatives_tsquery(n) for n in node.must + node.should])
    return ""


def group_tsquery(group: Group) -> str:
    positive = (
        _and([node_tsquery(n) for n in group.must])
        if group.must
        else _or([node_tsquery(n) for n in group.should])
    )
    excluded = [node_tsquery(n) for n in group.must_not]
    excluded = [e for e in excluded if e]
    if not excluded:
        return positive
    negations = " & ".join(f"!{e}" for e in excluded)
    return f"({positive} & {negations})" if positive else f"({negations})"
