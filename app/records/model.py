"""The measure record (spec/measure-record.md), described once.

Each key is one annotated attribute: its kind (app/records/fields.py: the check, the words of
its errors, its JSON Schema), whether it is required (no default), its `Label` (how pages,
the moderation diff, the compare table, search facets and the form name it) and, where the
API calls it otherwise, its API name. Everything else derives from these two classes:
validation (app/records/schema.py), the JSON Schema in the OpenAPI document, the labels
(app/records/labels.py) and the key order of every record dict.

To add a key: one attribute here, with its kind and its Label. A blank value (None, "",
whitespace, []) means the key is absent, as it does in the form and in import files. Rules
between keys of one object ("both or neither", "required with") are its `between_keys`;
values derived from others (cost_level from a unit cost) its `derive`.

Record format 2 (EVIDENCE-2027 §1, measure-record.md "Format 2") adds optional keys only,
so every format-1 record is still valid and comes back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from app.core.i18n import N_, Wording
from app.records import vocab
from app.records.fields import (
    ERROR_TYPE,
    RANGE_ERROR_TYPE,
    Choice,
    Country,
    Doi,
    EmailAddress,
    Kind,
    Language,
    ListOf,
    Number,
    RecordList,
    Text,
    WebAddress,
    WholeNumber,
    YesNo,
    error_details,
)

MAX_EVALUATIONS = 50
MAX_RESULTS = 100  # per evaluation: 14 outcomes at several time points fit with room
MAX_CONTACTS = 20
MAX_EXTERNAL_RATINGS = 20
MAX_REFERENCES = 100
# A p value at or above this is not significant: such a result's direction is no_effect.
SIGNIFICANCE = 0.05
# measure-record.md: cost_level from a unit cost per participant, in euros.
COST_LEVEL_LOW_BELOW = 100
COST_LEVEL_HIGH_ABOVE = 1_000


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
                {
                    "message": Wording(
                        N_("must not be less than %(key)s (%(value)s)"), key=self.other, value=low
                    )
                },
            )
        return value


@dataclass(frozen=True)
class NotLaterThanThisYear:
    """A year that has not come yet cannot be a report's: at most the current year."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def _check(self, value: Any) -> Any:
        this_year = date.today().year
        if value is not None and value > this_year:
            raise PydanticCustomError(
                ERROR_TYPE,
                "{message}",
                {"message": Wording(N_("must not be later than %(year)s"), year=this_year)},
            )
        return value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


@dataclass(frozen=True)
class Problem:
    """A rule between keys broken: where (relative to the object) and why. Without a message
    the key is simply missing ("is required", where the model lists its keys)."""

    loc: tuple[str | int, ...]
    message: str | None = None

    def details(self, data: Any) -> InitErrorDetails:
        if self.message is None:
            return InitErrorDetails(type="missing", loc=self.loc, input=data)
        error = PydanticCustomError(RANGE_ERROR_TYPE, "{message}", {"message": self.message})
        return InitErrorDetails(type=error, loc=self.loc, input=data)


def required_with(given: Mapping[str, Any], keys: tuple[str, ...]) -> Iterator[Problem]:
    """All of `keys` or none: each missing one is required with the first one given."""
    present = [k for k in keys if k in given]
    if present:
        for key in keys:
            if key not in given:
                yield Problem((key,), Wording(N_("is required with %(key)s"), key=present[0]))


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

    # Defined after _blank_is_absent, so it wraps it: it sees the data as given.
    @model_validator(mode="wrap")
    @classmethod
    def _between_keys(cls, data: Any, handler: Any) -> Any:
        """The keys' own checks and the rules between keys, reported in one pass."""
        errors: list[InitErrorDetails] = []
        checked = None
        try:
            checked = handler(data)
        except ValidationError as error:
            errors = error_details(error)
        if isinstance(data, dict):
            given = {k: v for k, v in data.items() if k in cls.model_fields and not is_blank(v)}
            problems = cls.between_keys(given, cls.valid_values(given))
            errors += [problem.details(data) for problem in problems]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return cls.derive(checked)

    @classmethod
    def valid_values(cls, given: Mapping[str, Any]) -> dict[str, Any]:
        """The given keys whose values pass their own check, normalised; a nested list as the
        valid values of each of its objects. A rule between keys reads these, so a value that
        is wrong in itself is reported once, by its own check."""
        values: dict[str, Any] = {}
        for key, value in given.items():
            if key not in cls.model_fields or is_blank(value):
                continue
            nested = nested_model(cls, key)
            if nested is not None:
                if isinstance(value, list):
                    values[key] = [
                        nested.valid_values(item) if isinstance(item, dict) else {}
                        for item in value
                    ]
                continue
            kind = kind_of(cls, key)
            try:
                values[key] = kind.check(value) if kind is not None else value
            except (PydanticCustomError, ValidationError):
                continue
        return values

    @classmethod
    def between_keys(cls, given: Mapping[str, Any], valid: Mapping[str, Any]) -> Iterator[Problem]:
        """The rules between this object's keys: `given` are the keys given (blank ones left
        out), `valid` those of them whose values passed their own check."""
        return iter(())

    @classmethod
    def derive(cls, checked: Any) -> Any:
        """The valid object with the values derived from others filled in."""
        return checked

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data: the keys given, in the model's order."""
        return self.model_dump(exclude_unset=True)


