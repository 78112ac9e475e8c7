"""The evidence facet's verdicts and the profile and evaluation facets, on both backends
(issues 11, 12 and 14): values, counts, order, filters, and evidence_min never passing a
verdict."""

from __future__ import annotations

import pytest

from app.search.facets import UNIT_COST_BANDS, cost_band, evidence_value, ordered_counts
from tests.conftest import make_measure, make_user, supported_evaluation
from tests.search.conftest import found, search


def _trial(direction: str, outcome: str = "disclosure") -> dict:
    return supported_evaluation(
        results=[{"outcome": outcome, "timepoint_months": 12, "direction": direction}]
    )


@pytest.fixture()
def evidence_measures(app):
    owner = make_user()
    make = lambda title, **kw: make_measure(owner, publish=True, title=title, **kw)  # noqa: E731
    return {
        "supported": make("Supported trial", evaluations=[supported_evaluation()]),
        "no_effect": make("Null trial", evaluations=[_trial("no_effect")]),
        "harm": make("Harmful trial", evaluations=[_trial("unfavourable")]),
        "none": make("Not evaluated yet", evaluations=[]),
    }


def test_the_verdicts_are_evidence_values_of_their_own(evidence_measures):
    m = evidence_measures
    assert m["no_effect"].evidence_label == "No effect found"
    assert m["harm"].evidence_label == "Negative effects found"
    counts = search().facets["evidence_level"]
    # Level order (5 … 0), then the two verdicts; never counted under "1".
    assert list(counts) == ["4", "0", "no_effect", "negative_effects"]
    assert counts == {"4": 1, "0": 1, "no_effect": 1, "negative_effects": 1}
    assert found(filters={"evidence_level": ["no_effect"]}) == [m["no_effect"].id]
    assert found(filters={"evidence_level": ["negative_effects"]}) == [m["harm"].id]
    assert found(filters={"evidence_level": ["1"]}) == []


@pytest.mark.parametrize("minimum", [1, 2, 4])
def test_evidence_min_never_lets_a_verdict_through(evidence_measures, minimum):
    assert found(evidence_min=minimum) == [evidence_measures["supported"].id]


def test_evidence_min_0_is_every_measure(evidence_measures):
    assert len(found(evidence_min=0)) == 4


def test_evidence_sort_puts_harm_flagged_measures_last(evidence_measures):
    m = evidence_measures
    order = found(sort="evidence")
    assert order[0] == m["supported"].id
    assert order[-1] == m["harm"].id


@pytest.fixture()
def profile_measures(app):
    owner = make_user()
    cheap = make_measure(
        owner,
        publish=True,
        title="Cheap open programme",
        population_level="universal",
        licence="open",
        certification_required=False,
        unit_cost_eur=20,
        unit_cost_per="participant",
        cost_price_year=2022,
        evaluations=[supported_evaluation()],
    )
    dear = make_measure(
        owner,
        publish=True,
        title="Licensed programme",
        population_level="indicated",
        licence="licensed_fee",
        certification_required=True,
        unit_cost_eur=1000,
        unit_cost_per="participant",
        cost_price_year=2020,
        evaluations=[
            supported_evaluation(
                design="quasi_experimental",
                results=[
                    {"outcome": "recidivism", "timepoint_months": 24, "direction": "favourable"}
                ],
                outcomes=["recidivism"],
            )
        ],
    )
    unknown = make_measure(owner, publish=True, title="Profile not filled in", evaluations=[])
    return cheap, dear, unknown


