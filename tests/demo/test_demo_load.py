"""`flask demo load`: accounts per role, the published demo measures (real programmes and a few
labelled synthetic ones), idempotent. What the files hold: test_demo_data.py."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User, UserStatus
from app.accounts.passwords import verify_password
from app.core.extensions import db
from app.demo.accounts import DEMO_ACCOUNTS, DEMO_APPLICANT
from app.demo.cli import (
    DEMO_FILES,
    DRAFT_RECORD,
    SUBMITTED_RECORD,
    SYNTHETIC_FILE,
    SYNTHETIC_ORGANISATION,
)
from app.measures.models import Measure, MeasureStatus, RevisionState
from app.outbox.models import IndexChange
from app.records.schema import validate_record
from tests.conftest import make_measure, make_user

pytestmark = pytest.mark.commits  # `flask demo load` leaves a searchable instance


def _lines(path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def _demo_lines() -> int:
    return sum(_lines(path) for path in DEMO_FILES)


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _load(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result


def test_the_demo_files_have_at_least_sixty_real_measures_and_the_extra_records_are_valid():
    assert _demo_lines() - _lines(SYNTHETIC_FILE) >= 60
    validate_record(SUBMITTED_RECORD)
    validate_record(DRAFT_RECORD)


def test_demo_load_creates_one_active_verified_account_per_role(runner):
    _load(runner)
    users = {u.email: u for u in db.session.scalars(select(User))}
    for account in DEMO_ACCOUNTS:
        user = users[account.email]
        assert user.role == Role(account.role)
        assert user.status == UserStatus.ACTIVE
        assert user.email_verified_at is not None and user.approved_at is not None
        assert verify_password(user.password_hash, account.password)
    assert {a.role for a in DEMO_ACCOUNTS} == {r.value for r in Role}
    applicant = users[DEMO_APPLICANT.email]
    assert applicant.status == UserStatus.PENDING  # something for the approval list
    assert len(users) == len(DEMO_ACCOUNTS) + 1


def test_demo_load_publishes_the_demo_measures_plus_a_submitted_one_and_a_draft(runner):
    _load(runner)
    published = _count(Measure, Measure.status == MeasureStatus.PUBLISHED)
    assert published == _demo_lines()
    # Published in the same transactions as their outbox rows, then indexed after commit.
    assert _count(IndexChange) == 0
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 0, check.output
    submitted = db.session.scalar(
        select(Measure).where(Measure.external_id == SUBMITTED_RECORD["external_id"])
    )
    assert submitted.status == MeasureStatus.SUBMITTED
    assert submitted.working_revision.state == RevisionState.SUBMITTED
    draft = db.session.scalar(
        select(Measure).where(Measure.external_id == DRAFT_RECORD["external_id"])
    )
    assert draft.status == MeasureStatus.DRAFT
    # The demo practitioner, not the applicant waiting for approval (a practitioner too).
    email = next(a.email for a in DEMO_ACCOUNTS if a.role == Role.PRACTITIONER)
    practitioner = db.session.scalar(select(User).where(User.email == email))
    assert submitted.owner_id == draft.owner_id == practitioner.id
    assert _count(Measure, Measure.owner_id == practitioner.id) == published + 2


def test_demo_measures_under_ruleset_2027_1_show_every_level_and_label(runner):
    _load(runner)
    public = Measure.status == MeasureStatus.PUBLISHED
    # The real programmes reach levels 0-3 (README "Demo data"); the synthetic examples add
    # Supported, Well supported, No effect found and Negative effects found.
    levels = set(db.session.scalars(select(Measure.evidence_level).where(public)))
    assert levels == {0, 1, 2, 3, 4, 5}
    labels = set(db.session.scalars(select(Measure.evidence_label).where(public)))
    assert labels == {
        "Not evaluated", "Emerging", "Preliminary", "Promising", "Supported", "Well supported",
        "No effect found", "Negative effects found",
    }  # fmt: skip
    # A real one (a low-rated study reported harm) and the synthetic one with a strong trial.
    assert _count(Measure, public, Measure.harm_flag.is_(True)) >= 2
    measures = db.session.scalars(select(Measure).where(public)).all()
    assert len({c for m in measures for c in m.published_revision.countries}) >= 15
    assert len({m.published_revision.text_language for m in measures}) >= 10


def test_after_demo_load_a_search_finds_a_real_programme(runner, client):
    _load(runner)
    page = client.get("/search?q=Dunkelfeld")
    assert page.status_code == 200
    assert "Kein Täter werden – Präventionsprojekt Dunkelfeld" in page.get_data(as_text=True)


def test_a_synthetic_demo_measure_is_labelled_on_its_page_and_in_search(runner, client):
    _load(runner)
    measure = db.session.scalar(
        select(Measure).where(Measure.external_id == "synthetic-well-supported")
    )
    html = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "Synthetic example: support for young people" in html
    assert SYNTHETIC_ORGANISATION in html
    assert "This is a synthetic example" in html
    results = client.get("/search?q=synthetic").get_data(as_text=True)
    assert "Synthetic example: parent course with one strong trial" in results


def test_demo_load_prints_the_accounts_with_their_passwords(runner):
    output = _load(runner).output
    synthetic = _lines(SYNTHETIC_FILE)
    assert (
        f"{_demo_lines()} published measures ({_demo_lines() - synthetic} real programmes,"
        f" {synthetic} synthetic examples labelled as such), 1 waiting for moderation and 1"
        " draft (both synthetic)"
    ) in output
    for account in DEMO_ACCOUNTS:
        line = next(line for line in output.splitlines() if account.email in line)
        assert account.password in line and account.role in line
    assert DEMO_APPLICANT.email not in output


def test_a_second_demo_load_changes_nothing(runner):
    _load(runner)
    before = (_count(User), _count(Measure), _count(IndexChange))
    output = _load(runner).output
    assert "already loaded" in output
    assert "practitioner@demo.prevent-hub.eu" in output
    assert (_count(User), _count(Measure), _count(IndexChange)) == before


def test_demo_load_leaves_a_database_with_measures_alone(runner):
    make_measure(make_user(), publish=True)
    output = _load(runner).output
    assert "already loaded" in output
    assert _count(Measure) == 1
    assert "Demo accounts" not in output  # none exist here
    assert _count(User) == 1


def test_demo_accounts_can_sign_in(runner, client):
    _load(runner)
    account = DEMO_ACCOUNTS[0]
    response = client.post(
        "/account/login", data={"email": account.email, "password": account.password}
    )
    assert response.status_code == 302
    assert "/account/login" not in response.headers["Location"]


def test_demo_load_refuses_to_run_in_production(runner, app):
    app.config["CONFIG_NAME"] = "production"
    try:
        result = runner.invoke(args=["demo", "load"])
    finally:
        app.config["CONFIG_NAME"] = "testing"
    assert result.exit_code == 1
    assert "not in production" in result.output
    assert _count(User) == 0
