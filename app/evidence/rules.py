"""Evidence-level rules of DESIGN.md 5a (ruleset 2026.1): a pure function of the evaluations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from app.evidence.scale import EU27, LEVEL_NAMES, NO_EFFECT_LABEL, TIERS, country_code

RULESET_VERSION = "2026.1"
# EU27, LEVEL_NAMES and NO_EFFECT_LABEL live in scale.py (shared with ruleset 2027.1) and stay
# importable from here.
# Other designs read well from their enum value ("case_study" -> "Case study").
_DESIGNS = {"rct": "RCT", "cluster_rct": "Cluster RCT", "pre_post": "Pre-post"}
_UNFAVOURABLE = frozenset({"no_effect", "mixed", "negative"})
_HIGH_RCT = "randomised trial (at least 40 analysed, at most 20% attrition)"
_STRONG_DESIGN = "strong-design study (RCT, quasi-experiment or time series)"
_T12 = "an offending, victimisation or behavioural (T1/T2) outcome"


@dataclass(frozen=True)
class EvidenceResult:
    level: int
    label: str
    harm_flag: bool
    badges: tuple[str, ...]
    ruleset: str
    reasons: tuple[str, ...]
    counted: tuple[str, ...]
    next_step: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (lists instead of tuples)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EvidenceResult:
        """Rebuild a stored result; raises KeyError if a field is missing."""
        values = {f.name: d[f.name] for f in fields(cls)}
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def _number(ev: Mapping, key: str) -> float | None:
    value = ev.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def study_class(ev: Mapping) -> str:
    """Return "high", "moderate", "low" or "descriptive" for one evaluation."""
    design = ev.get("design")
    if design in ("rct", "cluster_rct"):
        sample, attrition = _number(ev, "sample_size"), _number(ev, "attrition_pct")
        # An unknown sample size cannot show the trial was big enough: "moderate", as 5a says.
        if sample is not None and sample >= 40 and (attrition is None or attrition <= 20):
            return "high"
        return "moderate"
    if design == "quasi_experimental":
        return "low" if ev.get("comparison_group") is False else "moderate"
    if design == "interrupted_time_series":
        return "moderate"
    if design in ("pre_post", "cohort"):
        return "low"
    # qualitative, process_evaluation, case_study; an unknown design claims no outcome evidence.
    return "descriptive"


def outcome_tier(ev: Mapping) -> int | None:
    """Return the best tier (1 is best) among the outcomes, or None for reach/fidelity only."""
    tiers = [TIERS[o] for o in ev.get("outcomes") or () if o in TIERS]
    return min(tiers) if tiers else None


@dataclass(frozen=True)
class _Study:
    ev: Mapping
    cls: str
    tier: int | None
    effect: str

    @property
    def strong(self) -> bool:
        return self.cls in ("high", "moderate")

    @property
    def favourable(self) -> bool:
        return self.effect == "positive"

    def followed_up(self, months: int) -> bool:
        follow_up = _number(self.ev, "follow_up_months")
        return follow_up is not None and follow_up >= months

    def describe(self) -> str:
        code = str(self.ev.get("design") or "unknown design")
        design = _DESIGNS.get(code, code.replace("_", " ").capitalize())
        year = self.ev.get("year") or "year unknown"
        where = f" ({country_code(self.ev)})" if country_code(self.ev) else ""
        tier = f"T{self.tier}" if self.tier else "no outcome tier"
        effect = "favourable" if self.favourable else self.effect.replace("_", " ")
        return f"{design}, {year}{where}: {self.cls}, {effect}, {tier}"


def _verifiable(ev: Mapping) -> bool:
    cited = any(str(ev.get(key) or "").strip() for key in ("citation", "url"))
    return cited or ev.get("has_report") is True


def _n(count: int, noun: str) -> str:
    if count != 1:
        noun = noun.replace("study", "studies") if "study" in noun else f"{noun}s"
    return f"{count} {noun}"


def _name(level: int) -> str:
    return f"level {level} ({LEVEL_NAMES[level]})"


def compute_evidence(
    evaluations: Sequence[Mapping], *, manual_available: bool | None = None
) -> EvidenceResult:
    """Apply ruleset 2026.1 to a revision's evaluations; missing fields count as unknown."""
    studies = [
        _Study(ev, study_class(ev), outcome_tier(ev), ev.get("effect") or "not_reported")
        for ev in evaluations
    ]
    strong_fav = [s for s in studies if s.strong and s.favourable]
    strong_unfav = [s for s in studies if s.strong and s.effect in _UNFAVOURABLE]
    low_fav = [s for s in studies if s.cls == "low" and s.favourable]
    # Levels 4 and 5 count "the strong favourable studies with tier T1/T2" (core). Level 5's
    # follow-up, independence and peer review are read literally as DESIGN 5a words them:
    # any strong favourable study, whatever its tier.
    core = [s for s in strong_fav if s.tier in (1, 2)]
    core_high = any(s.cls == "high" for s in core)
    if (
        len(core) >= 2
        and core_high
        and any(s.followed_up(12) for s in strong_fav)
        and any(s.ev.get("independent") is True for s in strong_fav)
        and any(s.ev.get("peer_reviewed") is True for s in strong_fav)
    ):
        level, counted = 5, core
        base = f"{_n(len(core), 'strong favourable study')} on T1/T2 outcomes, at least one high"
        base += ", with 12-month follow-up, independent evaluation and peer review"
    elif (core_high or len(core) >= 2) and any(s.followed_up(6) for s in core):
        # With no high study in core, len(core) >= 2 means two or more moderate ones.
        level, counted = 4, core
        base = f"{_n(len(core), 'strong favourable study')} on T1/T2 outcomes"
        base += f" ({'at least one high' if core_high else 'two or more moderate'})"
        base += ", with follow-up of at least 6 months"
    elif strong_fav:
        level, counted = 3, strong_fav
        base = f"{_n(len(strong_fav), 'strong-design study')} with a favourable effect"
    elif low_fav:
        level, counted = 2, low_fav
        base = f"{_n(len(low_fav), 'pre-post or cohort study')} with a favourable effect"
    elif studies:
        level, counted = 1, studies
        base = f"{_n(len(studies), 'evaluation')}, none favourable in a pre-post or stronger design"
    else:
        level, counted, base = 0, [], "no evaluation has been recorded"
    reasons = [f"Level {level} ({LEVEL_NAMES[level]}): {base}."]
    label, capped_from = LEVEL_NAMES[level], None

    # Only strong studies weigh here; "not_reported" is neither for nor against.
    if len(strong_unfav) > len(strong_fav) and level > 2:
        counted = [s for s in studies if s.strong and (s.favourable or s.effect in _UNFAVOURABLE)]
        reasons.append(
            f"Mixed evidence: {_n(len(strong_unfav), 'strong study')} without a favourable effect"
            f" outnumber the {len(strong_fav)} favourable, so the level is capped at 2"
            f" (from {level})."
        )
        level, label, capped_from = 2, LEVEL_NAMES[2], level

    nulls = [s for s in studies if s.strong and s.effect == "no_effect"]
    null_verdict = not strong_fav and (
        any(s.cls == "high" for s in nulls) or sum(s.cls == "moderate" for s in nulls) >= 2
    )
    if null_verdict:
        counted = nulls
        reasons.append(
            f"No effect found: {_n(len(nulls), 'strong study')} found no effect and no strong"
            f" study is favourable, so the level is 1 ({NO_EFFECT_LABEL})."
        )
        level, label = 1, NO_EFFECT_LABEL

    dropped_from, verifiable = level, any(_verifiable(s.ev) for s in studies)
    if studies and not verifiable:
        why = "Unverifiable: no evaluation has a citation, a link or an attached report, so"
        # "Drops by one, not below 1" cannot lower level 1, yet "No effect found" is a verdict:
        # a clearinghouse rates null results only from checkable studies, as it discounts
        # unverifiable favourable ones. So the label steps down to "Emerging" (level and sort
        # position stay 1) and the reason says why.
        if label == NO_EFFECT_LABEL:
            label = LEVEL_NAMES[1]
            reasons.append(f"{why} the no-effect verdict is withheld (level 1, Emerging).")
        elif level > 1:
            level, label = level - 1, LEVEL_NAMES[level - 1]
            reasons.append(f"{why} the level drops by one (from {dropped_from} to {level}).")

    harmful = [s for s in studies if s.strong and s.effect == "negative"]
    if harmful:
        reasons.append(
            f"Harm signal: {_n(len(harmful), 'strong study')} reported a negative effect"
            f" ({'; '.join(s.describe() for s in harmful)}); flagged for expert review."
        )

    countries = {c for c in (country_code(s.ev) for s in studies) if c}
    badge_rules = (
        ("EU-tested", bool(countries & EU27)),
        ("Tested in several countries", len(countries) >= 2),
        ("Long-term", any(s.followed_up(24) for s in strong_fav)),
        ("Manual available", manual_available is True),
    )
    step = _next_step(
        level, dropped_from, capped_from, null_verdict, strong_fav, strong_unfav, core, verifiable
    )
    return EvidenceResult(
        level=level,
        label=label,
        harm_flag=bool(harmful),
        badges=tuple(name for name, holds in badge_rules if holds),
        ruleset=RULESET_VERSION,
        reasons=tuple(reasons),
        counted=tuple(s.describe() for s in counted),
        next_step=step,
    )