# One attribute per key, its kind and label beside it; the formatter would spread each over
# five lines and bury the keys.
# fmt: off
class Result(RecordObject):
    """One finding of an evaluation: an outcome at one time point (EVIDENCE-2027 §1)."""

    model_config = ConfigDict(json_schema_extra={"dependentRequired": {
        "effect_size": ["effect_size_type"], "effect_size_type": ["effect_size"],
        "ci_low": ["ci_high"], "ci_high": ["ci_low"],
    }})

    outcome: Annotated[str, Choice(vocab.OUTCOMES), Label(
        N_("Outcome"), hint=N_("One of the outcomes the evaluation lists."))]
    measure: Annotated[str | None, Text(0, 300), Label(
        N_("Measure"), question=N_("Instrument or indicator"),
        hint=N_("For example: self-reported CSAM use, past 30 days."))] = None
    timepoint_months: Annotated[int, WholeNumber(0, 600), Label(
        N_("Time point (months)"), question=N_("Months after the programme ended"),
        hint=N_("When it was measured; 0 means at the end of the programme."))]
    direction: Annotated[str, Choice(vocab.RESULT_DIRECTIONS), Label(
        N_("Direction"), question=N_("What was found"),
        hint=N_("Favourable or unfavourable only when statistically significant; otherwise"
        " no effect."))]
    effect_size: Annotated[float | None, Number(), Label(
        N_("Effect size"), hint=N_("With its type, where reported."))] = None
    effect_size_type: Annotated[str | None, Choice(vocab.EFFECT_SIZE_TYPES), Label(
        N_("Type of effect size"))] = None
    p_value: Annotated[float | None, Number(0, 1), Label(N_("p value"),
        hint=N_("Between 0 and 1."))] = None
    ci_low: Annotated[float | None, Number(), Label(
        N_("Confidence interval, lower bound"), short=N_("CI low"))] = None
    ci_high: Annotated[float | None, Number(), NotBelow("ci_low"), Label(
        N_("Confidence interval, upper bound"), short=N_("CI high"))] = None
    n: Annotated[int | None, WholeNumber(1), Label(
        N_("Participants"), question=N_("Participants in this analysis"))] = None
    primary: Annotated[bool | None, YesNo(), Label(
        N_("Primary outcome"), question=N_("A pre-registered primary outcome"))] = None

    @classmethod
    def between_keys(cls, given: Mapping[str, Any], valid: Mapping[str, Any]) -> Iterator[Problem]:
        yield from required_with(given, ("effect_size", "effect_size_type"))
        yield from required_with(given, ("ci_low", "ci_high"))
        p_value, direction = valid.get("p_value"), valid.get("direction")
        significant = direction in ("favourable", "unfavourable")
        if significant and p_value is not None and p_value >= SIGNIFICANCE:
            yield Problem(("p_value",), Wording(N_(
                "must be below %(limit)s when direction is %(direction)s: a result that is"
                " not statistically significant has direction no_effect"),
                limit=SIGNIFICANCE, direction=direction,
            ))


