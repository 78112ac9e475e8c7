"""No user-visible text outside {% trans %} / gettext in any template."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.i18n.untranslated import scan, untranslated_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Every folder of templates, found on disk, so a new one is checked without anyone listing it.
FOLDERS = sorted(d.name for d in TEMPLATES.iterdir() if d.is_dir())


def test_the_layout_is_marked():
    assert untranslated_text((TEMPLATES / "base.html").read_text("utf-8")) == []


@pytest.mark.parametrize("directory", FOLDERS)
def test_every_template_folder_is_marked(directory):
    assert scan(TEMPLATES / directory) == {}


def test_the_scanner_finds_unmarked_text():
    found = untranslated_text(
        '<p>Hello <a href="{{ url }}">there</a></p><input placeholder="Type here">'
        "{% trans %}Fine{% endtrans %}<p>{{ _('Fine') }} 42 · Prevent-Hub</p>"
    )
    assert found == ["Hello", "there", 'placeholder="Type here"']
