"""The ratings adapter: compare and export read app.reviews.aggregates.ratings_for through it,
and show "no reviews yet" when there are none (or no reviews area at all)."""

from __future__ import annotations

import csv
import io
import sys
import types
from dataclasses import dataclass

import pytest

from app.compare import ratings as adapter


@dataclass
class Stats:
    key: str
    label: str
    mean: float | None
    count: int
    distribution: dict


@dataclass
class Ratings:
    measure_id: int
    count: int
    bayes: float | None
    dimensions: dict


def _fake_module(result: dict) -> types.ModuleType:
    module = types.ModuleType("app.reviews.aggregates")
    module.ratings_for = lambda ids: {i: result[i] for i in ids if i in result}
    return module


@pytest.fixture()
def reviews(monkeypatch):
    def install(result: dict) -> None:
        monkeypatch.setitem(sys.modules, "app.reviews.aggregates", _fake_module(result))

    return install


def _rated(measure_id: int) -> Ratings:
    return Ratings(
        measure_id=measure_id,
        count=3,
        bayes=3.8,
        dimensions={
            "effectiveness": Stats("effectiveness", "Effectiveness in practice", 4.0, 3, {}),
            "ease": Stats("ease", "Ease of implementation", 3.5, 3, {}),
            "transferability": Stats("transferability", "Transferability", 3.0, 3, {}),
            "value": Stats("value", "Value for money", 4.5, 3, {}),
        },
    )


def test_the_reviews_areas_ratings_are_read_into_summaries(reviews):
    unrated = Ratings(2, 0, None, {"effectiveness": Stats("effectiveness", "E", None, 0, {})})
    reviews({1: _rated(1), 2: unrated})
    found = adapter.ratings_for([1, 2, 3])
    assert list(found) == [1]  # no reviews is the same as absent
    summary = found[1]
    assert summary.count == 3 and summary.overall == 3.8
    assert [d.key for d in summary.dimensions] == [
        "effectiveness",
        "ease",
        "transferability",
        "value",
    ]
    assert summary.dimension("value").mean == 4.5
    assert summary.dimension("ease").label == "Ease of implementation"


def test_mappings_and_longer_dimension_keys_are_understood(reviews):
    reviews(
        {
            5: {
                "review_count": 2,
                "dimensions": {
                    "value_for_money": {"average": 2.5, "n": 2},
                    "effectiveness_in_practice": {"mean": 5, "count": 2},
                },
            }
        }
    )
    summary = adapter.ratings_for([5])[5]
    assert summary.count == 2 and summary.overall is None
    assert [d.key for d in summary.dimensions] == ["effectiveness", "value"]
    assert summary.dimension("value").label == "Value for money"


def test_without_a_reviews_area_every_measure_is_unrated(monkeypatch):
    monkeypatch.setitem(sys.modules, "app.reviews.aggregates", None)  # import fails
    assert adapter.ratings_for([1, 2]) == {}
    assert adapter.ratings_for([]) == {}


def test_compare_page_and_csv_show_the_ratings(client, published, reviews):
    a, b, _c = published
    reviews({a.id: _rated(a.id)})
    html = client.get(f"/compare?ids={a.id},{b.id}").get_data(as_text=True)
    assert "4.0 of 5 (3 reviews)" in html
    assert "No reviews yet" in html
    assert 'id="aspect-rating_effectiveness"' in html
    text = client.get(f"/compare/export.csv?ids={a.id},{b.id}&codes=1").get_data(as_text=True)
    values = next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert values["reviews"] == "3" and values["rating_overall"] == "3.8"
    assert values["rating_value"] == "4.5"
