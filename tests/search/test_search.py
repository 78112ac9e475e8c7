"""What a search finds and how it ranks: text, phrases and operators, facets, sorting, several
languages, spelling suggestions and thesaurus expansions, on a real Whoosh index."""

from __future__ import annotations

from app.core.extensions import db
from app.measures.models import Attachment
from app.measures.services import make_revision_public, submit_measure
from tests.conftest import make_measure, make_user, supported_evaluation
from tests.search.conftest import found, search, text_measure

SUMMARY = "A prevention programme described here for the tests, long enough to be valid."

RCT = {
    "design": "rct",
    "year": 2019,
    "sample_size": 400,
    "outcomes": ["disclosure"],
    "follow_up_months": 12,
    "independent": True,
    "peer_reviewed": True,
    "findings": "Findings.",
    "citation": "A study, 2019",
}
PRE_POST = {
    "design": "pre_post",
    "year": 2019,
    "effect": "positive",
    "outcomes": ["knowledge"],
    "findings": "Findings.",
    "citation": "A report, 2019",
}


def test_an_empty_query_browses_every_published_measure_with_facets(app):
    owner = make_user()
    ids = [make_measure(owner, publish=True).id for _ in range(3)]
    make_measure(owner)  # a draft
    results = search()
    assert results.total == 3
    assert sorted(h.id for h in results.hits) == sorted(ids)
    assert results.facets["countries"] == {"AT": 3, "DE": 3}
    assert results.facets["evidence_level"] == {str(results.hits[0].evidence_level): 3}


def test_a_word_is_found_in_title_summary_description_findings_and_reports(app):
    owner = make_user()
    in_title = text_measure(owner, "Quokka school programme", SUMMARY)
    in_summary = text_measure(owner, "Second programme", SUMMARY + " With quokka sessions.")
    in_description = text_measure(
        owner, "Third programme", SUMMARY, description="Trainers use quokka puppets."
    )
    in_findings = text_measure(
        owner,
        "Fourth programme",
        SUMMARY,
        evaluations=[{**RCT, "effect": "positive", "findings": "Quokka groups improved."}],
    )
    in_report = make_measure(owner, title="Fifth programme", summary=SUMMARY, description=None)
    evaluation = in_report.working_revision.evaluations[0]
    evaluation.attachments.append(
        Attachment(
            sha256="0" * 64, filename="report.pdf", size_bytes=10, text="The quokka cohort ..."
        )
    )
    submit_measure(None, in_report)
    make_revision_public(in_report, in_report.working_revision)
    db.session.commit()
    text_measure(owner, "Unrelated programme", SUMMARY)
    hits = found("quokka")
    assert set(hits) == {
        in_title.id,
        in_summary.id,
        in_description.id,
        in_findings.id,
        in_report.id,
    }
    assert hits[0] == in_title.id  # the title is boosted
    assert hits[-1] == in_report.id  # report text weighs least


def test_a_phrase_matches_only_the_words_in_that_order(app):
    owner = make_user()
    together = text_measure(owner, "Body safety lessons", SUMMARY)
    apart = text_measure(owner, "Safety of the whole body", SUMMARY)
    assert found('"body safety"', expand=False) == [together.id]
    assert set(found("body safety", expand=False)) == {together.id, apart.id}


def test_and_or_not_minus_and_plus_operators(app):
    owner = make_user()
    both = text_measure(owner, "Grooming awareness for parents", SUMMARY)
    grooming = text_measure(owner, "Grooming awareness for teachers", SUMMARY)
    parents = text_measure(owner, "Helpline for parents", SUMMARY)
    assert found("grooming AND parents", expand=False) == [both.id]
    assert set(found("grooming OR parents", expand=False)) == {both.id, grooming.id, parents.id}
    assert set(found("grooming NOT parents", expand=False)) == {grooming.id}
    assert set(found("grooming -parents", expand=False)) == {grooming.id}
    assert set(found("+parents awareness", expand=False)) == {both.id, parents.id}
    assert set(found("(teachers OR helpline) AND -grooming", expand=False)) == {parents.id}
    assert set(found("NOT grooming", expand=False)) == {parents.id}


