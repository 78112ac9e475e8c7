"""`flask users create|list`."""

from __future__ import annotations

import pytest

from app.accounts.models import Role, UserStatus
from app.accounts.passwords import verify_password
from app.accounts.services import find_user_by_email
from tests.accounts.conftest import audit_actions, user_count
from tests.conftest import TEST_PASSWORD, make_user

GOOD = [
    "users", "create", "Admin@Example.org", "--role", "admin", "--name", "Ada Admin",
    "--country", "de", "--organisation", "Prevent-Hub team", "--password-stdin",
]  # fmt: skip


def _args(**changes: str) -> list[str]:
    args = list(GOOD)
    for option, value in changes.items():
        args[args.index(f"--{option}") + 1] = value
    return args


def test_create_makes_an_active_verified_account_from_a_password_on_stdin(runner):
    result = runner.invoke(args=GOOD, input=TEST_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created admin admin@example.org" in result.output
    user = find_user_by_email("admin@example.org")
    assert user.role == Role.ADMIN and user.status == UserStatus.ACTIVE
    assert user.country == "DE" and user.organisation == "Prevent-Hub team"
    assert user.email_verified_at is not None and user.approved_at is not None
    assert verify_password(user.password_hash, TEST_PASSWORD)
    [event] = audit_actions("user.created")
    assert event.actor_id is None and event.details == {"role": "admin"}
    assert TEST_PASSWORD not in result.output


def test_the_new_account_can_sign_in(runner, auth):
    runner.invoke(args=GOOD, input=TEST_PASSWORD + "\n")
    assert auth.login("admin@example.org").status_code == 302


def test_spaces_in_the_password_are_kept(runner):
    runner.invoke(args=GOOD, input="  spaced out password  \r\n")
    assert verify_password(
        find_user_by_email("admin@example.org").password_hash, "  spaced out password  "
    )


def test_without_stdin_the_password_is_asked_twice(runner):
    args = [a for a in GOOD if a != "--password-stdin"]
    result = runner.invoke(args=args, input=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert find_user_by_email("admin@example.org") is not None


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (_args(role="root"), TEST_PASSWORD, "role: Choose one of: practitioner"),
        (_args(country="XX"), TEST_PASSWORD, "country: Choose your country"),
        (_args(country="Germany"), TEST_PASSWORD, "country: Choose your country"),
        (_args(name=" "), TEST_PASSWORD, "name: Enter your name."),
        (_args(organisation="O" * 201), TEST_PASSWORD, "organisation: Use at most 200"),
        (["users", "create", "not-an-email", *GOOD[3:]], TEST_PASSWORD, "email: Enter a valid"),
        (GOOD, "short", "password: Use at least 12 characters."),
        (GOOD, "", "password: Enter a password."),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nonzero_exit(runner, args, password, message):
    result = runner.invoke(args=args, input=password + "\n")
    assert result.exit_code != 0
    assert "The account was not created" in result.output
    assert message in result.output
    assert user_count() == 0
    assert audit_actions() == []


def test_a_duplicate_email_is_refused(runner):
    make_user(email="admin@example.org")
    result = runner.invoke(args=GOOD, input=TEST_PASSWORD + "\n")
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert user_count() == 1


def test_a_missing_option_is_a_usage_error(runner):
    args = GOOD[:5] + GOOD[7:]  # without --name
    result = runner.invoke(args=args, input=TEST_PASSWORD + "\n")
    assert result.exit_code == 2
    assert "--name" in result.output
    assert user_count() == 0


def test_list_shows_accounts_and_filters(runner):
    make_user(email="pat@example.org")
    make_user("moderator", email="mo@example.org", status=UserStatus.PENDING)
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "pat@example.org" in result.output and "mo@example.org" in result.output
    result = runner.invoke(args=["users", "list", "--status", "pending"])
    assert "mo@example.org" in result.output and "pat@example.org" not in result.output
    result = runner.invoke(args=["users", "list", "--role", "practitioner"])
    assert "pat@example.org" in result.output and "mo@example.org" not in result.output
    assert runner.invoke(args=["users", "list", "--role", "king"]).exit_code == 2
