"""How people read a record: the name of each key and of each value, from the model.

The moderation diff, the compare table, search facets, the measure form and exports ask here,
so a key is named once (its `Label` in app/records/model.py) and a value is shown by its kind:
countries and languages by name, vocabulary codes by their label, booleans as Yes/No.

Everything here is in the reader's language (English outside a request: the CLI, imports).
The names a form class or a module constant keeps (`form_text`, `short_label`, `facet_legend`)
are lazy strings, translated each time they are shown; the others are translated when called.
The codes themselves (JSON, API, CSV codes variant) never change.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from babel import Locale
from babel.numbers import format_currency
from flask_babel import LazyString, lazy_gettext
from flask_babel import gettext as _

from app.core.i18n import current_language, in_reader_language
from app.records import vocab
from app.records.fields import Choice, Country, Kind, Language, ListOf
from app.records.model import (
    Contact,
    Evaluation,
    ExternalRating,
    Label,
    MeasureRecord,
    RecordObject,
    Reference,
    Result,
    kind_of,
    label_of,
    nested_model,
)

NOT_SET = vocab.N_("(not set)")
# Where a bare key is looked up: a key several objects have (year, url, effect_size) is named
# as the first of them has it; pass `model` for another's.
MODELS: tuple[type[RecordObject], ...] = (
    MeasureRecord,
    Evaluation,
    Result,
    Contact,
    ExternalRating,
    Reference,
)
Model = type[RecordObject] | None


def _model_of(key: str, model: Model = None) -> type[RecordObject] | None:
    if model is not None:
        return model if key in model.model_fields else None
    return next((m for m in MODELS if key in m.model_fields), None)


def _label(key: str, model: Model = None) -> Label | None:
    found = _model_of(key, model)
    return label_of(found, key) if found is not None else None


def field_label(key: str, model: Model = None) -> str:
    """'follow_up_months' -> 'Follow-up (months)': how pages and the diff name a key."""
    label = _label(key, model)
    return _(label.text) if label else key.replace("_", " ").capitalize()


def short_label(key: str, model: Model = None) -> LazyString | str:
    """The name in dense tables (the compare page)."""
    label = _label(key, model)
    return lazy_gettext(label.short or label.text) if label else field_label(key)


def facet_legend(key: str) -> LazyString | str:
    """The legend of a key's search filter, naming one of its values ("Country")."""
    label = _label(key)
    return lazy_gettext(label.facet or label.text) if label else field_label(key)


def form_text(key: str, model: Model = None) -> dict[str, Any]:
    """The label and help text of a key's form field, as WTForms takes them (lazy: a form
    class is built once, and shown in each reader's language)."""
    label = _label(key, model)
    if label is None:
        raise KeyError(key)
    hint = lazy_gettext(label.hint) if label.hint else ""
    return {"label": lazy_gettext(label.question or label.text), "description": hint}


def _value_kind(key: str, model: Model = None) -> Kind | None:
    found = _model_of(key, model)
    kind = kind_of(found, key) if found is not None else None
    return kind.item if isinstance(kind, ListOf) else kind


def value_label(key: str, value: Any, model: Model = None) -> str:
    """One value of `key` as people read it: a country's or language's name, a code's label."""
    kind = _value_kind(key, model)
    if isinstance(kind, Country):
        return vocab.country_name(value, current_language())
    if isinstance(kind, Language):
        return vocab.language_name(value, current_language())
    if isinstance(kind, Choice):
        return vocab.label(value)
    return str(value)


def display_value(key: str, value: Any, model: Model = None) -> str:
    """A whole value as people read it: lists joined, Yes/No, "(not set)" for nothing, a
    nested object (a contact, a result) as its keys' names and values."""
    if value is None or value == "" or value == []:
        return _(NOT_SET)
    if isinstance(value, list):
        joiner = " | " if any(isinstance(v, dict) for v in value) else ", "
        return joiner.join(display_value(key, v, model) for v in value)
    if isinstance(value, dict):
        owner = _model_of(key, model)
        nested = nested_model(owner, key) if owner is not None else None
        return "; ".join(
            f"{field_label(k, nested)}: {display_value(k, v, nested)}" for k, v in value.items()
        )
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value_label(key, value, model)


