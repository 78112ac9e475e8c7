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
from app.measures.io import ImportReport, LineError, import_records, parse_line
from app.measures.models import Measure
from app.measures.services import create_measure, submit_measure
from app.records.schema import validate_record

demo_cli = AppGroup("demo", help="Demo data.")

# Real, publicly documented programmes (their sources: SOURCES.md), then the few synthetic
# measures kept for evidence levels no real record reaches, in a file of their own so that
# their labelling can be checked line by line (tests/demo).
DEMO_FILE = Path(__file__).with_name("measures.jsonl")
SYNTHETIC_FILE = Path(__file__).with_name("synthetic.jsonl")
DEMO_FILES = (DEMO_FILE, SYNTHETIC_FILE)
SYNTHETIC_TITLE = "Synthetic example: "
SYNTHETIC_ORGANISATION = "Synthetic test data (not a real programme)"
SYNTHETIC_NOTE = "This is a synthetic example"

# Two synthetic measures of the demo practitioner that are not published: one waits in the
# moderation queue, one is still a draft. Labelled like those of SYNTHETIC_FILE.
SUBMITTED_RECORD: dict[str, Any] = {
    "external_id": "demo-pending-safe-clubs-checklist",
    "title": SYNTHETIC_TITLE + "Safe Clubs checklist for youth sports associations",
    "summary": "A self-assessment checklist and two-hour workshop that help youth sports clubs "
    "appoint a safeguarding lead, write a code of conduct and agree how to respond to concerns. "
    f"{SYNTHETIC_NOTE}, invented to fill the moderation queue: the programme and its pilot "
    "do not exist.",
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
    "organisation": SYNTHETIC_ORGANISATION,
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
            "citation": "Synthetic pilot report invented for the demo; no such report exists.",
        }
    ],
}
DRAFT_RECORD: dict[str, Any] = {
    "external_id": "demo-draft-parent-evening-online-safety",
    "title": SYNTHETIC_TITLE + "Parent evenings on online grooming",
    "summary": "Evening sessions in primary schools where parents learn how grooming starts "
    f"online and how to talk with their children about it. {SYNTHETIC_NOTE}, invented as "
    "the demo practitioner's draft: the programme does not exist.",
    "countries": ["DE"],
    "text_language": "en",
    "prevention_level": "primary",
    "target_groups": ["parents_carers"],
    "settings": ["school", "online"],
    "organisation": SYNTHETIC_ORGANISATION,
    "status": "planned",
}


class DemoLoadFailed(Exception):
    pass


def check_demo_files(paths: tuple[Path, ...] = DEMO_FILES) -> list[str]:
    """Every problem of the demo files, "FILE line N: key: reason", before anything is stored.

    Checks each line as the import will, and that no external_id is in two files (the second
    import would then update the first's measure).
    """
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                record = parse_line(text, number)
            except LineError as error:
                problems += [f"{path.name} {message}" for message in error.messages]
                continue
            external_id = record.get("external_id")
            if external_id in seen:
                problems.append(
                    f"{path.name} line {number}: external_id: {external_id} is also in"
                    f" {seen[external_id]}"
                )
            elif external_id:
                seen[external_id] = path.name
    return problems


def load_demo(paths: tuple[Path, ...] = DEMO_FILES) -> tuple[dict[str, Any], ImportReport]:
    """Accounts, the published demo measures, one submitted and one draft.

    Commits: each file's import once for the whole file (the first also stores the accounts),
    then the spread of publication dates. Raises AccountInvalid for demo account data the
    account rules refuse, DemoLoadFailed when a line of a demo file does not validate (then
    nothing is stored, as the files are checked first) or does not import.
    """
    problems = check_demo_files(paths)
    if problems:
        raise DemoLoadFailed("\n".join(problems))
    users = create_demo_accounts()
    practitioner = users["practitioner"]
    submitted = create_measure(
        practitioner, validate_record(SUBMITTED_RECORD), owner=practitioner, source="demo"
    )
    submit_measure(practitioner, submitted)
    create_measure(practitioner, validate_record(DRAFT_RECORD), owner=practitioner, source="demo")
    record_event(None, "demo.loaded", "system", None, file=", ".join(p.name for p in paths))
    total = ImportReport()
    for path in paths:
        with path.open("rb") as lines:
            report = import_records(
                lines, publish=True, all_or_nothing=True, owner=practitioner, source=path.name
            )
        if not report.ok:
            raise DemoLoadFailed("\n".join(f"{path.name} {e}" for e in report.errors))
        total.created += report.created
        total.measure_ids += report.measure_ids
    # Spread the publication dates over the past months, first line newest, so the home
    # page and the browse list open with the real programmes, as the file's author ordered
    # them, and the synthetic examples come last.
    now = utcnow()
    for position, measure_id in enumerate(total.measure_ids):
        measure = db.session.get(Measure, measure_id)
        if measure is not None:
            measure.published_at = now - timedelta(days=3 * position)
    db.session.commit()
    return users, total


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
    missing = [str(path) for path in DEMO_FILES if not path.is_file()]
    if missing:
        raise click.ClickException(f"{', '.join(missing)} missing.")
    try:
        users, report = load_demo()
    except (AccountInvalid, DemoLoadFailed) as error:
        db.session.rollback()
        raise click.ClickException(f"Demo data not loaded: {error}") from None
    synthetic = sum(1 for line in SYNTHETIC_FILE.open(encoding="utf-8") if line.strip())
    click.echo(
        f"Loaded demo data: {report.created} published measures ({report.created - synthetic}"
        f" real programmes, {synthetic} synthetic examples labelled as such), 1 waiting for"
        f" moderation and 1 draft (both synthetic), {len(users)} accounts and 1 registration"
        " waiting for approval."
    )
    _print_accounts(DEMO_ACCOUNTS)
