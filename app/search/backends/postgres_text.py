"""PostgreSQL's own text search, arranged like the Whoosh backend's fields.

A document's tsvector is built in SQL (`document_tsvector_sql`) from two parts:

- the *neutral* part: the accent-folded text (folded here, in Python, since the `unaccent`
  extension needs a superuser) under the `simple` configuration, so an accent-less query
  finds accented text;
- the *language* part: the original text under the text search configuration of the
  document's language (`english`, `german`, `greek`, …: Snowball stemmers). The languages
  the application stems that have no configuration here (Estonian; Polish, Czech and Slovak)
  get the application's stems (app/search/analysis.py, computed in Python) under `simple`.
  Other languages get only the neutral part.

Both parts weigh the title A, the summary B, the body C and report text D. A query word
matches when it matches in the neutral part or in any language's configuration, so
inflected forms in any of those languages find each other; quoted phrases match the folded
words in order (`<->`). Each word's tsquery per configuration comes from PostgreSQL itself
(`phraseto_tsquery`), asked once per query for the words not seen before (`Lexicon`); the
boolean structure around them is composed here from the parsed query tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import TEXT, bindparam, func, literal_column, text
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG
from sqlalchemy.engine import Connection

from app.search.analysis import (
    STEMMED_LANGUAGES,
    analyze,
    fold_text,
    query_stopwords,
    word_forms,
)
from app.search.backends.base import content_nodes
from app.search.concept_match import foreign_languages
from app.search.concepts import narrower, vocabulary_digest
from app.search.query import Concepts, Group, Node, Phrase, Synonyms, Word

NEUTRAL = "simple"
# Language code -> PostgreSQL text search configuration (those PostgreSQL 15 ships for the
# languages measures come in); only those that `pg_ts_config` lists are used.
CONFIGS = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
    "nl": "dutch", "pt": "portuguese", "sv": "swedish", "fi": "finnish", "da": "danish",
    "ro": "romanian", "hu": "hungarian", "no": "norwegian", "nb": "norwegian",
    "nn": "norwegian", "el": "greek", "lt": "lithuanian", "ga": "irish", "ca": "catalan",
    "eu": "basque",
}  # fmt: skip
FIELD_WEIGHTS = (("title", "A"), ("summary", "B"), ("body", "C"), ("reports", "D"))
# PDF text can be very long (and a tsvector holds at most 1 MB): as in the Whoosh schema.
MAX_REPORT_CHARS = 200_000
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# A document's concepts are lexemes no text can produce ("@c:sextortion", added verbatim with
# array_to_tsvector), and so is the analysis version: tables written by an older analysis lack
# it, and the backend then reports the index missing, so `flask search sync` rebuilds it.
# The vocabulary's digest makes any change of its data files (concepts.json, stopwords.json,
# lemma_forms.json.gz) rebuild too.
# 5: countries as concepts; 6: lead concepts; 7: Estonian stems; 8: -tus; 9: concept mention
# counts; 10: lemmas; 11: title concepts; 12: elided articles split off (concept tags);
# 13: the language a document's stems are in; 14: languages offered as concepts; 15: acronyms
# that are common words only in capitals
ANALYSIS_VERSION = "15"
VERSION_LEXEME = f"@v:{ANALYSIS_VERSION}-{vocabulary_digest()}"
# A typed word of at least this many letters also matches the words it begins (compounds).
MIN_PREFIX = 6


def concept_lexeme(concept_id: str) -> str:
    return f"@c:{concept_id}"


def mention_lexeme(concept_id: str, mentions: int) -> str:
    """A concept the text names at least `mentions` times (2 to documents.MENTION_CAP): a
    lexeme has no count either, so a document has one per count it reaches."""
    return f"@c{mentions}:{concept_id}"


def concept_lexemes(concepts: dict[str, int]) -> list[str]:
    """The lexemes of a document's concepts (id -> mentions)."""
    return [
        lexeme
        for c, n in concepts.items()
        for lexeme in (concept_lexeme(c), *(mention_lexeme(c, k) for k in range(2, n + 1)))
    ]


def stemmed_as_lexeme(stemming: str) -> str:
    """The stemming a document's own-language lexemes come from (a configuration's name, or
    the code of a language stemmed in Python). All languages share one tsvector, so a stem
    matches only with it ("su" & "@s:hungarian"), as Whoosh's stems match only in their own
    language's field: a Hungarian stem of "sun" is no Spanish "su", nor the Spanish stem of
    "mayores" an English "mayor"."""
    return f"@s:{stemming}"


_STEMMED_AS_RE = re.compile(r" & (?:'@s:[^']*'|\('@s:[^)]*\))")


def unguarded(tsquery: str) -> str:
    """`tsquery` without the stemmings its stems are tied to: what ts_rank and idf weigh."""
    return _STEMMED_AS_RE.sub("", tsquery)


