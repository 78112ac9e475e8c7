"""What moving a record from ruleset 2026.1 to 2027.1 changes, and the rule that decided it.

Pure: the recompute command and bench/compare_rulesets.py both read it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.evidence import rules as ruleset_2026
from app.evidence import ruleset_2027

CHANGE = "{old_level} {old_label} → {new_level} {new_label} ({rule})"


@dataclass(frozen=True)
class RulesetChange:
    external_id: str
    old_level: int
    old_label: str
    old_harm: bool
    new_level: int
    new_label: str
    new_harm: bool
    rule: str  # the 2027.1 rule that decided (a key of ruleset_2027.RULES)
    reason: str  # the 2027.1 sentence of that rule
    ratings: tuple[str, ...]  # the 2027.1 study rating of each evaluation, with its reason

    @property
    def changed(self) -> bool:
        old = (self.old_level, self.old_label, self.old_harm)
        return old != (self.new_level, self.new_label, self.new_harm)

    def describe(self) -> str:
        return CHANGE.format(
            old_level=self.old_level,
            old_label=self.old_label,
            new_level=self.new_level,
            new_label=self.new_label,
            rule=ruleset_2027.RULES[self.rule],
        )


def ruleset_change(
    external_id: str, evaluations: Sequence[Mapping], manual_available: bool | None = None
) -> RulesetChange:
    old = ruleset_2026.compute_evidence(evaluations, manual_available=manual_available)
    new = ruleset_2027.compute_evidence(evaluations, manual_available=manual_available)
    return RulesetChange(
        external_id=external_id,
        old_level=old.level,
        old_label=old.label,
        old_harm=old.harm_flag,
        new_level=new.level,
        new_label=new.label,
        new_harm=new.harm_flag,
        rule=new.rule,
        reason=new.decision,
        ratings=tuple(s.reason for s in new.studies),
    )


def record_change(record: Mapping) -> RulesetChange:
    """A record in the import format; reports are never attached to imported records."""
    evaluations = [{**ev, "has_report": False} for ev in record.get("evaluations") or ()]
    return ruleset_change(
        str(record.get("external_id")), evaluations, record.get("manual_available")
    )


def summary(changes: Iterable[RulesetChange]) -> dict[str, Counter]:
    """Counts: how many rose, fell or kept their level, by transition and by deciding rule."""
    changes = list(changes)
    direction: Counter = Counter()
    for c in changes:
        if c.new_level > c.old_level:
            direction["raised"] += 1
        elif c.new_level < c.old_level:
            direction["lowered"] += 1
        elif c.changed:
            direction["same level, other label or harm flag"] += 1
        else:
            direction["unchanged"] += 1
    moved = [c for c in changes if c.changed]
    return {
        "direction": direction,
        "transition": Counter(
            f"{c.old_level} {c.old_label} → {c.new_level} {c.new_label}" for c in moved
        ),
        "rule": Counter(ruleset_2027.RULES[c.rule] for c in moved),
    }
