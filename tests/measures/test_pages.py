"""The public measure page, its evidence ladder and explanation, and report downloads."""

from __future__ import annotations

import re

from app.core.extensions import db
from app.measures.uploads import report_path
from tests.conftest import make_measure, make_user, supported_evaluation
from tests.measures.conftest import measure_with_report, sign_in

HARMFUL = [
    {
        "design": "rct",
        "year": 2020,
        "country": "NL",
        "sample_size": 120,
        "outcomes": ["victimisation"],
        "effect": "negative",
        "findings": "Participants reported more victimisation afterwards.",
        "citation": "Harm study 2020",
    }
]


def test_anyone_sees_a_published_measure_with_its_facts_and_evaluations(client, app):
    measure = measure_with_report(
        make_user(), publish=True, website="https://example.org/safe", cost_level="low",
        cost_notes="Free materials", manual_available=True, end_year=2022,
        implementation="Two trained teachers per class.", transferability="Adapted in Austria.",
    )  # fmt: skip
    html = client.get(f"/measures/{measure.id}").text
    assert "<h1>Safe Together school programme</h1>" in html
    assert "A ten-session classroom programme" in html
    for text in (
        "Germany, Austria", "German, English", "Primary", "Children", "School",
        "Contact abuse", "In person, group", "6–10 years", "Org A", "2015–2022", "Active",
        "Low: Free materials", "Available", "Two trained teachers per class.",
        "Adapted in Austria.", 'href="https://example.org/safe"',
    ):  # fmt: skip
        assert text in html, text
    table = html.split('class="evaluations-table"', 1)[1].split("</table>", 1)[0]
    for text in (
        "Randomised controlled trial, 2019, Germany", "Sample: 400", "Follow-up: 12 months",
        "Attrition: 10 %", "Independent: yes", "Peer-reviewed: yes", "Disclosure, Knowledge",
        "Positive", "Children in the programme disclosed more",
        "Evaluation report, University of Example, 2019", "study.pdf",
    ):  # fmt: skip
        assert text in table, text
    attachment = measure.published_revision.evaluations[0].attachments[0]
    assert f'href="/measures/{measure.id}/reports/{attachment.id}"' in table
    assert re.search(r"\(PDF, [\d.]+ kB, 1 page\)", table)
    assert "Status:" not in html  # the owner's panel is not shown to the public


def test_the_evidence_ladder_marks_reached_rungs_and_the_current_one_in_words(client, app):
    # Level 4: a high-rated trial with a favourable disclosure finding at 12 months.
    measure = make_measure(make_user(), publish=True, evaluations=[supported_evaluation()])
    html = client.get(f"/measures/{measure.id}").text
    ladder = re.search(r'<ol class="ladder".*?</ol>', html, re.S).group(0)
    rungs = re.findall(r"<li class=\"([^\"]*)\"[^>]*>(.*?)</li>", ladder, re.S)
    assert [re.search(r"Level (\d)", text).group(1) for _, text in rungs] == list("543210")
    classes = dict(zip("543210", (c.split() for c, _ in rungs), strict=True))
    assert classes["4"] == ["reached", "current"]
    assert classes["3"] == classes["1"] == ["reached"]
    assert classes["5"] == classes["0"] == []
    current = dict(zip("543210", (t for _, t in rungs), strict=True))["4"]
    assert "this measure" in current and "Level 4: Supported" in current
    assert 'aria-current="true"' in ladder
    assert "Evidence level: 4 of 5, Supported" in html
    # The explanation: the rule, the studies counted, the next step and the ruleset.
    assert "Level 4, Supported: a favourable finding" in html
    counted = "randomised trial (2019), high, sample 1: disclosure 12 months after the programme"
    assert counted in html
    assert "Level 5 (Well supported) needs favourable T1/T2 findings" in html
    assert "ruleset 2027.1" in html
    assert '<ul class="badges"' in html and "EU-tested" in html


def test_the_harm_flag_is_shown_above_the_evidence_level(client, app):
    measure = make_measure(make_user(), publish=True, evaluations=HARMFUL)
    html = client.get(f"/measures/{measure.id}").text
    assert measure.harm_flag
    harm = html.index('class="harm-flag"')
    assert harm < html.index("Evidence level 1 of 5")
    panel = html.index('class="evidence-panel"')
    assert panel < html.index('class="harm-flag"', panel) < html.index('class="ladder"')
    assert "Harm signal: a study found an unfavourable effect" in html


