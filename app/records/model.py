"""The measure record (spec/measure-record.md), described once.

Each key is one annotated attribute: its kind (app/records/fields.py: the check, the words of
its errors, its JSON Schema), whether it is required (no default), its `Label` (how pages,
the moderation diff, the compare table, search facets and the form name it) and, where the
API calls it otherwise, its API name. Everything else derives from these two classes:
validation (app/records/schema.py), the JSON Schema in the OpenAPI document, the labels
(app/records/labels.py) and the key order of every record dict.

To add a key: one attribute here, with its kind and its Label. A blank value (None, "",
whitespace, []) means the key is absent, as it does in the form and in import files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, model_validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from app.records import vocab
from app.records.fields import (
    Choice,
    Country,
    Kind,
    Language,
    ListOf,
    Number,
    RecordList,
    Text,
    WebAddress,
    WholeNumber,
    YesNo,
)

MAX_EVALUATIONS = 50
RANGE_ERROR_TYPE = "record_range"


@dataclass(frozen=True)
class Label:
    """How people read a key.

    `text` names it on pages and in the moderation diff; `short` in dense tables (compare);
    `facet` is the legend of its search filter (one value of it); `question` and `hint` are
    the form's label and help text. Each falls back to `text` (the hint to nothing).
    """

    text: str
    short: str | None = None
    facet: str | None = None
    question: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class NotBelow:
    """The value may not be less than that of the key `other` (checked when both are valid)."""

    other: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.with_info_after_validator_function(self._check, handler(source))

    def _check(self, value: Any, info: core_schema.ValidationInfo) -> Any:
        low = info.data.get(self.other)
        if low is not None and value is not None and value < low:
            raise PydanticCustomError(
                RANGE_ERROR_TYPE,
                "{message}",
                {"message": f"must not be less than {self.other} ({low})"},
            )
        return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


class RecordObject(BaseModel):
    """A closed JSON object of the record format: unknown keys are refused by name, blank
    values count as absent, and only the keys given are kept (see `to_dict`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # Unknown keys stay, blank or not, so that they are named in the errors.
            return {k: v for k, v in data.items() if k not in cls.model_fields or not is_blank(v)}
        return data

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data: the keys given, in the model's order."""
        return self.model_dump(exclude_unset=True)


# One attribute per key, its kind and label beside it; the formatter would spread each over
# five lines and bury the keys.
# fmt: off
class Evaluation(RecordObject):
    """One evaluation study of the measure."""

    design: Annotated[str, Choice(vocab.DESIGNS), Label("Design", question="Study design")]
    year: Annotated[int, WholeNumber(1950, 2100), Label(
        "Year", question="Year of the report", hint="For example 2019.")]
    country: Annotated[str | None, Country(), Label(
        "Country", question="Country where the study ran")] = None
    sample_size: Annotated[int | None, WholeNumber(1), Label(
        "Sample size", hint="Participants analysed.")] = None
    comparison_group: Annotated[bool | None, YesNo(), Label(
        "Comparison group", question="A control or comparison group was used")] = None
    follow_up_months: Annotated[int | None, WholeNumber(0, 1200), Label(
        "Follow-up (months)", question="Follow-up in months",
        hint="Longest follow-up after the intervention.")] = None
    attrition_pct: Annotated[float | None, Number(0, 100), Label(
        "Attrition (%)", question="Attrition in per cent",
        hint="Share of participants lost before the analysis, 0–100.")] = None
    independent: Annotated[bool | None, YesNo(), Label(
        "Independent evaluators", question="Evaluators independent of the developers")] = None
    peer_reviewed: Annotated[bool | None, YesNo(), Label(
        "Peer reviewed", question="Published in a peer-reviewed journal")] = None
    outcomes: Annotated[list[str] | None, ListOf(Choice(vocab.OUTCOMES)), Label(
        "Outcomes", question="Outcomes measured")] = None
    effect: Annotated[str, Choice(vocab.EFFECTS), Label("Effect", question="Effect found")]
    effect_size: Annotated[float | None, Number(-10, 10), Label(
        "Effect size", hint="Standardised (Cohen's d or Hedges' g), where reported.")] = None
    findings: Annotated[str, Text(1, 10_000), Label(
        "Findings", hint="What the study found, in words.")]
    citation: Annotated[str | None, Text(0, 2_000), Label("Citation")] = None
    url: Annotated[str | None, WebAddress(), Label(
        "Link", question="Link to the study",
        hint="A DOI link or the report's web address.")] = None


class MeasureRecord(RecordObject):
    """A measure record (spec/measure-record.md)."""

    external_id: Annotated[str | None, Text(1, 100), Label(
        "External id", question="Your reference",
        hint="Optional. A stable id from your own records.")] = None
    title: Annotated[str, Text(3, 200), Label("Title")]
    summary: Annotated[str, Text(20, 1000), Label(
        "Summary", hint="A plain-text abstract, 20 to 1,000 characters.")]
    description: Annotated[str | None, Text(0, 50_000), Label(
        "Description",
        hint="Optional. Markdown: ## headings, *emphasis*, lists and links.")] = None
    countries: Annotated[list[str], ListOf(Country()), Label(
        "Countries", facet="Country", question="Countries where it is implemented")]
    text_language: Annotated[str | None, Language(), Label(
        "Language of the text", question="Language of this description")] = None
    languages: Annotated[list[str] | None, ListOf(Language()), Label(
        "Languages of the materials", short="Languages of materials",
        facet="Language of materials", question="Languages its materials exist in")] = None
    prevention_level: Annotated[str, Choice(vocab.PREVENTION_LEVELS), Label(
        "Prevention level")]
    target_groups: Annotated[list[str], ListOf(Choice(vocab.TARGET_GROUPS)), Label(
        "Target groups", facet="Target group")]
    settings: Annotated[list[str], ListOf(Choice(vocab.SETTINGS)), Label(
        "Settings", facet="Setting")]
    abuse_forms: Annotated[list[str] | None, ListOf(Choice(vocab.ABUSE_FORMS)), Label(
        "Forms of abuse", facet="Form of abuse", question="Forms of abuse addressed")] = None
    delivery: Annotated[list[str] | None, ListOf(Choice(vocab.DELIVERY)), Label("Delivery")] = None
    age_min: Annotated[int | None, WholeNumber(0, 99), Label(
        "Minimum age", question="Youngest age",
        hint="Age of the children concerned, 0–99.")] = None
    age_max: Annotated[int | None, WholeNumber(0, 99), NotBelow("age_min"), Label(
        "Maximum age", question="Oldest age",
        hint="Age of the children concerned, 0–99.")] = None
    organisation: Annotated[str, Text(2, 300), Label(
        "Organisation", question="Implementing organisation")]
    website: Annotated[str | None, WebAddress(), Label(
        "Website", hint="Starting with https:// or http://.")] = None
    start_year: Annotated[int | None, WholeNumber(1950, 2100), Label(
        "Start year", question="First year")] = None
    end_year: Annotated[int | None, WholeNumber(1950, 2100), NotBelow("start_year"), Label(
        "End year", question="Last year", hint="Leave empty if it is still running.")] = None
    # The programme's status; the API's "status" is the workflow state (DESIGN §8), so the
    # API answers this key under another name.
    status: Annotated[str | None, Choice(vocab.PROGRAMME_STATUSES), Label(
        "Programme status"), Field(serialization_alias="programme_status")] = None
    cost_level: Annotated[str | None, Choice(vocab.COST_LEVELS), Label("Cost level")] = None
    cost_notes: Annotated[str | None, Text(0, 5_000), Label(
        "Cost notes", question="Notes on cost")] = None
    implementation: Annotated[str | None, Text(0, 20_000), Label(
        "Implementation", hint="Staff, training, materials and licensing needed.")] = None
    manual_available: Annotated[bool | None, YesNo(), Label(
        "Manual available", question="A manual or protocol exists",
        hint="So that others can deliver it faithfully.")] = None
    transferability: Annotated[str | None, Text(0, 20_000), Label(
        "Transferability",
        hint="Adaptations, and other countries where it was taken up.")] = None
    evaluations: Annotated[list[Evaluation] | None, RecordList(Evaluation, MAX_EVALUATIONS), Label(
        "Evaluations")] = None
# fmt: on


def kind_of(model: type[RecordObject], key: str) -> Kind | None:
    """The kind (app/records/fields.py) of a key, or None for the nested evaluations."""
    return next((m for m in model.model_fields[key].metadata if isinstance(m, Kind)), None)


def label_of(model: type[RecordObject], key: str) -> Label:
    return next(m for m in model.model_fields[key].metadata if isinstance(m, Label))


def required_keys(model: type[RecordObject]) -> tuple[str, ...]:
    return tuple(k for k, f in model.model_fields.items() if f.is_required())


def api_name(key: str) -> str:
    """The name the JSON API gives a record key (its serialization alias, else the key)."""
    field = MeasureRecord.model_fields.get(key)
    return (field.serialization_alias if field else None) or key


class SchemaGenerator(GenerateJsonSchema):
    """JSON Schema (2020-12, as OpenAPI 3.1 reads it) without pydantic's additions: no
    generated titles ("Age Min") and no `default: null` for keys that are simply optional."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        if schema.get("default", ...) is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)

    def generate(self, schema: Any, mode: Any = "validation") -> JsonSchemaValue:
        out = super().generate(schema, mode)
        for definition in [out, *out.get("$defs", {}).values()]:
            definition.pop("title", None)
        return out


def json_schema(model: type[BaseModel], ref_template: str = "#/$defs/{model}") -> dict[str, Any]:
    """The model's JSON Schema; nested models are in "$defs" and referenced by `ref_template`."""
    return model.model_json_schema(ref_template=ref_template, schema_generator=SchemaGenerator)
