"""What the measure page and its fact sheet show, arranged from a revision: the at-a-glance
facts, the findings table, the evaluations grouped by sample, the evidence explanation.

Plain functions over the models and app/evidence; the evidence itself is never re-derived here:
the stored EvidenceResult (revision.evidence) is read back, and only a revision stored before
ruleset 2027.1 is computed afresh with the same function the application rates with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.evidence.contrasts import Contrast, Study, findings_table
from app.evidence.methodology import rule_title
from app.evidence.ruleset_2027 import EvidenceResult, compute_evidence, in_readers_words
from app.evidence.scale import LEVEL_NAMES, NEGATIVE_EFFECTS_LABEL, NO_EFFECT_LABEL
from app.evidence.study_rating import figure
from app.evidence.wording import evidence_in_readers_language
from app.measures.evidence_state import due_for_rereview, last_reviewed
from app.measures.mapping import evidence_inputs
from app.measures.models import Evaluation, MeasureRevision
from app.records.labels import euros

EFFECT_SIZE_NAMES = {
    "d": _l("Cohen's d"),
    "g": _l("Hedges' g"),
    "or": _l("odds ratio"),
    "rr": _l("risk ratio"),
    "hr": _l("hazard ratio"),
    "irr": _l("incidence rate ratio"),
}
DIRECTION_WORDS = {
    "favourable": _l("Favourable"),
    "no_effect": _l("No effect"),
    "unfavourable": _l("Unfavourable"),
}
POPULATION_WORDS = {
    "universal": _l("reaches everyone in a group"),
    "selective": _l("reaches groups at higher risk"),
    "indicated": _l("reaches people already showing risk"),
}
UNIT_WORDS = {
    "participant": _l("per participant"),
    "family": _l("per family"),
    "group": _l("per group"),
    "school": _l("per school"),
    "site": _l("per site"),
    "year": _l("per year"),
}


def evidence_result(revision: MeasureRevision) -> EvidenceResult:
    """The revision's stored result under ruleset 2027.1; a revision stored under an older
    ruleset (or none) is rated as `refresh_evidence` would rate it."""
    try:
        return EvidenceResult.from_dict(revision.evidence or {})
    except (KeyError, TypeError):
        review = str(revision.harm_review) if revision.harm_review else None
        return compute_evidence(
            evidence_inputs(revision),
            manual_available=revision.manual_available,
            harm_review=review,  # type: ignore[arg-type]
        )


# --- the findings table ------------------------------------------------------------------------


def when(months: float) -> str:
    if not months:
        return _("At the end of the programme")
    return ngettext(
        "%(count)s month after the programme",
        "%(count)s months after the programme",
        months,  # type: ignore[arg-type]
        count=figure(months),
    )


def effect_size_text(c: Contrast) -> str | None:
    """ "Hedges' g 0.31 (interval 0.1 to 0.5)"; None when no effect size was reported."""
    if c.effect_size is None:
        return None
    kind = EFFECT_SIZE_NAMES.get(c.effect_size_type or "") or _("effect size")
    text = f"{kind} {figure(c.effect_size)}"
    if c.ci_low is not None and c.ci_high is not None:
        interval = _("(interval %(low)s to %(high)s)", low=figure(c.ci_low), high=figure(c.ci_high))
        text += f" {interval}"
    return text[0].upper() + text[1:]


@dataclass(frozen=True)
class FindingRow:
    outcome: str | None
    when: str
    contrast: Contrast
    effect_size: str | None
    first_of_outcome: bool
    outcome_rows: int  # rows of this outcome, for the row header's rowspan


def finding_rows(contrasts: Iterable[Contrast]) -> list[FindingRow]:
    """One row per finding, outcome by outcome (T1 first), time point by time point."""
    table = findings_table(contrasts)
    rows: list[FindingRow] = []
    for outcome, cells in table.rows:
        found = [(table.timepoints[i], c) for i, cell in enumerate(cells) for c in cell]
        for n, (months, c) in enumerate(found):
            rows.append(
                FindingRow(outcome, when(months), c, effect_size_text(c), n == 0, len(found))
            )
    return rows


# --- evaluations grouped by sample --------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationView:
    evaluation: Evaluation
    study: Study
    number: int  # from 1, as the findings table names it

    @property
    def doi_url(self) -> str | None:
        return doi_url(self.evaluation.doi)


@dataclass(frozen=True)
class SampleGroup:
    number: int
    sample_id: str | None
    evaluations: tuple[EvaluationView, ...]


def sample_groups(revision: MeasureRevision, result: EvidenceResult) -> list[SampleGroup]:
    """The evaluations in samples (one per sample_id, else one each), in the record's order."""
    groups: dict[int, list[EvaluationView]] = {}
    for evaluation, study in zip(revision.evaluations, result.studies, strict=False):
        view = EvaluationView(evaluation, study, study.index + 1)
        groups.setdefault(study.sample, []).append(view)
    return [
        SampleGroup(number, views[0].study.sample_id, tuple(views))
        for number, views in groups.items()
    ]


