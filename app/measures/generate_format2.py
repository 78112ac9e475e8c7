"""The record format 2 part of a synthetic measure (app/measures/generate.py).

It draws from a random stream of its own, so the format-1 keys of a generated record (and so
every search benchmark's corpus text) stay what they were. Each evidence profile gets what
ruleset 2027.1 needs to land on the level the profile names: the appraisal figures that rate
a trial high or moderate (EVIDENCE-2027 §2), and results per outcome where a level of 4 or 5
asks for them (§4).
"""

from __future__ import annotations

import random
from typing import Any

from app.records import vocab
from app.records.model import derived_cost_level
from app.records.schema import EVALUATION_KEYS, RECORD_KEYS

_STRONG_T12 = ("risk_factors", "help_seeking", "disclosure", "protective_behaviour", "recidivism")
_STRONG_DESIGNS = ("rct", "cluster_rct", "quasi_experimental", "interrupted_time_series")
# Profiles whose level needs findings per outcome (derived contrasts stop at level 3).
_WITH_RESULTS = ("supported", "well_supported")
_ROLES = ("provider", "developer", "contact")


def format2_rng(seed: int, n: int) -> random.Random:
    return random.Random(f"prevent-hub-{seed}-{n}-format2")  # repeatable, not secret  # nosec B311


def _appraise(rng: random.Random, evaluation: dict[str, Any]) -> None:
    """The figures that rate a strong design high or moderate (§2)."""
    design = evaluation["design"]
    if design in ("rct", "cluster_rct"):
        evaluation["differential_attrition_pct"] = round(rng.uniform(0, 5), 1)
    if design == "cluster_rct":
        evaluation["clusters"] = rng.randint(10, 80)
    if design in ("quasi_experimental", "rct"):
        evaluation["baseline_equivalence"] = "established"
    if design == "interrupted_time_series":
        evaluation["time_points_before"] = rng.randint(3, 24)
        evaluation["time_points_after"] = rng.randint(3, 24)


def _results(rng: random.Random, evaluation: dict[str, Any]) -> list[dict[str, Any]]:
    """A finding per listed outcome at the follow-up, in the direction of the overall effect;
    the intended (T1/T2) outcomes significant, the others at random."""
    months = evaluation.get("follow_up_months", 0)
    results = []
    for outcome in evaluation.get("outcomes", []):
        favourable = outcome in _STRONG_T12 or rng.random() < 0.6
        result: dict[str, Any] = {
            "outcome": outcome,
            "timepoint_months": months,
            "direction": "favourable" if favourable else "no_effect",
            "p_value": round(rng.uniform(0.001, 0.049), 3)
            if favourable
            else round(rng.uniform(0.06, 0.9), 2),
            "n": evaluation.get("sample_size", 100),
        }
        if rng.random() < 0.5:
            result.update(effect_size=round(rng.uniform(0.1, 0.8), 2), effect_size_type="g")
        results.append(result)
    return results


def add_evaluation_keys(
    rng: random.Random, profile: str, evaluations: list[dict[str, Any]]
) -> None:
    """Appraisal, results, samples, routine practice and DOIs for the profile's evaluations."""
    for index, evaluation in enumerate(evaluations):
        if evaluation["design"] in _STRONG_DESIGNS:
            _appraise(rng, evaluation)
        if profile in _WITH_RESULTS and evaluation["effect"] == "positive" and index < 2:
            evaluation["results"] = _results(rng, evaluation)
            if rng.random() < 0.3:  # format 2: with results, the overall effect may go
                del evaluation["effect"]
        if rng.random() < 0.3:
            evaluation["doi"] = f"10.5555/synthetic.{rng.randint(1000, 99999)}"
    if profile == "well_supported":
        evaluations[0]["routine_practice"] = True  # §4 level 5 asks for routine practice
        evaluations[0]["sample_id"] = "trial-1"
    # Keys in the record model's order, as validation returns them.
    order = {key: i for i, key in enumerate(EVALUATION_KEYS)}
    for i, evaluation in enumerate(evaluations):
        evaluations[i] = dict(sorted(evaluation.items(), key=lambda item: order[item[0]]))


def add_profile_keys(rng: random.Random, record: dict[str, Any], summary_en: str) -> None:
    """Some of the programme profile keys, with gaps like real data."""
    if record["text_language"] != "en" and rng.random() < 0.6:
        record["summary_en"] = summary_en
    if rng.random() < 0.7:
        record["population_level"] = rng.choice(vocab.POPULATION_LEVELS)
    if rng.random() < 0.5:
        sessions = rng.randint(4, 12)
        record["dosage"] = f"{sessions} weekly sessions of {rng.choice((1, 2))} hours"
    if rng.random() < 0.4:
        record["unit_cost_eur"] = float(rng.choice((25, 80, 150, 420, 900, 1500, 4200)))
        record["unit_cost_per"] = rng.choice(("participant", "participant", "school", "family"))
        record["cost_price_year"] = rng.randint(2015, 2025)
        if record["unit_cost_per"] == "participant":  # as validation derives it
            record["cost_level"] = derived_cost_level(record["unit_cost_eur"])
    if rng.random() < 0.4:
        record["training_hours"] = float(rng.choice((4, 8, 16, 24, 40)))
        record["certification_required"] = rng.random() < 0.4
    if rng.random() < 0.5:
        record["licence"] = rng.choice(vocab.LICENCES)
    if rng.random() < 0.5:
        record["contacts"] = [
            {
                "role": rng.choice(_ROLES),
                "name": record["organisation"],
                "url": record.get("website") or "https://example.org/contact",
            }
        ]
    if rng.random() < 0.1:
        record["external_ratings"] = [
            {
                "registry": "Example Clearinghouse",
                "rating": rng.choice(("Promising", "Supported", "Not rated")),
                "year": rng.randint(2015, 2025),
                "url": "https://example.org/clearinghouse",
            }
        ]
    if rng.random() < 0.3:
        record["references"] = [{"citation": f"{record['title']}: manual. Synthetic data."}]


def in_record_order(record: dict[str, Any]) -> dict[str, Any]:
    order = {key: i for i, key in enumerate(RECORD_KEYS)}
    return dict(sorted(record.items(), key=lambda item: order[item[0]]))
