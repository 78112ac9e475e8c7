"""The multilingual concept vocabulary (app/search/data/concepts.json): its shape and loader."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict

import pytest

from app.search.concepts import (
    DATA_FILE,
    GROUPS,
    fold_key,
    load_concepts,
    normalise,
    parse_vocabulary,
)

# fmt: off
EU_LANGUAGES = [
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
]
# fmt: on
PHRASE_LANGUAGES = ("en", "de", "fr", "es", "it", "pl", "nl", "sv")
UNCERTAIN_NOTE = DATA_FILE.parent / "concepts-uncertain.md"

# Plain data: run once, not once per search backend.
pytestmark = pytest.mark.whoosh_only


@pytest.fixture(autouse=True)
def search_backend():
    """Overrides the package's backend fixture: these tests need no app and no index."""


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def documented_shared_terms() -> set[tuple[str, str, str]]:
    """(group, language, normalised term) allowed under two concepts: the note's 'Shared terms'."""
    allowed: set[tuple[str, str, str]] = set()
    text = UNCERTAIN_NOTE.read_text(encoding="utf-8")
    section = text.split("## Shared terms", 1)[1] if "## Shared terms" in text else ""
    for group, language, term in re.findall(r"^- `(\w+)` `(\w+)` `([^`]+)`", section, re.M):
        allowed.add((group, language, normalise(term)))
    return allowed


def test_header_and_languages(raw):
    assert raw["version"] == 1
    assert raw["languages"] == EU_LANGUAGES


def test_file_is_sorted_by_id_without_duplicates(raw):
    ids = [c["id"] for c in raw["concepts"]]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)


def test_every_concept_has_its_fields_and_an_allowed_group(raw):
    for concept in raw["concepts"]:
        allowed = {"id", "group", "broader", "terms", "phrases", "unstemmed"}
        assert set(concept) <= allowed, concept["id"]
        assert concept["group"] in GROUPS, concept["id"]
        assert concept["terms"], concept["id"]


def test_enough_concepts_in_every_group(raw):
    assert len(raw["concepts"]) >= 200
    groups = Counter(c["group"] for c in raw["concepts"])
    assert set(groups) == set(GROUPS)
    assert all(count >= 15 for count in groups.values()), groups


def test_every_concept_has_english_and_at_least_18_languages(raw):
    for concept in raw["concepts"]:
        assert "en" in concept["terms"], concept["id"]
        assert len(concept["terms"]) >= 18, concept["id"]
        assert set(concept["terms"]) <= set(EU_LANGUAGES), concept["id"]


def test_every_language_is_in_at_least_180_concepts(raw):
    per_language = Counter(lang for c in raw["concepts"] for lang in c["terms"])
    for language in EU_LANGUAGES:
        assert per_language[language] >= 180, language


def test_no_empty_or_padded_strings_and_no_repeats(raw):
    for concept in raw["concepts"]:
        for key in ("terms", "phrases"):
            for language, words in concept.get(key, {}).items():
                assert words, (concept["id"], key, language)
                for word in words:
                    assert word.strip() == word and word, (concept["id"], language, word)
                    assert unicodedata.normalize("NFC", word) == word, (concept["id"], word)
                    assert "  " not in word and ";" not in word, (concept["id"], word)
                keys = [normalise(w) for w in words]
                assert len(keys) == len(set(keys)), (concept["id"], key, language)


def test_broader_concepts_exist_and_never_lead_back(raw):
    ids = {c["id"] for c in raw["concepts"]}
    broader = {c["id"]: c.get("broader", []) for c in raw["concepts"]}
    assert sum(map(bool, broader.values())) >= 40
    for concept, parents in broader.items():
        assert len(parents) == len(set(parents)), concept
        assert set(parents) <= ids - {concept}, concept
        seen, todo = set(), list(parents)
        while todo:
            parent = todo.pop()
            assert parent != concept, f"{concept} is broader than itself"
            if parent not in seen:
                seen.add(parent)
                todo += broader[parent]


def test_narrower_concepts_are_the_kinds_of_a_concept_at_any_depth():
    vocabulary = load_concepts()
    assert set(vocabulary.narrower("school")) == {
        "primary_school",
        "secondary_school",
        "boarding_school",
    }
    # csam is a kind of sexual exploitation; ai_generated_material a kind of csam.
    assert {"csam", "ai_generated_material"} <= set(vocabulary.narrower("sexual_exploitation"))
    assert vocabulary.narrower("ai_generated_material") == ()