def lead_concept_lexeme(concept_id: str) -> str:
    """A concept the title or a summary names (ranks above one named further down).

    Like the concept lexemes it has no position, hence no weight of its own: the backend
    scores the match itself."""
    return f"@l:{concept_id}"


def title_concept_lexeme(concept_id: str) -> str:
    """A concept the title names (also a lead concept): ranks higher still."""
    return f"@t:{concept_id}"


def available_configs(conn: Connection) -> dict[str, str]:
    """CONFIGS restricted to the configurations this server has."""
    names = set(conn.scalars(text("SELECT cfgname FROM pg_ts_config")))
    return {lang: cfg for lang, cfg in CONFIGS.items() if cfg in names}


def python_stemmed(configs: dict[str, str]) -> tuple[str, ...]:
    """The languages the application stems that have no configuration among `configs`: their
    stems are computed in Python, for documents and queries alike."""
    return tuple(lang for lang in STEMMED_LANGUAGES if lang not in configs)


# --- documents --------------------------------------------------------------------------------


def document_texts(doc: dict[str, Any], configs: dict[str, str]) -> dict[str, str]:
    """The bind parameters of document_tsvector_sql() for one search document."""
    lang = doc.get("text_language")
    fields = {name: doc.get(name) or "" for name, _w in FIELD_WEIGHTS}
    fields["reports"] = fields["reports"][:MAX_REPORT_CHARS]
    params: dict[str, Any] = {f"n_{name}": fold_text(value) for name, value in fields.items()}
    params["concepts"] = [VERSION_LEXEME, *concept_lexemes(doc.get("concepts") or {})]
    if lang in configs:
        params["concepts"].append(stemmed_as_lexeme(configs[lang]))
    elif lang in STEMMED_LANGUAGES:
        params["concepts"].append(stemmed_as_lexeme(lang))
    params["lead_concepts"] = [
        *(lead_concept_lexeme(c) for c in doc.get("lead_concepts") or ()),
        *(title_concept_lexeme(c) for c in doc.get("title_concepts") or ()),
    ]
    if lang in configs:
        params["ts_config"] = configs[lang]
        params.update({f"l_{name}": value for name, value in fields.items()})
    else:
        params["ts_config"] = NEUTRAL
        for name, value in fields.items():
            stems = (
                [s for _w, s in word_forms(value, lang) if s] if lang in STEMMED_LANGUAGES else []
            )
            params[f"l_{name}"] = " ".join(stems)
    return params


def document_tsvector_sql() -> Any:
    """The tsvector of a row from the bind parameters that document_texts() returns."""
    neutral = literal_column(f"'{NEUTRAL}'::regconfig")
    own = bindparam("ts_config", type_=REGCONFIG)
    parts = [
        func.setweight(
            func.to_tsvector(config, bindparam(f"{prefix}_{name}")),
            literal_column(f"'{weight}'"),
        )
        for prefix, config in (("n", neutral), ("l", own))
        for name, weight in FIELD_WEIGHTS
    ]
    parts.append(
        func.setweight(
            func.array_to_tsvector(bindparam("concepts", type_=ARRAY(TEXT))),
            literal_column("'B'"),
        )
    )
    parts.append(
        func.setweight(
            func.array_to_tsvector(bindparam("lead_concepts", type_=ARRAY(TEXT))),
            literal_column("'A'"),
        )
    )
    vector = parts[0]
    for part in parts[1:]:
        vector = vector.op("||")(part)
    return vector


# --- queries ----------------------------------------------------------------------------------