def test_no_harm_flag_when_there_is_no_harm(client, app):
    measure = make_measure(make_user(), publish=True)
    assert 'class="harm-flag"' not in client.get(f"/measures/{measure.id}").text


def test_markdown_is_rendered_and_scripts_are_inert(client, app):
    description = (
        "## How it works\n\nSessions are **short**.\n\n<script>alert('x')</script>\n\n"
        '<img src=x onerror="alert(1)">\n\n[click](javascript:alert(1))'
    )
    measure = make_measure(make_user(), publish=True, description=description)
    html = client.get(f"/measures/{measure.id}").text
    prose = html.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert "<h3>How it works</h3>" in prose  # shifted below the page's h2
    assert "<strong>short</strong>" in prose
    assert "<script" not in prose and "<img" not in prose
    assert 'href="javascript' not in prose


def test_a_page_with_no_evaluations_says_so_and_is_level_0(client, app):
    measure = make_measure(make_user(), publish=True, evaluations=None)
    html = client.get(f"/measures/{measure.id}").text
    assert "No evaluation has been recorded for this measure." in html
    assert "Evidence level: 0 of 5, Not evaluated" in html


def test_the_owner_sees_the_status_and_the_actions(client, app):
    owner = make_user()
    measure = make_measure(owner)
    sign_in(client, owner)
    html = client.get(f"/measures/{measure.id}").text
    assert "You are looking at revision 1 (draft), not visible to the public." in html
    assert f'href="/measures/{measure.id}/edit"' in html
    assert f'action="/measures/{measure.id}/submit"' in html


def test_an_unknown_measure_is_404(client, app):
    assert client.get("/measures/999999").status_code == 404


# --- report downloads ----------------------------------------------------------------------


def test_a_report_downloads_as_a_pdf_attachment_with_its_original_name(client, app):
    measure = measure_with_report(make_user(), publish=True, filename="Safe Together 2019.pdf")
    attachment = measure.published_revision.evaluations[0].attachments[0]
    response = client.get(f"/measures/{measure.id}/reports/{attachment.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "Safe Together 2019.pdf" in disposition or "Safe%20Together%202019.pdf" in disposition
    assert response.data.startswith(b"%PDF-")
    assert response.data == report_path(attachment.sha256).read_bytes()


def test_a_report_of_another_measure_is_404(client, app):
    first = measure_with_report(make_user(), publish=True)
    second = make_measure(make_user(), publish=True)
    attachment = first.published_revision.evaluations[0].attachments[0]
    assert client.get(f"/measures/{second.id}/reports/{attachment.id}").status_code == 404
    assert client.get(f"/measures/{first.id}/reports/999999").status_code == 404


def test_a_report_whose_file_is_gone_is_404(client, app, tmp_path, monkeypatch):
    measure = measure_with_report(make_user(), publish=True)
    attachment = measure.published_revision.evaluations[0].attachments[0]
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    assert client.get(f"/measures/{measure.id}/reports/{attachment.id}").status_code == 404


def test_draft_reports_are_not_cached_by_shared_caches(client, app):
    owner = make_user()
    measure = measure_with_report(owner)
    sign_in(client, owner)
    attachment = measure.working_revision.evaluations[0].attachments[0]
    response = client.get(f"/measures/{measure.id}/reports/{attachment.id}")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    db.session.rollback()


def test_the_evidence_macros_work_on_other_pages(app):
    """Search and compare pages import the same macros with a stored evidence dict."""
    from flask import render_template_string

    from app.evidence.rules import compute_evidence

    evidence = compute_evidence([]).to_dict()
    with app.test_request_context():
        html = render_template_string(
            '{% import "evidence/_evidence.html" as ev %}'
            "{{ ev.level_badge(3, 'Promising', True) }}{{ ev.evidence_panel(e, heading_level=3) }}",
            e=evidence,
        )
    assert html.index("Harm signal") < html.index("Level 3 of 5")
    assert '<h3 id="evidence-heading">Evidence level: 0 of 5, Not evaluated</h3>' in html
    assert "A first evaluation of the measure would reach level 1 (Emerging)." in html
