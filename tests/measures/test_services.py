"""Measure services: drafts, submission, revisions of published measures, evidence caching."""

import pytest

from app.audit.models import AuditEvent
from app.core.exceptions import InvalidTransition, PermissionDenied
from app.core.extensions import db
from app.measures.models import MeasureStatus, RevisionState
from app.measures.services import start_revision, submit_measure, update_measure
from app.records.schema import RecordInvalid, validate_record
from tests.conftest import make_measure, make_user, sample_record


def test_create_measure_stores_a_draft_with_evidence_and_audit(app):
    owner = make_user()
    measure = make_measure(owner)
    assert measure.status == MeasureStatus.DRAFT
    revision = measure.working_revision
    assert revision.state == RevisionState.DRAFT
    assert revision.countries == ["DE", "AT"]
    assert revision.evaluations[0].outcomes == ["disclosure", "knowledge"]
    # Ruleset 2027.1 rates the trial low (no differential attrition or baseline equivalence
    # given), so its favourable effect gives level 2.
    assert revision.evidence_level == measure.evidence_level == 2
    assert revision.evidence_ruleset == "2027.1" and revision.evidence_rated_at is not None
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions == ["measure.created"]


def test_language_is_detected_when_the_record_lacks_it(app):
    measure = make_measure(
        make_user(),
        text_language=None,
        title="Kein Täter werden",
        summary="Ein vertrauliches Therapieangebot für Menschen, die sich sexuell zu Kindern "
        "hingezogen fühlen und keine Übergriffe begehen wollen.",
    )
    assert measure.working_revision.text_language == "de"


def test_editing_a_published_measure_makes_a_new_revision_and_keeps_the_published_one(app):
    owner = make_user()
    measure = make_measure(owner, publish=True)
    published = measure.published_revision
    record = validate_record(sample_record(title="Safe Together, second edition"))
    revision = update_measure(owner, measure, record)
    db.session.commit()
    assert revision.number == 2
    assert measure.published_revision is published
    assert published.title == "Safe Together school programme"
    assert measure.status == MeasureStatus.PUBLISHED
    submit_measure(owner, measure)
    assert revision.state == RevisionState.SUBMITTED
    assert measure.status == MeasureStatus.PUBLISHED


def test_submitted_revision_cannot_be_edited(app):
    owner = make_user()
    measure = make_measure(owner)
    submit_measure(owner, measure)
    with pytest.raises(PermissionDenied):
        update_measure(owner, measure, validate_record(sample_record()))


def test_someone_else_cannot_edit_a_draft(app):
    measure = make_measure(make_user())
    with pytest.raises(PermissionDenied):
        update_measure(make_user(), measure, validate_record(sample_record()))


def test_an_external_id_is_unique_among_one_owners_measures(app):
    owner = make_user()
    make_measure(owner, external_id="x-1")
    with pytest.raises(RecordInvalid) as info:
        make_measure(owner, external_id="x-1")
    assert info.value.errors[0].key == "external_id"


def test_another_owner_may_use_the_same_external_id(app):
    """Issue 15: refusing it would tell the writer that somebody's (perhaps unpublished)
    measure uses the id."""
    first = make_measure(make_user(), external_id="x-1")
    second = make_measure(make_user(), external_id="x-1")
    assert (first.external_id, second.external_id) == ("x-1", "x-1")
    assert first.id != second.id


def test_an_edit_checks_the_external_id_among_the_measures_of_its_owner(app):
    owner = make_user()
    make_measure(owner, external_id="mine")
    make_measure(make_user(), external_id="theirs")
    draft = make_measure(owner)
    update_measure(owner, draft, validate_record(sample_record(external_id="theirs")))
    assert draft.external_id == "theirs"
    with pytest.raises(RecordInvalid):
        update_measure(owner, draft, validate_record(sample_record(external_id="mine")))


def test_new_revision_needs_a_published_measure(app):
    with pytest.raises(InvalidTransition):
        start_revision(None, make_measure(make_user()))


def test_a_nul_character_in_record_text_is_a_field_error():
    """Imported files can hold \\u0000; PostgreSQL would refuse it with a database error."""
    with pytest.raises(RecordInvalid) as info:
        validate_record(sample_record(summary="A summary long enough \x00 to pass the minimum"))
    assert [(e.key, e.message) for e in info.value.errors] == [
        ("summary", "must not contain a NUL character")
    ]


# --- stable external ids (issue 14: exports re-import as updates) ------------------------------


def test_a_measure_created_without_an_external_id_gets_a_stable_one(app):
    owner = make_user()
    measure = make_measure(owner)
    assert measure.external_id == f"prevent-hub-{measure.id}"
    from app.measures.mapping import revision_to_record

    record = revision_to_record(measure.working_revision, measure)
    record.pop("external_id")
    update_measure(owner, measure, {**record, "title": "Renamed programme"})
    db.session.commit()
    assert measure.external_id == f"prevent-hub-{measure.id}"  # an edit never takes it away


def test_an_assigned_external_id_steps_around_one_an_import_already_took(app):
    owner = make_user()
    first = make_measure(owner)
    taken = f"prevent-hub-{first.id + 1}"
    second = make_measure(owner, external_id=taken)  # gets id first.id + 1 and that name
    assert second.id == first.id + 1 and second.external_id == taken
    third = make_measure(owner)
    assert third.external_id == f"prevent-hub-{third.id}"
    from app.measures.services import assign_external_id

    clash = make_measure(owner, external_id="mine")
    clash.external_id = None
    db.session.flush()
    other = make_measure(owner, external_id=f"prevent-hub-{clash.id}")
    assign_external_id(clash)
    assert clash.external_id == f"prevent-hub-{clash.id}-2" != other.external_id
