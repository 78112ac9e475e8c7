"""Finding measures across languages, compounds and everyday words, on both backends: concept
tags (app/search/concept_match.py), compound prefixes, stop-words and "matched via"."""

from __future__ import annotations

import pytest

from app.core.extensions import db
from app.search.concept_match import concept_label
from app.search.query import Concepts, Synonyms, parse_text
from tests.conftest import make_user
from tests.search.conftest import found, search, text_measure

SUMMARY = "A prevention programme described here for the tests, long enough to be valid."


def test_a_word_finds_measures_of_its_concept_in_other_languages_below_exact_matches(app):
    owner = make_user()
    polish = text_measure(
        owner,
        "Sekstorsja: pomoc dla młodzieży",
        "Program wsparcia dla nastolatków, którym grozi sekstorsja w internecie.",
        text_language="pl",
    )
    english = text_measure(owner, "Sextortion response guide", SUMMARY)
    results = search("sextortion")
    assert [h.id for h in results.hits] == [english.id, polish.id]
    assert [str(via) for via in results.hits[1].matched_via] == ["sextortion (from ‘sextortion’)"]
    assert results.hits[0].matched_via == []
    # From Polish to English as well, and from a third language to both.
    assert set(found("sekstorsja")) == {polish.id, english.id}
    assert set(found("sextorsión")) == {polish.id, english.id}


def test_a_word_finds_measures_about_a_kind_of_its_concept(app):
    owner = make_user()
    images = text_measure(owner, "Removing indecent images of children", SUMMARY)
    outreach = text_measure(
        owner, "Outreach against commercial sexual exploitation of children", SUMMARY
    )
    text_measure(owner, "Reading club for families", SUMMARY)
    # German "Kinderprostitution" names sexual exploitation; abuse material is a kind of it.
    results = search("Kinderprostitution")
    # The measure naming the concept first, then the one about a kind of it.
    assert [h.id for h in results.hits] == [outreach.id, images.id]
    vias = {h.id: [v.concept for v in h.matched_via] for h in results.hits}
    assert vias[images.id] == ["sexual_exploitation"]
    removed = search("Kinderprostitution", no_expand=frozenset({"sexual_exploitation"}))
    assert removed.hits == []
    # Not the other way: a query for the kind does not find the broader concept's measures.
    assert found("Kinderpornografie") == [images.id]


def test_a_platforms_name_finds_measures_about_its_kind_of_place(app):
    # Parents name the app, measures the kind of place: Snapchat is social media, WhatsApp
    # a messaging app, in any language's query.
    owner = make_user()
    social = text_measure(owner, "Safe on social networks", SUMMARY)
    chat = text_measure(owner, "Safer chat rooms", SUMMARY)
    text_measure(owner, "Reading club for families", SUMMARY)
    assert found("Snapchat") == [social.id]
    assert found("WhatsApp") == [chat.id]
    assert found("Erpressung auf Snapchat") == [social.id]
    # A measure naming the app is about its kind of place.
    app_named = text_measure(owner, "Staying safe on Instagram", SUMMARY)
    assert set(found("social media")) == {social.id, app_named.id}


def test_a_word_after_an_elided_article_is_the_word(app):
    owner = make_user()
    french = text_measure(
        owner,
        "Prévention des violences à l’école",
        "Ateliers dans l'enseignement primaire sur l'intimité et le consentement.",
        text_language="fr",
    )
    italian = text_measure(
        owner,
        "Protezione dell'infanzia nello sport",
        "Formazione sull'abuso per gli allenatori delle società sportive.",
        text_language="it",
    )
    assert found("école", expand=False) == [french.id]
    assert found("intimité", expand=False) == [french.id]
    assert found("infanzia", expand=False) == [italian.id]
    (hit,) = search("école", expand=False).hits
    assert "l’<mark>école</mark>" in hit.highlights["title"]
    # Tagged with the concept of "l'enseignement primaire" too.
    assert found("scuola primaria") == [french.id]


def test_an_expansion_removed_with_one_click_stops_finding_other_languages(app):
    owner = make_user()
    polish = text_measure(
        owner, "Sekstorsja w sieci", "Program dla szkół o sekstorsji.", text_language="pl"
    )
    english = text_measure(owner, "Sextortion response guide", SUMMARY)
    assert set(found("sextortion")) == {english.id, polish.id}
    assert found("sextortion", no_expand=frozenset({"sextortion"})) == [english.id]