def doi_url(doi: str | None) -> str | None:
    return f"https://doi.org/{doi.strip()}" if doi and doi.strip() else None


# --- the level and its explanation ---------------------------------------------------------------


@dataclass(frozen=True)
class LevelView:
    level: int
    label: str
    harm_flag: bool
    verdict: str | None  # "negative_effects" | "no_effect" | None: a verdict, not a rung
    ruleset: str
    rated_at: datetime | None
    provisional: bool
    last_reviewed: datetime | None
    reviewed_role: str | None
    due_for_rereview: bool
    decided_by: str  # the rule that decided, named for a reader
    rules_applied: tuple[str, ...]
    result: EvidenceResult

    @property
    def show_ladder(self) -> bool:
        # Harm and "No effect found" are what they are: no ladder of reached rungs beside them.
        return self.verdict is None and not self.harm_flag


def level_view(revision: MeasureRevision, result: EvidenceResult) -> LevelView:
    label = revision.evidence_label or result.label
    verdict = {NEGATIVE_EFFECTS_LABEL: "negative_effects", NO_EFFECT_LABEL: "no_effect"}.get(label)
    published = revision.decided_at is not None
    return LevelView(
        level=revision.evidence_level,
        label=label,
        harm_flag=revision.harm_flag,
        verdict=verdict,
        ruleset=revision.evidence_ruleset or result.ruleset,
        rated_at=revision.evidence_rated_at,
        provisional=revision.evidence_provisional,
        last_reviewed=last_reviewed(revision) if published else None,
        reviewed_role=revision.evidence_reviewed_role,
        due_for_rereview=published and due_for_rereview(revision),
        decided_by=rule_title(result.rule),
        rules_applied=tuple(rule_title(r) for r in result.rules_applied),
        result=result,
    )


# --- the at-a-glance panel -----------------------------------------------------------------------


def unit_cost_text(revision: MeasureRevision) -> str | None:
    """ "€42.50 per participant, at 2024 prices"."""
    if revision.unit_cost_eur is None:
        return None
    amount = revision.unit_cost_eur
    per = UNIT_WORDS.get(revision.unit_cost_per or "", "")
    year = (
        ", " + _("at %(year)s prices", year=revision.cost_price_year)
        if revision.cost_price_year
        else ""
    )
    return f"{euros(amount)} {per}{year}".replace(" ,", ",")


def ages_text(revision: MeasureRevision) -> str | None:
    low, high = revision.age_min, revision.age_max
    if low is not None and high is not None:
        return _("%(low)s–%(high)s years", low=low, high=high)
    if low is not None:
        return _("From %(low)s years", low=low)
    if high is not None:
        return _("Up to %(high)s years", high=high)
    return None


def training_text(revision: MeasureRevision) -> str | None:
    parts = []
    if revision.training_hours is not None:
        hours = revision.training_hours
        parts.append(
            ngettext(
                "%(count)s hour of initial training",
                "%(count)s hours of initial training",
                hours,  # type: ignore[arg-type]
                count=figure(hours),
            )
        )
    if revision.certification_required is True:
        parts.append(_("certification by the developer required"))
    elif revision.certification_required is False:
        parts.append(_("no certification required"))
    if not parts:
        return None
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def countries_evaluated(revision: MeasureRevision) -> list[str]:
    return list(dict.fromkeys(e.country for e in revision.evaluations if e.country))


def _in_readers_words(revision: MeasureRevision) -> EvidenceResult:
    review = str(revision.harm_review) if revision.harm_review else None
    return in_readers_words(
        evidence_result(revision),
        evidence_inputs(revision),
        manual_available=revision.manual_available,
        harm_review=review,  # type: ignore[arg-type]
    )


def evidence_in_readers_words(revision: MeasureRevision) -> dict[str, Any]:
    """The revision's stored evidence (its `evidence` dict) with the explanation's sentences in
    the reader's language, for pages that draw it from the dict (the moderation review)."""
    with evidence_in_readers_language():
        return {**(revision.evidence or {}), **_in_readers_words(revision).to_dict()}


def profile(revision: MeasureRevision) -> dict[str, Any]:
    """Everything the measure page and the fact sheet read, besides the revision itself; the
    evidence explanation in the reader's language."""
    with evidence_in_readers_language():
        result = _in_readers_words(revision)
        level = level_view(revision, result)
    return {
        "result": result,
        "level": level,
        "findings": finding_rows(result.contrasts),
        "samples": sample_groups(revision, result),
        "unit_cost": unit_cost_text(revision),
        "ages": ages_text(revision),
        "training": training_text(revision),
        "countries_evaluated": countries_evaluated(revision),
        "level_names": LEVEL_NAMES,
        "direction_words": DIRECTION_WORDS,
        "population_words": POPULATION_WORDS,
    }
