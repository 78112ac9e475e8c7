"""Small factories for ruleset 2027.1 tests: evaluations in record format 2 (and 1)."""

from __future__ import annotations

from typing import Any


def result(
    outcome: str = "recidivism", months: int = 0, direction: str = "favourable", **fields: Any
) -> dict[str, Any]:
    """One finding: an outcome at a time point, favourable unless said otherwise."""
    return {"outcome": outcome, "timepoint_months": months, "direction": direction, **fields}


def evaluation(design: str, results: tuple[dict, ...], /, **fields: Any) -> dict[str, Any]:
    """A cited evaluation; with results its outcomes list theirs, without it is format 1
    (effect "positive" on recidivism unless `fields` say otherwise)."""
    ev: dict[str, Any] = {"design": design, "year": 2020, "citation": "Doe et al. (2020)"}
    if results:
        ev["outcomes"] = list(dict.fromkeys(r["outcome"] for r in results))
        ev["results"] = list(results)
    else:
        ev.update(outcomes=["recidivism"], effect="positive")
    ev.update(fields)
    return ev


def rct(*results: dict, design: str = "rct", **fields: Any) -> dict[str, Any]:
    """A high-rated RCT: 100 analysed, 10 % attrition, 2 points between the groups."""
    figures = {"sample_size": 100, "attrition_pct": 10, "differential_attrition_pct": 2}
    return evaluation(design, results, **{**figures, **fields})


def qed(*results: dict, **fields: Any) -> dict[str, Any]:
    """A moderate-rated quasi-experiment: comparison group, groups equivalent at baseline."""
    figures = {"comparison_group": True, "baseline_equivalence": "established"}
    return evaluation("quasi_experimental", results, **{**figures, **fields})


def low(*results: dict, design: str = "pre_post", **fields: Any) -> dict[str, Any]:
    """A low-rated study (pre-post unless another design is given)."""
    return evaluation(design, results, **fields)


def descriptive(*results: dict, design: str = "qualitative", **fields: Any) -> dict[str, Any]:
    return evaluation(design, results, **fields)


def well_supported() -> list[dict[str, Any]]:
    """Every level-5 condition, each met once: two samples, a high trial, a 12-month finding
    from an independent evaluation, peer review and routine practice."""
    return [
        rct(
            result("recidivism", 12),
            independent=True,
            peer_reviewed=True,
            routine_practice=True,
        ),
        qed(result("disclosure", 6)),
    ]
