"""Measures, their revisions, evaluations and report attachments (DESIGN §3)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dbtypes import str_enum, utcnow
from app.core.extensions import db

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


class EvidenceReview(enum.StrEnum):
    CONFIRMED = "confirmed"
    FLAGGED = "flagged"


class Measure(db.Model):
    """The stable identity of a measure; content lives in its revisions."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
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
    """Every content field of the record format, as one numbered version of a measure."""

    __tablename__ = "measure_revisions"
    __table_args__ = (
        CheckConstraint("age_min IS NULL OR (age_min >= 0 AND age_min <= 99)", name="age_min"),
        CheckConstraint("age_max IS NULL OR (age_max >= 0 AND age_max <= 99)", name="age_max"),
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

    evidence_level: Mapped[int] = mapped_column(default=0)
    evidence_label: Mapped[str] = mapped_column(String(40), default="Not evaluated")
    harm_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_ruleset: Mapped[str] = mapped_column(String(16), default="")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)  # EvidenceResult.to_dict()

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
    effect: Mapped[str] = mapped_column(String(16))
    effect_size: Mapped[float | None] = mapped_column(Float)
    findings: Mapped[str] = mapped_column(Text)
    citation: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))

    revision: Mapped[MeasureRevision] = relationship(back_populates="evaluations")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="evaluation",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="Attachment.id",
    )


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
