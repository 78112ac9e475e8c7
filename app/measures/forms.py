"""The measure form: every key of record format 2, lists of objects as repeatable rows.

The fields only parse types (a number field says when it gets letters). Every content rule comes
from app.records.schema.validate_record: `to_record()` builds the record from the form and
`show_errors()` puts the schema's FieldErrors back on the fields, in the form's words
(`message_in_words`: the same message as the API and the import, with key names and codes
replaced by their labels). Labels and help texts are the record model's (`_text`).

Each row form names its record model (`model`); a list of rows is a FieldList whose name is
its key (evaluations, evaluations-0-results, contacts …), so adding and removing rows, reading
the record and placing errors work alike for every list.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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

from app.core.i18n import N_, current_language
from app.measures.mapping import evaluation_to_record, revision_to_record
from app.measures.models import Evaluation, MeasureRevision
from app.records import vocab
from app.records.labels import collation_key, message_in_words, sentence
from app.records.labels import form_text as _text
from app.records.model import (
    MAX_CONTACTS,
    MAX_EXTERNAL_RATINGS,
    MAX_REFERENCES,
    MAX_RESULTS,
    MeasureRecord,
    RecordObject,
    required_keys,
)
from app.records.model import Contact as ContactRecord
from app.records.model import Evaluation as EvaluationRecord
from app.records.model import ExternalRating as ExternalRatingRecord
from app.records.model import Reference as ReferenceRecord
from app.records.model import Result as ResultRecord
from app.records.schema import MAX_EVALUATIONS, FieldError

# The 24 official EU languages come first in language lists.
EU_LANGUAGES = (
    "bg", "hr", "cs", "da", "nl", "en", "et", "fi", "fr", "de", "el", "hu", "ga", "it", "lv",
    "lt", "mt", "pl", "pt", "ro", "sk", "sl", "es", "sv",
)  # fmt: skip
_TRI_VALUES = {"yes": True, "no": False}
_YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
# How many countries and languages the first <optgroup> holds (the page says so).
EU_COUNTRY_COUNT = len(vocab.EU27)
EU_LANGUAGE_COUNT = len(EU_LANGUAGES)


@functools.cache
def _by_name(codes: frozenset[str], kind: str, language: str) -> tuple[tuple[str, str], ...]:
    """Countries or languages by their CLDR name in `language`, in that language's order."""
    name = vocab.country_name if kind == "country" else vocab.language_name
    pairs = ((c, name(c, language)) for c in codes)
    return tuple(sorted(pairs, key=lambda pair: collation_key(pair[1], language)))


def _names(kind: str, first: Any, rest: Any) -> tuple[list, list]:
    """The EU's countries (or official languages) and the others, named in the reader's
    language; computed when a form is shown, so each reader gets their own."""
    language = current_language()
    return (
        list(_by_name(frozenset(first), kind, language)),
        list(_by_name(frozenset(rest), kind, language)),
    )


def _countries() -> tuple[list, list]:
    return _names("country", vocab.EU27, vocab.COUNTRY_CODES - set(vocab.EU27))


def _languages() -> tuple[list, list]:
    return _names("language", EU_LANGUAGES, vocab.LANGUAGE_CODES - set(EU_LANGUAGES))


def _choices(pairs: list[tuple[str, Any]], optgroup: Any = None) -> list[SelectChoice]:
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


def _enum(values: tuple[str, ...]) -> list[SelectChoice]:
    # Lazy: the form classes are built once, each page shows them in its reader's language.
    return _choices([(v, _l(vocab.english_label(v))) for v in values])


def _select(values: tuple[str, ...], blank: Any) -> list[SelectChoice]:
    return [SelectChoice("", blank), *_enum(values)]


def _grouped(blank: Any, names: Any, eu_name: Any) -> Any:
    """A select of countries or languages, as <optgroup>s (the blank option outside them),
    built for each form so that the names are the reader's."""

    def choices() -> list[SelectChoice]:
        eu, other = names()
        return [SelectChoice("", blank), *_choices(eu, eu_name), *_choices(other, _l("Other"))]

    return choices


