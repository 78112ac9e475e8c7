"""Who may write, edit, see, hide and show reviews (pure policy functions)."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from app.accounts.models import Role, UserStatus
from app.core.extensions import db
from app.measures.models import MeasureStatus
from app.reviews import policies
from app.reviews.policies import (
    can_edit_review,
    can_hide_review,
    can_review_measure,
    can_unhide_review,
    can_view_review,
    review_refusal,
    same_organisation,
)
from app.reviews.services import hide_review
from tests.conftest import make_measure, make_user
from tests.reviews.conftest import add_review, reviewer


def test_practitioners_and_officials_from_other_organisations_may_review(
    measure, practitioner, official
):
    assert can_review_measure(practitioner, measure)
    assert can_review_measure(official, measure)


def test_anonymous_visitor_is_asked_to_sign_in(measure):
    assert review_refusal(AnonymousUserMixin(), measure) == policies.MSG_SIGN_IN
    assert review_refusal(None, measure) == policies.MSG_SIGN_IN


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ADMIN])
def test_moderators_and_admins_do_not_review(measure, role):
    user = reviewer(role)
    assert review_refusal(user, measure) == policies.MSG_ROLE


def test_owner_cannot_review_own_measure(measure, owner):
    owner.organisation = "Somewhere else entirely"
    assert review_refusal(owner, measure) == policies.MSG_OWNER


@pytest.mark.parametrize("organisation", ["Org A", "  org a ", "ORG   A"])
def test_practitioner_cannot_review_own_organisations_measure(measure, organisation):
    colleague = reviewer(Role.PRACTITIONER, organisation=organisation)
    refusal = review_refusal(colleague, measure)
    assert refusal is not None and "your own organisation" in refusal
    assert not can_review_measure(colleague, measure)


def test_colleague_of_the_submitter_cannot_review_even_if_the_measure_names_another_org(app):
    submitter = make_user(Role.PRACTITIONER, organisation="Consultancy Ltd")
    measure = make_measure(submitter, publish=True, organisation="City Council")
    colleague = reviewer(Role.OFFICIAL, organisation="consultancy ltd")
    assert not can_review_measure(colleague, measure)
    assert can_review_measure(reviewer(Role.OFFICIAL, organisation="Other"), measure)


def test_unpublished_measures_cannot_be_reviewed(owner, practitioner):
    draft = make_measure(owner)
    assert review_refusal(practitioner, draft) == policies.MSG_UNPUBLISHED
    archived = make_measure(owner, publish=True)
    archived.status = MeasureStatus.ARCHIVED
    db.session.commit()
    assert review_refusal(practitioner, archived) == policies.MSG_UNPUBLISHED


def test_harm_flagged_measure_can_be_reviewed(owner, practitioner):
    study = {
        "design": "rct",
        "year": 2020,
        "sample_size": 300,
        "outcomes": ["disclosure"],
        "effect": "negative",
        "findings": "Children in the programme disclosed less.",
        "citation": "Trial report 2020",
    }
    measure = make_measure(owner, publish=True, evaluations=[study])
    assert measure.harm_flag is True
    assert can_review_measure(practitioner, measure)


def test_suspended_user_cannot_review(measure):
    user = reviewer(Role.PRACTITIONER)
    user.status = UserStatus.SUSPENDED
    assert not can_review_measure(user, measure)


def test_same_organisation_ignores_case_and_spacing_but_not_emptiness():
    assert same_organisation(" Save the Children ", "save  the children")
    assert not same_organisation("", "")
    assert not same_organisation(None, "Org")
    assert not same_organisation("Org A", "Org B")


def test_only_the_author_edits_hidden_or_not(measure, practitioner, official, moderator):
    review = add_review(practitioner, measure)
    assert can_edit_review(practitioner, review)
    assert not can_edit_review(official, review)
    assert not can_edit_review(moderator, review)
    assert not can_edit_review(AnonymousUserMixin(), review)
    hide_review(moderator, review, "Personal data in the comment.")
    db.session.commit()
    assert can_edit_review(practitioner, review)


def test_reviews_of_an_archived_measure_are_closed_to_edits(measure, practitioner):
    review = add_review(practitioner, measure)
    measure.status = MeasureStatus.ARCHIVED
    db.session.commit()
    assert not can_edit_review(practitioner, review)


def test_hidden_review_is_seen_by_its_author_and_moderators_only(
    measure, practitioner, official, moderator
):
    review = add_review(practitioner, measure)
    assert can_view_review(AnonymousUserMixin(), review)
    hide_review(moderator, review, "Off topic.")
    db.session.commit()
    assert can_view_review(practitioner, review)
    assert can_view_review(moderator, review)
    assert not can_view_review(official, review)
    assert not can_view_review(AnonymousUserMixin(), review)


def test_only_moderators_hide_and_unhide(measure, practitioner, official, moderator):
    review = add_review(practitioner, measure)
    admin = make_user(Role.ADMIN, organisation="Hub")
    assert can_hide_review(moderator, review) and can_hide_review(admin, review)
    assert not can_hide_review(practitioner, review)
    assert not can_hide_review(official, review)
    assert not can_unhide_review(moderator, review)  # it is not hidden
    hide_review(moderator, review, "Off topic.")
    db.session.commit()
    assert can_unhide_review(admin, review)
    assert not can_hide_review(moderator, review)
    assert not can_unhide_review(practitioner, review)