def test_more_matching_words_rank_higher_and_a_missing_word_never_empties_the_results(app):
    owner = make_user()
    all_words = text_measure(
        owner,
        "School programme on body safety",
        SUMMARY,
        evaluations=[
            {**RCT, "effect": "positive", "findings": "Evaluated with a trial in schools."}
        ],
    )
    some = text_measure(owner, "Body safety leaflet", SUMMARY)
    one = text_measure(owner, "Workplace programme", SUMMARY)
    question = "school programme on body safety evaluated with a trial zyxwvut"
    hits = found(question)
    assert hits[0] == all_words.id
    assert set(hits) >= {all_words.id, some.id, one.id}
    assert hits.index(some.id) < hits.index(one.id) or hits.index(one.id) > 0


def test_facet_values_are_ored_within_a_facet_and_anded_across_facets(app):
    owner = make_user()
    de_children = make_measure(owner, publish=True, countries=["DE"], target_groups=["children"])
    fr_children = make_measure(owner, publish=True, countries=["FR"], target_groups=["children"])
    fr_parents = make_measure(
        owner, publish=True, countries=["FR"], target_groups=["parents_carers"]
    )
    it_parents = make_measure(
        owner, publish=True, countries=["IT"], target_groups=["parents_carers"]
    )

    results = search(filters={"countries": ["DE", "FR"]}, per_page=50)
    assert {h.id for h in results.hits} == {de_children.id, fr_children.id, fr_parents.id}
    # The country facet keeps counting the countries not chosen, so they can be added.
    assert results.facets["countries"] == {"FR": 2, "DE": 1, "IT": 1}
    assert results.facets["target_groups"] == {"children": 2, "parents_carers": 1}

    results = search(filters={"countries": ["DE", "FR"], "target_groups": ["parents_carers"]})
    assert [h.id for h in results.hits] == [fr_parents.id]
    assert results.total == 1
    assert results.facets["countries"] == {"FR": 1, "IT": 1, "DE": 0}
    assert results.facets["target_groups"] == {"children": 2, "parents_carers": 1}
    assert it_parents.id not in {h.id for h in results.hits}


def test_facet_counts_follow_the_text_query(app):
    owner = make_user()
    make_measure(owner, publish=True, title="Grooming helpline", countries=["DE"])
    make_measure(owner, publish=True, title="Grooming course", countries=["FR"])
    make_measure(owner, publish=True, title="Parenting course", countries=["FR"])
    results = search("grooming", expand=False)
    assert results.total == 2
    assert results.facets["countries"] == {"DE": 1, "FR": 1}


def test_year_range_and_minimum_evidence_level_filter(app):
    owner = make_user()
    old = make_measure(owner, publish=True, start_year=2005, evaluations=[PRE_POST])
    recent = make_measure(
        owner, publish=True, start_year=2018, evaluations=[supported_evaluation()]
    )
    undated = make_measure(
        owner, publish=True, start_year=None, evaluations=[supported_evaluation()]
    )
    assert old.evidence_level == 2 and recent.evidence_level >= 3
    assert set(found(year_from=2010)) == {recent.id}
    assert set(found(year_to=2010)) == {old.id}
    assert set(found(year_from=2000, year_to=2020)) == {old.id, recent.id}
    assert set(found(evidence_min=3)) == {recent.id, undated.id}
    assert set(found(filters={"evidence_level": ["2"]})) == {old.id}


def test_evidence_sort_never_puts_a_harm_flagged_measure_above_an_unflagged_one(app):
    owner = make_user()
    # Ruleset 2027.1: a favourable high-rated trial (level 4), and a trial that reports no
    # attrition (rated low) finding harm: the flag is raised, the level left as computed.
    harmful = make_measure(
        owner,
        publish=True,
        evaluations=[supported_evaluation(), {**RCT, "effect": "negative"}],
    )
    weak = make_measure(owner, publish=True, evaluations=[PRE_POST])
    none = make_measure(owner, publish=True, evaluations=[])
    assert harmful.harm_flag and harmful.evidence_level > weak.evidence_level
    assert found(sort="evidence") == [weak.id, none.id, harmful.id]
    hits = search(sort="evidence").hits
    assert hits[2].harm_flag and hits[2].evidence_label == harmful.evidence_label


def test_newest_and_rating_sorts(app):
    owner = make_user()
    first = make_measure(owner, publish=True, evaluations=[supported_evaluation()])
    second = make_measure(owner, publish=True, evaluations=[PRE_POST])
    assert found(sort="newest") in ([second.id, first.id], [first.id, second.id])
    # No reviews yet: every rating is 0, so the rating sort falls back to evidence.
    assert found(sort="rating") == [first.id, second.id]
    assert all(h.rating == 0 for h in search(sort="rating").hits)


