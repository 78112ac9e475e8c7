"""`flask demo load`: demo accounts and measures, so every page has something to show."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.accounts.services import AccountInvalid
from app.audit.services import record_event
from app.core.dbtypes import utcnow
from app.core.extensions import db
from app.demo.accounts import (
    DEMO_ACCOUNTS,
    DemoAccount,
    create_demo_accounts,
    existing_demo_accounts,
)
from app.measures.io import ImportReport, import_records
from app.measures.models import Measure
from app.measures.services import create_measure, submit_measure
from app.records.schema import validate_record

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_FILE = Path(__file__).with_name("measures.jsonl")

# Two measures of the demo practitioner that are not published: one waits in the moderation
# queue, one is still a draft.
SUBMITTED_RECORD: dict[str, Any] = {
    "external_id": "demo-pending-safe-clubs-checklist",
    "title": "Safe Clubs checklist for youth sports associations",
    "summary": "A self-assessment checklist and two-hour workshop that help youth sports clubs "
    "appoint a safeguarding lead, write a code of conduct and agree how to respond to concerns.",
    "description": "## How it works\nClub boards fill in a 25-item checklist, then a trained "
    "facilitator runs a workshop with coaches and parents to close the gaps it shows.",
    "countries": ["DE", "AT"],
    "text_language": "en",
    "languages": ["de", "en"],
    "prevention_level": "primary",
    "target_groups": ["professionals", "children", "parents_carers"],
    "settings": ["sport_leisure"],
    "abuse_forms": ["contact_abuse", "grooming"],
    "delivery": ["training", "policy_procedure"],
    "age_min": 6,
    "age_max": 18,
    "organisation": "Verbund Starke Grenzen e. V.",
    "start_year": 2022,
    "status": "pilot",
    "cost_level": "low",
    "manual_available": True,
    "evaluations": [
        {
            "design": "pre_post",
            "year": 2024,
            "country": "DE",
            "sample_size": 48,
            "outcomes": ["professional_practice"],
            "effect": "positive",
            "findings": "After a year, 40 of 48 clubs had a safeguarding lead and a written "
            "procedure for concerns, against 11 before.",
            "citation": "Pilot report, Verbund Starke Grenzen, 2024",
        }
    ],
}
DRAFT_RECORD: dict[str, Any] = {
    "external_id": "demo-draft-parent-evening-online-safety",
    "title": "Parent evenings on online grooming",
    "summary": "Evening sessions in primary schools where parents learn how grooming starts "
    "online and how to talk with their children about it.",
    "countries": ["DE"],
    "text_language": "en",
    "prevention_level": "primary",
    "target_groups": ["parents_carers"],
    "settings": ["school", "online"],
    "organisation": "Verbund Starke Grenzen e. V.",
    "status": "planned",
}


class DemoLoadFailed(Exception):
    pass


def load_demo(path: Path = DEMO_FILE) -> tuple[dict[str, Any], ImportReport]:
    """Accounts, the published demo measures, one submitted and one draft; all or nothing.

    Commits: the import once for everything, then the spread of publication dates. Raises
    AccountInvalid for demo account data the account rules refuse, DemoLoadFailed when a
    line of the demo file does not import (then nothing is stored).
    """
    users = create_demo_accounts()
    practitioner = users["practitioner"]
    submitted = create_measure(
        practitioner, validate_record(SUBMITTED_RECORD), owner=practitioner, source="demo"
    )
    submit_measure(practitioner, submitted)
    create_measure(practitioner, validate_record(DRAFT_RECORD), owner=practitioner, source="demo")
    record_event(None, "demo.loaded", "system", None, file=path.name)
    with path.open("rb") as lines:
        report = import_records(
            lines, publish=True, all_or_nothing=True, owner=practitioner, source=path.name
        )
    if not report.ok:
        raise DemoLoadFailed("\n".join(report.errors))
    # Spread the publication dates over the past months, first line newest, so the home
    # page and the browse list open with the file's first measures, as its author ordered them.
    now = utcnow()
    for position, measure_id in enumerate(report.measure_ids):
        measure = db.session.get(Measure, measure_id)
        if measure is not None:
            measure.published_at = now - timedelta(days=3 * position)
    db.session.commit()
    return users, report


def _print_accounts(accounts: list[DemoAccount] | tuple[DemoAccount, ...]) -> None:
    if not accounts:
        return
    click.echo("Demo accounts (sign in at /account/login):")
    width = max(len(a.email) for a in accounts)
    for account in accounts:
        click.echo(f"  {account.email:<{width}}  password: {account.password:<24} {account.role}")


@demo_cli.command("load")
def load_command() -> None:
    """Load demo accounts and measures into an empty database (does nothing otherwise)."""
    if current_app.config.get("CONFIG_NAME") == "production":
        raise click.ClickException("Demo data has public passwords: not in production.")
    if db.session.scalar(select(func.count(Measure.id))):
        click.echo("Demo data already loaded (the database has measures): nothing changed.")
        _print_accounts(existing_demo_accounts())
        return
    if not DEMO_FILE.is_file():
        raise click.ClickException(f"{DEMO_FILE} is missing.")
    try:
        users, report = load_demo()
    except (AccountInvalid, DemoLoadFailed) as error:
        db.session.rollback()
        raise click.ClickException(f"Demo data not loaded: {error}") from None
    click.echo(
        f"Loaded demo data: {report.created} published measures, 1 waiting for moderation,"
        f" 1 draft, {len(users)} accounts and 1 registration waiting for approval."
    )
    _print_accounts(DEMO_ACCOUNTS)
