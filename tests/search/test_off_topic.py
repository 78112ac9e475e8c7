"""A query about a topic no measure covers finds nothing, on both backends, instead of the
measures that share its generic words (app/search/off_topic.py)."""

from __future__ import annotations

import pytest

from app.search import off_topic
from app.search.concept_match import phrase_concepts
from app.search.off_topic import MIN_MEASURES, QueryPart, language_share, names, off_topic_words
from tests.conftest import make_user
from tests.search.conftest import found, search, text_measure

SUMMARY = "A prevention programme described here for the tests, long enough to be valid."


def verdict(
    *parts: tuple, measures: int = 100, phrasings: tuple[str, ...] = (), text: str = ""
) -> list[str]:
    """off_topic_words over (text, measures[, named[, concepts]]) tuples."""
    return off_topic_words([QueryPart(*p) for p in parts], measures, phrasings, text)


def test_a_missing_word_beside_only_generic_ones_is_off_topic():
    assert verdict(("drowning", 0), ("prevention", 80)) == ["drowning"]
    assert verdict(("drowning", 0), ("water", 0), ("prevention", 41)) == ["drowning", "water"]


def test_missing_words_outnumbering_the_specific_found_ones_are_off_topic():
    # "lessons" is in few measures, but the query is about drowning and swimming.
    parts = (("drowning", 0), ("prevention", 80), ("swimming", 0), ("lessons", 8))
    assert verdict(*parts) == ["drowning", "swimming"]
    # As many missing as specific words found: the found one may be what was meant.
    assert verdict(("drowning", 0), ("Zephyrine", 8)) == []
    assert verdict(("drowning", 0), ("swimsuits", 40)) == []


def test_a_word_of_the_fields_terms_naming_no_concept_alone_says_no_topic():
    # "ochrona" (protection) is a word of "ochrona dzieci", child protection, and so is
    # "lessons" of body safety lessons: words of the field, not what the query is about.
    community = ("gminach", 41, True, ("community",))
    assert verdict(("ochrona", 1, True), ("powodzią", 0), community) == ["powodzią"]
    assert verdict(("drowning", 0), ("lessons", 8)) == ["drowning"]
    # But a word of terms most of which name abuse or a form of it names the field's subject:
    # French "violences" (of "violences sexuelles", "violences faites aux enfants", …).
    training, teachers = ("formation", 44, True, ("training",)), ("enseignants", 22, True)
    parts = (training, teachers, ("repérer", 0), ("violences", 15, True))
    assert verdict(*parts) == []
    assert verdict(training, teachers, ("repérer", 0), ("sécurité", 15, True)) == ["repérer"]


def test_a_word_only_mentioned_in_passing_is_missing():
    # "cruelty" in one measure's body (a society's name), in no title or summary.
    assert verdict(("cruelty", 1, False), ("reporting", 60)) == ["cruelty"]
    assert verdict(("forced", 1, False), ("marriage", 0), ("girls", 9, True, ("girls",))) == [
        "forced",
        "marriage",
    ]
    # Named in a title or summary, or in three measures, it is what they are about.
    assert verdict(("cruelty", 1, True), ("reporting", 60)) == []
    assert verdict(("cruelty", 3, False), ("reporting", 60)) == []


def test_a_word_in_passing_in_a_measure_matching_the_rest_of_the_query_is_not_missing():
    # "Leipzig" only in the description of the one Childhood-Haus measure that also matches
    # "Childhood-Haus" (a setting: who or where): the query describes that measure.
    house = ("Childhood-Haus", 9, True, ("child_advocacy_centre",))
    assert verdict(("Leipzig", 1, False, (), 0.0, True), house) == []
    assert verdict(("Leipzig", 1, False, (), 0.0, False), house) == ["Leipzig"]


def test_a_short_word_in_passing_is_missing_only_as_a_common_word_of_the_querys_language():
    # "bien" is in one measure in passing, among English words: another language's word (as
    # "much" once matched Spanish "muchas"), not a topic.
    parts = (("people", 74), ("love", 0), ("kids", 98, True, ("children",)), ("bien", 1, False))
    assert verdict(*parts) == ["love"]  # "bien" is not named missing
    # As typed, the query holds an everyday phrasing of sexual interest in children.
    assert verdict(*parts, phrasings=("people love kids",)) == []
    # "road" in one measure in passing is a word of English, the query's language: its topic.
    children = ("children", 98, True, ("children",))
    parts = (("road", 1, False), ("safety", 80), ("education", 70), children)
    assert verdict(*parts) == ["road"]


