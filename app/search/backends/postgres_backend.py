"""The PostgreSQL full-text backend (SEARCH_BACKEND=postgres), for several web hosts.

Documents live in `search_documents` (a tsvector built by PostgreSQL's own text search: the
accent-folded text under `simple` plus the text under its language's configuration, see
app/search/backends/postgres_text.py; a GIN index; the stored fields of a result list) and
`search_facets` (one row per facet value; facet counts are GROUP BYs). Every host reads the
same database, so there is no index folder to share. Writes are serialised with an advisory
lock; a rebuild replaces everything in one transaction, so searches see the old rows until it
commits. Ranking is ts_rank with title and summary weighted up; snippets of the shown hits
come from ts_headline in the document's own configuration. tests/search run the same
contract against this backend and Whoosh.
"""

from __future__ import annotations

import contextlib
import math
import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    REAL,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.core.extensions import db
from app.search.analysis import STEMMED_LANGUAGES, analyze, edit_distance
from app.search.backends.base import (
    BuildProgress,
    Deadline,
    IndexedVersion,
    LockTimeout,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
    SearchTimeout,
    Via,
    typed_text,
)
from app.search.backends.postgres_text import (
    VERSION_LEXEME,
    Lexicon,
    available_configs,
    concept_lexeme,
    concepts_tsquery,
    document_texts,
    document_tsvector_sql,
    foreign_guard,
    group_tsquery,
    headline_tsquery,
    highlight_words,
    lead_concept_lexeme,
    mention_lexeme,
    node_tsquery,
    prefixes_tsquery,
    python_stemmed,
    query_pairs,
    title_concept_lexeme,
    title_tsquery,
    unguarded,
    without_alternatives,
    words_tsquery,
)
from app.search.concept_match import KNOWN_WORD, is_known_word
from app.search.concepts import concept_weight, narrower, part_weight
from app.search.documents import FACET_KEYS, MENTION_CAP, facet_values
from app.search.facets import VERDICT_LABELS, ordered_counts
from app.search.feedback import FEEDBACK_KEYS, WINDOW, reorders, rerank, tag
from app.search.highlight import MARK_END, MARK_START, render_marked
from app.search.models import SearchDocument, SearchFacet
from app.search.off_topic import language_share, off_topic_words, phrasings, query_part
from app.search.query import (
    Concepts,
    ParsedText,
    Phrase,
    Synonyms,
    Word,
    node_concepts,
    parse_text,
)
from app.search.suggestions import (
    RARE_WORD_DOCS,
    STEM_ONLY,
    Candidate,
    best_candidate,
    corrected_text,
    corrections,
    distance,
    english_stem,
)

LOCK_KEY = 0x5EA4C4  # pg_advisory_lock key of the search writer
# A build's session shows its progress in its application_name (pg_stat_activity), which every
# host can read and which goes away with the session if the builder dies.
BUILD_APPLICATION_NAME = "prevent-hub search build"
# ts_rank weights of D (reports), C (body), B (summary) and A (title).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
COORD_WEIGHT = 0.8
# A document whose title holds every typed part of the query scores this much more. Tuned
# with bench/search_quality.py (tuning half: 0.3 to 1.0 gained, 0.5 most, from exact names);
# names of the demo titles as queries (known items) found their measure higher too.
TITLE_BOOST = 0.5
# Concepts (equivalents in every language) as in Whoosh, on ts_rank's scale.
SYNONYM_BOOST = 0.9  # an equivalent word counts a little less than the word typed
# As Whoosh's concept fields, on ts_rank's scale (a strong match of a typed word is about
# 0.02 × its idf): a document tagged with a concept the typed words name scores CONCEPT_BOOST
# × the concept's idf, and as much again (LEAD_BOOST) when its title or a summary names it;
# one tagged with the concept of an everyday phrasing, PHRASING_BOOST × idf (and the same
# lead bonus). Tuned with bench/search_quality.py (tuning half only).
CONCEPT_BOOST = 0.08
LEAD_BOOST = 1.0
# A concept named 2 or 3 times (at most MENTION_CAP) scores as in Whoosh (FIELD_K1 there).
MENTION_K1 = 1.2
# A concept the title names: Whoosh's lead field lists it twice, with K1 1.2.
TITLE_FACTOR = 2 * (1.2 + 1) / (2 + 1.2)
# A third of CONCEPT_BOOST, as in Whoosh (2.0 against 6.0): tuning half 0.811 at 0.04, 0.819.
PHRASING_BOOST = CONCEPT_BOOST / 3
KIND_SHARE = 0.5  # a document tagged only with kinds of a concept, as in Whoosh
# A document found only by the concept of one typed word scores at most this share of the
# best match of the word itself over all documents, as in Whoosh ("Parafilik" first).
CONCEPT_CAP = 0.8
PREFIX_BOOST = 0.3  # longer words a typed word begins (compounds)
SNIPPET = 320  # characters of the summary shown around its first match
BATCH = 500
# "Did you mean": how many close words of the cached vocabulary are checked against the
# documents as they are now, closest and most frequent first.
MAX_CANDIDATES = 10
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE when statement_timeout stops a statement
# The stored fields a result list shows.
LIST_COLUMNS = (
    "measure_id", "external_id", "title", "summary", "text_language", "countries",
    "evidence_level", "evidence_label", "harm_flag", "rating", "published_at",
)  # fmt: skip


