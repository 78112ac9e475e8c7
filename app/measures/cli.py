"""`flask measures import|export|generate`: the record format on the command line; and
`flask evidence recompute`: every level under the current ruleset (DESIGN §8)."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.accounts.services import find_user_by_email
from app.measures.generate import generate_measures
from app.measures.io import (
    EXPORT_STATUSES,
    count_for_export,
    export_records,
    import_records,
    record_to_line,
)
from app.measures.models import MeasureStatus
from app.measures.recompute import LevelChange, count_measures, recompute_evidence

measures_cli = AppGroup("measures", help="Import, export and generate measure records.")


def _count_lines(path: str) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


@measures_cli.command("import")
@click.argument("file", type=click.Path(exists=True, allow_dash=True, dir_okay=False))
@click.option("--publish", is_flag=True, help="Publish at once instead of queueing for review.")
@click.option(
    "--all-or-nothing", is_flag=True, help="Store nothing unless every line imports cleanly."
)
@click.option("--owner", metavar="EMAIL", help="Account that owns the measures created.")
def import_command(file: str, publish: bool, all_or_nothing: bool, owner: str | None) -> None:
    """Import measure records from FILE (JSON Lines, UTF-8; "-" reads stdin).

    Upserts on external_id: a new record creates a measure, a known one gets a new revision.
    External ids are unique per owner: with --owner, among that account's measures; without,
    the one measure using the id, whoever owns it (a line whose id several owners use fails).
    Each line is stored on its own, so a bad line is reported and the good ones still
    import. Exits with status 1 when any line failed.
    """
    owner_user = None
    if owner:
        owner_user = find_user_by_email(owner)
        if owner_user is None:
            raise click.BadParameter(f"no account with the email {owner!r}", param_hint="--owner")
    # Bytes in: each line is decoded on its own, so bad UTF-8 fails that line only.
    source = "<stdin>" if file == "-" else file
    length = None if file == "-" else _count_lines(file)
    with (
        click.open_file(file, "rb") as handle,
        click.progressbar(
            handle, length=length, label="Importing", file=sys.stderr, show_pos=True
        ) as lines,
    ):
        report = import_records(
            lines,
            publish=publish,
            all_or_nothing=all_or_nothing,
            owner=owner_user,
            source=source,
        )
    for message in report.errors:
        click.echo(message, err=True)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@measures_cli.command("export")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, writable=True))
@click.option(
    "--status",
    type=click.Choice(EXPORT_STATUSES),
    default=MeasureStatus.PUBLISHED.value,
    show_default=True,
    help="Export only measures in this state.",
)
def export_command(file: str, status: str) -> None:
    """Export measure records to FILE as JSON Lines ("-" writes to stdout)."""
    total = count_for_export(status)
    with (
        click.open_file(file, "w", encoding="utf-8") as out,
        click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar,
    ):
        written = 0
        for record in export_records(status):
            out.write(record_to_line(record))
            written += 1
            bar.update(1)
    click.echo(f"exported {written} measures ({status})", err=True)


@measures_cli.command("generate")
@click.argument("count", type=click.IntRange(1, 1_000_000))
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same measures.")
@click.option("--publish", is_flag=True, help="Publish them (and queue them for indexing).")
def generate_command(count: int, seed: int, publish: bool) -> None:
    """Generate COUNT synthetic measures for load tests and search benchmarks.

    External ids are gen-SEED-N; a second run with the same seed continues the numbering.
    """
    with click.progressbar(length=count, label="Generating", file=sys.stderr) as bar:
        report = generate_measures(count, seed=seed, publish=publish, progress=bar.update)
    state = "published" if publish else "submitted"
    click.echo(
        f"generated {report.created} {state} measures, gen-{seed}-{report.first}"
        f" to gen-{seed}-{report.last}"
        + ("; run `flask search sync` to index them" if publish else "")
    )


evidence_cli = AppGroup("evidence", help="Evidence levels.")


@evidence_cli.command("recompute")
@click.option("--dry-run", is_flag=True, help="Show what would change; store nothing.")
def recompute_command(dry_run: bool) -> None:
    """Recompute every measure's evidence level under the current ruleset.

    Prints each change of level, label or harm flag (old → new, and the rule that decided the
    new one) and audits it; with --dry-run nothing is stored or audited.
    """

    def say(change: LevelChange) -> None:
        click.echo(change.describe())

    with click.progressbar(length=count_measures(), label="Recomputing", file=sys.stderr) as bar:
        report = recompute_evidence(dry_run=dry_run, on_change=say, progress=bar.update)
    click.echo(report.summary())
    if report.changes and not dry_run:
        click.echo("Each change is in the audit log as evidence.recomputed.")
