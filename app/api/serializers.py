"""JSON bodies of the API: a measure is its record (spec/measure-record.md) plus state."""

from __future__ import annotations

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
    """Why the revision has its level: the rules that decided, the studies, the next step."""
    evidence = revision.evidence or {}
    return {
        "ruleset": revision.evidence_ruleset or evidence.get("ruleset"),
        "reasons": list(evidence.get("reasons", [])),
        "counted": list(evidence.get("counted", [])),
        "next_step": evidence.get("next_step"),
    }


def ratings_json(measure_id: int) -> dict[str, Any] | None:
    """The peer-review aggregates of a measure (null without visible reviews)."""
    ratings = ratings_for([measure_id])[measure_id]
    return ratings.to_dict() if ratings.count else None


def measure_to_json(measure: Measure, revision: MeasureRevision) -> dict[str, Any]:
    """`revision` of `measure` in the record format, plus id, status and evidence.

    Keys keep the record's order (id first, then the record keys, then the additions).
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
        badges=list((revision.evidence or {}).get("badges", [])),
        evidence_explanation=evidence_explanation(revision),
        ratings=ratings_json(measure.id),
    )
    return body