def test_the_english_summary_of_a_measure_in_another_language_is_searched(app):
    owner = make_user()
    polish = text_measure(
        owner,
        "Program Świadek",
        "Warsztaty dla uczniów szkół średnich.",
        text_language="pl",
        summary_en="Workshops that teach secondary school pupils bystander intervention.",
    )
    assert found("bystander", expand=False) == [polish.id]


def test_a_word_finds_the_compounds_it_begins(app):
    owner = make_user()
    german = text_measure(
        owner,
        "Missbrauchsabbildungen im Netz erkennen",
        "Fortbildung für Fachkräfte zum Umgang mit Darstellungen im Internet.",
        text_language="de",
    )
    assert found("Missbrauch") == [german.id]
    assert found("Missbrauch", expand=False) == []  # the word as typed only


def test_an_everyday_phrasing_finds_the_fields_term(app):
    owner = make_user()
    guide = text_measure(owner, "Sextortion response guide", SUMMARY)
    text_measure(owner, "Reading club for families", SUMMARY)
    results = search("teenagers threatened with their own photos")
    assert [h.id for h in results.hits] == [guide.id]
    assert "sextortion" in [e.concept for e in results.expansions]
    (via,) = map(str, results.hits[0].matched_via)
    assert via.startswith("sextortion (from ‘") and "photos" in via
    removed = search(
        "teenagers threatened with their own photos", no_expand=frozenset({"sextortion"})
    )
    assert guide.id not in [h.id for h in removed.hits]


def test_a_phrasing_is_matched_loosely_but_a_long_query_is_not_a_phrasing():
    parsed = parse_text("photos threatened")
    assert [n.ids for n in parsed.root.should if isinstance(n, Concepts)] == [("sextortion",)]
    parsed = parse_text("child sexual abuse material")
    assert [e.concept for e in parsed.expansions] == ["csam"]


def test_stop_words_never_expand_nor_highlight(app):
    # "die" (German "the") and "en" (French "in") are function words in some language.
    for q in ("die", "en", "and the"):
        assert parse_text(q).expansions == []
    parsed = parse_text("die Schule")
    (school,) = parsed.root.should
    assert isinstance(school, Synonyms) and "school" in school.concepts
    assert parsed.highlight_terms() == ["schule"]

    text_measure(
        make_user(),
        "Grooming and online safety en ligne",
        "Pupils and teachers learn about grooming and the law.",
    )
    (hit,) = search("grooming and the law").hits
    assert "<mark>and</mark>" not in hit.highlights["summary"]
    assert "<mark>the</mark>" not in hit.highlights["summary"]
    assert "<mark>grooming</mark>" in hit.highlights["summary"].lower()
    assert "<mark>law</mark>" in hit.highlights["summary"]


def test_prepositions_whooshs_lists_lack_are_function_words_too():
    # English "among", French "chez", Italian "quando" (when), Dutch "tijdens" (during).
    parsed = parse_text("grooming among pupils chez quando tijdens")
    assert parsed.highlight_terms() == ["grooming", "pupils"]
    assert len(parsed.units) == 2


def test_pronouns_are_function_words_too():
    # Bulgarian "детето ми" (my child): "ми" was taken for a word no measure is about.
    parsed = parse_text("детето ми е тормозено в интернет")
    assert parsed.highlight_terms() == ["детето", "тормозено", "интернет"]
    # "our" in German, Dutch, Polish and Danish: "unsere Kita", "onze school", "nasza szkoła".
    parsed = parse_text("unsere Kita onze school nasza szkoła vores skole")
    assert parsed.highlight_terms() == ["kita", "school", "szkola", "skole"]


def test_question_words_are_function_words_too():
    # "why", "where", "when", "who" in German, Polish, Czech, French, Irish and Croatian.
    parsed = parse_text("warum gdzie kdy pourquoi conas tko grooming")
    assert parsed.highlight_terms() == ["grooming"]


def test_a_verb_form_of_harassment_finds_measures_about_harassment_in_any_language(app):
    owner = make_user()
    english = text_measure(owner, "Harassment of young people online", SUMMARY)
    text_measure(owner, "Mentoring for volunteers", SUMMARY)
    # "is harassed" in Estonian, Greek, Bulgarian, Danish and Hungarian ("they harass").
    for q in ("ahistatakse", "παρενοχλείται", "тормозено", "chikaneret", "zaklatják"):
        assert found(q) == [english.id], q


