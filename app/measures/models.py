"""Measures, their revisions, evaluations and report attachments (DESIGN §3)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dbtypes import str_enum, utcnow
from app.core.extensions import db
from app.core.i18n import N_

# Multi-valued taxonomy keys of the record format. They live in revision_terms, one row per
# value, so the moderation queue and dashboards can filter them in SQL on SQLite and PostgreSQL.
LIST_KEYS = ("countries", "languages", "target_groups", "settings", "abuse_forms", "delivery")


class MeasureStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


class RevisionState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # was published, replaced by a newer published revision


# The states as pages name them (the `label` filter: "draft" -> "Draft", in the reader's
# language), marked here for the catalogues.
STATE_NAMES = (
    N_("Draft"),
    N_("Submitted"),
    N_("Published"),
    N_("Rejected"),
    N_("Archived"),
    N_("Superseded"),
)


class EvidenceReview(enum.StrEnum):
    CONFIRMED = "confirmed"
    FLAGGED = "flagged"


class HarmReview(enum.StrEnum):
    """The experts' verdict on a harm flag (EVIDENCE-2027 §7)."""

    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"


class Measure(db.Model):
    """The stable identity of a measure; content lives in its revisions."""

    __tablename__ = "measures"

    # An external id is unique among one owner's measures (issue 15): whether another
    # account's measure, perhaps unpublished, uses the same id is nobody else's business. The
    # ownerless measures (imported without --owner) are kept apart by the services.
    __table_args__ = (
        UniqueConstraint("owner_id", "external_id", name="uq_measures_owner_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(300))
    status: Mapped[MeasureStatus] = mapped_column(
        str_enum(MeasureStatus, "measure_status"), default=MeasureStatus.DRAFT, index=True
    )
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure_revisions.id", use_alter=True), index=True
    )
    working_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure_revisions.id", use_alter=True)
    )
    # Cached from the revision the public sees (the published one, else the working one).
    evidence_level: Mapped[int] = mapped_column(default=0, index=True)
    evidence_label: Mapped[str] = mapped_column(String(40), default="Not evaluated")
    harm_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_review: Mapped[EvidenceReview | None] = mapped_column(
        str_enum(EvidenceReview, "evidence_review")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    owner = relationship("User", foreign_keys=[owner_id])
    published_revision: Mapped[MeasureRevision | None] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )
    working_revision: Mapped[MeasureRevision | None] = relationship(
        foreign_keys=[working_revision_id], post_update=True
    )
    revisions: Mapped[list[MeasureRevision]] = relationship(
        back_populates="measure",
        foreign_keys="MeasureRevision.measure_id",
        order_by="MeasureRevision.number",
        cascade="all, delete-orphan",
    )

    @property
    def current_revision(self) -> MeasureRevision:
        """What the owner sees: the revision being worked on, else the published one."""
        return self.working_revision or self.published_revision  # type: ignore[return-value]

    def current_display_revision(self) -> MeasureRevision | None:
        """The revision whose evidence the measure shows: the published one, else the draft."""
        return self.published_revision or self.working_revision

    @property
    def public_revision(self) -> MeasureRevision | None:
        return self.published_revision if self.status == MeasureStatus.PUBLISHED else None

    @property
    def title(self) -> str:
        return self.current_revision.title