def test_unstemmed_terms_are_terms_of_their_concept(raw):
    for concept in raw["concepts"]:
        for language, words in concept.get("unstemmed", {}).items():
            assert words, (concept["id"], language)
            assert set(words) <= set(concept["terms"][language]), (concept["id"], language)


def test_a_term_whose_stem_a_word_of_another_meaning_shares_matches_as_written():
    from app.search.concept_match import term_concepts, text_mentions

    # "university" and "universal" share the stem "univers"; "educators" and "education" "educ".
    assert term_concepts(("university",)) == ("university",)
    assert "university" not in term_concepts(("universal",))
    assert "teachers" not in term_concepts(("education",))
    (mentions,) = text_mentions(["Universal sex education for all pupils."], "en")
    assert "university" not in mentions and "teachers" not in mentions
    (mentions,) = text_mentions(["Training for university teachers and educators."], "en")
    assert {"university", "teachers"} <= mentions.keys()


def test_no_term_names_two_concepts_of_one_group_unless_documented(raw):
    allowed = documented_shared_terms()
    owners: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for concept in raw["concepts"]:
        for language, words in concept["terms"].items():
            for word in words:
                owners[(concept["group"], language, normalise(word))].add(concept["id"])
    shared = {key: ids for key, ids in owners.items() if len(ids) > 1 and key not in allowed}
    assert not shared, shared


def test_lowercase_unless_german_noun_acronym_or_name(raw):
    # German capitalises nouns; elsewhere a capital must be an acronym or a proper name, which
    # the field writes the same in every language (COSA, Barnahus, PTSD, …).
    for concept in raw["concepts"]:
        en_terms = concept["terms"]["en"]
        assert any(t[0].islower() or t.isupper() for t in en_terms), concept["id"]


def test_phrases_for_at_least_60_concepts_in_eight_languages(raw):
    with_phrases = [
        c for c in raw["concepts"] if all(lang in c.get("phrases", {}) for lang in PHRASE_LANGUAGES)
    ]
    assert len(with_phrases) >= 60


def test_loader_indexes_terms_exactly_and_accent_folded():
    vocabulary = load_concepts()
    assert load_concepts() is vocabulary  # read once
    assert len(vocabulary.concepts) >= 200
    assert "sextortion" in vocabulary.concepts_for_term("Sextortion", "en")
    assert "sextortion" in vocabulary.concepts_for_term("sexuelle Erpressung", "de")
    # German 'Missbrauch' and the compound in titles both name concepts.
    assert "abuse" in vocabulary.concepts_for_term("Missbrauch", "de")
    assert "csam" in vocabulary.concepts_for_term("missbrauchsabbildungen", "de")
    assert "offender_prevention" in vocabulary.concepts_for_term("Täterprävention", "de")
    # Accents: the folded key finds 'Täterprävention' typed without umlauts.
    assert vocabulary.concepts_for_term("taterpravention", "de") == ()
    assert "offender_prevention" in vocabulary.concepts_for_term(
        "Taterpravention", "de", folded=True
    )
    assert "csam" in vocabulary.concepts_for_term("pédopornographie", "fr")
    assert "csam" in vocabulary.concepts_for_term("PEDOPORNOGRAPHIE", "fr", folded=True)


def test_loader_maps_everyday_phrases_to_the_fields_terms():
    vocabulary = load_concepts()
    assert vocabulary.concepts_for_phrase("teenagers threatened with their own photos", "en") == (
        "sextortion",
    )
    assert "grooming" in vocabulary.concepts_for_phrase(
        "adult befriends child online to abuse", "en"
    )
    assert "csam" in vocabulary.concepts_for_phrase("child abuse pictures", "en")


def test_loader_lists_all_terms_of_a_concept():
    terms = load_concepts().terms_of("sextortion")
    assert "sextortion" in terms and "sexuelle Erpressung" in terms and "sekstorsja" in terms
    assert len(terms) == len(set(terms))


def test_normalisation_keys():
    assert normalise("  Sexuelle   ERPRESSUNG ") == "sexuelle erpressung"
    assert normalise("ﬁlter") == "filter"  # NFKC
    assert normalise("Täter") == "täter"  # accents kept
    assert fold_key("Täter") == "tater"
    assert fold_key("Łódź") == "lodz"