class Evaluation(RecordObject):
    """One evaluation study of the measure."""

    # With results, effect may be left out (EVIDENCE-2027 §1): the one rule between keys that
    # JSON Schema can say.
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": ["effect"]}, {"required": ["results"]},
    ]})

    design: Annotated[str, Choice(vocab.DESIGNS), Label(N_("Design"), question=N_("Study design"))]
    year: Annotated[int, WholeNumber(1950, 2100), NotLaterThanThisYear(), Label(
        N_("Year"), question=N_("Year of the report"), hint=N_("For example 2019."))]
    country: Annotated[str | None, Country(), Label(
        N_("Country"), question=N_("Country where the study ran"))] = None
    sample_id: Annotated[str | None, Text(1, 100), Label(
        N_("Sample"), question=N_("Sample id"),
        hint=N_("The same id for evaluations of the same participants (a later follow-up, a"
        " reanalysis, a second paper on one trial), so that they count as one sample."))] = None
    sample_size: Annotated[int | None, WholeNumber(1), Label(
        N_("Sample size"), hint=N_("Participants analysed."))] = None
    clusters: Annotated[int | None, WholeNumber(1), Label(
        N_("Clusters"), question=N_("Units randomised or compared"),
        hint=N_("Schools, sites or other groups, in a cluster design."))] = None
    comparison_group: Annotated[bool | None, YesNo(), Label(
        N_("Comparison group"), question=N_("A control or comparison group was used"))] = None
    baseline_equivalence: Annotated[str | None, Choice(vocab.BASELINE_EQUIVALENCE), Label(
        N_("Baseline equivalence"),
        question=N_("Were the groups alike before the programme started?"),
        hint=N_("Established: the study shows the groups were equivalent on the outcome at"
        " baseline."))] = None
    follow_up_months: Annotated[int | None, WholeNumber(0, 1200), Label(
        N_("Follow-up (months)"), question=N_("Follow-up in months"),
        hint=N_("Longest follow-up after the intervention."))] = None
    time_points_before: Annotated[int | None, WholeNumber(0), Label(
        N_("Measurements before"), question=N_("Measurements before the start"),
        hint=N_("For an interrupted time series."))] = None
    time_points_after: Annotated[int | None, WholeNumber(0), Label(
        N_("Measurements after"), question=N_("Measurements after the start"),
        hint=N_("For an interrupted time series."))] = None
    attrition_pct: Annotated[float | None, Number(0, 100), Label(
        N_("Attrition (%)"), question=N_("Attrition in per cent"),
        hint=N_("Share of participants lost before the analysis, 0–100."))] = None
    differential_attrition_pct: Annotated[float | None, Number(0, 100), Label(
        N_("Differential attrition (points)"),
        question=N_("Difference in attrition between the groups, in percentage points"),
        hint=N_("For example, 30 % lost from one group and 24 % from the other is 6 points."),
    )] = None
    independent: Annotated[bool | None, YesNo(), Label(
        N_("Independent evaluators"),
        question=N_("Evaluators independent of the developers"))] = None
    peer_reviewed: Annotated[bool | None, YesNo(), Label(
        N_("Peer reviewed"), question=N_("Published in a peer-reviewed journal"))] = None
    routine_practice: Annotated[bool | None, YesNo(), Label(
        N_("Routine practice"),
        question=N_("Delivered by ordinary services under routine conditions"),
        hint=N_("Not by its developers under research conditions."))] = None
    outcomes: Annotated[list[str] | None, ListOf(Choice(vocab.OUTCOMES)), Label(
        N_("Outcomes"), question=N_("Outcomes measured"))] = None
    effect: Annotated[str | None, Choice(vocab.EFFECTS), Label(
        N_("Effect"), question=N_("Effect found"),
        hint=N_("Required unless results per outcome are given."))] = None
    effect_size: Annotated[float | None, Number(-10, 10), Label(
        N_("Effect size"),
        hint=N_("Standardised (Cohen's d or Hedges' g), where reported."))] = None
    results: Annotated[list[Result] | None, RecordList(Result, MAX_RESULTS), Label(
        N_("Results"), question=N_("Results per outcome and time point"))] = None
    findings: Annotated[str, Text(1, 10_000), Label(
        N_("Findings"), hint=N_("What the study found, in words."))]
    citation: Annotated[str | None, Text(0, 2_000), Label(N_("Citation"))] = None
    doi: Annotated[str | None, Doi(), Label(N_("DOI"),
        hint=N_("For example 10.1111/jsm.12785."))] = None
    url: Annotated[str | None, WebAddress(), Label(
        N_("Link"), question=N_("Link to the study"),
        hint=N_("A DOI link or the report's web address."))] = None

    @classmethod
    def between_keys(cls, given: Mapping[str, Any], valid: Mapping[str, Any]) -> Iterator[Problem]:
        if "effect" not in given and "results" not in given:
            yield Problem(("effect",))  # as in format 1: without results, effect is required
        listed = valid.get("outcomes")
        for index, result in enumerate(valid.get("results") or []):
            outcome = result.get("outcome")
            # Outcomes given but wrong in themselves are reported by their own check.
            unlisted = listed is not None and outcome not in listed
            if outcome is not None and (unlisted or "outcomes" not in given):
                yield Problem(("results", index, "outcome"), Wording(N_(
                    "%(outcome)s is not listed in this evaluation's outcomes: list it there too"),
                    outcome=repr(outcome),
                ))