def test_profile_and_evaluation_facets_count_and_filter(profile_measures):
    cheap, dear, unknown = profile_measures
    facets = search().facets
    assert facets["population_level"] == {"universal": 1, "indicated": 1}
    assert list(facets["licence"]) == ["open", "licensed_fee"]  # the licences' own order
    assert facets["certification_required"] == {"true": 1, "false": 1}
    assert facets["unit_cost_band"] == {"under_50": 1, "250_1000": 1, "unknown": 1}
    assert list(facets["unit_cost_band"]) == ["under_50", "250_1000", "unknown"]
    assert facets["design"] == {"rct": 1, "quasi_experimental": 1}
    # Outcomes from the evaluations' lists and from their results.
    assert facets["outcomes"]["recidivism"] == 1
    assert facets["outcomes"]["disclosure"] == 1
    assert found(filters={"licence": ["licensed_fee"]}) == [dear.id]
    assert found(filters={"certification_required": ["false"]}) == [cheap.id]
    assert found(filters={"unit_cost_band": ["unknown"]}) == [unknown.id]
    assert found(filters={"design": ["quasi_experimental"]}) == [dear.id]
    assert found(filters={"outcomes": ["recidivism"]}) == [dear.id]
    assert found(filters={"population_level": ["universal", "indicated"]}, sort="newest") == [
        dear.id,
        cheap.id,
    ]


def test_a_facet_keeps_its_other_values_counted_while_one_is_chosen(profile_measures):
    cheap, _dear, _unknown = profile_measures
    results = search(filters={"licence": ["open"]})
    assert [h.id for h in results.hits] == [cheap.id]
    assert results.facets["licence"] == {"open": 1, "licensed_fee": 1}
    assert results.facets["population_level"] == {"universal": 1}


# --- pure functions ---------------------------------------------------------------------------


@pytest.mark.whoosh_only  # pure functions: once is enough
@pytest.mark.parametrize(
    ("euros", "per", "band"),
    [
        (0, "participant", "under_50"),
        (49.99, "participant", "under_50"),
        (50, "participant", "50_250"),
        (249.99, "participant", "50_250"),
        (250, "participant", "250_1000"),
        (1000, "participant", "250_1000"),
        (1000.01, "participant", "over_1000"),
        (30, "family", "other_unit"),
        (None, None, "unknown"),
        (None, "participant", "unknown"),
    ],
)
def test_cost_bands_and_their_boundaries(euros, per, band, search_backend):
    assert cost_band(euros, per) == band
    assert band in UNIT_COST_BANDS


@pytest.mark.whoosh_only
def test_evidence_values_and_order(search_backend):
    assert evidence_value(1, "Emerging") == "1"
    assert evidence_value(1, "No effect found") == "no_effect"
    assert evidence_value(1, "Negative effects found") == "negative_effects"
    counts = {"1": 5, "negative_effects": 1, "5": 1, "no_effect": 9, "0": 30, "2": 3}
    assert list(ordered_counts("evidence_level", counts)) == [
        "5", "2", "1", "0", "no_effect", "negative_effects"
    ]  # fmt: skip
    assert list(ordered_counts("countries", {"DE": 1, "AT": 3})) == ["AT", "DE"]


def test_the_page_lists_the_verdicts_in_words_after_the_levels(client, evidence_measures):
    html = client.get("/search").get_data(as_text=True)
    panel = html[html.index('id="search-evidence-level"') :]
    panel = panel[: panel.index("</fieldset>")]
    labels = [
        panel.index(text)
        for text in (
            "4: Supported",
            "0: Not evaluated",
            "No effect found",
            "Negative effects found",
        )
    ]
    assert labels == sorted(labels)
    assert "1: Emerging" not in panel
    assert "left out whatever minimum" in html  # the minimum's hint says so
    filtered = client.get("/search?evidence_min=1").get_data(as_text=True)
    assert "Null trial" not in filtered and "Harmful trial" not in filtered
    assert "Supported trial" in filtered


def test_the_page_explains_the_cost_bands(client, profile_measures):
    html = client.get("/search").get_data(as_text=True)
    panel = html[html.index('id="search-unit-cost-band"') :]
    panel = panel[: panel.index("</fieldset>")]
    assert "under 50, 50 to under 250, 250 to 1,000, or over 1,000" in panel
    assert 'aria-describedby="search-unit-cost-band-hint"' in html
    for label in ("Under €50", "€250 to €1,000", "Not stated"):
        assert label in panel
    assert "Deliverers must be certified" in html and "Licensed, for a fee" in html
