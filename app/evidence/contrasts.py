"""Studies, samples and contrasts of ruleset 2027.1 (EVIDENCE-2027 §1 and §3).

A *contrast* is one finding: an evaluation's result on one outcome at one time point. Results
given per outcome are explicit contrasts; an evaluation without them yields derived contrasts
from its overall `effect`. Evaluations sharing a `sample_id` are one *sample*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from app.core.i18n import N_
from app.evidence.scale import TIER_OUTCOMES, TIERS
from app.evidence.study_rating import (
    STRONG_RATINGS,
    figure,
    known_number,
    rate_study,
    rating_name,
)
from app.evidence.wording import ngettext, say

FAVOURABLE, NO_EFFECT, UNFAVOURABLE = "favourable", "no_effect", "unfavourable"
DIRECTIONS = (FAVOURABLE, NO_EFFECT, UNFAVOURABLE)
# §3: the 2026 `effect` read as a direction; `not_reported` (or none) gives no contrast.
EFFECT_DIRECTIONS = {
    "positive": FAVOURABLE,
    "negative": UNFAVOURABLE,
    "no_effect": NO_EFFECT,
    "mixed": NO_EFFECT,
}
# Outcomes that say nothing about benefit or harm to anyone (§5: never a harm signal).
DELIVERY_OUTCOMES = frozenset({"reach", "fidelity"})
_RESULT_DETAILS = ("effect_size", "p_value", "ci_low", "ci_high", "n")

DESIGN_NAMES = {
    "rct": N_("randomised trial"),
    "cluster_rct": N_("cluster-randomised trial"),
    "quasi_experimental": N_("quasi-experiment"),
    "interrupted_time_series": N_("interrupted time series"),
    "cohort": N_("cohort study"),
    "pre_post": N_("pre-post study"),
    "qualitative": N_("qualitative study"),
    "process_evaluation": N_("process evaluation"),
    "case_study": N_("case study"),
}
DIRECTION_NAMES = {
    FAVOURABLE: N_("favourable"),
    NO_EFFECT: N_("no effect"),
    UNFAVOURABLE: N_("unfavourable"),
}
# The outcomes the tiers name, as a sentence names them; any other outcome reads as its code.
OUTCOME_NAMES = {
    "sexual_offending": N_("sexual offending"),
    "recidivism": N_("recidivism"),
    "victimisation": N_("victimisation"),
    "risk_factors": N_("risk factors"),
    "help_seeking": N_("help-seeking"),
    "disclosure": N_("disclosure"),
    "protective_behaviour": N_("protective behaviour"),
    "professional_practice": N_("professional practice"),
    "knowledge": N_("knowledge"),
    "attitudes": N_("attitudes"),
    "skills": N_("skills"),
    "wellbeing": N_("wellbeing"),
    "reach": N_("reach"),
    "fidelity": N_("fidelity"),
}
STUDY_NAME = N_("%(design)s (%(year)s)")
STUDY_NAME_NO_YEAR = N_("%(design)s (year not given)")
UNKNOWN_DESIGN = N_("evaluation of unknown design")
NO_OUTCOME = N_("no outcome named")
AT_END = N_("at the end of the programme")
CONTRAST = N_("%(study)s, %(rating)s, sample %(sample)s: %(outcome)s %(when)s, %(direction)s")
CONTRAST_DERIVED = N_(
    "%(study)s, %(rating)s, sample %(sample)s: %(outcome)s %(when)s, %(direction)s"
    " (overall effect; no results per outcome)"
)


def after_end(months: float) -> str:
    """ "12 months after the programme"; "at the end of the programme" at 0 months."""
    if not months:
        return say(AT_END)
    count = int(months) if float(months).is_integer() else 2  # 1.5 months: the plural
    return ngettext(
        "%(months)s month after the programme",
        "%(months)s months after the programme",
        count,
        months=figure(months),
    )


@dataclass(frozen=True)
class Study:
    """One evaluation as the rules see it: its rating, its sample and what it can vouch for."""

    index: int  # position in the record's `evaluations`, from 0
    name: str  # "randomised trial (2020)"
    design: str | None
    year: int | None
    sample: int  # samples are numbered from 1 in the order the record lists them
    sample_id: str | None
    rating: str
    reason: str
    points: tuple[str, ...]
    needs: str | None
    independent: bool
    peer_reviewed: bool
    routine_practice: bool
    verifiable: bool  # a citation, url, doi or attached report
    has_results: bool

    @property
    def strong(self) -> bool:
        return self.rating in STRONG_RATINGS


@dataclass(frozen=True)
class Contrast:
    evaluation: int
    study: str
    rating: str
    sample: int
    outcome: str | None
    tier: int | None
    timepoint_months: float
    direction: str
    explicit: bool
    measure: str | None = None
    effect_size: float | None = None
    effect_size_type: str | None = None
    p_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: float | None = None
    primary: bool | None = None
    counted: bool = False  # set by the ruleset on the contrasts behind the deciding rule

    @property
    def strong(self) -> bool:
        return self.rating in STRONG_RATINGS

    def describe(self) -> str:
        """E.g. "randomised trial (2020), high, sample 1: recidivism 12 months after the
        programme, favourable"."""
        return say(
            CONTRAST if self.explicit else CONTRAST_DERIVED,
            study=self.study,
            rating=rating_name(self.rating),
            sample=self.sample,
            outcome=outcome_name(self.outcome),
            when=after_end(self.timepoint_months),
            direction=say(DIRECTION_NAMES[self.direction]),
        )


