"""The controlled vocabularies of the record format (spec/measure-record.md)."""

from __future__ import annotations

import pycountry
from babel import Locale

# Vocabularies read better as paragraphs than as one value per line.
# fmt: off
PREVENTION_LEVELS = ("primary", "secondary", "tertiary")
TARGET_GROUPS = (
    "children", "adolescents", "parents_carers", "professionals", "people_at_risk_of_offending",
    "people_who_have_offended", "general_public", "online_service_providers", "communities",
)
SETTINGS = (
    "school", "early_childhood", "family_home", "online", "community", "health_care",
    "justice_system", "sport_leisure", "faith_organisation", "residential_care", "workplace",
)
ABUSE_FORMS = (
    "contact_abuse", "intrafamilial_abuse", "online_exploitation", "csam", "grooming",
    "sextortion", "live_streaming", "trafficking_exploitation", "peer_on_peer",
)
DELIVERY = (
    "in_person_group", "in_person_individual", "online_self_help", "helpline", "campaign",
    "training", "policy_procedure", "technology_tool",
)
PROGRAMME_STATUSES = ("planned", "pilot", "active", "ended")
COST_LEVELS = ("low", "medium", "high", "unknown")
DESIGNS = (
    "rct", "cluster_rct", "quasi_experimental", "interrupted_time_series", "cohort", "pre_post",
    "qualitative", "process_evaluation", "case_study",
)
OUTCOMES = (
    "knowledge", "attitudes", "skills", "disclosure", "help_seeking", "protective_behaviour",
    "professional_practice", "risk_factors", "sexual_offending", "recidivism", "victimisation",
    "wellbeing", "reach", "fidelity",
)
EFFECTS = ("positive", "mixed", "no_effect", "negative", "not_reported")
# Record format 2: evaluations (EVIDENCE-2027 §1) and programme profiles (measure-record.md).
BASELINE_EQUIVALENCE = ("established", "not_established", "not_reported")
RESULT_DIRECTIONS = ("favourable", "no_effect", "unfavourable")
EFFECT_SIZE_TYPES = ("d", "g", "or", "rr", "hr", "irr")
POPULATION_LEVELS = ("universal", "selective", "indicated")
LICENCES = ("open", "free_registration", "licensed_fee", "proprietary", "unknown")
COST_UNITS = ("participant", "family", "group", "school", "site", "year")
CONTACT_ROLES = ("developer", "provider", "technical_assistance", "evaluator", "contact")
# fmt: on

COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)
LANGUAGE_CODES = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
# fmt: off
EU27 = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)
# fmt: on

# Human labels for enum values, used by forms, facets and pages.
LABELS = {
    "people_at_risk_of_offending": "People at risk of offending",
    "people_who_have_offended": "People who have offended",
    "parents_carers": "Parents and carers",
    "csam": "Child sexual abuse material",
    "rct": "Randomised controlled trial",
    "cluster_rct": "Cluster randomised trial",
    "quasi_experimental": "Quasi-experimental",
    "interrupted_time_series": "Interrupted time series",
    "pre_post": "Pre–post",
    "no_effect": "No effect",
    "not_reported": "Not reported",
    "peer_on_peer": "Peer-on-peer abuse",
    "online_self_help": "Online self-help",
    "in_person_group": "In person, group",
    "in_person_individual": "In person, individual",
    "d": "Cohen's d",
    "g": "Hedges' g",
    "or": "Odds ratio",
    "rr": "Risk ratio",
    "hr": "Hazard ratio",
    "irr": "Incidence rate ratio",
    "not_established": "Not established",
    "free_registration": "Free with registration",
    "licensed_fee": "Licensed, for a fee",
    "technical_assistance": "Technical assistance",
    # Codes whose words need more than spaces to read well.
    "trafficking_exploitation": "Trafficking and exploitation",
    "policy_procedure": "Policy or procedure",
    "technology_tool": "Technology or tool",
    "help_seeking": "Help-seeking",
    "sport_leisure": "Sport and leisure",
    "family_home": "Family and home",
    "faith_organisation": "Faith organisation",
    "live_streaming": "Live-streaming",
}


def label(value: str | None) -> str:
    """'health_care' -> 'Health care', with the exceptions above."""
    if value is None:
        return ""
    if value in LABELS:
        return LABELS[value]
    return value.replace("_", " ").capitalize()


def _cldr(locale: str | None) -> Locale:
    # English unless asked: what is indexed, sorted or exported must not change with the reader.
    return Locale.parse(locale or "en")


def country_name(code: str, locale: str | None = None) -> str:
    """The country's common name in `locale` (CLDR, via Babel): "Czechia", "Tschechien"."""
    return _cldr(locale).territories.get(code.upper() if code else code) or code


def language_name(code: str, locale: str | None = None) -> str:
    """The language's name in `locale` (CLDR): "Greek", not ISO 639's "Modern Greek (1453-)"."""
    name = _cldr(locale).languages.get(code) if code else None
    return name or code