def test_results_matching_more_of_the_query_rank_first(app):
    owner = make_user()
    one = text_measure(owner, "Parents evening on screens", SUMMARY)
    both = text_measure(owner, "School programme for parents", SUMMARY)
    assert found("school programme for parents")[0] == both.id
    assert one.id in found("school programme for parents")


def test_an_index_written_by_an_older_analysis_counts_as_missing(app, search_backend):
    """So `flask search sync` rebuilds it after an upgrade (Whoosh: SCHEMA_VERSION)."""
    text_measure(make_user(), "Sextortion response guide", SUMMARY)
    assert search_backend.exists()
    if search_backend.name == "postgres":
        from sqlalchemy import text

        from app.search.backends.postgres_text import VERSION_LEXEME

        with db.engine.begin() as conn:
            conn.execute(
                text("UPDATE search_documents SET tsv = ts_delete(tsv, :v)"), {"v": VERSION_LEXEME}
            )
        assert not search_backend.exists()


def test_a_country_named_in_any_language_finds_the_measures_run_there(app):
    owner = make_user()
    austrian = text_measure(owner, "Safe sport in clubs", SUMMARY, countries=["AT"])
    text_measure(owner, "Safe sport in schools", SUMMARY, countries=["DE"])
    # Swedish for "sport in Austria": both are sport, the Austrian one first.
    assert found("idrott Österrike")[0] == austrian.id
    assert found("Österrike") == [austrian.id]
    results = search("Österrike")
    assert [(e.concept, e.label) for e in results.expansions] == [("country_at", "Austria")]


def test_a_word_of_the_querys_own_language_is_no_place_it_names_in_others(app):
    owner = make_user()
    icelandic = text_measure(owner, "Barnahus Iceland", SUMMARY, countries=["IS"])
    # "island" is Iceland in Danish, German and Swedish: not in an English sentence ...
    results = search("abuse prevention on a small island")
    assert "country_is" not in [e.concept for e in results.expansions]
    assert all(via.concept != "country_is" for hit in results.hits for via in hit.matched_via)
    # ... but among German words, or alone (no telling which language it is in).
    assert found("Kinderschutz in Island") == [icelandic.id]
    assert [e.concept for e in search("Island").expansions] == ["country_is"]
    # A country's name in English stays one in English ("Polish" children).
    assert "country_pl" in [e.concept for e in search("helplines for Polish children").expansions]


def test_an_inflected_word_matches_the_term_it_is_a_form_of(app):
    owner = make_user()
    english = text_measure(owner, "Preventing sexual violence at school", SUMMARY)
    # Finnish partitive forms of "seksuaalinen väkivalta" (no Finnish stemmer knows them).
    assert found("seksuaalista väkivaltaa") == [english.id]


def test_a_stem_of_one_language_matches_only_measures_in_that_language(app):
    owner = make_user()
    spanish = text_measure(
        owner, "Apoyo a su familia", "Un programa para que su familia hable.", text_language="es"
    )
    hungarian = text_measure(
        owner, "Su és támogatás", "Egy program a családoknak, su.", text_language="hu"
    )
    # Hungarian stems "sun" to "su": a Hungarian measure's word, not the Spanish "su" (in
    # PostgreSQL all languages share one tsvector, as Whoosh's per-language fields do not).
    assert found("sun") == [hungarian.id]
    assert set(found("su")) == {spanish.id, hungarian.id}


def test_a_term_of_one_language_is_another_word_in_another_languages_measures(app):
    owner = make_user()
    german = text_measure(
        owner,
        "Schutzkonzept für die Kita",
        "Ein Präventionsprogramm für Kitas.",
        text_language="de",
    )
    other = text_measure(
        owner, "Pagalbos linija vaikams", "Kita pagalba vaikams ir paaugliams.", text_language="lt"
    )
    day_care = text_measure(
        owner,
        "Saugus vaikų darželis",
        "Kita programa vaikų darželiams ir tėvams.",
        text_language="lt",
    )
    # "Kita", German for day-care, is Lithuanian for "other": a Lithuanian measure holding
    # it is found only when it is about day-care.
    assert set(found("Kita")) == {german.id, day_care.id}
    assert other.id not in found("Kita Prävention")
    assert other.id in found("kita pagalba")  # its other words still find it


def test_a_compound_finds_measures_naming_its_parts_in_other_languages(app):
    owner = make_user()
    english = text_measure(owner, "Counselling for parents worried about their child", SUMMARY)
    text_measure(owner, "Mentoring for volunteers", SUMMARY)
    assert found("Elternberatung") == [english.id]