def outcome_name(outcome: str | None) -> str:
    if not outcome:
        return say(NO_OUTCOME)
    return say(OUTCOME_NAMES[outcome]) if outcome in OUTCOME_NAMES else outcome.replace("_", " ")


def _flag(ev: Mapping, key: str) -> bool:
    # Unknown is no: clearinghouses credit independence or peer review only when it is shown.
    return ev.get(key) is True


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _verifiable(ev: Mapping) -> bool:
    cited = any(_text(ev.get(key)) for key in ("citation", "url", "doi"))
    return cited or ev.get("has_report") is True


def _results(ev: Mapping) -> list[Any]:
    results = ev.get("results")
    return list(results) if isinstance(results, list | tuple) else []


def _study_name(ev: Mapping) -> str:
    design = ev.get("design")
    name = DESIGN_NAMES.get(design, UNKNOWN_DESIGN) if isinstance(design, str) else UNKNOWN_DESIGN
    year = ev.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return say(STUDY_NAME, design=say(name), year=year)
    return say(STUDY_NAME_NO_YEAR, design=say(name))


def studies_of(evaluations: Sequence[Mapping]) -> tuple[Study, ...]:
    """Rate every evaluation and number the samples (one per `sample_id`, else one each).

    `sample_id` is compared exactly, after trimming spaces. Evaluations without it are never
    merged by guessing (same DOI, same figures): one paper may report several trials, and
    Title IV-E and CEBC reviewers decide overlap by reading; possible_shared_samples() lists
    the candidates for the moderator who verifies the figures.
    """
    numbers: dict[object, int] = {}
    studies = []
    for index, ev in enumerate(evaluations):
        sample_id = _text(ev.get("sample_id"))
        key: object = ("id", sample_id) if sample_id else ("own", index)
        sample = numbers.setdefault(key, len(numbers) + 1)
        rating = rate_study(ev)
        year = ev.get("year")
        studies.append(
            Study(
                index=index,
                name=_study_name(ev),
                design=ev.get("design") if isinstance(ev.get("design"), str) else None,
                year=year if isinstance(year, int) and not isinstance(year, bool) else None,
                sample=sample,
                sample_id=sample_id,
                rating=rating.rating,
                reason=rating.reason,
                points=rating.points,
                needs=rating.needs,
                independent=_flag(ev, "independent"),
                peer_reviewed=_flag(ev, "peer_reviewed"),
                routine_practice=_flag(ev, "routine_practice"),
                verifiable=_verifiable(ev),
                has_results=bool(_results(ev)),
            )
        )
    return tuple(studies)


def _months(value: float | None) -> float:
    # A missing or impossible time point counts as 0 months, the weakest claim (validation
    # refuses such records; the rules only must not crash or overrate them).
    return value if value is not None and value >= 0 else 0


