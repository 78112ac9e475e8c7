"""Exports: CSV for spreadsheets (BOM, flattened lists, formula-injection guard) and JSON Lines
in the record format that re-imports cleanly; for a search, a shortlist and a comparison."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.compare import services
from app.compare.export import BASE_COLUMNS, safe_cell
from app.core.extensions import db
from app.measures.io import export_records, import_records
from app.records.schema import EXPORT_ONLY_KEYS
from app.search.indexer import clear
from tests.conftest import empty_all_tables, make_measure


def read_csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def ids(*measures) -> str:
    return ",".join(str(m.id) for m in measures)


# --- the CSV cell guard -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Safe text = fine", "Safe text = fine"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (12, 12),
        (-1.5, -1.5),
    ],
)
def test_cells_that_a_spreadsheet_would_run_get_a_leading_apostrophe(value, cell):
    assert safe_cell(value) == cell


def test_csv_codes_has_a_bom_one_row_per_measure_lists_joined_and_evidence(client, published):
    a, b, _c = published
    response = client.get(f"/compare/export.csv?ids={ids(a, b)}&codes=1")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="prevent-hub-comparison-codes-'
    )
    rows = read_csv(response)
    assert list(rows[0]) == list(BASE_COLUMNS)
    assert [r["title"] for r in rows] == ["Alpha school programme", "Beta helpline"]
    first = rows[0]
    assert first["countries"] == "DE; AT"
    assert first["languages"] == "de; en"
    assert first["evidence_level"] == "4" and first["evidence_label"] == "Supported"
    assert first["harm_flag"] == "no"
    assert first["url"] == f"http://localhost/measures/{a.id}"
    assert first["studies"] == "1" and first["best_design"] == "rct"
    assert first["longest_follow_up_months"] == "12"
    assert first["reviews"] == "0" and first["rating_effectiveness"] == ""
    assert rows[1]["cost_level"] == "low"


def test_csv_for_people_has_labels_for_headers_and_values(client, published):
    a, b, _c = published
    response = client.get(f"/compare/export.csv?ids={ids(a, b)}")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="prevent-hub-comparison-2'
    )
    rows = read_csv(response)
    first = rows[0]
    assert {"Title", "Countries", "Evidence level", "Evidence", "Harm found", "Link"} <= set(first)
    assert not any("_" in heading for heading in first)  # no record keys for people
    assert first["Countries"] == "Germany; Austria"
    assert first["Languages of the materials"] == "German; English"
    assert first["Harm found"] == "No"
    assert first["Best study design"] == "Randomised controlled trial"
    assert first["Evidence"] == "Supported"
    assert rows[1]["Cost level"] == "Low"
    assert first["Link"] == f"http://localhost/measures/{a.id}"


def test_csv_for_people_is_in_the_readers_language_and_codes_stay_codes(client, published):
    a, b, _c = published
    german = {"Accept-Language": "de"}
    rows = read_csv(client.get(f"/compare/export.csv?ids={ids(a, b)}", headers=german))
    first = rows[0]
    assert {
        "ID in Prevent-Hub",
        "Link",
        "Evidenzstufe",
        "Schaden festgestellt",
        "Bestes Studiendesign",
        "Längste Nachbeobachtung (Monate)",
        "Bewertung durch Fachkollegen: Wirksamkeit in der Praxis",
    } <= set(first)
    assert not {"Evidence level", "Harm found", "Link in Prevent-Hub"} & set(first)
    assert first["Schaden festgestellt"] == "Nein"
    # Countries and languages by their German names (the record keys' headers are named by
    # app.records.labels).
    assert {"Deutschland; Österreich", "Deutsch; Englisch"} <= set(first.values())
    # For machines nothing changes with the reader's language: keys and codes.
    codes = client.get(f"/compare/export.csv?ids={ids(a, b)}&codes=1", headers=german)
    text = codes.get_data(as_text=True)
    assert text.removeprefix("\ufeff").splitlines()[0] == ",".join(BASE_COLUMNS)
    machine = read_csv(codes)
    assert machine[0]["countries"] == "DE; AT"
    assert machine[0]["harm_flag"] == "no"
    assert machine[1]["cost_level"] == "low"
    # JSON Lines is the record format: its keys and values never change with the language.
    lines = client.get(f"/compare/export.jsonl?ids={ids(a, b)}", headers=german)
    in_german = lines.get_data(as_text=True)
    in_english = client.get(f"/compare/export.jsonl?ids={ids(a, b)}").get_data(as_text=True)
    assert in_german == in_english


def test_csv_quotes_commas_quotes_and_line_breaks_and_guards_formulas(client, owner):
    tricky = make_measure(
        owner,
        publish=True,
        title='=cmd|"/c calc"!A1',
        summary='Summary with "quotes", commas, and\na line break; long enough to be valid.',
        organisation="@Org, Ltd",
        cost_notes="-5 EUR per child",
    )
    plain = make_measure(owner, publish=True, title="Plain programme")
    response = client.get(f"/compare/export.csv?ids={ids(tricky, plain)}&codes=1")
    raw = response.get_data(as_text=True)
    assert '"\'=cmd|""/c calc""!A1"' in raw  # quoted, quotes doubled, apostrophe first
    assert "\r\n" in raw
    row = read_csv(response)[0]
    assert row["title"] == '\'=cmd|"/c calc"!A1'
    assert row["summary"].startswith('Summary with "quotes", commas, and\na line break')
    assert row["organisation"] == "'@Org, Ltd"
    assert row["cost_notes"] == "'-5 EUR per child"


def test_comparison_export_validates_ids_like_the_page(client, owner, published):
    draft = make_measure(owner, title="Draft")
    response = client.get(f"/compare/export.jsonl?ids={published[0].id},{draft.id}")
    assert response.status_code == 404
    assert f"No published measure with id {draft.id}." in response.get_data(as_text=True)
    assert client.get(f"/compare/export.csv?ids={published[0].id}").status_code == 400
    assert client.get("/compare/export.csv?ids=a,b").status_code == 400
    assert client.get(f"/compare/export.xml?ids={ids(*published)}").status_code == 404


# --- JSON Lines: the record format, re-importable ---------------------------------------------


@pytest.mark.commits  # import commits line by line and syncs the index with its own sessions
def test_json_lines_round_trip_into_an_empty_database_gives_the_same_records(client, published):
    a, b, c = published
    response = client.get(f"/compare/export.jsonl?ids={ids(c, a, b)}")
    assert response.status_code == 200
    assert response.mimetype == "application/jsonl"
    text = response.get_data(as_text=True)
    exported = [json.loads(line) for line in text.splitlines()]
    assert [r["title"] for r in exported] == [
        "Gamma campaign",
        "Alpha school programme",
        "Beta helpline",
    ]
    first = exported[0]
    assert next(iter(first)) == "id" and first["id"] == c.id
    assert first["url"] == f"http://localhost/measures/{c.id}"
    assert first["evidence_label"] == c.published_revision.evidence_label
    assert first["evidence_level"] == c.published_revision.evidence_level
    assert first["harm_flag"] is False
    assert "note" not in first  # only a shortlist has notes
    assert all(r["external_id"] for r in exported)  # every measure has one

    db.session.remove()
    empty_all_tables()
    report = import_records(text.splitlines(), publish=True)  # the extra keys are ignored
    assert report.ok and report.created == 3, report.errors
    records = [{k: v for k, v in r.items() if k not in EXPORT_ONLY_KEYS} for r in exported]
    assert list(export_records()) == records
    # Importing the same file again updates the same measures: the external ids are stable.
    again = import_records(text.splitlines(), publish=True)
    assert again.ok and again.unchanged == 3, again.errors


def test_the_published_revision_is_exported_not_a_pending_edit(client, owner, published):
    from app.measures.mapping import revision_to_record
    from app.measures.services import update_measure

    a, b, _c = published
    record = revision_to_record(a.published_revision)
    update_measure(owner, a, {**record, "title": "Pending title"})
    db.session.commit()
    text = client.get(f"/compare/export.jsonl?ids={ids(a, b)}").get_data(as_text=True)
    assert "Pending title" not in text and "Alpha school programme" in text


# --- shortlists -------------------------------------------------------------------------------


def test_a_shortlist_exports_with_its_notes_and_only_published_measures(
    client, auth, official, published
):
    a, b, c = published
    shortlist = services.create_shortlist(official, "Mine", [a, b, c])
    services.add_to_shortlist(official, shortlist, b, "=Ask the ministry")
    from app.measures.models import MeasureStatus

    c.status = MeasureStatus.ARCHIVED
    db.session.commit()
    auth.login(official)
    rows = read_csv(client.get(f"/shortlists/{shortlist.id}/export.csv?codes=1"))
    assert [r["title"] for r in rows] == ["Alpha school programme", "Beta helpline"]
    assert rows[1]["note"] == "'=Ask the ministry"
    labelled = read_csv(client.get(f"/shortlists/{shortlist.id}/export.csv"))
    assert labelled[1]["Note"] == "'=Ask the ministry"
    lines = client.get(f"/shortlists/{shortlist.id}/export.jsonl").get_data(as_text=True)
    assert [json.loads(line)["note"] for line in lines.splitlines()] == [None, "=Ask the ministry"]
    token = services.share_shortlist(official, shortlist)
    db.session.commit()
    auth.logout()
    shared = read_csv(client.get(f"/shortlists/shared/{token}/export.csv?codes=1"))
    assert [r["note"] for r in shared] == ["", "'=Ask the ministry"]


# --- search results ---------------------------------------------------------------------------


@pytest.fixture()
def indexed(app):
    clear()  # the index is shared by the test session; start from an empty one
    yield
    clear()


@pytest.mark.commits  # searches: the indexer reads with sessions of its own
def test_search_export_takes_the_search_parameters_and_keeps_its_order(client, owner, indexed):
    de = make_measure(owner, publish=True, title="Grooming prevention in German schools")
    fr = make_measure(owner, publish=True, title="Grooming helpline", countries=["FR"])
    make_measure(
        owner,
        publish=True,
        title="Unrelated campaign",
        summary="Posters in stations about something else entirely, long enough to be valid.",
        description=None,
    )
    response = client.get("/export/search.csv?q=grooming&sort=newest&codes=1")
    assert response.status_code == 200
    assert [r["id"] for r in read_csv(response)] == [str(fr.id), str(de.id)]
    assert response.headers["X-Total-Count"] == "2"
    response = client.get("/export/search.jsonl?q=grooming&countries=FR")
    assert [json.loads(x)["title"] for x in response.get_data(as_text=True).splitlines()] == [
        "Grooming helpline"
    ]


@pytest.mark.commits  # searches: the indexer reads with sessions of its own
def test_search_export_refuses_bad_parameters_with_a_message(client, indexed):
    response = client.get("/export/search.csv?countries=XX")
    assert response.status_code == 400
    assert "countries" in response.get_data(as_text=True)
    assert client.get("/export/search.csv?evidence_min=9").status_code == 400
    assert client.get("/export/search.pdf").status_code == 404


@pytest.mark.commits  # searches: the indexer reads with sessions of its own
def test_search_export_is_capped(client, owner, indexed, monkeypatch):
    from app.compare import views

    for i in range(3):
        make_measure(owner, publish=True, title=f"Capped programme {i}")
    monkeypatch.setattr(views, "SEARCH_EXPORT_LIMIT", 2)
    response = client.get("/export/search.jsonl")
    assert len(response.get_data(as_text=True).splitlines()) == 2
    assert response.headers["X-Total-Count"] == "3"
    assert response.headers["X-Export-Limit"] == "2"