def test_a_missing_word_beside_only_common_words_and_who_or_where_is_off_topic():
    # Found words in most measures, or naming only whom or where: the missing word is what the
    # query is about.
    schools = ("schools", 91, True, ("school",))
    assert verdict(("obesity", 0), ("childhood", 60), ("prevention", 64), schools) == ["obesity"]
    kitas = ("Kitas", 7, True, ("kindergarten",))
    assert verdict(("Hitzeschutz", 0), ("Kinder", 98, True, ("children",)), kitas) == [
        "Hitzeschutz"
    ]
    primary = ("escuela primaria", 3, True, ("primary_school",))
    assert verdict(("vial", 0), primary) == ["vial"]
    # A word found only in passing (in no title or summary) and no word of the field is missing
    # too: "falls" (German "Fall" is a word of the field only in "Fall-Kontroll-Studie").
    assert verdict(("falls", 2, False), ("elderly", 0), ("people", 74)) == ["falls", "elderly"]


def test_whom_or_where_in_few_measures_is_no_missing_topic():
    # "summer camps" is a setting one demo measure names in passing: the query asks the
    # field's question of it, as "child protection in kindergartens" does.
    protection = ("child protection", 74, True, ("child_protection",))
    camps = ("summer camps", 1, False, ("summer_camp",))
    teenagers = ("teenagers", 45, True, ("adolescents",))
    assert verdict(protection, camps, teenagers, measures=96) == []
    # A word of another topic in passing is still missing.
    assert verdict(protection, ("skiing", 1, False), teenagers, measures=96) == ["skiing"]


def test_one_word_and_whom_from_several_phrasings_is_no_phrasing_beside_a_missing_word():
    # "Schulweg Kinder" (way to school, children) matches exhibitionism's phrasings pooled:
    # one holds "Schulweg", others "Kindern". Beside "Verkehrserziehung" (road safety
    # education) it is one word against one.
    query = "Verkehrserziehung Schulweg für Kinder"
    children = ("Kinder", 86, True, ("children",))
    parts = (("Verkehrserziehung", 0), ("Schulweg", 0), children)
    assert verdict(*parts, measures=96, phrasings=("Schulweg Kinder",), text=query) == [
        "Verkehrserziehung",
        "Schulweg",
    ]
    # One phrasing holding two of its words is one: my son gets messages from an adult in a
    # video game ("l'entraîneur de foot envoie des messages privés à mon fils").
    query = "mon fils reçoit des messages d'un adulte sur un jeu vidéo"
    parts = (
        ("fils", 0),
        ("reçoit", 0),
        ("messages", 155, True, ("messaging_apps",)),
        ("adulte", 1109, True),
        ("jeu vidéo", 958, True, ("online_gaming",)),
    )
    phrasings = ("fils adulte messages",)
    assert verdict(*parts, measures=2096, phrasings=phrasings, text=query) == []
    # A word of the field's terms is no everyday word: child protection at a summer camp.
    query = "bescherming van kinderen op zomerkamp"
    parts = (("bescherming", 0), ("kinderen", 86, True, ("children",)), ("zomerkamp", 0))
    phrasings = ("bescherming kinderen",)
    assert verdict(*parts, measures=96, phrasings=phrasings, text=query) == []


def test_people_at_risk_of_abusing_are_the_fields_subject_not_just_whom():
    # Swedish: where do I turn if I have sexual thoughts about children.
    thoughts = ("sexuella tankar om barn", 10, True, ("sexual_interest_in_children",))
    assert verdict(("vänder", 0), thoughts) == []
    assert verdict(("vänder", 0), ("barn", 98, True, ("children",))) == ["vänder"]


def test_prevention_says_no_topic_however_few_measures_name_it():
    # The demo data alone: 96 measures, a third of them naming prevention.
    prevention = ("prevention", 33, True, ("prevention",))
    parts = (("drowning", 0), prevention, ("swimming", 0), ("lessons", 8))
    assert verdict(*parts, measures=96) == ["drowning", "swimming"]
    children = ("children", 86, True, ("children",))
    assert verdict(("bite", 0), prevention, children, measures=96) == ["bite"]
    # A word of a topic beside it keeps the results.
    assert verdict(("bite", 0), prevention, ("grooming", 9, True, ("grooming",))) == []


def test_a_found_word_saying_what_keeps_the_results():
    # A kind of measure, named by a few measures' titles: what the query may be about.
    assert verdict(("drowning", 0), ("helpline", 8, True, ("helpline",))) == []
    assert verdict(("Zephyrine", 2, True), ("elderly", 0), ("people", 74)) == []


