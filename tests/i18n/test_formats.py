"""Dates, numbers, country and language names from Babel's CLDR data."""

from __future__ import annotations

from datetime import datetime

from flask_babel import refresh

from app.records import vocab
from app.templating import format_date, format_number


def test_country_and_language_names_are_cldr_names():
    assert vocab.language_name("el") == "Greek"  # not ISO 639's "Modern Greek (1453-)"
    assert vocab.language_name("ia") == "Interlingua"
    assert vocab.country_name("CZ") == "Czechia"
    assert vocab.country_name("DE", "de") == "Deutschland"
    assert vocab.country_name("DE", "pl") == "Niemcy"
    assert vocab.language_name("el", "de") == "Griechisch"
    assert vocab.country_name("QQ") == "QQ"  # a code CLDR does not know reads as itself


def test_dates_and_numbers_follow_the_reader(app):
    day = datetime(2026, 12, 2, 9, 30)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()  # the test's app context outlives each request context: forget its locale
        assert format_date(day) == "02 Dec 2026"
        assert format_number(1234.5) == "1,234.5"
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        refresh()
        assert format_date(day) == "02.12.2026"
        assert format_number(1234.5) == "1.234,5"
        assert format_number(4, 1) == "4,0"
    with app.test_request_context("/", headers={"Accept-Language": "pl"}):
        refresh()
        assert format_date(day) == "2 gru 2026"


def test_country_names_on_pages_are_in_the_reader_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        refresh()
        render = app.jinja_env.from_string("{{ 'FR'|country }}, {{ 'fr'|language }}").render
        assert render() == "Frankreich, Französisch"