def test_parse_vocabulary_keeps_shared_terms_for_every_concept():
    vocabulary = parse_vocabulary(
        {
            "version": 1,
            "languages": ["en"],
            "concepts": [
                {"id": "a", "group": "general", "terms": {"en": ["Abuse"]}},
                {"id": "b", "group": "abuse_form", "terms": {"en": ["abuse", "harm"]}},
            ],
        }
    )
    assert vocabulary.concepts_for_term("ABUSE", "en") == ("a", "b")
    assert vocabulary.concepts_for_term("harm", "de") == ()
    assert vocabulary.by_id["b"].phrases == {}


def test_countries_are_concepts_named_in_every_language():
    from app.search.concept_match import term_concepts

    vocabulary = load_concepts()
    austria = vocabulary.by_id["country_at"]
    assert austria.group == "place" and austria.terms["en"] == ("Austria",)
    assert "Österreich" in austria.terms["de"] and "Österrike" in austria.terms["sv"]
    assert term_concepts(("griego",)) == ("country_gr",)  # Spanish "Greek"
    assert term_concepts(("polish",)) == ("country_pl",)
    # Short language names are words of other languages too: Dutch "Lets" (Latvian).
    assert term_concepts(("lets",)) == ()


def test_languages_a_measure_is_offered_in_are_concepts_named_in_every_language():
    from app.search.concept_match import term_concepts

    vocabulary = load_concepts()
    arabic = vocabulary.by_id["language_ar"]
    assert arabic.group == "language" and arabic.terms["en"] == ("Arabic",)
    assert arabic.terms["lt"] == ("arabų",) and arabic.terms["mt"] == ("Għarbi",)
    # Ukrainian is the language, not Ukraine; short names are left out (Hungarian "arab"), and
    # so are names that are a country's too (Finnish "ukraina").
    assert term_concepts(("ukrainien",)) == ("language_uk",)
    assert "hu" not in arabic.terms and "fi" not in vocabulary.by_id["language_uk"].terms
    # A language's name whose stem is as short is matched as written, a country's only in a
    # word that begins with it: Lithuanian "persų" (Persian) and English "person" both stem
    # to "pers", Estonian "Kanada" and German "Kanal" to "kana"; Estonian "Lätis" is in Latvia.
    assert term_concepts(("persu",)) == ("language_fa",)
    assert term_concepts(("person",)) == term_concepts(("kanal",)) == ()
    assert term_concepts(("persian",)) == ("language_fa",)
    assert term_concepts(("latis",)) == ("country_lv",)


def test_other_forms_of_a_terms_words_match_but_typos_keep_their_correction():
    from app.search.concept_match import is_known_word, term_concepts

    assert term_concepts(("seksuaalista", "vakivaltaa")) == ("sexual_violence",)
    assert is_known_word("protezione", "protezione")
    assert is_known_word("skolen", "skolen")
    assert not is_known_word("sextoring", "sextoring")


def test_the_term_words_one_edit_from_a_word_are_near_it():
    from app.search.analysis import fold
    from app.search.concept_match import near_term_word, near_term_words

    # A swap, a dropped, an added and a changed letter of Polish, Italian and Spanish words.
    assert near_term_words(fold("przełsuchanie")) == ["przesluchanie"]
    assert near_term_words("proteione") == ["protezione"]
    assert near_term_words("absuos") == ["abusos"]
    assert near_term_words("protezzione") == ["protezione"]
    assert near_term_words("sextorsuone") == ["sextorsione"]
    # Words of another topic, two edits away, and words too short to tell.
    for word in ("obesity", "verkeersveiligheid", "hitzeschutz", "powodzią", "ris", "sextorsne"):
        assert not near_term_word(fold(word)), word


def test_the_words_of_everyday_phrasings_one_edit_from_a_word_are_near_it():
    from app.search.concept_match import near_phrasing_words, near_term_words

    # "groomed", Polish "nagich" (naked) are phrasing words, in no term.
    assert near_phrasing_words("grooemd") == ["groomed"]
    assert near_phrasing_words("nagihc") == ["nagich"]
    assert near_term_words("grooemd") == []
    # Term words are not among them: near_term_words has those.
    assert near_phrasing_words("sextorsuone") == []


