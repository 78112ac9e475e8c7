"""The backup archive: a folder (or that folder as a .tar.gz) holding a manifest, the database
dump and the uploaded reports, each file listed in the manifest with its sha256."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FORMAT = "prevent-hub-backup"
VERSION = 1
UPLOADS = "uploads"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive is unusable or the operation was refused; the message says why."""


def is_tarball(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_file(source: Path, target: Path) -> str:
    """Copy through a temporary file in the target's folder, fsync, rename; return the sha256.

    A crash or a full disk never leaves a half-copied file under its final name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".restore-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return digest.hexdigest()


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a Prevent-Hub backup") from None
    except ValueError as error:
        raise BackupError(f"{MANIFEST} is not valid JSON: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} does not describe a Prevent-Hub backup")
    if manifest.get("version") != VERSION:
        raise BackupError(f"backup format version {manifest.get('version')} is not supported")
    return manifest


def verify_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there with its sha256; raise BackupError otherwise."""
    for name, expected in manifest["files"].items():
        path = _inside(folder, name)
        if not path.is_file():
            raise BackupError(f"the archive lacks {name}")
        if sha256_of(path) != expected["sha256"]:
            raise BackupError(f"{name} in the archive is damaged (its sha256 does not match)")


def _inside(folder: Path, name: str) -> Path:
    # Names come from the manifest, which could have been edited: stay inside the archive.
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise BackupError(f"{name!r} points outside the archive")
    return path


@contextmanager
def staging_folder(destination: Path) -> Iterator[Path]:
    """A folder to fill, published as `destination` (a folder or a .tar.gz) on success only."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new name")
    work = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}-"))
    try:
        yield work
        if is_tarball(destination):
            partial = destination.with_name(f".{destination.name}.partial")
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                for child in sorted(work.iterdir()):
                    tar.add(child, arcname=child.name)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, destination)
        else:
            os.replace(work, destination)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            destination.with_name(f".{destination.name}.partial").unlink()


@contextmanager
def opened_archive(source: Path) -> Iterator[Path]:
    """The archive's folder: `source` itself, or a .tar.gz unpacked into a temporary one."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    with tempfile.TemporaryDirectory(prefix="prevent-hub-restore-") as tmp:
        try:
            with tarfile.open(source, "r:*") as tar:
                tar.extractall(tmp, filter="data")  # refuses links and paths leaving tmp
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"{source} could not be unpacked: {error}") from error
        yield Path(tmp)
