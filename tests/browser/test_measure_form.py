"""The measure form in Chromium: after a failed submit focus is on the error summary; results
rows are added and removed without a page load, and the report file chosen before stays
chosen; the measure is then submitted with its results and report. axe checks each state."""

from __future__ import annotations

from fpdf import FPDF
from playwright.sync_api import expect

from app.core.extensions import db
from app.measures.mapping import revision_to_record
from app.measures.models import Measure
from tests.conftest import TEST_PASSWORD, make_user

TITLE = "Safe Steps body-safety lessons (synthetic)"


def _report_pdf(path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Evaluation report (synthetic test data): Safe Steps trial, 2021.")
    pdf.output(str(path))


def _chosen_file(page) -> str:
    return page.eval_on_selector(
        "#evaluations-0-report", "el => el.files.length ? el.files[0].name : ''"
    )


def test_results_rows_with_javascript_keep_the_chosen_pdf(page, live_server, checker, tmp_path):
    user = make_user(email="petra@example.org", organisation="Kinderschutz e.V.")
    report = tmp_path / "safe-steps-report.pdf"
    _report_pdf(report)
    page.goto(live_server + "/account/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # before the next goto

    # A failed submit: the error summary has focus and links to the field.
    page.goto(live_server + "/measures/new")
    page.get_by_role("button", name="Submit for review").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Title is required")).to_be_visible()
    checker.check("measure-form-errors")

    page.locator("#title").fill(TITLE)
    page.locator("#summary").fill(
        "Six classroom lessons that teach primary school children body safety and how to tell."
    )
    page.locator("input[name=countries][value=DE]").check()
    page.locator("#prevention_level").select_option("primary")
    page.locator("input[name=target_groups][value=children]").check()
    page.locator("input[name=settings][value=school]").check()
    page.locator("#evaluations-0-design").select_option("rct")
    page.locator("#evaluations-0-year").fill("2021")
    page.locator("#evaluations-0-baseline_equivalence").select_option("established")
    page.locator("input[name='evaluations-0-outcomes'][value=disclosure]").check()
    page.locator("#evaluations-0-findings").fill("Pupils disclosed more (synthetic test data).")
    page.locator("#evaluations-0-report").set_input_files(str(report))
    assert _chosen_file(page) == "safe-steps-report.pdf"

    # Adding rows happens in place: no page load (a marker on window survives), file kept.
    page.evaluate("window.stillTheSamePage = true")
    add_result = page.get_by_role("button", name="Add another result").first
    add_result.click()
    outcome = page.locator("#evaluations-0-results-0-outcome")
    expect(outcome).to_be_focused()
    add_result.click()
    expect(page.locator("#evaluations-0-results-1-outcome")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Result 2 added")).to_have_count(1)
    page.get_by_role("button", name="Remove this result (result 2)").click()
    expect(page.locator("#evaluations-0-results-1-outcome")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True
    assert _chosen_file(page) == "safe-steps-report.pdf"

    outcome.select_option("disclosure")
    page.locator("#evaluations-0-results-0-timepoint_months").fill("6")
    page.locator("#evaluations-0-results-0-direction").select_option("favourable")
    page.locator("#evaluations-0-results-0-effect_size").fill("0.3")
    page.locator("#evaluations-0-results-0-effect_size_type").select_option("g")
    page.locator("#evaluations-0-results-0-p_value").fill("0.02")
    page.locator("#evaluations-0-results-0-n").fill("210")
    checker.check("measure-form-result-row")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("safe-steps-report.pdf")
    measure = db.session.scalars(db.select(Measure)).one()
    evaluation = revision_to_record(measure.current_revision)["evaluations"][0]
    assert evaluation["baseline_equivalence"] == "established"
    assert evaluation["results"] == [
        {"outcome": "disclosure", "timepoint_months": 6, "direction": "favourable",
         "effect_size": 0.3, "effect_size_type": "g", "p_value": 0.02, "n": 210},
    ]  # fmt: skip
