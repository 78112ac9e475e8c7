"""A report's text, read outside the request that uploaded it (issue 15).

Reading a PDF's text can take without bound: an 8 KB Flate stream of repeated `(a) Tj` took
52 s of CPU and gave 749k characters. So an upload is checked (a PDF, no password, no active
content) and stored in the request, and answers at once with the text still empty; after the
commit a background thread has a separate process (report_text_worker.py) read the text under
a CPU-time, memory, page and character limit, then fills in every attachment of that file and
queues the measures for the search index. The text is also cached beside the file
(UPLOAD_DIR/text/), which marks it as read: a process that ended before reading it leaves no
cache, and the next process's first request starts a sweep that reads what is missing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess  # nosec B404  (our own worker script, no shell, arguments we build)
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.core.extensions import db
from app.measures.models import Attachment, Measure
from app.measures.uploads import report_path
from app.outbox.services import enqueue_index_change

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("report_text_worker.py")
PAGE_END = "\f"
_PENDING = "report_text_pending"  # session.info key: digests stored in this transaction
_REASONS = {0: "", 3: "page limit", 4: "character limit", 5: "unreadable"}


@dataclass(frozen=True)
class Extracted:
    text: str
    complete: bool
    stopped_by: str  # "" when complete; else "CPU time limit", "page limit", …


def extract(
    data: bytes,
    *,
    max_pages: int,
    max_chars: int,
    cpu_seconds: int,
    memory_bytes: int = 0,
) -> Extracted:
    """The text of `data`, read by the worker process under the limits given."""
    command = [sys.executable, "-I", str(WORKER)]
    command += [str(max_pages), str(max_chars), str(cpu_seconds), str(memory_bytes)]
    try:
        done = subprocess.run(  # noqa: S603  # nosec B603
            command,
            input=data,
            capture_output=True,
            # A wall-clock bound too, for a worker that waits instead of computing.
            timeout=cpu_seconds * 4 + 10,
            check=False,
        )
        output, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as expired:
        output, code = expired.stdout or b"", -1
    pages = output.decode("utf-8", "replace").split(PAGE_END)
    if code not in _REASONS and pages:
        pages = pages[:-1]  # the page being written when the process was stopped
    text = "\n\n".join(p for p in pages if p)[:max_chars]
    if code in _REASONS:
        return Extracted(text, code == 0, _REASONS[code])
    return Extracted(text, False, "CPU time limit" if code < 0 else f"exit code {code}")


def extract_for_app(data: bytes) -> Extracted:
    config = current_app.config
    return extract(
        data,
        max_pages=config["REPORT_TEXT_MAX_PAGES"],
        max_chars=config["REPORT_TEXT_MAX_CHARS"],
        cpu_seconds=config["REPORT_TEXT_CPU_SECONDS"],
        memory_bytes=config["REPORT_TEXT_MEMORY_BYTES"],
    )


def _cache_path(sha256: str) -> Path:
    """UPLOAD_DIR/text/<sha[:2]>/<sha>.txt: beside the files, shared by every host like them."""
    pdf = report_path(sha256)
    return pdf.parent.parent / "text" / pdf.parent.name / f"{sha256}.txt"


def read_text(sha256: str) -> str:
    """The file's text: from the cache, else read now (and cached)."""
    cache = _cache_path(sha256)
    if cache.exists():
        return cache.read_text(encoding="utf-8")
    result = extract_for_app(report_path(sha256).read_bytes())
    if not result.complete:
        log.warning("report %s: text reading stopped by the %s", sha256, result.stopped_by)
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=".text-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(result.text)
        os.replace(tmp, cache)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return result.text


def fill_text(sha256s: Iterable[str]) -> int:
    """Read each file's text and put it into its attachments still without one; queue their
    published measures for the index. Commits; returns how many attachments changed."""
    changed = 0
    for sha256 in dict.fromkeys(sha256s):
        try:
            text = read_text(sha256)
        except Exception:
            log.exception("report %s: reading its text failed", sha256)
            continue
        attachments = db.session.scalars(
            select(Attachment).where(Attachment.sha256 == sha256, Attachment.text == "")
        ).all()
        measures: set[int] = set()
        for attachment in attachments:
            attachment.text = text
            revision = attachment.evaluation.revision
            measure: Measure = revision.measure
            if measure.published_revision_id == revision.id:
                measures.add(measure.id)
        for measure_id in sorted(measures):
            enqueue_index_change(measure_id)
        db.session.commit()
        changed += len(attachments)
    return changed


def missing_text() -> list[str]:
    """Digests of stored reports whose text was never read (no cache file)."""
    digests = db.session.scalars(select(Attachment.sha256).where(Attachment.text == "").distinct())
    return [d for d in digests if report_path(d).exists() and not _cache_path(d).exists()]


# --- after the commit that stored a report -------------------------------------------------


def note_stored(sha256: str) -> None:
    """Read this file's text once the current transaction commits."""
    db.session.info.setdefault(_PENDING, set()).add(sha256)


def _run(app: Flask, job: Callable[[], Any]) -> None:
    def target() -> None:
        with app.app_context():
            try:
                job()
            finally:
                db.session.remove()

    if not app.config.get("REPORT_TEXT_IN_BACKGROUND"):
        target()  # tests: the text is there when the request returns, read on their connection
        return
    threading.Thread(target=target, name="report-text", daemon=True).start()


# Replaced by tests that check the upload answers before the text is read.
start_job: Callable[[Flask, Callable[[], Any]], None] = _run


def _after_commit(session: Session) -> None:
    digests = session.info.pop(_PENDING, None)
    if not digests:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_job(app, lambda: fill_text(sorted(digests)))


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


_installed = False
_swept: set[int] = set()


def init_report_text(app: Flask) -> None:
    global _installed
    if not _installed:
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)
        _installed = True

    if app.config.get("REPORT_TEXT_SWEEP"):

        @app.before_request
        def sweep_once() -> None:
            """The first request of each process reads texts a stopped process left unread."""
            if id(app) in _swept:
                return
            _swept.add(id(app))
            start_job(app, lambda: fill_text(missing_text()))
