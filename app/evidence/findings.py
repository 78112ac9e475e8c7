"""The groups of contrasts that ruleset 2027.1 reads (EVIDENCE-2027 §4–§6), named once.

Descriptive studies are neither strong nor low, so their contrasts fall in no group: they count
towards no level above 1 and never set the harm flag (§2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.evidence.contrasts import (
    DELIVERY_OUTCOMES,
    FAVOURABLE,
    NO_EFFECT,
    UNFAVOURABLE,
    Contrast,
    Study,
    samples,
)
from app.evidence.study_rating import HIGH, LOW, MODERATE

# The level-4 and level-5 conditions, by name, so the next steps can say which are missing.
RIGOUR = "rigour"  # a high contrast in F, or moderate ones spanning ≥ 2 samples
SIX_MONTHS = "six_months"
TWO_SAMPLES = "two_samples"
HIGH_TRIAL = "high"
INDEPENDENT_12 = "independent_12"
PEER_REVIEWED = "peer_reviewed"
ROUTINE_PRACTICE = "routine_practice"
LEVEL_4_CONDITIONS = (RIGOUR, SIX_MONTHS)
LEVEL_5_CONDITIONS = (TWO_SAMPLES, HIGH_TRIAL, INDEPENDENT_12, PEER_REVIEWED, ROUTINE_PRACTICE)


def _harmful(c: Contrast) -> bool:
    # Reach and fidelity say nothing about harm; a contrast without an outcome does count.
    return c.direction == UNFAVOURABLE and c.outcome not in DELIVERY_OUTCOMES


@dataclass(frozen=True)
class Findings:
    studies: tuple[Study, ...]
    contrasts: tuple[Contrast, ...]
    # F of §4: explicit, strong, favourable contrasts on T1 or T2 outcomes.
    core: tuple[Contrast, ...] = field(init=False)
    strong_favourable: tuple[Contrast, ...] = field(init=False)
    low_favourable: tuple[Contrast, ...] = field(init=False)
    strong_harm: tuple[Contrast, ...] = field(init=False)
    low_harm: tuple[Contrast, ...] = field(init=False)
    strong_null: tuple[Contrast, ...] = field(init=False)  # no_effect on T1–T3 (§5.2)
    strong_t12: tuple[Contrast, ...] = field(init=False)  # what §5.3 weighs

    def __post_init__(self) -> None:
        strong = [c for c in self.contrasts if c.strong]
        low = [c for c in self.contrasts if c.rating == LOW]
        favourable = [c for c in strong if c.direction == FAVOURABLE]
        groups = {
            "core": [c for c in favourable if c.explicit and c.tier in (1, 2)],
            "strong_favourable": favourable,
            "low_favourable": [c for c in low if c.direction == FAVOURABLE],
            "strong_harm": [c for c in strong if _harmful(c)],
            "low_harm": [c for c in low if _harmful(c)],
            "strong_null": [c for c in strong if c.direction == NO_EFFECT and c.tier],
            "strong_t12": [c for c in strong if c.tier in (1, 2)],
        }
        for name, group in groups.items():
            object.__setattr__(self, name, tuple(group))

    def study(self, contrast: Contrast) -> Study:
        return self.studies[contrast.evaluation]

    def level_4_missing(self) -> tuple[str, ...]:
        """§4 level 4: the conditions F does not meet (all of them when F is empty)."""
        holds = {
            RIGOUR: any(c.rating == HIGH for c in self.core)
            or len(samples(c for c in self.core if c.rating == MODERATE)) >= 2,
            SIX_MONTHS: any(c.timepoint_months >= 6 for c in self.core),
        }
        return tuple(name for name in LEVEL_4_CONDITIONS if not holds[name])

    def level_5_missing(self) -> tuple[str, ...]:
        """§4 level 5: the conditions F does not meet. Follow-up and independence must hold
        for one single contrast; peer review and routine practice for any evaluation behind F."""
        behind = [self.study(c) for c in self.core]
        holds = {
            TWO_SAMPLES: len(samples(self.core)) >= 2,
            HIGH_TRIAL: any(c.rating == HIGH for c in self.core),
            INDEPENDENT_12: any(
                c.timepoint_months >= 12 and self.study(c).independent for c in self.core
            ),
            PEER_REVIEWED: any(s.peer_reviewed for s in behind),
            ROUTINE_PRACTICE: any(s.routine_practice for s in behind),
        }
        return tuple(name for name in LEVEL_5_CONDITIONS if not holds[name])

    def null_basis(self) -> tuple[Contrast, ...]:
        """§5.2's no-effect contrasts when they carry a verdict: from a high evaluation, or
        from moderate ones spanning ≥ 2 samples; () when they do not (or something is
        favourable)."""
        if self.strong_favourable:
            return ()
        if any(c.rating == HIGH for c in self.strong_null):
            return self.strong_null
        if len(samples(c for c in self.strong_null if c.rating == MODERATE)) >= 2:
            return self.strong_null
        return ()

    def mixed_counts(self) -> tuple[int, int]:
        """§5.3: (samples with a favourable strong T1/T2 contrast, samples with none)."""
        with_one = samples(c for c in self.strong_t12 if c.direction == FAVOURABLE)
        return len(with_one), len(samples(self.strong_t12) - with_one)

    def independent_replication(self) -> bool:
        """§6: F spans ≥ 2 samples, one of them from an independent evaluation."""
        independent = any(self.study(c).independent for c in self.core)
        return len(samples(self.core)) >= 2 and independent

    def verifiable(self) -> bool:
        return any(s.verifiable for s in self.studies)
