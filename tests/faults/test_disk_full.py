"""The upload folder's disk is full: the person uploading gets a clear error (507, on the form
and in the API), and nothing is half-stored: no attachment row, no partial file.

The quota is real: a 1 MB tmpfs mounted on the upload folder (the tests run as root), nearly
filled before the upload, and a server process writing to it.
"""

from __future__ import annotations

import io
import os
import random
import string
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fpdf import FPDF
from sqlalchemy import func, select

from app.core.extensions import db
from app.measures.models import Attachment, Measure
from tests.conftest import sample_record
from tests.faults.conftest import seed_people, text_of
from tests.measures.conftest import form_data

MESSAGE = "the file storage is full"
HEADROOM = 8 * 1024  # free bytes left on the disk: less than the report needs


def _incompressible_pdf(pages: int = 12) -> bytes:
    """A valid PDF of some 50 KB (random text does not compress away)."""
    rng = random.Random(6)
    pdf = FPDF()
    pdf.set_font("helvetica", size=8)
    for _ in range(pages):
        pdf.add_page()
        words = "".join(rng.choices(string.ascii_letters + string.digits + " ", k=4000))
        pdf.multi_cell(w=0, text=words)
    return bytes(pdf.output())


@pytest.fixture()
def small_disk(instance) -> Iterator[Path]:
    """The instance's upload folder on a 1 MB tmpfs, filled up to HEADROOM free bytes."""
    folder = instance.upload_dir
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], check=True)
    try:
        stats = os.statvfs(folder)
        free = stats.f_bavail * stats.f_frsize
        (folder / "filler").write_bytes(b"\0" * (free - HEADROOM))
        yield folder
    finally:
        instance.stop_all()  # nothing may hold a file there any more
        subprocess.run(["umount", str(folder)], check=True)


def _free(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def _stored(folder: Path) -> list[str]:
    """The stored reports; their text, read after the upload, is cached apart under text/."""
    files = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return sorted(f for f in files if not f.startswith("text/"))


def _counts(instance) -> tuple[int, int]:
    app = instance.app()
    with app.app_context():
        counts = (
            db.session.scalar(select(func.count()).select_from(Measure)),
            db.session.scalar(select(func.count()).select_from(Attachment)),
        )
        db.session.remove()
        db.engine.dispose()
    return counts


def test_a_full_upload_disk_gives_a_clear_error_and_stores_nothing(instance, small_disk):
    people = seed_people(instance, writers=1)
    email = people.practitioners[0]
    token = people.tokens[email]
    report = _incompressible_pdf()
    assert len(report) > _free(small_disk)
    server = instance.start_server(workers=1)

    # The form: a new measure with its report, saved as one unit.
    browser = server.sign_in(email)
    response = browser.post(
        server.base + "/measures/new",
        data=form_data(title="A measure whose report finds the disk full"),
        files={"evaluations-0-report": ("evaluation.pdf", report, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 507, text_of(response.text)[:500]
    assert MESSAGE in text_of(response.text)
    assert "nothing was saved" in text_of(response.text)
    assert _counts(instance) == (0, 0)
    assert _stored(small_disk) == ["filler"]  # no partial file, no temporary file left

    # The API: a draft made first, then its report.
    api = {"Authorization": f"Bearer {token}"}
    created = browser.post(
        server.base + "/api/v1/measures", json=sample_record(), headers=api, timeout=60
    )
    assert created.status_code == 201, created.text
    reports_url = f"{server.base}/api/v1/measures/{created.json()['id']}/evaluations/0/reports"
    refused = browser.post(
        reports_url,
        files={"file": ("evaluation.pdf", io.BytesIO(report), "application/pdf")},
        headers=api,
        timeout=60,
    )
    assert refused.status_code == 507, refused.text
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert MESSAGE in refused.json()["detail"]
    assert _counts(instance) == (1, 0)
    assert _stored(small_disk) == ["filler"]

    # With room again the same upload is stored whole, under its digest.
    (small_disk / "filler").unlink()
    stored = browser.post(
        reports_url,
        files={"file": ("evaluation.pdf", io.BytesIO(report), "application/pdf")},
        headers=api,
        timeout=60,
    )
    assert stored.status_code == 201, stored.text
    digest = stored.json()["sha256"]
    assert _stored(small_disk) == [f"{digest[:2]}/{digest}.pdf"]
    assert (small_disk / digest[:2] / f"{digest}.pdf").read_bytes() == report
    assert _counts(instance) == (1, 1)
