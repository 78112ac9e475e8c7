"""Feedback from the best hits' tags (app/search/feedback.py): the rule, then both backends."""

from __future__ import annotations

import pytest

from app.search.feedback import FEEDBACK_WEIGHT, WINDOW, feedback_scores, rerank
from tests.conftest import make_user
from tests.search.conftest import found, text_measure

SCHOOL = {"settings:school", "target_groups:children"}
ONLINE = {"settings:online", "target_groups:parents_carers"}


def test_a_hit_sharing_the_best_hits_tags_moves_up():
    hits = [("a", 10.0), ("b", 9.0), ("c", 8.0), ("online", 2.1), ("school", 2.0)]
    tags = [SCHOOL, SCHOOL, SCHOOL, ONLINE, SCHOOL]
    assert [hit for hit, _score in rerank(hits, tags)] == ["a", "b", "c", "school", "online"]


def test_a_hit_sharing_every_common_tag_gains_the_feedback_weight_of_the_best_score():
    raised = feedback_scores([10.0, 9.0, 1.0, 1.0], [SCHOOL, SCHOOL, SCHOOL, set()])
    assert raised[2] == pytest.approx(1.0 + FEEDBACK_WEIGHT * 10.0)
    assert raised[3] == 1.0


def test_a_tag_only_one_of_the_best_hits_has_says_nothing():
    # Each tag is on one of the best hits only: nothing in common, nothing moves.
    tags = [{"settings:school"}, {"settings:online"}, {"settings:community"}, {"settings:sport"}]
    assert feedback_scores([4.0, 3.0, 2.0, 1.0], tags) == [4.0, 3.0, 2.0, 1.0]


def test_without_common_tags_ties_keep_their_order():
    hits = [("first", 1.0), ("second", 1.0), ("third", 1.0)]
    assert rerank(hits, [set(), set(), set()]) == hits
    assert rerank([], []) == []


@pytest.fixture()
def school_and_online(app):
    """Four school measures named 'zorblat'; one more school and one online measure that name
    it once in their summaries, the online one's shorter (so it scores higher as text)."""
    owner = make_user()
    school = {"settings": ["school"], "target_groups": ["children"]}
    online = {
        "settings": ["online"],
        "target_groups": ["parents_carers"],
        "abuse_forms": ["grooming"],
        "delivery": ["online_self_help"],
    }
    for n in range(4):
        text_measure(owner, f"Zorblat lessons {n}", "Classroom sessions for pupils.", **school)
    quiet = text_measure(
        owner,
        "Quiet classroom sessions",
        "Weekly sessions in class where pupils and their teachers talk through zorblat and"
        " practise what to say, with a booklet for each pupil and a guide for the teacher.",
        **school,
    )
    short = text_measure(owner, "Web advice", "Advice for parents on zorblat.", **online)
    return quiet, short


def test_the_best_hits_tags_reorder_the_rest_on_every_backend(school_and_online):
    quiet, short = school_and_online
    typed_only = found("zorblat", expand=False)
    assert typed_only.index(short.id) < typed_only.index(quiet.id)  # text alone: shorter first
    ranked = found("zorblat")
    assert ranked.index(quiet.id) < ranked.index(short.id)  # the school measure joins its kind
    assert sorted(ranked) == sorted(typed_only)  # reordered, nothing added or dropped


@pytest.mark.parametrize("expand", [True, False])
def test_pages_of_any_size_agree(school_and_online, expand):
    # The four "Zorblat lessons" tie: pages must still split one order between them.
    whole = found("zorblat", per_page=10, expand=expand)
    pages = [found("zorblat", per_page=2, page=n, expand=expand) for n in (1, 2, 3)]
    assert [hit for page in pages for hit in page] == whole
    assert len(whole) == 6 < WINDOW


def test_pages_past_the_window_keep_the_order_of_relevance(school_and_online, monkeypatch):
    # A window of 3 over the 6 hits: pages inside it, across its end and past it agree.
    for module in ("feedback", "backends.postgres_backend", "backends.whoosh_search"):
        monkeypatch.setattr(f"app.search.{module}.WINDOW", 3)
    whole = found("zorblat", per_page=10)
    pages = [found("zorblat", per_page=2, page=n) for n in (1, 2, 3)]
    assert [hit for page in pages for hit in page] == whole
    typed_only = found("zorblat", expand=False)
    assert whole[3:] == [hit for hit in typed_only if hit not in whole[:3]]
