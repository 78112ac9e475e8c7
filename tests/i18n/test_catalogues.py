"""The catalogues: every message translated in each complete language, placeholders and markup
kept, and the template (.pot) up to date with the code."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from config import Config

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
ROOT = TRANSLATIONS.parents[1]

# Catalogues every message of which must be translated. A language moves here from INCOMPLETE
# when its catalogue is done; from then on a new message without its translation fails the test.
COMPLETE = ("de", "pl", "fr", "es", "it", "nl", "pt", "sv", "cs")
# Languages offered in the switcher whose catalogues are not finished, and why. Untranslated
# messages show in English there.
INCOMPLETE: dict[str, str] = {}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def template():
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        return read_po(pot)


def texts(message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return ids, strings


def test_every_offered_language_has_a_catalogue_and_is_listed_here():
    offered = set(Config.LANGUAGES) - {"en"}
    assert offered == set(COMPLETE) | set(INCOMPLETE)
    for language in offered:
        assert (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").exists(), language


@pytest.mark.parametrize("language", COMPLETE)
def test_a_complete_catalogue_translates_every_message(language):
    translated = catalogue(language)
    missing = []
    for message in template():
        if not message.id:
            continue
        found = translated.get(message.id)
        if found is None or found.fuzzy or not all(texts(found)[1]):
            missing.append(message.id)
    assert not missing, f"{language}: {len(missing)} messages untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", COMPLETE)
def test_a_catalogue_says_how_far_it_was_reviewed(language):
    # Readers of the file must not mistake a machine draft for a native speaker's text.
    header = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    assert "Drafted by machine" in header.split('msgid ""')[0]


@pytest.mark.parametrize("language", COMPLETE + tuple(INCOMPLETE))
def test_placeholders_and_markup_are_the_same_in_each_translation(language):
    wrong = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids, strings = texts(message)
        for index, string in enumerate(strings):
            if not string:
                continue
            # A plural form is checked against the plural msgid (the singular may omit the count).
            source = ids[min(index, len(ids) - 1)] if index else ids[0]
            if index and len(ids) > 1:
                names = set(PLACEHOLDER.findall(ids[0])) | set(PLACEHOLDER.findall(ids[1]))
                if not set(PLACEHOLDER.findall(string)) <= names:
                    wrong.append((ids[0], string))
                continue
            if Counter(PLACEHOLDER.findall(source)) != Counter(PLACEHOLDER.findall(string)):
                wrong.append((source, string))
            if Counter(TAG.findall(source)) != Counter(TAG.findall(string)):
                wrong.append((source, string))
    assert not wrong, f"{language}: placeholders or markup differ: {wrong[:3]}"


def test_the_template_holds_every_marked_message():
    """`make messages` was run after the last change to a marked string."""
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"trimmed": "true", "encoding": "utf-8"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    extracted = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        extracted.add(message if isinstance(message, str) else message[0])
    in_template = {m.id if isinstance(m.id, str) else m.id[0] for m in template() if m.id}
    assert extracted - in_template == set(), "run `make messages`"