def test_a_missing_word_typed_right_before_a_found_one_says_what_that_one_is_of():
    helpline = ("helpline", 8, True, ("helpline",))
    assert verdict(("drowning", 0), helpline, text="drowning helpline") == ["drowning"]
    flood = (
        ("flood", 0),
        ("risk management", 30, True, ("risk_assessment",)),
        ("municipalities", 41, True, ("community",)),
    )
    assert verdict(*flood, text="flood risk management for municipalities") == ["flood"]
    # So does abuse of something else: the treatment is one for substance abuse.
    abuse, treatment = ("abuse", 95, True, ("abuse",)), ("treatment", 24, True, ("treatment",))
    young = ("young people", 71, True, ("adolescents",))
    text = "substance abuse treatment for young people"
    assert verdict(("substance", 2, True), abuse, treatment, young, text=text) == ["substance"]
    assert verdict(abuse, treatment, young, text="abuse treatment for young people") == []
    # A word naming no concept may be a name's, and the missing one a misspelt word of it.
    assert verdict(("Tlk", 0), ("PANTS", 3, True), text="Tlk PANTS") == []
    # Nor when the missing word may be a misspelt word of the field.
    assert verdict(("hlep", 0), helpline, text="hlep helpline") == []
    # Apart, or after it, the found word may be what was meant.
    assert verdict(("drowning", 0), helpline, text="drowning, helpline") == []
    assert verdict(helpline, ("drowning", 0), text="helpline drowning") == []
    # A modifier some measure holds, or one naming a concept, says what of the field.
    assert verdict(("Zephyrine", 2, True), helpline, text="Zephyrine helpline") == []
    grooming = ("grooming", 9, True, ("grooming",))
    assert verdict(grooming, helpline, text="grooming helpline") == []
    # Other languages put a modifier after its noun or join the two: a word before another
    # there is as often a verb ("where to take an abused child in Zagreb").
    croatian = (("kamo", 0), ("odvesti", 0), ("zlostavljano dijete", 34, True, ("victim",)))
    text = "kamo odvesti zlostavljano dijete u Zagrebu"
    assert verdict(*croatian, ("Zagreb", 1, True), text=text) == []


def test_the_protection_of_children_beside_a_missing_word_says_no_topic():
    # What every measure is for: "children's safety in traffic", "protecting children from
    # heat" are about traffic and heat.
    safety = ("veiligheid van kinderen", 18, True, ("safeguarding",))
    assert verdict(safety, ("verkeer", 0)) == ["verkeer"]
    protection = ("ochrona dzieci", 26, True, ("child_protection",))
    assert verdict(protection, ("upałem", 0)) == ["upałem"]
    # Beside whom or where, it asks the field's question of them (child protection, safe,
    # sport), and a word saying what keeps the results.
    assert verdict(protection, ("säker", 0), ("idrott", 30, True, ("sport_club",))) == []
    assert verdict(protection, ("upałem", 0), ("grooming", 9, True, ("grooming",))) == []
    # Nor beside a misspelt word of the field the speller left ("sport").
    italian = ("protezione dei minori", 26, True, ("child_protection",))
    assert verdict(italian, ("soprt", 0), text="protezione dei minori nello soprt") == []


def test_a_missing_word_that_may_be_a_misspelt_word_of_the_field_keeps_the_results():
    # One letter from a term word ("przesłuchanie", interview), or short and no common word of
    # the query's language: a typo the speller left, not another topic.
    children, police = ("dzieci", 98, True, ("children",)), ("policja", 70, True, ("police",))
    assert verdict(("przełsuchanie", 0), children, police) == []
    assert verdict(("powodzią", 0), children, police) == ["powodzią"]  # flood: no typo
    assert verdict(("prevention", 64), ("people", 74), ("ris", 0)) == []
    # A short word a changed letter away is as likely a word of another language: Danish
    # "lus" (lice) is one from Estonian "uus", but no term word has a letter more or less.
    children, school = ("børn", 98, True, ("children",)), ("skoler", 90, True, ("school",))
    assert verdict(("forebyggelse", 50, True, ("prevention",)), ("lus", 0), children, school) == [
        "lus"
    ]
    # A letter short of a term word of another language than the query's is a word: English
    # "lice" is no Romanian "liceu" (secondary school). A function word is no misspelling
    # either: Maltese "tal" (of the) in "tal-obeżità" (of obesity), though two letters swapped
    # make Portuguese "ATL" (youth centre).
    prevention = ("prevention", 33, True, ("prevention",))
    nurseries = ("nurseries", 6, True, ("kindergarten",))
    assert verdict(prevention, ("lice", 0), nurseries) == ["lice"]
    assert verdict(("risk", 60), ("liceu", 0)) == []
    obesity = ("tal-obeżità", 0)
    assert verdict(("prevenzjoni", 28, True, ("prevention",)), obesity, ("fit-tfal", 86)) == [
        "tal-obeżità"
    ]
    # Two letters swapped are a typo, of a phrasing's word too ("love" of "people who love
    # kids too much").
    kids = ("kids", 86, True, ("children",))
    assert verdict(("people", 42), ("loev", 0), kids) == []
    assert verdict(("people", 42), ("lobe", 0), kids) == ["lobe"]
    # Common words are words, however short: "sun" and "beach" are another topic.
    kids = ("kids", 98, True, ("children",))
    assert verdict(("sun", 0), ("protection", 52), kids, ("beach", 0)) == ["sun", "beach"]


