"""Parsing the query text and the request parameters (pure functions, no index)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.search.backends.base import SearchQuery
from app.search.query import (
    MAX_QUERY_DEPTH,
    MAX_QUERY_TERMS,
    Group,
    Phrase,
    QueryTooComplex,
    SearchParamError,
    Synonyms,
    Word,
    parse_search_args,
    parse_text,
    query_args,
    replace_words,
)


def words(nodes) -> list[str]:
    return [n.text for n in nodes]


def test_words_side_by_side_are_soft_and_function_words_are_dropped():
    root = parse_text("school programme on body safety with a trial", expand=False).root
    assert root.must == () and root.must_not == ()
    assert words(root.should) == ["school", "programme", "body", "safety", "trial"]


def test_a_query_of_only_function_words_keeps_them():
    assert words(parse_text("the", expand=False).root.should) == ["the"]


def test_phrases_operators_and_brackets():
    root = parse_text('"body safety" -online +parents NOT grooming', expand=False).root
    assert root.should == (Phrase("body safety", ("body", "safety")),)
    assert words(root.must) == ["parents"]
    assert words(root.must_not) == ["online", "grooming"]

    root = parse_text("grooming AND parents", expand=False).root
    assert words(root.must) == ["grooming", "parents"] and root.should == ()

    root = parse_text("(teachers OR helpline) AND -grooming", expand=False).root
    (group,) = root.must
    assert isinstance(group, Group) and words(group.should) == ["teachers", "helpline"]
    assert words(root.must_not) == ["grooming"]


def test_stray_operators_quotes_and_brackets_never_fail():
    assert words(parse_text("AND", expand=False).root.should) == ["AND"]
    assert parse_text('"unclosed phrase', expand=False).root.should == (
        Phrase("unclosed phrase", ("unclosed", "phrase")),
    )
    assert words(parse_text("grooming ) (", expand=False).root.should) == ["grooming"]
    assert parse_text("- + ( )", expand=False).is_empty
    assert parse_text("", expand=False).is_empty


# --- the parser's bounds (issue 15: nested brackets raised RecursionError) -------------------


@pytest.mark.parametrize(
    "q",
    [
        "(" * 195 + "a",
        "-(" * 166,
        "(" * (MAX_QUERY_DEPTH + 1) + "a" + ")" * (MAX_QUERY_DEPTH + 1),
        "a AND (b OR (c AND (d OR (e AND (f OR (g AND (h OR (i AND (j OR k)))))))))",
    ],
)
def test_brackets_nested_past_the_limit_are_refused_naming_it(q):
    with pytest.raises(QueryTooComplex) as refused:
        parse_search_args(MultiDict([("q", q)]), strict=True)
    assert refused.value.param == "q"
    assert refused.value.message == (
        f"A search can nest brackets at most {MAX_QUERY_DEPTH} levels deep."
    )
    with pytest.raises(QueryTooComplex):
        parse_text(q)  # whoever calls the parser directly gets the same answer


def test_brackets_up_to_the_limit_parse():
    q = "(" * MAX_QUERY_DEPTH + "grooming OR helpline" + ")" * MAX_QUERY_DEPTH
    assert parse_search_args(MultiDict([("q", q)]), strict=True).q == q
    assert words(parse_text(q, expand=False).root.should) == ["grooming", "helpline"]


def test_more_words_and_phrases_than_the_limit_are_refused_naming_it():
    allowed = " ".join(f"w{i}" for i in range(MAX_QUERY_TERMS - 1)) + ' "a phrase"'
    assert len(parse_text(allowed, expand=False).root.should) == MAX_QUERY_TERMS
    with pytest.raises(QueryTooComplex) as refused:
        parse_search_args(MultiDict([("q", allowed + " more")]), strict=False)
    assert refused.value.param == "q"
    assert refused.value.message == (
        f"A search can have at most {MAX_QUERY_TERMS} words and phrases."
    )


def test_long_runs_of_prefix_operators_parse_without_recursion():
    for q in ["-" * 499 + "a", "NOT " * 124 + "a", "-+" * 249 + "a"]:
        assert words(parse_text(q, expand=False).root.must_not) == ["a"]
    assert words(parse_text("+-" * 249 + "a", expand=False).root.must) == ["a"]
    assert parse_text("NOT NOT", expand=False).is_empty


def test_words_are_folded_for_matching_but_kept_as_typed():
    (word,) = parse_text("Präventions-Maßnahme", expand=False).root.should
    assert word == Word("Präventions-Maßnahme", ("praventions", "massnahme"))


def test_thesaurus_terms_expand_single_and_multi_word_and_can_be_removed():
    parsed = parse_text("grooming prevention")
    synonyms, prevention = parsed.root.should
    assert isinstance(synonyms, Synonyms) and synonyms.concepts == ("grooming",)
    assert isinstance(prevention, Synonyms) and prevention.concepts == ("prevention",)
    assert [e.concept for e in parsed.expansions] == ["grooming", "prevention"]
    assert "Cybergrooming" in parsed.expansions[0].added

    parsed = parse_text("Child Sexual Abuse Material")
    assert [e.matched for e in parsed.expansions] == ["Child Sexual Abuse Material"]
    assert "Missbrauchsabbildungen" in parsed.expansions[0].added

    parsed = parse_text("grooming", no_expand={"grooming"})
    assert parsed.expansions == [] and words(parsed.root.should) == ["grooming"]


def test_replace_words_keeps_the_rest_of_the_query_as_typed():
    assert replace_words('Groomng "in schools" -x', {"Groomng": "grooming"}) == (
        'grooming "in schools" -x'
    )


def test_parse_search_args_reads_every_parameter():
    query = parse_search_args(
        MultiDict(
            [
                ("q", " grooming "),
                ("countries", "de"),
                ("countries", "FR"),
                ("countries", "DE"),
                ("target_groups", "children"),
                ("evidence_min", "3"),
                ("year_from", "2010"),
                ("year_to", "2020"),
                ("sort", "evidence"),
                ("page", "2"),
                ("per_page", "50"),
                ("noexpand", "csam"),
                ("expand", "1"),
                ("languages", ""),
            ]
        ),
        strict=True,
    )
    assert query == SearchQuery(
        q="grooming",
        filters={"countries": ("DE", "FR"), "target_groups": ("children",)},
        evidence_min=3,
        year_from=2010,
        year_to=2020,
        sort="evidence",
        page=2,
        per_page=50,
        expand=True,
        no_expand=frozenset({"csam"}),
    )


def test_the_page_ignores_unknown_parameters_but_the_api_refuses_them():
    assert parse_search_args(MultiDict([("utm_source", "x")]), strict=False) == SearchQuery()
    with pytest.raises(SearchParamError) as error:
        parse_search_args(MultiDict([("utm_source", "x")]), strict=True)
    assert error.value.param == "utm_source"


def test_query_args_round_trips_and_changes_state():
    query = SearchQuery(
        q="grooming",
        filters={"countries": ("DE", "FR")},
        sort="newest",
        evidence_min=2,
        page=3,
        no_expand=frozenset({"grooming"}),
    )
    assert query_args(query, page=3) == (
        "q=grooming&countries=DE&countries=FR&evidence_min=2&sort=newest&noexpand=grooming&page=3"
    )
    parsed = parse_search_args(
        MultiDict([tuple(p.split("=")) for p in query_args(query, page=3).split("&")]), strict=True
    )
    assert parsed == query
    assert query_args(query, remove=("countries", "DE")) == (
        "q=grooming&countries=FR&evidence_min=2&sort=newest&noexpand=grooming"
    )
    assert query_args(query, reset_expansions=True, remove=("evidence_min", None)) == (
        "q=grooming&countries=DE&countries=FR&sort=newest"
    )
    assert query_args(query, q="sextortion", noexpand="csam").startswith("q=sextortion&")
