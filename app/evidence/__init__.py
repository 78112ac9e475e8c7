"""Evidence levels: pure functions of a record's evaluations.

The current ruleset is 2027.1 (EVIDENCE-2027, app/evidence/ruleset_2027.py); the application
computes every level with it (app/measures/evidence_state.py). Ruleset 2026.1 (DESIGN §5a,
app/evidence/rules.py) stays for the version history and for `ruleset_changes`, which says
what moving from one to the other changed.
"""

from app.evidence.ruleset_2027 import RULESET_VERSION, EvidenceResult, compute_evidence
from app.evidence.scale import EU27, LEVEL_NAMES

__all__ = ["EU27", "LEVEL_NAMES", "RULESET_VERSION", "EvidenceResult", "compute_evidence"]
