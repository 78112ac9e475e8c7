"""Report PDFs: checked, stored by sha256, text extracted, refused with a clear message."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from pypdf import PdfWriter

from app.core.extensions import db
from app.measures import report_text
from app.measures.models import Attachment, Measure
from app.measures.uploads import (
    ReportRejected,
    check_report,
    clean_filename,
    describe_size,
    report_path,
    store_report,
)
from tests.conftest import make_user
from tests.measures.conftest import (
    count,
    evaluation_data,
    field_error,
    form_data,
    make_pdf,
    sign_in,
    stored_files,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture()
def owner(client):
    user = make_user()
    sign_in(client, user)
    return user


def post_with_report(client, data: bytes, filename: str = "report.pdf", url="/measures/new", **kw):
    payload = form_data(**kw)
    payload["evaluations-0-report"] = (io.BytesIO(data), filename)
    return client.post(url, data=payload, content_type="multipart/form-data")


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- through the form --------------------------------------------------------------------------


@pytest.mark.commits  # the text is read after the commit, by a worker with its own session
def test_a_real_pdf_is_stored_by_its_sha256_with_its_text(client, owner, upload_dir):
    pdf = make_pdf("Safe Together randomised trial findings")
    response = post_with_report(client, pdf, "Safe Together 2019.pdf")
    assert response.status_code == 302
    attachment = db.session.scalars(db.select(Attachment)).one()
    sha = hashlib.sha256(pdf).hexdigest()
    assert attachment.sha256 == sha
    assert attachment.filename == "Safe Together 2019.pdf"
    assert attachment.size_bytes == len(pdf)
    assert attachment.page_count == 1
    assert "Safe Together randomised trial findings" in attachment.text
    assert attachment.uploaded_by_id == owner.id
    assert stored_files(upload_dir) == [upload_dir / sha[:2] / f"{sha}.pdf"]
    assert (upload_dir / sha[:2] / f"{sha}.pdf").read_bytes() == pdf


def test_the_same_file_is_stored_once_however_often_it_is_attached(client, owner, upload_dir):
    pdf = make_pdf("One report, two evaluations")
    payload = form_data(**evaluation_data(1, year="2021"))
    payload["evaluations-0-report"] = (io.BytesIO(pdf), "a.pdf")
    payload["evaluations-1-report"] = (io.BytesIO(pdf), "b.pdf")
    assert client.post("/measures/new", data=payload).status_code == 302
    assert post_with_report(client, pdf, "c.pdf", title="Another measure").status_code == 302
    assert count(Attachment) == 3
    assert len(stored_files(upload_dir)) == 1


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (PNG, "photo.png", "must be a PDF document"),
        (PNG, "photo.pdf", "must be a PDF document"),
        (b"Just some notes, renamed to .pdf\n", "notes.pdf", "must be a PDF document"),
        (b"", "empty.pdf", "must be a PDF document"),
        (b"%PDF-1.7\n" + b"\x00garbage\xff" * 200, "broken.pdf", "could not be read as a PDF"),
        (b"%PDF-1.4\n%%EOF\n", "hollow.pdf", "could not be read as a PDF"),
    ],
    ids=["png", "png-renamed", "text-renamed", "empty", "corrupt", "no-pages"],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_and_nothing_is_stored(
    client, owner, upload_dir, data, filename, message
):
    response = post_with_report(client, data, filename)
    assert response.status_code == 200
    error = field_error(response.text, "evaluations-0-report")
    assert error is not None and error.startswith(message), error
    assert f"Report (PDF) {message}" in response.text
    assert count(Measure) == 0 and count(Attachment) == 0
    assert stored_files(upload_dir) == []


def test_a_password_protected_pdf_is_refused(client, owner, upload_dir):
    response = post_with_report(client, encrypted_pdf(), "locked.pdf")
    assert field_error(response.text, "evaluations-0-report").startswith("is password-protected")
    assert count(Measure) == 0 and stored_files(upload_dir) == []


def test_a_report_over_the_size_limit_is_refused(app, make_app, tmp_path):
    small = make_app(MAX_REPORT_BYTES=500, UPLOAD_DIR=str(tmp_path / "up"))
    client = small.test_client()
    sign_in(client, make_user())
    pdf = make_pdf("A report that is too long for this server")
    assert len(pdf) > 500
    response = post_with_report(client, pdf)
    assert response.status_code == 200
    assert field_error(response.text, "evaluations-0-report") == "is larger than 500 bytes"
    assert "at most 500 bytes" in response.text  # the hint says the limit up front
    assert count(Measure) == 0
    assert stored_files(tmp_path / "up") == []


def test_a_request_over_max_content_length_gets_a_readable_413_page(app, make_app):
    small = make_app(MAX_CONTENT_LENGTH=2_000)
    client = small.test_client()
    sign_in(client, make_user())
    response = post_with_report(client, make_pdf("x" * 50) + b"\n%" + b"0" * 5_000)
    assert response.status_code == 413
    assert "What you sent is too large" in response.text
    assert "each report PDF may be at most 20 MB" in response.text
    assert count(Measure) == 0


def test_a_valid_file_on_an_invalid_form_is_not_stored_and_must_be_chosen_again(
    client, owner, upload_dir
):
    response = post_with_report(client, make_pdf(), "good.pdf", title="x")
    assert response.status_code == 200
    assert field_error(response.text, "title") == "must be at least 3 characters long"
    assert "You chose “good.pdf”: choose it again" in response.text
    assert count(Measure) == 0 and count(Attachment) == 0
    assert stored_files(upload_dir) == []


def test_adding_a_row_says_chosen_files_must_be_chosen_again(client, owner, upload_dir):
    response = post_with_report(client, make_pdf(), "good.pdf", action="add:evaluations")
    assert "Choose report files again" in response.text
    assert stored_files(upload_dir) == []


# --- evidence, removal, reports following their evaluation --------------------------------------


def test_attaching_a_report_makes_evidence_verifiable_and_raises_the_level(
    client, owner, upload_dir
):
    uncited = evaluation_data(0, citation="", url="")
    assert client.post("/measures/new", data=form_data(**uncited)).status_code == 302
    measure = db.session.scalars(db.select(Measure)).one()
    # Level 2 (a low-rated trial under ruleset 2027.1) less one: nothing to verify it by.
    assert measure.evidence_level == 1
    source = str(measure.working_revision.evaluations[0].id)
    payload = form_data(**evaluation_data(0, citation="", url="", source=source))
    payload["evaluations-0-report"] = (io.BytesIO(make_pdf()), "report.pdf")
    assert client.post(f"/measures/{measure.id}/edit", data=payload).status_code == 302
    db.session.expire_all()
    assert measure.evidence_level == measure.working_revision.evidence_level == 2
    assert "Level 2 of 5 · Preliminary" in client.get(f"/measures/{measure.id}").text
    # Removing the report makes it unverifiable again.
    payload = form_data(**evaluation_data(0, citation="", url="", source=source))
    sha = measure.working_revision.evaluations[0].attachments[0].sha256
    payload["evaluations-0-remove_reports"] = [sha]
    assert client.post(f"/measures/{measure.id}/edit", data=payload).status_code == 302
    db.session.expire_all()
    assert measure.working_revision.evaluations[0].attachments == []
    assert measure.evidence_level == 1
    assert len(stored_files(upload_dir)) == 1  # the file stays: other revisions may use it


def test_reports_stay_with_their_evaluation_when_a_row_above_is_removed(client, owner, upload_dir):
    payload = form_data(**evaluation_data(1, year="2021", design="pre_post"))
    payload["evaluations-1-report"] = (io.BytesIO(make_pdf("second study")), "second.pdf")
    assert client.post("/measures/new", data=payload).status_code == 302
    measure = db.session.scalars(db.select(Measure)).one()
    first, second = measure.working_revision.evaluations
    assert [len(first.attachments), len(second.attachments)] == [0, 1]
    # The page after "Remove this evaluation" on row 0 posts the second row as row 0.
    edit = form_data(**evaluation_data(0, year="2021", design="pre_post", source=str(second.id)))
    assert client.post(f"/measures/{measure.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    (remaining,) = measure.working_revision.evaluations
    assert (remaining.year, remaining.design) == (2021, "pre_post")
    assert [a.filename for a in remaining.attachments] == ["second.pdf"]


def test_the_edit_form_lists_attached_reports_with_a_remove_checkbox(client, owner, upload_dir):
    post_with_report(client, make_pdf(), "attached.pdf")
    measure = db.session.scalars(db.select(Measure)).one()
    html = client.get(f"/measures/{measure.id}/edit").text
    sha = measure.working_revision.evaluations[0].attachments[0].sha256
    assert re.search(rf'name="evaluations-0-remove_reports" type="checkbox" value="{sha}"', html)
    assert "Remove “attached.pdf”" in html


def test_editing_a_published_measure_keeps_its_reports_and_the_published_ones(
    client, owner, upload_dir
):
    post_with_report(client, make_pdf(), "kept.pdf")
    measure = db.session.scalars(db.select(Measure)).one()
    client.post(f"/measures/{measure.id}/submit")
    from app.measures.services import make_revision_public

    make_revision_public(measure, measure.working_revision)
    db.session.commit()
    published_eval = measure.published_revision.evaluations[0]
    edit = form_data(title="Second edition", **evaluation_data(0, source=str(published_eval.id)))
    edit["evaluations-0-remove_reports"] = [published_eval.attachments[0].sha256]
    assert client.post(f"/measures/{measure.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    assert [a.filename for a in measure.published_revision.evaluations[0].attachments] == [
        "kept.pdf"
    ]
    assert measure.working_revision.evaluations[0].attachments == []


def test_a_new_revision_of_a_published_measure_keeps_its_reports(client, owner, upload_dir):
    post_with_report(client, make_pdf(), "kept.pdf")
    measure = db.session.scalars(db.select(Measure)).one()
    client.post(f"/measures/{measure.id}/submit")
    from app.measures.services import make_revision_public

    make_revision_public(measure, measure.working_revision)
    db.session.commit()
    published_eval = measure.published_revision.evaluations[0]
    edit = form_data(title="Second edition", **evaluation_data(0, source=str(published_eval.id)))
    assert client.post(f"/measures/{measure.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    copy = measure.working_revision.evaluations[0].attachments
    assert [a.filename for a in copy] == ["kept.pdf"]
    assert copy[0].id != published_eval.attachments[0].id
    assert len(stored_files(upload_dir)) == 1


# --- the module itself ---------------------------------------------------------------------


def test_check_report_reads_pages_and_the_worker_the_text(app):
    pdf = make_pdf("Page text here", pages=3)
    report = check_report(io.BytesIO(pdf), "C:\\Users\\me\\r.pdf")
    assert report.page_count == 3
    assert report.text == ""  # read after the commit, by a separate process
    assert report.filename == "r.pdf"
    assert "Page text here page 3" in report_text.extract_for_app(pdf).text


def test_check_report_reads_no_more_than_the_limit(app):
    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"%" * len(buffer)
            return len(buffer)

    with pytest.raises(ReportRejected, match="is larger than 1 KB"):
        check_report(io.BufferedReader(Endless()), "big.pdf", max_bytes=1024)


def test_store_report_writes_atomically_and_skips_existing_files(app, tmp_path):
    report = check_report(io.BytesIO(make_pdf()), "r.pdf")
    path = store_report(report, str(tmp_path))
    assert path == tmp_path / report.sha256[:2] / f"{report.sha256}.pdf"
    mtime = path.stat().st_mtime_ns
    assert store_report(report, str(tmp_path)) == path
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_report_path_only_accepts_a_sha256(app):
    with pytest.raises(ValueError):
        report_path("../../etc/passwd")
    with pytest.raises(ValueError):
        report_path("A" * 64)


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("../../secret.pdf", "secret.pdf"),
        ("C:\\Users\\x\\Final report.PDF", "Final report.PDF"),
        ("evil\r\nname.pdf", "evilname.pdf"),
        ("", "report.pdf"),
        ("notes", "notes.pdf"),
    ],
)
def test_filenames_are_cleaned(name, clean):
    assert clean_filename(name) == clean


def test_sizes_read_well():
    assert describe_size(20 * 1024 * 1024) == "20 MB"
    assert describe_size(1536) == "1.5 KB"
    assert describe_size(500) == "500 bytes"