def test_a_phrasing_of_weak_words_beside_a_missing_word_outside_it_keeps_no_query_on_topic():
    # "lead … children" reads like a phrasing of forensic interviews ("without leading
    # questions"), but "lead" is in two measures in passing, "children" in most, and
    # "poisoning", which no measure holds, is no word of it: the query is about poisoning.
    lead, children = ("lead", 2, False), ("children", 98, True, ("children",))
    parts = (lead, ("poisoning", 1, False), children)
    assert verdict(*parts, phrasings=("lead children",)) == ["poisoning"]
    # A word of the phrasing that says something keeps it on topic.
    assert (
        verdict(("lead", 2, True), ("poisoning", 1, False), children, phrasings=("lead children",))
        == []
    )
    # So does a phrasing holding a word no measure holds, whatever the others: Finnish "my
    # child has become the target of online harassment", in words the vocabulary lacks.
    child = ("lapseni", 86, True, ("children",))
    parts = (child, ("joutunut", 0), ("netissä", 0), ("häirinnän", 0), ("kohteeksi", 1, False))
    assert verdict(*parts, phrasings=("joutunut kohteeksi lapseni",)) == []
    # Or the missing word itself: everyday words are what phrasings are for.
    people, love = ("people", 74), ("love", 0)
    assert verdict(people, love, children, phrasings=("people love children",)) == []
    # A word naming a concept is the field's, however few measures hold it: the priest of
    # "a priest abused children in our parish" is clergy.
    priest, parish = ("priest", 1, False, ("clergy",)), ("parish", 1, False)
    victims = ("victims", 18, True, ("victims",))
    assert verdict(priest, children, parish, victims, phrasings=("parish priest",)) == []


def test_a_phrasing_of_words_naming_whom_or_said_in_passing_keeps_no_query_on_topic():
    # "forced … girls" reads like exploitation, but "forced" is one measure's word in passing
    # and "girls" names whom: "marriage", which no measure holds, is the topic.
    forced, girls = ("forced", 1, False), ("girls", 4, True, ("girls",))
    parts = (forced, ("marriage", 0), girls)
    text = "forced marriage of girls"
    assert verdict(*parts, phrasings=("forced girls",), text=text) == ["forced", "marriage"]
    # A word of the phrasing that a measure names keeps it on topic.
    parts = (("forced", 3, True), ("marriage", 0), girls)
    assert verdict(*parts, phrasings=("forced girls",), text=text) == []


def test_a_word_of_the_fields_vocabulary_is_never_missing():
    # Polish forms of body safety lessons that no measure holds: the field's own words.
    parts = (("lekcje", 0), ("bezpieczeństwa", 0), ("ciała", 0), ("szkole", 6))
    assert verdict(*parts) == []


def test_a_word_the_terms_hold_only_before_a_hyphen_is_no_word_of_the_field():
    # "auto" of Italian "auto-aiuto" (self-help): alone it is a car, another topic.
    safety, children = ("sicurezza", 1, False), ("bambini", 98, True, ("children",))
    assert verdict(safety, children, ("auto", 0)) == ["auto"]
    # Its last part is a word of the field (help), in whatever words a measure says it.
    assert verdict(safety, children, ("aiuto", 0)) == []


def test_a_term_whose_concept_no_measure_is_tagged_with_is_missing():
    # "dropout" names treatment dropout, but no measure is about it, in any words.
    dropout = ("dropout", 0, True, ("treatment_dropout",))
    assert verdict(("school", 91, True, ("school",)), dropout, ("prevention", 80)) == ["dropout"]


def test_a_form_of_a_term_word_the_index_would_find_is_missing():
    # Italian "incidenti domestici" (accidents at home): a form of "incidenza" (incidence), of
    # "ambiente domestico" (home setting). The index stems Italian, so no measure holds a form
    # of the first: another topic. A measure holding the second holds a word of the field.
    prevention = ("prevenzione", 90, True, ("prevention",))
    children = ("bambini", 98, True, ("children",))
    parts = (prevention, ("incidenti", 0), ("domestici", 1, False), children)
    assert verdict(*parts) == ["incidenti"]


