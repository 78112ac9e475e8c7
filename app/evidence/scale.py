"""What both evidence rulesets share: the level names, outcome tiers and the EU-27."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext

from app.core.i18n import N_

# ISO 3166-1 uses "GR" for Greece; EU documents use "EL", which country_code() maps to "GR".
EU27: frozenset[str] = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"}
    | {"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)
# Indexed by level. In English as stored and served by the API (`evidence_label`); a page shows
# them with label_text().
LEVEL_NAMES = (
    N_("Not evaluated"),
    N_("Emerging"),
    N_("Preliminary"),
    N_("Promising"),
    N_("Supported"),
    N_("Well supported"),
)
NO_EFFECT_LABEL = N_("No effect found")
NEGATIVE_EFFECTS_LABEL = N_("Negative effects found")
# The badges (ruleset_2027 gives them), named here so that label_text() knows them.
BADGE_NAMES = (
    N_("EU-tested"),
    N_("Tested in several countries"),
    N_("Independent replication"),
    N_("Long-term"),
    N_("Routine practice"),
    N_("Manual available"),
)
_SHOWN_IN_WORDS = frozenset((*LEVEL_NAMES, NO_EFFECT_LABEL, NEGATIVE_EFFECTS_LABEL, *BADGE_NAMES))

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


def label_text(label: str | None) -> str:
    """A stored label or badge (English) in the reader's language; anything else as it is."""
    if not label:
        return ""
    return gettext(label) if label in _SHOWN_IN_WORDS else label
