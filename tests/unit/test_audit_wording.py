"""The audit log in words: every action the code records has its sentence, details read as
words, and an unknown code still reads without dots or underscores."""

from __future__ import annotations

import re
from pathlib import Path

from app.audit import wording

APP = Path(__file__).resolve().parents[2] / "app"


def _recorded_actions() -> set[str]:
    """Every literal action passed to record_event() anywhere in the application."""
    found = set()
    for path in APP.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'record_event\(\s*[^,]+,\s*"([a-z_]+\.[a-z_]+)"', text))
        found |= set(re.findall(r'_decide\([^)]*"([a-z_]+\.[a-z_]+)"', text))
    return found


def test_every_recorded_action_has_words():
    actions = _recorded_actions()
    assert len(actions) > 40  # the scan finds the calls
    assert sorted(a for a in actions if a not in wording.ACTIONS) == []


def test_objects_and_details_read_as_words():
    assert wording.action_text("measure.submitted") == "Submitted the measure for review"
    assert wording.object_text("user", 3) == "Account 3"
    assert wording.object_text("system") == "The system"
    assert wording.detail_label("size_bytes") == "File size"
    assert wording.detail_text("size_bytes", 1_572_864) == "1.5 MB"
    assert wording.detail_text("size_bytes", 2048) == "2 KB"
    assert wording.detail_text("source", "api") == "the API"
    assert wording.detail_text("published", True) == "yes"
    assert wording.detail_text("items", [3, 4]) == "3, 4"


def test_an_unknown_code_still_reads_without_dots_or_underscores():
    assert wording.action_text("widget.colour_changed") == "Widget colour changed"
    assert wording.detail_label("new_thing") == "New thing"