def _listed(names: Any) -> Any:
    """Checkboxes for countries or languages (EU ones first), built for each form."""

    def choices() -> list[SelectChoice]:
        eu, other = names()
        return _choices(eu + other)

    return choices


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
                raise ValueError(_("must be a whole number")) from error
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
            raise ValueError(_("must be a number")) from error

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
        kwargs.setdefault("choices", [SelectChoice("", _l("Not known")), *_choices(_YES_NO)])
        super().__init__(*args, **kwargs)


def _rows(row_form: type[Form]) -> FieldList:
    return FieldList(FormField(row_form), min_entries=0)


class ResultForm(Form):
    """One finding: an outcome at one time point (EVIDENCE-2027 §1)."""

    model = ResultRecord
    outcome = EnumSelectField(
        **_text("outcome", ResultRecord), choices=_select(vocab.OUTCOMES, _l("Choose an outcome"))
    )
    measure = StringField(**_text("measure", ResultRecord))
    timepoint_months = WholeNumberField(**_text("timepoint_months", ResultRecord))
    direction = EnumSelectField(
        **_text("direction", ResultRecord),
        choices=_select(vocab.RESULT_DIRECTIONS, _l("Choose what was found")),
    )
    effect_size = NumberField(**_text("effect_size", ResultRecord))
    effect_size_type = EnumSelectField(
        **_text("effect_size_type", ResultRecord),
        choices=_select(vocab.EFFECT_SIZE_TYPES, _l("Not reported")),
    )
    ci_low = NumberField(**_text("ci_low", ResultRecord))
    ci_high = NumberField(**_text("ci_high", ResultRecord))
    p_value = NumberField(**_text("p_value", ResultRecord))
    n = WholeNumberField(**_text("n", ResultRecord))
    primary = TriStateField(**_text("primary", ResultRecord))


class ContactForm(Form):
    model = ContactRecord
    role = EnumSelectField(
        **_text("role", ContactRecord), choices=_select(vocab.CONTACT_ROLES, _l("Choose a role"))
    )
    name = StringField(**_text("name", ContactRecord))
    email = StringField(**_text("email", ContactRecord), render_kw={"inputmode": "email"})
    url = StringField(**_text("url", ContactRecord), render_kw={"inputmode": "url"})
    country = EnumSelectField(
        **_text("country", ContactRecord),
        choices=_grouped(_l("Not stated"), _countries, _l("EU Member States")),
    )


class ExternalRatingForm(Form):
    model = ExternalRatingRecord
    registry = StringField(**_text("registry", ExternalRatingRecord))
    rating = StringField(**_text("rating", ExternalRatingRecord))
    year = WholeNumberField(**_text("year", ExternalRatingRecord))
    url = StringField(**_text("url", ExternalRatingRecord), render_kw={"inputmode": "url"})


class ReferenceForm(Form):
    model = ReferenceRecord
    citation = TextAreaField(**_text("citation", ReferenceRecord), render_kw={"rows": 2})
    doi = StringField(**_text("doi", ReferenceRecord))
    url = StringField(**_text("url", ReferenceRecord), render_kw={"inputmode": "url"})
    open_access = TriStateField(**_text("open_access", ReferenceRecord))


