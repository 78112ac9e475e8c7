"""Evidence levels: the pure ruleset of DESIGN.md 5a (see rules.py)."""

from app.evidence.rules import (
    EU27,
    RULESET_VERSION,
    EvidenceResult,
    compute_evidence,
    outcome_tier,
    study_class,
)

__all__ = [
    "EU27",
    "RULESET_VERSION",
    "EvidenceResult",
    "compute_evidence",
    "outcome_tier",
    "study_class",
]
