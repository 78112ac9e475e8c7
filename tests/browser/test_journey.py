"""The foundation journey in Chromium: a practitioner registers and is approved, submits a
measure with an evaluation and a PDF report, a moderator publishes it, and anyone then finds it
on the browse page with the right evidence level. axe checks every page on the way."""

from __future__ import annotations

import re

from fpdf import FPDF
from playwright.sync_api import expect

from app.accounts.models import Role
from tests.conftest import TEST_PASSWORD, make_user

PASSWORD = "a long and careful passphrase"
TITLE = "Safe Steps body-safety lessons"


def _report_pdf(path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Evaluation report: Safe Steps cluster trial, 2021. Disclosure rose.")
    pdf.output(str(path))


def _sign_in(page, server, email, password, checker=None):
    page.goto(server + "/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    if checker:
        checker.check("journey-login")
    page.get_by_role("button", name="Sign in").click()
    # Signed in once the answer is in: a `goto` before that would drop its session cookie.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flashes")).to_contain_text("You have signed out.")


def test_register_submit_publish_and_find_on_browse(page, live_server, checker, tmp_path):
    server = live_server
    moderator = make_user(Role.MODERATOR, email="mod@example.org", organisation="Hub")
    report = tmp_path / "safe-steps-report.pdf"
    _report_pdf(report)

    # 1. A practitioner registers; the account waits for approval.
    page.goto(server + "/account/register")
    checker.check("journey-register")
    page.locator("#name").fill("Petra Practitioner")
    page.locator("#email").fill("petra@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.locator("#country").select_option("DE")
    page.locator("#organisation").fill("Kinderschutz e.V.")
    page.locator("#role").select_option("practitioner")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/account/register/done")  # the form's page speaks of approval too
    expect(page.locator("main")).to_contain_text("approv")
    checker.check("journey-registered")

    # 2. A moderator approves the account.
    _sign_in(page, server, moderator.email, TEST_PASSWORD, checker)
    page.goto(server + "/account/pending")
    checker.check("journey-pending")
    page.get_by_role("button", name=re.compile("Approve Petra")).click()
    expect(page.locator("main")).to_contain_text("is approved")
    expect(page.locator("main")).to_contain_text("No accounts are waiting for approval")
    _sign_out(page)

    # 3. The practitioner submits a measure with one evaluation and its PDF report.
    _sign_in(page, server, "petra@example.org", PASSWORD)
    page.goto(server + "/measures/new")
    checker.check("journey-new-measure")
    page.locator("#title").fill(TITLE)
    page.locator("#summary").fill(
        "Six classroom lessons that teach primary school children body safety and how to tell."
    )
    page.locator("input[name=countries][value=DE]").check()
    page.locator("#prevention_level").select_option("primary")
    page.locator("input[name=target_groups][value=children]").check()
    page.locator("input[name=settings][value=school]").check()
    page.locator("#organisation").fill("Kinderschutz e.V.")
    page.get_by_role("button", name="Add another evaluation").click()
    page.locator("#evaluations-0-design").select_option("cluster_rct")
    page.locator("#evaluations-0-year").fill("2021")
    page.locator("#evaluations-0-country").select_option("DE")
    page.locator("#evaluations-0-sample_size").fill("640")
    page.locator("#evaluations-0-attrition_pct").fill("8")
    page.locator("#evaluations-0-follow_up_months").fill("12")
    page.locator("input[name='evaluations-0-outcomes'][value=disclosure]").check()
    page.locator("#evaluations-0-effect").select_option("positive")
    page.locator("#evaluations-0-findings").fill("Pupils disclosed more and knew more.")
    page.locator("#evaluations-0-report").set_input_files(str(report))
    checker.check("journey-measure-filled")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("safe-steps-report.pdf")
    checker.check("journey-submitted")
    _sign_out(page)

    # 4. The moderator publishes it from the queue.
    _sign_in(page, server, moderator.email, TEST_PASSWORD)
    page.goto(server + "/moderation/")
    checker.check("journey-queue")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url("**/moderation/measures/*")
    checker.check("journey-review")
    page.locator("#publish-comment").fill("Clear evidence, well described.")
    # Publishing answers with the review page again: wait for the new one, not the one clicked on.
    with page.expect_navigation():
        page.get_by_role("button", name="Publish this revision").click()
    expect(page.locator("main")).to_contain_text("Published")
    _sign_out(page)

    # 5. Anyone finds it on the browse page with its evidence level. Ruleset 2027.1 rates a trial
    #    that reports no differential attrition or baseline equivalence low (this journey leaves
    #    them empty), so its favourable finding gives level 2, Preliminary.
    page.goto(server + "/measures/")
    card = page.locator("li", has=page.get_by_role("link", name=TITLE)).first
    expect(card).to_contain_text("Evidence level 2 of 5")
    expect(card).to_contain_text("Preliminary")
    checker.check("journey-browse")
    card.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r"/measures/\d+$"))  # the browse page says "Preliminary" too
    expect(page.locator("main")).to_contain_text("Preliminary")
    checker.check("journey-measure-page")