def test_a_word_that_only_begins_like_a_term_is_not_its_form():
    from app.search.concept_match import term_concepts

    # Hungarian "bűnelkövetőknek" is a form of "bűnelkövető"; Czech "Parafilik" (a programme's
    # name) is not one of Polish "parafia" (parish), nor Polish "internecie" (on the internet)
    # of "internat" (boarding school): most of the word would be "ending".
    assert "people_who_offended" in term_concepts(("szexualis", "bunelkovetoknek"))
    assert "church" not in term_concepts(("parafilik",))
    assert "boarding_school" not in term_concepts(("internecie",))
    assert "online_platforms" in term_concepts(("internecie",))


def test_a_compound_names_the_concepts_of_the_words_it_joins():
    from app.search.concept_match import term_concepts

    # Neither is a term: German parents' counselling, Danish abuse prevention, with the
    # linking "s" of "overgrebs-".
    assert set(term_concepts(("elternberatung",))) == {"parents", "counselling"}
    assert set(term_concepts(("overgrebsforebyggelse",))) == {"abuse", "prevention"}
    # The head alone when the first part names nothing ("Online" is English, not Danish).
    assert term_concepts(("onlinegrooming",)) == ("grooming",)
    # English words are no compounds: "accountability" is not "ability" (skills).
    assert term_concepts(("accountability",)) == ()
    assert term_concepts(("elternzeit",)) == ()  # parental leave: no head concept
    # A head that names nothing but is a word ("Arbeit": work with offenders) leaves the
    # first part's concepts; one that is no word is another word's ending ("Internat|ionalen").
    assert term_concepts(("taterarbeit",)) == ("offender",)
    assert term_concepts(("internationalen",)) == ()
    # A compound that is a term names its own concept only.
    assert term_concepts(("elternabend",)) == ("parent_evening",)
    # A part's stem is as long as a part: Estonian stems "lation" to "lati" (Latvia).
    assert term_concepts(("manipulation",)) == ()


def test_a_compound_whose_head_alone_names_concepts_gives_its_first_part():
    from app.search.concept_match import compound_modifier

    # Drug abuse, alcohol abuse: "Drogen" and "alkohol" name nothing of the field.
    assert compound_modifier(("drogenmissbrauch",)) == "drogen"
    assert compound_modifier(("alkoholmissbruk",)) == "alkohol"
    # Both parts name concepts (parents' counselling), the word is a term, or no compound.
    assert compound_modifier(("elternberatung",)) == ""
    assert compound_modifier(("elternabend",)) == ""
    assert compound_modifier(("missbrauch",)) == ""
    assert compound_modifier(("elternzeit",)) == ""


def test_words_written_apart_name_the_term_they_join_into():
    from app.search.concept_match import joined_concepts

    assert joined_concepts(("kinderschutz", "konzept")) == ("safeguarding_policy",)
    assert joined_concepts(("school", "children")) == ("pupils",)
    # Only as a term is written, or as a compounding language stems it: "internetuse" is no
    # form of any term, whatever another language's stemmer makes of it.
    assert joined_concepts(("internet", "use")) == ()
    assert joined_concepts(("mladostnike", "116")) == ()


def test_a_common_word_is_another_form_only_of_its_own_languages_terms():
    from app.search.concept_match import term_concepts

    # Swedish "politisk" (political) is no form of Danish or Norwegian "politi" (police), nor
    # "nederlag" (defeat) of Dutch "Nederland".
    assert "police" not in term_concepts(("politisk",))
    assert term_concepts(("nederlag",)) == ()
    # A word common in no language with a list still finds the term it is a form of.
    assert "people_who_offended" in term_concepts(("szexualis", "bunelkovetoknek"))
    # French "agressé" is the victim, not "agresseur" (matched as written only).
    assert term_concepts(("agresse",)) == ()


def test_songs_are_a_way_of_delivery_in_every_language_but_no_false_friend():
    from app.search.concept_match import term_concepts

    for words in (("songs",), ("piosenki",), ("chansons",), ("Kinderlieder",), ("laulut",)):
        assert term_concepts(words) == ("songs_music",), words
    # English "lied" is no Dutch or German song: neither language lists the bare word.
    assert term_concepts(("lied",)) == ()
    # Polish "body safety", in the form a query takes ("lekcje bezpieczeństwa ciała").
    assert term_concepts(("bezpieczeństwa", "ciała")) == ("body_safety_education",)