class Lexicon:
    """The tsquery text of a word (or a phrase) in each configuration, from PostgreSQL.

    Kept per process: the same words come back query after query.
    """

    MAX_ENTRIES = 50_000

    def __init__(self, configs: Iterable[str], python_languages: Iterable[str] = ()) -> None:
        self.configs = tuple(dict.fromkeys(configs))
        # Languages stemmed in Python (python_stemmed()): their stems are quoted lexemes.
        self.python_languages = tuple(python_languages)
        self._cache: dict[tuple[str, str], str] = {}

    def fetch(self, conn: Connection, pairs: Iterable[tuple[str, str]]) -> None:
        """Ask PostgreSQL, in one round trip, for the (configuration, text) pairs not cached."""
        missing = [p for p in dict.fromkeys(pairs) if p not in self._cache]
        if not missing:
            return
        if len(self._cache) + len(missing) > self.MAX_ENTRIES:
            self._cache.clear()
        rows = conn.execute(
            text(
                "SELECT t.cfg, t.txt, phraseto_tsquery(t.cfg::regconfig, t.txt)::text "
                "FROM unnest(CAST(:cfgs AS text[]), CAST(:txts AS text[])) AS t(cfg, txt)"
            ),
            {"cfgs": [c for c, _t in missing], "txts": [t for _c, t in missing]},
        )
        for cfg, txt, tsquery in rows:
            self._cache[(cfg, txt)] = tsquery or ""

    def get(self, cfg: str, txt: str) -> str:
        return self._cache.get((cfg, txt), "")

    # What a word or a phrase needs: fetch these pairs before composing.

    def word_pairs(self, text_: str) -> list[tuple[str, str]]:
        return [(NEUTRAL, fold_text(text_)), *((c, text_) for c in self.configs)]

    @staticmethod
    def phrase_pairs(text_: str) -> list[tuple[str, str]]:
        return [(NEUTRAL, fold_text(text_))]

    def word(self, text_: str, prefix: bool = True) -> str:
        """Any form of the word; with `prefix`, also the longer words it begins."""
        options = [self.get(NEUTRAL, fold_text(text_))]
        if prefix:
            options.append(prefix_tsquery(text_))
        # Each stem tied to the stemmings that make it, but a stem that is the word as typed
        # (most stemmers leave most foreign words alone): the neutral option finds it anyway.
        stemmings: dict[str, list[str]] = {}
        for c in self.configs:
            stemmings.setdefault(self.get(c, text_), []).append(c)
        for lang in self.python_languages:
            stems = analyze(text_, lang)
            stemmings.setdefault(_and([_quote(s) for s in stems]), []).append(lang)
        for stem, keys in stemmings.items():
            if stem and stem != options[0]:
                guard = " | ".join(_quote(stemmed_as_lexeme(k)) for k in keys)
                options.append(f"({_wrap(stem)} & {_wrap(guard)})")
        return _or(list(dict.fromkeys(o for o in options if o)))

    def phrase(self, text_: str) -> str:
        return _wrap(self.get(NEUTRAL, fold_text(text_)))

    def stemmed_as(self, lang: str) -> str:
        """The stemming lexeme of a document in `lang` (document_texts)."""
        cfg = CONFIGS.get(lang)
        return stemmed_as_lexeme(cfg if cfg in self.configs else lang)

    @staticmethod
    def quote(lexeme: str) -> str:
        return _quote(lexeme)


def prefix_tsquery(text_: str) -> str:
    """The indexed words that a long one-word text begins ("missbrauch" -> "missbrauchs…")."""
    tokens = _WORD_RE.findall(fold_text(text_))
    if len(tokens) != 1 or len(tokens[0]) < MIN_PREFIX:
        return ""
    return _quote(tokens[0]) + ":*"


def concepts_tsquery(ids: Iterable[str]) -> str:
    """Documents tagged with any of the concepts or with a kind of one (a narrower concept)."""
    tagged = dict.fromkeys(k for c in ids for k in (c, *narrower(c)))
    return _or([_quote(f(c)) for c in tagged for f in (concept_lexeme, lead_concept_lexeme)])


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _wrap(tsquery: str) -> str:
    return f"({tsquery})" if tsquery and " " in tsquery else tsquery


