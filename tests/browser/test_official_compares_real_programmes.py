"""Issue 12's journey with real programmes from the demo data: an official opens a profile,
prints its fact sheet, and compares two real programmes on cost and training. axe checks each
page (the `checker` fixture), and the screenshots land in test-results/."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from app.core.extensions import db
from app.measures.io import import_records
from app.measures.models import Measure
from tests.browser.conftest import ARTIFACTS

DEMO = Path(__file__).resolve().parents[2] / "app" / "demo" / "measures.jsonl"
# Two real programmes that say different things about cost and training: SEEK gives its
# training in hours, Stewards of Children its cost in words only.
CHOSEN = ("seek-us", "stewards-of-children-us")


def _real_programmes() -> list[str]:
    lines = [line for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [line for line in lines if json.loads(line)["external_id"] in CHOSEN]


def test_an_official_compares_two_real_programmes_on_cost_and_training(
    app, page, live_server, checker
):
    report = import_records(_real_programmes(), publish=True)
    assert report.ok and report.created == 2, report.errors
    ids = {m.external_id: m.id for m in db.session.scalars(select(Measure))}
    seek, stewards = ids["seek-us"], ids["stewards-of-children-us"]

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/measures/{seek}")
    expect(page.locator("h1")).to_contain_text("SEEK")
    checker.check("real-profile-seek")

    page.goto(f"{live_server}/measures/{seek}/factsheet")
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "real-factsheet-seek-print.png"), full_page=True)
    page.emulate_media(media="screen")
    expect(page.locator("h1")).to_contain_text("SEEK")

    page.goto(f"{live_server}/compare?ids={seek},{stewards}")
    table = page.locator("table.compare-table")
    expect(table).to_contain_text("Stewards of Children")
    training = page.locator("#aspect-training_hours")
    expect(training).to_contain_text("4 hours")
    expect(training).to_contain_text("Not stated")
    cost = page.locator("#aspect-unit_cost")
    expect(cost).to_be_visible()
    checker.check("real-compare-cost-training")
