"""The measure form: every key of the record format, evaluations as repeatable rows.

The fields only parse types (a number field says when it gets letters). Every content rule comes
from app.records.schema.validate_record: `to_record()` builds the record from the form and
`show_errors()` puts the schema's FieldErrors back on the fields, so the form, the API and the
import speak with the same words. Labels and help texts are the record model's (`_text`).
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    Field,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.measures.mapping import evaluation_to_record, revision_to_record
from app.measures.models import Evaluation, MeasureRevision
from app.records import vocab
from app.records.labels import form_text as _text
from app.records.model import Evaluation as EvaluationRecord
from app.records.model import MeasureRecord, RecordObject, required_keys
from app.records.schema import EVALUATION_KEYS, RECORD_KEYS, FieldError

# The 24 official EU languages come first in language lists.
EU_LANGUAGES = (
    "bg", "hr", "cs", "da", "nl", "en", "et", "fi", "fr", "de", "el", "hu", "ga", "it", "lv",
    "lt", "mt", "pl", "pt", "ro", "sk", "sl", "es", "sv",
)  # fmt: skip
_TRI_VALUES = {"yes": True, "no": False}
_YES_NO = [("yes", "Yes"), ("no", "No")]


def _by_name(codes: Any, name: Any) -> list[tuple[str, str]]:
    return sorted(((c, name(c)) for c in codes), key=lambda pair: pair[1].casefold())


def _choices(pairs: list[tuple[str, str]], optgroup: str | None = None) -> list[SelectChoice]:
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


EU_COUNTRY_CHOICES = _by_name(vocab.EU27, vocab.country_name)
OTHER_COUNTRY_CHOICES = _by_name(vocab.COUNTRY_CODES - set(vocab.EU27), vocab.country_name)
COUNTRY_CHOICES = EU_COUNTRY_CHOICES + OTHER_COUNTRY_CHOICES
EU_LANGUAGE_CHOICES = _by_name(EU_LANGUAGES, vocab.language_name)
OTHER_LANGUAGE_CHOICES = _by_name(vocab.LANGUAGE_CODES - set(EU_LANGUAGES), vocab.language_name)
LANGUAGE_CHOICES = EU_LANGUAGE_CHOICES + OTHER_LANGUAGE_CHOICES


def _enum(values: tuple[str, ...]) -> list[SelectChoice]:
    return _choices([(v, vocab.label(v)) for v in values])


def _select(values: tuple[str, ...], blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank), *_enum(values)]


def _grouped(blank: str, eu: list, other: list, eu_name: str) -> list[SelectChoice]:
    # Rendered as <optgroup>s; the blank option stands outside them.
    return [SelectChoice("", blank), *_choices(eu, eu_name), *_choices(other, "Other")]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; the forms macro renders it as a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)  # the schema names bad values
        super().__init__(*args, **kwargs)


class WholeNumberField(IntegerField):
    """A text box for a whole number: type="number" would send "" for letters, silently."""

    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "class": "input-short"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and str(valuelist[0]).strip():
            try:
                self.data = int(str(valuelist[0]).strip())
            except ValueError as error:
                self.data = None
                raise ValueError("must be a whole number") from error
        else:
            self.data = None


class NumberField(FloatField):
    """A text box for a decimal number; shows 10 rather than 10.0."""

    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "class": "input-short"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip().replace(",", ".") if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = float(text)
        except ValueError as error:
            self.data = None
            raise ValueError("must be a number") from error

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data).removesuffix(".0")


class EnumSelectField(SelectField):
    """A select whose value the schema checks (so a forged value gets the schema's message)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class TriStateField(EnumSelectField):
    """Yes, no or not known: the record's booleans may be missing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [SelectChoice("", "Not known"), *_choices(_YES_NO)])
        super().__init__(*args, **kwargs)


class EvaluationForm(Form):
    """One evaluation row; `source` is the id of the evaluation it was filled from."""

    source = HiddenField()
    design = EnumSelectField(**_text("design"), choices=_select(vocab.DESIGNS, "Choose a design"))
    year = WholeNumberField(**_text("year"))
    country = EnumSelectField(
        **_text("country"),
        choices=_grouped(
            "Not stated", EU_COUNTRY_CHOICES, OTHER_COUNTRY_CHOICES, "EU Member States"
        ),
    )
    sample_size = WholeNumberField(**_text("sample_size"))
    comparison_group = TriStateField(**_text("comparison_group"))
    follow_up_months = WholeNumberField(**_text("follow_up_months"))
    attrition_pct = NumberField(**_text("attrition_pct"))
    independent = TriStateField(**_text("independent"))
    peer_reviewed = TriStateField(**_text("peer_reviewed"))
    outcomes = MultiCheckboxField(**_text("outcomes"), choices=_enum(vocab.OUTCOMES))
    effect = EnumSelectField(**_text("effect"), choices=_select(vocab.EFFECTS, "Choose an effect"))
    effect_size = NumberField(**_text("effect_size"))
    findings = TextAreaField(**_text("findings"))
    citation = TextAreaField(**_text("citation"), render_kw={"rows": 2})
    url = StringField(**_text("url"), render_kw={"inputmode": "url"})
    report = FileField(
        "Report (PDF)",
        description="A PDF of the evaluation report, at most 20 MB.",
        render_kw={"accept": "application/pdf,.pdf"},
    )
    remove_reports = MultiCheckboxField("Attached reports", choices=[])

    # Set by the view: the reports already attached, and a note when a file must be re-chosen.
    attachments: Any = ()
    report_notice: str | None = None


class MeasureForm(FlaskForm):
    """Every key of the record format (spec/measure-record.md)."""

    title = StringField(**_text("title"))
    summary = TextAreaField(**_text("summary"))
    description = TextAreaField(**_text("description"), render_kw={"rows": 10})
    external_id = StringField(**_text("external_id"))
    countries = MultiCheckboxField(**_text("countries"), choices=_choices(COUNTRY_CHOICES))
    text_language = EnumSelectField(
        **_text("text_language"),
        choices=_grouped(
            "Detect automatically", EU_LANGUAGE_CHOICES, OTHER_LANGUAGE_CHOICES, "EU languages"
        ),
    )
    languages = MultiCheckboxField(**_text("languages"), choices=_choices(LANGUAGE_CHOICES))
    prevention_level = EnumSelectField(
        **_text("prevention_level"), choices=_select(vocab.PREVENTION_LEVELS, "Choose a level")
    )
    target_groups = MultiCheckboxField(**_text("target_groups"), choices=_enum(vocab.TARGET_GROUPS))
    settings = MultiCheckboxField(**_text("settings"), choices=_enum(vocab.SETTINGS))
    abuse_forms = MultiCheckboxField(**_text("abuse_forms"), choices=_enum(vocab.ABUSE_FORMS))
    delivery = MultiCheckboxField(**_text("delivery"), choices=_enum(vocab.DELIVERY))
    age_min = WholeNumberField(**_text("age_min"))
    age_max = WholeNumberField(**_text("age_max"))
    organisation = StringField(**_text("organisation"))
    website = StringField(**_text("website"), render_kw={"inputmode": "url"})
    start_year = WholeNumberField(**_text("start_year"))
    end_year = WholeNumberField(**_text("end_year"))
    status = EnumSelectField(
        **_text("status"), choices=_select(vocab.PROGRAMME_STATUSES, "Not stated")
    )
    cost_level = EnumSelectField(
        **_text("cost_level"), choices=_select(vocab.COST_LEVELS, "Not stated")
    )
    cost_notes = TextAreaField(**_text("cost_notes"), render_kw={"rows": 3})
    implementation = TextAreaField(**_text("implementation"))
    manual_available = TriStateField(**_text("manual_available"))
    transferability = TextAreaField(**_text("transferability"))
    evaluations = FieldList(FormField(EvaluationForm), min_entries=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self, MeasureRecord)
        for entry in self.evaluations:
            _mark_required(entry.form, EvaluationRecord)

    # --- filling -------------------------------------------------------------------------

    @classmethod
    def for_revision(cls, revision: MeasureRevision) -> MeasureForm:
        """A form showing a saved revision; evaluation rows remember their evaluation's id."""
        record = revision_to_record(revision)
        data = {key: _display(value) for key, value in record.items() if key != "evaluations"}
        # FormField reads its data as attributes of an object, not as dict keys.
        data["evaluations"] = [SimpleNamespace(**_evaluation_data(e)) for e in revision.evaluations]
        return cls(formdata=None, data=data)

    def add_evaluation(self) -> None:
        entry = self.evaluations.append_entry()
        _mark_required(entry.form, EvaluationRecord)

    def remove_evaluation(self, position: int) -> bool:
        """Drop one row (nothing is saved); False when there is no such row."""
        if not 0 <= position < len(self.evaluations.entries):
            return False
        del self.evaluations.entries[position]
        # Renumber the rows 0..n-1 so the next POST lines up with what is shown.
        self.evaluations._compact_indices()
        return True

    def set_report_choices(self, evaluations_by_id: dict[int, Evaluation]) -> None:
        """Offer the attached reports of each row's evaluation for removal."""
        for entry in self.evaluations:
            evaluation = evaluations_by_id.get(row_source(entry.form))  # type: ignore[arg-type]
            attachments = evaluation.attachments if evaluation is not None else []
            entry.form.attachments = attachments
            entry.form.remove_reports.choices = _choices(
                [(a.sha256, a.filename) for a in attachments]
            )

    # --- reading ---------------------------------------------------------------------------

    def to_record(self, shown: MeasureRevision | None = None) -> tuple[dict[str, Any], list[int]]:
        """The record the form describes, blanks left out, and which row each evaluation is.

        Keys the form has no field for yet (record format 2: results, the programme profile)
        are kept as they are in `shown`, the revision the form was filled from, so that
        saving the form never drops them.
        """
        kept = revision_to_record(shown) if shown is not None else {}
        record: dict[str, Any] = {}
        for key in RECORD_KEYS:
            if key == "evaluations":
                continue
            value = _field_value(self[key]) if key in self._fields else kept.get(key)
            if not _blank(value):
                record[key] = value
        sources = {e.id: e for e in shown.evaluations} if shown is not None else {}
        evaluations, positions = [], []
        for position, entry in enumerate(self.evaluations):
            if row_is_blank(entry.form):
                continue
            source = sources.get(row_source(entry.form))  # type: ignore[arg-type]
            unshown = evaluation_to_record(source) if source is not None else {}
            evaluation = {}
            for key in EVALUATION_KEYS:
                in_form = key in entry.form._fields
                value = _field_value(entry.form[key]) if in_form else unshown.get(key)
                if not _blank(value):
                    evaluation[key] = value
            evaluations.append(evaluation)
            positions.append(position)
        if evaluations:
            record["evaluations"] = evaluations
        return record, positions

    def error_items(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error, in page order, for the error summary."""
        items = []
        for name, field in self._fields.items():
            if name == "evaluations":
                for number, entry in enumerate(self.evaluations, start=1):
                    for sub in entry.form:
                        label = f"Evaluation {number}: {sub.label.text}"
                        items += [(sub.id, label, str(e)) for e in sub.errors]
            else:
                items += [(field.id, field.label.text, str(e)) for e in field.errors]
        return items

    def show_errors(self, errors: list[FieldError], positions: list[int]) -> list[FieldError]:
        """Put each schema error on its field; return those that belong to no field."""
        left: list[FieldError] = []
        for error in errors:
            field = self._field_for(error.key, positions)
            if field is None:
                left.append(error)
            elif field.process_errors:
                continue  # "abc" in a year: "must be a whole number" says it, not "is required"
            else:
                field.errors = [*field.errors, error.message]
        return left

    def _field_for(self, key: str, positions: list[int]) -> Field | None:
        match = _EVALUATION_KEY.match(key)
        if match:
            index, name = int(match["index"]), match["name"]
            if index >= len(positions):
                return None
            row = self.evaluations.entries[positions[index]].form
            return row[name] if name in row._fields else None
        name = _LIST_ITEM.sub("", key)
        if name in self._fields and name != "evaluations":
            return self[name]
        return None  # a key the form has no field for yet: shown in the error summary


_EVALUATION_KEY = re.compile(r"^evaluations\[(?P<index>\d+)\]\.(?P<name>\w+)(?:\[\d+\])?$")
_LIST_ITEM = re.compile(r"\[\d+\]$")


def _mark_required(form: Form, model: type[RecordObject]) -> None:
    # Only for display ("required" beside the label); the schema does the checking.
    for key in required_keys(model):
        if key in form:
            form[key].flags.required = True


def row_source(row: Form) -> int | None:
    value = (row.source.data or "").strip()
    return int(value) if value.isdigit() else None


def row_is_blank(row: Form) -> bool:
    """A row the user added and left empty is ignored rather than reported as incomplete."""
    if row_source(row) is not None or row.report.data:
        return False
    return all(_blank(_field_value(row[key])) for key in EVALUATION_KEYS if key in row._fields)


def _field_value(field: Field) -> Any:
    if field.process_errors:  # could not be parsed: its own message says so
        return None
    if isinstance(field, TriStateField):
        raw = field.data or ""
        # A forged value goes on to the schema, which says "must be true or false".
        return _TRI_VALUES.get(raw, raw or None)
    if field.type in ("StringField", "TextAreaField"):
        return field.data if field.data and field.data.strip() else None
    return field.data


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _display(value: Any) -> Any:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def _evaluation_data(evaluation: Evaluation) -> dict[str, Any]:
    data = {k: _display(v) for k, v in evaluation_to_record(evaluation).items()}
    data["source"] = str(evaluation.id)
    return data
