"""The interface language: Flask-Babel, the locale chosen for each request, and the catalogues.

Adding a language takes a catalogue (app/translations/<code>/LC_MESSAGES/messages.po, made
with `make messages ADD_LANGUAGE=<code>`) and its code in the LANGUAGES setting; nothing else
names languages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel, LazyString, get_locale, gettext
from flask_login import current_user

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
# The cookie a reader's choice from the language switcher is kept in (a year; not personal data:
# it holds a language code only).
COOKIE_NAME = "language"
COOKIE_MAX_AGE = 365 * 24 * 3600
DEFAULT_LANGUAGE = "en"
API_PREFIX = "/api/"

babel = Babel()
log = logging.getLogger(__name__)


def supported_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def is_supported(code: str | None) -> bool:
    return bool(code) and code in supported_languages()


def select_locale() -> str:
    """The reader's choice from the switcher (cookie), else their account's saved language, else
    the browser's best match, else English (also outside a request: the CLI, mail).

    The JSON API answers in English whatever the reader chose: its messages are part of its
    contract (README "Languages"), and the services it shares with the pages give translatable
    messages that would otherwise follow the browser's language.
    """
    if not has_request_context() or request.path.startswith(API_PREFIX):
        return DEFAULT_LANGUAGE
    chosen = request.cookies.get(COOKIE_NAME)
    if is_supported(chosen):
        return str(chosen)
    saved = getattr(current_user, "language", None) if current_user else None
    if is_supported(saved):
        return str(saved)
    return request.accept_languages.best_match(supported_languages()) or DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's name in itself) for the switcher, so every reader finds their own."""
    return [
        (code, Locale.parse(code).get_display_name(code).capitalize())
        for code in supported_languages()
    ]


def compile_catalogues(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile each messages.po whose messages.mo is missing or older; return what was written.

    The .mo files are build output (not committed): `make install` compiles them and so does the
    app factory, so a fresh clone runs and tests without a separate step. A read-only install
    that was never compiled logs a warning and shows English.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        try:
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
        except OSError as error:
            log.warning("Cannot compile %s (%s): run `make install`", po_path, error)
            continue
        written.append(mo_path)
    return written


def N_(text: str) -> str:
    """Marks `text` for the catalogues (`make messages` extracts it) and returns it as it is."""
    return text


class Wording(str):
    """A message in English, as the JSON API, imports and logs give it, that can also say
    itself in the reader's language where a page shows it (`in_reader_language`).

    `template` is marked with N_ and has %(name)s placeholders filled from `params`; a count
    ("count") and a decimal are written as the language writes numbers, a Wording param
    (a part of the sentence) in the same language as the whole."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Wording:
        english = {k: _english(k, v) for k, v in params.items()}
        self = super().__new__(cls, template % english if params else template)
        self.template, self.params = template, params
        return self

    def in_reader_language(self) -> str:
        if not self.params:
            return gettext(self.template)
        language = current_language()
        values = {k: _localised(k, v, language) for k, v in self.params.items()}
        return gettext(self.template, **values)


def _english(name: str, value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if name == "count" and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _localised(name: str, value: Any, language: str) -> str:
    if isinstance(value, Wording):
        return value.in_reader_language()
    if isinstance(value, float) or (name == "count" and isinstance(value, int)):
        return format_decimal(value, locale=language)
    return str(value)


def in_reader_language(message: str) -> str:
    """A message as a page shows it: a Wording in the reader's language, other text as it is."""
    return message.in_reader_language() if isinstance(message, Wording) else message


def lazy_text(o: Any) -> str:
    """json.dumps(..., default=lazy_text): a translatable string (a label kept as lazy_gettext
    in a module constant) is written as its text in the reader's language."""
    if isinstance(o, LazyString):
        return str(o)
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON (jsonify, app.json), with translatable strings as their text."""

    @staticmethod
    def default(o: Any) -> Any:
        return str(o) if isinstance(o, LazyString) else DefaultJSONProvider.default(o)


def init_i18n(app: Flask) -> None:
    compile_catalogues()
    app.json = JSONProvider(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks lose their line breaks and indentation, as `make messages` extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        current_language=current_language, language_choices=language_choices
    )
