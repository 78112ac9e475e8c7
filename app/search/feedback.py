"""Pseudo-relevance feedback: the best hits say what the query is about.

A query's first few hits mostly are what was asked for, even when its words were few, in
another language or everyday ones. Their records' tags (target groups, settings, forms of
abuse, delivery: the same in every language) say what they have in common; among the best
WINDOW hits by relevance, one that shares those tags moves up, one that shares none moves down.
This is Rocchio's feedback on the records' tags rather than on words, and only reorders what the
query found: no hit is added, none is dropped, and the order past WINDOW is untouched, so pages
of any size agree. Like the other expansions, it is off when the search is for the words typed
only (`expand=0`).

Tuned with bench/search_quality.py (tuning half only): on both backends every setting from 4 to
7 hits and a weight from 0.3 to 0.8 gained (nDCG@10 +0.006 to +0.012), most of it on
cross-language questions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import TypeVar

T = TypeVar("T")

# The record keys whose values the best hits are compared on.
FEEDBACK_KEYS = ("target_groups", "settings", "abuse_forms", "delivery")
WINDOW = 40  # the best hits by relevance that feedback reorders
FEEDBACK_HITS = 5  # the hits taken as what the query is about
MIN_SHARED = 2  # a tag at least this many of them have says what they have in common
# A hit sharing all their common tags gains this share of the best hit's score.
FEEDBACK_WEIGHT = 0.6


def reorders(sort: str, expand: bool, offset: int) -> bool:
    """Whether feedback reorders a page: one in relevance order, with expansions, among the
    best WINDOW (a later page is as relevance alone orders it)."""
    return sort == "relevance" and expand and offset < WINDOW


def feedback_scores(scores: Sequence[float], tags: Sequence[Collection[str]]) -> list[float]:
    """The scores of a window of hits in relevance order (`scores`, best first), each raised by
    the share of the first FEEDBACK_HITS' common tags it has (`tags`: "settings:school", …),
    each tag weighed by how many of them have it."""
    best = tags[:FEEDBACK_HITS]
    counts = Counter(tag for hit in best for tag in set(hit))
    weights = {tag: n / len(best) for tag, n in counts.items() if n >= MIN_SHARED}
    total = sum(weights.values())
    if not total or not scores:
        return list(scores)
    gain = FEEDBACK_WEIGHT * max(scores) / total
    return [
        score + gain * sum(weights.get(tag, 0.0) for tag in set(hit))
        for score, hit in zip(scores, tags, strict=True)
    ]


def rerank(
    hits: Sequence[tuple[T, float]], tags: Sequence[Collection[str]]
) -> list[tuple[T, float]]:
    """A window of (hit, score) in relevance order, ordered by the scores feedback raised
    (stable: ties keep their order)."""
    raised = feedback_scores([score for _hit, score in hits], tags)
    window = [(hit, score) for (hit, _old), score in zip(hits, raised, strict=True)]
    return sorted(window, key=lambda pair: -pair[1])


def tag(key: str, value: str) -> str:
    """A record key's value as feedback compares it ("settings:school")."""
    return f"{key}:{value}"
