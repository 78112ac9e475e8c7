"""The controlled vocabularies of the record format (spec/measure-record.md)."""

from __future__ import annotations

import pycountry
from babel import Locale
from flask_babel import gettext

from app.core.i18n import N_

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

# Every code's label in English, marked for the catalogues (N_): pages, facets, forms and
# exports show it in the reader's language (`label`), the search index in English.
LABELS = {
    # PREVENTION_LEVELS
    "primary": N_("Primary"),
    "secondary": N_("Secondary"),
    "tertiary": N_("Tertiary"),
    # TARGET_GROUPS
    "children": N_("Children"),
    "adolescents": N_("Adolescents"),
    "parents_carers": N_("Parents and carers"),
    "professionals": N_("Professionals"),
    "people_at_risk_of_offending": N_("People at risk of offending"),
    "people_who_have_offended": N_("People who have offended"),
    "general_public": N_("General public"),
    "online_service_providers": N_("Online service providers"),
    "communities": N_("Communities"),
    # SETTINGS
    "school": N_("School"),
    "early_childhood": N_("Early childhood"),
    "family_home": N_("Family and home"),
    "online": N_("Online"),
    "community": N_("Community"),
    "health_care": N_("Health care"),
    "justice_system": N_("Justice system"),
    "sport_leisure": N_("Sport and leisure"),
    "faith_organisation": N_("Faith organisation"),
    "residential_care": N_("Residential care"),
    "workplace": N_("Workplace"),
    # ABUSE_FORMS
    "contact_abuse": N_("Contact abuse"),
    "intrafamilial_abuse": N_("Intrafamilial abuse"),
    "online_exploitation": N_("Online exploitation"),
    "csam": N_("Child sexual abuse material"),
    "grooming": N_("Grooming"),
    "sextortion": N_("Sextortion"),
    "live_streaming": N_("Live-streaming"),
    "trafficking_exploitation": N_("Trafficking and exploitation"),
    "peer_on_peer": N_("Peer-on-peer abuse"),
    # DELIVERY
    "in_person_group": N_("In person, group"),
    "in_person_individual": N_("In person, individual"),
    "online_self_help": N_("Online self-help"),
    "helpline": N_("Helpline"),
    "campaign": N_("Campaign"),
    "training": N_("Training"),
    "policy_procedure": N_("Policy or procedure"),
    "technology_tool": N_("Technology or tool"),
    # PROGRAMME_STATUSES
    "planned": N_("Planned"),
    "pilot": N_("Pilot"),
    "active": N_("Active"),
    "ended": N_("Ended"),
    # COST_LEVELS
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "unknown": N_("Unknown"),
    # DESIGNS
    "rct": N_("Randomised controlled trial"),
    "cluster_rct": N_("Cluster randomised trial"),
    "quasi_experimental": N_("Quasi-experimental"),
    "interrupted_time_series": N_("Interrupted time series"),
    "cohort": N_("Cohort"),
    "pre_post": N_("Pre–post"),
    "qualitative": N_("Qualitative"),
    "process_evaluation": N_("Process evaluation"),
    "case_study": N_("Case study"),
    # OUTCOMES
    "knowledge": N_("Knowledge"),
    "attitudes": N_("Attitudes"),
    "skills": N_("Skills"),
    "disclosure": N_("Disclosure"),
    "help_seeking": N_("Help-seeking"),
    "protective_behaviour": N_("Protective behaviour"),
    "professional_practice": N_("Professional practice"),
    "risk_factors": N_("Risk factors"),
    "sexual_offending": N_("Sexual offending"),
    "recidivism": N_("Recidivism"),
    "victimisation": N_("Victimisation"),
    "wellbeing": N_("Wellbeing"),
    "reach": N_("Reach"),
    "fidelity": N_("Fidelity"),
    # EFFECTS
    "positive": N_("Positive"),
    "mixed": N_("Mixed"),
    "no_effect": N_("No effect"),
    "negative": N_("Negative"),
    "not_reported": N_("Not reported"),
    # BASELINE_EQUIVALENCE
    "established": N_("Established"),
    "not_established": N_("Not established"),
    # RESULT_DIRECTIONS
    "favourable": N_("Favourable"),
    "unfavourable": N_("Unfavourable"),
    # EFFECT_SIZE_TYPES
    "d": N_("Cohen's d"),
    "g": N_("Hedges' g"),
    "or": N_("Odds ratio"),
    "rr": N_("Risk ratio"),
    "hr": N_("Hazard ratio"),
    "irr": N_("Incidence rate ratio"),
    # POPULATION_LEVELS
    "universal": N_("Universal"),
    "selective": N_("Selective"),
    "indicated": N_("Indicated"),
    # LICENCES
    "open": N_("Open"),
    "free_registration": N_("Free with registration"),
    "licensed_fee": N_("Licensed, for a fee"),
    "proprietary": N_("Proprietary"),
    # COST_UNITS
    "participant": N_("Participant"),
    "family": N_("Family"),
    "group": N_("Group"),
    "site": N_("Site"),
    "year": N_("Year"),
    # CONTACT_ROLES
    "developer": N_("Developer"),
    "provider": N_("Provider"),
    "technical_assistance": N_("Technical assistance"),
    "evaluator": N_("Evaluator"),
    "contact": N_("Contact"),
}


def english_label(value: str | None) -> str:
    """'health_care' -> 'Health care': the label in English, as the search index holds it. A
    code without a label of its own (a workflow state, a role) reads as its words."""
    if value is None:
        return ""
    if value in LABELS:
        return LABELS[value]
    return value.replace("_", " ").capitalize()


def label(value: str | None) -> str:
    """The code's label in the reader's language ("Eltern und Betreuungspersonen"); English
    outside a request (the CLI, imports)."""
    return gettext(english_label(value)) if value else ""


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