def test_a_query_naming_a_form_of_abuse_or_a_phrasing_is_on_topic():
    # Finnish: what to do if a child has become a victim of sexual violence.
    parts = (
        ("tehdä", 0),
        ("lapsi", 98, True, ("children",)),
        ("joutunut", 0),
        ("seksuaalisen väkivallan", 37, True, ("sexual_violence",)),
    )
    assert verdict(*parts) == []
    assert verdict(("drowning", 0), ("prevention", 80), phrasings=("drowning",)) == []


def test_abuse_beside_a_missing_word_is_abuse_of_something_else():
    abuse = ("abuse", 90, True, ("abuse",))
    prevention = ("prevention", 80, True, ("prevention",))
    assert verdict(("elder", 0), abuse, prevention, text="elder abuse prevention") == ["elder"]
    # Or after it, joined by a function word (French, Italian, Spanish, German).
    abuso = ("abuso", 90, True, ("abuse",))
    teenagers = ("adolescenti", 98, True, ("adolescents",))
    text = "abuso di sostanze negli adolescenti"
    assert verdict(abuso, ("sostanze", 0), teenagers, text=text) == ["sostanze"]
    # Named without the elided article.
    assert verdict(("abus", 90, True, ("abuse",)), ("d'alcool", 0), text="abus d'alcool") == [
        "alcool"
    ]
    # A verb after it is what happened, not what was abused: "Missbrauch vermutet Eltern".
    missbrauch, parents = ("Missbrauch", 90, True, ("abuse",)), ("Eltern", 80, True, ("parents",))
    text = "Missbrauch vermutet Eltern"
    assert verdict(missbrauch, ("vermutet", 0), parents, text=text) == []
    # Beside found words it is the field's subject: abuse in a church.
    church = ("Kirche", 5, True, ("church",))
    assert verdict(missbrauch, church, text="Missbrauch in der Kirche") == []
    # A word one or two measures hold, in their summaries even ("substance use" as a risk),
    # is what abuse is of right before it.
    substance = ("substance", 2, True)
    treatment = ("treatment", 60, True, ("treatment",))
    text = "substance abuse treatment"
    assert verdict(substance, abuse, treatment, text=text) == ["substance"]
    # After it, it may be what abusers do.
    parents, families = ("parents", 90, True, ("parents",)), ("families", 90, True, ("families",))
    abusers, close = ("abusers", 90, True, ("abuse",)), ("close", 2, False)
    text = "parents learning how abusers get close to families"
    parts = (parents, ("learning", 10, True), abusers, close, families)
    assert verdict(*parts, phrasings=("close abusers families",), text=text) == []
    # Not a word more measures hold, nor one naming something of the field.
    assert verdict(("substance", 3, True), abuse, treatment, text=text) == []
    online = ("online", 2, True, ("online",))
    assert verdict(online, abuse, treatment, text="online abuse treatment") == []
    # An everyday phrasing holding what is abused keeps no query on topic: "drug … teenagers"
    # reads like exploitation, but the query is about drug abuse.
    parts = (("drug", 0), abuse, prevention, ("teenagers", 98, True, ("adolescents",)))
    text = "drug abuse prevention for teenagers"
    assert verdict(*parts, phrasings=("drug teenagers",), text=text) == ["drug"]
    # A phrasing of other words, one of them saying something, keeps it on topic.
    parts = (("drug", 0), abuse, prevention, ("lessons", 30, True))
    assert verdict(*parts, phrasings=("prevention lessons",), text=text) == []
    # A verb's form after a missing word says who abused, and whom, joined or not: no
    # abuse of something else ("abused" is no term; "abuse" and "abus" are).
    abused = ("abused", 90, True, ("abuse",))
    text = "stepfather abused my daughter"
    assert verdict(("stepfather", 0), abused, ("daughter", 0), text=text) == []
    text = "a coach abused my daughter"
    coach = ("coach", 2, False, ("sports_coach",))
    assert verdict(coach, abused, ("daughter", 0), phrasings=("coach abused",), text=text) == []
    # Beside a term of the field that no measure is about yet, abuse is the field's own:
    # abuse among siblings, not of something else.
    siblings = ("sibling", 0, True, ("siblings",))
    assert verdict(siblings, abuse, text="sibling abuse") == []
    assert verdict(abuse, ("siblings", 0, True, ("siblings",)), text="abuse of siblings") == []
    # A form of abuse is the subject whatever stands beside it.
    sexual = ("sexual abuse", 60, True, ("child_sexual_abuse",))
    survivors = ("survivors", 4, True, ("survivors",))
    assert verdict(("ritual", 0), sexual, survivors, text="ritual sexual abuse survivors") == []


