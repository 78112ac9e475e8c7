"""Record format 2: the new evaluation keys (EVIDENCE-2027 §1) and programme profile keys
(measure-record.md "Format 2"), each rule and boundary with its message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.records.schema import RecordInvalid, validate_record
from tests.conftest import sample_record

ROOT = Path(__file__).resolve().parents[2]
FORMAT_1_FILES = [
    ROOT / "app" / "demo" / "measures.jsonl",
    ROOT.parent / "shared" / "data" / "sample-measures.jsonl",
]
E0 = "evaluations[0]"
R0 = "evaluations[0].results[0]"
DA = f"{E0}.differential_attrition_pct"
LONG_2000 = "must be at most 2,000 characters long"


def evaluation(**changes) -> dict:
    out = dict(sample_record()["evaluations"][0])
    out.update(changes)
    return {k: v for k, v in out.items() if v is not None}


def result(**changes) -> dict:
    out = {"outcome": "disclosure", "timepoint_months": 6, "direction": "favourable"}
    out.update(changes)
    return {k: v for k, v in out.items() if v is not None}


def with_result(**changes) -> dict:
    return sample_record(evaluations=[evaluation(results=[result(**changes)])])


def errors(record: dict) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as raised:
        validate_record(record)
    return [(e.key, e.message) for e in raised.value.errors]


def valid(record: dict) -> dict:
    return validate_record(record)


# --- evaluation keys ----------------------------------------------------------------------------

EVALUATION_CASES = [
    ({"sample_id": "x" * 101}, [(f"{E0}.sample_id", "must be at most 100 characters long")]),
    ({"differential_attrition_pct": -0.1}, [(DA, "must be at least 0")]),
    ({"differential_attrition_pct": 100.1}, [(DA, "must be at most 100")]),
    ({"differential_attrition_pct": "5"}, [(DA, "must be a number")]),
    (
        {"baseline_equivalence": "yes"},
        [(f"{E0}.baseline_equivalence",
          "must be one of established, not_established, not_reported (got 'yes')")],
    ),
    ({"clusters": 0}, [(f"{E0}.clusters", "must be at least 1")]),
    ({"clusters": 2.5}, [(f"{E0}.clusters", "must be a whole number")]),
    ({"clusters": 2**31}, [(f"{E0}.clusters", "must be at most 2147483647")]),
    ({"time_points_before": -1}, [(f"{E0}.time_points_before", "must be at least 0")]),
    ({"time_points_after": -1}, [(f"{E0}.time_points_after", "must be at least 0")]),
    ({"routine_practice": "true"}, [(f"{E0}.routine_practice", "must be true or false")]),
    (
        {"doi": "https://doi.org/10.1111/jsm.12785"},
        [(f"{E0}.doi", "must be a DOI such as 10.1111/jsm.12785, without https://doi.org/"
                       " (got 'https://doi.org/10.1111/jsm.12785')")],
    ),
    ({"results": "many"}, [(f"{E0}.results", "must be a list")]),
    ({"results": [3]}, [(f"{E0}.results[0]", "must be a JSON object")]),
    ({"results": [result()] * 101}, [(f"{E0}.results", "must have at most 100 items")]),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), EVALUATION_CASES)
def test_bad_evaluation_keys_are_refused_with_key_and_reason(changes, expected):
    assert errors(sample_record(evaluations=[evaluation(**changes)])) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"sample_id": "x" * 100},
        {"differential_attrition_pct": 0},
        {"differential_attrition_pct": 100},
        {"clusters": 1},
        {"time_points_before": 0, "time_points_after": 0},
        {"baseline_equivalence": "not_reported", "routine_practice": False},
    ],
)
def test_evaluation_keys_at_their_boundaries_are_accepted(changes):
    assert valid(sample_record(evaluations=[evaluation(**changes)]))["evaluations"][0] == {
        **evaluation(),
        **{k: float(v) if k.endswith("_pct") else v for k, v in changes.items()},
    }


@pytest.mark.parametrize(
    "doi",
    ["10.1111/jsm.12785", "10.1234/x", "10.123456789/a(b)c;d", "10.1007/978-3-030-61262-7"],
)
def test_a_doi_matches_the_pattern_of_the_spec(doi):
    assert valid(sample_record(evaluations=[evaluation(doi=doi)]))["evaluations"][0]["doi"] == doi


@pytest.mark.parametrize(
    "doi", ["10.123/x", "10.1234567890/x", "10.1111/", "10.1111/a b", "doi:10.1111/x", "11.1111/x"]
)
def test_anything_else_is_not_a_doi(doi):
    [(key, message)] = errors(sample_record(evaluations=[evaluation(doi=doi)]))
    assert key == f"{E0}.doi" and message.startswith("must be a DOI such as 10.1111/jsm.12785")


# --- results -------------------------------------------------------------------------------

RESULT_CASES = [
    ({"outcome": None}, [(f"{R0}.outcome", "is required")]),
    (
        {"outcome": "happiness"},
        [(f"{R0}.outcome", "must be one of knowledge, attitudes, skills, disclosure, help_seeking,"
          " protective_behaviour, professional_practice, risk_factors, sexual_offending,"
          " recidivism, victimisation, wellbeing, reach, fidelity (got 'happiness')")],
    ),
    ({"measure": "m" * 301}, [(f"{R0}.measure", "must be at most 300 characters long")]),
    ({"timepoint_months": None}, [(f"{R0}.timepoint_months", "is required")]),
    ({"timepoint_months": -1}, [(f"{R0}.timepoint_months", "must be at least 0")]),
    ({"timepoint_months": 601}, [(f"{R0}.timepoint_months", "must be at most 600")]),
    ({"direction": None}, [(f"{R0}.direction", "is required")]),
    (
        {"direction": "positive"},
        [(f"{R0}.direction",
          "must be one of favourable, no_effect, unfavourable (got 'positive')")],
    ),
    ({"effect_size": 0.4}, [(f"{R0}.effect_size_type", "is required with effect_size")]),
    ({"effect_size_type": "g"}, [(f"{R0}.effect_size", "is required with effect_size_type")]),
    (
        {"effect_size": 0.4, "effect_size_type": "cohen"},
        [(f"{R0}.effect_size_type", "must be one of d, g, or, rr, hr, irr (got 'cohen')")],
    ),
    ({"p_value": -0.01}, [(f"{R0}.p_value", "must be at least 0")]),
    ({"p_value": 1.01, "direction": "no_effect"}, [(f"{R0}.p_value", "must be at most 1")]),
    (
        {"p_value": 0.05},
        [(f"{R0}.p_value", "must be below 0.05 when direction is favourable: a result that is"
          " not statistically significant has direction no_effect")],
    ),
    (
        {"p_value": 0.3, "direction": "unfavourable"},
        [(f"{R0}.p_value", "must be below 0.05 when direction is unfavourable: a result that is"
          " not statistically significant has direction no_effect")],
    ),
    ({"ci_low": 0.1}, [(f"{R0}.ci_high", "is required with ci_low")]),
    ({"ci_high": 0.9}, [(f"{R0}.ci_low", "is required with ci_high")]),
    ({"ci_low": 0.5, "ci_high": 0.4}, [(f"{R0}.ci_high", "must not be less than ci_low (0.5)")]),
    ({"n": 0}, [(f"{R0}.n", "must be at least 1")]),
    ({"primary": "yes"}, [(f"{R0}.primary", "must be true or false")]),
    ({"colour": "red"}, [(f"{R0}.colour", "is not a known key")]),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), RESULT_CASES)
def test_bad_results_are_refused_with_key_and_reason(changes, expected):
    assert errors(with_result(**changes)) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"timepoint_months": 0},
        {"timepoint_months": 600},
        {"p_value": 0.0499},
        {"p_value": 0.05, "direction": "no_effect"},
        {"p_value": 1, "direction": "no_effect"},
        {"p_value": 0.001, "direction": "unfavourable"},
        {"ci_low": 0.4, "ci_high": 0.4},
        {"effect_size": 1.8, "effect_size_type": "or", "ci_low": 1.1, "ci_high": 2.9},
        {"n": 1, "primary": True, "measure": "m" * 300},
    ],
)
def test_results_at_their_boundaries_are_accepted(changes):
    [checked] = valid(with_result(**changes))["evaluations"][0]["results"]
    assert checked == result(**changes)


def test_a_result_on_an_outcome_the_evaluation_does_not_list_names_both_keys():
    record = sample_record(
        evaluations=[evaluation(results=[result(), result(outcome="recidivism")])]
    )
    assert errors(record) == [
        (
            "evaluations[0].results[1].outcome",
            "'recidivism' is not listed in this evaluation's outcomes: list it there too",
        )
    ]
    no_outcomes = sample_record(evaluations=[evaluation(outcomes=None, results=[result()])])
    assert errors(no_outcomes) == [
        (
            f"{R0}.outcome",
            "'disclosure' is not listed in this evaluation's outcomes: list it there too",
        )
    ]


def test_with_results_the_effect_may_be_left_out_and_without_them_not():
    with_results = valid(sample_record(evaluations=[evaluation(effect=None, results=[result()])]))
    assert "effect" not in with_results["evaluations"][0]
    for results in (None, []):
        record = sample_record(evaluations=[evaluation(effect=None, results=results)])
        assert errors(record) == [(f"{E0}.effect", "is required")]


def test_results_keep_their_order_and_every_problem_is_named_in_one_pass():
    results = [result(timepoint_months=12), result(timepoint_months=0, direction="no_effect")]
    checked = valid(sample_record(evaluations=[evaluation(results=results)]))
    assert [r["timepoint_months"] for r in checked["evaluations"][0]["results"]] == [12, 0]
    bad = evaluation(
        year="2019", results=[result(p_value=0.2), result(direction="up", outcome="wellbeing")]
    )
    assert errors(sample_record(evaluations=[bad])) == [
        (f"{E0}.year", "must be a whole number"),
        ("evaluations[0].results[1].direction",
         "must be one of favourable, no_effect, unfavourable (got 'up')"),
        (f"{R0}.p_value", "must be below 0.05 when direction is favourable: a result that is"
         " not statistically significant has direction no_effect"),
        ("evaluations[0].results[1].outcome",
         "'wellbeing' is not listed in this evaluation's outcomes: list it there too"),
    ]  # fmt: skip


# --- programme profile keys ----------------------------------------------------------------

PROFILE_CASES = [
    ({"summary_en": "s" * 19}, [("summary_en", "must be at least 20 characters long")]),
    ({"summary_en": "s" * 1001}, [("summary_en", "must be at most 1,000 characters long")]),
    (
        {"population_level": "everyone"},
        [("population_level", "must be one of universal, selective, indicated (got 'everyone')")],
    ),
    ({"dosage": "d" * 501}, [("dosage", "must be at most 500 characters long")]),
    ({"theory_of_change": "t" * 5001},
     [("theory_of_change", "must be at most 5,000 characters long")]),
    ({"training_hours": -1}, [("training_hours", "must be at least 0")]),
    ({"certification_required": "no"}, [("certification_required", "must be true or false")]),
    ({"staff_qualifications": "q" * 2001}, [("staff_qualifications", LONG_2000)]),
    ({"fidelity_tools": "f" * 2001}, [("fidelity_tools", LONG_2000)]),
    ({"cost_benefit": "c" * 2001}, [("cost_benefit", LONG_2000)]),
    (
        {"licence": "gpl"},
        [("licence", "must be one of open, free_registration, licensed_fee, proprietary, unknown"
          " (got 'gpl')")],
    ),
    (
        {"unit_cost_eur": 120},
        [("unit_cost_per", "is required with unit_cost_eur"),
         ("cost_price_year", "is required with unit_cost_eur")],
    ),
    (
        {"unit_cost_per": "participant"},
        [("unit_cost_eur", "is required with unit_cost_per"),
         ("cost_price_year", "is required with unit_cost_per")],
    ),
    (
        {"cost_price_year": 2020},
        [("unit_cost_eur", "is required with cost_price_year"),
         ("unit_cost_per", "is required with cost_price_year")],
    ),
    (
        {"unit_cost_eur": -1, "unit_cost_per": "participant", "cost_price_year": 2020},
        [("unit_cost_eur", "must be at least 0")],
    ),
    (
        {"unit_cost_eur": 1, "unit_cost_per": "pupil", "cost_price_year": 2020},
        [("unit_cost_per",
          "must be one of participant, family, group, school, site, year (got 'pupil')")],
    ),
    (
        {"unit_cost_eur": 1, "unit_cost_per": "site", "cost_price_year": 1989},
        [("cost_price_year", "must be at least 1990")],
    ),
    (
        {"unit_cost_eur": 1, "unit_cost_per": "site", "cost_price_year": 2101},
        [("cost_price_year", "must be at most 2100")],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), PROFILE_CASES)
def test_bad_profile_keys_are_refused_with_key_and_reason(changes, expected):
    assert errors(sample_record(**changes)) == expected


def test_profile_keys_at_their_boundaries_are_accepted():
    profile = {
        "summary_en": "s" * 20,
        "theory_of_change": "t" * 5000,
        "population_level": "indicated",
        "dosage": "d" * 500,
        "unit_cost_eur": 0.0,
        "unit_cost_per": "year",
        "cost_price_year": 1990,
        "cost_benefit": "c" * 2000,
        "training_hours": 0.0,
        "certification_required": False,
        "staff_qualifications": "q" * 2000,
        "fidelity_tools": "f" * 2000,
        "licence": "licensed_fee",
    }
    checked = valid(sample_record(**profile))
    assert {k: checked[k] for k in profile} == profile
    assert "cost_level" not in checked  # a cost per year gives no cost level


@pytest.mark.parametrize(
    ("euros", "level"),
    [(0, "low"), (99.99, "low"), (100, "medium"), (1000, "medium"), (1000.01, "high")],
)
def test_the_cost_level_is_derived_from_a_unit_cost_per_participant(euros, level):
    record = sample_record(unit_cost_eur=euros, unit_cost_per="participant", cost_price_year=2024)
    assert valid(record)["cost_level"] == level


def test_a_given_cost_level_is_kept_and_other_units_derive_none():
    given = sample_record(
        cost_level="high", unit_cost_eur=50, unit_cost_per="participant", cost_price_year=2024
    )
    assert valid(given)["cost_level"] == "high"
    school = sample_record(unit_cost_eur=50, unit_cost_per="school", cost_price_year=2024)
    assert "cost_level" not in valid(school)


CONTACT = {"role": "provider", "name": "Programme office", "email": "office@example.org"}
RATING = {"registry": "CEBC", "rating": "Promising", "year": 2021, "url": "https://example.org/r"}
REFERENCE = {"citation": "Manual, 2nd edition.", "doi": "10.1007/978-3-030-61262-7"}

LIST_CASES = [
    ({"contacts": [{**CONTACT, "role": "boss"}]},
     [("contacts[0].role", "must be one of developer, provider, technical_assistance, evaluator,"
       " contact (got 'boss')")]),
    ({"contacts": [{**CONTACT, "name": "n" * 201}]},
     [("contacts[0].name", "must be at most 200 characters long")]),
    ({"contacts": [{"role": "developer", "name": "Office"}]},
     [("contacts[0]", "needs an email or a url, or both")]),
    ({"contacts": [{**CONTACT, "email": "office at example.org"}]},
     [("contacts[0].email",
       "must be an email address such as office@example.org (got 'office at example.org')")]),
    ({"contacts": [{**CONTACT, "url": "example.org"}]},
     [("contacts[0].url", "must be a web address starting with http:// or https://")]),
    ({"contacts": [{**CONTACT, "country": "XX"}]},
     [("contacts[0].country", "'XX' is not an ISO 3166-1 alpha-2 country code")]),
    ({"contacts": [CONTACT] * 21}, [("contacts", "must have at most 20 items")]),
    ({"external_ratings": [{"registry": "CEBC"}]},
     [("external_ratings[0].rating", "is required"), ("external_ratings[0].year", "is required"),
      ("external_ratings[0].url", "is required")]),
    ({"external_ratings": [{**RATING, "registry": "r" * 101}]},
     [("external_ratings[0].registry", "must be at most 100 characters long")]),
    ({"external_ratings": [{**RATING, "rating": "r" * 101}]},
     [("external_ratings[0].rating", "must be at most 100 characters long")]),
    ({"external_ratings": [{**RATING, "year": 1989}]},
     [("external_ratings[0].year", "must be at least 1990")]),
    ({"external_ratings": [{**RATING, "url": "ftp://example.org"}]},
     [("external_ratings[0].url", "must be a web address starting with http:// or https://")]),
    ({"references": [{"doi": "10.1111/x"}]}, [("references[0].citation", "is required")]),
    ({"references": [{**REFERENCE, "doi": "10.11/x"}]},
     [("references[0].doi",
       "must be a DOI such as 10.1111/jsm.12785, without https://doi.org/ (got '10.11/x')")]),
    ({"references": [{**REFERENCE, "open_access": "yes"}]},
     [("references[0].open_access", "must be true or false")]),
    ({"references": [{**REFERENCE, "pages": 12}]}, [("references[0].pages", "is not a known key")]),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "expected"), LIST_CASES)
def test_bad_contacts_ratings_and_references_are_refused_with_key_and_reason(changes, expected):
    assert errors(sample_record(**changes)) == expected


def test_contacts_ratings_and_references_keep_their_order_and_normalise():
    contacts = [
        {**CONTACT, "country": "de"},
        {"role": "developer", "name": "Developer", "url": "https://example.org"},
    ]
    checked = valid(
        sample_record(contacts=contacts, external_ratings=[RATING], references=[REFERENCE])
    )
    assert checked["contacts"] == [{**CONTACT, "country": "DE"}, contacts[1]]
    assert checked["external_ratings"] == [RATING]
    assert checked["references"] == [REFERENCE]


# --- format 1 stays valid ------------------------------------------------------------------------


@pytest.mark.parametrize("path", FORMAT_1_FILES, ids=lambda p: p.name)
def test_every_format_1_record_is_still_valid_and_unchanged(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        checked = validate_record(record)
        # Nothing added (no derived cost level without a unit cost), nothing dropped.
        assert set(checked) == {k for k, v in record.items() if v not in (None, "", [])}, number
        for before, after in zip(
            record.get("evaluations", []), checked.get("evaluations", []), strict=True
        ):
            assert set(after) == {k for k, v in before.items() if v not in (None, "", [])}, number
