"""`flask users create|list|reset-2fa`: accounts from the command line, with the operator's
authority."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.accounts import services, two_factor
from app.accounts.models import Role, User, UserStatus
from app.core.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")

ROLE_NAMES = [role.value for role in Role]


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help="One of: " + ", ".join(ROLE_NAMES) + ".")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--country", required=True, help="ISO 3166 two-letter code, e.g. DE.")
@click.option("--organisation", required=True, help="The person's organisation.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (else you are asked).",
)
def create_command(
    email: str, role: str, name: str, country: str, organisation: str, password_stdin: bool
) -> None:
    """Create an active account with a confirmed EMAIL (no approval needed)."""
    if password_stdin:
        # One line; only the line break is removed, spaces belong to the password.
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(
            None,
            email=email,
            name=name,
            password=password,
            role=role.strip().lower(),
            country=country.strip().upper(),
            organisation=organisation,
        )
    except services.AccountInvalid as error:
        db.session.rollback()
        lines = "\n".join(f"  {field}: {message}" for field, message in error.errors)
        raise click.ClickException(f"The account was not created:\n{lines}") from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLE_NAMES), help="Only this role.")
@click.option(
    "--status", type=click.Choice([s.value for s in UserStatus]), help="Only this status."
)
def list_command(role: str | None, status: str | None) -> None:
    """List accounts: id, role, status, email, name."""
    query = select(User).order_by(User.id)
    if role:
        query = query.where(User.role == Role(role))
    if status:
        query = query.where(User.status == UserStatus(status))
    count = 0
    for user in db.session.scalars(query):
        count += 1
        click.echo(f"{user.id}\t{user.role.value}\t{user.status.value}\t{user.email}\t{user.name}")
    click.echo(f"{count} account{'' if count == 1 else 's'}.", err=True)


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Turn off two-factor sign-in for EMAIL (lost phone and recovery codes); ends their
    sessions. For when no other admin can do it on the Users page."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    try:
        two_factor.reset_two_factor(None, user)
    except two_factor.InvalidTransition as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Two-factor sign-in is off for {user.email}; they sign in with the password.")
