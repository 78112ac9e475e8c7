"""What the demo files hold: real, sourced programmes across countries, levels and target groups,
and a few synthetic measures, each labelled, each there for an evidence level no real one has.

Reads the files only (no database): `flask demo load` itself is tested in test_demo_load.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from app.demo.cli import (
    DEMO_FILE,
    DRAFT_RECORD,
    SUBMITTED_RECORD,
    SYNTHETIC_FILE,
    SYNTHETIC_NOTE,
    SYNTHETIC_ORGANISATION,
    SYNTHETIC_TITLE,
    check_demo_files,
)
from app.evidence.ruleset_2027 import compute_evidence
from app.records.vocab import EU27

SOURCES_NOTE = DEMO_FILE.with_name("SOURCES.md")


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


REAL = _records(DEMO_FILE)
SYNTHETIC = _records(SYNTHETIC_FILE)


def _evidence(record: dict):
    evaluations = [{**ev, "has_report": False} for ev in record.get("evaluations") or ()]
    return compute_evidence(evaluations, manual_available=record.get("manual_available"))


def _source_urls(record: dict) -> list[str]:
    """Every web address a record cites: website, references and evaluations, DOIs as links."""
    urls = [record.get("website")]
    for item in [*(record.get("references") or ()), *(record.get("evaluations") or ())]:
        urls.append(item.get("url"))
        if item.get("doi"):
            urls.append(f"https://doi.org/{item['doi']}")
    return [url for url in urls if url]


def _is_example_domain(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in ("example.org", "example.com"))


def test_the_demo_files_validate_and_no_external_id_is_in_both():
    assert check_demo_files() == []


def test_checking_the_demo_files_names_the_file_line_and_key_of_each_problem(tmp_path):
    real = tmp_path / "measures.jsonl"
    real.write_text(json.dumps(REAL[0]) + "\n\n" + json.dumps({**REAL[1], "title": ""}) + "\n")
    synthetic = tmp_path / "synthetic.jsonl"
    synthetic.write_text("{not json\n" + json.dumps(REAL[0]) + "\n")
    problems = check_demo_files((real, synthetic))
    assert len(problems) == 3
    assert problems[0].startswith("measures.jsonl line 3: title: ")
    assert problems[1].startswith("synthetic.jsonl line 1: not valid JSON")
    assert problems[2] == (
        f"synthetic.jsonl line 2: external_id: {REAL[0]['external_id']} is also in measures.jsonl"
    )


@pytest.mark.parametrize("record", REAL, ids=lambda r: r["external_id"])
def test_every_real_record_cites_a_public_source_that_is_not_an_example_domain(record):
    urls = _source_urls(record)
    assert [u for u in urls if not _is_example_domain(u)], "no source"
    assert not [u for u in urls if _is_example_domain(u)]


def test_no_demo_record_links_to_an_example_domain_anywhere():
    for path in (DEMO_FILE, SYNTHETIC_FILE):
        assert "example.org" not in path.read_text(encoding="utf-8")
        assert "example.com" not in path.read_text(encoding="utf-8")
    assert "example." not in json.dumps([SUBMITTED_RECORD, DRAFT_RECORD])


def test_the_sources_note_lists_every_real_record_once():
    note = SOURCES_NOTE.read_text(encoding="utf-8")
    listed = [line.split("**")[1] for line in note.splitlines() if line.startswith("- **")]
    real_ids = [r["external_id"] for r in REAL]
    assert sorted(listed) == sorted(real_ids)
    assert len(set(real_ids)) == len(real_ids)


def test_the_real_programmes_span_countries_member_states_and_prevention_levels():
    assert len(REAL) >= 60
    countries = {c for r in REAL for c in r["countries"]}
    assert len(countries) >= 15
    assert len(countries & set(EU27)) > len(EU27) / 2  # most Member States
    assert {r["prevention_level"] for r in REAL} == {"primary", "secondary", "tertiary"}


@pytest.mark.parametrize(
    "target_group",
    [
        "children",
        "parents_carers",
        "professionals",
        "people_at_risk_of_offending",
        "people_who_have_offended",
        "online_service_providers",
        "communities",
    ],
)
def test_the_real_programmes_reach_every_target_group(target_group):
    assert sum(target_group in r["target_groups"] for r in REAL) >= 3


def test_the_real_programmes_include_school_programmes_for_children():
    schools = [
        r for r in REAL if "school" in r.get("settings", ()) and "children" in r["target_groups"]
    ]
    assert len(schools) >= 3


def test_most_real_programmes_have_no_evaluation_and_the_levels_show_it():
    levels = [_evidence(r).level for r in REAL]
    assert levels.count(0) > len(REAL) / 2
    assert sum(bool(r.get("evaluations")) for r in REAL) == len(REAL) - levels.count(0)


SYNTHETIC_LABELLED = [*SYNTHETIC, SUBMITTED_RECORD, DRAFT_RECORD]


@pytest.mark.parametrize("record", SYNTHETIC_LABELLED, ids=lambda r: r["external_id"])
def test_every_synthetic_measure_is_labelled_where_a_reader_sees_it(record):
    assert record["title"].startswith(SYNTHETIC_TITLE)
    assert record["organisation"] == SYNTHETIC_ORGANISATION
    assert SYNTHETIC_NOTE in record["summary"]
    assert not record.get("website")  # nothing to link to: it does not exist
    for evaluation in record.get("evaluations") or ():
        assert "no such" in evaluation["citation"]
        assert not evaluation.get("doi") and not evaluation.get("url")


def test_there_are_at_most_six_synthetic_measures_and_no_real_one_is_labelled_so():
    assert len(SYNTHETIC_LABELLED) <= 6
    for record in REAL:
        assert "synthetic" not in record["title"].lower()
        assert "synthetic" not in (record.get("organisation") or "").lower()
        assert SYNTHETIC_NOTE not in record["summary"]


def test_each_published_synthetic_measure_shows_a_level_no_real_programme_reaches():
    real = {(e.level, e.label) for e in map(_evidence, REAL)}
    synthetic = [(e.level, e.label) for e in map(_evidence, SYNTHETIC)]
    assert len(set(synthetic)) == len(synthetic)
    assert not set(synthetic) & real
    assert set(synthetic) == {
        (1, "Negative effects found"),
        (1, "No effect found"),
        (4, "Supported"),
        (5, "Well supported"),
    }