class EvaluationForm(Form):
    """One evaluation row; `source` is the id of the evaluation it was filled from."""

    model = EvaluationRecord

    source = HiddenField()
    design = EnumSelectField(
        **_text("design"), choices=_select(vocab.DESIGNS, _l("Choose a design"))
    )
    year = WholeNumberField(**_text("year"))
    country = EnumSelectField(
        **_text("country"),
        choices=_grouped(_l("Not stated"), _countries, _l("EU Member States")),
    )
    sample_id = StringField(**_text("sample_id", EvaluationRecord))
    sample_size = WholeNumberField(**_text("sample_size"))
    clusters = WholeNumberField(**_text("clusters", EvaluationRecord))
    comparison_group = TriStateField(**_text("comparison_group"))
    baseline_equivalence = EnumSelectField(
        **_text("baseline_equivalence", EvaluationRecord),
        choices=_select(vocab.BASELINE_EQUIVALENCE, _l("Not stated")),
    )
    follow_up_months = WholeNumberField(**_text("follow_up_months"))
    time_points_before = WholeNumberField(**_text("time_points_before", EvaluationRecord))
    time_points_after = WholeNumberField(**_text("time_points_after", EvaluationRecord))
    attrition_pct = NumberField(**_text("attrition_pct"))
    differential_attrition_pct = NumberField(
        **_text("differential_attrition_pct", EvaluationRecord)
    )
    independent = TriStateField(**_text("independent"))
    peer_reviewed = TriStateField(**_text("peer_reviewed"))
    routine_practice = TriStateField(**_text("routine_practice", EvaluationRecord))
    outcomes = MultiCheckboxField(**_text("outcomes"), choices=_enum(vocab.OUTCOMES))
    effect = EnumSelectField(
        **_text("effect"), choices=_select(vocab.EFFECTS, _l("Choose an effect"))
    )
    effect_size = NumberField(**_text("effect_size", EvaluationRecord))
    results = _rows(ResultForm)
    findings = TextAreaField(**_text("findings"))
    citation = TextAreaField(**_text("citation", EvaluationRecord), render_kw={"rows": 2})
    doi = StringField(**_text("doi", EvaluationRecord))
    url = StringField(**_text("url", EvaluationRecord), render_kw={"inputmode": "url"})
    report = FileField(
        _l("Report (PDF)"),
        description=_l("A PDF of the evaluation report, at most 20 MB."),
        render_kw={"accept": "application/pdf,.pdf"},
    )
    remove_reports = MultiCheckboxField(_l("Attached reports"), choices=[])

    # Set by the view: the reports already attached, and a note when a file must be re-chosen.
    attachments: Any = ()
    report_notice: str | None = None