def test_a_compound_written_apart_is_no_missing_word():
    # "Kinderschutz Konzept" is "Kinderschutzkonzept", a safeguarding policy: though no
    # measure holds "Konzept", it is no other topic.
    child_protection = ("Kinderschutz", 90, True, ("child_protection",))
    assert verdict(child_protection, ("Konzept", 0)) == []
    # Beside a word it joins nothing with, it is missing still.
    kitas = ("Kitas", 90, True, ("kindergarten",))
    assert verdict(("Hitzeschutz", 0), ("Konzept", 0), kitas) == ["Hitzeschutz", "Konzept"]


def test_a_word_in_most_measures_of_its_language_says_no_topic():
    # "éducation" is in 30 of 100 measures, but in 95 % of the French ones: as generic as
    # "education" in most measures of all.
    children = ("enfants", 98, True, ("children",))
    french = ("éducation", 30, True, (), 0.95)
    assert verdict(french, ("routière", 0), children) == ["routière"]
    assert verdict(("circulation", 30, True, (), 0.2), ("routière", 0), children) == []
    # A part naming a concept finds measures of every language through it: its share of all
    # measures counts, not of one language's ("barnskydd", child protection, in Swedish).
    protection = ("barnskydd", 30, True, ("child_protection",), 0.95)
    assert verdict(protection, ("säker", 0), ("idrott", 98, True, ("sport_club",))) == []


def test_a_language_of_few_measures_has_no_share():
    assert language_share([(19, 20), (5, 100)]) == 0.95
    assert language_share([(3, 3), (5, 100)]) == 0.05
    assert language_share([]) == 0.0


def test_no_verdict_without_a_missing_word_a_second_word_or_enough_measures():
    assert verdict(("school", 70), ("prevention", 90)) == []
    assert verdict(("drowning", 0)) == []
    assert verdict(("drowning", 0), ("water", 0)) == []
    few = MIN_MEASURES - 1
    assert verdict(("drowning", 0), ("prevention", few), measures=few) == []


def test_a_title_or_summary_names_a_word_as_written_as_a_compound_or_another_form():
    assert names("Safe Touches", "Run by a society against cruelty.", "Cruelty")
    assert names("Kinderschutzgruppen", "", "Kinderschutz")
    assert names("Lekcja bezpieczeństwa", "", "lekcje")
    # One stem for a stemmer, two words for a reader.
    assert not names("The Underwear Rule", "A picture book and an animated film.", "animal")
    assert not names("Safe Touches", SUMMARY, "cruelty")


@pytest.fixture
def corpus(app, monkeypatch):
    """Five published measures, three of them about 'prevention' (the generic word), one
    mentioning 'cruelty' in passing."""
    monkeypatch.setattr(off_topic, "MIN_MEASURES", 4)
    owner = make_user()
    return [
        text_measure(owner, "School prevention lessons", SUMMARY),
        text_measure(owner, "Parent prevention evenings", SUMMARY),
        text_measure(owner, "Prevention in sport clubs", SUMMARY),
        text_measure(owner, "Sextortion helpline", "Help for teenagers who are blackmailed."),
        text_measure(
            owner,
            "Safe touches",
            "Lessons on the body for young children.",
            description="Run by a society against cruelty to children since 1875.",
        ),
    ]


def test_an_off_topic_query_finds_nothing_and_names_the_missing_word(corpus):
    results = search("drowning prevention")
    assert results.hits == [] and results.total == 0
    assert results.off_topic == ["drowning"]
    # Asked for, the partial matches are listed.
    partial = search("drowning prevention", partial=True)
    assert set(partial_ids := [h.id for h in partial.hits]) == {m.id for m in corpus[:3]}
    assert partial.off_topic == [] and len(partial_ids) == 3


def test_a_missing_word_beside_a_rare_one_still_finds_the_rare_ones_measures(corpus):
    assert found("drowning sextortion") == [corpus[3].id]
    assert search("drowning sextortion").off_topic == []
    # One word alone is never judged off topic: it just finds nothing, or everything.
    assert search("drowning").off_topic == []
    assert len(found("prevention")) == 3


def test_a_helpline_of_something_no_measure_holds_is_off_topic(corpus):
    assert search("drowning helpline").off_topic == ["drowning"]
    assert found("drowning helpline") == []
    assert found("helpline drowning") == [corpus[3].id]


def test_a_word_mentioned_only_in_passing_is_off_topic_until_a_measure_names_it(corpus):
    results = search("cruelty prevention")
    assert results.off_topic == ["cruelty"] and results.hits == []
    partial = search("cruelty prevention", partial=True)
    assert {h.id for h in partial.hits} == {m.id for m in (*corpus[:3], corpus[4])}
    named = text_measure(make_user(), "Cruelty-free play", "Children learn to play fairly.")
    assert search("cruelty prevention").off_topic == []
    assert named.id in found("cruelty prevention")


