""" "Did you mean" is built from what is published now: never from archived measures or from
the text of a revision that was replaced, not even while a worker's caches are older than the
change; and it corrects only a few words of plausible length per query (issue 15)."""

from __future__ import annotations

import pytest

from app.core.extensions import db
from app.measures.services import submit_measure, update_measure
from app.moderation.services import archive_measure, publish_measure
from app.records.schema import validate_record
from app.search import indexer, off_topic
from app.search.analysis import tokenize
from app.search.backends.postgres_backend import PostgresBackend
from app.search.backends.whoosh_backend import WhooshBackend
from app.search.common_words import common_words, is_common_word, query_languages
from app.search.suggestions import MAX_CORRECTED_WORDS, MAX_WORD_LENGTH, RARER_FACTOR, with_accents
from tests.conftest import make_user, sample_record
from tests.search.conftest import search, text_measure

SUMMARY = "A prevention programme described here for the tests, long enough to be valid."
# "zephyrone" is one letter away from "zephyrine" and shares no stem with it.
SECRET, TYPO = "zephyrine", "zephyrone"


def test_a_published_word_is_suggested(app):
    text_measure(make_user(), "Zephyrine mentoring scheme", SUMMARY)
    assert search(TYPO).suggestion == SECRET


def test_words_of_an_archived_measure_are_never_suggested(app):
    owner, moderator = make_user(), make_user("moderator")
    archived = text_measure(owner, "Zephyrine mentoring scheme", SUMMARY)
    text_measure(owner, "Lighthouse mentoring scheme", SUMMARY)
    assert search(TYPO).suggestion == SECRET
    archive_measure(moderator, archived, "Closed down.")
    db.session.commit()
    results = search(TYPO)
    assert results.total == 0
    assert results.suggestion is None
    assert search("lighthuose").suggestion == "lighthouse"  # suggestions still work


def test_words_of_a_replaced_revision_are_never_suggested(app):
    owner, moderator = make_user(), make_user("moderator")
    measure = text_measure(owner, "Zephyrine mentoring scheme", SUMMARY)
    assert search(TYPO).suggestion == SECRET
    update_measure(owner, measure, validate_record(sample_record(title="Beacon mentoring scheme")))
    submit_measure(owner, measure)
    publish_measure(moderator, measure, "Renamed.")
    db.session.commit()
    assert search(TYPO).suggestion is None
    assert search("beacin").suggestion == "beacon"


def _another_worker(backend):
    """A second process's backend on the same index: a gunicorn worker, or another host."""
    if backend.name == "whoosh":
        return WhooshBackend(str(backend.store.root))
    return PostgresBackend()


def test_a_change_written_by_another_worker_hides_its_words_here_at_once(
    app, search_backend, monkeypatch
):
    # This worker has searched (its caches hold the word); another worker then archives the
    # measure and publishes one more in the same change, so the number of documents stays.
    owner, moderator = make_user(), make_user("moderator")
    archived = text_measure(owner, "Zephyrine mentoring scheme", SUMMARY)
    assert search(TYPO).suggestion == SECRET
    with indexer.sync_paused():
        archive_measure(moderator, archived, "Closed down.")
        text_measure(owner, "Lighthouse mentoring scheme", SUMMARY)
        db.session.commit()
    with monkeypatch.context() as patch:
        patch.setitem(app.extensions, "search_backend", _another_worker(search_backend))
        assert indexer.sync().rows == 2
    results = search(TYPO)
    assert results.total == 0
    assert results.suggestion is None


def test_only_a_few_words_of_plausible_length_are_corrected(app):
    words = ["grooming", "helpline", "parents", "teachers", "workshops", "volunteers", "coaches"]
    text_measure(make_user(), " ".join(words), SUMMARY)
    typos = [w[:3] + "q" + w[4:] for w in words]  # no stem is one letter away
    corrected = search(" ".join(typos)).suggestion
    assert corrected is not None
    kept = MAX_CORRECTED_WORDS
    assert corrected.split() == words[:kept] + typos[kept:]
    # A "word" longer than any real one is noise: not worth looking up.
    long_word = "grooming" * (MAX_WORD_LENGTH // 8 + 1)
    text_measure(make_user(), long_word, SUMMARY)
    assert search(long_word[:3] + "q" + long_word[4:]).suggestion is None


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [("groomng", "grooming"), ("groomng -helpine", "grooming -helpine"), ("-helpine", None)],
)
def test_excluded_words_are_not_corrected(app, q, suggestion):
    text_measure(make_user(), "Grooming helpline", SUMMARY)
    assert search(q).suggestion == suggestion


