"""What app/search/backends/whoosh_internals.py reads and writes behind Whoosh's back agrees
with Whoosh's public behaviour, on a few hundred generated documents in several segments:
postings, live documents, field lengths and columns with Whoosh's reader; BM25 scores and
ranking with Whoosh's BM25F scorer; the bulk writer's segment files with Whoosh's own writer.
And the app refuses to start on a Whoosh that these checks have not been run against."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh.index import create_in
from whoosh.query import Or, Term
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from app import create_app
from app.records import vocab
from app.search.analysis import STEMMED_LANGUAGES, analyze, fold
from app.search.backends import whoosh_internals, whoosh_search, whoosh_store
from app.search.backends.base import SearchQuery
from app.search.backends.whoosh_backend import WhooshBackend
from app.search.backends.whoosh_bulk import write_segments
from app.search.backends.whoosh_internals import (
    CHECKED_VERSION,
    WhooshVersionMismatch,
    check_whoosh_version,
    commit_new_segments,
    index_segments,
)
from app.search.backends.whoosh_postings import column_array, field_lengths, postings
from app.search.backends.whoosh_schema import (
    COLUMN_TYPES,
    NEUTRAL_FIELDS,
    build_schema,
    document_fields,
    stem_field,
)
from app.search.backends.whoosh_snapshot import K1, B, SegmentCache
from app.search.backends.whoosh_store import open_searcher

# About the Whoosh backend's own machinery.
pytestmark = pytest.mark.whoosh_only

# fmt: off
WORDS = [
    "prevention", "children", "school", "grooming", "parents", "helpline", "online", "abuse",
    "training", "teachers", "evaluation", "trial", "safety", "body", "campaign", "therapy",
    "offending", "risk", "disclosure", "consent", "boundaries", "coaches", "volunteers",
    "manual", "workshops", "confidential", "Präventionsprogramme", "Kinder", "Lehrkräfte",
    "Schule", "enfants", "écoute", "violences", "écoles", "dzieci", "rodziców", "szkoła",
    "niños", "escuelas", "programma", "adescamento", "kinderen", "hulplijn", "lighthouse",
    "beacon", "mentoring", "sextortion", "reintegration", "recidivism", "wellbeing",
]
# fmt: on
LANGUAGES = ["en", "en", "en", "de", "fr", "pl", "es", None]
# Words searched in the comparisons: frequent, rare, inflected, accented.
PROBES = ["prevention", "school", "lighthouse", "Kinder", "Präventionsprogramme", "écoute",
          "dzieci", "sextortion", "trial"]  # fmt: skip


def _text(rng: random.Random, low: int, high: int) -> str:
    # Zipf-like: a few words are everywhere, most are rare.
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]
    return " ".join(rng.choices(WORDS, weights=weights, k=rng.randint(low, high)))


def generated(n: int, seed: int = 5, start: int = 1) -> list[dict[str, Any]]:
    """n search documents with varied text, languages, facets and sort keys."""
    rng = random.Random(seed)
    docs = []
    for i in range(start, start + n):
        reports = _text(rng, 50, 400) if rng.random() < 0.2 else ""
        docs.append(
            {
                "id": i,
                "external_id": f"gen-{i}",
                "revision_id": i,
                "title": _text(rng, 2, 6),
                "summary": _text(rng, 5, 40),
                "body": _text(rng, 0, 200),
                "reports": reports,
                "text_language": rng.choice(LANGUAGES),
                "countries": rng.sample(["DE", "FR", "PL", "ES", "AT", "NL"], rng.randint(0, 3)),
                "prevention_level": rng.choice([*vocab.PREVENTION_LEVELS, None]),
                "target_groups": rng.sample(vocab.TARGET_GROUPS, rng.randint(0, 3)),
                "settings": rng.sample(vocab.SETTINGS, rng.randint(0, 2)),
                "abuse_forms": rng.sample(vocab.ABUSE_FORMS, rng.randint(0, 2)),
                "delivery": rng.sample(vocab.DELIVERY, rng.randint(0, 2)),
                "languages": rng.sample(["de", "en", "fr"], rng.randint(0, 2)),
                "status": rng.choice([*vocab.PROGRAMME_STATUSES, None]),
                "cost_level": rng.choice([*vocab.COST_LEVELS, None]),
                "evidence_level": rng.randint(0, 5),
                "evidence_label": "",
                "harm_flag": rng.random() < 0.1,
                "start_year": rng.choice([None, *range(1990, 2026)]),
                "published_at": datetime(2020, 1, 1) + timedelta(hours=rng.randint(0, 50_000)),
                "rating": round(rng.random() * 5, 3),
            }
        )
    # A frequency over 255 packs differently.
    docs[3]["body"] = "école " * 300
    return docs


@pytest.fixture
def segmented(tmp_path: Path) -> WhooshBackend:
    """A few hundred documents in several segments (bulk-built, then written one by one),
    with deleted documents: an archived measure and replaced revisions."""
    backend = WhooshBackend(str(tmp_path / "index"))
    docs = generated(320)
    with backend.writer_lock(5.0):
        backend.rebuild(docs[:300])
        backend.write(docs[300:310], [7, 8])
        backend.write(docs[310:], [])
        backend.write([{**docs[20], "title": "Lighthouse beacon revised"}], [])
    return backend


def _leaves(searcher: Searcher) -> list[Any]:
    return [reader for reader, _offset in searcher.reader().leaf_readers()]


# --- the version guard ----------------------------------------------------------------------


def test_the_installed_whoosh_is_the_one_the_internals_were_checked_against():
    check_whoosh_version()  # raises otherwise


def test_another_whoosh_version_is_refused_with_what_to_do():
    with pytest.raises(WhooshVersionMismatch) as refused:
        check_whoosh_version("2.7.6")
    message = str(refused.value)
    assert f"whoosh-reloaded {CHECKED_VERSION}, but 2.7.6 is installed" in message
    assert "make install" in message
    assert "tests/search/test_whoosh_internals.py" in message


def test_the_app_refuses_to_start_on_a_whoosh_it_was_not_checked_against(app_config, monkeypatch):
    monkeypatch.setattr(whoosh_internals, "CHECKED_VERSION", "2.7.4")
    with pytest.raises(WhooshVersionMismatch):
        create_app("testing", app_config)
    # The PostgreSQL backend does not read Whoosh's internals.
    create_app("testing", {**app_config, "SEARCH_BACKEND": "postgres"})


# --- reading: postings, live documents, lengths, columns ------------------------------------


def test_bulk_reads_match_whooshs_reader_for_every_term_length_and_column(segmented):
    ix = segmented.store.open_current()
    searcher = open_searcher(ix)
    snapshot = SegmentCache().snapshot(searcher.reader())
    leaves = _leaves(searcher)
    assert len(leaves) >= 3
    assert any(reader.has_deletions() for reader in leaves)
    scorable = [name for name, field in build_schema().items() if field.scorable]
    terms = 0
    for reader in leaves:
        for name, btext in reader.all_terms():
            token = btext.decode("utf-8")
            fast_ids, fast_weights = postings(reader, name, token)
            public_ids, public_weights = postings(reader, name, token, fast=False)
            live = ~np.array([reader.is_deleted(i) for i in fast_ids.tolist()], dtype=bool)
            assert fast_ids[live].tolist() == public_ids.tolist(), (name, token)
            assert np.allclose(fast_weights[live], public_weights), (name, token)
            terms += 1
        size = reader.doc_count_all()
        for name in scorable:
            expected = [reader.doc_field_length(i, name) or 0 for i in range(size)]
            assert field_lengths(reader, name).tolist() == expected, name
        for name, column in COLUMN_TYPES.items():
            expected = [reader.column_reader(name, column, translate=False)[i] for i in range(size)]
            assert column_array(reader, name, column).tolist() == expected, name
    assert terms > 1000
    # The live mask is Whoosh's list of undeleted documents.
    assert np.flatnonzero(snapshot.live).tolist() == list(searcher.reader().all_doc_ids())
    assert int(snapshot.live.sum()) == searcher.doc_count() == 318


def test_a_searcher_opened_as_a_merge_removes_its_segments_reads_the_merged_index(
    segmented, monkeypatch
):
    # A server's writer merged segments away between a reader's TOC read and its opening of
    # the segment files (seen in CI): the reader must read the new TOC, not fail the search.
    ix = segmented.store.open_current()
    read_toc = whoosh_store.read_toc
    stale: list[Any] = []

    def read_then_merge(index):
        toc = read_toc(index)
        if not stale:
            stale.append(toc)
            ix.optimize()  # every segment of `toc` merged into one and deleted
        return toc

    monkeypatch.setattr(whoosh_store, "read_toc", read_then_merge)
    searcher = open_searcher(ix)
    assert len(stale[0].segments) >= 3
    assert len(_leaves(searcher)) == 1
    assert searcher.doc_count() == 318


# --- scoring: BM25 against Whoosh's BM25F ---------------------------------------------------


class LiveStatisticsSearcher(Searcher):
    """Whoosh's searcher, with the collection statistics our BM25 is defined with.

    Whoosh's BM25F scorer takes idf and the average field length from its searcher. Ours
    count live documents only (Whoosh counts deleted ones until a merge), average over the
    documents that have the field, and use Lucene's idf, log(1 + (N - df + 0.5) / (df + 0.5)),
    which stays positive for frequent words. Everything else (term frequencies, boosts,
    one-byte field lengths, B, K1, the formula) is Whoosh's own.
    """

    def _lengths(self, fieldname: str) -> list[float]:
        lengths = (self.doc_field_length(d, fieldname) for d in self.reader().all_doc_ids())
        return [length for length in lengths if length]

    def idf(self, fieldname: str, text: str | bytes) -> float:
        df = sum(1 for _doc in self.reader().postings(fieldname, text).all_ids())
        n = max(len(self._lengths(fieldname)), df)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def avg_field_length(self, fieldname: str, default: float | None = None) -> float:
        lengths = self._lengths(fieldname)
        return sum(lengths) / len(lengths) if lengths else 1.0


def _assert_same_ranking(whoosh_order: list[int], ours: dict[int, float]) -> None:
    """Whoosh's order, read with our scores, never goes up (ties may be broken either way)."""
    scores = np.array([ours[d] for d in whoosh_order] or [0.0])
    assert np.all(np.diff(scores) <= 1e-4 * max(1.0, float(scores.max()))), scores


