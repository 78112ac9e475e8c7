"""The Whoosh-backed engine's internals: numpy postings agree with Whoosh's own API, a
refreshed reader sees new deletions, an index of another schema version is rebuilt."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from whoosh.index import create_in
from whoosh.query import Term

from app.search import indexer
from app.search.backends.base import SearchQuery
from app.search.backends.whoosh_bulk import commit_segments, write_segments
from app.search.backends.whoosh_postings import column_array, field_lengths, postings
from app.search.backends.whoosh_schema import (
    COLUMN_TYPES,
    NEUTRAL_FIELDS,
    build_schema,
    document_fields,
)
from app.search.backends.whoosh_store import VERSION_FILE
from tests.conftest import make_measure, make_user
from tests.search.conftest import found

# About the Whoosh backend's own machinery.
pytestmark = pytest.mark.whoosh_only


def _doc(i: int) -> dict:
    return {
        "id": i, "external_id": None, "revision_id": i, "title": f"Grooming helpline {i}",
        "summary": "Help for parents. " * (i % 5 + 1), "body": "school " * (i % 7),
        "reports": "", "text_language": "en", "countries": ["DE"] if i % 2 else ["FR"],
        "prevention_level": "primary", "target_groups": [], "settings": [], "abuse_forms": [],
        "delivery": [], "languages": [], "status": None, "cost_level": None,
        "evidence_level": i % 6, "evidence_label": "", "harm_flag": i % 9 == 0,
        "start_year": 2000 + i % 20, "published_at": datetime(2020, 1, 1) + timedelta(days=i),
        "rating": 0.0,
    }  # fmt: skip


def test_numpy_postings_and_columns_match_whooshs_own_api(app, search_backend):
    # 300 documents: posting lists span several blocks (128 postings each); a second
    # segment and a deletion exercise the other reading paths.
    with search_backend.writer_lock(5.0):
        search_backend.rebuild(_doc(i) for i in range(1, 301))
        search_backend.write([_doc(301), _doc(302)], [7])
    ix = search_backend.store.open_current()
    with ix.searcher() as searcher:
        leaves = [r for r, _o in searcher.reader().leaf_readers()]
        assert len(leaves) >= 2
        for reader in leaves:
            for name, token in [
                ("title", "grooming"),
                ("body", "school"),
                ("text_en", "help"),
                ("f_countries", "DE"),
                ("summary", "parents"),
                ("pairs", "grooming helpline"),
                ("title", "absent"),
            ]:
                fast_ids, fast_weights = postings(reader, name, token)
                slow_ids, slow_weights = postings(reader, name, token, fast=False)
                live = [i for i in fast_ids.tolist() if not reader.is_deleted(i)]
                assert live == slow_ids.tolist()
                keep = np.isin(fast_ids, slow_ids)
                assert np.allclose(fast_weights[keep], slow_weights)
            for name, column in COLUMN_TYPES.items():
                expected = [
                    reader.column_reader(name, column, translate=False)[i]
                    for i in range(reader.doc_count_all())
                ]
                assert column_array(reader, name, column).tolist() == expected
            for name in NEUTRAL_FIELDS:
                expected = [
                    reader.doc_field_length(i, name) or 0 for i in range(reader.doc_count_all())
                ]
                assert field_lengths(reader, name).tolist() == expected
    assert search_backend.search(SearchQuery(q="grooming")).total == 301


def test_phrases_use_word_pairs_within_one_field(app):
    owner = make_user()
    adjacent = make_measure(
        owner, publish=True, title="Child sexual abuse material removal", description=None
    )
    make_measure(
        owner,
        publish=True,
        title="Material for children",
        summary="Sexual health lessons about abuse for every child in the school.",
        description=None,
    )
    assert found('"child sexual abuse material"', expand=False) == [adjacent.id]
    assert found('"abuse material"', expand=False) == [adjacent.id]


def test_an_index_of_another_schema_version_counts_as_missing_and_is_rebuilt(app, search_backend):
    measure = make_measure(make_user(), publish=True, title="Lighthouse scheme")
    name = search_backend.store.current_name()
    (search_backend.store.root / name / VERSION_FILE).write_text("0\n")
    assert not search_backend.exists()
    assert search_backend.search(SearchQuery()).total == 0
    report = indexer.sync()
    assert report.rebuilt == 1
    assert found("lighthouse") == [measure.id]


def test_a_busy_cache_never_returns_stale_scores_after_a_change(app):
    owner = make_user()
    first = make_measure(owner, publish=True, title="Lighthouse scheme")
    assert found("lighthouse") == [first.id]
    second = make_measure(owner, publish=True, title="Lighthouse lighthouse programme")
    assert set(found("lighthouse")) == {first.id, second.id}


def test_publishing_merges_small_segments_in_tiers_and_leaves_big_ones_alone(app, search_backend):
    with search_backend.writer_lock(5.0):
        search_backend.rebuild(_doc(i) for i in range(1, 41))
        big = {s.segment_id() for s in search_backend.store.open_current()._segments()}
        for i in range(41, 61):  # 20 publishes, one small segment each
            search_backend.write([_doc(i)], [])
        sizes = sorted(s.doc_count_all() for s in search_backend.store.open_current()._segments())
        # Merged in fours (1+1+1+1 -> 4, four 4s -> 16); the rebuilt segment was never touched.
        assert sizes[-1] == 40 and len(sizes) <= 8, sizes
        assert big <= {s.segment_id() for s in search_backend.store.open_current()._segments()}
        search_backend.compact()
    assert search_backend.search(SearchQuery(q="grooming")).total == 60


def _index_contents(ix) -> dict:
    """Every term's postings, field lengths, stored fields and columns of a one-segment index."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        out: dict = {"docs": reader.doc_count_all(), "postings": {}, "lengths": {}}
        for name, term in reader.all_terms():
            matcher = reader.postings(name, term)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), round(matcher.weight(), 4), matcher.value()))
                matcher.next()
            out["postings"][(name, term)] = items
        for name in [*NEUTRAL_FIELDS, "text_en", "pairs"]:
            out["lengths"][name] = [reader.doc_field_length(i, name) for i in range(out["docs"])]
        out["stored"] = list(reader.all_stored_fields())
        out["columns"] = {
            name: [reader.column_reader(name, column, translate=False)[i] for i in range(30)]
            for name, column in COLUMN_TYPES.items()
        }
    return out


def test_the_bulk_writer_writes_what_whooshs_own_writer_writes(tmp_path):
    docs = [document_fields(_doc(i)) for i in range(1, 31)]
    docs[3]["body"] = "école " * 300  # a frequency over 255 packs differently
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "bulk").mkdir()
    whoosh_ix = create_in(str(tmp_path / "whoosh"), build_schema())
    with whoosh_ix.writer() as writer:
        for doc in docs:
            writer.add_document(**doc)
    bulk_ix = create_in(str(tmp_path / "bulk"), build_schema())
    segments, count = write_segments(bulk_ix, iter(docs), limitmb=64)
    commit_segments(bulk_ix, segments)
    assert count == 30 and len(segments) == 1
    assert _index_contents(bulk_ix) == _index_contents(whoosh_ix)


def test_the_bulk_writer_starts_a_new_segment_past_its_memory_limit(tmp_path):
    (tmp_path / "ix").mkdir()
    ix = create_in(str(tmp_path / "ix"), build_schema())
    segments, count = write_segments(ix, (document_fields(_doc(i)) for i in range(1, 41)), 0)
    commit_segments(ix, segments)
    assert count == 40 and len(segments) == 40
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 40
        assert len(searcher.search(Term("title", "grooming"), limit=None)) == 40