def _contrast(
    study: Study, outcome: str | None, months: float, direction: str, **details: Any
) -> Contrast:
    return Contrast(
        evaluation=study.index,
        study=study.name,
        rating=study.rating,
        sample=study.sample,
        outcome=outcome,
        tier=TIERS.get(outcome) if outcome else None,
        timepoint_months=months,
        direction=direction,
        **details,
    )


def _explicit(study: Study, result: Mapping) -> Contrast | None:
    direction = result.get("direction")
    if direction not in DIRECTIONS:
        return None  # not a finding the rules can read (validation refuses it)
    kind, primary = result.get("effect_size_type"), result.get("primary")
    return _contrast(
        study,
        _text(result.get("outcome")),
        _months(known_number(result, "timepoint_months")),
        direction,
        explicit=True,
        measure=_text(result.get("measure")),
        effect_size_type=kind if isinstance(kind, str) else None,
        primary=primary if isinstance(primary, bool) else None,
        **{key: known_number(result, key) for key in _RESULT_DETAILS},
    )


def _derived(study: Study, ev: Mapping) -> list[Contrast]:
    effect = ev.get("effect")
    direction = EFFECT_DIRECTIONS.get(effect) if isinstance(effect, str) else None
    if direction is None:
        return []
    listed = ev.get("outcomes")
    outcomes = [o for o in listed if isinstance(o, str)] if isinstance(listed, list | tuple) else []
    # One contrast per listed outcome (a repeated entry once), or one without an outcome.
    unique: list[str | None] = list(dict.fromkeys(outcomes)) or [None]
    months = _months(known_number(ev, "follow_up_months"))
    return [_contrast(study, outcome, months, direction, explicit=False) for outcome in unique]


def contrasts_of(evaluations: Sequence[Mapping], studies: Sequence[Study]) -> tuple[Contrast, ...]:
    """Every contrast of the record, evaluation by evaluation, in the record's order (§3)."""
    contrasts: list[Contrast] = []
    for study, ev in zip(studies, evaluations, strict=True):
        if study.has_results:
            found = (_explicit(study, r) for r in _results(ev) if isinstance(r, Mapping))
            contrasts.extend(c for c in found if c is not None)
        else:
            contrasts.extend(_derived(study, ev))
    return tuple(contrasts)


def samples(contrasts: Iterable[Contrast]) -> frozenset[int]:
    return frozenset(c.sample for c in contrasts)


_OUTCOME_ORDER = {o: i for i, o in enumerate(o for tier in TIER_OUTCOMES.values() for o in tier)}


def _outcome_key(outcome: str | None) -> tuple[int, int, str]:
    if outcome is None:
        return (2, 0, "")
    return (0 if outcome in _OUTCOME_ORDER else 1, _OUTCOME_ORDER.get(outcome, 0), outcome)


@dataclass(frozen=True)
class FindingsTable:
    """Outcome × time point: rows in tier order (T1 first), columns in months."""

    timepoints: tuple[float, ...]
    rows: tuple[tuple[str | None, tuple[tuple[Contrast, ...], ...]], ...]


def findings_table(contrasts: Iterable[Contrast]) -> FindingsTable:
    """The measure page's table of findings; a cell holds every contrast at that spot."""
    contrasts = list(contrasts)
    timepoints = tuple(sorted({c.timepoint_months for c in contrasts}))
    outcomes = sorted({c.outcome for c in contrasts}, key=_outcome_key)
    rows = tuple(
        (
            outcome,
            tuple(
                tuple(c for c in contrasts if c.outcome == outcome and c.timepoint_months == t)
                for t in timepoints
            ),
        )
        for outcome in outcomes
    )
    return FindingsTable(timepoints, rows)


def _source_keys(ev: Mapping) -> set[str]:
    keys = {_text(ev.get(k)) for k in ("doi", "url", "citation")}
    return {k.casefold() for k in keys if k}


def possible_shared_samples(evaluations: Sequence[Mapping]) -> tuple[tuple[int, int], ...]:
    """Pairs of evaluations (by index) that cite the same DOI, link or citation but are not
    in one sample: perhaps one trial entered twice. A hint for moderators, never a rule."""
    studies = studies_of(evaluations)
    pairs = []
    for (i, a), (j, b) in combinations(enumerate(evaluations), 2):
        if studies[i].sample != studies[j].sample and _source_keys(a) & _source_keys(b):
            pairs.append((i, j))
    return tuple(pairs)
