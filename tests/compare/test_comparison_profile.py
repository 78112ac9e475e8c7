"""The compare rows of issues 11 and 12 (findings, study rating, replication, sustained effect,
unit cost and price year, training, licence, certification, other registries' ratings) and the
Differs mark of issue 14: only decision-relevant differences marked, the same rows said so."""

from __future__ import annotations

from app.compare.comparison import comparison_rows, hours_band, months_band, price_year_note
from tests.compare.test_comparison import measure, rows_by_key
from tests.conftest import format2_record, make_measure, supported_evaluation


def profile(mid: int, **overrides):
    record = format2_record(**overrides)
    return measure(mid, **{k: record.get(k) for k in record})


def test_findings_rows_read_the_evidence_functions():
    plain = measure(1, evaluations=[supported_evaluation()])
    evaluations = format2_record()["evaluations"]
    cluster_result = {"outcome": "protective_behaviour", "timepoint_months": 6}
    evaluations[2] = {  # the independent cluster trial, with a favourable result
        **evaluations[2],
        "results": [{**cluster_result, "direction": "favourable"}],
    }
    rich = profile(2, evaluations=evaluations)
    rows = rows_by_key(plain, rich)
    assert rows["favourable_outcomes"].cells[0].items == (
        "Disclosure (high-rated study)",
        "Knowledge (high-rated study)",
    )
    assert rows["favourable_outcomes"].cells[1].items == (
        "Disclosure (high-rated study)",
        "Protective behaviour (high-rated study)",
        "Knowledge (high-rated study)",
    )
    # Favourable in two samples (the trial and the cluster trial), one of them independent.
    assert rows["replication"].cells[1].text == "Yes"
    assert rows["replication"].cells[0].text == "No"
    assert rows["replication"].differs
    assert rows["sustained"].cells[0].text == "12 months after the programme"
    assert rows["sustained"].cells[1].text == "24 months after the programme"
    assert rows["sustained"].cells[1].items == ("Disclosure, high-rated study",)
    assert rows["sustained"].differs  # 12 and 24 months are on either side of a threshold
    assert rows["best_rating"].cells[1].text.startswith("High: ")
    assert rows["best_rating"].cells[1].items[0].startswith("High: ")


def test_profile_rows_in_words():
    rows = rows_by_key(profile(1), measure(2))
    cost, training = rows["unit_cost"].cells, rows["training_hours"].cells
    assert cost[0].text == "€42.50 per participant, in 2024 prices"
    assert cost[1].text == "Not stated"
    assert training[0].text == "12 hours" and training[1].text == "Not stated"
    assert rows["licence"].cells[0].text == "Free with registration"
    assert rows["certification"].cells[0].text == "No certification needed"
    assert rows["population_level"].cells[0].text == "Universal"
    assert rows["external_ratings"].cells[0].items == ("Example Clearinghouse: Promising (2023)",)
    assert rows["external_ratings"].cells[1].text == "None recorded"
    # Other registries rate on scales of their own: shown, never marked.
    assert not rows["external_ratings"].compared and not rows["external_ratings"].differs


def test_price_years_are_noted_and_named_when_they_differ():
    same = rows_by_key(profile(1), profile(2, unit_cost_eur=45))
    assert same["unit_cost"].note == "Same price year: all in 2024 prices."
    # €42.50 and €45 are in the same band: not a difference that matters.
    assert not same["unit_cost"].differs
    other = [profile(1), profile(2, cost_price_year=2019, title="Older programme")]
    note = price_year_note(other)
    assert note.startswith("Not the same price year (")
    assert "Safe Together school programme: 2024" in note and "Older programme: 2019" in note
    assert price_year_note([profile(1), measure(2)]) is None  # one cost: nothing to line up


def test_small_differences_are_not_marked_and_bands_are():
    rows = rows_by_key(
        profile(1, training_hours=12.0, unit_cost_eur=60),
        profile(2, training_hours=16.0, unit_cost_eur=240),
    )
    assert not rows["training_hours"].differs  # both more than a day, up to a week
    assert not rows["unit_cost"].differs  # both €50 to €250
    rows = rows_by_key(profile(1, unit_cost_eur=60), profile(2, unit_cost_eur=1200))
    assert rows["unit_cost"].differs
    assert months_band(11) != months_band(12) and months_band(13) == months_band(23)
    assert hours_band(8) == "day" and hours_band(9) == "week" and hours_band(0) == "none"


def test_identical_rows_are_the_same_for_all_and_not_marked():
    rows = comparison_rows([profile(1), profile(2), profile(3)])
    assert all(r.same for r in rows)
    assert not any(r.differs for r in rows)


def test_two_real_looking_programmes_differ_in_few_rows():
    """Two programmes alike in most practical respects: the mark must single out the rest."""
    a = profile(1)
    b = profile(2, licence="licensed_fee", unit_cost_eur=44.0, training_hours=14.0)
    rows = comparison_rows([a, b])
    differing = {r.key for r in rows if r.differs}
    assert differing == {"licence"}
    compared = [r for r in rows if r.compared]
    assert len(differing) < len(compared) // 4


def test_the_page_says_how_many_compared_rows_differ_and_shows_same_rows(client, owner):
    a = make_measure(owner, publish=True, **format2_record(title="Alpha"))
    b = make_measure(owner, publish=True, **format2_record(title="Beta", licence="licensed_fee"))
    html = client.get(f"/compare?ids={a.id},{b.id}").get_data(as_text=True)
    assert "1 of the " in html and "compared aspects differs between these measures" in html
    assert 'class="compare-row row-differs" id="aspect-licence"' in html
    assert html.count('class="differs-marker">Differs</span>') == 1
    assert "Same for all" in html
    assert "Same price year: all in 2024 prices." in html
    only = client.get(f"/compare?ids={a.id},{b.id}&show=differences").get_data(as_text=True)
    assert only.count('class="compare-row') == 1


def test_the_api_answers_compared_same_and_note(client, owner):
    a = make_measure(owner, publish=True, **format2_record(title="Alpha"))
    b = make_measure(owner, publish=True, **format2_record(title="Beta", cost_price_year=2020))
    data = client.get(f"/api/v1/compare?ids={a.id},{b.id}").get_json()
    rows = {r["key"]: r for r in data["rows"]}
    assert data["compared"] == sum(r["compared"] for r in data["rows"])
    assert rows["external_ratings"]["compared"] is False
    assert rows["licence"]["same"] is True and rows["licence"]["differs"] is False
    assert "Alpha: 2024" in rows["unit_cost"]["note"] and "Beta: 2020" in rows["unit_cost"]["note"]