def test_an_acronym_that_is_a_common_word_finds_its_measures_only_in_capitals(app):
    owner = make_user()
    circles = text_measure(owner, "Circles of Support and Accountability", SUMMARY)
    italian = text_measure(
        owner,
        "Linea di ascolto",
        "Cosa fare se un bambino racconta un abuso: una cosa da sapere.",
        text_language="it",
    )
    assert circles.id in found("COSA")
    assert found("cosa") == [italian.id]


SPANISH_THERAPY = ("Terapia por internet", "Sesiones de terapia por internet para adultos.", "es")
SPANISH_WORKSHOPS = ("Talleres para familias", "Talleres para familias.", "es")
VOLUNTEERS = ("Mentoring for volunteers", SUMMARY, "en")


@pytest.mark.parametrize(
    ("q", "wanted", "other"),
    [
        # A compound whose head names nothing ("Arbeit") names its first part's concepts.
        ("Täterarbeit", ("Treatment programme for offenders", SUMMARY, "en"), VOLUNTEERS),
        # A hyphenated word names its parts' concepts, as a compound does.
        ("Online-Therapie", SPANISH_THERAPY, SPANISH_WORKSHOPS),
        # Written as one word, it is a term ("Kinderschutzkonzept"); "Konzept" alone names
        # nothing the parts could add up to.
        (
            "Kinderschutz-Konzept",
            ("A safeguarding policy for sports clubs", SUMMARY, "en"),
            VOLUNTEERS,
        ),
    ],
)
def test_compounds_and_hyphenated_words_find_what_their_parts_name(app, q, wanted, other):
    owner = make_user()
    measure = text_measure(owner, wanted[0], wanted[1], text_language=wanted[2])
    text_measure(owner, other[0], other[1], text_language=other[2])
    assert found(q) == [measure.id]
    assert found(q, expand=False) == []


def test_a_word_of_another_language_is_not_corrected_into_a_frequent_neighbour(app):
    owner = make_user()
    for n in range(3):
        text_measure(owner, f"Promozione della salute {n}", SUMMARY, text_language="it")
    # "protezione" is Italian (a concept's word), not a typo of "promozione".
    results = search("protezione minori")
    assert results.corrected_query is None and results.suggestion is None


def test_function_words_inside_a_concepts_words_match_nothing(app):
    owner = make_user()
    spanish = text_measure(
        owner, "Línea de ayuda", "Una línea de ayuda confidencial.", text_language="es"
    )
    text_measure(
        owner, "Guía de la escuela", "Una guía de la escuela y de la familia.", text_language="es"
    )
    # "de" is in both; only the helpline is found for "línea de ayuda".
    assert found("línea de ayuda") == [spanish.id]


def test_the_page_names_an_expansion_in_the_readers_language_the_api_in_english(app, client):
    owner = make_user()
    polish = text_measure(
        owner, "Sekstorsja w sieci", "Program dla szkół o sekstorsji.", text_language="pl"
    )
    text_measure(owner, "Sextortion response guide", SUMMARY)
    db.session.commit()
    in_polish = concept_label("sextortion", "pl")
    assert in_polish != "sextortion"
    page = client.get("/search?q=sextortion", headers={"Accept-Language": "pl"}).text
    assert f"{in_polish} (na podstawie „sextortion”)" in page
    api = client.get("/api/v1/search?q=sextortion", headers={"Accept-Language": "pl"}).json
    hit = next(h for h in api["results"] if h["id"] == polish.id)
    assert hit["matched_via"] == ["sextortion (from ‘sextortion’)"]


def spanish_sextortion_measures(owner, later_description: str) -> tuple:
    """A Spanish measure whose title names sextortion, and a newer one whose description does."""
    summary = "Talleres para familias y docentes en centros de secundaria."
    named = text_measure(owner, "Sextorsión: ayuda para adolescentes", summary, text_language="es")
    later = text_measure(
        owner,
        "Programa de apoyo escolar",
        summary,
        text_language="es",
        description=later_description,
    )
    return named, later


def test_a_measure_whose_title_names_the_concept_ranks_above_one_that_mentions_it_later(app):
    named, later = spanish_sextortion_measures(
        make_user(), "Incluye una sesión sobre sextorsión y cómo pedir ayuda."
    )
    # Both are tagged with the concept; the one whose title names it is what it is about
    # (the newer one would come first on a tie).
    assert found("sextortion") == [named.id, later.id]