def test_a_place_named_in_passing_by_the_measure_asked_for_finds_it(corpus):
    owner = make_user()
    house = text_measure(
        owner,
        "Barnahus for children who were abused",
        "One child-friendly house where police, doctors and therapists meet the child.",
        description="The first house opened in Leipzig in 2018.",
    )
    text_measure(owner, "Barnahus network", "Children's houses learn from each other.")
    results = search("Barnahus Leipzig")
    assert results.off_topic == [] and results.hits[0].id == house.id
    # The place beside a word no measure holds with it is still another topic.
    assert search("Leipzig drowning prevention").off_topic == ["Leipzig", "drowning"]


def test_songs_are_a_way_of_delivery_not_another_topic(corpus):
    # Said in passing, as a measure's description does, "song" was another topic, as "cruelty".
    song = text_measure(
        make_user(),
        "Underwear rule",
        "Preschoolers learn that their body belongs to them.",
        description="It comes with a song and a short animation.",
    )
    results = search("prevention education in kindergartens with songs")
    assert results.off_topic == [] and results.hits[0].id == song.id


def test_a_language_a_measure_is_offered_in_is_named_by_its_record(corpus):
    arabic = text_measure(make_user(), "Body safety booklet", SUMMARY, languages=["en", "ar"])
    # No measure holds "Materialien"; the record of one lists Arabic, which no text names.
    results = search("Materialien auf Arabisch")
    assert results.off_topic == [] and [h.id for h in results.hits] == [arabic.id]


def test_abuse_of_something_else_is_off_topic_and_abuse_in_a_setting_is_not(corpus):
    owner = make_user()
    clubs = text_measure(owner, "Abuse prevention in sport clubs", "Coaches learn to act early.")
    text_measure(owner, "Helpline for abused children", "Children call about abuse at home.")
    assert search("elder abuse").off_topic == ["elder"]
    assert search("abuse of alcohol").off_topic == ["alcohol"]
    # Substance use named as a risk in one measure's summary is no topic of it.
    text_measure(owner, "Family therapy", "For teenagers with substance use and abuse at home.")
    assert search("substance abuse treatment").off_topic == ["substance"]
    assert search("substance use treatment").off_topic == []
    results = search("abuse in sport clubs")
    assert results.off_topic == [] and results.hits[0].id == clubs.id
    # A verb's form says who did it, to whom: the field's subject, whatever no measure holds.
    for query in ("stepfather abused my daughter", "neighbour abused my son"):
        results = search(query)
        assert results.off_topic == [] and results.hits, query
    assert search("neighbour abuse").off_topic == ["neighbour"]  # the noun: as "elder abuse"
    # Who or where, in the field's words, though no measure is about them yet: a babysitter,
    # a stepfather, a day nursery, an orphanage, a choir are who abuses or where.
    for query in ("babysitter abuse", "stepfather abuse", "daycare abuse", "orphanage abuse"):
        results = search(query)
        assert results.off_topic == [] and results.hits, query


def test_a_compound_naming_abuse_of_something_else_is_off_topic(corpus):
    owner = make_user()
    sport = text_measure(
        owner,
        "Missbrauch im Sportverein verhindern",
        "Trainerinnen und Trainer lernen, früh zu handeln.",
        text_language="de",
    )
    # No measure holds "Drogenmissbrauch", and "Drogen" names nothing of the field: drug
    # abuse, as "drug abuse" is in English.
    results = search("Drogenmissbrauch bei Jugendlichen")
    assert results.off_topic == ["Drogenmissbrauch"] and results.hits == []
    # Child abuse is the field's subject.
    results = search("Kindesmissbrauch im Sportverein")
    assert results.off_topic == [] and results.hits[0].id == sport.id
    # A compound a measure holds as written is one of its topics.
    assert search("Machtmissbrauch bei Jugendlichen").off_topic == ["Machtmissbrauch"]
    held = text_measure(
        owner, "Vertrauensstelle", "Hilfe bei Machtmissbrauch im Sport.", text_language="de"
    )
    results = search("Machtmissbrauch bei Jugendlichen")
    assert results.off_topic == [] and held.id in {h.id for h in results.hits}


def test_a_compound_naming_prevention_of_something_else_is_off_topic(corpus):
    owner = make_user()
    text_measure(
        owner, "Prävention im Sportverein", "Trainer lernen, früh zu handeln.", text_language="de"
    )
    # "Sucht" (addiction) names nothing of the field: prevention of addiction, as "drug abuse
    # prevention" is about drugs.
    results = search("Suchtprävention für Jugendliche")
    assert results.off_topic == ["Suchtprävention"] and results.hits == []
    # Prevention of violence, of abuse, of harm in sport are the field's own.
    for query in ("Gewaltprävention für Jugendliche", "Missbrauchsprävention im Sportverein"):
        assert search(query).off_topic == [], query