# --- which words are corrected, and to what (issue 13) -------------------------------------


def test_a_word_known_only_by_a_stem_is_corrected_one_edit_away(app):
    # No document holds "zephyrint", but a Hungarian one holds its Hungarian stem (that of
    # "Zephyrinet"): it counts as a word in one document, corrected only to a word one edit
    # away in 20 times as many.
    owner = make_user()
    text_measure(owner, "Zephyrinet csoport", SUMMARY, text_language="hu")
    for n in range(RARER_FACTOR - 2):
        text_measure(owner, f"Zephyrinet mentoring {n}", SUMMARY)
    assert search("zephyrint mentoring").suggestion is None
    text_measure(owner, "Zephyrinet mentoring", SUMMARY)
    assert search("zephyrint mentoring").corrected_query == "zephyrinet mentoring"
    # Alone too: the Hungarian measure holds its stem, but no measure holds the word itself.
    assert search("zephyrint").corrected_query == "zephyrinet"


def test_a_word_more_than_one_edit_away_must_begin_alike_and_be_long(app):
    owner = make_user()
    text_measure(owner, "Formerly a mentoring scheme", SUMMARY)
    text_measure(owner, "Grow together", SUMMARY)
    # "farmers" and "formerly" are one edit apart only as English stems (farmer, former).
    assert search("farmers").suggestion is None
    assert search("mentirinf").suggestion == "mentoring"  # two edits, the same beginning
    assert search("mantiring").suggestion is None  # two edits, and "ma" is not "me"
    assert search("growwe").suggestion is None  # "grow" is too short to be two edits away


def test_a_short_word_is_corrected_only_by_a_swap(app):
    owner = make_user()
    text_measure(owner, "Sex education against rat poison", SUMMARY)
    assert search("sxe education").suggestion == "sex education"
    assert search("ran education").suggestion is None  # "Rat" is not a typo of "ran"


def test_a_word_is_never_corrected_to_a_shorter_one_than_four_letters(app):
    owner = make_user()
    for n in range(3):
        text_measure(owner, f"Kid mentoring {n}", SUMMARY)
    text_measure(owner, "Kids mentoring", SUMMARY)
    # "kisd" is one edit from both; "kid" is commoner but too short to be offered.
    assert search("kisd").suggestion == "kids"


def test_a_known_four_letter_word_is_not_corrected_to_a_commoner_neighbour(app):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Talk scheme {n}", SUMMARY)
    text_measure(owner, "Lasten talo", SUMMARY)  # Finnish: the children's house
    assert search("talo scheme").suggestion is None


def test_equally_close_words_go_to_the_closer_as_a_word(app):
    owner = make_user()
    for n in range(3):
        text_measure(owner, f"Abuse mentoring {n}", SUMMARY)
    text_measure(owner, "Abused children", SUMMARY)
    # One edit from both as English stems (abus), but one letter from "abused" as words.
    assert search("abuused").suggestion == "abused"


@pytest.mark.parametrize("q", ["zephyr'one", "zephyr.one"])
def test_words_with_an_apostrophe_or_a_dot_are_never_corrected(app, q):
    text_measure(make_user(), "Zephyrine mentoring scheme", SUMMARY)
    assert search(q).suggestion is None


def test_the_correction_keeps_what_the_user_typed_around_it(app):
    owner = make_user()
    text_measure(owner, "Zephyrine mentoring scheme", SUMMARY)
    text_measure(owner, "Präventionsprogramm für Grundschulen", SUMMARY, text_language="de")
    assert search("Zephyrone, mentoring!").corrected_query == "Zephyrine, mentoring!"
    assert search("ZEPHYRONE scheme").corrected_query == "ZEPHYRINE scheme"
    assert search("Präventionsprogram").corrected_query == "Präventionsprogramm"
    # A part of a hyphenated word, as a word on its own.
    assert search("Zephyrone-mentoring").corrected_query == "Zephyrine-mentoring"


def test_a_four_letter_word_is_never_corrected_by_replacing_a_letter(app):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Live talk care scheme {n}", SUMMARY)
    # Real words of English and Finnish, one letter from commoner words of this corpus.
    for word in ("love", "talo", "cars", "core"):
        assert search(word).suggestion is None, word
    assert search("tlak").suggestion == "talk"  # a swap is a typo
    assert search("tak").suggestion is None  # too short to be a dropped letter of "talk"
    assert search("talkk").suggestion == "talk"  # a doubled letter is a typo