class _TermList:
    """Descriptor exposing one LIST_KEYS key of a revision as an ordered list of strings."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    def __get__(self, revision: MeasureRevision | None, owner: type) -> Any:
        if revision is None:
            return self
        return [t.value for t in revision.terms if t.key == self.key]

    def __set__(self, revision: MeasureRevision, values: list[str]) -> None:
        kept = [t for t in revision.terms if t.key != self.key]
        new = [RevisionTerm(key=self.key, value=v, position=i) for i, v in enumerate(values)]
        revision.terms = kept + new


class MeasureRevision(db.Model):
    """Every content field of the record format, as one numbered version of a measure.

    The programme profile of record format 2 is plain columns: the facets to come (population
    level, licence, certification, a unit-cost band from the unit cost and its unit) filter
    on them in SQL like any other column. Contacts, other registries' ratings and references
    are JSON lists, validated by the record model before they are stored: they are read and
    written only whole, with their revision, and never queried by their parts, so child
    tables would add three joins to every read of a measure and buy nothing.
    """

    __tablename__ = "measure_revisions"
    __table_args__ = (
        CheckConstraint("age_min IS NULL OR (age_min >= 0 AND age_min <= 99)", name="age_min"),
        CheckConstraint("age_max IS NULL OR (age_max >= 0 AND age_max <= 99)", name="age_max"),
        CheckConstraint("training_hours IS NULL OR training_hours >= 0", name="training_hours"),
        CheckConstraint(
            "(unit_cost_eur IS NULL AND unit_cost_per IS NULL AND cost_price_year IS NULL)"
            " OR (unit_cost_eur >= 0 AND unit_cost_per IS NOT NULL"
            " AND cost_price_year IS NOT NULL)",
            name="unit_cost",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[RevisionState] = mapped_column(
        str_enum(RevisionState, "revision_state"), default=RevisionState.DRAFT, index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(index=True)
    decided_at: Mapped[datetime | None]

    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    text_language: Mapped[str | None] = mapped_column(String(2))
    prevention_level: Mapped[str] = mapped_column(String(16))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    organisation: Mapped[str] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(500))
    start_year: Mapped[int | None]
    end_year: Mapped[int | None]
    programme_status: Mapped[str | None] = mapped_column(String(16))  # record key "status"
    cost_level: Mapped[str | None] = mapped_column(String(16))
    cost_notes: Mapped[str | None] = mapped_column(Text)
    implementation: Mapped[str | None] = mapped_column(Text)
    manual_available: Mapped[bool | None]
    transferability: Mapped[str | None] = mapped_column(Text)
    # Record format 2: the programme profile.
    summary_en: Mapped[str | None] = mapped_column(Text)
    theory_of_change: Mapped[str | None] = mapped_column(Text)
    population_level: Mapped[str | None] = mapped_column(String(16))
    dosage: Mapped[str | None] = mapped_column(String(500))
    unit_cost_eur: Mapped[float | None] = mapped_column(Float)
    unit_cost_per: Mapped[str | None] = mapped_column(String(16))
    cost_price_year: Mapped[int | None]
    cost_benefit: Mapped[str | None] = mapped_column(Text)
    training_hours: Mapped[float | None] = mapped_column(Float)
    certification_required: Mapped[bool | None]
    staff_qualifications: Mapped[str | None] = mapped_column(Text)
    fidelity_tools: Mapped[str | None] = mapped_column(Text)
    licence: Mapped[str | None] = mapped_column(String(24))
    contacts: Mapped[list[dict]] = mapped_column(JSON, default=list)
    external_ratings: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # REFERENCES is an SQL keyword: the column has another name than the record key.
    references: Mapped[list[dict]] = mapped_column("reference_list", JSON, default=list)

    evidence_level: Mapped[int] = mapped_column(default=0)
    evidence_label: Mapped[str] = mapped_column(String(40), default="Not evaluated")
    harm_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_ruleset: Mapped[str] = mapped_column(String(16), default="")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # EvidenceResult.to_dict()
    # When the level was first computed under `evidence_ruleset` ("rated under … since").
    evidence_rated_at: Mapped[datetime | None]
    # Levels 4–5 until a moderator other than the publisher has verified the figures (§7).
    evidence_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    # A digest of the evaluations as the rules read them: a verification or an expert review
    # holds only for the figures it saw (app/measures/evidence_state.py).
    evidence_digest: Mapped[str] = mapped_column(String(64), default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence_verified_at: Mapped[datetime | None]
    harm_review: Mapped[HarmReview | None] = mapped_column(str_enum(HarmReview, "harm_review"))
    harm_review_reasons: Mapped[str | None] = mapped_column(Text)
    harm_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    harm_reviewed_at: Mapped[datetime | None]
    # The last review of the evidence of any kind, and the reviewer's role then (§7: "when
    # the evidence was last reviewed and by which role").
    evidence_reviewed_at: Mapped[datetime | None]
    evidence_reviewed_role: Mapped[str | None] = mapped_column(String(16))

    measure: Mapped[Measure] = relationship(back_populates="revisions", foreign_keys=[measure_id])
    author = relationship("User", foreign_keys=[author_id])
    terms: Mapped[list[RevisionTerm]] = relationship(
        cascade="all, delete-orphan", order_by="RevisionTerm.position", lazy="selectin"
    )
    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="revision",
        cascade="all, delete-orphan",
        order_by="Evaluation.position",
        lazy="selectin",
    )

    countries = _TermList()
    languages = _TermList()
    target_groups = _TermList()
    settings = _TermList()
    abuse_forms = _TermList()
    delivery = _TermList()


class RevisionTerm(db.Model):
    __tablename__ = "revision_terms"
    __table_args__ = (Index("ix_revision_terms_key_value", "key", "value"),)

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("measure_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class Evaluation(db.Model):
    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint("sample_size IS NULL OR sample_size >= 1", name="sample_size"),
        CheckConstraint(
            "attrition_pct IS NULL OR (attrition_pct >= 0 AND attrition_pct <= 100)",
            name="attrition_pct",
        ),
        CheckConstraint(
            "differential_attrition_pct IS NULL"
            " OR (differential_attrition_pct >= 0 AND differential_attrition_pct <= 100)",
            name="differential_attrition_pct",
        ),
        CheckConstraint("clusters IS NULL OR clusters >= 1", name="clusters"),
        CheckConstraint(
            "(time_points_before IS NULL OR time_points_before >= 0)"
            " AND (time_points_after IS NULL OR time_points_after >= 0)",
            name="time_points",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("measure_revisions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    design: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    country: Mapped[str | None] = mapped_column(String(2))
    sample_size: Mapped[int | None]
    comparison_group: Mapped[bool | None]
    follow_up_months: Mapped[int | None]
    attrition_pct: Mapped[float | None] = mapped_column(Float)
    independent: Mapped[bool | None]
    peer_reviewed: Mapped[bool | None]
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    effect: Mapped[str | None] = mapped_column(String(16))  # optional with results (format 2)
    effect_size: Mapped[float | None] = mapped_column(Float)
    findings: Mapped[str] = mapped_column(Text)
    citation: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    # Record format 2 (EVIDENCE-2027 §1): the study's appraisal.
    sample_id: Mapped[str | None] = mapped_column(String(100))
    clusters: Mapped[int | None]
    baseline_equivalence: Mapped[str | None] = mapped_column(String(16))
    time_points_before: Mapped[int | None]
    time_points_after: Mapped[int | None]
    differential_attrition_pct: Mapped[float | None] = mapped_column(Float)
    routine_practice: Mapped[bool | None]
    doi: Mapped[str | None] = mapped_column(String(300))

    revision: Mapped[MeasureRevision] = relationship(back_populates="evaluations")
    results: Mapped[list[EvaluationResult]] = relationship(
        back_populates="evaluation",
        cascade="all, delete-orphan",
        order_by="EvaluationResult.position",
        lazy="selectin",
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="evaluation",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Attachment.id",
    )


class EvaluationResult(db.Model):
    """One finding of an evaluation: an outcome at one time point (EVIDENCE-2027 §1).

    Rows, not JSON: the outcome and study-design facets and the comparison's "outcomes with
    favourable findings" and "longest sustained effect" are questions about findings, and the
    rules "both or neither" and "low ≤ high" hold in the schema too.
    """

    __tablename__ = "evaluation_results"
    __table_args__ = (
        CheckConstraint(
            "timepoint_months >= 0 AND timepoint_months <= 600", name="timepoint_months"
        ),
        CheckConstraint("p_value IS NULL OR (p_value >= 0 AND p_value <= 1)", name="p_value"),
        CheckConstraint("n IS NULL OR n >= 1", name="n"),
        CheckConstraint(
            "(effect_size IS NULL AND effect_size_type IS NULL)"
            " OR (effect_size IS NOT NULL AND effect_size_type IS NOT NULL)",
            name="effect_size",
        ),
        CheckConstraint(
            "(ci_low IS NULL AND ci_high IS NULL) OR (ci_low IS NOT NULL AND ci_high >= ci_low)",
            name="ci",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str | None] = mapped_column(String(300))
    timepoint_months: Mapped[int]
    direction: Mapped[str] = mapped_column(String(16))
    effect_size: Mapped[float | None] = mapped_column(Float)
    effect_size_type: Mapped[str | None] = mapped_column(String(8))
    p_value: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None]
    # PRIMARY is an SQL keyword: the column has another name than the record key.
    primary: Mapped[bool | None] = mapped_column("is_primary")

    evaluation: Mapped[Evaluation] = relationship(back_populates="results")


class Attachment(db.Model):
    """A report PDF; the file itself is stored once under UPLOAD_DIR by its sha256."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int]
    page_count: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    evaluation: Mapped[Evaluation] = relationship(back_populates="attachments")