def test_an_acronym_that_is_a_common_word_names_its_concept_only_in_capitals():
    from app.search.concept_match import cased_acronym, term_concepts, text_mentions

    # Circles of Support and Accountability, not Italian "cosa" (what) or Spanish (thing).
    assert term_concepts(("cosa",)) == ()
    assert cased_acronym("COSA") == cased_acronym("CoSA") == ("cosa",)
    assert cased_acronym("Cosa") == cased_acronym("cosa") == ()
    # Minor-attracted persons, not maps.
    assert "sexual_interest_in_children" in cased_acronym("MAPs")
    assert term_concepts(("maps",)) == ()
    # A Dutch "IJ" is no acronym: "ijsland" is Iceland however it is typed.
    assert term_concepts(("ijsland",)) == ("country_is",)
    (italian,) = text_mentions(["Cosa fare? Il programma COSA di Roma."], "it")
    assert italian["cosa"] == 1
    (spanish,) = text_mentions(["Una cosa importante para las familias."], "es")
    assert "cosa" not in spanish


def test_a_word_names_the_concepts_of_terms_it_is_a_form_of_not_of_false_friends():
    from app.search.concept_match import term_concepts

    # Polish, Swedish, Czech … "program" is a programme; Lithuanian "programėlė" (an app)
    # stems to "program" too.
    assert term_concepts(("program",)) == ("intervention",)
    # A form no term is written as still finds its concept through its stem.
    assert "app" in term_concepts(("programėlės",))
    # Of the concepts stems of several languages name, those with a term the word is a form
    # of: Polish "programy" and Spanish "programas" are programmes, Italian "interventi" no
    # interviews.
    assert term_concepts(("programy",)) == ("intervention",)
    assert term_concepts(("programas",)) == ("intervention",)
    assert term_concepts(("interventi",)) == ("intervention",)


def test_words_that_only_stem_like_a_term_name_no_concept():
    from app.search.concept_match import concept_label, term_concepts

    # English "sexual" is not "sexuality", nor "abuse" an "abuser"; Italian "ragazzi" (boys,
    # young people) is not "ragazze" (girls), nor "coaching" a coach.
    assert term_concepts(("sexual",)) == ()
    assert "offender" not in term_concepts(("abuse",))
    assert "girls" not in term_concepts(("ragazzi",)) + term_concepts(("bambini",))
    assert "mentoring" not in term_concepts(("coach",))
    assert term_concepts(("follow",)) == () and term_concepts(("tell",)) == ()
    # The concept that the general "sexuality" words named is sexual development.
    assert concept_label("sexuality") == "sexual development"
    assert "sexuality" in term_concepts(("psychosexuelle", "entwicklung"))


def test_everyday_words_of_the_field_name_its_concepts():
    from app.search.analysis import query_stopwords
    from app.search.concept_match import term_concepts

    assert "sextortion" in term_concepts(("blackmailed",))
    assert "sextortion" in term_concepts(("ricatto",))
    assert "csam" in term_concepts(("child", "porn"))
    assert "sport_club" in term_concepts(("football",))
    assert "sport_club" in term_concepts(("fussball",))
    assert "child_sexual_abuse" in term_concepts(("sexual", "abuse"))
    assert "child_sexual_abuse" in term_concepts(("seksuelle", "overgreb"))
    assert "sexual_interest_in_children" in term_concepts(("attracted", "to", "children"))
    # Estonian function words ("whom", "their") are not searched for.
    assert {"keda", "nende"} <= query_stopwords()


def test_a_changed_vocabulary_changes_both_index_versions(tmp_path, monkeypatch):
    """An index tagged with another concepts.json counts as missing and is rebuilt."""
    from app.search import concepts
    from app.search.backends.postgres_text import VERSION_LEXEME
    from app.search.backends.whoosh_schema import SCHEMA_VERSION

    digest = concepts.vocabulary_digest()
    assert SCHEMA_VERSION.endswith(digest) and VERSION_LEXEME.endswith(digest)
    edited = tmp_path / "concepts.json"
    edited.write_bytes(concepts.DATA_FILE.read_bytes().replace(b'"abuse"', b'"abuses"', 1))
    monkeypatch.setattr(concepts, "DATA_FILE", edited)
    concepts.vocabulary_digest.cache_clear()
    try:
        assert concepts.vocabulary_digest() != digest
    finally:
        concepts.vocabulary_digest.cache_clear()


