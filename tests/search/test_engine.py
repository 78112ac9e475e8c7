"""The Whoosh-backed engine: phrases from word pairs, an index of another schema version is
rebuilt, a refreshed reader sees new deletions, small segments merge in tiers. (What it reads
and writes behind Whoosh's back is compared with Whoosh in test_whoosh_internals.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.search import indexer
from app.search.backends.base import SearchQuery
from app.search.backends.whoosh_internals import index_segments
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
    def segments():
        return index_segments(search_backend.store.open_current())

    with search_backend.writer_lock(5.0):
        search_backend.rebuild(_doc(i) for i in range(1, 41))
        big = {s.segment_id() for s in segments()}
        for i in range(41, 61):  # 20 publishes, one small segment each
            search_backend.write([_doc(i)], [])
        sizes = sorted(s.doc_count_all() for s in segments())
        # Merged in fours (1+1+1+1 -> 4, four 4s -> 16); the rebuilt segment was never touched.
        assert sizes[-1] == 40 and len(sizes) <= 8, sizes
        assert big <= {s.segment_id() for s in segments()}
        search_backend.compact()
    assert search_backend.search(SearchQuery(q="grooming")).total == 60