def test_a_query_off_topic_as_typed_is_searched_with_a_four_letter_word_respelt(app, monkeypatch):
    monkeypatch.setattr(off_topic, "MIN_MEASURES", 4)
    owner = make_user()
    safe = text_measure(owner, "Safe touches", "Lessons on the body for young children.")
    for n in range(4):
        text_measure(owner, f"School prevention {n}", SUMMARY)
    # No measure holds "Ssfe": as typed, the query is about something none covers. With a
    # letter replaced, which the strict rules never do in so short a word, it is on topic.
    results = search("Ssfe prevention")
    assert results.corrected_query == "Safe prevention"
    assert results.original_query == "Ssfe prevention"
    assert results.off_topic == [] and results.hits[0].id == safe.id
    # Never its first letter; and without autocorrection, the words as typed.
    assert search("Rafe prevention").off_topic == ["Rafe"]
    typed = search("Ssfe prevention", autocorrect=False)
    assert typed.off_topic == ["Ssfe"] and typed.corrected_query is None
    # A query on topic as typed keeps its words.
    assert search("Ssfe touches").corrected_query is None


def test_words_run_together_are_searched_apart(app):
    owner = make_user()
    stop = text_measure(owner, "Stop It Now helpline", SUMMARY)
    text_measure(owner, "Take It Down service", SUMMARY)
    text_measure(owner, "Kein Täter werden", SUMMARY, text_language="de")
    results = search("stopitnow")
    assert results.corrected_query == "stop it now" and results.hits[0].id == stop.id
    assert search("takeitdown").corrected_query == "take it down"
    # The letters as typed.
    assert search("KeinTäterWerden").corrected_query == "Kein Täter Werden"
    # Only words that some measure holds together, and never a word that begins one a
    # measure holds ("Helpwanted.nl").
    assert search("stopitdown").corrected_query is None
    # Held as a phrase: "childproof" is not "child pro of" because a measure holds "child"
    # and "pro" apart.
    text_measure(owner, "Pro Juventute child helpline", SUMMARY)
    assert search("childproof").corrected_query is None
    assert search("zephyrqwerty").corrected_query is None
    text_measure(owner, "Helpwanted.nl – help with online abuse", SUMMARY)
    text_measure(owner, "Help wanted: volunteers", SUMMARY)
    assert search("helpwanted").corrected_query is None


def test_two_words_run_together_come_before_a_word_close_only_as_stems(app):
    owner = make_user()
    dates = text_measure(owner, "Safe Dates", SUMMARY)
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Safely online {n}", SUMMARY)
    text_measure(owner, "Sextortion helpline", SUMMARY)
    text_measure(owner, "Sex education in a ring of schools", SUMMARY)
    # "safely" is one edit from "safedates" as English stems, four as words.
    results = search("safedates")
    assert results.corrected_query == "safe dates" and results.hits[0].id == dates.id
    # Three words with a function word are too loose a reading beside a word so close.
    assert search("sextoring").corrected_query == "sextortion"


def test_no_word_is_corrected_to_a_function_word(app):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"What does a scheme {n} do", SUMMARY)
    assert search("dogs").suggestion is None


def test_a_five_letter_word_is_not_two_edits_from_its_correction(app):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Title scheme {n}", SUMMARY)
    assert search("tiere").suggestion is None  # German: animals
    assert search("titel").suggestion == "title"  # one swap


def test_a_common_word_of_english_is_never_corrected(app):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Choices and assignments scheme {n}", SUMMARY)
        text_measure(owner, f"Assigned mentors {n}", SUMMARY)
    # Plain words no measure holds, one or two edits from words many hold: another question.
    assert search("church choir").suggestion is None
    assert search("dog assisted therapy").suggestion is None
    assert search("chioces").suggestion == "choices"  # a misspelling is still corrected


def test_two_common_words_written_together_are_not_corrected(app):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Hogeschool preventie {n}", SUMMARY, text_language="nl")
    # "homeschool" is "home" and "school": a word of English, not Dutch "hogeschool" (one
    # letter replaced); a misspelling of it still is.
    assert search("homeschool").suggestion is None
    assert search("safeguarding in homeschool").corrected_query is None
    assert search("hogeshcool").suggestion == "hogeschool"


def test_a_common_word_of_the_readers_language_is_never_corrected(app, client):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Bezpieczeństwo na skoczni {n}", SUMMARY, text_language="pl")
    # Polish "stoczni" (shipyard's) is one letter from "skoczni" (ski jump's): a typo to an
    # English reader, a word to a Polish one.
    english = client.get("/search?q=stoczni", headers={"Accept-Language": "en"}).text
    polish = client.get("/search?q=stoczni", headers={"Accept-Language": "pl"}).text
    assert 'class="did-you-mean"' in english
    assert "<strong>skoczni</strong>" in english
    assert 'class="did-you-mean"' not in polish


