"""Creating and restoring backups (called by app/backup/cli.py, in an app context).

create_backup copies the database first and the uploads after: a report's file is written
before the row that names it is committed and is never changed afterwards (files are named
by their sha256), so every report the copied database refers to is found in the folder.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app

from app.audit.services import record_event
from app.backup import database
from app.backup.archive import (
    FORMAT,
    UPLOADS,
    VERSION,
    BackupError,
    copy_file,
    opened_archive,
    read_manifest,
    sha256_of,
    staging_folder,
    verify_files,
    write_manifest,
)
from app.backup.database import VERSION_TABLE, Echo
from app.core.extensions import db

PROGRESS_EVERY = 500  # uploads copied between progress lines
# Rows that may exist in an instance nobody has used yet.
_EMPTY_INSTANCE_TABLES = {VERSION_TABLE}


def _quiet(_message: str) -> None:
    return None


def default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(current_app.instance_path) / "backups" / f"prevent-hub-{stamp}.tar.gz"


def _upload_files(upload_dir: Path) -> list[Path]:
    if not upload_dir.is_dir():
        return []
    # Dot files are temporary files of uploads in progress (app/measures/uploads.py).
    return sorted(p for p in upload_dir.rglob("*") if p.is_file() and not p.name.startswith("."))


def _copy_uploads(files: list[Path], source: Path, target: Path, echo: Echo) -> dict[str, Any]:
    listed: dict[str, Any] = {}
    for number, path in enumerate(files, start=1):
        relative = path.relative_to(source).as_posix()
        digest = copy_file(path, target / relative)
        listed[relative] = {"sha256": digest, "size": path.stat().st_size}
        if number % PROGRESS_EVERY == 0 or number == len(files):
            echo(f"  {number}/{len(files)} files")
    return listed


def create_backup(destination: Path, echo: Echo = _quiet) -> dict[str, Any]:
    """Write a backup to `destination` (a new folder, or a .tar.gz); return its manifest.

    Raises BackupError when the database cannot be dumped or `destination` exists.
    """
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    with staging_folder(destination) as work:
        echo(f"Copying the {database.kind_of(db.engine)} database…")
        snapshot = database.dump(db.engine, work, echo)
        files = {snapshot.file: {"sha256": sha256_of(work / snapshot.file)}}
        uploads = _upload_files(upload_dir)
        echo(f"Copying {len(uploads)} uploaded file(s)…")
        listed = _copy_uploads(uploads, upload_dir, work / UPLOADS, echo)
        files.update({f"{UPLOADS}/{name}": entry for name, entry in listed.items()})
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "kind": snapshot.kind,
                "file": snapshot.file,
                "alembic_revision": snapshot.alembic_revision,
                "tables": snapshot.tables,
            },
            "uploads": {"count": len(listed), "bytes": sum(e["size"] for e in listed.values())},
            "files": files,
        }
        write_manifest(work, manifest)
        echo(f"Writing {destination}…")
    return manifest


def data_tables(counts: dict[str, int]) -> list[str]:
    """Tables holding rows that an unused instance would not have."""
    return sorted(n for n, c in counts.items() if c and n not in _EMPTY_INSTANCE_TABLES)


def _forget_index_consumers(echo: Echo) -> None:
    """The restored outbox names the indexes of the backed-up hosts, which hold another state
    of the data: forget them all. Each host's next `flask search sync` registers its index again
    and rebuilds it from the restored database (this host's is rebuilt by the restore)."""
    from app.search import outbox

    for consumer in outbox.list_consumers():
        rows = outbox.remove_consumer(consumer.name)
        echo(f"  forgot search index {consumer.name} ({rows} queued change(s))")


def restore_backup(source: Path, *, force: bool = False, echo: Echo = _quiet) -> dict[str, Any]:
    """Restore the backup at `source` into this instance's database and upload folder.

    Refuses (BackupError) a database that already holds data unless `force`, an archive whose
    files do not match their sha256, and a backup of the other kind of database. Forgets the
    search index consumers of the backed-up hosts. The caller rebuilds this host's search index
    afterwards and commits the audit event written here.
    """
    with opened_archive(source) as folder:
        manifest = read_manifest(folder)
        echo("Checking the archive's files…")
        verify_files(folder, manifest)
        kind = manifest["database"]["kind"]
        database.check_kind(db.engine, kind)
        occupied = data_tables(database.table_counts(db.engine))
        if occupied and not force:
            raise BackupError(
                "the database already holds data (in "
                + ", ".join(occupied[:5])
                + (" …" if len(occupied) > 5 else "")
                + "): restore into an empty instance, or pass --force to replace it"
            )
        db.session.remove()
        echo(f"Restoring the {kind} database…")
        database.restore(db.engine, kind, folder, echo)
        restored = database.table_counts(db.engine)
        expected = manifest["database"]["tables"]
        wrong = [n for n, c in expected.items() if restored.get(n) != c]
        if wrong:
            raise BackupError(f"after the restore these tables differ from the backup: {wrong}")
        upload_dir = Path(current_app.config["UPLOAD_DIR"])
        names = [n for n in manifest["files"] if n.startswith(f"{UPLOADS}/")]
        echo(f"Restoring {len(names)} uploaded file(s) to {upload_dir}…")
        for number, name in enumerate(names, start=1):
            target = upload_dir / name.removeprefix(f"{UPLOADS}/")
            wanted = manifest["files"][name]["sha256"]
            if not (target.is_file() and sha256_of(target) == wanted):
                copy_file(folder / name, target)
            if number % PROGRESS_EVERY == 0 or number == len(names):
                echo(f"  {number}/{len(names)} files")
    _forget_index_consumers(echo)
    record_event(
        None, "backup.restored", "backup", None,
        archive=source.name, created_at=manifest["created_at"],
        alembic_revision=manifest["database"]["alembic_revision"],
    )  # fmt: skip
    db.session.flush()
    return manifest