# A key or a code in a message: snake_case words, or a quoted code ('no_effect', 'recidivism').
_KEY_IN_MESSAGE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_QUOTED_CODE = re.compile(r"'([a-z][a-z0-9_]*)'")
_SENTENCE_VERBS = ("must ", "is ", "needs ", "should ", "could ", "cannot ", "has ", "was ")
_CODES = frozenset(
    code
    for values in vars(vocab).values()
    if isinstance(values, tuple) and all(isinstance(v, str) for v in values)
    for code in values
)


# Languages whose nouns keep their capital inside a sentence.
_CAPITALISED_NOUNS = ("de",)


def _lower_first(text: str) -> str:
    # "Youngest age" -> "youngest age", but "DOI" and "EUR" stay as they are.
    if current_language() in _CAPITALISED_NOUNS:
        return text
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def euros(amount: float) -> str:
    """An amount in euros as the reader writes it: "€42.50", "42,50 €"; whole euros without
    decimals ("€1,000", "1.000 €")."""
    locale = Locale.parse(current_language())
    pattern = locale.currency_formats["standard"].pattern
    if float(amount).is_integer():
        pattern = pattern.replace(".00", "")
    return format_currency(amount, "EUR", format=pattern, locale=locale, currency_digits=False)


def in_sentence(text: Any) -> str:
    """A label inside a sentence: "Draft" -> "draft" ("revision 2 (draft)"), but German keeps
    "Entwurf" and "DOI" stays "DOI"."""
    return _lower_first(str(text))


def message_in_words(message: str, model: Model = None) -> str:
    """A validation message of app/records (written for API users, naming keys) in the words
    of the form: "must not be less than age_min (12)" -> "must not be less than minimum age
    (12)". Keys become their form labels, codes their labels; a Wording (app/core/i18n.py)
    is said in the reader's language first."""
    message = in_reader_language(message)

    def key(match: re.Match[str]) -> str:
        word = match.group(0)
        found = _label(word, model) or _label(word)
        if found is not None:
            return _lower_first(_(found.text))
        return _lower_first(vocab.label(word)) if word in _CODES else word

    def quoted(match: re.Match[str]) -> str:
        code = match.group(1)
        return f"“{vocab.label(code)}”" if code in _CODES else match.group(0)

    words = _QUOTED_CODE.sub(quoted, message)
    words = _KEY_IN_MESSAGE.sub(key, words)
    if _is_translated():
        return words
    return words.replace("an email or a url", "an email or a web address")


def sentence(name: str, message: str) -> str:
    """A field's name and its problem as one sentence: "Title is required" (never the
    fragment "Title: is required"); a message that starts with a value keeps a colon.

    The messages are verb phrases ("must be a number", "muss eine Zahl sein"), so one that
    starts with a small letter continues the field's name; each language says how (German
    "Das Feld „Titel“ ist erforderlich")."""
    if message.startswith(_SENTENCE_VERBS) or (message[:1].islower() and _is_translated()):
        # Translators: the name of a form field and what is wrong with it, as one sentence.
        return _("%(field)s %(problem)s", field=name, problem=message)
    return _("%(field)s: %(problem)s", field=name, problem=message)


def _is_translated() -> bool:
    return current_language() != "en"


# Letters some languages sort as letters of their own, after their base letter (Polish "Ł"
# after "L", Swedish "Å Ä Ö" after "Z", Czech "Ch" after "H"); other accents only break ties.
_OWN_LETTERS = {
    "pl": {
        "ą": "a",
        "ć": "c",
        "ę": "e",
        "ł": "l",
        "ń": "n",
        "ó": "o",
        "ś": "s",
        "ź": "z",
        "ż": "z",
    },
    "cs": {"č": "c", "ch": "h", "ř": "r", "š": "s", "ž": "z"},
    "sv": {"å": "z\U0010fff0", "ä": "z\U0010fff1", "ö": "z\U0010fff2"},
    "es": {"ñ": "n"},
}
_AFTER = "\U0010ffff"


def collation_key(text: str, language: str) -> tuple[str, str]:
    """A sort key putting names in `language`'s alphabetical order: accents ignored except
    for the letters that language counts as letters of their own ("Łotwa" after "Luksemburg"
    in Polish, "Österrike" after "Zambia" in Swedish). Close to CLDR's collation for the
    languages we offer, without a collation library."""
    folded = text.casefold()
    own = _OWN_LETTERS.get(language, {})
    for letter in sorted(own, key=len, reverse=True):  # "ch" before "c"
        base = own[letter]
        folded = folded.replace(letter, base if len(base) > 1 else base + _AFTER)
    plain = unicodedata.normalize("NFD", folded)
    primary = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return primary, folded
