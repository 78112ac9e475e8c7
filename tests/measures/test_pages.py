"""The public measure page, its evidence ladder and explanation, and report downloads."""

from __future__ import annotations

import re
from html import unescape

from app.core.extensions import db
from app.measures.uploads import report_path
from tests.conftest import format2_record, make_measure, make_user, supported_evaluation
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


def text(html: str) -> str:
    """The page as a person reads it: tags removed, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html: str, heading_id: str) -> str:
    """From the h2 with this id to the next h2, as text."""
    start = html.index(">", html.index(f'<h2 id="{heading_id}"')) + 1
    end = html.find("<h2 ", start)
    return text(html[start : end if end != -1 else len(html)])


def test_anyone_sees_a_published_format_1_measure_as_a_profile(client, app):
    measure = measure_with_report(
        make_user(), publish=True, website="https://example.org/safe", cost_level="low",
        cost_notes="Free materials", manual_available=True, end_year=2022,
        implementation="Two trained teachers per class.", transferability="Adapted in Austria.",
    )  # fmt: skip
    html = client.get(f"/measures/{measure.id}").text
    assert "<h1>Safe Together school programme</h1>" in html
    assert "A ten-session classroom programme" in html
    glance = section(html, "glance-heading")
    for words in (
        "Level 2 of 5 · Preliminary", "Prevention level Primary", "Population Children",
        "Ages of children 6–10 years", "Dosage Not stated", "Unit cost Low (no figure given)",
        "Licence Not stated", "Training Not stated", "Delivered in Germany, Austria",
        "Evaluated in Germany",
    ):  # fmt: skip
        assert words in glance, words
    about = section(html, "about-heading")
    for words in (
        "Written in English", "Settings School", "Forms of abuse Contact abuse",
        "Delivery In person, group", "Organisation Org A", "Years 2015–2022",
        "Programme status Active",
    ):  # fmt: skip
        assert words in about, words
    assert 'href="https://example.org/safe"' in html
    implementation = section(html, "implementation-heading")
    assert "Manual or protocol Available" in implementation
    assert "Materials in German, English" in implementation
    assert "Two trained teachers per class." in implementation
    assert "Adapted in Austria." in implementation
    # "Written in" describes the text, not the manual: it no longer sits under it.
    assert "Written in" not in implementation
    assert "Unit cost No figure given" in section(html, "cost-heading")
    assert "Notes Free materials" in section(html, "cost-heading")
    evidence = section(html, "evidence-heading")
    for words in (
        "Randomised controlled trial, 2019, Germany", "Analysed 400",
        "Longest follow-up 12 months", "Attrition 10 %", "Independent evaluators Yes",
        "Peer-reviewed Yes", "Outcomes Disclosure, Knowledge", "Overall effect Positive",
        "Children in the programme disclosed more",
        "Evaluation report, University of Example, 2019", "study.pdf",
        # The study rating says why, in words.
        "Study rating low : randomised, 10 % attrition, but the difference between the groups"
        " is not reported; baseline equivalence not reported.",
        # A format-1 record gives derived findings, one per outcome, marked as such.
        "Disclosure 12 months after the programme ▲ Favourable",
        "overall effect; no results per outcome",
        "Rated under ruleset 2027.1 since",
    ):  # fmt: skip
        assert words in evidence, words
    attachment = measure.published_revision.evaluations[0].attachments[0]
    assert f'href="/measures/{measure.id}/reports/{attachment.id}"' in html
    assert re.search(r"\(PDF, [\d.]+ kB, 1 page\)", html)
    assert "No other registry’s rating has been recorded." in section(html, "registries-heading")
    assert "No contact has been given." in section(html, "contacts-heading")
    assert "Status:" not in html  # the owner's panel is not shown to the public


def test_a_format_2_measure_shows_every_profile_key_and_its_findings_table(client, app):
    measure = make_measure(make_user(), publish=True, **format2_record())
    html = client.get(f"/measures/{measure.id}").text
    glance = section(html, "glance-heading")
    for words in (
        "Level 4 of 5 · Supported Provisional",
        "Primary; universal (reaches everyone in a group)", "Dosage Ten weekly 45-minute lessons",
        "Unit cost €42.50 per participant, at 2024 prices", "Licence Free with registration",
        "Training 12 hours of initial training; no certification required",
        "Delivered in Germany, Austria", "Evaluated in Germany, Austria",
    ):  # fmt: skip
        assert words in glance, words
    assert "How it is meant to work Knowledge and confidence" in section(html, "about-heading")
    implementation = section(html, "implementation-heading")
    assert "Who can deliver it Qualified teachers after a two-day course." in implementation
    assert "Keeping delivery faithful Session checklists" in implementation
    assert "Cost-benefit None published." in section(html, "cost-heading")

    # The findings: outcome × time point, with direction, effect size, interval, p, n, study.
    table = html.split('class="stack-table findings-table"', 1)[1].split("</table>", 1)[0]
    rows = [text(r) for r in re.findall(r"<tr class=\"finding.*?</tr>", table, re.S)]
    assert rows[0].startswith("Disclosure 12 months after the programme ▲ Favourable Counted")
    assert "Hedges' g 0.31 0.01 380 Randomised trial (2019) , high-rated, sample 1" in rows[0]
    assert rows[1] == (
        "Disclosure Disclosures to a trusted adult, teacher log 24 months after the programme"
        " ▲ Favourable primary outcome Counted Odds ratio 1.8 (interval 1.2 to 2.7) 0.004 352"
        " Randomised trial (2021) , high-rated, sample 1"
    )
    assert rows[2].startswith("Protective behaviour At the end of the programme ● No effect")
    assert [r.split(" ")[0] for r in rows[3:]] == ["Knowledge", "Knowledge"]
    for tag in re.findall(r"<t[dh] [^>]*>", table.split("<tbody>")[1]):
        assert "data-label=" in tag  # stacked rows on a phone keep their column names

    evidence = section(html, "evidence-heading")
    # Samples grouped: the 2019 trial and its 2021 follow-up are one sample.
    assert "Sample 1: 2 evaluations of the same participants" in evidence
    assert "Sample 2 Cluster randomised trial, 2022, Austria" in evidence
    assert 'href="https://doi.org/10.1111/jsm.12784"' in html
    assert 'href="https://doi.org/10.1111/jsm.12785"' in html
    # The explanation: the rule that decided, the findings counted, what would raise it.
    assert "Why this level Level 4, Supported: a favourable finding" in evidence
    assert "The rule that decided: Level 4: Supported" in evidence
    assert 'href="/evidence#rule-supported"' in html
    assert "Findings that counted randomised trial (2019), high, sample 1: disclosure" in evidence
    assert "What would raise it A favourable T1/T2 finding from a high- or moderate-rated" in (
        evidence
    )
    rated = measure.published_revision.evidence_rated_at.strftime("%d %b %Y")
    assert f"Rated under ruleset 2027.1 since {rated}" in evidence
    assert "Provisional: a second moderator has not yet checked the figures" in evidence

    registries = html.split('class="stack-table registries-table"', 1)[1].split("</table>")[0]
    assert "Example Clearinghouse Promising 2023" in text(registries)
    assert 'href="https://example.org/clearinghouse/safe-together"' in registries
    assert "beside this page's level (4 of 5, Supported), and never change it" in text(html)
    contacts = section(html, "contacts-heading")
    assert "Programme office (Developer, Germany) office@example.org" in contacts
    assert 'href="mailto:office@example.org"' in html
    references = section(html, "references-heading")
    assert "Safe Together teacher manual, 3rd edition, 2022." in references
    assert "Open access" in references
    assert 'href="https://doi.org/10.1007/978-3-030-61262-7"' in html


def test_the_study_rating_reason_reads_as_the_spec_words_it(client, app):
    trial = supported_evaluation(
        attrition_pct=28, differential_attrition_pct=3, baseline_equivalence="established"
    )
    measure = make_measure(make_user(), publish=True, evaluations=[trial])
    evidence = section(client.get(f"/measures/{measure.id}").text, "evidence-heading")
    assert (
        "Study rating moderate : randomised, but 28 % attrition; groups shown equivalent at"
        " baseline." in evidence
    )


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
    assert "Level 4 of 5 · Supported" in text(html)
    counted = "randomised trial (2019), high, sample 1: disclosure 12 months after the programme"
    assert counted in html
    assert "Level 5 (Well supported) needs favourable T1/T2 findings" in html
    assert '<ul class="badges"' in html and "EU-tested" in html


NEGATIVE = [
    supported_evaluation(),
    {
        "design": "quasi_experimental", "year": 2021, "country": "NL", "comparison_group": True,
        "baseline_equivalence": "established", "outcomes": ["victimisation"],
        "results": [{"outcome": "victimisation", "timepoint_months": 6,
                     "direction": "unfavourable", "p_value": 0.01}],
        "findings": "Participants reported more victimisation afterwards.",
        "citation": "Harm study 2021",
    },
]  # fmt: skip
NO_EFFECT = [
    supported_evaluation(
        outcomes=["recidivism"],
        results=[{"outcome": "recidivism", "timepoint_months": 24, "direction": "no_effect",
                  "p_value": 0.4}],
    )
]  # fmt: skip


def test_negative_effects_are_shown_as_what_they_are_without_a_ladder(client, app):
    measure = make_measure(make_user(), publish=True, evaluations=NEGATIVE)
    html = client.get(f"/measures/{measure.id}").text
    assert measure.evidence_label == "Negative effects found" and measure.harm_flag
    assert 'class="ladder"' not in html and "reached" not in text(html)
    evidence = section(html, "evidence-heading")
    assert evidence.startswith("Evidence ⚠ Negative effects found A study found that the measure")
    assert "made things worse" in evidence
    # The harm comes first on the page, before any level.
    assert html.index('class="harm-flag"') < html.index("Level 1 of 5 ·")
    badge = re.search(r'<a class="evidence-badge[^"]*"[^>]*>.*?</a>', html, re.S).group(0)
    assert "verdict-negative-effects" in badge and 'href="/evidence#negative-effects"' in badge
    assert "level-meter" not in badge  # a verdict, not a step on the meter
    assert "Unfavourable" in evidence and "▼" in evidence
    # No praise beside harm: the explanation still says what was found and what happens next.
    assert "Independent replication" not in evidence and "Long-term" not in evidence
    assert "While a high- or moderate-rated study reports an unfavourable effect" in evidence


def test_no_effect_found_is_shown_as_a_finding_without_a_ladder(client, app):
    measure = make_measure(make_user(), publish=True, evaluations=NO_EFFECT)
    html = client.get(f"/measures/{measure.id}").text
    assert measure.evidence_label == "No effect found"
    assert 'class="ladder"' not in html and "reached" not in text(html)
    evidence = section(html, "evidence-heading")
    assert evidence.startswith("Evidence ∅ No effect found Well-conducted studies tested")
    assert "This is a finding, not a lack of evidence." in evidence
    assert "Recidivism 24 months after the programme ● No effect" in evidence
    assert 'href="/evidence#no-effect"' in html


def test_a_harm_signal_from_a_weaker_study_comes_first_and_hides_the_ladder(client, app):
    measure = make_measure(make_user(), publish=True, evaluations=HARMFUL)
    html = client.get(f"/measures/{measure.id}").text
    assert measure.harm_flag and measure.evidence_label == "Emerging"
    harm = html.index('class="harm-flag"')
    assert harm < html.index("Level 1 of 5 ·")
    assert "Harm signal: a study found an unfavourable effect" in html
    assert 'class="ladder"' not in html


def test_badges_are_told_apart_by_more_than_colour_and_link_to_the_methodology(client, app):
    from flask import render_template_string

    with app.test_request_context():
        badges = {
            (level, label): render_template_string(
                '{% import "evidence/_evidence.html" as ev %}{{ ev.level_badge(l, n) }}',
                l=level,
                n=label,
            )
            for level, label in (
                (0, "Not evaluated"), (1, "Emerging"), (3, "Promising"), (5, "Well supported"),
                (1, "No effect found"), (1, "Negative effects found"),
            )
        }  # fmt: skip
    for (level, label), html in badges.items():
        assert f"Level {level} of 5 · {label}" in text(html)
        assert 'href="/evidence#' in html
    # The meter shows the level as a count of filled steps.
    assert badges[(3, "Promising")].count('class="on"') == 3
    assert badges[(5, "Well supported")].count('class="on"') == 5
    assert badges[(0, "Not evaluated")].count('class="on"') == 0
    assert "∅" in badges[(1, "No effect found")] and "⚠" in badges[(1, "Negative effects found")]
    # Each has its own outline class (dashed, dotted, single, double: site.css).
    classes = {re.search(r'class="(evidence-badge[^"]*)"', h).group(1) for h in badges.values()}
    assert len(classes) == len(badges)


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
    assert "Level 0 of 5 · Not evaluated" in text(html)
    assert "Evaluated in No evaluation recorded" in text(html)


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
    assert 'href="/evidence#level-3"' in html
    assert '<h3 id="evidence-heading">Evidence level: 0 of 5, Not evaluated</h3>' in html
    assert "A first evaluation of the measure would reach level 1 (Emerging)." in html


def test_the_rules_applied_in_turn_are_listed_in_order_under_a_verdict(client, app):
    measure = make_measure(make_user(), publish=True, evaluations=NEGATIVE)
    html = client.get(f"/measures/{measure.id}").text
    steps = re.search(r'<ol class="rule-steps">(.*?)</ol>', html, re.S).group(1)
    items = [text(i) for i in re.findall(r"<li>(.*?)</li>", steps, re.S)]
    assert items[0].startswith("Level 4, Supported:")  # what the findings alone give
    assert items[1].startswith("Negative effects found:")  # then harm decides
    assert "The rule that decided: Negative effects ." in text(html)