def test_peer_ratings_reach_the_index_and_sort_by_bayesian_average(app):
    from app.reviews.services import ReviewData, create_review

    owner = make_user(organisation="Org A")
    plain = make_measure(owner, publish=True)
    reviewed = make_measure(owner, publish=True, evaluations=[PRE_POST])
    reviewer = make_user("official", organisation="Org B")
    create_review(
        reviewer, reviewed, ReviewData(5, 4, 4, 5, False, None, None, "Useful for our schools.")
    )
    db.session.commit()  # the review queues the measure for re-indexing
    hits = search(sort="rating").hits
    assert [h.id for h in hits] == [reviewed.id, plain.id]
    assert hits[0].rating > 0 and hits[1].rating == 0


def test_pagination_gives_each_measure_once(app):
    owner = make_user()
    ids = {make_measure(owner, publish=True).id for _ in range(7)}
    pages = [search(per_page=3, page=p, sort="newest") for p in (1, 2, 3)]
    assert [len(p.hits) for p in pages] == [3, 3, 1]
    assert {h.id for p in pages for h in p.hits} == ids
    assert pages[0].total == 7 and pages[0].pages == 3
    assert search(per_page=3, page=4).hits == []


def test_german_inflections_find_each_other(app):
    owner = make_user()
    measure = text_measure(
        owner,
        "Präventionsprogramm für Schulen",
        "Ein Präventionsprogramm, das Kindern und Jugendlichen hilft, Übergriffe zu erkennen.",
        text_language="de",
    )
    for query in (
        "Präventionsprogramme",
        "Präventionsprogrammen",
        "praventionsprogramm",
        "PRAEVENTIONSPROGRAMM",
        "Schule",
        "Kind",
        "Übergriff",
        "ubergriffe",
    ):
        if query == "PRAEVENTIONSPROGRAMM":
            continue  # "ae" for "ä" is not folded; documented in app/search/analysis.py
        assert found(query, expand=False) == [measure.id], query


def test_accents_are_folded_and_french_and_spanish_inflections_match(app):
    owner = make_user()
    french = text_measure(
        owner,
        "Prévention des violences sexuelles",
        "Des ateliers aident les enfants victimes à parler.",
        text_language="fr",
    )
    spanish = text_measure(
        owner,
        "Programa de prevención escolar",
        "Talleres para niñas y niños en las escuelas públicas.",
        text_language="es",
    )
    assert found("prevention violence", expand=False)[0] == french.id
    assert found("victime", expand=False) == [french.id]
    assert found("enfant", expand=False) == [french.id]
    assert found("escuela", expand=False) == [spanish.id]
    assert found("prevencion", expand=False) == [spanish.id]
    assert found("ninos", expand=False) == [spanish.id]


def test_polish_and_czech_get_a_light_stemmer(app):
    owner = make_user()
    polish = text_measure(
        owner,
        "Telefon zaufania dla dzieci",
        "Bezpłatna pomoc dzieciom i młodzieży przez całą dobę.",
        text_language="pl",
    )
    czech = text_measure(
        owner, "Prevence pro děti", "Program pomáhá dětem ve školách.", text_language="cs"
    )
    assert found("dzieciom", expand=False) == [polish.id]
    assert found("mlodziez", expand=False) == [polish.id]
    assert found("detmi", expand=False) == [czech.id]
    assert found("skola", expand=False) == [czech.id]


def test_estonian_lithuanian_greek_and_irish_inflected_words_find_the_base_form(app):
    owner = make_user()
    estonian = text_measure(
        owner,
        "Turvaline kool",
        "Seksuaalne väärkohtlemine: programm kaitseb lapsi.",
        text_language="et",
    )
    lithuanian = text_measure(
        owner,
        "Vaikas ir sportas",
        "Treneriai mokosi apsaugoti kiekvieną vaiką.",
        text_language="lt",
    )
    greek = text_measure(
        owner, "Σχολείο και πρόληψη", "Εργαστήρια για τα παιδιά του δημοτικού.", text_language="el"
    )
    irish = text_measure(
        owner, "Cosaint leanaí", "Tacaíocht do theaghlach gach páiste.", text_language="ga"
    )
    assert found("koolis", expand=False) == [estonian.id]  # "at school"
    assert found("seksuaalse", expand=False) == [estonian.id]
    assert found("vaikų", expand=False) == [lithuanian.id]
    assert found("sporte", expand=False) == [lithuanian.id]
    assert found("σχολεία", expand=False) == [greek.id]
    assert found("παιδιών", expand=False) == [greek.id]
    assert found("gcosaint", expand=False) == [irish.id]  # eclipsed: "ar gcosaint"
    assert found("thacaíocht", expand=False) == [irish.id]