def test_below_a_typed_words_weak_match_the_concepts_measures_keep_their_order(app):
    owner = make_user()
    english = text_measure(
        owner,
        "Support for families",
        "Talks for parents and teachers.",
        description="Parents hear how sextortion starts. "
        + "Evenings cover homework, sleep, screens, sport and friendships. " * 20,
    )
    named, later = spanish_sextortion_measures(
        owner,
        "Incluye sesiones sobre sextorsión: qué es la sextorsión, cómo evitar la sextorsión y "
        "cómo pedir ayuda.",
    )
    # Found only through the concept, both rank below the English measure holding the word,
    # whose match is weak (once, in its description); but not tied there: the one whose
    # title names the concept first (the newer one would come first on a tie).
    assert found("sextortion") == [english.id, named.id, later.id]


def test_a_measure_whose_title_names_the_concept_ranks_above_one_whose_summary_does(app):
    owner = make_user()
    # Both name the concept once, up front; the title says what a measure is about even more
    # than its summary (the newer one would come first on a tie).
    titled = text_measure(
        owner,
        "Sextorsión: talleres escolares",
        "Talleres para familias y docentes en centros de secundaria.",
        text_language="es",
    )
    summarised = text_measure(
        owner,
        "Talleres escolares",
        "Talleres para familias y docentes frente a la sextorsión.",
        text_language="es",
    )
    assert found("sextortion") == [titled.id, summarised.id]


def test_a_lead_concept_counts_whatever_the_length_of_the_text_around_it(app):
    owner = make_user()
    # Found only through the concept (Spanish words, an English query): the measure whose
    # summary names it ranks first, though its long description would dilute a text rank.
    named = text_measure(
        owner,
        "Programa de apoyo escolar",
        "Ayuda para adolescentes frente a la sextorsión en redes sociales.",
        text_language="es",
        description=" ".join(["Talleres para familias y docentes en centros de secundaria."] * 60),
    )
    later = text_measure(
        owner,
        "Talleres escolares",
        "Talleres para familias y docentes en centros de secundaria.",
        text_language="es",
        description="Una sesión sobre sextorsión.",
    )
    assert found("sextortion") == [named.id, later.id]


def test_a_concept_tag_counts_the_same_however_many_other_concepts_a_measure_names(app):
    owner = make_user()
    # Both are found only through the concept (Spanish words, an English query), neither names
    # it in its title or summary. The one whose text names many other concepts as well is no
    # less about this one: equal scores, and the newer one comes first on a tie.
    few = text_measure(
        owner,
        "Talleres escolares",
        "Talleres para familias y docentes en centros de secundaria.",
        text_language="es",
        description="Una sesión sobre sextorsión.",
    )
    many = text_measure(
        owner,
        "Programa de apoyo escolar",
        "Talleres para familias y docentes en centros de secundaria.",
        text_language="es",
        description=(
            "Una sesión sobre sextorsión, otra sobre grooming y ciberacoso, una línea de ayuda"
            " para víctimas de abuso sexual infantil, terapia para agresores y prevención en"
            " clubes deportivos, iglesias y centros de acogida."
        ),
    )
    assert found("sextortion") == [many.id, few.id]


def test_a_measure_that_names_a_concept_more_often_ranks_above_one_that_names_it_once(app):
    owner = make_user()
    # Both are found only through the concept (Spanish words, an English query), neither names
    # it in its title or summary: the one whose text keeps naming it is more about it (the
    # newer one would come first on a tie).
    often = text_measure(
        owner,
        "Talleres escolares",
        "Talleres para familias y docentes en centros de secundaria.",
        text_language="es",
        description=(
            "Una sesión sobre sextorsión. Qué hacer ante la sextorsión. Cómo denunciar una"
            " sextorsión."
        ),
    )
    once = text_measure(
        owner,
        "Programa de apoyo escolar",
        "Talleres para familias y docentes en centros de secundaria.",
        text_language="es",
        description="Una sesión sobre sextorsión.",
    )
    assert found("sextortion") == [often.id, once.id]


