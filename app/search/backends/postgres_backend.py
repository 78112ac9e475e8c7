"""The PostgreSQL full-text backend (SEARCH_BACKEND=postgres), for several web hosts.

Documents live in `search_documents` (a tsvector with a GIN index, plus the stored fields of a
result list) and `search_facets` (one row per facet value); every host reads the same
database, so there is no index folder to share. Writes are serialised with an advisory lock;
a rebuild replaces everything in one transaction, so searches see the old rows until it
commits. Matching, highlighting and suggestions use the application's own analysis, so
results agree with the Whoosh backend (tests/search run against both).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    REAL,
    Float,
    Integer,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.engine import Connection

from app.extensions import db
from app.search.analysis import fold
from app.search.backends.base import (
    IndexedVersion,
    LockTimeout,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from app.search.backends.postgres_text import (
    alternatives_tsquery,
    document_tsvector,
    group_tsquery,
    node_tsquery,
    without_alternatives,
)
from app.search.documents import FACET_KEYS, facet_values
from app.search.highlight import QueryTerms, highlight
from app.search.models import SearchDocument, SearchFacet
from app.search.query import ParsedText, Word, parse_text, replace_words

LOCK_KEY = 0x5EA4C4  # pg_advisory_lock key of the search writer
# ts_rank weights of D (reports), C (body), B (summary) and A (title).
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
COORD_WEIGHT = 0.8
# ts_rank saturates less than BM25 across fields: equivalents weigh less than in Whoosh.
SYNONYM_BOOST = 0.5
SUMMARY_SNIPPET = 320
BATCH = 500
# The stored fields a result list shows.
LIST_COLUMNS = (
    "measure_id", "external_id", "title", "summary", "text_language", "countries",
    "evidence_level", "evidence_label", "harm_flag", "rating", "published_at",
)  # fmt: skip


def _rows(doc: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
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
        "tsv": document_tsvector(doc),
    }
    facets = [
        {"measure_id": doc["id"], "key": key, "value": value}
        for key in FACET_KEYS
        for value in dict.fromkeys(facet_values(doc, key))
    ]
    return row, facets


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self) -> None:
        if db.engine.dialect.name != "postgresql":
            raise RuntimeError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        self._vocabulary: tuple[int, dict[str, int]] | None = None

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
        return True  # the tables come with the schema

    def _insert(self, conn: Connection, docs: list[dict[str, Any]]) -> None:
        if not docs:
            return
        rows, facets = [], []
        for doc in docs:
            row, doc_facets = _rows(doc)
            rows.append(row)
            facets.extend(doc_facets)
        conn.execute(insert(SearchDocument.__table__), rows)
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
        count = 0
        with db.engine.begin() as conn:  # one transaction: readers see the old rows until it ends
            conn.execute(delete(SearchFacet))
            conn.execute(delete(SearchDocument))
            batch: list[dict[str, Any]] = []
            for doc in documents:
                batch.append(doc)
                if len(batch) >= BATCH:
                    self._insert(conn, batch)
                    count += len(batch)
                    if progress:
                        progress(len(batch))
                    batch = []
            self._insert(conn, batch)
            count += len(batch)
            if progress and batch:
                progress(len(batch))
        self._vocabulary = None
        return count

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

    def search(self, query: SearchQuery) -> SearchResults:
        parsed = parse_text(query.q, expand=query.expand, no_expand=query.no_expand)
        with db.engine.connect() as conn:
            return _PostgresSearch(conn, query, parsed, self).run()

    def vocabulary(self, conn: Connection) -> dict[str, int]:
        """Folded words and their document counts, for "did you mean" (cached per change)."""
        count = conn.scalar(select(func.count()).select_from(SearchDocument)) or 0
        if self._vocabulary is None or self._vocabulary[0] != count:
            rows = conn.execute(
                text(
                    "SELECT word, ndoc FROM ts_stat('SELECT tsv FROM search_documents') "
                    "WHERE position('|' in word) = 0"
                )
            )
            self._vocabulary = (count, dict(rows.all()))
        return self._vocabulary[1]


def _matches(tsquery: str) -> Any:
    return SearchDocument.tsv.op("@@")(cast(tsquery, TSQUERY))


class _PostgresSearch:
    def __init__(
        self, conn: Connection, query: SearchQuery, parsed: ParsedText, backend: PostgresBackend
    ) -> None:
        self.conn, self.query, self.parsed, self.backend = conn, query, parsed, backend
        self.tsquery = "" if parsed.is_empty else group_tsquery(parsed.root)

    def _conditions(self, skip_facet: str | None = None) -> list[Any]:
        query, where = self.query, []
        if not self.parsed.is_empty:
            where.append(_matches(self.tsquery) if self.tsquery else false())
        if query.evidence_min is not None:
            where.append(SearchDocument.evidence_level >= query.evidence_min)
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
        if not self.tsquery:
            return literal(0.0)
        weights = literal(RANK_WEIGHTS, ARRAY(REAL))

        def rank_of(tsquery: str) -> Any:
            return func.ts_rank(weights, SearchDocument.tsv, cast(tsquery, TSQUERY), 1)

        # The words typed, plus their thesaurus equivalents at a lower weight (as in Whoosh).
        typed = group_tsquery(without_alternatives(self.parsed.root))  # type: ignore[arg-type]
        rank = rank_of(typed) if typed else literal(0.0)
        alternatives = alternatives_tsquery(self.parsed.root)
        if alternatives:
            rank = rank + SYNONYM_BOOST * rank_of(alternatives)
        units = [u for u in (node_tsquery(n) for n in self.parsed.units) if u]
        if len(units) < 2:
            return rank
        matched = sum(
            (cast(_matches(u), Integer) for u in units[1:]), cast(_matches(units[0]), Integer)
        )
        return rank * ((1 - COORD_WEIGHT) + COORD_WEIGHT * cast(matched, Float) / len(units))

    def run(self) -> SearchResults:
        query, doc = self.query, SearchDocument
        where = self._conditions()
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
        rows = self.conn.execute(
            select(*columns, score)
            .where(*where)
            .order_by(*order)
            .limit(query.per_page)
            .offset(query.offset)
        ).mappings()
        hits = [self._hit(row) for row in rows]
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=self._facets() if query.facets else {},
            suggestion=self._suggestion(),
            expansions=list(self.parsed.expansions),
        )

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
        selected = set(self.query.filters)
        counts = self._facet_counts([k for k in FACET_KEYS if k not in selected], None)
        for key in selected:  # a facet's own selection is left out, so its values stay OR-able
            counts.update(self._facet_counts([key], key))
        out = {}
        for key in FACET_KEYS:
            values = counts.get(key, {})
            for value in self.query.filters.get(key, ()):
                values.setdefault(value, 0)
            out[key] = dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def _hit(self, row: Any) -> SearchHit:
        highlights: dict[str, str] = {}
        if self.query.highlight and not self.parsed.is_empty:
            terms = QueryTerms(self.parsed.highlight_terms())
            for name, size in (("title", None), ("summary", SUMMARY_SNIPPET)):
                marked = highlight(row[name], terms, row["text_language"], size)
                if marked is not None:
                    highlights[name] = str(marked)
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

    def _suggestion(self) -> str | None:
        words = [
            w
            for w in self.parsed.positive_words()
            if len(w.tokens) == 1 and len(w.tokens[0]) >= 3 and not w.tokens[0].isdigit()
        ]
        if not words:
            return None
        vocabulary = self.backend.vocabulary(self.conn)
        replacements = {}
        for word in words:
            token = word.tokens[0]
            if token in vocabulary or _stem_known(self.conn, word.text):
                continue
            correction = _closest(token, vocabulary)
            if correction:
                replacements[word.text] = correction
        if not replacements:
            return None
        suggestion = replace_words(self.query.q, replacements)
        return suggestion if suggestion != self.query.q else None


def _stem_known(conn: Connection, word_text: str) -> bool:
    """Whether the word or one of its stems occurs in some document."""
    tsquery = node_tsquery(Word(word_text, (fold(word_text),)))
    found = conn.execute(select(SearchDocument.measure_id).where(_matches(tsquery)).limit(1))
    return found.first() is not None


def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, or limit + 1 when it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _closest(token: str, vocabulary: dict[str, int]) -> str | None:
    """The most frequent known word within 1 (or, for longer words, 2) edits; same initial."""
    for limit in (1, 2) if len(token) >= 5 else (1,):
        candidates = [
            (-count, word)
            for word, count in vocabulary.items()
            if word[:1] == token[:1] and word != token and _distance(token, word, limit) <= limit
        ]
        if candidates:
            return min(candidates)[1]
    return None
