"""The search document of a published measure: a pure function of the measure and its revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.evidence.scale import NEGATIVE_EFFECTS_LABEL, NO_EFFECT_LABEL
from app.records import vocab
from app.search.concept_match import places, text_mentions
from app.search.concepts import OFFERED_LANGUAGES, language_id, place_id
from app.search.facets import (
    FACET_KEYS,
    MULTI_VALUED,
    boolean_value,
    cost_band,
    facet_values,
)

# Re-exported: the backends and the query parser read the facet keys from here.
__all__ = ["FACET_KEYS", "MULTI_VALUED", "facet_values", "measure_to_document"]
CONCEPT_TEXT_CHARS = 2000  # of the description, looked at for concepts
# Mentions of a concept counted, at most: a measure that names "school" three times is more
# about schools than one that names it once, but ten times is no more than three.
MENTION_CAP = 3


def _join(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)


def _labels(values: list[str]) -> str:
    return " ".join(vocab.english_label(v) for v in values)


def _verdict(revision: Any) -> str:
    """What the evaluations found against the measure, in words a search finds ("harmful
    effects" through the vocabulary): the harm flag, or no effect found."""
    if revision.harm_flag:
        return NEGATIVE_EFFECTS_LABEL
    return NO_EFFECT_LABEL if revision.evidence_label == NO_EFFECT_LABEL else ""


def _concepts(
    revision: Any, tags: str, summary_en: str
) -> tuple[dict[str, int], list[str], list[str]]:
    """The concepts of the vocabulary the text mentions, with how many times (at most
    MENTION_CAP), those its title or summaries name (the lead concepts), and those its title
    names (a title says what a measure is about even more than a summary).

    Looked for in the title, the summary, the start of the description and the tags (the rest
    of a long text, and report text, would cost more indexing time than it adds concepts). The
    English summary translates the summary: a mention in both counts once.
    """
    lang = revision.text_language
    described = (revision.description or "")[:CONCEPT_TEXT_CHARS]
    title, summary, rest, labels = text_mentions(
        (revision.title, revision.summary, described, tags), lang
    )
    (english,) = text_mentions((summary_en,), "en")
    lead = title + (summary | english)
    mentions = lead + rest + labels
    concepts = {c: min(n, MENTION_CAP) for c, n in sorted(mentions.items())}
    # Where the measure runs, as its record says (text_mentions drops the countries a text
    # names), counts as much as a concept the text keeps naming.
    concepts.update(
        {place_id(c): MENTION_CAP for c in revision.countries if place_id(c) in places()}
    )
    # So do the languages it is offered in.
    concepts.update(
        {language_id(c): MENTION_CAP for c in revision.languages if c in OFFERED_LANGUAGES}
    )
    return concepts, sorted(lead), sorted(title)


def measure_to_document(measure: Any, revision: Any, rating: float = 0.0) -> dict[str, Any]:
    """Everything the index needs about one published revision; reads no other rows.

    `body` holds the long text (description, implementation, transferability, cost notes,
    organisation, evaluation findings and citations, and the labels of the taxonomy values and
    study designs, so that "trial" or "Germany" find what the tags say). `reports` holds the
    text extracted from attached PDF reports. The short stored fields (title, summary, countries,
    evidence) render a result list without a database query. `rating` is the measure's peer
    rating sort score (the Bayesian average of app/reviews/aggregates.py; 0 without reviews),
    which the caller reads in bulk.
    """
    evaluations = list(revision.evaluations)
    findings = [e.findings for e in evaluations]
    citations = [e.citation for e in evaluations if e.citation]
    designs = [vocab.english_label(e.design) for e in evaluations]
    # Outcomes an evaluation names or reports results on (format 2 results per outcome).
    outcomes = sorted(
        {o for e in evaluations for o in (e.outcomes or [])}
        | {r.outcome for e in evaluations for r in (getattr(e, "results", None) or [])}
    )
    countries = list(revision.countries)
    tags = " ".join(
        [
            " ".join(vocab.country_name(c) for c in countries),
            vocab.english_label(revision.prevention_level),
            _labels(revision.target_groups),
            _labels(revision.settings),
            _labels(revision.abuse_forms),
            _labels(revision.delivery),
            " ".join(designs),
            _labels(outcomes),
            _verdict(revision),
        ]
    )
    body = _join(
        revision.description,
        revision.implementation,
        revision.transferability,
        revision.cost_notes,
        revision.organisation,
        *findings,
        *citations,
        tags,
    )
    # The English summary of a record in another language: an English query finds it.
    summary_en = getattr(revision, "summary_en", None) or ""
    if summary_en:
        body = _join(body, summary_en)
    reports = _join(*(a.text for e in evaluations for a in e.attachments))
    concepts, lead_concepts, title_concepts = _concepts(revision, tags, summary_en)
    published_at: datetime | None = measure.published_at
    return {
        "id": measure.id,
        "external_id": measure.external_id,
        "revision_id": revision.id,
        "title": revision.title,
        "summary": revision.summary,
        "body": body,
        "reports": reports,
        "text_language": revision.text_language,
        "countries": countries,
        "prevention_level": revision.prevention_level,
        "target_groups": list(revision.target_groups),
        "settings": list(revision.settings),
        "abuse_forms": list(revision.abuse_forms),
        "delivery": list(revision.delivery),
        "languages": list(revision.languages),
        "status": revision.programme_status,
        "cost_level": revision.cost_level,
        "population_level": revision.population_level,
        "outcomes": outcomes,
        "design": sorted({e.design for e in evaluations if e.design}),
        "unit_cost_band": cost_band(revision.unit_cost_eur, revision.unit_cost_per),
        "licence": revision.licence,
        "certification_required": boolean_value(revision.certification_required),
        "evidence_level": int(revision.evidence_level or 0),
        "evidence_label": revision.evidence_label,
        "harm_flag": bool(revision.harm_flag),
        "start_year": revision.start_year,
        "published_at": published_at,
        "rating": float(rating or 0.0),
        "organisation": revision.organisation,
        "concepts": concepts,  # concept id -> mentions (at most MENTION_CAP)
        "lead_concepts": lead_concepts,
        "title_concepts": title_concepts,
    }
