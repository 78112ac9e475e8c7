"""Everyday phrasings: a query in the words people use ("my son touches other kids") matches
the concept the field names ("harmful sexual behaviour"), app/search/concept_match.py."""

from __future__ import annotations

from collections import Counter

import pytest

from app.search.backends.base import typed_text
from app.search.concept_match import _phrase_pools, phrase_concepts, phrasing_holds
from app.search.concepts import load_concepts
from app.search.query import Concepts, parse_text
from tests.conftest import make_user
from tests.search.conftest import found, search, text_measure

# Languages that queries come in most: each has phrasings for most concepts that have any.
MAIN_LANGUAGES = ("en", "de", "fr", "nl", "it", "es", "pl", "sv", "fi", "cs", "pt", "da")


def concepts_of(query: str) -> list[str]:
    return [concept for concept, _matched in phrase_concepts(query.split())]


@pytest.mark.whoosh_only
def test_phrasings_cover_over_a_hundred_concepts_in_the_main_languages():
    phrased = [c for c in load_concepts().concepts if c.phrases]
    assert len(phrased) >= 110
    per_language = Counter(lang for c in phrased for lang in c.phrases)
    for lang in MAIN_LANGUAGES:
        assert per_language[lang] >= 0.9 * len(phrased), lang


@pytest.mark.whoosh_only
def test_words_of_several_phrasings_of_a_concept_count_together():
    # "threatened" is in one of sextortion's phrasings, "webcam" in another.
    assert concepts_of("threatened webcam") == ["sextortion"]
    assert concepts_of("my son touches other kids") == ["harmful_sexual_behaviour"]


@pytest.mark.whoosh_only
def test_phrasing_holds_counts_the_words_one_phrasing_holds_alone():
    # "Schulweg" is in one of exhibitionism's German phrasings, "Kindern" in others.
    assert concepts_of("Verkehrserziehung Schulweg für Kinder") == ["exhibitionism"]
    assert phrasing_holds(["Schulweg", "Kinder"]) == 1
    # "l'entraîneur de foot envoie des messages privés à mon fils" holds two.
    assert phrasing_holds(["fils", "messages", "adulte"]) == 2
    assert phrasing_holds(["Verkehrserziehung"]) == 0


@pytest.mark.whoosh_only
def test_in_each_language_with_its_own_stems_and_function_words():
    assert concepts_of("Jugendliche mit Nacktfotos erpresst") == ["sextortion"]
    assert concepts_of("ragazzi ricattati con foto intime") == ["sextortion"]
    assert concepts_of("lapset katsovat pornoa") == ["pornography_exposure"]
    # "son" is a French function word, but an English word here.
    pool = _phrase_pools()["en"]
    assert "son" in pool.words["harmful_sexual_behaviour"]


@pytest.mark.whoosh_only
def test_a_rare_word_weighs_more_than_a_common_one():
    pool = _phrase_pools()["en"]
    assert pool.weight["blackmail"] > pool.weight["child"]
    assert pool.unknown > max(pool.weight.values())
    # Words common to the phrasings of many concepts alone are no phrasing of any.
    assert concepts_of("children abuse kids") == []


@pytest.mark.whoosh_only
def test_two_words_many_concepts_phrasings_hold_are_no_phrasing():
    # "says" and "abused" are in a phrasing of theatre, as in many others'; "son" and
    # "pictures" in sextortion's; "daughter" and "shared" in social media's.
    assert concepts_of("the boy says he was abused") == []
    assert concepts_of("son pictures") == []
    assert concepts_of("my daughter shared it") == []
    # One word few concepts' phrasings hold is telling: "webcam".
    assert concepts_of("threatened webcam") == ["sextortion"]
    # Such words still read as everyday words: the rest of the query keeps its phrasing.
    pool = _phrase_pools()["de"]
    assert len(pool.concepts["anschau"]) == 1
    assert concepts_of("Online-Therapie für Menschen, die Missbrauchsabbildungen anschauen") == [
        "online_self_help"
    ]


@pytest.mark.whoosh_only
def test_manipulating_children_online_is_grooming():
    # No measure says "manipulation": without the phrasing it was the missing word.
    assert concepts_of("Manipulation von Kindern im Internet") == ["grooming"]
    assert concepts_of("manipulation of children online") == ["grooming"]


@pytest.mark.whoosh_only
def test_a_query_about_two_things_matches_the_concept_of_each():
    assert sorted(concepts_of("dad hits mum and the kids are left without food")) == [
        "domestic_violence",
        "neglect",
    ]


@pytest.mark.whoosh_only
def test_a_concept_the_typed_terms_name_is_no_phrasing_of_the_other_words():
    # "phone line" names the helpline; the rest reads like sexual interest in children (and
    # like a helpline's phrasings too, which would take its words as the helpline's).
    assert concepts_of("phone line to talk about my own sexual thoughts about kids") == [
        "sexual_interest_in_children"
    ]