class Contact(RecordObject):
    """Who to ask about the measure: an organisation or a function, with an email or a link."""

    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": ["email"]}, {"required": ["url"]},
    ]})

    role: Annotated[str, Choice(vocab.CONTACT_ROLES), Label(N_("Role"))]
    name: Annotated[str, Text(1, 200), Label(
        N_("Name"), hint=N_("An organisation or a function, for example: Programme office."))]
    email: Annotated[str | None, EmailAddress(), Label(N_("Email"))] = None
    url: Annotated[str | None, WebAddress(), Label(N_("Web address"))] = None
    country: Annotated[str | None, Country(), Label(N_("Country"))] = None

    @classmethod
    def between_keys(cls, given: Mapping[str, Any], valid: Mapping[str, Any]) -> Iterator[Problem]:
        if "email" not in given and "url" not in given:
            yield Problem((), Wording(N_("needs an email or a url, or both")))


class ExternalRating(RecordObject):
    """The measure's rating by another registry, shown beside ours and never merged into it."""

    registry: Annotated[str, Text(1, 100), Label(N_("Registry"))]
    rating: Annotated[str, Text(1, 100), Label(N_("Rating"))]
    year: Annotated[int, WholeNumber(1990, 2100), Label(N_("Year"), hint=N_("Year of the rating."))]
    url: Annotated[str, WebAddress(), Label(N_("Web address"), hint=N_("The registry's page."))]


class Reference(RecordObject):
    """A manual, review or other publication beyond the evaluations."""

    citation: Annotated[str, Text(1, 2_000), Label(N_("Citation"))]
    doi: Annotated[str | None, Doi(), Label(N_("DOI"),
        hint=N_("For example 10.1111/jsm.12785."))] = None
    url: Annotated[str | None, WebAddress(), Label(N_("Web address"))] = None
    open_access: Annotated[bool | None, YesNo(), Label(
        N_("Open access"), question=N_("Free to read"))] = None