# A term of the vocabulary in a measure's text, and the queries in other languages that find
# that measure and not one like it without the term.
NAMED_ALIKE = {
    # Spanish "special educational needs", and "deaf children" in German.
    "children with disabilities": (
        ("Safety assemblies for primary schools",
         "Assemblies on abuse, with a version for children with special educational needs."),
        ("Safety assemblies for secondary schools", SUMMARY),
        ("necesidades educativas especiales", "gehörlose Kinder"),
    ),
    "parents' evening": (
        ("Body safety lessons",
         "Five lessons for pupils, with a parents' evening before they start."),
        ("Body safety workbook", "Lessons for pupils, at home with a carer."),
        ("Elternabend", "rodičovské stretnutie"),
    ),
    "puppets as theatre": (
        ("Body safety workshop", "Two facilitators use puppet skits to teach children."),
        ("Body safety workbook", "Lessons for children, at home with a carer."),
        ("spectacol de păpuși", "títeres"),
    ),
    "concerned relatives": (
        ("Confidential helpline",
         "Advice for adults worried about their thoughts, and for family and friends of"
         " someone who may pose a risk."),
        ("Confidential chat", "Advice for adults worried about their thoughts."),
        ("Angehörige", "närstående"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", NAMED_ALIKE)
def test_a_term_is_named_alike_in_every_language(app, case):
    (title, summary), (other_title, other_summary), queries = NAMED_ALIKE[case]
    owner = make_user()
    named = text_measure(owner, title, summary)
    text_measure(owner, other_title, other_summary)
    for query in queries:
        assert found(query) == [named.id], query


def test_the_languages_a_measure_is_offered_in_are_named_in_every_language(app):
    owner = make_user()
    arabic = text_measure(
        owner, "Body safety booklet for parents", SUMMARY, languages=["en", "ar", "fa"]
    )
    text_measure(owner, "Body safety booklet for carers", SUMMARY, languages=["en"])
    # Its text never names the languages: the record does, and Lithuanian, German and
    # Spanish name them as CLDR does.
    assert found("medžiaga tėvams arabų kalba") == [arabic.id]
    assert found("auf Persisch") == [arabic.id]
    assert found("en árabe") == [arabic.id]


def test_a_concept_every_measure_is_about_weighs_less_than_what_the_query_is_about(app):
    owner = make_user()
    # A Danish query, English measures: found through concepts only, both of them by both.
    # "Forebyggelse" (prevention) is what every measure is about; "skolen" (school) says which
    # one is meant.
    about_prevention = text_measure(
        owner,
        "Prevention first: a prevention programme",
        "Prevention of abuse through prevention work in the community, and one talk at a school.",
    )
    about_school = text_measure(
        owner,
        "School lessons",
        "Lessons at school for pupils and their teachers.",
        description="Part of our prevention work.",
    )
    for n in range(3):
        text_measure(
            owner,
            f"Prevention network {n}",
            "Prevention of abuse in sport clubs.",
        )
    ranked = found("forebyggelse i skolen")
    assert ranked.index(about_school.id) < ranked.index(about_prevention.id)


def test_matching_a_part_every_measure_is_about_counts_little_among_the_parts_matched(app):
    owner = make_user()
    # Only the first measure matches both parts ("forebyggelse": prevention; "skolen":
    # school), but the second is about what the query asks for. (The settings keep the
    # record's default, school, off the others.)
    about_prevention = text_measure(
        owner,
        "Prevention first",
        "Prevention work in the community, and one talk at a school.",
        settings=["community"],
    )
    about_school = text_measure(
        owner, "School lessons", "Lessons at school for pupils and their teachers."
    )
    for n in range(3):
        text_measure(
            owner,
            f"Prevention network {n}",
            "Prevention of abuse in sport clubs.",
            settings=["sport_leisure"],
        )
    ranked = found("forebyggelse i skolen")
    assert ranked.index(about_school.id) < ranked.index(about_prevention.id)


def test_removing_images_is_asked_for_and_found_in_any_language(app):
    owner = make_user()
    takedown = text_measure(
        owner,
        "Reporting and removal scheme",
        "The regulator sends removal notices to the platforms that host intimate images.",
    )
    text_measure(owner, "Parent evenings on online safety", SUMMARY)
    # Polish "removal of photos": a concept of the field, not another topic.
    results = search("usuwanie zdjęć nastolatków")
    assert results.off_topic == [] and [h.id for h in results.hits][:1] == [takedown.id]
    assert [str(via) for via in results.hits[0].matched_via] == [
        "content removal (from ‘usuwanie zdjęć’)"
    ]
    assert found("retrait des images") == found("Löschung von Bildern") == [takedown.id]