def _or(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return _wrap(parts[0]) if len(parts) == 1 else "(" + " | ".join(map(_wrap, parts)) + ")"


def _and(parts: list[str]) -> str:
    parts = [p for p in parts if p]
    if not parts:
        return ""
    return _wrap(parts[0]) if len(parts) == 1 else "(" + " & ".join(map(_wrap, parts)) + ")"


def query_pairs(node: Node, lexicon: Lexicon) -> list[tuple[str, str]]:
    """Every (configuration, text) that node_tsquery() will look up."""
    if isinstance(node, Word):
        return lexicon.word_pairs(node.text)
    if isinstance(node, Phrase):
        return lexicon.phrase_pairs(node.text)
    if isinstance(node, Concepts):
        return []
    if isinstance(node, Synonyms):
        out = query_pairs(node.original, lexicon)
        for alt in node.alternatives:
            out += (
                lexicon.word_pairs(alt.text)
                if len(alt.tokens) == 1
                else lexicon.phrase_pairs(alt.text)
            )
        return out
    return [
        p for child in node.must + node.should + node.must_not for p in query_pairs(child, lexicon)
    ]


def _alternative(alt: Phrase, lexicon: Lexicon) -> str:
    return lexicon.word(alt.text) if len(alt.tokens) == 1 else lexicon.phrase(alt.text)


def node_tsquery(node: Node, lexicon: Lexicon, prefix: bool = True) -> str:
    """The tsquery text of a positive node ("" when it cannot match anything).

    Without `prefix`, words match only their own forms, not the longer words they begin
    (ranking counts those with the equivalents).
    """
    if isinstance(node, Word):
        return lexicon.word(node.text, prefix)
    if isinstance(node, Phrase):
        return lexicon.phrase(node.text)
    if isinstance(node, Concepts):
        return concepts_tsquery(node.ids)
    if isinstance(node, Synonyms):
        alternatives = [_alternative(a, lexicon) for a in node.alternatives]
        return _or(
            [
                _and([node_tsquery(node.original, lexicon, prefix), foreign_guard(node, lexicon)]),
                *alternatives,
                concepts_tsquery(node.concepts),
            ]
        )
    return group_tsquery(node, lexicon, prefix)


def foreign_guard(node: Node, lexicon: Lexicon) -> str:
    """For a term word of the field that other languages write as some other word
    (concept_match.foreign_languages): the documents its letters count in, those in no such
    language or tagged with its concepts, as a tsquery to AND with its own; else ""."""
    if not (isinstance(node, Synonyms) and node.concepts and isinstance(node.original, Word)):
        return ""
    foreign = foreign_languages(node.original.tokens)
    if not foreign:
        return ""
    elsewhere = _or([_quote(lexicon.stemmed_as(lang)) for lang in foreign])
    return f"(!{_wrap(elsewhere)} | {_wrap(concepts_tsquery(node.concepts))})"


def without_alternatives(node: Node) -> Node:
    """The tree as typed: concept expansions replaced by the user's own words."""
    if isinstance(node, Synonyms):
        return without_alternatives(node.original)
    if isinstance(node, Group):
        return Group(
            must=tuple(without_alternatives(n) for n in node.must),
            should=tuple(without_alternatives(n) for n in node.should),
            must_not=node.must_not,
        )
    return node


def words_tsquery(node: Node, lexicon: Lexicon) -> str:
    """Every equivalent word in the tree (not concepts), OR-ed ("" when there is none)."""
    if isinstance(node, Synonyms):
        own = [_alternative(a, lexicon) for a in node.alternatives]
        return _or([*own, words_tsquery(node.original, lexicon)])
    if isinstance(node, Group):
        return _or([words_tsquery(n, lexicon) for n in node.must + node.should])
    return ""


_LEXEME = re.compile(r"('(?:[^']|'')*')(:\*)?")


def title_tsquery(tsquery: str) -> str:
    """`tsquery` matching in titles only: each lexeme restricted to the title's weight (A),
    a prefix staying one ('stay':*A), the markers (@…) left as they are."""

    def in_title(match: re.Match[str]) -> str:
        lexeme, prefix = match.group(1), match.group(2)
        if lexeme.startswith("'@"):
            return match.group(0)
        return f"{lexeme}:{'*' if prefix else ''}A"

    return _LEXEME.sub(in_title, tsquery)


def prefixes_tsquery(node: Node) -> str:
    """The longer words that the tree's long words begin, OR-ed ("" when there is none)."""
    if isinstance(node, Word):
        return prefix_tsquery(node.text)
    if isinstance(node, Synonyms):
        return prefixes_tsquery(node.original)
    if isinstance(node, Group):
        return _or([prefixes_tsquery(n) for n in node.must + node.should])
    return ""


def group_tsquery(group: Group, lexicon: Lexicon, prefix: bool = True) -> str:
    positive = (
        _and([node_tsquery(n, lexicon, prefix) for n in group.must])
        if group.must
        else _or([node_tsquery(n, lexicon, prefix) for n in content_nodes(group.should)])
    )
    excluded = [e for e in (node_tsquery(n, lexicon) for n in group.must_not) if e]
    if not excluded:
        return positive
    negations = " & ".join(f"!{_wrap(e)}" for e in excluded)
    return f"({positive} & {negations})" if positive else f"({negations})"


# --- highlighting -----------------------------------------------------------------------------


def highlight_words(node: Node) -> list[str]:
    """The positive words of the query, as typed and folded, one by one (for ts_headline)."""
    out: list[str] = []
    stop = query_stopwords()

    def add(text_: str, keep_stop: bool = False) -> None:
        for word in _WORD_RE.findall(text_.lower()):
            if keep_stop or fold_text(word) not in stop:
                out.extend((word, fold_text(word)))

    def walk(n: Node) -> None:
        if isinstance(n, Word):
            add(n.text)
        elif isinstance(n, Phrase):
            add(n.text, keep_stop=True)
        elif isinstance(n, Synonyms):
            walk(n.original)
            for alt in n.alternatives:
                add(alt.text)
        elif isinstance(n, Group):
            for child in n.must + n.should:
                walk(child)

    walk(node)
    return list(dict.fromkeys(out))


def headline_tsquery(cfg: str, words: list[str], lexicon: Lexicon) -> str:
    """Any of the words, as `cfg` parses them: what ts_headline marks in a `cfg` document."""
    return _or(list(dict.fromkeys(_wrap(lexicon.get(cfg, w)) for w in words)))