class MeasureRecord(RecordObject):
    """A measure record (spec/measure-record.md)."""

    model_config = ConfigDict(json_schema_extra={"dependentRequired": {
        "unit_cost_eur": ["unit_cost_per", "cost_price_year"],
        "unit_cost_per": ["unit_cost_eur", "cost_price_year"],
        "cost_price_year": ["unit_cost_eur", "unit_cost_per"],
    }})

    external_id: Annotated[str | None, Text(1, 100), Label(
        N_("External id"), question=N_("Your reference"),
        hint=N_("Optional. A stable id from your own records."))] = None
    title: Annotated[str, Text(3, 200), Label(N_("Title"))]
    summary: Annotated[str, Text(20, 1000), Label(
        N_("Summary"), hint=N_("A plain-text abstract, 20 to 1,000 characters."))]
    summary_en: Annotated[str | None, Text(20, 1000), Label(
        N_("Summary in English"), question=N_("English summary"),
        hint=N_("For a measure described in another language: 20 to 1,000 characters, shown under"
        " the original and searched."))] = None
    description: Annotated[str | None, Text(0, 50_000), Label(
        N_("Description"),
        hint=N_("Optional. Markdown: ## headings, *emphasis*, lists and links."))] = None
    theory_of_change: Annotated[str | None, Text(0, 5_000), Label(
        N_("Theory of change"), question=N_("How it is meant to work"),
        hint=N_("The risk and protective factors it targets, and the causal chain."))] = None
    countries: Annotated[list[str], ListOf(Country()), Label(
        N_("Countries"), facet=N_("Country"), question=N_("Countries where it is implemented"))]
    text_language: Annotated[str | None, Language(), Label(
        N_("Language of the text"), question=N_("Language of this description"))] = None
    languages: Annotated[list[str] | None, ListOf(Language()), Label(
        N_("Languages of the materials"), short=N_("Languages of materials"),
        facet=N_("Language of materials"), question=N_("Languages its materials exist in"))] = None
    prevention_level: Annotated[str, Choice(vocab.PREVENTION_LEVELS), Label(
        N_("Prevention level"))]
    population_level: Annotated[str | None, Choice(vocab.POPULATION_LEVELS), Label(
        N_("Population level"), question=N_("Who it reaches"),
        hint=N_("Universal: everyone in a setting; selective: groups at higher risk; indicated:"
        " people already showing risk."))] = None
    target_groups: Annotated[list[str], ListOf(Choice(vocab.TARGET_GROUPS)), Label(
        N_("Target groups"), facet=N_("Target group"))]
    settings: Annotated[list[str], ListOf(Choice(vocab.SETTINGS)), Label(
        N_("Settings"), facet=N_("Setting"))]
    abuse_forms: Annotated[list[str] | None, ListOf(Choice(vocab.ABUSE_FORMS)), Label(
        N_("Forms of abuse"), facet=N_("Form of abuse"),
        question=N_("Forms of abuse addressed"))] = None
    delivery: Annotated[list[str] | None, ListOf(Choice(vocab.DELIVERY)), Label(
        N_("Delivery"))] = None
    dosage: Annotated[str | None, Text(0, 500), Label(
        N_("Dosage"), question=N_("How much of it a participant gets"),
        hint=N_("For example: six weekly 2-hour sessions."))] = None
    age_min: Annotated[int | None, WholeNumber(0, 99), Label(
        N_("Minimum age"), question=N_("Youngest age"),
        hint=N_("Age of the children concerned, 0–99."))] = None
    age_max: Annotated[int | None, WholeNumber(0, 99), NotBelow("age_min"), Label(
        N_("Maximum age"), question=N_("Oldest age"),
        hint=N_("Age of the children concerned, 0–99."))] = None
    organisation: Annotated[str, Text(2, 300), Label(
        N_("Organisation"), question=N_("Implementing organisation"))]
    website: Annotated[str | None, WebAddress(), Label(
        N_("Website"), hint=N_("Starting with https:// or http://."))] = None
    start_year: Annotated[int | None, WholeNumber(1950, 2100), Label(
        N_("Start year"), question=N_("First year"))] = None
    end_year: Annotated[int | None, WholeNumber(1950, 2100), NotBelow("start_year"), Label(
        N_("End year"), question=N_("Last year"),
        hint=N_("Leave empty if it is still running."))] = None
    # The programme's status; the API's "status" is the workflow state (DESIGN §8), so the
    # API answers this key under another name.
    status: Annotated[str | None, Choice(vocab.PROGRAMME_STATUSES), Label(
        N_("Programme status")), Field(serialization_alias="programme_status")] = None
    cost_level: Annotated[str | None, Choice(vocab.COST_LEVELS), Label(
        N_("Cost level"),
        hint=N_("Derived from a unit cost per participant when left empty."))] = None
    unit_cost_eur: Annotated[float | None, Number(0), Label(
        N_("Unit cost (EUR)"), question=N_("Cost of delivery per unit, in euros"),
        hint=N_("With the unit it is for and its price year."))] = None
    unit_cost_per: Annotated[str | None, Choice(vocab.COST_UNITS), Label(
        N_("Cost unit"), question=N_("The unit the cost is for"))] = None
    cost_price_year: Annotated[int | None, WholeNumber(1990, 2100), Label(
        N_("Price year"), question=N_("Price year of the unit cost"))] = None
    cost_notes: Annotated[str | None, Text(0, 5_000), Label(
        N_("Cost notes"), question=N_("Notes on cost"))] = None
    cost_benefit: Annotated[str | None, Text(0, 2_000), Label(
        N_("Cost-benefit"), question=N_("Cost-benefit or cost-effectiveness"),
        hint=N_("A published figure with its source."))] = None
    implementation: Annotated[str | None, Text(0, 20_000), Label(
        N_("Implementation"), hint=N_("Staff, training, materials and licensing needed."))] = None
    training_hours: Annotated[float | None, Number(0), Label(
        N_("Training (hours)"), question=N_("Initial training a deliverer needs, in hours"))] = None
    certification_required: Annotated[bool | None, YesNo(), Label(
        N_("Certification required"), facet=N_("Certification"),
        question=N_("Deliverers must be certified by the developer"))] = None
    staff_qualifications: Annotated[str | None, Text(0, 2_000), Label(
        N_("Staff qualifications"), question=N_("Who can deliver it"))] = None
    fidelity_tools: Annotated[str | None, Text(0, 2_000), Label(
        N_("Fidelity tools"),
        hint=N_("Checklists, supervision or observation that keep delivery faithful."))] = None
    licence: Annotated[str | None, Choice(vocab.LICENCES), Label(
        N_("Licence"), question=N_("Licence of the programme and its materials"))] = None
    manual_available: Annotated[bool | None, YesNo(), Label(
        N_("Manual available"), question=N_("A manual or protocol exists"),
        hint=N_("So that others can deliver it faithfully."))] = None
    transferability: Annotated[str | None, Text(0, 20_000), Label(
        N_("Transferability"),
        hint=N_("Adaptations, and other countries where it was taken up."))] = None
    contacts: Annotated[list[Contact] | None, RecordList(Contact, MAX_CONTACTS), Label(
        N_("Contacts"), hint=N_("Who to ask: the developer, a provider, an evaluator."))] = None
    external_ratings: Annotated[
        list[ExternalRating] | None, RecordList(ExternalRating, MAX_EXTERNAL_RATINGS), Label(
            N_("Ratings by other registries"), short=N_("Other registries' ratings"))] = None
    references: Annotated[list[Reference] | None, RecordList(Reference, MAX_REFERENCES), Label(
        N_("References"),
        hint=N_("Manuals, reviews and other publications beyond the evaluations."))
    ] = None
    evaluations: Annotated[list[Evaluation] | None, RecordList(Evaluation, MAX_EVALUATIONS), Label(
        N_("Evaluations"))] = None

    @classmethod
    def between_keys(cls, given: Mapping[str, Any], valid: Mapping[str, Any]) -> Iterator[Problem]:
        yield from required_with(given, ("unit_cost_eur", "unit_cost_per", "cost_price_year"))

    @classmethod
    def derive(cls, checked: Any) -> Any:
        if checked.cost_level is None and checked.unit_cost_per == "participant":
            level = derived_cost_level(checked.unit_cost_eur)
            if level is not None:
                return checked.model_copy(update={"cost_level": level})
        return checked
# fmt: on


def derived_cost_level(unit_cost_eur: float | None) -> str | None:
    """measure-record.md: low < 100, medium 100–1,000, high > 1,000 euros per participant."""
    if unit_cost_eur is None:
        return None
    if unit_cost_eur < COST_LEVEL_LOW_BELOW:
        return "low"
    return "medium" if unit_cost_eur <= COST_LEVEL_HIGH_ABOVE else "high"


def kind_of(model: type[RecordObject], key: str) -> Kind | None:
    """The kind (app/records/fields.py) of a key, or None for a nested list of objects."""
    return next((m for m in model.model_fields[key].metadata if isinstance(m, Kind)), None)


def nested_model(model: type[RecordObject], key: str) -> type[RecordObject] | None:
    """The model of the objects a key lists (evaluations, results, contacts …), else None."""
    field = model.model_fields.get(key)
    if field is None:
        return None
    return next((m.item for m in field.metadata if isinstance(m, RecordList)), None)


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
