"""A query about a topic no measure covers finds nothing, on both backends, instead of the
measures that share its generic words (app/search/off_topic.py)."""

from __future__ import annotations

import pytest

from app.search import off_topic
from app.search.off_topic import off_topic_words
from tests.conftest import make_user
from tests.search.conftest import found, search, text_measure

SUMMARY = "A prevention programme described here for the tests, long enough to be valid."


def test_a_missing_word_beside_only_generic_ones_is_off_topic():
    assert off_topic_words([("drowning", 0), ("prevention", 80)], 100) == ["drowning"]
    assert off_topic_words([("drowning", 0), ("water", 0), ("prevention", 41)], 100) == [
        "drowning",
        "water",
    ]


def test_a_missing_word_beside_a_specific_one_is_not_off_topic():
    # "sextorsione ragazzi aiuto": one word no measure holds, one that few measures hold.
    assert off_topic_words([("aiuto", 0), ("sextorsione", 12), ("ragazzi", 60)], 100) == []
    assert off_topic_words([("drowning", 0), ("prevention", 40)], 100) == []


def test_no_verdict_without_a_missing_word_a_second_word_or_enough_measures():
    assert off_topic_words([("school", 70), ("prevention", 90)], 100) == []
    assert off_topic_words([("drowning", 0)], 100) == []
    assert off_topic_words([("drowning", 0), ("water", 0)], 100) == []
    assert off_topic_words([("drowning", 0), ("prevention", 40)], 49) == []


@pytest.fixture
def corpus(app, monkeypatch):
    """Four published measures, three of them about 'prevention' (the generic word)."""
    monkeypatch.setattr(off_topic, "MIN_MEASURES", 4)
    owner = make_user()
    return [
        text_measure(owner, "School prevention lessons", SUMMARY),
        text_measure(owner, "Parent prevention evenings", SUMMARY),
        text_measure(owner, "Prevention in sport clubs", SUMMARY),
        text_measure(owner, "Sextortion helpline", "Help for teenagers who are blackmailed."),
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


def test_the_page_says_why_nothing_is_listed_and_links_to_the_partial_matches(client, corpus):
    html = client.get("/search?q=drowning+prevention").get_data(as_text=True)
    assert (
        "No published measure mentions “drowning”, and the rest of your search is in most "
        'measures, so none is listed. <a href="/search?q=drowning+prevention&amp;partial=1">'
        "Show the measures that match only the rest</a>"
    ) in html
    html = client.get("/search?q=drowning+prevention&partial=1").get_data(as_text=True)
    assert "No published measure mentions" not in html
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
    assert "Keine veröffentlichte Maßnahme erwähnt „drowning“" in html
    assert 'href="/search?q=drowning+prevention&amp;partial=1">Maßnahmen anzeigen' in html


def test_one_unknown_word_among_more_generic_ones_leaves_the_results_alone():
    # "Missbrauch vermutet Eltern": a question's verb that no measure holds.
    assert off_topic_words([("Missbrauch", 95), ("vermutet", 0), ("Eltern", 80)], 100) == []
    assert off_topic_words([("suicide", 0), ("prevention", 64), ("farmers", 0)], 100) == [
        "suicide",
        "farmers",
    ]


def test_the_missing_words_are_named_without_the_punctuation_typed_around_them():
    assert off_topic_words([("noyade,", 0), ("prévention", 80)], 100) == ["noyade"]
