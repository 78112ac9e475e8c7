"""The shapes of the API's bodies, as pydantic models, for the OpenAPI document.

The record and its evaluations are the record model's (app/records/model.py), which also
validates them. The other request bodies are checked by the views and services with the
pages' messages (reviews, shortlists, moderation), so these models only describe them; a
test validates served answers against these schemas (tests/api/test_openapi.py, and
Schemathesis for every operation).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AnyUrl, BaseModel, ConfigDict, Field, create_model

from app.api_tokens.models import TokenScope
from app.compare.models import NAME_MAX_LENGTH, NOTE_MAX_LENGTH
from app.measures.models import EvidenceReview
from app.measures.models import MeasureStatus as MeasureStatusEnum
from app.measures.models import RevisionState as RevisionStateEnum
from app.moderation.models import RereviewDecision as RereviewDecisionEnum
from app.moderation.policies import ACTIONS
from app.moderation.services import COMMENT_MAX_LENGTH
from app.records.fields import Country
from app.records.model import MeasureRecord, api_name
from app.reviews.models import DIMENSIONS, SCORE_MAX, SCORE_MIN
from app.reviews.services import COMMENT_MAX_LENGTH as REVIEW_COMMENT_MAX
from app.reviews.services import COMMENT_MIN_LENGTH as REVIEW_COMMENT_MIN


def one_of(values: Iterable[Any]) -> Any:
    """A string of a closed set, written into the schema where it is used (an Enum class
    would become a component of its own, which the docs page would show by name only)."""
    return Literal[tuple(str(v) for v in values)]


Score = Annotated[int, Field(ge=SCORE_MIN, le=SCORE_MAX)]
Action = one_of(ACTIONS)
MeasureStatus = one_of(MeasureStatusEnum)
RevisionState = one_of(RevisionStateEnum)


class Closed(BaseModel):
    """A request body: keys it does not name are refused (422)."""

    model_config = ConfigDict(extra="forbid")


def collection(name: str, item: Any) -> type[BaseModel]:
    """A page of a collection, as app/api/views.collection_response answers it."""
    return create_model(name, total=int, page=int, per_page=int, results=list[item])


# --- problems ------------------------------------------------------------------------------


class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details; `errors` names each field or parameter that is wrong."""

    type: str
    title: str
    status: Annotated[int, Field(ge=400, le=599)]
    detail: str
    errors: list[FieldProblem] = None  # type: ignore[assignment]


# --- measures ------------------------------------------------------------------------------


class StudyRating(BaseModel):
    evaluation: int
    rating: Literal["high", "moderate", "low", "descriptive"]
    reason: str
    sample: int


class EvidenceExplanation(BaseModel):
    ruleset: str | None
    rule: str | None
    reasons: list[str]
    counted: list[Any]
    next_step: Any
    next_steps: list[str]
    study_ratings: list[StudyRating]


class DimensionRating(BaseModel):
    label: str
    mean: float | None
    count: int
    distribution: dict[str, int]


class Ratings(BaseModel):
    count: int
    implemented_count: int
    mean: float | None
    bayesian_average: float | None
    prior_mean: float | None
    prior_weight: float
    dimensions: dict[str, DimensionRating]


def _shown_record_fields() -> dict[str, Any]:
    """The record's keys as a measure answers them (the programme's status renamed), each
    with the record model's own schema; only the title is always there."""
    return {
        api_name(key): (field.rebuild_annotation(), ... if key == "title" else None)
        for key, field in MeasureRecord.model_fields.items()
    }


Measure = create_model(
    "Measure",
    __doc__="A measure: its record (spec/measure-record.md) plus its state, evidence and ratings.",
    id=int,
    **_shown_record_fields(),
    status=MeasureStatus,
    evidence_level=Annotated[int, Field(ge=0, le=5)],
    evidence_label=str,
    harm_flag=bool,
    evidence_ruleset=str,
    evidence_provisional=bool,
    evidence_rated_at=(date | None, None),
    evidence_reviewed_at=(date | None, None),
    badges=(list[str], None),
    evidence_explanation=(EvidenceExplanation, None),
    ratings=(Ratings | None, None),
)


class RevisionSummary(BaseModel):
    number: int
    state: RevisionState
    title: str
    evidence_level: int
    evidence_label: str
    created_at: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None


class Attachment(BaseModel):
    id: int
    evaluation: int
    filename: str
    sha256: str
    size_bytes: int
    page_count: int | None
    evidence_level: int


MeasureList = collection("MeasureList", Measure)
RevisionList = collection("RevisionList", RevisionSummary)


# --- search --------------------------------------------------------------------------------


class SearchHit(BaseModel):
    id: int
    external_id: str | None
    title: str
    summary: str
    evidence_level: int
    countries: list[str]
    score: float
    highlights: dict[str, str]
    # The concept expansions that alone brought this hit: "sextortion (from 'photos threatened')".
    matched_via: list[str]