def _next_step(
    level: int,
    dropped_from: int,
    capped_from: int | None,
    null_verdict: bool,
    strong_fav: list[_Study],
    strong_unfav: list[_Study],
    core: list[_Study],
    verifiable: bool,
) -> str | None:
    """Say concretely what is missing for the next level up (None at level 5)."""
    fav, unfav = len(strong_fav), len(strong_unfav)
    cite = "" if verifiable else " with a citation, link or report"
    if level == 5:
        return None
    if level == 0:
        return f"A first evaluation of the measure would reach {_name(1)}."
    if dropped_from > level:
        return (
            "A citation, a link or an attached report for any evaluation would make the evidence"
            f" verifiable and restore {_name(dropped_from)}."
        )
    if capped_from is not None:
        return (
            f"{_n(unfav - fav, 'more strong favourable study')} would balance the {unfav} without"
            f" a favourable effect, lift the cap at level 2 and restore {_name(capped_from)}."
        )
    if level == 1 and not null_verdict:
        return f"A favourable pre-post or cohort study{cite} would reach {_name(2)}."
    if level <= 2:  # no strong favourable study yet: enough to balance the strong unfavourable
        needed = max(1, unfav)
        text = f"A favourable {_STRONG_DESIGN}{cite}"
        if needed > 1:
            text = f"{needed} favourable {_STRONG_DESIGN.replace('study', 'studies')}{cite}"
        if unfav:
            text += f", balancing the {_n(unfav, 'strong study')} without a favourable effect,"
        return f"{text} would reach {_name(3)}."
    fu = "" if any(s.followed_up(6) for s in core) else " with follow-up of at least 6 months"
    if level == 3:
        if not core:
            return (
                f"A favourable {_HIGH_RCT}, or two favourable strong-design studies, on {_T12}"
                f"{fu} would reach {_name(4)}."
            )
        if not any(s.cls == "high" for s in core) and len(core) < 2:
            return (
                f"A second favourable strong-design study, or a favourable {_HIGH_RCT}, on"
                f" {_T12}{fu} would reach {_name(4)}."
            )
        return f"Follow-up of at least 6 months in a favourable T1/T2 study would reach {_name(4)}."
    missing = []
    if not any(s.ev.get("independent") is True for s in strong_fav):
        missing.append("independent")
    if not any(s.ev.get("peer_reviewed") is True for s in strong_fav):
        missing.append("peer-reviewed")
    follow = "" if any(s.followed_up(12) for s in strong_fav) else " with 12-month follow-up"
    if len(core) < 2 or not any(s.cls == "high" for s in core):
        noun = "replication" if any(s.cls == "high" for s in core) else _HIGH_RCT
        phrase = f"{', '.join(missing)} {noun}".strip() + follow
        article = "An" if phrase[0] in "aeiou" else "A"
        return f"{article} {phrase} showing a favourable T1/T2 effect would reach {_name(5)}."
    needs = [{"independent": "an independent evaluation"}.get(q, "peer review") for q in missing]
    needs += ["a follow-up of at least 12 months"] if follow else []
    text = " and ".join(needs)
    return f"{text[0].upper()}{text[1:]} of a favourable T1/T2 study would reach {_name(5)}."
