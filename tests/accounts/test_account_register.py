"""Registration: every field's bad input, duplicates, the pending account, mail, rate limits."""

from __future__ import annotations

import pytest

from app.accounts.models import Role, UserStatus
from app.accounts.passwords import verify_password
from app.accounts.services import find_user_by_email
from tests.accounts.conftest import audit_actions, registration, user_count
from tests.conftest import TEST_PASSWORD, make_user


def test_register_page_says_the_account_waits_for_approval_and_lists_eu_countries_first(client):
    page = client.get("/account/register").get_data(as_text=True)
    assert "waits for approval" in page
    for name in ("name", "email", "password", "confirm", "country", "organisation", "role"):
        assert f'<label for="{name}">' in page
    assert page.index("Slovenia") < page.index("Afghanistan")  # EU group comes first
    assert '<option value="">Choose a country</option>' in page
    assert 'value="admin"' not in page


def test_registration_creates_a_pending_user_mails_a_link_and_audits(client, mailbox):
    response = client.post("/account/register", data=registration(email=" Ana.Novak@Example.org "))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/register/done")
    user = find_user_by_email("ana.novak@example.org")
    assert user is not None
    assert user.email == "ana.novak@example.org"
    assert user.status == UserStatus.PENDING
    assert user.role == Role.PRACTITIONER
    assert (user.country, user.organisation, user.name) == (
        "SI",
        "Safe Childhood Ljubljana",
        "Ana Novak",
    )
    assert user.email_verified_at is None and user.approved_at is None
    assert user.password_hash != TEST_PASSWORD
    assert verify_password(user.password_hash, TEST_PASSWORD)
    [event] = audit_actions("user.registered")
    assert (event.actor_id, event.object_id, event.details) == (
        user.id,
        user.id,
        {"role": "practitioner"},
    )
    mail = mailbox.last("ana.novak@example.org")
    assert "confirm your email" in mail["Subject"]
    assert mailbox.link("ana.novak@example.org").startswith("/account/verify/")
    assert TEST_PASSWORD not in mail.get_content()
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your account is waiting for approval" in done


@pytest.mark.parametrize("role", ["practitioner", "official", "moderator"])
def test_each_registrable_role_can_be_asked_for(client, role):
    assert client.post("/account/register", data=registration(role=role)).status_code == 302
    assert find_user_by_email("ana.novak@example.org").role == Role(role)


TOO_LONG = "Use at most {} characters."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"name": "   "}, "name", "Enter your name."),
        ({"name": "N" * 121}, "name", TOO_LONG.format(120)),
        ({"email": ""}, "email", "Enter your email address."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"email": "ana@localhost"}, "email", "Enter a valid email address"),
        ({"email": "a" * 250 + "@example.org"}, "email", TOO_LONG.format(254)),
        ({"password": "", "confirm": ""}, "password", "Enter a password."),
        ({"password": "short pw", "confirm": "short pw"}, "password", "Use at least 12"),
        ({"password": "p" * 129, "confirm": "p" * 129}, "password", TOO_LONG.format(128)),
        ({"confirm": "something else entirely"}, "confirm", "The two passwords do not match."),
        ({"confirm": ""}, "confirm", "Repeat the password."),
        ({"country": ""}, "country", "Choose your country from the list."),
        ({"country": "XX"}, "country", "Choose your country from the list."),
        ({"country": "si"}, "country", "Choose your country from the list."),
        ({"organisation": ""}, "organisation", "Enter your organisation."),
        ({"organisation": "O" * 201}, "organisation", TOO_LONG.format(200)),
        ({"role": "admin"}, "role", "Choose practitioner, official or moderator."),
        ({"role": ""}, "role", "Choose practitioner, official or moderator."),
        ({"role": "superuser"}, "role", "Choose practitioner, official or moderator."),
    ],
)
def test_bad_registration_input_shows_the_message_on_the_field_and_stores_nothing(
    client, mailbox, overrides, field, message
):
    response = client.post("/account/register", data=registration(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    error_start = page.index(f'id="{field}-error"')
    assert message in page[error_start : error_start + 300]
    assert f'href="#{field}"' in page  # the summary links to the field
    assert user_count() == 0
    assert audit_actions() == []
    assert mailbox.messages() == []


def test_missing_fields_altogether_are_reported_not_crashing(client):
    response = client.post("/account/register", data={})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for message in ("Enter your name.", "Enter your email address.", "Enter a password."):
        assert message in page
    assert user_count() == 0


def test_duplicate_email_in_any_case_answers_as_a_new_one_and_mails_the_owner(client, app, mailbox):
    """Registration reveals no account (issue 15): the same answer as for a new address, and
    the address's owner, not the form, learns that someone tried."""
    make_user(email="ana.novak@example.org")
    fresh = client.post("/account/register", data=registration(email="someone.new@example.org"))
    response = client.post("/account/register", data=registration(email="ANA.Novak@example.org"))
    assert response.status_code == fresh.status_code == 302
    assert response.headers["Location"] == fresh.headers["Location"]
    assert user_count() == 2  # the new one only
    [mail] = mailbox.messages("ana.novak@example.org")
    assert "already has an account" in mail.get_content()


def test_values_are_kept_after_an_error_but_passwords_are_not(client):
    page = client.post(
        "/account/register", data=registration(confirm="mismatch mismatch")
    ).get_data(as_text=True)
    assert 'value="Ana Novak"' in page
    assert 'value="Safe Childhood Ljubljana"' in page
    assert '<option selected value="SI">' in page
    assert TEST_PASSWORD not in page


def test_sixth_registration_from_one_address_in_an_hour_gets_429(client):
    for number in range(5):
        email = f"person{number}@example.org"
        assert client.post("/account/register", data=registration(email=email)).status_code == 302
    response = client.post("/account/register", data=registration(email="sixth@example.org"))
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert find_user_by_email("sixth@example.org") is None
    assert client.get("/account/register").status_code == 200  # reading the form is not limited


def test_a_few_mistakes_do_not_use_up_the_registration_limit(client):
    for _ in range(6):
        assert client.post("/account/register", data=registration(name="")).status_code == 200
    assert client.post("/account/register", data=registration()).status_code == 302


def test_endless_failed_attempts_are_limited_too(client):
    for _ in range(30):
        client.post("/account/register", data=registration(email="taken@example.org", name=""))
    assert client.post("/account/register", data=registration()).status_code == 429
    assert user_count() == 0
