"""The methodology page's content (/evidence), derived from the rules wherever it can be.

Thresholds come from study_rating, names from scale and ruleset_2027, the choices where the
spec is silent from decisions. Every worked example is a small record run through the real
functions when the page is built, so an example cannot drift from the rules it illustrates
(tests/unit/test_methodology.py checks that each example is decided by the rule it stands for).
Every sentence is said in English or, within wording.evidence_in_readers_language(), the reader's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.i18n import N_
from app.evidence import study_rating as sr
from app.evidence.contrasts import studies_of
from app.evidence.decisions import DECISIONS
from app.evidence.ruleset_2027 import (
    LEVEL_RULES,
    RULESET_VERSION,
    EvidenceResult,
    compute_evidence,
)
from app.evidence.scale import LEVEL_NAMES, NEGATIVE_EFFECTS_LABEL, NO_EFFECT_LABEL, TIER_OUTCOMES
from app.evidence.wording import say

# --- the scale -------------------------------------------------------------------------------

LEVEL_MEANINGS = (
    N_("No evaluation of the measure has been recorded. This says nothing about whether it works."),
    N_(
        "The measure has been evaluated, but no study found a favourable effect it can vouch for:"
        " only descriptive studies, or studies that found no effect."
    ),
    N_(
        "A weaker study (such as a before-and-after comparison without a comparison group) found a"
        " favourable effect. Encouraging, but other explanations cannot be ruled out."
    ),
    N_(
        "A well-conducted study (a randomised trial, a quasi-experiment with comparable groups or"
        " a long time series) found a favourable effect on some outcome."
    ),
    N_(
        "Well-conducted studies found a favourable effect on offending, victimisation or behaviour"
        " that lasted at least 6 months after the programme."
    ),
    N_(
        "Favourable effects on offending, victimisation or behaviour were found in at least two"
        " different groups of participants, by a high-rated trial, lasting 12 months or more in an"
        " independent evaluation, published after peer review and delivered in routine practice."
    ),
)
VERDICT_MEANINGS = {
    NEGATIVE_EFFECTS_LABEL: N_(
        "A well-conducted study found that the measure made things worse on an outcome (more"
        " offending, victimisation, risk, or less help-seeking, for example). The level is 1"
        " whatever else was found, and experts review the finding."
    ),
    NO_EFFECT_LABEL: N_(
        "Well-conducted studies tested the measure and found no benefit, and none found a"
        " favourable effect. The level is 1. This is a result, not a lack of evidence."
    ),
}
TIER_NAMES = {
    1: N_("Tier 1 (T1), what prevention is for: sexual offending, reoffending, victimisation"),
    2: N_(
        "Tier 2 (T2), behaviour that leads there: risk factors, help-seeking, disclosure,"
        " protective behaviour, professional practice"
    ),
    3: N_("Tier 3 (T3), what people know and feel: knowledge, attitudes, skills, wellbeing"),
}


@dataclass(frozen=True)
class ScaleStep:
    anchor: str
    level: int
    name: str  # the label in English, as a badge takes it
    meaning: str


def scale() -> list[ScaleStep]:
    steps = [
        ScaleStep(f"level-{n}", n, LEVEL_NAMES[n], say(LEVEL_MEANINGS[n])) for n in range(5, -1, -1)
    ]
    steps += [
        ScaleStep(anchor, 1, label, say(VERDICT_MEANINGS[label]))
        for anchor, label in (
            ("negative-effects", NEGATIVE_EFFECTS_LABEL),
            ("no-effect", NO_EFFECT_LABEL),
        )
    ]
    return steps


def tiers() -> list[tuple[str, tuple[str, ...]]]:
    return [(say(TIER_NAMES[t]), outcomes) for t, outcomes in TIER_OUTCOMES.items()]


# The rules by the names a reader meets on measure pages (RULES adds the spec's section).
LEVEL_TITLE = N_("Level %(level)s: %(name)s")
RULE_TITLES = {
    **{
        rule: LEVEL_TITLE % {"level": n, "name": LEVEL_NAMES[n]}
        for n, rule in enumerate(LEVEL_RULES)
    },
    "negative_effects": N_("Negative effects"),
    "harm_confirmed": N_("Expert review: harm confirmed"),
    "harm_not_confirmed": N_("Expert review: harm not confirmed"),
    "no_effect_found": N_("No effect found"),
    "mixed_evidence": N_("Mixed evidence"),
    "unverifiable": N_("Unverifiable"),
}


def rule_title(rule: str) -> str:
    if rule in LEVEL_RULES:
        level = LEVEL_RULES.index(rule)
        return say(LEVEL_TITLE, level=level, name=say(LEVEL_NAMES[level]))
    return say(RULE_TITLES[rule]) if rule in RULE_TITLES else rule


# --- worked examples -----------------------------------------------------------------------------


def _study(design: str, year: int, results: list[dict[str, Any]], **keys: Any) -> dict[str, Any]:
    outcomes = list(dict.fromkeys(r["outcome"] for r in results))
    return {
        "design": design,
        "year": year,
        "outcomes": outcomes,
        "results": results,
        "findings": "Worked example.",
        "citation": "Example report",
        **keys,
    }


def _result(outcome: str, months: int, direction: str) -> dict[str, Any]:
    return {"outcome": outcome, "timepoint_months": months, "direction": direction}


def _high_trial(year: int, results: list[dict[str, Any]], **keys: Any) -> dict[str, Any]:
    figures = {"sample_size": 240, "attrition_pct": 12, "differential_attrition_pct": 3}
    return _study("rct", year, results, **{**figures, **keys})


def _comparable_qed(year: int, results: list[dict[str, Any]], **keys: Any) -> dict[str, Any]:
    figures = {"comparison_group": True, "baseline_equivalence": "established"}
    return _study("quasi_experimental", year, results, **{**figures, **keys})


FAV, NULL, UNFAV = "favourable", "no_effect", "unfavourable"

# (rule, plain-language statement, the example in one sentence, its evaluations)
RULE_EXAMPLES: tuple[tuple[str, str, str, list[dict[str, Any]]], ...] = (
    (
        "well_supported",
        N_(
            "Level 5 needs favourable findings on T1 or T2 outcomes from high- or moderate-rated"
            " studies of at least two different samples; one of them from a high-rated trial; one"
            " single finding at 12 months or more from an independent evaluation; a peer-reviewed"
            " evaluation and one delivered by ordinary services in routine practice among them."
        ),
        N_(
            "A high-rated, independent, peer-reviewed trial in routine practice finds less"
            " reoffending 12 months on; a quasi-experiment of other participants finds the same."
        ),
        [
            _high_trial(
                2021,
                [_result("recidivism", 12, FAV)],
                independent=True,
                peer_reviewed=True,
                routine_practice=True,
            ),
            _comparable_qed(2023, [_result("recidivism", 6, FAV)]),
        ],
    ),
    (
        "supported",
        N_(
            "Level 4 needs a favourable finding on a T1 or T2 outcome from a high-rated trial (or"
            " from moderate-rated studies of two different samples), with a favourable T1/T2"
            " finding 6 months or more after the programme."
        ),
        N_(
            "A high-rated trial finds that children disclose more 12 months after the programme;"
            " the developers evaluated it themselves."
        ),
        [_high_trial(2020, [_result("disclosure", 12, FAV)])],
    ),
    (
        "promising",
        N_(
            "Level 3 needs one favourable finding, on any outcome, from a high- or moderate-rated"
            " study."
        ),
        N_(
            "A quasi-experiment whose groups were alike at the start finds more knowledge at the"
            " end of the programme."
        ),
        [_comparable_qed(2019, [_result("knowledge", 0, FAV)])],
    ),
    (
        "preliminary",
        N_(
            "Level 2 needs a favourable finding from a low-rated study, such as a before-and-after"
            " comparison without a comparison group."
        ),
        N_("A pre-post study finds better attitudes at the end of the programme."),
        [_study("pre_post", 2018, [_result("attitudes", 0, FAV)], sample_size=60)],
    ),
    (
        "emerging",
        N_(
            "Level 1 means the measure has been evaluated, but no study rated low or better found"
            " a favourable effect (for instance, only qualitative studies)."
        ),
        N_("A process evaluation describes how schools delivered the programme."),
        [{**_study("process_evaluation", 2022, []), "effect": "not_reported"}],
    ),
    (
        "not_evaluated",
        N_("Level 0 means no evaluation has been recorded."),
        N_("A new programme, not yet evaluated."),
        [],
    ),
    (
        "negative_effects",
        N_(
            "Negative effects: if a high- or moderate-rated study finds an unfavourable effect on"
            " any outcome other than reach or fidelity, the level is 1 with the label Negative"
            " effects found, whatever else was found, and experts review it."
        ),
        N_(
            "A high-rated trial finds more knowledge, but a quasi-experiment finds more"
            " victimisation among participants."
        ),
        [
            _high_trial(2020, [_result("knowledge", 0, FAV)]),
            _comparable_qed(2022, [_result("victimisation", 12, UNFAV)]),
        ],
    ),
    (
        "no_effect_found",
        N_(
            "No effect found: if no high- or moderate-rated study found a favourable effect, and a"
            " high-rated trial (or moderate-rated studies of two samples) found no effect, the"
            " level is 1 with the label No effect found."
        ),
        N_("A high-rated trial finds no difference in reoffending 24 months on."),
        [_high_trial(2019, [_result("recidivism", 24, NULL)])],
    ),
    (
        "mixed_evidence",
        N_(
            "Mixed evidence: counting samples with high- or moderate-rated findings on T1/T2"
            " outcomes, if more samples found no favourable effect than found one, the level is at"
            " most 2."
        ),
        N_(
            "One high-rated trial finds more disclosure; two quasi-experiments of other children"
            " find none."
        ),
        [
            _high_trial(2018, [_result("disclosure", 12, FAV)]),
            _comparable_qed(2020, [_result("disclosure", 6, NULL)]),
            _comparable_qed(2022, [_result("disclosure", 6, NULL)]),
        ],
    ),
    (
        "unverifiable",
        N_(
            "Unverifiable: if no evaluation gives a citation, a link, a DOI or an attached report,"
            " nobody can check it, and the level drops by one (not below 1)."
        ),
        N_("The quasi-experiment of level 3 above, with no source given."),
        [{**_comparable_qed(2019, [_result("knowledge", 0, FAV)]), "citation": None}],
    ),
)


@dataclass(frozen=True)
class RuleExample:
    rule: str
    title: str  # the rule's name, as explanations on measure pages cite it
    statement: str
    example: str
    studies: tuple[str, ...]  # each study of the example with its rating in words
    findings: tuple[str, ...]
    result: EvidenceResult


STUDY_LINE = N_("%(study)s: %(rating)s")


def rule_examples() -> list[RuleExample]:
    examples = []
    for rule, statement, example, evaluations in RULE_EXAMPLES:
        result = compute_evidence(evaluations)
        examples.append(
            RuleExample(
                rule=rule,
                title=rule_title(rule),
                statement=say(statement),
                example=say(example),
                studies=tuple(
                    say(STUDY_LINE, study=s.name, rating=s.reason) for s in result.studies
                ),
                findings=tuple(c.describe() for c in result.contrasts),
                result=result,
            )
        )
    return examples


# --- study ratings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingRule:
    design: str
    rule: str
    examples: tuple[tuple[str, str], ...]  # (what the study reported, the rating it gets)


def _rated(description: str, evaluation: Mapping[str, Any]) -> tuple[str, str]:
    return say(description), sr.rate_study(evaluation).reason


RCT_RULE = N_(
    "High with at most %(attrition)s %% of participants lost before the analysis and at most"
    " %(differential)s percentage points difference between the groups' losses, and at least"
    " %(size)s analysed. Moderate with that attrition but fewer (or an unknown number) analysed,"
    " or when the groups were shown to be alike before the programme started. Otherwise low."
)
CLUSTER_RULE = N_(
    "As a randomised trial, with at least %(clusters)s clusters in place of %(size)s analysed:"
    " two schools are two units, however many pupils they have."
)
QED_RULE = N_(
    "Moderate when the groups were shown to be alike before the programme started; otherwise"
    " low. Never high: only chance can make groups alike in what nobody measured."
)
ITS_RULE = N_(
    "Moderate with at least %(points)s measurements before and %(points)s after the start;"
    " otherwise low."
)
ALWAYS_LOW_RULE = N_(
    "Always low: without a comparison group, other explanations cannot be ruled out."
)
DESCRIPTIVE_RULE = N_(
    "Descriptive: they describe a measure but do not test its effects, so they count towards no"
    " level above 1 and never raise the harm flag."
)


def rating_rules() -> list[RatingRule]:
    thresholds = {
        "attrition": sr.MAX_ATTRITION_PCT,
        "differential": sr.MAX_DIFFERENTIAL_ATTRITION_PCT,
        "size": sr.MIN_SAMPLE_SIZE,
    }
    rct = {"design": "rct"}
    return [
        RatingRule(
            say(N_("Randomised controlled trial")),
            say(RCT_RULE, **thresholds),
            (
                _rated(
                    N_("120 analysed, 10 % attrition, 2 points between the groups"),
                    {
                        **rct,
                        "sample_size": 120,
                        "attrition_pct": 10,
                        "differential_attrition_pct": 2,
                    },
                ),
                _rated(
                    N_("120 analysed, 28 % attrition, groups alike at the start"),
                    {
                        **rct,
                        "sample_size": 120,
                        "attrition_pct": 28,
                        "differential_attrition_pct": 3,
                        "baseline_equivalence": "established",
                    },
                ),
                _rated(N_("attrition not reported"), {**rct, "sample_size": 120}),
            ),
        ),
        RatingRule(
            say(N_("Cluster-randomised trial (schools, sites or services randomised)")),
            say(CLUSTER_RULE, clusters=sr.MIN_CLUSTERS, size=sr.MIN_SAMPLE_SIZE),
            (
                _rated(
                    N_("2 schools, 600 pupils, 8 % attrition, 2 points between the groups"),
                    {
                        "design": "cluster_rct",
                        "clusters": 2,
                        "sample_size": 600,
                        "attrition_pct": 8,
                        "differential_attrition_pct": 2,
                    },
                ),
            ),
        ),
        RatingRule(
            say(N_("Quasi-experiment (a comparison group not chosen at random)")),
            say(QED_RULE),
            (
                _rated(
                    N_("comparison group, alike at the start"),
                    {"design": "quasi_experimental", "baseline_equivalence": "established"},
                ),
                _rated(
                    N_("comparison group, likeness not reported"),
                    {"design": "quasi_experimental"},
                ),
            ),
        ),
        RatingRule(
            say(N_("Interrupted time series")),
            say(ITS_RULE, points=sr.MIN_TIME_POINTS),
            (
                _rated(
                    N_("2 measurements before, 6 after"),
                    {
                        "design": "interrupted_time_series",
                        "time_points_before": 2,
                        "time_points_after": 6,
                    },
                ),
            ),
        ),
        RatingRule(
            say(N_("Cohort and pre-post studies")),
            say(ALWAYS_LOW_RULE),
            (_rated(N_("a before-and-after comparison"), {"design": "pre_post"}),),
        ),
        RatingRule(
            say(N_("Qualitative studies, process evaluations, case studies")),
            say(DESCRIPTIVE_RULE),
            (_rated(N_("interviews with participants"), {"design": "qualitative"}),),
        ),
    ]


SAMPLE_LINE = N_("%(study)s: sample %(sample)s")


def sample_example() -> tuple[list[str], int]:
    """A trial and its follow-up paper (one sample_id), and a second trial: two samples."""
    evaluations = [
        {"design": "rct", "year": 2015, "sample_id": "trial-a"},
        {"design": "rct", "year": 2019, "sample_id": "trial-a"},
        {"design": "quasi_experimental", "year": 2021},
    ]
    studies = studies_of(evaluations)
    lines = [say(SAMPLE_LINE, study=s.name, sample=s.sample) for s in studies]
    return lines, len({s.sample for s in studies})


# --- history and sources -------------------------------------------------------------------------


@dataclass(frozen=True)
class RulesetVersion:
    version: str
    status: str
    summary: str
    changes: tuple[str, ...]


HISTORY = (
    RulesetVersion(
        RULESET_VERSION,
        N_("Current"),
        N_(
            "Rates findings, one per outcome and time point, from studies appraised for attrition"
            " and for groups alike at the start; counts a trial once however many papers report"
            " it; puts harm first."
        ),
        (
            N_(
                "Studies are rated for attrition, the difference in attrition between the groups,"
                " baseline equivalence and clusters, not only for design and size."
            ),
            N_(
                "Levels 4 and 5 need results per outcome and time point; one overall effect per"
                " study counts at most as level 3."
            ),
            N_("Evaluations of the same participants (one sample) count once."),
            N_(
                "Negative effects found and No effect found are labels of their own, not rungs of"
                " the ladder; search never lets them through a minimum level."
            ),
            N_(
                "For level 5, the 12-month follow-up and independence must come from one single"
                " finding, and one evaluation must be in routine practice."
            ),
            N_("Levels 4 and 5 are provisional until a second moderator has checked the figures."),
        ),
    ),
    RulesetVersion(
        "2026.1",
        N_("Replaced"),
        N_("Rated studies: one overall effect per evaluation, judged by design and sample size."),
        (
            N_(
                "A randomised trial with unknown attrition counted as high, and a trial entered"
                " twice counted as two studies."
            ),
            N_("A harm signal was shown beside the level it left unchanged."),
        ),
    ),
)

SOURCES = (
    (
        "Title IV-E Prevention Services Clearinghouse",
        "https://preventionservices.acf.hhs.gov/",
        N_("findings as contrasts per outcome and time point; non-overlapping samples"),
    ),
    (
        "What Works Clearinghouse",
        "https://ies.ed.gov/ncee/wwc/",
        N_("attrition and baseline-equivalence standards for rating studies"),
    ),
    (
        "CrimeSolutions",
        "https://crimesolutions.ojp.gov/",
        N_("ratings per outcome; Negative effects as a rating of its own"),
    ),
    (
        "Blueprints for Healthy Youth Development",
        "https://www.blueprintsprograms.org/",
        N_("replication, sustained effects and no evidence of harm for the highest rating"),
    ),
    (
        "California Evidence-Based Clearinghouse for Child Welfare (CEBC)",
        "https://www.cebc4cw.org/",
        N_("peer review, sustained effects and harm put ahead of any favourable rating"),
    ),
)


def decisions() -> tuple[tuple[str, str], ...]:
    return tuple((key, say(text)) for key, text in DECISIONS)


def history() -> list[RulesetVersion]:
    return [
        RulesetVersion(v.version, say(v.status), say(v.summary), tuple(say(c) for c in v.changes))
        for v in HISTORY
    ]


def sources() -> list[tuple[str, str, str]]:
    return [(name, url, say(what)) for name, url, what in SOURCES]


def page() -> dict[str, Any]:
    """Everything /evidence shows, for the ruleset in force."""
    lines, count = sample_example()
    return {
        "version": RULESET_VERSION,
        "scale": scale(),
        "tiers": tiers(),
        "rules": rule_examples(),
        "ratings": rating_rules(),
        "sample_lines": lines,
        "sample_count": count,
        "history": history(),
        "sources": sources(),
        "decisions": decisions(),
    }
