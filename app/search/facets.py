"""The search facets: which keys, the values a document has for each, and their order.

Facet keys are the record keys (DESIGN §6, §8: one query parameter per record key); two are
computed rather than typed: `evidence_level` (the level, or one of the two verdicts of
EVIDENCE-2027 §5 as a value of its own) and `unit_cost_band` (bands of `unit_cost_eur` per
participant). Both backends store and count the values given here, and order them with
`ordered_counts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from app.evidence.scale import NEGATIVE_EFFECTS_LABEL, NO_EFFECT_LABEL
from app.records import vocab

# "status" is the programme status; "outcomes" and "design" are the evaluations' keys.
FACET_KEYS = (
    "countries",
    "prevention_level",
    "population_level",
    "target_groups",
    "settings",
    "abuse_forms",
    "delivery",
    "evidence_level",
    "outcomes",
    "design",
    "languages",
    "status",
    "cost_level",
    "unit_cost_band",
    "licence",
    "certification_required",
)
MULTI_VALUED = frozenset(
    {"countries", "target_groups", "settings", "abuse_forms", "delivery", "languages"}
    | {"outcomes", "design"}
)

# --- evidence: levels 5 … 0, then the two verdicts (EVIDENCE-2027 §5) ---------------------------

NO_EFFECT, NEGATIVE_EFFECTS = "no_effect", "negative_effects"
# The labels that are verdicts, not rungs: they sit at level 1 but are no "Emerging".
VERDICTS = {NO_EFFECT_LABEL: NO_EFFECT, NEGATIVE_EFFECTS_LABEL: NEGATIVE_EFFECTS}
VERDICT_LABELS = tuple(VERDICTS)
VERDICT_VALUES = tuple(VERDICTS.values())
EVIDENCE_VALUES = (*(str(n) for n in range(5, -1, -1)), NO_EFFECT, NEGATIVE_EFFECTS)


def evidence_value(level: int, label: str | None) -> str:
    """The evidence facet's value: the verdict when the label is one, else the level."""
    return VERDICTS.get(label or "", str(int(level or 0)))


# --- unit cost per participant, in euros -----------------------------------------------------

OTHER_UNIT, UNKNOWN_COST = "other_unit", "unknown"
UNIT_COST_BANDS = ("under_50", "50_250", "250_1000", "over_1000", OTHER_UNIT, UNKNOWN_COST)
# The page's words (translated when shown); the index and the API use the codes.
UNIT_COST_LABELS = {
    "under_50": _l("Under €50"),
    "50_250": _l("€50 to €250"),
    "250_1000": _l("€250 to €1,000"),
    "over_1000": _l("Over €1,000"),
    OTHER_UNIT: _l("Cost given per family, group, school or site"),
    UNKNOWN_COST: _l("Not stated"),
}
UNIT_COST_HINT = _l(
    "Cost of delivery per participant in euros, in the price year each measure gives:"
    " under 50, 50 to under 250, 250 to 1,000, or over 1,000."
)


def cost_band(unit_cost_eur: float | None, unit_cost_per: str | None) -> str:
    """The band of a unit cost; costs per family, group or site are not per participant."""
    if unit_cost_eur is None:
        return UNKNOWN_COST
    if unit_cost_per != "participant":
        return OTHER_UNIT
    if unit_cost_eur < 0:
        return UNKNOWN_COST  # validation refuses it; the index must not crash on it
    if unit_cost_eur < 50:
        return "under_50"
    if unit_cost_eur < 250:
        return "50_250"
    # 1,000 itself is in the band below "over 1,000", as cost_level's "high" is above it.
    return "250_1000" if unit_cost_eur <= 1000 else "over_1000"


# --- certification: a yes/no key --------------------------------------------------------------

BOOLEAN_VALUES = ("true", "false")
CERTIFICATION_LABELS = {
    "true": _l("Deliverers must be certified"),
    "false": _l("No certification needed"),
}


def boolean_value(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


# --- the values a filter accepts, and their order in the facet -------------------------------

# Keys whose values have an order of their own (a scale, bands): listed in it, not by count.
ORDERED_VALUES: dict[str, tuple[str, ...]] = {
    "evidence_level": EVIDENCE_VALUES,
    "unit_cost_band": UNIT_COST_BANDS,
    "population_level": vocab.POPULATION_LEVELS,
    "licence": vocab.LICENCES,
    "certification_required": BOOLEAN_VALUES,
}
FILTER_VALUES: dict[str, Any] = {
    "countries": vocab.COUNTRY_CODES,
    "languages": vocab.LANGUAGE_CODES,
    "prevention_level": vocab.PREVENTION_LEVELS,
    "population_level": vocab.POPULATION_LEVELS,
    "target_groups": vocab.TARGET_GROUPS,
    "settings": vocab.SETTINGS,
    "abuse_forms": vocab.ABUSE_FORMS,
    "delivery": vocab.DELIVERY,
    "outcomes": vocab.OUTCOMES,
    "design": vocab.DESIGNS,
    "status": vocab.PROGRAMME_STATUSES,
    "cost_level": vocab.COST_LEVELS,
    "unit_cost_band": UNIT_COST_BANDS,
    "licence": vocab.LICENCES,
    "certification_required": BOOLEAN_VALUES,
    "evidence_level": EVIDENCE_VALUES,
}


def ordered_counts(key: str, counts: Mapping[str, int]) -> dict[str, int]:
    """A facet's counts in the order shown: a scale's own order, else most frequent first."""
    order = ORDERED_VALUES.get(key)
    if order is not None:
        rank = {v: i for i, v in enumerate(order)}
        return dict(sorted(counts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def facet_values(document: Mapping[str, Any], key: str) -> list[str]:
    """A document's values for one facet key, as strings (empty when unset)."""
    if key == "evidence_level":
        return [evidence_value(document.get("evidence_level") or 0, document.get("evidence_label"))]
    value = document.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]