def test_the_romance_adjective_for_children_says_only_whom(corpus):
    owner = make_user()
    text_measure(
        owner,
        "Violence infantile : prévenir à l'école",
        "Des ateliers pour les enfants.",
        text_language="fr",
    )
    # "infantile" (of children) names children, as "enfants" does: who, not what about.
    assert search("prévention de l'obésité infantile").off_topic == ["obésité"]
    assert search("obesidad infantil").off_topic == ["obesidad"]


def test_a_word_in_most_measures_of_its_language_is_off_topic_beside_a_missing_one(corpus):
    owner = make_user()
    for n, topic in enumerate(("les écrans", "le harcèlement", "la sextorsion", "le grooming")):
        text_measure(
            owner, f"Atelier {n}", f"Éducation des enfants sur {topic}.", text_language="fr"
        )
    text_measure(owner, "Coaches' code", SUMMARY)
    text_measure(owner, "Safer clubs", SUMMARY)
    # "éducation" is in 4 of 11 measures, but in every French one.
    assert search("éducation routière").off_topic == ["routière"]
    assert search("éducation sextorsion").off_topic == []


def test_a_term_no_measure_is_about_is_off_topic(corpus):
    assert search("school dropout prevention").off_topic == ["dropout"]


def test_a_phrasing_of_words_in_passing_keeps_no_other_topic_on_topic(corpus):
    owner = make_user()
    for title in ("Parents protect children", "Children speak up", "Children's rights"):
        text_measure(owner, title, "Children learn to say no and to tell.")
    text_measure(
        owner,
        "Interviewing children",
        "Children are heard once.",
        description="Trained investigators lead the interview.",
    )
    query = "lead poisoning in children"
    # The premise: the query reads like forensic interviews' phrasing ("leading questions").
    assert phrase_concepts(query.split())
    results = search(query)
    assert results.off_topic == ["poisoning"] and results.hits == []


def test_a_word_of_the_fields_vocabulary_no_measure_holds_is_not_off_topic(corpus):
    # Polish "lekcje" (lessons): a form of the field's own word, not another topic.
    assert search("lekcje prevention").off_topic == []
    assert len(found("lekcje prevention")) == 3


def test_the_page_says_why_nothing_is_listed_and_links_to_the_partial_matches(client, corpus):
    html = client.get("/search?q=drowning+prevention").get_data(as_text=True)
    assert "No measures found for “drowning prevention”." in html
    assert (
        "No published measure is about “drowning”, so none is listed. "
        '<a href="/search?q=drowning+prevention&amp;partial=1">'
        "Show the partial matches anyway</a>"
    ) in html
    assert "Also finding measures in every language about" not in html  # nothing listed
    html = client.get("/search?q=drowning+prevention&partial=1").get_data(as_text=True)
    assert "No published measure is about" not in html
    assert "Also finding measures in every language about" in html
    assert "School prevention lessons" in html and "3 measures found" in html


def test_the_api_names_the_off_topic_words_and_accepts_partial(client, corpus):
    body = client.get("/api/v1/search?q=drowning+prevention").get_json()
    assert body["off_topic"] == ["drowning"] and body["total"] == 0
    body = client.get("/api/v1/search?q=drowning+prevention&partial=1").get_json()
    assert body["off_topic"] == [] and body["total"] == 3
    response = client.get("/api/v1/search?q=drowning&partial=maybe")
    assert response.status_code == 400
    assert "partial" in response.get_data(as_text=True)


def test_the_message_speaks_the_readers_language_and_quotes_as_it_does(client, corpus):
    german = {"Accept-Language": "de"}
    html = client.get("/search?q=drowning+prevention", headers=german).get_data(as_text=True)
    assert "Keine veröffentlichte Maßnahme behandelt „drowning“" in html
    assert 'href="/search?q=drowning+prevention&amp;partial=1">Teiltreffer trotzdem' in html


def test_one_unknown_word_among_more_generic_ones_leaves_the_results_alone():
    # "Missbrauch vermutet Eltern": a question's verb that no measure holds, beside words
    # naming the field's subject and a concept of its own.
    parts = (
        ("Missbrauch", 95, True, ("abuse",)),
        ("vermutet", 0),
        ("Eltern", 80, True, ("parents",)),
    )
    assert verdict(*parts) == []
    parts = (("vermutet", 0), ("Beratung", 30, True, ("counselling",)), ("Eltern", 80))
    assert verdict(*parts) == []
    assert verdict(("suicide", 0), ("prevention", 64), ("farmers", 0)) == ["suicide", "farmers"]


def test_the_missing_words_are_named_without_the_punctuation_typed_around_them():
    assert verdict(("noyade,", 0), ("prévention", 80)) == ["noyade"]
