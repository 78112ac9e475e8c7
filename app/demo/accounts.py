"""The demo accounts `flask demo load` creates: one per role, with documented passwords.

These passwords are public (README, terminal output): demo data is for a local or training
instance only, and `flask demo load` refuses to run in the production configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import Role, User, UserStatus
from app.accounts.passwords import hash_password
from app.accounts.services import create_user, find_user_by_email
from app.core.dbtypes import utcnow
from app.core.extensions import db


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    name: str
    country: str
    organisation: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "practitioner@demo.prevent-hub.eu", "demo-practitioner-2026", "practitioner",
        "Paula Practitioner", "DE", "Verbund Starke Grenzen e. V. (demo)",
    ),
    DemoAccount(
        "official@demo.prevent-hub.eu", "demo-official-2026", "official",
        "Oskar Official", "AT", "Federal Ministry for Social Affairs (demo)",
    ),
    DemoAccount(
        "moderator@demo.prevent-hub.eu", "demo-moderator-2026", "moderator",
        "Mona Moderator", "BE", "Prevent-Hub editorial team",
    ),
    DemoAccount(
        "admin@demo.prevent-hub.eu", "demo-admin-2026", "admin",
        "Adam Admin", "BE", "Prevent-Hub editorial team",
    ),
)  # fmt: skip

# A registration waiting for approval, so the moderators' approval list has something in it.
# It cannot sign in (that is the point), so it is not listed with the accounts above.
DEMO_APPLICANT = DemoAccount(
    "applicant@demo.prevent-hub.eu", "demo-applicant-2026", "practitioner",
    "Ana Applicant", "PT", "Associação Crescer Seguro (demo)",
)  # fmt: skip


def existing_demo_accounts() -> list[DemoAccount]:
    """The demo accounts present in the database (none on a real deployment)."""
    emails = {a.email for a in DEMO_ACCOUNTS}
    found = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    return [a for a in DEMO_ACCOUNTS if a.email in found]


def create_demo_accounts() -> dict[str, User]:
    """The four active, verified demo accounts (by role) and the pending applicant.

    Accounts left from an earlier load are reused as they are. Raises AccountInvalid for
    data the account rules refuse. The caller commits.
    """
    users = {}
    for account in DEMO_ACCOUNTS:
        users[account.role] = find_user_by_email(account.email) or create_user(
            None,
            email=account.email,
            name=account.name,
            password=account.password,
            role=account.role,
            country=account.country,
            organisation=account.organisation,
        )
    # As if the applicant had registered and confirmed their address (register_user would
    # mail a link, which needs a request or SERVER_NAME and reaches nobody here).
    applicant = DEMO_APPLICANT
    if find_user_by_email(applicant.email) is None:
        db.session.add(
            User(
                email=applicant.email,
                name=applicant.name,
                password_hash=hash_password(applicant.password),
                role=Role(applicant.role),
                status=UserStatus.PENDING,
                country=applicant.country,
                organisation=applicant.organisation,
                email_verified_at=utcnow(),
            )
        )
        db.session.flush()
    return users
