"""Imports every model module so SQLAlchemy and Alembic see the whole schema."""

from app.accounts.models import User  # noqa: F401
from app.api_tokens.models import ApiToken  # noqa: F401
from app.audit.models import AuditEvent, Notification  # noqa: F401
from app.compare.models import Shortlist, ShortlistItem  # noqa: F401
from app.measures.models import (  # noqa: F401
    Attachment,
    Evaluation,
    EvaluationResult,
    Measure,
    MeasureRevision,
)
from app.moderation.models import RereviewRequest  # noqa: F401
from app.outbox.models import IndexChange, IndexConsumer  # noqa: F401
from app.reviews.models import Review, ReviewAggregate, ReviewVersion  # noqa: F401
from app.search.models import SearchDocument, SearchFacet  # noqa: F401
