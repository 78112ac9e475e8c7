"""Report PDFs: checking an upload, storing it by its sha256, reading its text.

Only PDFs are accepted (DESIGN §3): the first bytes must be ``%PDF-``, pypdf must open the file
without a password and find at least one page. Files are stored once per content under
``UPLOAD_DIR/<sha[:2]>/<sha>.pdf``; a path is only ever built from a hex digest, never from
anything the user sent.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from pypdf import PdfReader
from werkzeug.exceptions import HTTPException

from app.core.errors import is_api_request
from app.core.i18n import N_, Wording, in_reader_language
from app.measures.pdf_safety import active_content_problem

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ReportRejected(ValueError):
    """The upload is not an acceptable report; the message says why, in the schema's style:
    in English (str(), the API), and in the reader's language for a page (`in_words`)."""

    def __init__(self, message: Wording) -> None:
        super().__init__(message)
        self.message = message

    def in_words(self) -> str:
        return in_reader_language(self.message)


class StorageFull(HTTPException):
    """The upload folder's disk or quota is full. An HTTP error (507 Insufficient Storage), so
    a page and the API both answer it with this message; nothing of the request is kept (the
    request's transaction is not committed, and the partial file is deleted)."""

    code = 507

    @property
    def description(self) -> str:  # type: ignore[override]
        """English for the API, the reader's language on a page."""
        words = Wording(
            N_(
                "The report could not be stored because the file storage is full, so nothing"
                " was saved. Please try again later; if this keeps happening, tell the site's"
                " administrators."
            )
        )
        return words if is_api_request() else words.in_reader_language()


_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


@dataclass(frozen=True)
class CheckedReport:
    """A PDF that passed every check, held in memory until the form is saved."""

    filename: str
    data: bytes
    sha256: str
    page_count: int
    text: str = ""  # read after the commit (app/measures/report_text.py)

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def describe_size(size: int) -> str:
    """20971520 -> '20 MB', 1536 -> '1.5 KB'."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def clean_filename(name: str | None) -> str:
    """The last path component, printable, at most 255 characters, ending in .pdf."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if ch.isprintable()).strip()
    name = name.strip(". ") or "report.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    if len(name) > 255:
        name = name[:251] + ".pdf"
    return name


def check_report(
    stream: IO[bytes], filename: str | None, max_bytes: int | None = None
) -> CheckedReport:
    """Read and check an uploaded report; raise ReportRejected with the reason."""
    limit = max_bytes if max_bytes is not None else current_app.config["MAX_REPORT_BYTES"]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ReportRejected(Wording(N_("is larger than %(size)s"), size=describe_size(limit)))
    if not data.startswith(PDF_MAGIC):
        raise ReportRejected(Wording(N_("must be a PDF document")))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        page_count = 0 if encrypted else len(reader.pages)
    except Exception as error:  # pypdf raises many kinds of errors on a broken file
        log.info("report %r could not be parsed: %s", filename, error)
        raise ReportRejected(Wording(N_("could not be read as a PDF"))) from error
    if encrypted:
        raise ReportRejected(Wording(N_("is password-protected: upload a copy without a password")))
    if page_count < 1:
        raise ReportRejected(Wording(N_("could not be read as a PDF: it has no pages")))
    active = active_content_problem(reader)
    if active:
        raise ReportRejected(active)
    # The text is read after the commit, in a process of its own (app/measures/report_text.py):
    # reading it can take without bound, and the upload answers at once.
    return CheckedReport(
        filename=clean_filename(filename),
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=page_count,
        text="",
    )


def report_path(sha256: str, upload_dir: str | None = None) -> Path:
    """Where the file with this digest lives; refuses anything but a sha256 hex digest."""
    if not _SHA256.match(sha256):
        raise ValueError("not a sha256 digest")
    base = Path(upload_dir or current_app.config["UPLOAD_DIR"])
    return base / sha256[:2] / f"{sha256}.pdf"


def store_report(report: CheckedReport, upload_dir: str | None = None) -> Path:
    """Write the file once (skipped when the same content is already there); return its path.

    The bytes go to a temporary file in the same folder first, are synced to disk and then
    renamed into place, so a crash never leaves a half-written report under its final name;
    on any error the temporary file is deleted. Raises StorageFull when the disk or the
    folder's quota is full.
    """
    path = report_path(report.sha256, upload_dir)
    if path.exists():
        return path
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(report.data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException as error:
        if tmp_name is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
        if isinstance(error, OSError) and error.errno in _DISK_FULL:
            log.error("upload storage full: %s (%s bytes not stored)", error, report.size_bytes)
            raise StorageFull() from error
        raise
    return path
