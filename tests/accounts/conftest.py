"""Account test helpers: a client per cookie, the mailbox in MAIL_DIR, a registration form."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, User, UserStatus
from app.audit.models import AuditEvent
from app.core.extensions import db
from tests.conftest import TEST_PASSWORD, make_user

NEW_PASSWORD = "a new and rather long passphrase"


def new_client(app):
    return app.test_client()


class Mailbox:
    """The mails the app wrote to MAIL_DIR during one test, oldest first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        parser = BytesParser(policy=policy.default)
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            message = parser.parsebytes(path.read_bytes())
            if to is None or message["To"] == to:
                found.append(message)
        return found  # type: ignore[return-value]

    def last(self, to: str) -> EmailMessage:
        messages = self.messages(to)
        assert messages, f"no mail to {to}"
        return messages[-1]

    def link(self, to: str) -> str:
        """The path of the first link in the newest mail to `to`."""
        body = self.last(to).get_content()
        match = re.search(r"https?://[^/\s]+(/\S+)", body)
        assert match, body
        return match.group(1)


@pytest.fixture()
def mailbox(app) -> Mailbox:
    folder = Path(app.config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    return Mailbox(folder)


def registration(**overrides: Any) -> dict[str, str]:
    data = {
        "name": "Ana Novak",
        "email": "ana.novak@example.org",
        "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD,
        "country": "SI",
        "organisation": "Safe Childhood Ljubljana",
        "role": "practitioner",
    }
    data.update(overrides)
    return data


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def audit_actions(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def fresh(user: User) -> User:
    """The user as the database has it now (the app's requests changed it)."""
    db.session.expire_all()
    return db.session.get(User, user.id)


def pending_user(role: Role | str = Role.PRACTITIONER, **kwargs: Any) -> User:
    return make_user(role, status=UserStatus.PENDING, **kwargs)
