"""What would raise a level under ruleset 2027.1: concrete, one whole sentence per step."""

from __future__ import annotations

from app.core.i18n import N_
from app.evidence.contrasts import FAVOURABLE
from app.evidence.findings import (
    HIGH_TRIAL,
    INDEPENDENT_12,
    LEVEL_4_CONDITIONS,
    PEER_REVIEWED,
    RIGOUR,
    ROUTINE_PRACTICE,
    TWO_SAMPLES,
    Findings,
)
from app.evidence.scale import LEVEL_NAMES
from app.evidence.study_rating import DESCRIPTIVE
from app.evidence.wording import ngettext, say

FIRST_EVALUATION = N_("A first evaluation of the measure would reach level 1 (Emerging).")
WHILE_HARM = N_(
    "While a high- or moderate-rated study reports an unfavourable effect the level stays at 1;"
    " if the experts who review it do not confirm the harm, the other findings count again."
)
HARM_CONFIRMED = N_(
    "Experts confirmed the harm: the level stays at 1 until new evaluations have been reviewed"
    " by experts again."
)
REPLACE_NO_EFFECT = N_(
    "A favourable finding from a high- or moderate-rated study would replace the no-effect verdict."
)
MAKE_VERIFIABLE = N_(
    "A citation, a link, a DOI or an attached report for any evaluation would make the evidence"
    " verifiable and restore level %(level)s (%(name)s)."
)
DESCRIPTIVE_ONLY = N_(
    "Qualitative studies, process evaluations and case studies describe a measure but do not"
    " test its effects, so they count towards no level above 1."
)
TO_LEVEL_2_OR_3 = N_(
    "A favourable finding from a low-rated study (such as a pre-post study) would reach level 2"
    " (Preliminary); one from a high- or moderate-rated study would reach level 3 (Promising)."
)
TO_LEVEL_3 = N_(
    "A favourable finding from a high- or moderate-rated study would reach level 3 (Promising)."
)
RESULTS_PER_OUTCOME = N_(
    "Results per outcome and time point for the %(study)s are needed before its findings can count"
    " above level 3 (Promising): an overall effect alone counts at most as Promising."
)
TO_LEVEL_4 = N_(
    "A favourable finding on an offending, victimisation or behavioural (T1/T2) outcome 6 months"
    " or more after the programme, from a high-rated trial or from moderate-rated studies of two"
    " different samples, would reach level 4 (Supported)."
)
TO_LEVEL_4_RIGOUR = N_(
    "A favourable T1/T2 finding from a high-rated trial, or from a moderate-rated study of"
    " another sample, would reach level 4 (Supported)."
)
TO_LEVEL_4_SIX_MONTHS = N_(
    "A favourable T1/T2 finding 6 months or more after the programme would reach level 4"
    " (Supported)."
)
# When one condition is missing, meeting it reaches level 5; otherwise each is listed.
TO_LEVEL_5 = {
    TWO_SAMPLES: N_(
        "A favourable T1/T2 finding from a high- or moderate-rated study of another"
        " sample would reach level 5 (Well supported)."
    ),
    HIGH_TRIAL: N_(
        "A favourable T1/T2 finding from a high-rated trial would reach level 5 (Well supported)."
    ),
    INDEPENDENT_12: N_(
        "A favourable T1/T2 finding 12 months or more after the programme from an"
        " independent evaluation would reach level 5 (Well supported)."
    ),
    PEER_REVIEWED: N_(
        "Peer review of an evaluation behind the favourable T1/T2 findings would"
        " reach level 5 (Well supported)."
    ),
    ROUTINE_PRACTICE: N_(
        "Favourable T1/T2 findings from an evaluation in which ordinary services"
        " delivered the measure in routine practice would reach level 5 (Well supported)."
    ),
}
LEVEL_5_NEEDS = {
    TWO_SAMPLES: N_(
        "Level 5 (Well supported) needs favourable T1/T2 findings from at least two"
        " different samples."
    ),
    HIGH_TRIAL: N_(
        "Level 5 (Well supported) needs a favourable T1/T2 finding from a high-rated trial."
    ),
    INDEPENDENT_12: N_(
        "Level 5 (Well supported) needs a favourable T1/T2 finding 12 months or more"
        " after the programme from an independent evaluation."
    ),
    PEER_REVIEWED: N_(
        "Level 5 (Well supported) needs a peer-reviewed evaluation behind the"
        " favourable T1/T2 findings."
    ),
    ROUTINE_PRACTICE: N_(
        "Level 5 (Well supported) needs an evaluation behind the favourable T1/T2"
        " findings in which ordinary services delivered the measure in routine practice."
    ),
}


def _results_would_help(findings: Findings) -> list[str]:
    """Strong studies whose favourable T1/T2 effect is only derived (§4: never above 3)."""
    names = {
        c.study: None
        for c in findings.strong_favourable
        if not c.explicit and c.tier in (1, 2) and c.direction == FAVOURABLE
    }
    return [say(RESULTS_PER_OUTCOME, study=name) for name in names]


def _towards_level_4(findings: Findings) -> list[str]:
    missing = findings.level_4_missing()
    if not findings.core or len(missing) == len(LEVEL_4_CONDITIONS):
        return [say(TO_LEVEL_4)]
    return [say(TO_LEVEL_4_RIGOUR if RIGOUR in missing else TO_LEVEL_4_SIX_MONTHS)]


def _towards_level_5(findings: Findings) -> list[str]:
    missing = findings.level_5_missing()
    if len(missing) == 1:
        return [say(TO_LEVEL_5[missing[0]])]
    return [say(LEVEL_5_NEEDS[name]) for name in missing]


def _balance(more: int) -> str:
    return ngettext(
        "A favourable finding on an offending, victimisation or behavioural (T1/T2) outcome from"
        " a high- or moderate-rated study of one more sample would balance the evidence and lift"
        " the cap at level 2.",
        "Favourable findings on offending, victimisation or behavioural (T1/T2) outcomes from"
        " high- or moderate-rated studies of %(num)d more samples would balance the evidence and"
        " lift the cap at level 2.",
        more,
    )


def next_steps(
    findings: Findings,
    *,
    level: int,
    rule: str,
    capped: bool,
    dropped_from: int | None,
    harm_confirmed: bool,
) -> tuple[str, ...]:
    """The steps that would raise the level, most decisive first; () at level 5."""
    if level == 0:
        return (say(FIRST_EVALUATION),)
    if rule in ("negative_effects", "harm_confirmed"):
        return (say(HARM_CONFIRMED if harm_confirmed else WHILE_HARM),)
    if rule == "no_effect_found":
        return (say(REPLACE_NO_EFFECT),)
    steps = []
    if dropped_from is not None:
        name = say(LEVEL_NAMES[dropped_from])
        steps.append(say(MAKE_VERIFIABLE, level=dropped_from, name=name))
    if capped:
        with_one, without = findings.mixed_counts()
        steps.append(_balance(without - with_one))
    if steps:
        return tuple(steps)
    if level == 1:
        descriptive = all(s.rating == DESCRIPTIVE for s in findings.studies)
        only = (say(DESCRIPTIVE_ONLY),) if descriptive else ()
        return (*only, say(TO_LEVEL_2_OR_3))
    if level == 2:
        return (say(TO_LEVEL_3),)
    if level == 3:
        return (*_results_would_help(findings), *_towards_level_4(findings))
    if level == 4:
        return (*_results_would_help(findings), *_towards_level_5(findings))
    return ()