def test_term_scores_and_ranking_match_whooshs_bm25f(segmented):
    ix = segmented.store.open_current()
    searcher = open_searcher(ix)
    snapshot = SegmentCache().snapshot(searcher.reader())
    whoosh = LiveStatisticsSearcher(searcher.reader(), weighting=BM25F(B=B, K1=K1))
    compared = 0
    for word in PROBES:
        fields = [(name, fold(word)) for name in NEUTRAL_FIELDS]
        fields += [(stem_field(lang), stems[0]) for lang in STEMMED_LANGUAGES
                   if (stems := analyze(word, lang))]  # fmt: skip
        for name, token in fields:
            hits = whoosh.search(Term(name, token), limit=None)
            expected = {hit.docnum: hit.score for hit in hits}
            ids, scores = snapshot.term(name, token)
            ours = dict(zip(ids.tolist(), scores.tolist(), strict=True))
            assert ours.keys() == expected.keys(), (name, token)
            for docnum, score in expected.items():
                assert ours[docnum] == pytest.approx(score, rel=1e-5), (name, token, docnum)
            _assert_same_ranking([hit.docnum for hit in hits], ours)
            compared += len(expected)
    assert compared > 500


def test_a_words_ranking_across_fields_matches_whooshs_or_of_its_terms(segmented, monkeypatch):
    """A word is searched in every neutral field and in each language's stemmed field, and
    its score is the sum of the matching fields' BM25 scores: Whoosh's Or of those terms."""
    # Ours on top of BM25: a title holding every typed word scores half as much again.
    monkeypatch.setattr(whoosh_search, "TITLE_BOOST", 0.0)
    ix = segmented.store.open_current()
    searcher = open_searcher(ix)
    whoosh = LiveStatisticsSearcher(searcher.reader(), weighting=BM25F(B=B, K1=K1))
    for word in PROBES:
        terms = [Term(name, fold(word)) for name in NEUTRAL_FIELDS]
        terms += [Term(stem_field(lang), stems[0]) for lang in STEMMED_LANGUAGES
                  if (stems := analyze(word, lang))]  # fmt: skip
        hits = whoosh.search(Or(terms), limit=None)
        expected = {int(hit["id"]): hit.score for hit in hits}
        query = SearchQuery(q=word, expand=False, per_page=1000, facets=False, highlight=False)
        results = segmented.search(query)
        ours = {hit.id: hit.score for hit in results.hits}
        assert results.total == len(expected) > 0, word
        assert ours.keys() == expected.keys(), word
        for measure_id, score in expected.items():
            assert ours[measure_id] == pytest.approx(score, rel=1e-4, abs=1e-4), word
        _assert_same_ranking([int(hit["id"]) for hit in hits], ours)


