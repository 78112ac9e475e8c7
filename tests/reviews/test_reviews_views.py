"""Review pages: the section of the measure page, the form, editing, hiding, the API key."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.core.extensions import db
from app.reviews import services
from app.reviews.models import Review, ReviewVersion
from app.reviews.services import hide_review
from tests.conftest import make_measure
from tests.reviews.conftest import (
    GOOD_COMMENT,
    add_review,
    form_post,
    reviewer,
    scores,
    sign_in,
)


def text(response) -> str:
    """The page as a person reads it: tags removed, spaces collapsed."""
    body = response.get_data(as_text=True)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def review_count() -> int:
    return db.session.scalar(select(func.count(Review.id))) or 0


def page(client, measure, **args):
    return client.get(f"/measures/{measure.id}", query_string=args)


# --- writing -----------------------------------------------------------------------------------


def test_practitioner_writes_a_review_from_the_measure_page(client, measure, practitioner):
    sign_in(client, practitioner)
    shown = page(client, measure)
    html = shown.get_data(as_text=True)
    assert f'action="/measures/{measure.id}/reviews"' in html
    assert "Write a review" in text(shown)
    response = client.post(f"/measures/{measure.id}/reviews", data=form_post())
    assert response.status_code == 302
    review = db.session.scalar(select(Review))
    assert response.location.endswith(f"/measures/{measure.id}#review-{review.id}")
    after = text(client.get(response.location))
    assert "Your review is published" in after
    assert GOOD_COMMENT in after
    assert "4.0 of 5 on average" in after
    assert "Edit your review" in after
    assert "Write a review" not in after


def test_implemented_review_is_marked_with_country_and_year(client, measure, official):
    sign_in(client, official)
    client.post(
        f"/measures/{measure.id}/reviews",
        data=form_post(implemented="y", implemented_country="FR", implemented_year="2021"),
    )
    assert "Implemented in France, 2021" in text(page(client, measure))


BAD_POSTS = [
    ({"effectiveness": None}, "Effectiveness in practice: Choose a score from 1 to 5."),
    ({"ease": "6"}, "Ease of implementation: Choose a score from 1 to 5."),
    ({"value": "lots"}, "Value for money: Choose a score from 1 to 5."),
    ({"comment": ""}, "Comment: Write a comment"),
    ({"comment": "Too short"}, "Comment: Write at least 10 characters."),
    ({"comment": "y" * 5001}, "Comment: Use at most 5,000 characters"),
    (
        {"implemented": "y", "implemented_country": "ZZ"},
        "Country where you implemented it: Choose the country from the list.",
    ),
    (
        {"implemented_country": "DE"},
        "Country where you implemented it: Leave this empty, or tick",
    ),
    (
        {"implemented": "y", "implemented_year": "last year"},
        "Year you implemented it: Enter the year as a number, like 2021.",
    ),
    (
        {"implemented": "y", "implemented_year": "1812"},
        "Year you implemented it: Enter a year from 1950 to",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_POSTS)
def test_bad_form_input_is_explained_and_nothing_is_stored(
    client, measure, practitioner, overrides, message
):
    sign_in(client, practitioner)
    response = client.post(f"/measures/{measure.id}/reviews", data=form_post(**overrides))
    assert response.status_code == 200
    shown = text(response)
    assert "There is a problem" in shown
    assert message in shown
    assert review_count() == 0


def test_a_bad_post_keeps_what_was_typed(client, measure, practitioner):
    sign_in(client, practitioner)
    response = client.post(
        f"/measures/{measure.id}/reviews", data=form_post(comment="short", implemented_year="2019")
    )
    html = response.get_data(as_text=True)
    assert 'value="2019"' in html
    assert re.search(r'name="effectiveness" id="effectiveness-4" value="4" checked', html)
    assert "\nshort</textarea>" in html


def test_error_messages_are_tied_to_their_fields(client, measure, practitioner):
    sign_in(client, practitioner)
    html = client.post(
        f"/measures/{measure.id}/reviews", data=form_post(effectiveness=None, comment="")
    ).get_data(as_text=True)
    assert '<a href="#effectiveness">' in html
    assert 'aria-describedby="effectiveness-hint effectiveness-error"' in html
    assert 'id="effectiveness-error"' in html
    assert 'aria-describedby="comment-hint comment-error"' in html


def test_second_review_sends_the_author_to_edit_the_first(client, measure, practitioner):
    first = add_review(practitioner, measure)
    sign_in(client, practitioner)
    response = client.post(f"/measures/{measure.id}/reviews", data=form_post(value="1"))
    assert response.status_code == 302
    assert response.location.endswith(f"/reviews/{first.id}/edit")
    assert "already reviewed" in text(client.get(response.location))
    assert review_count() == 1
    assert db.session.get(Review, first.id).value == 5


def test_measure_page_says_you_already_reviewed_with_an_edit_link(client, measure, practitioner):
    review = add_review(practitioner, measure)
    sign_in(client, practitioner)
    response = page(client, measure)
    assert "You reviewed this measure on" in text(response)
    assert f'href="/reviews/{review.id}/edit"' in response.get_data(as_text=True)
    assert "Publish your review" not in text(response)


def test_own_organisation_sees_why_it_cannot_review(client, measure):
    colleague = reviewer(Role.PRACTITIONER, organisation="ORG A")
    sign_in(client, colleague)
    shown = text(page(client, measure))
    assert "This measure comes from your own organisation (Org A)." in shown
    assert "Publish your review" not in shown
    response = client.post(f"/measures/{measure.id}/reviews", data=form_post())
    assert response.status_code == 403
    assert "your own organisation" in text(response)
    assert review_count() == 0


def test_anonymous_visitor_sees_ratings_and_a_sign_in_link(client, measure, practitioner):
    add_review(practitioner, measure)
    response = page(client, measure)
    shown = text(response)
    assert "Peer reviews" in shown and GOOD_COMMENT in shown
    assert "Sign in to write a review" in shown
    assert f"/account/login?next=/measures/{measure.id}" in unescape(
        response.get_data(as_text=True)
    ).replace("%2F", "/")
    posted = client.post(f"/measures/{measure.id}/reviews", data=form_post())
    assert posted.status_code == 302 and "/account/login" in posted.location
    assert review_count() == 1


def test_moderator_is_told_moderators_do_not_review(client, measure, moderator):
    sign_in(client, moderator)
    assert "Moderators and admins moderate them." in text(page(client, measure))


def test_public_sees_role_and_country_not_the_reviewers_name(
    client, measure, practitioner, moderator
):
    add_review(practitioner, measure)
    public = text(page(client, measure))
    assert "Practitioner from Germany" in public
    assert practitioner.name not in public
    assert "Other Org" not in public
    sign_in(client, moderator)
    assert "Other Org" in text(page(client, measure))


def test_harm_flagged_measure_shows_and_takes_reviews(client, owner, practitioner):
    study = {
        "design": "rct",
        "year": 2020,
        "sample_size": 300,
        "outcomes": ["disclosure"],
        "effect": "negative",
        "findings": "Children in the programme disclosed less.",
        "citation": "Trial report 2020",
    }
    flagged = make_measure(owner, publish=True, evaluations=[study])
    sign_in(client, practitioner)
    response = client.post(f"/measures/{flagged.id}/reviews", data=form_post())
    assert response.status_code == 302
    shown = text(page(client, flagged))
    assert "Harm signal" in shown and GOOD_COMMENT in shown


def test_draft_measure_has_no_review_form_and_refuses_posts(client, owner, practitioner):
    draft = make_measure(owner)
    sign_in(client, practitioner)
    assert client.post(f"/measures/{draft.id}/reviews", data=form_post()).status_code == 404
    sign_in(client, owner)
    assert "Peer reviews" not in text(page(client, draft))


# --- the implemented filter and the charts -------------------------------------------------------


def test_implemented_filter_shows_only_reviews_by_implementers(client, measure, practitioner):
    add_review(practitioner, measure, comment="Read about it, never ran it ourselves.")
    add_review(
        reviewer(Role.OFFICIAL),
        measure,
        implemented=True,
        implemented_country="PL",
        implemented_year=2022,
        comment="We ran it across Silesia for two school years.",
    )
    everything = text(page(client, measure))
    assert "never ran it ourselves" in everything and "across Silesia" in everything
    assert "Show only reviews by people who implemented the measure (1)" in everything
    filtered = page(client, measure, implemented="1")
    shown = text(filtered)
    assert "across Silesia" in shown
    assert "never ran it ourselves" not in shown
    assert "Implemented in Poland, 2022" in shown
    assert "Showing only reviews by people who implemented the measure." in shown
    assert f'href="/measures/{measure.id}#reviews-list"' in filtered.get_data(as_text=True)


def test_distribution_charts_are_accessible_svg_with_a_table(client, measure, practitioner):
    add_review(practitioner, measure, **scores(4))
    add_review(reviewer(Role.OFFICIAL), measure, **scores(2))
    html = page(client, measure).get_data(as_text=True)
    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S)
    assert len(charts) == 4
    first = charts[0]
    assert 'role="img"' in first
    assert 'aria-labelledby="rating-chart-effectiveness-title rating-chart-effectiveness-desc"' in (
        first
    )
    assert "<title id=" in first and "<desc id=" in first
    assert "mean 3.0 of 5 from 2 reviews" in first
    assert "4 (Good): 1; 3 (Fair): 0; 2 (Poor): 1" in first
    assert "style=" not in first
    assert "<caption>Number of reviews giving each score, by question</caption>" in html
    assert " style=" not in html.split('id="reviews"')[1]


def test_page_without_reviews_says_so(client, measure):
    shown = text(page(client, measure))
    # One empty state, not two in a row ("No reviews yet", then "Nobody has reviewed...").
    assert shown.count("Nobody has reviewed this measure yet.") == 1
    assert "No reviews yet" not in shown and "Reviews Nobody" not in shown
    assert "<svg" not in page(client, measure).get_data(as_text=True).split('id="reviews"')[1]


# --- editing -----------------------------------------------------------------------------------


def test_author_edits_and_the_history_is_kept(client, measure, practitioner, moderator):
    review = add_review(practitioner, measure)
    sign_in(client, practitioner)
    form = client.get(f"/reviews/{review.id}/edit")
    assert form.status_code == 200
    assert GOOD_COMMENT in text(form)
    response = client.post(
        f"/reviews/{review.id}/edit", data=form_post(value="2", comment="Costs more than we hoped.")
    )
    assert response.status_code == 302
    assert db.session.get(Review, review.id).value == 2
    versions = db.session.scalars(select(ReviewVersion)).all()
    assert [v.comment for v in versions] == [GOOD_COMMENT]
    sign_in(client, moderator)
    shown = text(page(client, measure))
    assert "Edit history (1 earlier version)" in shown
    assert "edited" in shown


def test_bad_edit_is_explained_and_changes_nothing(client, measure, practitioner):
    review = add_review(practitioner, measure)
    sign_in(client, practitioner)
    response = client.post(f"/reviews/{review.id}/edit", data=form_post(comment="meh"))
    assert "Comment: Write at least 10 characters." in text(response)
    assert db.session.get(Review, review.id).comment == GOOD_COMMENT


def test_others_may_not_edit(client, measure, practitioner, official):
    review = add_review(practitioner, measure)
    sign_in(client, official)
    assert client.get(f"/reviews/{review.id}/edit").status_code == 403
    assert client.post(f"/reviews/{review.id}/edit", data=form_post()).status_code == 403


# --- hiding --------------------------------------------------------------------------------------


def test_moderator_hides_with_a_reason_and_the_author_sees_it(
    client, measure, practitioner, official, moderator
):
    review = add_review(practitioner, measure)
    sign_in(client, moderator)
    response = client.post(f"/reviews/{review.id}/hide", data={"reason": "Names a school pupil."})
    assert response.status_code == 302
    assert db.session.get(Review, review.id).is_hidden
    moderator_view = text(page(client, measure))
    assert "Hidden" in moderator_view and GOOD_COMMENT in moderator_view
    assert "Show the review again" in moderator_view
    sign_in(client, official)
    others = text(page(client, measure))
    assert GOOD_COMMENT not in others and "Nobody has reviewed this measure yet." in others
    sign_in(client, practitioner)
    author = text(page(client, measure))
    assert GOOD_COMMENT in author
    assert "Hidden by a moderator" in author
    assert "Reason: Names a school pupil." in author
    assert "only you and the moderators can see it" in author
    edit = text(client.get(f"/reviews/{review.id}/edit"))
    assert "Reason: Names a school pupil." in edit


def test_hiding_without_a_reason_shows_the_form_with_the_error(
    client, measure, practitioner, moderator
):
    review = add_review(practitioner, measure)
    sign_in(client, moderator)
    response = client.post(f"/reviews/{review.id}/hide", data={"reason": "  "})
    assert response.status_code == 200
    shown = text(response)
    assert "Reason for hiding: " + services.MSG_REASON_MISSING in shown
    assert not db.session.get(Review, review.id).is_hidden


def test_moderator_shows_a_hidden_review_again(client, measure, practitioner, moderator):
    review = add_review(practitioner, measure)
    hide_review(moderator, review, "Check the figures.")
    db.session.commit()
    sign_in(client, moderator)
    response = client.post(f"/reviews/{review.id}/unhide", data={"note": "Checked."})
    assert response.status_code == 302
    assert not db.session.get(Review, review.id).is_hidden
    again = client.post(f"/reviews/{review.id}/unhide")
    assert "This review is not hidden." in text(client.get(again.location))


def test_hidden_review_is_not_found_by_others(client, measure, practitioner, official, moderator):
    review = add_review(practitioner, measure)
    hide_review(moderator, review, "Off topic.")
    db.session.commit()
    sign_in(client, official)
    assert client.get(f"/reviews/{review.id}/edit").status_code == 404


# --- the API -------------------------------------------------------------------------------------


def test_api_ratings_key_holds_the_aggregates(client, measure, practitioner, moderator):
    assert client.get(f"/api/v1/measures/{measure.id}").get_json()["ratings"] is None
    add_review(practitioner, measure, implemented=True, **scores(5))
    hidden = add_review(reviewer(Role.OFFICIAL), measure, **scores(1))
    hide_review(moderator, hidden, "Spam.")
    db.session.commit()
    body = client.get(f"/api/v1/measures/{measure.id}").get_json()
    ratings = body["ratings"]
    assert ratings["count"] == 1
    assert ratings["implemented_count"] == 1
    assert ratings["mean"] == 5.0
    assert ratings["bayesian_average"] == 5.0
    assert ratings["dimensions"]["effectiveness"] == {
        "label": "Effectiveness in practice",
        "mean": 5.0,
        "count": 1,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
    }
    assert body["evidence_level"] == measure.evidence_level


# --- CSRF ----------------------------------------------------------------------------------------


@pytest.fixture()
def csrf_client(make_app, app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    with csrf_app.app_context():
        yield csrf_app.test_client()


def test_review_forms_refuse_posts_without_a_csrf_token(csrf_client, measure, practitioner):
    review = add_review(reviewer(Role.OFFICIAL), measure)
    sign_in(csrf_client, practitioner)
    for path in (
        f"/measures/{measure.id}/reviews",
        f"/reviews/{review.id}/edit",
        f"/reviews/{review.id}/hide",
        f"/reviews/{review.id}/unhide",
    ):
        assert csrf_client.post(path, data=form_post(reason="x")).status_code == 400, path
    assert review_count() == 1


def test_review_events_appear_in_the_audit_log(client, measure, practitioner, moderator):
    review = add_review(practitioner, measure)
    hide_review(moderator, review, "Off topic.")
    db.session.commit()
    sign_in(client, moderator)
    response = client.get("/moderation/audit")
    assert response.status_code == 200
    shown = text(response)
    assert "Wrote a peer review" in shown and "Hid a peer review" in shown
