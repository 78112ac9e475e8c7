"""JSON bodies of the API: a measure is its record (spec/measure-record.md) plus state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.measures.mapping import revision_to_record
from app.measures.models import Measure, MeasureRevision
from app.records.model import api_name
from app.reviews.aggregates import ratings_for

# The record's own "status" key is the programme's status (planned … ended). DESIGN §8 adds
# the measure's workflow status under "status", so the programme's moves to this key (the
# record model names it: app/records/model.py).
PROGRAMME_STATUS_KEY = api_name("status")


def evidence_explanation(revision: MeasureRevision) -> dict[str, Any]:
    """Why the revision has its level: the rule that decided, the findings it counted, what
    would raise it, and how each evaluation was rated (ruleset 2027.1, EVIDENCE-2027 §2).

    A level not yet recomputed under 2027.1 (before `flask evidence recompute`) has no
    rule and no study ratings: those keys are then null and empty."""
    evidence = revision.evidence or {}
    next_step = evidence.get("next_step")
    return {
        "ruleset": revision.evidence_ruleset or evidence.get("ruleset"),
        "rule": evidence.get("rule"),
        "reasons": list(evidence.get("reasons", [])),
        "counted": list(evidence.get("counted", [])),
        "next_step": next_step,
        "next_steps": list(evidence.get("next_steps", [next_step] if next_step else [])),
        "study_ratings": [
            {
                "evaluation": study["index"],
                "rating": study["rating"],
                "reason": study["reason"],
                "sample": study["sample"],
            }
            for study in evidence.get("studies", [])
        ],
    }


def iso_date(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment is not None else None


def ratings_json(measure_id: int) -> dict[str, Any] | None:
    """The peer-review aggregates of a measure (null without visible reviews)."""
    ratings = ratings_for([measure_id])[measure_id]
    return ratings.to_dict() if ratings.count else None


def measure_to_json(measure: Measure, revision: MeasureRevision) -> dict[str, Any]:
    """`revision` of `measure` in the record format, plus id, status and evidence.

    Keys keep the record's order (id first, then the record keys, then the additions).
    `evidence_provisional` is true for a level of 4 or 5 that no second moderator has verified
    yet (EVIDENCE-2027 §7); `evidence_rated_at` is the date since which the level is rated
    under `evidence_ruleset`, `evidence_reviewed_at` the date of the last review (or null).
    "ratings" is null until the measure has a visible peer review, then the aggregates of
    app.reviews.aggregates.Ratings.to_dict().
    """
    body: dict[str, Any] = {"id": measure.id}
    for key, value in revision_to_record(revision, measure).items():
        body[api_name(key)] = value
    body.update(
        status=measure.status.value,
        evidence_level=revision.evidence_level,
        evidence_label=revision.evidence_label,
        harm_flag=revision.harm_flag,
        evidence_ruleset=revision.evidence_ruleset,
        evidence_provisional=revision.evidence_provisional,
        evidence_rated_at=iso_date(revision.evidence_rated_at),
        evidence_reviewed_at=iso_date(revision.evidence_reviewed_at),
        badges=list((revision.evidence or {}).get("badges", [])),
        evidence_explanation=evidence_explanation(revision),
        ratings=ratings_json(measure.id),
    )
    return body