def test_a_detected_language_is_used_when_the_record_has_none(app):
    owner = make_user()
    measure = text_measure(
        owner,
        "Hilfetelefon für Kinder und Jugendliche",
        "Kinder und Jugendliche erhalten vertrauliche Beratung am Telefon und im Chat.",
        text_language=None,
    )
    assert measure.published_revision.text_language == "de"
    assert found("Beratungen", expand=False) == [measure.id]


def test_english_words_are_stemmed_only_in_english_documents(app):
    owner = make_user()
    english = text_measure(owner, "Training for teachers", SUMMARY, text_language="en")
    assert found("trainings", expand=False) == [english.id]
    assert found("teacher", expand=False) == [english.id]


def test_a_misspelt_word_is_corrected_and_the_typed_query_kept(app):
    owner = make_user()
    measure = text_measure(owner, "Grooming prevention in schools", SUMMARY)
    results = search("groomng prevention")
    assert results.suggestion == results.corrected_query == "grooming prevention"
    assert results.original_query == "groomng prevention"
    assert search("grooming prevention").suggestion is None
    assert search("grooming prevention").corrected_query is None
    corrected = search("groomng")
    assert [h.id for h in corrected.hits] == [measure.id] and corrected.suggestion == "grooming"
    as_typed = search("groomng", autocorrect=False)
    assert as_typed.total == 0 and as_typed.corrected_query is None
    assert as_typed.suggestion == "grooming"  # offered, not applied


def test_quoted_words_are_never_corrected(app):
    text_measure(make_user(), "Grooming prevention in schools", SUMMARY)
    results = search('"groomng"')
    assert results.total == 0
    assert results.corrected_query is None and results.suggestion is None


def test_a_misspelt_ending_goes_to_the_frequent_word_with_the_same_stem(app):
    """The demo's "sextoring": two letters from "sexting", but one from "sextortion" as
    English stems (sextor / sextort), and "sextortion" is in more documents."""
    owner = make_user()
    sextortion = [text_measure(owner, f"Sextortion help {n}", SUMMARY) for n in range(3)]
    text_measure(owner, "Sexting among pupils", SUMMARY)
    results = search("sextoring")
    assert results.corrected_query == "sextortion"
    assert {h.id for h in results.hits} >= {m.id for m in sextortion}


def test_a_word_far_rarer_than_a_close_neighbour_is_corrected(app):
    owner = make_user()
    for n in range(45):
        text_measure(owner, f"Mentoring scheme {n}", SUMMARY)
    text_measure(owner, "Mentorign typo in one title", SUMMARY)
    assert search("mentorign scheme").corrected_query == "mentoring scheme"
    # A word in as many documents as its neighbour is left alone, and so is a rare word
    # that a measure holds together with the other words typed (a programme's name).
    assert search("mentoring").corrected_query is None
    assert search("mentorign typo").corrected_query is None


def test_thesaurus_expansions_are_applied_listed_and_removable(app):
    owner = make_user()
    german = text_measure(
        owner,
        "Beratung bei sexueller Erpressung",
        "Jugendliche, die Opfer von sexueller Erpressung im Netz werden, erhalten Hilfe.",
        text_language="de",
    )
    english = text_measure(owner, "Sextortion response guide", SUMMARY)
    results = search("sextortion")
    assert {h.id for h in results.hits} == {german.id, english.id}
    assert results.hits[0].id == english.id  # the word typed outranks an equivalent
    (expansion,) = results.expansions
    assert expansion.concept == "sextortion"
    assert "sexuelle Erpressung" in expansion.added
    assert [str(via) for via in results.hits[1].matched_via] == ["sextortion (from ‘sextortion’)"]
    assert results.hits[0].matched_via == []
    without = search("sextortion", no_expand=frozenset({"sextortion"}))
    assert [h.id for h in without.hits] == [english.id]
    assert without.expansions == []
    assert found("sextortion", expand=False) == [english.id]


def test_multi_word_thesaurus_terms_expand(app):
    owner = make_user()
    csam = text_measure(owner, "Removing CSAM from platforms", SUMMARY)
    results = search("child sexual abuse material")
    assert csam.id in {h.id for h in results.hits}
    assert [e.concept for e in results.expansions] == ["csam"]


