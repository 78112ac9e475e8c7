"""A person with every kind of personal data the app holds, and the people around them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import g
from fpdf import FPDF

from app.accounts.models import RecoveryCode, Role
from app.audit.services import notify, record_event
from app.core.dbtypes import utcnow
from app.core.extensions import db
from tests.conftest import make_measure, make_user, sample_record


def sign_in(client, user) -> None:
    """Put `user` in the session as Flask-Login does (sign-in itself is tested elsewhere)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    g.pop("_login_user", None)


def make_pdf(text: str) -> bytes:
    pdf = FPDF()
    # A fixed date: the same text gives the same bytes (and sha256) whenever it is made.
    pdf.set_creation_date(datetime(2020, 1, 1, tzinfo=UTC))
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text=text)
    return bytes(pdf.output())


def attach(actor, measure, text: str):
    """Attach a fresh PDF with `text` to the first evaluation of the measure's draft."""
    from app.measures.services import attach_report
    from app.measures.uploads import check_report

    report = check_report(io.BytesIO(make_pdf(text)), f"{text}.pdf")
    attachment = attach_report(actor, measure.working_revision.evaluations[0], report)
    db.session.commit()
    return attachment


@dataclass
class People:
    person: Any
    other: Any
    admin: Any
    draft: Any  # the person's never-published measure, with a report of its own
    shared_draft: Any  # the person's submitted measure, its report also used by `other`
    own_published: Any  # published, owned by the person, with a draft edit under way
    others_published: Any  # published by `other`, reviewed by the person
    review: Any
    other_review: Any
    shortlist: Any
    private_report: Any
    shared_report: Any
    token: Any
    token_secret: str


@pytest.fixture()
def people(app) -> People:
    from app.compare.services import create_shortlist, share_shortlist
    from app.measures.services import submit_measure, update_measure
    from app.records.schema import validate_record
    from app.reviews.services import ReviewData, create_review, update_review

    person = make_user(Role.PRACTITIONER, organisation="Person Org", country="NL")
    other = make_user(Role.PRACTITIONER, organisation="Other Org", country="FR")
    third = make_user(Role.OFFICIAL, organisation="Ministry", country="AT")
    admin = make_user(Role.ADMIN, organisation="Hub")
    record_event(admin, "user.approved", "user", person.id, role="practitioner")

    draft = make_measure(person, title="Person draft", organisation="Person Org")
    private_report = attach(person, draft, "private report of the person")
    shared_draft = make_measure(person, title="Person submission", organisation="Person Org")
    shared_report = attach(person, shared_draft, "report used twice")
    submit_measure(person, shared_draft)
    others_draft = make_measure(other, title="Other draft", organisation="Other Org")
    attach(other, others_draft, "report used twice")

    own_published = make_measure(
        person, publish=True, title="Person published", organisation="Person Org"
    )
    record = validate_record(
        sample_record(title="Person published, edited", organisation="Person Org")
    )
    update_measure(person, own_published, record)
    db.session.commit()
    attach(person, own_published, "report of an unpublished edit")

    others_published = make_measure(
        other, publish=True, title="Other published", organisation="Other Org"
    )
    review = create_review(
        person,
        others_published,
        ReviewData(2, 3, 4, 5, True, "NL", 2021, "First thoughts of the person."),
    )
    db.session.flush()
    update_review(
        person, review, ReviewData(2, 2, 2, 2, True, "NL", 2021, "Second thoughts of the person.")
    )
    other_review = create_review(
        third, others_published, ReviewData(4, 4, 4, 4, False, None, None, "Third's view.")
    )
    shortlist = create_shortlist(person, "Person's list", [others_published])
    shortlist.items[0].note = "Note of the person."
    share_shortlist(person, shortlist)
    notify(person, "Your measure was published.", "/measures/1")
    person.totp_secret = "JBSWY3DPEHPK3PXP"
    person.totp_enabled_at = utcnow()
    db.session.add(RecoveryCode(user_id=person.id, code_hash="a" * 64))
    from app.api_tokens.services import create_token

    token, secret = create_token(person, "Person's script", "write")
    db.session.commit()
    return People(
        person=person,
        other=other,
        admin=admin,
        draft=draft,
        shared_draft=shared_draft,
        own_published=own_published,
        others_published=others_published,
        review=review,
        other_review=other_review,
        shortlist=shortlist,
        private_report=private_report,
        shared_report=shared_report,
        token=token,
        token_secret=secret,
    )