class SearchResults(BaseModel):
    total: int
    page: int
    results: list[SearchHit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None
    # Set when misspelt words were corrected: the results are for corrected_query.
    corrected_query: str | None
    original_query: str | None
    # Typed words no measure holds, the rest of the query being generic: nothing is listed.
    off_topic: list[str]


# --- account -------------------------------------------------------------------------------


class TokenInfo(BaseModel):
    id: int
    name: str
    scope: one_of(TokenScope)  # type: ignore[valid-type]
    created_at: datetime | None
    last_used_at: datetime | None


class Me(BaseModel):
    id: int
    name: str
    email: str
    role: str
    country: str | None
    organisation: str | None
    token: TokenInfo


# --- reviews -------------------------------------------------------------------------------

_COUNTRY = Annotated[str, Country()]
_REVIEW_COMMENT = Annotated[
    str, Field(min_length=REVIEW_COMMENT_MIN, max_length=REVIEW_COMMENT_MAX)
]

ReviewInput = create_model(
    "ReviewInput",
    __base__=Closed,
    __doc__="A peer review. `implemented_country` and `implemented_year` only when "
    "`implemented` is true; the year at most the current one.",
    **dict.fromkeys(DIMENSIONS, (Score, ...)),
    implemented=(bool, None),
    implemented_country=(_COUNTRY | None, None),
    implemented_year=(Annotated[int, Field(ge=1950)] | None, None),
    comment=(_REVIEW_COMMENT, ...),
)
ReviewPatch = create_model(
    "ReviewPatch",
    __base__=Closed,
    __doc__="The fields to change; the others keep their values.",
    **dict.fromkeys(DIMENSIONS, (Score | None, None)),
    implemented=(bool, None),
    implemented_country=(_COUNTRY | None, None),
    implemented_year=(Annotated[int, Field(ge=1950)] | None, None),
    comment=(_REVIEW_COMMENT, None),
)


class Reviewer(BaseModel):
    role: str
    country: str | None
    name: str = None  # type: ignore[assignment]  (moderators only)
    organisation: str = None  # type: ignore[assignment]


Review = create_model(
    "Review",
    id=int,
    measure_id=int,
    **dict.fromkeys(DIMENSIONS, int),
    overall=float,
    implemented=bool,
    implemented_country=str | None,
    implemented_year=int | None,
    comment=str,
    reviewer=Reviewer | None,
    own=bool,
    created_at=datetime,
    updated_at=datetime,
    edited=bool,
    hidden=bool,
    hidden_reason=str | None,
)
ReviewList = collection("ReviewList", Review)


# --- shortlists ----------------------------------------------------------------------------


class ShortlistItem(BaseModel):
    measure_id: int
    title: str | None
    published: bool
    note: str | None
    added_at: datetime | None


class Shortlist(BaseModel):
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    shared: bool
    share_token: str | None
    share_url: AnyUrl | None
    items: list[ShortlistItem]


ShortlistList = collection("ShortlistList", Shortlist)
_NAME = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH)]


class ShortlistCreate(Closed):
    name: _NAME
    measures: Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=500)] = None  # type: ignore[assignment]


class ShortlistPatch(Closed):
    name: _NAME = None  # type: ignore[assignment]
    shared: bool = None  # type: ignore[assignment]


class ShortlistItemInput(Closed):
    measure_id: Annotated[int, Field(ge=1)]
    note: Annotated[str, Field(max_length=NOTE_MAX_LENGTH)] | None = None


class SharedShortlist(BaseModel):
    name: str
    updated_at: datetime
    items: list[ShortlistItem]


# --- compare -------------------------------------------------------------------------------


class ComparedMeasure(BaseModel):
    id: int
    title: str
    evidence_level: int
    evidence_label: str
    harm_flag: bool


class ComparisonCell(BaseModel):
    text: str
    items: list[str]
    flag: str | None


class ComparisonRow(BaseModel):
    key: str
    label: str
    section: str
    differs: bool
    compared: bool
    same: bool
    note: str | None
    cells: list[ComparisonCell]


class Comparison(BaseModel):
    ids: list[int]
    measures: list[ComparedMeasure]
    sections: list[str]
    differing: int
    compared: int
    rows: list[ComparisonRow]


# --- moderation ----------------------------------------------------------------------------


class Owner(BaseModel):
    id: int
    name: str
    organisation: str | None


class QueueEntry(BaseModel):
    measure_id: int
    title: str
    status: MeasureStatus
    revision: RevisionSummary
    is_edit: bool
    harm_flag: bool
    evidence_review: one_of(EvidenceReview) | None  # type: ignore[valid-type]
    owner: Owner | None
    allowed_actions: list[Action]


Queue = collection("Queue", QueueEntry)


class Actor(BaseModel):
    id: int
    name: str


class HistoryEvent(BaseModel):
    id: int
    action: str
    at: datetime
    actor: Actor | None
    details: dict[str, Any]


class ModerationState(BaseModel):
    measure_id: int
    status: MeasureStatus
    revision: RevisionSummary | None
    is_edit: bool
    allowed_actions: list[Action]
    history: list[HistoryEvent]


class Decision(Closed):
    action: Action
    comment: Annotated[str, Field(min_length=1, max_length=COMMENT_MAX_LENGTH)]


Reasons = Annotated[str, Field(min_length=1, max_length=COMMENT_MAX_LENGTH)]


class VerifyEvidence(Closed):
    comment: Annotated[str, Field(max_length=COMMENT_MAX_LENGTH)] | None = None


class HarmReview(Closed):
    verdict: Literal["confirmed", "not_confirmed"]
    reasons: Reasons


class RereviewRequestBody(Closed):
    reason: Reasons


class RereviewDecisionBody(Closed):
    decision: one_of(RereviewDecisionEnum)  # type: ignore[valid-type]
    comment: Reasons


class RereviewRequest(BaseModel):
    """An owner's request to review a measure's evidence level again, and its decision."""

    id: int
    measure_id: int
    revision: int | None
    reason: str
    requested_at: datetime
    status: Literal["open", "decided"]
    decision: one_of(RereviewDecisionEnum) | None  # type: ignore[valid-type]
    decision_comment: str | None
    decided_at: datetime | None


class RereviewRequests(BaseModel):
    results: list[RereviewRequest]


class HideReview(Closed):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class UnhideReview(Closed):
    note: Annotated[str, Field(max_length=2000)] | None = None


Revision = create_model(
    "Revision",
    __base__=Measure,
    __doc__="A measure as one of its revisions shows it, and that revision's number, state "
    "and dates.",
    revision=RevisionSummary,
)
