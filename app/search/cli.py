"""`flask search sync [--follow] | rebuild | check | consumers`: keep the index in step with the
database.

Shaped like ckan/ckan's `search-index` commands for Solr: the database is the truth and the
index a cache that can always be rebuilt from it.
"""

from __future__ import annotations

import functools
import logging
import os
import time

import click
from flask.cli import AppGroup

from app.search import indexer, outbox
from app.search.backends.base import LockTimeout

search_cli = AppGroup("search", help="Search index maintenance.")
log = logging.getLogger(__name__)


def _default_procs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@search_cli.command("sync")
@click.option("--follow", is_flag=True, help="Keep running, applying new changes as they come.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls.")
def sync_command(follow: bool, interval: float) -> None:
    """Apply pending index changes (after a crash, or as a follower process)."""
    while True:
        try:
            report = indexer.sync(timeout=30.0, procs=_default_procs(), compact=True)
        except LockTimeout as exc:
            if not follow:
                raise click.ClickException(str(exc)) from exc
            report = None
        if report is not None and (report.rows or report.rebuilt is not None or not follow):
            built = (
                f"built the index from the database with {report.rebuilt} documents; "
                if (report.rebuilt is not None)
                else ""
            )
            click.echo(
                f"{built}applied {report.rows} change(s): {report.upserted} indexed, "
                f"{report.deleted} removed."
            )
        if not follow:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:  # pragma: no cover - interactive
            return


@search_cli.command("rebuild")
@click.option(
    "--procs", type=int, default=None, help="Indexing processes (default: up to 2, one per core)."
)
def rebuild_command(procs: int | None) -> None:
    """Build a fresh index beside the live one and swap it in; searches keep working."""
    total = indexer.published_count()
    procs = procs or _default_procs()
    started = time.monotonic()
    with click.progressbar(
        length=total, label="Indexing published measures", show_pos=True, show_eta=True
    ) as bar:
        count = indexer.rebuild(procs=procs, progress=bar.update)
    elapsed = max(time.monotonic() - started, 1e-6)
    click.echo(f"Indexed {count} measure(s) in {elapsed:.1f} s ({count / elapsed:.0f}/s).")


@search_cli.command("check")
def check_command() -> None:
    """Report drift between the published measures and the index; exit 1 on any."""
    report = indexer.check()
    click.echo(f"Index consumer (this host): {report.consumer}.")
    if not report.registered:
        click.echo(
            "Not registered: no change is queued for this index, so it falls behind. "
            "Run `flask search sync` (registers it and builds the index from the database)."
        )
    click.echo(f"Published in the database: {report.published}; in the index: {report.indexed}.")
    if report.pending:
        click.echo(f"Pending index changes (run `flask search sync`): {report.pending}.")
    for label, ids in (
        ("Published but not indexed", report.missing),
        ("Indexed but not published", report.extra),
        ("Indexed from an older revision", report.stale),
    ):
        if ids:
            shown = ", ".join(str(i) for i in ids[:50]) + (" …" if len(ids) > 50 else "")
            click.echo(f"{label} ({len(ids)}): {shown}")
    if report.ok:
        click.echo("No drift.")
        return
    click.echo("Drift found: run `flask search sync`, or `flask search rebuild`.")
    raise SystemExit(1)


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value is not None else "-"


@search_cli.command("consumers")
@click.option("--remove", "remove", metavar="NAME", help="Forget this consumer and its queue.")
def consumers_command(remove: str | None) -> None:
    """List the indexes the outbox queues changes for (one per Whoosh host, or "postgres"),
    or remove one whose host is gone (its queue would otherwise grow for ever)."""
    if remove is not None:
        rows = outbox.remove_consumer(remove)
        if rows is None:
            raise click.ClickException(f"No consumer named {remove!r}.")
        click.echo(f"Removed consumer {remove!r} and its {rows} queued change(s).")
        if remove == outbox.consumer_name():
            click.echo("That is this host: its next `flask search sync` registers it again.")
        return
    consumers = outbox.list_consumers()
    if not consumers:
        click.echo("No consumers registered: changes are not queued until a host syncs.")
        return
    this = outbox.consumer_name()
    for c in consumers:
        marker = " (this host)" if c.name == this else ""
        backend = c.backend or "not registered"
        click.echo(
            f"{c.name}{marker}: {backend}; {c.queued} queued (oldest {_when(c.oldest)}); "
            f"last seen {_when(c.last_seen_at)}"
        )


# --- commands that leave a searchable instance ----------------------------------------------


def sync_at_end(command: click.Command) -> None:
    """Make `command` sync the index when it ends (`flask demo load`, `flask measures import`):
    register this host and build its index if there is none, then apply what is queued, so
    the instance is searchable at once (a served instance would do it too, a moment later).

    Runs even when the command fails part-way: what it stored is searchable all the same.
    """
    callback = command.callback
    if callback is None or getattr(callback, "syncs_at_end", False):
        return  # wrapped already (create_app runs once per app; the command is module-level)

    @functools.wraps(callback)
    def wrapped(*args: object, **kwargs: object) -> object:
        try:
            return callback(*args, **kwargs)
        finally:
            _sync_quietly()

    wrapped.syncs_at_end = True  # type: ignore[attr-defined]
    command.callback = wrapped


def _sync_quietly() -> None:
    """Sync and say so in one line; a failure is reported, never raised over the command's
    own outcome (the index keeper of a served instance, or `flask search sync`, catches up)."""
    try:
        report = indexer.sync(timeout=60.0, procs=_default_procs(), compact=True)
    except LockTimeout:
        click.echo(
            "Search index: another process (a running server) is writing it; "
            "it applies these changes too.",
            err=True,
        )
        return
    except Exception as error:  # the command's own work is stored; the index can follow
        log.exception("search sync after the command failed")
        click.echo(
            f"Search index not updated ({type(error).__name__}): run `flask search sync`.",
            err=True,
        )
        return
    built = (
        f"built from the database with {report.rebuilt} measure(s)"
        if report.rebuilt is not None
        else f"{report.upserted} measure(s) indexed, {report.deleted} removed"
    )
    click.echo(f"Search index: {built}.", err=True)