class MeasureForm(FlaskForm):
    """Every key of the record format (spec/measure-record.md "Format 2")."""

    model = MeasureRecord
    title = StringField(**_text("title"))
    summary = TextAreaField(**_text("summary"))
    summary_en = TextAreaField(**_text("summary_en"), render_kw={"rows": 4})
    description = TextAreaField(**_text("description"), render_kw={"rows": 10})
    theory_of_change = TextAreaField(**_text("theory_of_change"), render_kw={"rows": 4})
    external_id = StringField(**_text("external_id"))
    countries = MultiCheckboxField(**_text("countries"), choices=_listed(_countries))
    text_language = EnumSelectField(
        **_text("text_language"),
        choices=_grouped(_l("Detect automatically"), _languages, _l("EU languages")),
    )
    languages = MultiCheckboxField(**_text("languages"), choices=_listed(_languages))
    prevention_level = EnumSelectField(
        **_text("prevention_level"), choices=_select(vocab.PREVENTION_LEVELS, _l("Choose a level"))
    )
    population_level = EnumSelectField(
        **_text("population_level"), choices=_select(vocab.POPULATION_LEVELS, _l("Not stated"))
    )
    target_groups = MultiCheckboxField(**_text("target_groups"), choices=_enum(vocab.TARGET_GROUPS))
    settings = MultiCheckboxField(**_text("settings"), choices=_enum(vocab.SETTINGS))
    abuse_forms = MultiCheckboxField(**_text("abuse_forms"), choices=_enum(vocab.ABUSE_FORMS))
    delivery = MultiCheckboxField(**_text("delivery"), choices=_enum(vocab.DELIVERY))
    dosage = StringField(**_text("dosage"))
    age_min = WholeNumberField(**_text("age_min"))
    age_max = WholeNumberField(**_text("age_max"))
    organisation = StringField(**_text("organisation"))
    website = StringField(**_text("website"), render_kw={"inputmode": "url"})
    start_year = WholeNumberField(**_text("start_year"))
    end_year = WholeNumberField(**_text("end_year"))
    status = EnumSelectField(
        **_text("status"), choices=_select(vocab.PROGRAMME_STATUSES, _l("Not stated"))
    )
    cost_level = EnumSelectField(
        **_text("cost_level"), choices=_select(vocab.COST_LEVELS, _l("Not stated"))
    )
    unit_cost_eur = NumberField(**_text("unit_cost_eur"))
    unit_cost_per = EnumSelectField(
        **_text("unit_cost_per"), choices=_select(vocab.COST_UNITS, _l("Not stated"))
    )
    cost_price_year = WholeNumberField(**_text("cost_price_year"))
    cost_notes = TextAreaField(**_text("cost_notes"), render_kw={"rows": 3})
    cost_benefit = TextAreaField(**_text("cost_benefit"), render_kw={"rows": 3})
    implementation = TextAreaField(**_text("implementation"))
    training_hours = NumberField(**_text("training_hours"))
    certification_required = TriStateField(**_text("certification_required"))
    staff_qualifications = TextAreaField(**_text("staff_qualifications"), render_kw={"rows": 3})
    fidelity_tools = TextAreaField(**_text("fidelity_tools"), render_kw={"rows": 3})
    licence = EnumSelectField(**_text("licence"), choices=_select(vocab.LICENCES, _l("Not stated")))
    manual_available = TriStateField(**_text("manual_available"))
    transferability = TextAreaField(**_text("transferability"))
    contacts = _rows(ContactForm)
    external_ratings = _rows(ExternalRatingForm)
    references = _rows(ReferenceForm)
    evaluations = _rows(EvaluationForm)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self)
        # Filled by to_record(): the record path of each object ("evaluations[0].results[1]")
        # and the row form it was read from, so that each error finds its field.
        self._row_of: dict[str, Form] = {}

    # --- filling -------------------------------------------------------------------------

    @classmethod
    def for_revision(cls, revision: MeasureRevision) -> MeasureForm:
        """A form showing a saved revision; evaluation rows remember their evaluation's id."""
        record = revision_to_record(revision)
        data = {key: _display(value) for key, value in record.items() if key != "evaluations"}
        # FormField reads its data as attributes of an object, not as dict keys.
        data["evaluations"] = [_namespace(_evaluation_data(e)) for e in revision.evaluations]
        return cls(formdata=None, data=data)

    def row_list(self, name: str) -> FieldList | None:
        """The list of rows called `name` ("contacts", "evaluations-0-results"), if shown."""
        return next((f for f in _row_lists(self) if f.name == name), None)

    def add_row(self, name: str) -> str:
        """Add an empty row to a list; the notice to show (nothing is saved)."""
        rows = self.row_list(name)
        if rows is None:
            return _("Nothing was added: that list is not on the form any more.")
        words = ROW_WORDS[rows.short_name]
        limit = ROW_LIMITS[rows.short_name]
        if len(rows.entries) >= limit:
            return _(words.at_most, limit=limit)
        entry = rows.append_entry()
        _mark_required(entry.form)
        return _(words.added)

    def remove_row(self, entry_name: str) -> str | None:
        """Drop the row called `entry_name` ("evaluations-0-results-2"); the notice to show,
        None when there is no such row."""
        list_name, _sep, index = entry_name.rpartition("-")
        rows = self.row_list(list_name)
        if rows is None or not index.isdigit():
            return None
        for position, entry in enumerate(rows.entries):
            if entry.name == entry_name:
                del rows.entries[position]
                # Renumber the rows 0..n-1 so the next POST lines up with what is shown.
                rows._compact_indices()
                return _(ROW_WORDS[rows.short_name].removed)
        return None

    def row_notices(self, rows: FieldList) -> dict[str, str]:
        """What the page's JavaScript announces when it adds or removes a row of `rows`
        itself, in the reader's language ({row}: the new row's legend, "Result 2")."""
        words = ROW_WORDS[rows.short_name]
        return {
            "added": _("%(row)s added. Nothing has been saved yet.", row="{row}"),
            "removed": _(words.removed),
            "at-most": _(words.at_most, limit=ROW_LIMITS[rows.short_name]),
        }

    def blank_row(self, rows: FieldList) -> Field:
        """A row for the page's JavaScript to copy: named with a placeholder for its index."""
        placeholder = f"__{rows.short_name}__"
        options = {
            "name": f"{rows.name}-{placeholder}",
            "id": f"{rows.id}-{placeholder}",
            "_meta": rows.meta,
            "translations": rows._translations,
        }
        entry = rows.meta.bind_field(rows._form, rows.unbound_field, options)
        entry.process(None)
        _mark_required(entry.form)
        return entry

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

        A row left completely empty is ignored. Keys the form has no field for are kept as
        they are in `shown`, the revision the form was filled from, so saving never drops them.
        """
        kept = revision_to_record(shown) if shown is not None else {}
        sources = {e.id: e for e in shown.evaluations} if shown is not None else {}
        self._row_of = {}
        record = _read(self, kept, "", self._row_of)
        evaluations, positions = [], []
        for position, entry in enumerate(self.evaluations):
            row = entry.form
            if row_is_blank(row):
                continue
            source = sources.get(row_source(row))  # type: ignore[arg-type]
            unshown = evaluation_to_record(source) if source is not None else {}
            evaluations.append(_read(row, unshown, f"evaluations[{len(positions)}]", self._row_of))
            positions.append(position)
        if evaluations:
            record["evaluations"] = evaluations
        return record, positions

    def error_items(self) -> list[tuple[str, str]]:
        """(field id, sentence) for every error, in page order, for the error summary."""
        return [(f.id, message) for f, message in _errors(self, "")]

    def show_errors(self, errors: list[FieldError]) -> list[str]:
        """Put each schema error on its field, in the form's words; return, as sentences,
        those that belong to no field."""
        left: list[str] = []
        for error in errors:
            field, model, where = self._field_for(error.key)
            words = message_in_words(error.message, model)
            if field is None:
                left.append(sentence(where, words))
            elif field.process_errors:
                continue  # "abc" in a year: "must be a whole number" says it, not "is required"
            else:
                field.errors = [*field.errors, words]
        return left

    def _field_for(self, key: str) -> tuple[Field | None, type[RecordObject] | None, str]:
        """The field of an error's key, the model whose words to use, and the place in
        words (for errors that belong to no field)."""
        path, _sep, name = key.rpartition(".")
        name = _LIST_ITEM.sub("", name)
        if not path and _LIST_ITEM.search(key) and key.split("[")[0] in _LIST_KEYS:
            path, name = key, ""  # the whole object, e.g. a contact without email or url
        row = self._row_of.get(path) if path else self
        if row is None:
            return None, None, _place_in_words(key)
        model = row.model
        if name == "" and "email" in row._fields:
            return row["email"], model, _place_in_words(key)  # "needs an email or a url"
        field = row[name] if name in row._fields else None
        if isinstance(field, FieldList):
            field = None  # "must have at most 100 items": said in the summary
        return field, model, _place_in_words(key)


_LIST_ITEM = re.compile(r"\[\d+\]$")
_LIST_KEYS = ("evaluations", "contacts", "external_ratings", "references")


@dataclass(frozen=True)
class RowWords:
    """How the form speaks of one list of rows: a row in an error's place ("evaluation 2"),
    and the notices of adding one, removing one and reaching the limit (%(limit)s)."""

    one: str
    added: str
    removed: str
    at_most: str


# Whole sentences for each list, so that each language can decline the nouns as it must.
ROW_WORDS = {
    "evaluations": RowWords(
        N_("evaluation"),
        N_("An empty evaluation row was added. Nothing has been saved yet."),
        N_("The evaluation was removed from the form. Nothing has been saved yet."),
        N_("There can be at most %(limit)s evaluations."),
    ),
    "results": RowWords(
        N_("result"),
        N_("An empty result row was added. Nothing has been saved yet."),
        N_("The result was removed from the form. Nothing has been saved yet."),
        N_("There can be at most %(limit)s results per evaluation."),
    ),
    "contacts": RowWords(
        N_("contact"),
        N_("An empty contact row was added. Nothing has been saved yet."),
        N_("The contact was removed from the form. Nothing has been saved yet."),
        N_("There can be at most %(limit)s contacts."),
    ),
    "external_ratings": RowWords(
        N_("rating"),
        N_("An empty rating row was added. Nothing has been saved yet."),
        N_("The rating was removed from the form. Nothing has been saved yet."),
        N_("There can be at most %(limit)s ratings by other registries."),
    ),
    "references": RowWords(
        N_("reference"),
        N_("An empty reference row was added. Nothing has been saved yet."),
        N_("The reference was removed from the form. Nothing has been saved yet."),
        N_("There can be at most %(limit)s references."),
    ),
}
# How many rows each list may have.
ROW_LIMITS = {
    "evaluations": MAX_EVALUATIONS,
    "results": MAX_RESULTS,
    "contacts": MAX_CONTACTS,
    "external_ratings": MAX_EXTERNAL_RATINGS,
    "references": MAX_REFERENCES,
}


def _row_lists(form: Form) -> Any:
    """Every list of rows in a form, nested ones too, in page order."""
    for field in form:
        if isinstance(field, FieldList):
            yield field
            for entry in field:
                yield from _row_lists(entry.form)


def _read(form: Form, kept: dict[str, Any], path: str, row_of: dict[str, Form]) -> dict[str, Any]:
    """One object of the record from a (row) form; nested rows read alike, blank ones left
    out. Evaluations are read by to_record() (their rows know their stored evaluation)."""
    row_of[path] = form
    out: dict[str, Any] = {}
    for key in form.model.model_fields:
        if key == "evaluations":
            continue
        if key not in form._fields:
            value = kept.get(key)
        elif isinstance(form[key], FieldList):
            value = []
            for entry in form[key]:
                if not _all_blank(entry.form):
                    item_path = f"{path}.{key}[{len(value)}]" if path else f"{key}[{len(value)}]"
                    value.append(_read(entry.form, {}, item_path, row_of))
        else:
            value = _field_value(form[key])
        if not _blank(value):
            out[key] = value
    return out


def _errors(form: Form, where: str) -> list[tuple[Field, str]]:
    """Each field error of a form and its rows as (field, sentence), in page order."""
    items: list[tuple[Field, str]] = []
    for field in form:
        if isinstance(field, FieldList):
            what = _(ROW_WORDS[field.short_name].one)
            for number, entry in enumerate(field, start=1):
                place = f"{where}{_upper_first(what) if not where else what} {number}"
                items += _errors(entry.form, f"{place}, ")
        elif field.type not in ("CSRFTokenField", "HiddenField"):
            name = f"{where.removesuffix(', ')}: {field.label.text}" if where else field.label.text
            items += [(field, sentence(name, str(e))) for e in field.errors]
    return items


def _place_in_words(key: str) -> str:
    """'evaluations[0].results[1].p_value' -> 'Evaluation 1, result 2, p value'."""
    parts = []
    for match in re.finditer(r"(\w+)(?:\[(\d+)\])?", key):
        name, index = match.group(1), match.group(2)
        if name in ROW_WORDS and index is not None:
            parts.append(f"{_(ROW_WORDS[name].one)} {int(index) + 1}")
        else:
            parts.append(message_in_words(name) if "_" in name else name.replace("_", " "))
    return _upper_first(", ".join(parts))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _mark_required(form: Form) -> None:
    # Only for display ("required" beside the label); the schema does the checking.
    for key in required_keys(form.model):
        if key in form:
            form[key].flags.required = True
    for field in form:
        if isinstance(field, FieldList):
            for entry in field:
                _mark_required(entry.form)


def row_source(row: Form) -> int | None:
    value = (row.source.data or "").strip()
    return int(value) if value.isdigit() else None


def row_is_blank(row: Form) -> bool:
    """A row the user added and left empty is ignored rather than reported as incomplete."""
    if row_source(row) is not None or row.report.data:
        return False
    return _all_blank(row)


def _all_blank(row: Form) -> bool:
    for key in row.model.model_fields:
        if key not in row._fields:
            continue
        field = row[key]
        if isinstance(field, FieldList):
            if not all(_all_blank(entry.form) for entry in field):
                return False
        elif not _blank(_field_value(field)) or field.process_errors:
            return False
    return True


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
    if isinstance(value, list):
        return [_namespace(v) if isinstance(v, dict) else v for v in value]
    return value


def _namespace(data: dict[str, Any]) -> SimpleNamespace:
    return SimpleNamespace(**{k: _display(v) for k, v in data.items()})


def _evaluation_data(evaluation: Evaluation) -> dict[str, Any]:
    data = evaluation_to_record(evaluation)
    data["source"] = str(evaluation.id)
    return data