@pytest.mark.whoosh_only
def test_the_fields_own_terms_are_no_everyday_phrasing():
    assert concepts_of("child sexual abuse material") == []
    assert concepts_of("grooming prevention school") == []
    assert concepts_of("the weather in Brussels tomorrow morning") == []


@pytest.mark.whoosh_only
def test_a_long_query_mostly_about_something_else_is_not_a_phrasing():
    assert "sextortion" not in concepts_of(
        "annual budget report of the national statistics office photos threatened"
    )


def test_a_phrasing_finds_the_measures_of_its_concept(app):
    owner = make_user()
    barnahus = text_measure(
        owner,
        "Barnahus: one roof for the child",
        "A child advocacy centre where interviews, medical examination and therapy happen"
        " in one place.",
    )
    text_measure(
        owner, "Reading club for families", "Stories read aloud every week in the library."
    )
    query = "somewhere an abused child is interviewed by police and doctors in one place"
    parsed = parse_text(query)
    assert ("child_advocacy_centre",) in [
        n.ids for n in parsed.root.should if isinstance(n, Concepts)
    ]
    assert barnahus.id in [h.id for h in search(query).hits]


def test_the_words_a_phrasing_matched_are_the_concepts_to_match():
    parsed = parse_text("a house where abused children are interviewed")
    (phrasing,) = [n for n in parsed.root.should if isinstance(n, Concepts)]
    assert phrasing.ids == ("child_advocacy_centre",)
    by_text = {typed_text(unit): unit for unit in parsed.units}
    assert parsed.phrasings_of(by_text["house"]) == (phrasing,)
    assert parsed.phrasings_of(by_text["interviewed"]) == (phrasing,)


def test_a_phrasing_of_a_concept_a_typed_term_names_counts_for_the_words_around_it():
    # "WhatsApp" names messaging apps; "hija recibe mensajes" (my daughter receives messages)
    # is a phrasing of them: a measure about them has what those words asked for too.
    parsed = parse_text("mi hija recibe mensajes de un adulto en WhatsApp")
    (phrasing,) = [n for n in parsed.root.should if isinstance(n, Concepts)]
    assert phrasing.ids == ("messaging_apps",) and "hija" in phrasing.matched.split()
    by_text = {typed_text(unit): unit for unit in parsed.units}
    assert parsed.phrasings_of(by_text["hija"]) == (phrasing,)
    # One expansion to remove, as typed.
    assert [(e.concept, e.matched) for e in parsed.expansions] == [("messaging_apps", "WhatsApp")]
    # A phrasing of the term's own words adds nothing.
    assert not [n for n in parse_text("WhatsApp chat").root.should if isinstance(n, Concepts)]


def test_a_measure_with_the_concept_of_a_phrasing_counts_as_matching_its_words(app):
    # The holiday home holds "house" as typed; the Barnahus holds what "house … interviewed"
    # asks for, in the field's term, and ranks first.
    owner = make_user()
    barnahus = text_measure(
        owner, "Barnahus for the region", "A child advocacy centre where abused children are heard."
    )
    holiday = text_measure(
        owner,
        "Holiday house for children",
        "Children stay in a house by the sea, a house with a garden.",
    )
    assert found("a house where abused children are interviewed")[:2] == [barnahus.id, holiday.id]


@pytest.mark.whoosh_only
def test_between_concepts_covering_as_much_the_one_with_a_phrasing_holding_it_all_wins():
    # Peer-on-peer abuse's phrasings hold "son", "touched" and "kid" in several phrasings;
    # harmful sexual behaviour has this very phrasing.
    pool = _phrase_pools()["en"]
    assert {"son", "touch", "kid"} <= pool.words["peer_on_peer_abuse"]
    assert concepts_of("my son touches other kids") == ["harmful_sexual_behaviour"]


@pytest.mark.whoosh_only
def test_a_word_for_what_every_measure_is_about_matches_no_phrasing():
    # "prevenção" is in a Portuguese phrasing of cost-effectiveness only, so it would weigh
    # much; drowning is no topic of the field.
    assert concepts_of("prevenção de afogamentos em crianças") == []
    assert concepts_of("prevención de caídas en personas mayores") == []


@pytest.mark.whoosh_only
def test_a_parents_question_in_everyday_words_reads_as_a_phrasing():
    # With phrasings required to cover 60 % of the query, this was taken for a question no
    # measure is about ("fils", "reçoit", "inconnu" missing).
    assert concepts_of("mon fils reçoit des messages d'un inconnu") == ["sexual_solicitation"]
