"""Evidence ruleset 2027.1 (EVIDENCE-2027 §2–§6): a pure function of a record's evaluations.

It is called as ruleset 2026.1's compute_evidence is (app/measures/services.py,
app/measures/generate.py): the evaluations as mappings with `has_report` added, and
`manual_available`; switching is a change of import. It adds the optional expert review of
harm (§7). Choices where the spec is silent are commented at the spot and listed in
app/evidence/decisions.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

from app.core.i18n import DEFAULT_LANGUAGE, N_, current_language
from app.evidence.contrasts import Contrast, Study, contrasts_of, samples, studies_of
from app.evidence.findings import Findings
from app.evidence.next_steps import next_steps
from app.evidence.scale import (
    EU27,
    LEVEL_NAMES,
    NEGATIVE_EFFECTS_LABEL,
    NO_EFFECT_LABEL,
    country_code,
)
from app.evidence.study_rating import DESCRIPTIVE, HIGH, MODERATE
from app.evidence.wording import ngettext, say, translating

RULESET_VERSION = "2027.1"
CONFIRMED, NOT_CONFIRMED = "confirmed", "not_confirmed"
HarmReview = Literal["confirmed", "not_confirmed"]

# Rule ids, as `rule` and `rules_applied` give them; RULES names them for a reader.
LEVEL_RULES = (
    "not_evaluated",
    "emerging",
    "preliminary",
    "promising",
    "supported",
    "well_supported",
)
RULES = {
    **{rule: f"§4 level {level}, {LEVEL_NAMES[level]}" for level, rule in enumerate(LEVEL_RULES)},
    "negative_effects": "§5.1 Negative effects",
    "harm_confirmed": "§7 Expert review: harm confirmed",
    "harm_not_confirmed": "§7 Expert review: harm not confirmed",
    "no_effect_found": "§5.2 No effect found",
    "mixed_evidence": "§5.3 Mixed evidence",
    "unverifiable": "§5.4 Unverifiable",
}

# The badges, in English as stored and served (scale.BADGE_NAMES marks them for translation).
EU_TESTED = "EU-tested"
SEVERAL_COUNTRIES = "Tested in several countries"
INDEPENDENT_REPLICATION = "Independent replication"
LONG_TERM = "Long-term"
ROUTINE_PRACTICE = "Routine practice"
MANUAL_AVAILABLE = "Manual available"

LEVEL_5 = N_(
    "Level 5, Well supported: favourable findings on offending, victimisation or behavioural"
    " (T1/T2) outcomes from %(samples)s different samples, one of them from a high-rated trial"
    " and one 12 months or more after the programme from an independent evaluation, with peer"
    " review and delivery in routine practice."
)
LEVEL_4_HIGH = N_(
    "Level 4, Supported: a favourable finding on an offending, victimisation or behavioural"
    " (T1/T2) outcome from a high-rated trial, and a favourable T1/T2 finding 6 months or more"
    " after the programme."
)
LEVEL_4_MODERATE = N_(
    "Level 4, Supported: favourable findings on offending, victimisation or behavioural (T1/T2)"
    " outcomes from moderate-rated studies of %(samples)s different samples, one of them"
    " 6 months or more after the programme."
)
LEVEL_1 = N_(
    "Level 1, Emerging: the measure has been evaluated, but no study rated low or better found a"
    " favourable effect."
)
LEVEL_1_DESCRIPTIVE = N_(
    "Level 1, Emerging: only descriptive studies (qualitative studies, process evaluations, case"
    " studies), which do not test effects."
)
LEVEL_0 = N_("Level 0, Not evaluated: no evaluation has been recorded.")
NEGATIVE_EFFECTS = N_(
    "Negative effects found: a high- or moderate-rated study found an unfavourable effect, so the"
    " level is 1 whatever else was found, and the measure is flagged for expert review."
)
EXPERTS_CONFIRMED = N_("Experts reviewed the unfavourable effect and confirmed the harm.")
HARM_CONFIRMED = N_(
    "Negative effects found: experts confirmed the unfavourable effect that a low-rated study"
    " reported, so the level is 1."
)
HARM_NOT_CONFIRMED = N_(
    "Experts reviewed the unfavourable effect and did not confirm the harm, so the harm flag is"
    " cleared and the finding does not decide the level."
)
HARM_SIGNAL = N_(
    "Harm signal: a low-rated study reported an unfavourable effect; the level is left as"
    " computed, and the measure is flagged for expert review."
)
NO_EFFECT_HIGH = N_(
    "No effect found: no high- or moderate-rated study found a favourable effect, and a"
    " high-rated trial found no effect, so the level is 1."
)
NO_EFFECT_MODERATE = N_(
    "No effect found: no high- or moderate-rated study found a favourable effect, and"
    " moderate-rated studies of %(samples)s different samples found no effect, so the level"
    " is 1."
)
UNVERIFIABLE = N_(
    "Unverifiable: no evaluation has a citation, a link, a DOI or an attached report, so the"
    " level drops by one, from %(was)s to %(level)s."
)
UNVERIFIABLE_AT_1 = N_(
    "Unverifiable: no evaluation has a citation, a link, a DOI or an attached report; the level"
    " cannot drop below 1."
)


def _level_3(count: int) -> str:
    return ngettext(
        "Level 3, Promising: a favourable finding from a high- or moderate-rated study.",
        "Level 3, Promising: %(num)d favourable findings from high- or moderate-rated studies.",
        count,
    )


def _level_2(count: int) -> str:
    return ngettext(
        "Level 2, Preliminary: a favourable finding from a low-rated study, none from a high- or"
        " moderate-rated one.",
        "Level 2, Preliminary: %(num)d favourable findings from low-rated studies, none from a"
        " high- or moderate-rated one.",
        count,
    )


def _mixed(without: int, with_one: int, was: int) -> str:
    return ngettext(
        "Mixed evidence: on offending, victimisation or behavioural (T1/T2) outcomes, one sample"
        " without a favourable finding outnumbers the %(with_one)s with one, so the level is at"
        " most 2 (the findings alone give %(was)s).",
        "Mixed evidence: on offending, victimisation or behavioural (T1/T2) outcomes, %(num)d"
        " samples without a favourable finding outnumber the %(with_one)s with one, so the level"
        " is at most 2 (the findings alone give %(was)s).",
        without,
        with_one=with_one,
        was=was,
    )


@dataclass(frozen=True)
class EvidenceResult:
    level: int
    label: str
    harm_flag: bool
    badges: tuple[str, ...]
    ruleset: str
    provisional_eligible: bool  # levels 4–5: provisional until a second moderator verifies
    rule: str  # the rule that decided level and label (a key of RULES)
    decision: str  # that rule's sentence, one of `reasons`
    rules_applied: tuple[str, ...]  # the §4 level, then each §5/§7 rule that changed something
    reasons: tuple[str, ...]
    counted: tuple[str, ...]  # the contrasts behind the deciding rule, described
    next_steps: tuple[str, ...]
    harm_review: str | None  # the expert review that was applied, if any
    studies: tuple[Study, ...]  # per evaluation, in the record's order
    contrasts: tuple[Contrast, ...]  # every finding; findings_table() arranges them

    @property
    def next_step(self) -> str | None:
        """The most decisive step (ruleset 2026.1's single `next_step`)."""
        return self.next_steps[0] if self.next_steps else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict with 2026.1's keys (incl. `next_step`) and the new ones."""
        data = _plain(asdict(self))
        data["next_step"] = self.next_step
        return data

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EvidenceResult:
        """Rebuild a stored result; raises KeyError if a field is missing."""
        values = {f.name: d[f.name] for f in fields(cls)}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        values["studies"] = tuple(_rebuild(Study, s) for s in values["studies"])
        values["contrasts"] = tuple(_rebuild(Contrast, c) for c in values["contrasts"])
        return cls(**values)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _rebuild(kind: type, data: Mapping[str, Any]) -> Any:
    return kind(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def _base_level(f: Findings, evaluated: bool) -> int:
    """§4: the highest level that holds."""
    if f.core and not f.level_5_missing():
        return 5
    if not f.level_4_missing():
        return 4
    if f.strong_favourable:
        return 3
    if f.low_favourable:
        return 2
    return 1 if evaluated else 0


def _level_reason(f: Findings, level: int) -> str:
    if level == 5:
        return say(LEVEL_5, samples=len(samples(f.core)))
    if level == 4:
        if any(c.rating == HIGH for c in f.core):
            return say(LEVEL_4_HIGH)
        moderate = samples(c for c in f.core if c.rating == MODERATE)
        return say(LEVEL_4_MODERATE, samples=len(moderate))
    if level == 3:
        return _level_3(len(f.strong_favourable))
    if level == 2:
        return _level_2(len(f.low_favourable))
    if level == 1:
        descriptive = all(s.rating == DESCRIPTIVE for s in f.studies)
        return say(LEVEL_1_DESCRIPTIVE if descriptive else LEVEL_1)
    return say(LEVEL_0)


def _level_counted(f: Findings, level: int) -> tuple[Contrast, ...]:
    return {5: f.core, 4: f.core, 3: f.strong_favourable, 2: f.low_favourable}.get(level, ())


def _badges(
    evaluations: Sequence[Mapping], f: Findings, label: str, manual_available: bool | None
) -> tuple[str, ...]:
    countries = {c for c in (country_code(ev) for ev in evaluations) if c}
    # Beside "Negative effects found" no badge praises favourable findings (Blueprints and
    # CrimeSolutions show nothing favourable beside harm); facts about the studies stay.
    praise = label != NEGATIVE_EFFECTS_LABEL
    rules = (
        (EU_TESTED, bool(countries & EU27)),
        (SEVERAL_COUNTRIES, len(countries) >= 2),
        (INDEPENDENT_REPLICATION, praise and f.independent_replication()),
        (LONG_TERM, praise and any(c.timepoint_months >= 24 for c in f.core)),
        (ROUTINE_PRACTICE, any(s.strong and s.routine_practice for s in f.studies)),
        (MANUAL_AVAILABLE, manual_available is True),
    )
    return tuple(name for name, holds in rules if holds)


@dataclass
class _Verdict:
    """The level as the rules move it, and what each rule said."""

    level: int
    label: str
    rule: str
    decision: str
    counted: tuple[Contrast, ...]
    applied: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    capped: bool = False
    dropped_from: int | None = None

    def decide(
        self, level: int, label: str, rule: str, sentence: str, counted: tuple[Contrast, ...]
    ) -> None:
        self.level, self.label, self.rule, self.decision = level, label, rule, sentence
        self.counted = counted
        self.applied.append(rule)
        self.reasons.append(sentence)


def _apply_section_5(f: Findings, v: _Verdict, review: str | None, evaluated: bool) -> None:
    """§5 in order (1 and 2 end the list), with the expert review of §7 beside rule 1."""
    if f.strong_harm and review != NOT_CONFIRMED:
        sentence = say(NEGATIVE_EFFECTS)
        v.decide(1, NEGATIVE_EFFECTS_LABEL, "negative_effects", sentence, f.strong_harm)
        if review == CONFIRMED:
            v.reasons.append(say(EXPERTS_CONFIRMED))
        return
    if review == CONFIRMED:  # confirmed harm that only low-rated studies reported
        v.decide(1, NEGATIVE_EFFECTS_LABEL, "harm_confirmed", say(HARM_CONFIRMED), f.low_harm)
        return
    if nulls := f.null_basis():
        if any(c.rating == HIGH for c in nulls):
            sentence = say(NO_EFFECT_HIGH)
        else:
            moderate = samples(c for c in nulls if c.rating == MODERATE)
            sentence = say(NO_EFFECT_MODERATE, samples=len(moderate))
        v.decide(1, NO_EFFECT_LABEL, "no_effect_found", sentence, nulls)
        return
    with_one, without = f.mixed_counts()
    if without > with_one and v.level > 2:
        sentence = _mixed(without, with_one, v.level)
        v.decide(2, LEVEL_NAMES[2], "mixed_evidence", sentence, f.strong_t12)
        v.capped = True
    if evaluated and not f.verifiable():  # a measure without evaluations stays at 0
        if v.level > 1:
            was = v.level
            sentence = say(UNVERIFIABLE, was=was, level=was - 1)
            v.decide(was - 1, LEVEL_NAMES[was - 1], "unverifiable", sentence, v.counted)
            v.dropped_from = was
        else:
            v.reasons.append(say(UNVERIFIABLE_AT_1))


def compute_evidence(
    evaluations: Sequence[Mapping],
    *,
    manual_available: bool | None = None,
    harm_review: HarmReview | None = None,
) -> EvidenceResult:
    """Apply ruleset 2027.1 to a revision's evaluations; missing fields count as unknown.

    `harm_review` is the experts' verdict on the harm flag (§7): "not_confirmed" clears it,
    "confirmed" gives the label Negative effects found even when only a low-rated study
    reported the harm. It applies only while the rules raise the flag.
    """
    # Validation guarantees mappings; anything else is an evaluation that says nothing.
    evs = [ev if isinstance(ev, Mapping) else {} for ev in evaluations]
    studies = studies_of(evs)
    f = Findings(studies, contrasts_of(evs, studies))

    level = _base_level(f, bool(evs))
    rule, sentence = LEVEL_RULES[level], _level_reason(f, level)
    v = _Verdict(level, LEVEL_NAMES[level], rule, sentence, _level_counted(f, level))
    v.applied.append(rule)
    v.reasons.append(sentence)

    flagged = bool(f.strong_harm or f.low_harm)
    # A review of a flag the rules no longer raise is moot: §7 makes any change to the
    # evaluations call for a fresh review, so it is ignored rather than carried over.
    review = harm_review if flagged and harm_review in (CONFIRMED, NOT_CONFIRMED) else None
    if review == NOT_CONFIRMED:
        # Not confirmed lifts §5.1 too: the experts judged the finding no harm, so rules 2–4
        # decide as if it were a null finding (Blueprints and CEBC leave harm to expert review).
        v.applied.append("harm_not_confirmed")
        v.reasons.append(say(HARM_NOT_CONFIRMED))
    _apply_section_5(f, v, review, bool(evs))
    if f.low_harm and not f.strong_harm and review is None:
        v.reasons.append(say(HARM_SIGNAL))

    marked = {id(c) for c in v.counted}
    steps = next_steps(
        f,
        level=v.level,
        rule=v.rule,
        capped=v.capped,
        dropped_from=v.dropped_from,
        harm_confirmed=review == CONFIRMED,
    )
    return EvidenceResult(
        level=v.level,
        label=v.label,
        harm_flag=flagged and review != NOT_CONFIRMED,
        badges=_badges(evs, f, v.label, manual_available),
        ruleset=RULESET_VERSION,
        provisional_eligible=v.level >= 4,
        rule=v.rule,
        decision=v.decision,
        rules_applied=tuple(v.applied),
        reasons=tuple(v.reasons),
        counted=tuple(c.describe() for c in v.counted),
        next_steps=steps,
        harm_review=review,
        studies=studies,
        contrasts=tuple(replace(c, counted=id(c) in marked) for c in f.contrasts),
    )


def _verdict(result: EvidenceResult) -> tuple[Any, ...]:
    return (
        result.level,
        result.label,
        result.harm_flag,
        result.rule,
        result.rules_applied,
        result.ruleset,
        result.badges,
    )


def in_readers_words(
    stored: EvidenceResult,
    evaluations: Sequence[Mapping],
    *,
    manual_available: bool | None = None,
    harm_review: HarmReview | None = None,
) -> EvidenceResult:
    """`stored` with its sentences in the reader's language, for a page (within
    wording.evidence_in_readers_language(); elsewhere, and for English readers, `stored` itself).

    The sentences are computed afresh from the same evaluations and used only when they reach
    the very same verdict; a result stored otherwise is shown as stored, in English.
    """
    if not translating() or current_language() == DEFAULT_LANGUAGE:
        return stored
    fresh = compute_evidence(
        evaluations, manual_available=manual_available, harm_review=harm_review
    )
    return fresh if _verdict(fresh) == _verdict(stored) else stored