def test_what_hotlines_and_safer_internet_centres_are_called():
    from app.search.concept_match import term_concepts

    # Polish "reporting illegal content" and "Bulgarian centre for a safer internet".
    assert "reporting_hotline" in term_concepts(("nielegalnych", "tresci"))
    assert "online_safety" in term_concepts(("bezpiecznego", "internetu"))
    assert "online_safety" in term_concepts(("safer", "internet", "centre"))
    # Czech "školení" (training) would make Danish "skolen" (the school) a training.
    assert term_concepts(("skolen",)) == ("school",)


def test_every_faith_communitys_place_of_worship_is_a_faith_setting():
    from app.search.concept_match import concept_label, term_concepts

    for words in (("mosque",), ("synagogue",), ("Moschee",), ("meczet",), ("mosquée",)):
        assert term_concepts(words) == ("church",), words
    assert term_concepts(("orthodox", "church")) == ("church",)
    # Named for all of them: "faith communities, from ‘mosque’", not "church".
    assert concept_label("church") == "faith communities"
    assert concept_label("church", "de") == "Religionsgemeinschaften"


def test_lemma_forms_file_shape():
    """Per vocabulary language but Maltese, folded lemma -> its folded forms, each form once."""
    import gzip

    from app.search.analysis import fold, tokenize
    from app.search.lemmas import LEMMA_FILE, LEMMA_LANGUAGES

    assert LEMMA_FILE.stat().st_size < 1_000_000
    data = json.loads(gzip.decompress(LEMMA_FILE.read_bytes()))
    assert data["source"].startswith("simplemma ")
    assert set(data["languages"]) == set(LEMMA_LANGUAGES) == set(load_concepts().languages) - {"mt"}
    for lang, by_lemma in data["languages"].items():
        assert len(by_lemma) >= 200, lang
        seen: set[str] = set()
        for lemma, forms in by_lemma.items():
            assert lemma == fold(lemma) and forms == sorted(forms), (lang, lemma)
            for form in forms:
                assert tokenize(form) == [form] and form != lemma and len(form) >= 4, form
                assert form not in seen, (lang, form)
                seen.add(form)


def test_inflected_words_without_a_stemmer_name_their_concept():
    from app.search.concept_match import term_concepts

    # Finnish "in households", Latvian "victims" (locative), Croatian "with abusers",
    # Slovenian "measures": forms no stemmer here joins to the term's word.
    assert "home" in term_concepts(("kotitalouksissa",))
    assert "victims" in term_concepts(("upuros",))
    assert "perpetrator" in term_concepts(("nasilnicima",))
    assert "intervention" in term_concepts(("ukrepi",))
    # An acronym is no inflected word: "maps" is not "MAPs".
    assert "sexual_interest_in_children" not in term_concepts(("map",))


def test_a_document_with_inflected_forms_is_tagged_with_their_concepts():
    from app.search.concept_match import text_mentions

    def concepts(text: str, lang: str) -> set[str]:
        return set(text_mentions((text,), lang)[0])

    # Estonian "in basic schools", "as measures"; Bulgarian "the clinics".
    assert {"primary_school", "intervention"} <= concepts("Meetmetena põhikoolides", "et")
    assert "hospital" in concepts("Клиниките", "bg")
    assert "sexual_interest_in_children" not in concepts("Mapping services on a map", "en")
    # An English participle stays itself: to abuse children is not to be an abused child.
    assert "victim" not in concepts("For people who fear they might abuse children", "en")


def test_changed_word_forms_change_the_index_versions(tmp_path, monkeypatch):
    """Documents are tagged through the word forms too: other forms mean another index."""
    from app.search import concepts

    digest = concepts.vocabulary_digest()
    edited = tmp_path / "lemma_forms.json.gz"
    edited.write_bytes(concepts.LEMMA_FILE.read_bytes() + b"\0")
    monkeypatch.setattr(concepts, "LEMMA_FILE", edited)
    concepts.vocabulary_digest.cache_clear()
    try:
        assert concepts.vocabulary_digest() != digest
    finally:
        concepts.vocabulary_digest.cache_clear()


def test_an_everyday_phrasing_matches_in_other_forms_of_its_words():
    from app.search.concept_match import phrase_concepts

    # Written "učiti otroke o dobrem in slabem dotiku", "lapsille opetetaan hyvä ja paha
    # kosketus": other cases of the same words.
    for query in (
        "otroke učimo o dobrih in slabih dotikih",
        "lapsia opetetaan hyviin kosketuksiin",
    ):
        assert phrase_concepts(query.split())[0][0] == "body_safety_education"
