"""GET /compare, the session comparison list (POST /compare/add|remove) and the measure
page's controls: validation of ids, limits, difference marks and accessible markup."""

from __future__ import annotations

import re

import pytest

from app.compare.session import COMPARE_KEY
from app.core.extensions import db
from app.measures.services import submit_measure
from tests.conftest import make_measure


def ids(*measures) -> str:
    return ",".join(str(m.id) for m in measures)


def test_compare_page_shows_a_column_per_measure_and_marks_rows_that_differ(client, published):
    a, b, _c = published
    response = client.get(f"/compare?ids={ids(a, b)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "<h1>Compare 2 measures</h1>" in html
    assert re.search(
        rf'<th scope="col" class="compare-measure">\s*<a href="/measures/{a.id}"', html
    )
    # Beta differs in target groups and cost; both list Germany and Austria.
    target = re.search(r'<tr class="compare-row row-differs" id="aspect-target_groups">', html)
    assert target, "target groups differ"
    assert '<tr class="compare-row" id="aspect-countries">' in html
    # The mark is words, not only a colour, with an explanation for screen readers.
    row = html[target.start() : html.index("</tr>", target.start())]
    assert '<span class="differs-marker">Differs</span>' in row
    assert "the measures differ in this aspect" in row
    assert "No reviews yet" in html
    assert "Level 4 of 5: Supported" in html


def test_repeated_ids_parameters_work_like_a_comma_list(client, published):
    a, b, c = published
    response = client.get(f"/compare?ids={a.id}&ids={b.id},{c.id}")
    assert response.status_code == 200
    assert "<h1>Compare 3 measures</h1>" in response.get_data(as_text=True)


def test_duplicate_ids_count_once(client, published):
    a, b, _c = published
    response = client.get(f"/compare?ids={a.id},{b.id},{a.id}")
    assert response.status_code == 200
    assert "<h1>Compare 2 measures</h1>" in response.get_data(as_text=True)


def test_showing_only_differences_keeps_just_the_rows_that_differ(client, published):
    a, b, _c = published
    html = client.get(f"/compare?ids={ids(a, b)}&show=differences").get_data(as_text=True)
    assert 'id="aspect-target_groups"' in html
    assert 'id="aspect-countries"' not in html
    assert "Show all aspects" in html


def test_fewer_than_two_measures_get_a_friendly_explanation(client, published):
    response = client.get(f"/compare?ids={published[0].id}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A comparison needs at least 2 measures" in html
    assert "Alpha school programme" in html  # what was chosen so far


def test_a_single_unknown_id_is_explained_too(client):
    response = client.get("/compare?ids=424242")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "A comparison needs at least 2 measures" in html
    assert "There is no published measure with this number: 424242." in html


def test_more_than_four_measures_are_refused_with_an_explanation(client, owner, published):
    more = [make_measure(owner, publish=True, title=f"Extra {i}") for i in range(2)]
    response = client.get(f"/compare?ids={ids(*published, *more)}")
    assert response.status_code == 400
    assert "You asked to compare 5 measures" in response.get_data(as_text=True)
    assert "Choose up to 4" in response.get_data(as_text=True)


@pytest.mark.parametrize("bad", ["abc", "1;2", "-1,2", "1.5,2", "99999999999,1", "²,1"])
def test_ids_that_are_not_numbers_are_a_400_that_says_so(client, bad):
    response = client.get("/compare", query_string={"ids": bad})
    assert response.status_code == 400
    assert "is not a measure number" in response.get_data(as_text=True)


def test_unknown_and_unpublished_ids_are_listed_not_a_500(client, owner, published):
    draft = make_measure(owner, title="Draft measure")
    submitted = make_measure(owner, title="Submitted measure")
    submit_measure(owner, submitted)
    db.session.commit()
    a, b, _c = published
    response = client.get(f"/compare?ids={a.id},{b.id},{draft.id},999999")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f"There is no published measure with these numbers: {draft.id}, 999999." in html
    assert "Draft measure" not in html  # an unpublished measure's content never shows
    assert re.search(rf'href="/compare\?ids={a.id}(,|%2C){b.id}"', html)  # compare the rest
    response = client.get(f"/compare?ids={a.id},{submitted.id}")
    assert response.status_code == 404
    assert f"this number: {submitted.id}" in response.get_data(as_text=True)


def test_compare_without_ids_uses_the_session_list_or_explains(client, published):
    a, b, _c = published
    response = client.get("/compare")
    assert response.status_code == 200
    assert "You have not chosen any yet" in response.get_data(as_text=True)
    client.post("/compare/add", data={"measure_id": a.id})
    assert "You have chosen 1" in client.get("/compare").get_data(as_text=True)
    client.post("/compare/add", data={"measure_id": b.id})
    response = client.get("/compare")
    assert response.status_code == 302
    assert re.search(rf"/compare\?ids={a.id}(,|%2C){b.id}$", response.location)


def test_the_session_list_holds_at_most_four_with_a_clear_message(client, owner, published):
    fourth = make_measure(owner, publish=True, title="Delta")
    fifth = make_measure(owner, publish=True, title="Epsilon")
    for m in [*published, fourth]:
        response = client.post(
            "/compare/add", data={"measure_id": m.id, "next": f"/measures/{m.id}"}
        )
        assert response.status_code == 303
        assert response.location.endswith(f"/measures/{m.id}")
    response = client.post("/compare/add", data={"measure_id": fifth.id}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "You can compare at most 4 measures. Remove one from the comparison" in html
    with client.session_transaction() as session:
        assert session[COMPARE_KEY] == [m.id for m in [*published, fourth]]
    assert "Compare (4<span" in html  # the header counts them


def test_adding_twice_keeps_one_and_removing_takes_it_out(client, published):
    a = published[0]
    client.post("/compare/add", data={"measure_id": a.id})
    response = client.post("/compare/add", data={"measure_id": a.id}, follow_redirects=True)
    assert "is already in your comparison" in response.get_data(as_text=True)
    client.post("/compare/remove", data={"measure_id": a.id})
    with client.session_transaction() as session:
        assert session[COMPARE_KEY] == []


def test_only_published_measures_can_be_added(client, owner):
    draft = make_measure(owner, title="Draft measure")
    assert client.post("/compare/add", data={"measure_id": draft.id}).status_code == 404
    assert client.post("/compare/add", data={"measure_id": 424242}).status_code == 404


@pytest.mark.parametrize("value", ["", "abc", "0", "-3", "99999999999"])
def test_a_bad_measure_number_is_a_400(client, value):
    assert client.post("/compare/add", data={"measure_id": value}).status_code == 400
    with client.session_transaction() as session:
        assert not session.get(COMPARE_KEY)


def test_next_may_only_lead_back_into_the_site(client, published):
    a = published[0]
    response = client.post(
        "/compare/add", data={"measure_id": a.id, "next": "https://evil.example/"}
    )
    assert response.location.endswith(f"/measures/{a.id}")


def test_measure_page_offers_add_then_remove_from_comparison(client, published):
    a = published[0]
    html = client.get(f"/measures/{a.id}").get_data(as_text=True)
    assert 'action="/compare/add"' in html
    assert f'<input type="hidden" name="next" value="/measures/{a.id}">' in html
    client.post("/compare/add", data={"measure_id": a.id})
    html = client.get(f"/measures/{a.id}").get_data(as_text=True)
    assert 'action="/compare/remove"' in html
    assert "Remove from comparison" in html
    assert "In your comparison (1 of 4" in html


def test_measure_page_of_an_unpublished_measure_has_no_compare_controls(client, auth, owner):
    draft = make_measure(owner, title="Draft measure")
    auth.login(owner)
    html = client.get(f"/measures/{draft.id}").get_data(as_text=True)
    assert "to comparison" not in html


def test_compare_toggle_macro_names_the_measure_for_screen_readers(app, published):
    a = published[0]
    template = app.jinja_env.from_string(
        '{% from "compare/_macros.html" import compare_toggle %}{{ compare_toggle(mid, title) }}'
    )
    with app.test_request_context("/search?q=x"):
        html = template.render(mid=a.id, title="Alpha")
    assert 'action="/compare/add"' in html
    assert 'Add<span class="visually-hidden"> “Alpha”</span> to comparison' in html
    assert '<input type="hidden" name="next" value="/search?q=x">' in html


def test_remove_button_on_the_compare_page_goes_to_the_remaining_measures(client, published):
    a, b, c = published
    html = client.get(f"/compare?ids={ids(a, b, c)}").get_data(as_text=True)
    assert re.search(rf'name="next" value="/compare\?ids={b.id}(,|%2C){c.id}"', html)


def test_compare_page_is_printable_and_scripts_only_enhance(client, published):
    a, b, _c = published
    html = client.get(f"/compare?ids={ids(a, b)}").get_data(as_text=True)
    assert 'class="button secondary js-print" hidden' in html  # shown by compare.js only
    assert " style=" not in html
    css = client.get("/static/site.css").get_data(as_text=True)
    compare_css = css[css.index("/* --- compare area") :]
    assert "@media print" in compare_css


@pytest.fixture()
def csrf_client(make_app, app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        yield csrf_app.test_client()


@pytest.mark.parametrize(
    "path", ["/compare/add", "/compare/remove", "/shortlists/session/items", "/shortlists"]
)
def test_list_forms_refuse_posts_without_a_csrf_token(csrf_client, path):
    assert csrf_client.post(path, data={"measure_id": "1", "name": "x"}).status_code == 400
