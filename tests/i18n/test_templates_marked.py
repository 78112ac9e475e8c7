"""No user-visible text outside {% trans %} / gettext in the templates converted so far."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n.untranslated import scan, untranslated_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
CONVERTED = (
    "errors",
    "main",
    "accounts",
    "api_tokens",
    "privacy",
    "dashboard",
    "feeds",
    "reviews",
    "evidence",
    "measures",
    "macros",
    "compare",
    "search",
    "moderation",
    "api",
)
# Every template directory is converted (issue 14).


def test_the_layout_is_marked():
    assert untranslated_text((TEMPLATES / "base.html").read_text("utf-8")) == []


@pytest.mark.parametrize("directory", CONVERTED)
def test_a_converted_directory_is_marked(directory):
    assert scan(TEMPLATES / directory) == {}


def test_the_scanner_finds_unmarked_text():
    found = untranslated_text(
        '<p>Hello <a href="{{ url }}">there</a></p><input placeholder="Type here">'
        "{% trans %}Fine{% endtrans %}<p>{{ _('Fine') }} 42 · Prevent-Hub</p>"
    )
    assert found == ["Hello", "there", 'placeholder="Type here"']
