"""What both evidence rulesets share: the level names, outcome tiers and the EU-27."""

from __future__ import annotations

from collections.abc import Mapping

# ISO 3166-1 uses "GR" for Greece; EU documents use "EL", which country_code() maps to "GR".
EU27: frozenset[str] = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"}
    | {"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)
# Indexed by level.
LEVEL_NAMES = (
    "Not evaluated",
    "Emerging",
    "Preliminary",
    "Promising",
    "Supported",
    "Well supported",
)
NO_EFFECT_LABEL = "No effect found"
NEGATIVE_EFFECTS_LABEL = "Negative effects found"

TIER_OUTCOMES: dict[int, tuple[str, ...]] = {
    1: ("sexual_offending", "recidivism", "victimisation"),
    2: (
        "risk_factors",
        "help_seeking",
        "disclosure",
        "protective_behaviour",
        "professional_practice",
    ),
    3: ("knowledge", "attitudes", "skills", "wellbeing"),
}
TIERS: dict[str, int] = {
    outcome: tier for tier, outcomes in TIER_OUTCOMES.items() for outcome in outcomes
}


def country_code(ev: Mapping) -> str | None:
    """The evaluation's country as an upper-case ISO code ("EL" read as "GR"), or None."""
    code = str(ev.get("country") or "").strip().upper()
    return "GR" if code == "EL" else code or None


def plural(count: int, one: str, other: str, **values: object) -> str:
    """Pick the singular or plural sentence by count, as ngettext will when gettext arrives."""
    return (one if count == 1 else other).format(count=count, **values)