def _rows(
    doc: dict[str, Any], configs: dict[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = {
        "measure_id": doc["id"],
        "revision_id": doc.get("revision_id") or 0,
        "external_id": doc.get("external_id"),
        "title": doc["title"],
        "summary": doc["summary"],
        "text_language": doc.get("text_language"),
        "countries": list(doc.get("countries") or []),
        "evidence_level": int(doc["evidence_level"]),
        "evidence_label": doc.get("evidence_label") or "",
        "harm_flag": bool(doc.get("harm_flag")),
        "rating": float(doc.get("rating") or 0.0),
        "start_year": doc.get("start_year"),
        "published_at": doc.get("published_at"),
        **document_texts(doc, configs),
    }
    facets = [
        {"measure_id": doc["id"], "key": key, "value": value}
        for key in FACET_KEYS
        for value in dict.fromkeys(facet_values(doc, key))
    ]
    return row, facets


_STORED_COLUMNS = (
    "measure_id", "revision_id", "external_id", "title", "summary", "text_language",
    "countries", "evidence_level", "evidence_label", "harm_flag", "rating", "start_year",
    "published_at",
)  # fmt: skip


def _show_progress(conn: Connection, done: int, total: int | None) -> None:
    name = f"{BUILD_APPLICATION_NAME}: {done} of {'?' if total is None else total}"
    conn.execute(select(func.set_config("application_name", name, False)))


def _insert_statement() -> Any:
    """INSERT of one document row; the tsvector is computed by PostgreSQL from the texts."""
    values = {name: bindparam(name) for name in _STORED_COLUMNS}
    values["ts_config"] = bindparam("ts_config")
    values["tsv"] = document_tsvector_sql()
    return insert(SearchDocument.__table__).values(values)


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self) -> None:
        if db.engine.dialect.name != "postgresql":
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        self._vocabulary: tuple[int, dict[str, int]] | None = None
        with db.engine.connect() as conn:
            self.configs = available_configs(conn)
        self.lexicon = Lexicon(sorted(set(self.configs.values())), python_stemmed(self.configs))

    # --- writing ------------------------------------------------------------------------------

    @contextmanager
    def writer_lock(self, timeout: float) -> Iterator[None]:
        with db.engine.connect() as conn:
            deadline = time.monotonic() + timeout
            while not conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}):
                conn.rollback()
                if time.monotonic() >= deadline:
                    raise LockTimeout("the search writer lock (a PostgreSQL advisory lock) is busy")
                time.sleep(0.02)
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()

    def exists(self) -> bool:
        """False when the tables are empty while measures are published (never built, or
        emptied by a migration that changed the analysis): the next sync then rebuilds."""
        from app.search.indexer import published_count

        with db.engine.connect() as conn:
            if conn.scalar(select(SearchDocument.measure_id).limit(1)) is not None:
                # Rows written by an older analysis lack its version lexeme: rebuild them.
                current = select(SearchDocument.measure_id).where(
                    _matches(self.lexicon.quote(VERSION_LEXEME))
                )
                return conn.scalar(current.limit(1)) is not None
        return published_count() == 0

    def _insert(self, conn: Connection, docs: list[dict[str, Any]]) -> None:
        if not docs:
            return
        rows, facets = [], []
        for doc in docs:
            row, doc_facets = _rows(doc, self.configs)
            rows.append(row)
            facets.extend(doc_facets)
        conn.execute(_insert_statement(), rows)
        if facets:
            conn.execute(insert(SearchFacet.__table__), facets)

    def write(self, upserts: list[dict[str, Any]], deletes: list[int]) -> None:
        ids = [d["id"] for d in upserts] + list(deletes)
        with db.engine.begin() as conn:
            if ids:
                conn.execute(delete(SearchFacet).where(SearchFacet.measure_id.in_(ids)))
                conn.execute(delete(SearchDocument).where(SearchDocument.measure_id.in_(ids)))
            self._insert(conn, upserts)
        self._vocabulary = None

    def rebuild(
        self,
        documents: Iterable[dict[str, Any]],
        *,
        procs: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        total = getattr(documents, "total", None)
        count = 0
        with db.engine.connect() as conn:
            try:
                # One transaction: readers see the old rows until it ends.
                with conn.begin():
                    _show_progress(conn, 0, total)
                    conn.execute(delete(SearchFacet))
                    conn.execute(delete(SearchDocument))
                    batch: list[dict[str, Any]] = []
                    for doc in documents:
                        batch.append(doc)
                        if len(batch) >= BATCH:
                            self._insert(conn, batch)
                            count += len(batch)
                            _show_progress(conn, count, total)
                            if progress:
                                progress(len(batch))
                            batch = []
                    self._insert(conn, batch)
                    count += len(batch)
                    if progress and batch:
                        progress(len(batch))
            finally:
                # Back to the pool without the name: its next user is not building.
                with contextlib.suppress(SQLAlchemyError):
                    conn.execute(text("RESET application_name"))
                    conn.commit()
        self._vocabulary = None
        return count

    def build_status(self) -> BuildProgress | None:
        """The build some session of this database is running (its application_name says
        how far it got; a builder that died took its session, and so its name, with it)."""
        with db.engine.connect() as conn:
            name = conn.scalar(
                text(
                    "SELECT application_name FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name LIKE :prefix "
                    "LIMIT 1"
                ),
                {"prefix": BUILD_APPLICATION_NAME + "%"},
            )
        if name is None:
            return None
        found = re.search(r"(\d+) of (\d+|\?)", name)
        if found is None:
            return BuildProgress(done=0, total=None)
        done, total = found.groups()
        return BuildProgress(done=int(done), total=None if total == "?" else int(total))

    def clear(self) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(SearchFacet))
            conn.execute(delete(SearchDocument))
        self._vocabulary = None

    # --- reading ------------------------------------------------------------------------------

    def indexed_versions(self) -> dict[int, IndexedVersion]:
        with db.engine.connect() as conn:
            rows = conn.execute(select(SearchDocument.measure_id, SearchDocument.revision_id))
            return {m: IndexedVersion(revision_id=r) for m, r in rows}

    def doc_count(self) -> int:
        with db.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(SearchDocument)) or 0

    def search(self, query: SearchQuery, budget: float | None = None) -> SearchResults:
        parsed = parse_text(query.q, expand=query.expand, no_expand=query.no_expand)
        with db.engine.connect() as conn:
            # Refreshing the cached vocabulary after a change is shared upkeep, not this
            # query's cost: the clock starts after it.
            vocabulary = {} if parsed.is_empty else self.vocabulary(conn)
            search = _PostgresSearch(conn, query, parsed, self, vocabulary, Deadline(budget))
            try:
                return search.run()
            except DBAPIError as error:
                if _sqlstate(error) == QUERY_CANCELED:
                    raise SearchTimeout("statement_timeout stopped the search") from error
                raise

    def vocabulary(self, conn: Connection) -> dict[str, int]:
        """Lexemes and their document counts, for "did you mean" and idf (cached per change).

        The cache is refreshed when the number of documents changes. Another host's write
        that keeps the number (one measure archived, another published) leaves it stale for
        a while: fine for idf, and "did you mean" checks each word it would suggest against
        the documents as they are now.
        """
        count = conn.scalar(select(func.count()).select_from(SearchDocument)) or 0
        if self._vocabulary is None or self._vocabulary[0] != count:
            rows = conn.execute(
                text(
                    # Stems are in there too; the closest frequent word still wins.
                    "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search_documents')"
                )
            )
            self._vocabulary = (count, dict(rows.all()))
            self._sorted_words = None
        return self._vocabulary[1]

    def words_starting(self, prefix: str) -> list[str]:
        """The cached vocabulary's words that begin with `prefix` (sorted once per change)."""
        if getattr(self, "_sorted_words", None) is None:
            self._sorted_words = sorted(self._vocabulary[1]) if self._vocabulary else []
        words = self._sorted_words
        out = []
        for i in range(bisect_left(words, prefix), len(words)):
            if not words[i].startswith(prefix):
                break
            out.append(words[i])
        return out

    @property
    def vocabulary_docs(self) -> int:
        """The number of documents the cached vocabulary was counted over."""
        return self._vocabulary[0] if self._vocabulary else 0


