"""How people read a record: the name of each key and of each value, from the model.

The moderation diff, the compare table, search facets, the measure form and exports ask here,
so a key is named once (its `Label` in app/records/model.py) and a value is shown by its kind:
countries and languages by name, vocabulary codes by their label, booleans as Yes/No.
"""

from __future__ import annotations

from typing import Any

from app.records import vocab
from app.records.fields import Choice, Country, Kind, Language, ListOf
from app.records.model import Evaluation, Label, MeasureRecord, RecordObject, kind_of, label_of

NOT_SET = "(not set)"


def _model_of(key: str) -> type[RecordObject]:
    """Record keys first; the keys only an evaluation has come from Evaluation."""
    return MeasureRecord if key in MeasureRecord.model_fields else Evaluation


def _label(key: str) -> Label | None:
    model = _model_of(key)
    return label_of(model, key) if key in model.model_fields else None


def field_label(key: str) -> str:
    """'follow_up_months' -> 'Follow-up (months)': how pages and the diff name a key."""
    label = _label(key)
    return label.text if label else key.replace("_", " ").capitalize()


def short_label(key: str) -> str:
    """The name in dense tables (the compare page)."""
    label = _label(key)
    return (label.short or label.text) if label else field_label(key)


def facet_legend(key: str) -> str:
    """The legend of a key's search filter, naming one of its values ("Country")."""
    label = _label(key)
    return (label.facet or label.text) if label else field_label(key)


def form_text(key: str) -> dict[str, str]:
    """The label and help text of a key's form field, as WTForms takes them."""
    label = _label(key)
    if label is None:
        raise KeyError(key)
    return {"label": label.question or label.text, "description": label.hint or ""}


def _value_kind(key: str) -> Kind | None:
    model = _model_of(key)
    kind = kind_of(model, key) if key in model.model_fields else None
    return kind.item if isinstance(kind, ListOf) else kind


def value_label(key: str, value: Any) -> str:
    """One value of `key` as people read it: a country's or language's name, a code's label."""
    kind = _value_kind(key)
    if isinstance(kind, Country):
        return vocab.country_name(value)
    if isinstance(kind, Language):
        return vocab.language_name(value)
    if isinstance(kind, Choice):
        return vocab.label(value)
    return str(value)


def display_value(key: str, value: Any) -> str:
    """A whole value as people read it: lists joined, Yes/No, "(not set)" for nothing."""
    if value is None or value == "" or value == []:
        return NOT_SET
    if isinstance(value, list):
        return ", ".join(display_value(key, v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value_label(key, value)
