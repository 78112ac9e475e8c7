"""The search document of a published measure, and the text analysis it goes through."""

from __future__ import annotations

from app.core.extensions import db
from app.measures.models import Attachment
from app.search.analysis import analyze, fold, light_stem
from app.search.documents import MENTION_CAP, facet_values, measure_to_document
from tests.conftest import make_measure, make_user


def test_measure_to_document_holds_text_facets_and_stored_fields(app):
    measure = make_measure(
        make_user(),
        publish=True,
        external_id="ext-1",
        implementation="Two trainers needed.",
        transferability="Adapted in Austria.",
        cost_level="low",
        abuse_forms=["grooming"],
        delivery=["training"],
    )
    revision = measure.published_revision
    revision.evaluations[0].attachments.append(
        Attachment(sha256="0" * 64, filename="r.pdf", size_bytes=1, text="Report body text.")
    )
    db.session.commit()
    doc = measure_to_document(measure, revision)
    assert doc["id"] == measure.id and doc["external_id"] == "ext-1"
    assert doc["revision_id"] == revision.id
    assert doc["title"] == "Safe Together school programme"
    for text in (
        "Teachers deliver ten",
        "Two trainers needed.",
        "Adapted in Austria.",
        "disclosed more",
        "University of Example",
        "Germany",
        "Randomised controlled",
    ):
        assert text in doc["body"], text
    assert doc["reports"] == "Report body text."
    assert doc["countries"] == ["DE", "AT"] and doc["languages"] == ["de", "en"]
    assert doc["status"] == "active" and doc["cost_level"] == "low"
    assert doc["evidence_level"] == measure.evidence_level
    assert doc["harm_flag"] is False and doc["rating"] == 0.0
    assert doc["start_year"] == 2015 and doc["published_at"] == measure.published_at
    assert facet_values(doc, "evidence_level") == [str(measure.evidence_level)]
    assert facet_values(doc, "abuse_forms") == ["grooming"]
    assert facet_values(doc, "cost_level") == ["low"]


def test_a_documents_concepts_count_its_mentions_up_to_a_cap(app):
    measure = make_measure(
        make_user(),
        publish=True,
        title="Sextortion help",
        summary="Support for teenagers facing sextortion online.",
        summary_en="Support for teenagers facing sextortion online.",
        description="Sextortion: what it is. Sextortion: what to do. Sextortion again.",
        countries=["DE"],
    )
    doc = measure_to_document(measure, measure.published_revision)
    # Title 1, summary 1 (its English translation names the same mention), description 3.
    assert doc["concepts"]["sextortion"] == MENTION_CAP == 3
    assert doc["concepts"]["adolescents"] == 1  # once in the summary and its translation
    assert doc["concepts"]["country_de"] == MENTION_CAP  # where it runs, from the record
    assert "sextortion" in doc["lead_concepts"] and "adolescents" in doc["lead_concepts"]
    assert doc["title_concepts"] == ["sextortion"]  # "Sextortion help"


def test_folding_strips_accents_and_special_letters():
    assert fold("Präventions-Maßnahme") == "praventions-massnahme"
    assert fold("Łódź ØRESUND Æble Œuvre") == "lodz oresund aeble oeuvre"


def test_language_analyzers_stem_then_fold():
    assert analyze("Präventionsprogrammen", "de") == ["praventionsprogramm"]
    assert analyze("the programmes", "en") == ["programm"]
    assert analyze("préventions", "fr") == ["prevent"]
    assert analyze("Präventionsprogrammen") == ["praventionsprogrammen"]  # neutral: folded only


def test_snowball_3_stems_languages_whoosh_has_no_stemmer_for():
    assert analyze("koolis kooli", "et") == analyze("kool kool", "et")  # the stem vowel goes
    assert analyze("seksuaalse", "et") == analyze("seksuaalne", "et")  # -ne/-se declension
    # A -tus noun keeps together and apart from what it is made from: training is not school.
    assert analyze("koolitus koolituse koolitust koolitusi", "et") == ["koolitus"] * 4
    assert analyze("koolitus", "et") != analyze("koolis", "et")
    assert analyze("vaikų vaikams", "lt") == ["vaik", "vaik"]
    assert analyze("σχολείων", "el") == analyze("σχολείο", "el") == ["σχολει"]  # then folded
    assert analyze("bpáistí", "ga") == analyze("páistí", "ga") == ["paisti"]
    assert analyze("ja", "et") == analyze("ir", "lt") == analyze("και", "el") == []  # stop words


def test_light_stemmer_keeps_three_letters():
    assert light_stem("dzieciom", "pl") == light_stem("dzieci", "pl") == "dziec"
    assert light_stem("detmi", "cs") == light_stem("deti", "cs") == "det"
    assert light_stem("ach", "cs") == "ach"