_LEXEME_RE = re.compile(r"'((?:[^']|'')*)'")


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)


def _lexemes(tsquery: str) -> list[str]:
    return [m.replace("''", "'") for m in _LEXEME_RE.findall(tsquery)]


def _matches(tsquery: str) -> Any:
    return SearchDocument.tsv.op("@@", is_comparison=True)(cast(tsquery, TSQUERY))


def _mention_factor(mentions: int) -> float:
    """BM25's term frequency factor, as Whoosh scores its concept field (b = 0)."""
    return mentions * (MENTION_K1 + 1) / (mentions + MENTION_K1)


def _mentions(concept: str) -> Any:
    """The term frequency factor of how often a document tagged with the concept names it."""
    counts = range(MENTION_CAP, 1, -1)
    return case(
        *(
            (_matches(Lexicon.quote(mention_lexeme(concept, n))), _mention_factor(n))
            for n in counts
        ),
        else_=1.0,
    )


def _lead(concept: str) -> Any:
    """LEAD_BOOST when the document's title or a summary names the concept; more when its
    title does, as Whoosh's lead concept field counts a title concept twice (its K1)."""
    return case(
        (_matches(Lexicon.quote(title_concept_lexeme(concept))), LEAD_BOOST * TITLE_FACTOR),
        (_matches(Lexicon.quote(lead_concept_lexeme(concept))), LEAD_BOOST),
        else_=0.0,
    )