# --- writing: the bulk writer's segments against Whoosh's writer ----------------------------


def _segment_files(ix: Any) -> dict[str, bytes]:
    """The files inside the index's one (compound) segment, by extension."""
    [segment] = index_segments(ix)
    files = segment.open_compound_file(ix.storage)
    out = {}
    for name in files.list():
        handle = files.open_file(name)
        out[name.split(".", 1)[1]] = handle.read()
        handle.close()
    return out


def _index_contents(ix: Any) -> dict:
    """Every term's postings, field lengths, stored fields and columns, read publicly."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        size = reader.doc_count_all()
        out: dict = {"docs": size, "postings": {}, "lengths": {}}
        for name, term in reader.all_terms():
            matcher = reader.postings(name, term)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), round(matcher.weight(), 4), matcher.value()))
                matcher.next()
            out["postings"][(name, term)] = items
        for name, field in ix.schema.items():
            if field.scorable:
                out["lengths"][name] = [reader.doc_field_length(i, name) for i in range(size)]
        out["stored"] = list(reader.all_stored_fields())
        out["columns"] = {
            name: [reader.column_reader(name, column, translate=False)[i] for i in range(size)]
            for name, column in COLUMN_TYPES.items()
        }
    return out


def test_the_bulk_writer_writes_the_segment_files_whooshs_own_writer_writes(tmp_path):
    docs = [document_fields(doc) for doc in generated(300)]
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "bulk").mkdir()
    whoosh_ix = create_in(str(tmp_path / "whoosh"), build_schema())
    with whoosh_ix.writer() as writer:
        for doc in docs:
            writer.add_document(**doc)
    bulk_ix = create_in(str(tmp_path / "bulk"), build_schema())
    segments, count = write_segments(bulk_ix, iter(docs), limitmb=64)
    commit_new_segments(bulk_ix, segments)
    assert count == 300 and len(segments) == 1
    written = _segment_files(bulk_ix)
    assert {"trm", "pst", "_stored.col", "_body_len.col", "n_published.col"} <= set(written)
    assert written == _segment_files(whoosh_ix)  # byte for byte
    assert _index_contents(bulk_ix) == _index_contents(whoosh_ix)


def test_the_bulk_writer_starts_a_new_segment_past_its_memory_limit(tmp_path):
    (tmp_path / "ix").mkdir()
    ix = create_in(str(tmp_path / "ix"), build_schema())
    docs = (document_fields(doc) for doc in generated(40))
    segments, count = write_segments(ix, docs, 0)
    commit_new_segments(ix, segments)
    assert count == 40 and len(segments) == 40
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 40
        assert list(searcher.reader().all_doc_ids()) == list(range(40))