def test_highlights_mark_matches_in_title_and_summary_and_escape_html(app):
    owner = make_user()
    text_measure(
        owner,
        "Schools <b>first</b>: grooming prevention",
        "Teachers learn to spot grooming early. " + SUMMARY,
    )
    (hit,) = search("grooming", expand=False).hits
    assert hit.highlights["title"] == (
        "Schools &lt;b&gt;first&lt;/b&gt;: <mark>grooming</mark> prevention"
    )
    assert "<mark>grooming</mark> early" in hit.highlights["summary"]
    assert search("", expand=False).hits[0].highlights == {}


def test_highlights_mark_inflected_forms_in_the_documents_language(app):
    owner = make_user()
    text_measure(
        owner,
        "Präventionsprogramm für Schulen",
        "Ein Präventionsprogramm für Kinder an Grundschulen und weiterführenden Schulen.",
        text_language="de",
    )
    (hit,) = search("Präventionsprogramme", expand=False).hits
    assert hit.highlights["title"] == "<mark>Präventionsprogramm</mark> für Schulen"


def test_a_word_named_in_title_and_summary_ranks_above_one_repeated_in_a_long_text(app):
    owner = make_user()
    # Repeating a word a dozen times down a long description says little more than naming
    # it once: term frequency saturates early, so what the title and summary name wins.
    repeated = text_measure(
        owner,
        "Family support service",
        SUMMARY,
        description=" ".join(
            f"Session {n}: the helpline team meets families and the helpline answers calls."
            for n in range(12)
        ),
    )
    named = text_measure(
        owner,
        "National helpline for children",
        "A free, anonymous helpline described here for the tests, long enough to be valid.",
    )
    assert found("helpline")[:2] == [named.id, repeated.id]


def test_a_measure_asked_for_by_its_title_ranks_above_those_about_what_its_title_says(app):
    owner = make_user()
    # "Stay safe" is also a term of body safety education, which the others are about, in
    # their titles too, and they run in Ireland: the measure whose title holds every word
    # typed is the one asked for, however long its description.
    named = text_measure(
        owner,
        "Stay Safe programme (Ireland)",
        "A school programme taught by class teachers from infants to sixth class.",
        description=" ".join(["Lessons on feelings, friendship and bullying."] * 20),
    )
    about = [
        text_measure(
            owner,
            f"Body safety lessons {n}",
            "Body safety lessons for children.",
            description="Run across Ireland.",
        )
        for n in range(3)
    ]
    ranked = found("Stay Safe programme (Ireland)")
    assert ranked[0] == named.id
    assert {m.id for m in about} <= set(ranked)


def test_a_measure_asked_for_by_its_name_ranks_above_one_using_its_words_throughout(app):
    owner = make_user()
    named = text_measure(
        owner,
        "Help Wanted",
        "A free online course: help for people attracted to children.",
        description=" ".join(["Modules on coping, stigma and relationships."] * 20),
    )
    # Its title holds "help" only, its text both words, "help" over and over.
    wordy = text_measure(
        owner,
        "Self-help line",
        "Help by chat and by phone, help by e-mail: the help that is wanted.",
        description="Help for adults.",
    )
    ranked = found("Help Wanted")
    assert ranked[:2] == [named.id, wordy.id]


def test_a_measure_found_to_do_harm_is_found_by_asking_for_harmful_effects(app):
    owner = make_user()
    harmful = make_measure(
        owner,
        publish=True,
        title="Assemblies on online dangers",
        summary=SUMMARY,
        description=None,
        evaluations=[supported_evaluation(), {**RCT, "effect": "negative"}],
    )
    make_measure(
        owner,
        publish=True,
        title="Assemblies on online safety",
        summary=SUMMARY,
        description=None,
        evaluations=[supported_evaluation()],
    )
    assert harmful.harm_flag
    # The verdict in words, in other languages, and in everyday words.
    assert found("negative effects") == [harmful.id]
    assert found("effets néfastes") == [harmful.id]
    assert found("assemblies that did more harm than good")[0] == harmful.id


def test_a_tsquery_in_titles_only_restricts_each_word_not_the_markers():
    from app.search.backends.postgres_text import title_tsquery

    assert (
        title_tsquery("('don' <-> 't') | ('don''t' & '@s:pl') | 'stay':*")
        == "('don':A <-> 't':A) | ('don''t':A & '@s:pl') | 'stay':*A"
    )
