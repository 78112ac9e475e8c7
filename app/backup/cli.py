"""`flask backup create [PATH]` and `flask backup restore PATH` (docs/backups.md)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from app.backup import services
from app.backup.archive import BackupError
from app.core.extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database and uploaded reports.")


def _echo(started: float):
    def echo(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:6.1f} s] {message}")

    return echo


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def create_command(path: Path | None) -> None:
    """Back up to PATH: a new .tar.gz, or a new folder for any other name.

    Safe while the app runs. Default: instance/backups/prevent-hub-<UTC time>.tar.gz.
    """
    path = path or services.default_path()
    echo = _echo(time.monotonic())
    try:
        manifest = services.create_backup(path, echo=echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    tables = manifest["database"]["tables"]
    echo(
        f"Backup written to {path}: {sum(tables.values())} rows in {len(tables)} tables, "
        f"{manifest['uploads']['count']} uploaded file(s)."
    )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@click.option(
    "--no-reindex", is_flag=True, help="Skip rebuilding the search index (run it yourself)."
)
def restore_command(path: Path, force: bool, no_reindex: bool) -> None:
    """Restore the backup at PATH into this instance (an empty one unless --force)."""
    echo = _echo(time.monotonic())
    try:
        manifest = services.restore_backup(path, force=force, echo=echo)
        db.session.commit()
    except BackupError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    echo(f"Restored the backup of {manifest['created_at']}.")
    if no_reindex:
        echo("Now rebuild the search index: flask search rebuild")
        return
    from app.search import indexer

    echo("Rebuilding the search index…")
    count = indexer.rebuild()
    echo(f"Indexed {count} published measure(s). Check with: flask search check")
