"""The methodology page (/evidence), the one-page fact sheet, and the links between them and the
measure page."""

from __future__ import annotations

import re
from html import unescape

from app.evidence.ruleset_2027 import RULESET_VERSION
from app.measures.services import update_measure
from app.records.schema import validate_record
from tests.conftest import format2_record, make_measure, make_user
from tests.measures.conftest import sign_in


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_methodology_page_explains_the_scale_the_rules_and_the_ratings(client, app):
    response = client.get("/evidence")
    assert response.status_code == 200
    html = response.text
    page = text(html)
    assert f"This page describes ruleset {RULESET_VERSION}, the one in force." in page
    for anchor in ("level-5", "level-0", "negative-effects", "no-effect", "rule-supported",
                   "rule-mixed_evidence", "rule-unverifiable", "rule-harm_confirmed",
                   "samples-heading", "history-heading", "sources-heading",
                   f"ruleset-{RULESET_VERSION}", "ruleset-2026.1"):  # fmt: skip
        assert f'id="{anchor}"' in html, anchor
    # A worked example, computed by the rules themselves.
    assert "Example: A high-rated trial finds no difference in reoffending 24 months on." in page
    assert "no high- or moderate-rated study found a favourable effect, and a high-rated trial" in (
        page
    )
    assert "moderate: randomised, but 28 % attrition; groups shown equivalent at baseline" in page
    assert "Thresholds are applied as written and never rounded" in page  # decisions.py
    assert 'href="https://ies.ed.gov/ncee/wwc/"' in html
    assert "§" not in page  # the spec's section numbers mean nothing to a reader


def test_every_page_links_to_the_methodology_from_its_footer(client, app):
    for url in ("/", "/evidence", "/search?q=school"):
        footer = client.get(url).text.split('<footer class="site-footer">')[1]
        assert 'href="/evidence"' in footer, url


def test_badges_in_lists_link_to_the_methodology(client, app):
    measure = make_measure(make_user(), publish=True, **format2_record())
    html = client.get("/measures/").text
    assert 'href="/evidence#level-4"' in html
    assert "Evidence level 4 of 5 Supported" in text(html)
    assert measure.evidence_level == 4


def test_the_fact_sheet_holds_what_an_official_attaches_to_a_funding_note(client, app):
    measure = make_measure(make_user(), publish=True, **format2_record())
    page = client.get(f"/measures/{measure.id}").text
    assert f'href="/measures/{measure.id}/factsheet"' in page
    response = client.get(f"/measures/{measure.id}/factsheet")
    assert response.status_code == 200
    sheet = text(response.text)
    for words in (
        "Prevent-Hub fact sheet", "Safe Together school programme",
        "Level 4 of 5 · Supported", "€42.50 per participant, at 2024 prices",
        "Free with registration", "12 hours of initial training",
        "Level 4, Supported: a favourable finding", "Provisional",
        "Findings that counted: Disclosure, 12 months after the programme: favourable",
        "3 evaluations in 2 samples", f"Rated under ruleset {RULESET_VERSION}",
        "Example Clearinghouse: Promising (2023)",
        "Programme office (developer): office@example.org",
        f"http://localhost/measures/{measure.id}",
    ):  # fmt: skip
        assert words in sheet, words
    assert "Use your browser’s Print command" in sheet


def test_the_owner_can_print_the_fact_sheet_of_a_draft_revision_marked_as_such(client, app):
    owner = make_user()
    measure = make_measure(owner, publish=True, **format2_record())
    update_measure(owner, measure, validate_record(format2_record(title="Safe Together, revised")))
    from app.core.extensions import db

    db.session.commit()
    sign_in(client, owner)
    sheet = text(client.get(f"/measures/{measure.id}/factsheet?revision=working").text)
    assert "Safe Together, revised" in sheet
    assert "not published: revision 2 (draft)" in sheet
    public = text(client.get(f"/measures/{measure.id}/factsheet").text)
    assert "Safe Together school programme" in public and "not published" not in public


def test_a_summary_in_english_is_shown_under_a_text_in_another_language(client, app):
    record = format2_record(text_language="de", title="Sicher zusammen")
    measure = make_measure(make_user(), publish=True, **record)
    html = client.get(f"/measures/{measure.id}").text
    assert '<p class="summary-en" lang="en">' in html
    assert "Summary in English: A ten-session classroom programme on body safety" in text(html)
    sheet = text(client.get(f"/measures/{measure.id}/factsheet").text)
    assert "A ten-session classroom programme on body safety and telling an adult." in sheet