def test_a_misspelt_word_of_the_fields_vocabulary_is_corrected_though_no_measure_holds_it(app):
    owner = make_user()
    measure = text_measure(owner, "Sextortion helpline", "Help for teenagers blackmailed online.")
    # Italian "sextorsione" with a letter replaced: no measure holds either form, but the
    # vocabulary names the concept in Italian, and the English measure is about it.
    results = search("sextorsuone")
    assert results.corrected_query == "sextorsione"
    assert [h.id for h in results.hits] == [measure.id]
    assert search("Sxhweden").corrected_query == "Schweden"  # a country's name
    # Accented as the vocabulary writes the word, not with the typed word's accents on the
    # letters the two share: Slovak "obťažované" (harassed) is "obťažovanie" (harassment).
    assert search("obťažované sextortion").corrected_query == "obťažovanie sextortion"
    assert with_accents("OBŤAŽOVANIÉ") == "OBŤAŽOVANIE"
    assert with_accents("Präventionsprogramm") == "Präventionsprogramm"
    assert with_accents("zephyrine") == "zephyrine"  # no word of the vocabulary
    # Another first letter mostly makes another word: "dental" is no typo of "mental".
    assert search("dental sextortion").corrected_query is None


def test_a_misspelt_word_of_an_everyday_phrasing_is_corrected_too(app):
    measure = text_measure(make_user(), "Grooming awareness", "Parents learn about online risks.")
    # "groomed" is in the vocabulary's everyday phrasings, no term, no measure: "grooemd" has
    # two letters swapped.
    results = search("kids grooemd online")
    # PostgreSQL's speller reaches the measure's "grooming" first, by English stems.
    assert results.corrected_query in {"kids groomed online", "kids grooming online"}
    assert measure.id in [h.id for h in results.hits]
    assert search("grooemd").corrected_query in {"groomed", "grooming"}
    # Estonian "ähvardatakse" (are threatened), as typed: its accents kept.
    assert search("ähvadratakse").corrected_query == "ähvardatakse"


def test_a_common_word_of_the_language_the_query_is_written_in_is_never_corrected(app):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Routine checks scheme {n}", SUMMARY)
    # French "routière" (of roads) among French words: a word, not a typo of "routine".
    assert search("éducation routière pour les enfants").corrected_query is None
    assert search("éducation rotuine pour les enfants").corrected_query == (
        "éducation routine pour les enfants"
    )
    # Still a word after another word of the query was corrected.
    assert search("prevnetion routière pour les enfants").corrected_query == (
        "prevention routière pour les enfants"
    )


def test_a_word_close_only_as_english_stems_is_not_corrected_among_another_languages_words(
    app,
):
    owner = make_user()
    for n in range(RARER_FACTOR):
        text_measure(owner, f"Presence of trusted adults {n}", SUMMARY)
    # Portuguese "presencial" (in person) is one edit from "presence" as English stems, three
    # as words: among Portuguese words it is a word, not a typo.
    assert search("formação online ou presencial para professores").corrected_query is None
    # An English query's misspelt ending is still compared as stems.
    assert search("presencial of adults").corrected_query == "presence of adults"


def test_the_language_of_a_query_is_the_one_whose_common_words_hold_most_of_it(app):
    assert query_languages("routiere", ["education", "routiere", "enfants"]) == ("fr",)
    assert query_languages("caidas", ["prevencion", "caidas", "personas", "mayores"]) == ("es",)
    # English wins a tie: "people" is common in French too, whose "ris" is no English word.
    assert query_languages("ris", ["prevention", "people", "ris"]) == ("en",)
    assert query_languages("ris", ["ris"]) == ()
    assert is_common_word("ris", ["ris", "och", "barn"]) and not is_common_word("ris", ["people"])


def test_every_interface_language_has_a_list_of_common_words_folded_as_the_index_folds(app):
    for lang in app.config["LANGUAGES"]:
        words = common_words(lang)
        assert len(words) > 10_000, lang
        assert all(tokenize(word) == [word] for word in words), lang


def test_a_dropped_letter_of_a_form_of_a_measures_word_is_put_back(app):
    owner = make_user()
    prevtell = text_measure(owner, "PrevenTell hjälplinje", SUMMARY, text_language="sv")
    for n in range(3):
        text_measure(owner, f"Harm prevented early {n}", SUMMARY)
    # One edit from both, but one English stem with "PrevenTell": a dropped "l", not a "d".
    results = search("PrevenTel")
    assert results.suggestion == "PrevenTell"
    assert results.hits[0].id == prevtell.id
