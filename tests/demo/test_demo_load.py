"""`flask demo load`: accounts per role, published demo measures, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role, User, UserStatus
from app.accounts.passwords import verify_password
from app.core.extensions import db
from app.demo.accounts import DEMO_ACCOUNTS, DEMO_APPLICANT
from app.demo.cli import DEMO_FILE, DRAFT_RECORD, SUBMITTED_RECORD
from app.measures.models import Measure, MeasureStatus, RevisionState
from app.outbox.models import IndexChange
from app.records.schema import validate_record
from tests.conftest import make_measure, make_user


def _demo_lines() -> int:
    return sum(1 for line in DEMO_FILE.read_text(encoding="utf-8").splitlines() if line.strip())


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _load(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result


def test_the_demo_file_has_at_least_thirty_valid_measures():
    assert _demo_lines() >= 30
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
    practitioner = db.session.scalar(select(User).where(User.role == Role.PRACTITIONER))
    assert submitted.owner_id == draft.owner_id == practitioner.id
    assert _count(Measure, Measure.owner_id == practitioner.id) == published + 2


def test_demo_measures_under_ruleset_2027_1_reach_level_2_at_most_and_show_a_harm_flag(runner):
    _load(runner)
    public = Measure.status == MeasureStatus.PUBLISHED
    # The demo records are format 1: no trial reports its differential attrition or baseline
    # equivalence, so ruleset 2027.1 rates every one low, and a favourable finding from a
    # low-rated study gives level 2 at most (2026.1 reached every level; README "Evidence
    # levels" counts the changes). The real programmes of issue 12 replace them.
    levels = set(db.session.scalars(select(Measure.evidence_level).where(public)))
    assert levels == {0, 1, 2}
    labels = set(db.session.scalars(select(Measure.evidence_label).where(public)))
    assert labels == {"Not evaluated", "Emerging", "Preliminary"}
    assert _count(Measure, public, Measure.harm_flag.is_(True)) >= 1
    countries = db.session.scalars(select(Measure).where(public)).all()
    assert len({c for m in countries for c in m.published_revision.countries}) >= 10
    languages = {m.published_revision.text_language for m in countries}
    assert len(languages) >= 6


def test_demo_load_prints_the_accounts_with_their_passwords(runner):
    output = _load(runner).output
    assert f"{_demo_lines()} published measures, 1 waiting for moderation, 1 draft" in output
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