HEADLINE_OPTIONS = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'
_HEADLINES = text(
    "SELECT d.measure_id, "
    "ts_headline(h.cfg::regconfig, translate(d.title, :marks, ''), h.q::tsquery, :options), "
    "ts_headline(h.cfg::regconfig, translate(d.summary, :marks, ''), h.q::tsquery, :options) "
    "FROM search_documents d "
    "JOIN unnest(CAST(:cfgs AS text[]), CAST(:queries AS text[])) AS h(cfg, q) "
    "ON h.cfg = d.ts_config "
    "WHERE d.measure_id = ANY(CAST(:ids AS integer[]))"
)


class _PostgresSearch:
    def __init__(
        self,
        conn: Connection,
        query: SearchQuery,
        parsed: ParsedText,
        backend: PostgresBackend,
        vocabulary: dict[str, int],
        deadline: Deadline,
    ) -> None:
        self.conn, self.query, self.parsed, self.backend = conn, query, parsed, backend
        self.vocabulary, self.deadline = vocabulary, deadline
        self.text = query.q  # the text searched: as typed, or as corrected
        self.lexicon = backend.lexicon
        self.tsquery = ""
        self.off_topic: list[str] = []

    def _arm(self) -> None:
        """Give the next statements what is left of the time budget as statement_timeout."""
        remaining = self.deadline.remaining()
        if remaining is None:
            return
        if remaining <= 0:
            raise SearchTimeout("the search ran past its time budget")
        milliseconds = str(max(1, math.ceil(remaining * 1000)))
        self.conn.execute(select(func.set_config("statement_timeout", milliseconds, True)))

    def _conditions(self, skip_facet: str | None = None) -> list[Any]:
        query, where = self.query, []
        if not self.parsed.is_empty:
            where.append(_matches(self.tsquery) if self.tsquery and not self.off_topic else false())
        if query.evidence_min is not None:
            where.append(SearchDocument.evidence_level >= query.evidence_min)
            if query.evidence_min >= 1:  # a verdict is never "level 1 or better" (§5)
                where.append(SearchDocument.evidence_label.notin_(VERDICT_LABELS))
        if query.year_from is not None:
            where.append(SearchDocument.start_year >= query.year_from)
        if query.year_to is not None:
            where.append(SearchDocument.start_year <= query.year_to)
        for key, values in query.filters.items():
            if key != skip_facet:
                chosen = select(SearchFacet.measure_id).where(
                    SearchFacet.key == key, SearchFacet.value.in_(values)
                )
                where.append(SearchDocument.measure_id.in_(chosen))
        return where

    def _score(self) -> Any:
        """ts_rank of each part of the query, weighted by how rare the part is.

        ts_rank alone counts a common word ("support") as much as a rare one ("cosa"); BM25
        weighs terms by inverse document frequency. Here each top-level part's rank is
        multiplied by its BM25 idf (document frequencies from ts_stat, cached per change).
        As in Whoosh, a part adds the typed words' score and the best of its equivalents: an
        equivalent word (SYNONYM_BOOST) or the concepts it names (a constant per concept,
        more for a lead concept, scaled below the typed words' best score); an everyday
        phrasing adds its concepts' score; documents matching more of the parts rank higher
        (COORD_WEIGHT).
        """
        if not self.tsquery:
            return literal(0.0)
        weights = literal(RANK_WEIGHTS, ARRAY(REAL))
        vocabulary = self.vocabulary
        total = max(self.backend.vocabulary_docs, 1)

        def idf(tsquery: str) -> float:
            df = max((vocabulary.get(lex, 0) for lex in _lexemes(unguarded(tsquery))), default=0)
            return math.log(1 + (total - df + 0.5) / (df + 0.5))

        def rank_of(tsquery: str) -> Any:
            return func.ts_rank(weights, SearchDocument.tsv, cast(unguarded(tsquery), TSQUERY), 1)

        def concept_weight_of(concept: str, boost: float) -> float:
            # What a document tagged with the concept scores per mention, before BM25's factor.
            return (
                boost * concept_weight(concept) * idf(self.lexicon.quote(concept_lexeme(concept)))
            )

        def concepts_score(ids: tuple[str, ...], boost: float) -> Any:
            # As Whoosh's concept fields: a document tagged with a concept scores its idf
            # times BM25's term frequency factor of its mentions, plus its idf when its title
            # or a summary names it (a lead concept).
            # A document tagged only with kinds of the concept (narrower concepts) scores
            # KIND_SHARE of one naming the concept once (Whoosh's _concept_and_kinds).
            score: Any = literal(0.0)
            for concept in ids:
                tagged = self.lexicon.quote(concept_lexeme(concept))
                weight = concept_weight_of(concept, boost)
                concept_score = case(
                    (_matches(tagged), weight * (_mentions(concept) + _lead(concept))),
                    else_=0.0,
                )
                kinds = [self.lexicon.quote(concept_lexeme(k)) for k in narrower(concept)]
                kinds = [k for k in kinds if any(vocabulary.get(x) for x in _lexemes(k))]
                if kinds:
                    in_kinds = case((_matches(" | ".join(kinds)), KIND_SHARE * weight), else_=0.0)
                    concept_score = func.greatest(concept_score, in_kinds)
                score = score + concept_score
            return score

        def concepts_peak(ids: tuple[str, ...], boost: float) -> float:
            # The most a document can score in concepts_score, from the lexemes some document
            # has (the vocabulary's counts): no query over the documents for it.
            peak = 0.0
            for concept in ids:
                weight = concept_weight_of(concept, boost)
                if vocabulary.get(concept_lexeme(concept)):
                    counts = [
                        n
                        for n in range(MENTION_CAP, 1, -1)
                        if vocabulary.get(mention_lexeme(concept, n))
                    ]
                    lead = 0.0
                    if vocabulary.get(lead_concept_lexeme(concept)):
                        lead = LEAD_BOOST
                    if vocabulary.get(title_concept_lexeme(concept)):
                        lead = LEAD_BOOST * TITLE_FACTOR
                    peak += weight * ((_mention_factor(counts[0]) if counts else 1.0) + lead)
                elif any(vocabulary.get(concept_lexeme(k)) for k in narrower(concept)):
                    peak += KIND_SHARE * weight
            return peak

        rank: Any = literal(0.0)
        units = []
        unit_weights: list[float] = []  # what each unit counts for in coordination
        titled: list[str] = []  # each unit's typed words
        for node in self.parsed.units:
            typed_query = node_tsquery(without_alternatives(node), self.lexicon, prefix=False)
            typed: Any = literal(0.0)
            if typed_query:
                typed = typed + idf(typed_query) * rank_of(typed_query)
                titled.append(typed_query)
            prefixes = prefixes_tsquery(node) if self.query.expand else ""
            if prefixes:
                typed = typed + PREFIX_BOOST * idf(prefixes) * rank_of(prefixes)
            guard = foreign_guard(node, self.lexicon)
            if guard:  # the letters of another language's word are not what was typed
                typed = typed * cast(cast(_matches(guard), Integer), Float)
            rank = rank + typed
            words = words_tsquery(node, self.lexicon)
            best: Any = SYNONYM_BOOST * idf(words) * rank_of(words) if words else literal(0.0)
            concepts = tuple(dict.fromkeys(node_concepts(node)))
            if concepts:
                concept = concepts_score(concepts, CONCEPT_BOOST)
                if isinstance(node, Synonyms) and isinstance(node.original, Word) and typed_query:
                    # What was typed ranks first: a document found only by the concept
                    # scores below the best match of the typed words in any document (not
                    # only the filtered ones), as in Whoosh. LEAST ignores the NULL of a word
                    # no document holds.
                    top = (
                        select(func.max(typed))
                        .where(_matches(f"({typed_query}) & {guard}" if guard else typed_query))
                        .correlate(None)
                        .scalar_subquery()
                    )
                    # Scaled, not clipped, as in Whoosh: their order stays.
                    peak = concepts_peak(concepts, CONCEPT_BOOST)
                    if peak:
                        concept = concept * func.least(1.0, CONCEPT_CAP * top / peak)
                best = func.greatest(best, concept)
            rank = rank + best
            unit = node_tsquery(node, self.lexicon, self.query.expand)
            if unit:
                # A document tagged with the concept of an everyday phrasing that matched
                # some of the unit's words has what they asked for (as in Whoosh).
                tagged = [
                    self.lexicon.quote(concept_lexeme(c))
                    for phrasing in self.parsed.phrasings_of(node)
                    for concept in phrasing.ids
                    for c in (concept, *narrower(concept))
                ]
                units.append(" | ".join([f"({unit})", *tagged]) if tagged else unit)
                unit_weights.append(part_weight(node_concepts(node)))  # as in Whoosh
        for node in self.parsed.root.should:
            if isinstance(node, Concepts):
                rank = rank + concepts_score(node.ids, PHRASING_BOOST)
        if titled and TITLE_BOOST:
            # A title holding every typed part: the measure asked for by its name ranks higher,
            # as in Whoosh (whose per-field BM25 weighs such a title more than ts_rank's field
            # weights do, but not always enough).
            in_title = " & ".join(f"({title_tsquery(unguarded(q))})" for q in titled)
            rank = rank * (1 + TITLE_BOOST * cast(cast(_matches(in_title), Integer), Float))
        if len(units) < 2:
            return rank
        matched = sum(
            weight * cast(cast(_matches(unit), Integer), Float)
            for unit, weight in zip(units, unit_weights, strict=True)
        )
        return rank * ((1 - COORD_WEIGHT) + COORD_WEIGHT * matched / sum(unit_weights))

    def _off_topic(self) -> list[str]:
        """The words no measure is about, when the query is off topic (app/search/off_topic.py)."""
        units = self.parsed.units
        if len(units) < 2:
            return []
        queries = [node_tsquery(u, self.lexicon, self.query.expand) for u in units]
        counts = [func.count().filter(_matches(q)) if q else literal(0) for q in queries]
        self._arm()
        # Per text language: a part's count, and its largest share of one language's measures
        # (of the languages stemmed, as the Whoosh backend counts them).
        language = SearchDocument.text_language
        rows = self.conn.execute(
            select(language, func.count(), *counts).select_from(SearchDocument).group_by(language)
        ).all()
        total = sum(int(r[1]) for r in rows)
        stemmed = [r for r in rows if r[0] in STEMMED_LANGUAGES]
        parts = [
            query_part(
                typed_text(unit),
                unit,
                sum(int(r[2 + i]) for r in rows),
                lambda q=tsquery: self._summaries(q),
                language_share((int(r[2 + i]), int(r[1])) for r in stemmed),
                lambda: self._all_in_one(queries),
                lambda token: self.vocabulary.get(token, 0),
            )
            for i, (unit, tsquery) in enumerate(zip(units, queries, strict=True))
        ]
        return off_topic_words(parts, total, phrasings(self.parsed), self.text)

    def _all_in_one(self, tsqueries: list[str]) -> bool:
        """Whether one measure matches every part's tsquery."""
        if not all(tsqueries):
            return False
        self._arm()
        matches_all = select(SearchDocument.measure_id).where(*map(_matches, tsqueries))
        return bool(self.conn.scalar(select(matches_all.exists())))

    def _summaries(self, tsquery) -> list[tuple[str, str]]:
        """(title, summary) of the measures a part's tsquery matches."""
        self._arm()
        doc = SearchDocument
        rows = self.conn.execute(select(doc.title, doc.summary).where(_matches(tsquery))).all()
        return [(r.title, r.summary) for r in rows]

    def _autocorrect(self) -> tuple[str | None, str | None]:
        """Correct misspelt words before searching: (corrected query, suggestion)."""
        query, parsed = self.query, self.parsed
        if parsed.is_empty or not self.vocabulary:
            return None, None
        self._arm()
        replacements = corrections(
            parsed, self._frequency, self._correction, self.deadline, self._together
        )
        corrected = corrected_text(query.q, replacements)
        if corrected is None or not query.autocorrect:
            return None, corrected
        self.parsed = parse_text(corrected, expand=query.expand, no_expand=query.no_expand)
        self.text = corrected
        return corrected, corrected

    def run(self) -> SearchResults:
        corrected, suggestion = self._autocorrect()
        query, doc, parsed = self.query, SearchDocument, self.parsed
        if not parsed.is_empty:
            self._arm()
            self.lexicon.fetch(self.conn, query_pairs(parsed.root, self.lexicon))
            # Without expansion, words match only their own forms (no longer compounds).
            self.tsquery = group_tsquery(parsed.root, self.lexicon, self.query.expand)
        off_topic = [] if parsed.is_empty or query.partial else self._off_topic()
        self.off_topic = off_topic
        where = self._conditions()
        self._arm()
        total = self.conn.scalar(select(func.count()).select_from(doc).where(*where)) or 0
        sort = query.sort
        if sort == "relevance" and self.parsed.is_empty:
            sort = "newest"
        score = self._score().label("score")
        newest = (doc.published_at.desc().nulls_last(), doc.measure_id.desc())
        order = {
            "relevance": (score.desc(), *newest),
            "evidence": (doc.harm_flag.asc(), doc.evidence_level.desc(), score.desc(), *newest),
            "rating": (doc.rating.desc(), doc.evidence_level.desc(), score.desc(), *newest),
            "newest": newest,
        }[sort]
        columns = [getattr(doc, c) for c in LIST_COLUMNS]
        # A page feedback reorders is read with the whole window, from the first.
        feedback = reorders(sort, query.expand, query.offset)
        end = query.offset + query.per_page
        self._arm()
        rows: Sequence[Any] = (
            self.conn.execute(
                select(*columns, doc.ts_config, score)
                .where(*where)
                .order_by(*order)
                .limit(max(end, WINDOW) if feedback else query.per_page)
                .offset(0 if feedback else query.offset)
            )
            .mappings()
            .all()
        )
        if feedback:
            rows = self._feedback(rows)[query.offset : end]
        highlights = self._highlights(rows)
        via = self._via([row["measure_id"] for row in rows])
        hits = [self._hit(row, highlights.get(row["measure_id"], {})) for row in rows]
        for hit in hits:
            hit.matched_via = via.get(hit.id, [])
        facets = self._facets() if query.facets else {}
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            expansions=list(parsed.expansions),
            corrected_query=corrected,
            original_query=query.q if corrected else None,
            off_topic=off_topic,
        )

    def _feedback(self, rows: Sequence[Any]) -> list[Any]:
        """Rows in relevance order, the best WINDOW reordered by their tags (feedback.py)."""
        head = [dict(row) for row in rows[:WINDOW]]
        tags: dict[int, list[str]] = {row["measure_id"]: [] for row in head}
        self._arm()
        for measure_id, key, value in self.conn.execute(
            select(SearchFacet.measure_id, SearchFacet.key, SearchFacet.value).where(
                SearchFacet.measure_id.in_(list(tags)), SearchFacet.key.in_(FEEDBACK_KEYS)
            )
        ):
            tags[measure_id].append(tag(key, value))
        ranked = rerank(
            [(row, float(row["score"])) for row in head], [tags[row["measure_id"]] for row in head]
        )
        for row, raised in ranked:
            row["score"] = raised
        return [row for row, _score in ranked] + list(rows[WINDOW:])

    def _via(self, ids: list[int]) -> dict[int, list[Via]]:
        """Per shown hit, each expansion that alone brought it (a Via)."""
        if not ids or self.parsed.is_empty:
            return {}
        labels = {(e.concept, e.matched): e.label for e in self.parsed.expansions}
        checks: list[tuple[Via, Any]] = []
        for node in self.parsed.root.must + self.parsed.root.should:
            if isinstance(node, Synonyms) and node.concepts:
                typed = node_tsquery(node.original, self.lexicon, self.query.expand)
                matched, concepts = typed_text(node.original), node.concepts
            elif isinstance(node, Concepts):
                typed, matched, concepts = "", node.matched, node.ids
            else:
                continue
            for concept in concepts:
                label = labels.get((concept, matched))
                if label is None:
                    continue
                condition = _matches(concepts_tsquery((concept,)))
                if typed:
                    condition = and_(condition, ~_matches(typed))
                checks.append((Via(concept, label, matched), condition))
        if not checks:
            return {}
        self._arm()
        columns = [c.label(f"via_{i}") for i, (_via, c) in enumerate(checks)]
        rows = self.conn.execute(
            select(SearchDocument.measure_id, *columns).where(SearchDocument.measure_id.in_(ids))
        )
        return {
            row[0]: [via for (via, _c), hit in zip(checks, row[1:], strict=True) if hit]
            for row in rows
        }

    def _facet_counts(self, keys: list[str], skip_facet: str | None) -> dict[str, dict[str, int]]:
        stmt = (
            select(SearchFacet.key, SearchFacet.value, func.count())
            .join(SearchDocument, SearchDocument.measure_id == SearchFacet.measure_id)
            .where(SearchFacet.key.in_(keys), *self._conditions(skip_facet))
            .group_by(SearchFacet.key, SearchFacet.value)
        )
        out: dict[str, dict[str, int]] = {k: {} for k in keys}
        for key, value, count in self.conn.execute(stmt):
            out[key][value] = count
        return out

    def _facets(self) -> dict[str, dict[str, int]]:
        self._arm()
        selected = set(self.query.filters)
        counts = self._facet_counts([k for k in FACET_KEYS if k not in selected], None)
        for key in selected:  # a facet's own selection is left out, so its values stay OR-able
            counts.update(self._facet_counts([key], key))
        out = {}
        for key in FACET_KEYS:
            values = counts.get(key, {})
            for value in self.query.filters.get(key, ()):
                values.setdefault(value, 0)
            out[key] = ordered_counts(key, values)
        return out

    def _highlights(self, rows: list[Any]) -> dict[int, dict[str, str]]:
        """ts_headline of the shown hits' title and summary, in each one's configuration.

        ts_headline does not escape HTML: it marks matches with characters removed from the
        text beforehand, and render_marked() escapes the text and turns them into <mark>.
        """
        if not rows or not self.query.highlight or self.parsed.is_empty:
            return {}
        self._arm()
        words = highlight_words(self.parsed.root)
        configs = sorted({row["ts_config"] for row in rows})
        self.lexicon.fetch(self.conn, [(c, w) for c in configs for w in words])
        queries = {c: q for c in configs if (q := headline_tsquery(c, words, self.lexicon))}
        if not queries:
            return {}
        marked = self.conn.execute(
            _HEADLINES,
            {
                "marks": MARK_START + MARK_END,
                "options": HEADLINE_OPTIONS,
                "cfgs": list(queries),
                "queries": list(queries.values()),
                "ids": [row["measure_id"] for row in rows],
            },
        )
        out: dict[int, dict[str, str]] = {}
        for measure_id, title, summary in marked:
            shown = {}
            for name, value, size in (
                ("title", title, None),
                ("summary", summary, SNIPPET),
            ):
                snippet = render_marked(value or "", size)
                if snippet is not None:
                    shown[name] = str(snippet)
            out[measure_id] = shown
        return out

    def _hit(self, row: Any, highlights: dict[str, str]) -> SearchHit:
        return SearchHit(
            id=row["measure_id"],
            external_id=row["external_id"],
            title=row["title"],
            summary=row["summary"],
            evidence_level=row["evidence_level"],
            evidence_label=row["evidence_label"],
            harm_flag=row["harm_flag"],
            countries=list(row["countries"] or []),
            score=round(float(row["score"]), 4),
            highlights=highlights,
            published_at=row["published_at"],
            rating=float(row["rating"] or 0.0),
            text_language=row["text_language"],
        )

    def _frequency(self, word: Word) -> int:
        """Documents holding the word; STEM_ONLY for a word known only by a stem."""
        docs = self.vocabulary.get(word.tokens[0], 0)
        if docs > RARE_WORD_DOCS:
            return docs
        if is_known_word(word.tokens[0], word.text):
            return KNOWN_WORD
        if docs:
            return docs
        return STEM_ONLY if self._word_known(word) else 0

    def _correction(self, token: str) -> Candidate | None:
        """The closest live word (1 edit, or 2 for longer words, as words or English stems),
        the most frequent among equally close ones."""
        words = set(_candidates(token, self.vocabulary, 2 if len(token) >= 5 else 1))
        stem = english_stem(token)
        if len(stem) >= 5:
            # Words whose English stem is one edit from the typed word's stem.
            for other in _candidates(stem, self.vocabulary, 1):
                words.update(
                    w for w in self.backend.words_starting(other) if english_stem(w) == other
                )
        # The vocabulary holds stems too ("groom"): offer the commonest word of each stem, and
        # a word that is no English stem itself (the closer: "centre" for "centrre", not the
        # commoner "centres").
        words = {self._surface(w) for w in words} | {w for w in words if english_stem(w) != w}
        words.discard(token)
        ranked = sorted(
            (Candidate(w, self.vocabulary[w], distance(token, w)) for w in words),
            key=lambda c: (c.distance, -c.docs, c.word),
        )
        for _i in range(MAX_CANDIDATES):
            best = best_candidate(token, ranked, self.query.lenient_spelling)
            if best is None:
                return None
            # Stems are in the vocabulary too, and it may be stale: a word must be in some
            # document's text now.
            stmt = select(SearchDocument.measure_id).where(_matches(self.lexicon.quote(best.word)))
            if self.conn.execute(stmt.limit(1)).first() is not None:
                return best
            ranked.remove(best)
        return None

    def _together(self, words: list[Word | Phrase]) -> bool:
        """Whether some document holds every one of these words."""
        self.lexicon.fetch(self.conn, [p for w in words for p in query_pairs(w, self.lexicon)])
        tsquery = " & ".join(f"({q})" for w in words if (q := node_tsquery(w, self.lexicon)))
        if not tsquery:
            return False
        stmt = select(SearchDocument.measure_id).where(_matches(tsquery)).limit(1)
        return self.conn.execute(stmt).first() is not None

    def _surface(self, word: str) -> str:
        """The commonest (then longest) vocabulary word that begins with `word` and has its
        English stem: "grooming" for the stem "groom", "school" for "school"."""
        stem = english_stem(word)
        forms = [
            w
            for w in self.backend.words_starting(word)
            if english_stem(w) == stem and w.isalnum()  # not "kinderschutz/jugendamt"
        ]
        return max(forms, key=lambda w: (self.vocabulary[w], len(w)), default=word)

    def _word_known(self, word: Word) -> bool:
        """Whether the word, or one of its stems, occurs in some document.

        A stem counts only in documents of its own language: all languages share one
        tsvector, and a Finnish stem of a misspelt English word can equal an English stem.
        """
        lexicon, doc = self.lexicon, SearchDocument
        # Before the search itself: its own look-ups of the query's words are not made yet.
        lexicon.fetch(self.conn, lexicon.word_pairs(word.text))
        options = []
        neutral = lexicon.phrase(word.text)
        if neutral:
            options.append(_matches(neutral))
        for cfg in lexicon.configs:
            stem = lexicon.get(cfg, word.text)
            if stem:
                options.append(and_(doc.ts_config == cfg, _matches(stem)))
        for lang in lexicon.python_languages:
            stems = analyze(word.text, lang)
            if stems:
                light = " & ".join(lexicon.quote(s) for s in stems)
                options.append(and_(doc.text_language == lang, _matches(light)))
        if not options:
            return False
        stmt = select(doc.measure_id).where(or_(*options)).limit(1)
        return self.conn.execute(stmt).first() is not None


def _candidates(token: str, vocabulary: dict[str, int], limit: int) -> list[str]:
    """Known words at most `limit` edits away with the same initial, the most frequent first."""
    found = [
        (-count, word)
        for word, count in vocabulary.items()
        if word[:1] == token[:1] and edit_distance(token, word, limit) <= limit
    ]
    return [word for _count, word in sorted(found)]
