"""Exports of measures as CSV (for spreadsheets) and JSON Lines (the record format).

JSON Lines is what `flask measures import` reads: one published record per line, plus the
keys a reader of the file needs and import ignores (EXPORT_ONLY_KEYS: id, url, evidence
level, label and harm flag, and a shortlist's note), so an export re-imports cleanly. CSV is
one row per measure with lists joined by "; ": for people the headers and values are labels in
the reader's language ("Parents and carers", "Ireland"; "Eltern und Betreuungspersonen",
"Irland"), for machines (`codes=1`) the record's keys and codes, the same in every language. It
starts with a UTF-8 byte order mark so Excel reads the accents, and guards every text cell
against formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.compare.comparison import best_design, value_in_words
from app.compare.ratings import DIMENSIONS, RatingSummary
from app.measures.io import record_to_line
from app.measures.mapping import revision_to_record
from app.measures.models import Measure
from app.records.fields import ListOf
from app.records.labels import field_label
from app.records.model import MeasureRecord, api_name, kind_of
from app.records.schema import RECORD_KEYS

BOM = "\ufeff"
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return are on OWASP's list too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
# The record's lists of codes, in the model's order.
_LISTS = tuple(k for k in RECORD_KEYS if isinstance(kind_of(MeasureRecord, k), ListOf))
_SCALARS = (
    "age_min",
    "age_max",
    "organisation",
    "website",
    "start_year",
    "end_year",
    "status",
    "cost_level",
    "cost_notes",
)

BASE_COLUMNS: tuple[str, ...] = (
    "id",
    "external_id",
    "title",
    "url",
    "evidence_level",
    "evidence_label",
    "harm_flag",
    "summary",
    "prevention_level",
    *_LISTS,
    *(api_name(k) for k in _SCALARS),  # the programme's status as the API names it
    "manual_available",
    "studies",
    "best_design",
    "longest_follow_up_months",
    "published_at",
    "reviews",
    "rating_overall",
    *(f"rating_{key}" for key, _label in DIMENSIONS),
)
NOTE_COLUMN = "note"
# Headers of the columns that are not record keys, as people read them (lazy: heading() gives
# them in the reader's language).
_HEADINGS = {
    "id": _l("Id in Prevent-Hub"),
    "url": _l("Link"),
    "evidence_level": _l("Evidence level"),
    "evidence_label": _l("Evidence"),
    "harm_flag": _l("Harm found"),
    "studies": _l("Studies"),
    "best_design": _l("Best study design"),
    "longest_follow_up_months": _l("Longest follow-up (months)"),
    "published_at": _l("Published on"),
    "reviews": _l("Peer reviews"),
    "rating_overall": _l("Peer rating (overall)"),
    "rating_effectiveness": _l("Peer rating: effectiveness in practice"),
    "rating_ease": _l("Peer rating: ease of implementation"),
    "rating_transferability": _l("Peer rating: transferability to other countries"),
    "rating_value": _l("Peer rating: value for money"),
    NOTE_COLUMN: _l("Note"),
}
# Columns whose values are codes of the record format, by the key that names their kind.
_CODED = {
    **{k: k for k in _LISTS},
    "prevention_level": "prevention_level",
    "cost_level": "cost_level",
}
_CODED["best_design"] = "design"


def safe_cell(value: Any) -> Any:
    """A value as a CSV cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe (shown as text, not executed); numbers are kept as numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def measure_row(
    measure: Measure,
    *,
    link: Callable[[int], str] | None = None,
    ratings: RatingSummary | None = None,
    note: str | None = None,
    with_note: bool = False,
    codes: bool = True,
) -> list[Any]:
    """One CSV row (already guarded) for a published measure, in the order of csv_header();
    with `codes` False the record's codes are given as labels."""
    revision = measure.published_revision
    assert revision is not None  # type narrowing: only published measures are exported  # nosec B101
    record = revision_to_record(revision, measure)
    evaluations = record.get("evaluations") or []
    best = best_design(evaluations)
    follow_ups = [e["follow_up_months"] for e in evaluations if "follow_up_months" in e]
    values: dict[str, Any] = {
        "id": measure.id,
        "external_id": measure.external_id,
        "title": revision.title,
        "url": link(measure.id) if link else None,
        "evidence_level": revision.evidence_level,
        "evidence_label": revision.evidence_label,
        "harm_flag": _yes_no(revision.harm_flag),
        "summary": revision.summary,
        "prevention_level": revision.prevention_level,
        **{k: LIST_SEPARATOR.join(record.get(k) or []) for k in _LISTS},
        **{api_name(k): record.get(k) for k in _SCALARS},
        "manual_available": _yes_no(revision.manual_available),
        "studies": len(evaluations),
        "best_design": best[0] if best else None,
        "longest_follow_up_months": max(follow_ups) if follow_ups else None,
        "published_at": measure.published_at.date().isoformat() if measure.published_at else None,
        "reviews": ratings.count if ratings else 0,
        "rating_overall": (
            round(ratings.overall, 2) if ratings and ratings.overall is not None else None
        ),
    }
    for key, _label in DIMENSIONS:
        stats = ratings.dimension(key) if ratings else None
        mean = stats.mean if stats and stats.count else None
        values[f"rating_{key}"] = round(mean, 2) if mean is not None else None
    if not codes:
        _label_values(values, record)
    row = [safe_cell(values[c]) for c in BASE_COLUMNS]
    if with_note:
        row.append(safe_cell(note))
    return row


def _label_values(values: dict[str, Any], record: dict[str, Any]) -> None:
    """Replace codes by labels in the reader's language in `values` (a row being built), in
    place."""
    for column, key in _CODED.items():
        if column in _LISTS:
            values[column] = LIST_SEPARATOR.join(
                value_in_words(key, v) for v in record.get(key) or []
            )
        elif values.get(column):
            values[column] = value_in_words(key, values[column])
    status = api_name("status")
    if values.get(status):
        values[status] = value_in_words("status", values[status])
    if values.get("evidence_label"):
        # Stored in English; the catalogues name the levels (app.evidence).
        values["evidence_label"] = _(values["evidence_label"])
    for column in ("harm_flag", "manual_available"):
        values[column] = {"yes": _("Yes"), "no": _("No")}.get(values[column], values[column])


def heading(column: str) -> str:
    """A column's header as people read it, in the reader's language."""
    if column in _HEADINGS:
        return str(_HEADINGS[column])
    key = "status" if column == api_name("status") else column
    return str(field_label(key))


def csv_header(*, with_note: bool = False, codes: bool = True) -> list[str]:
    columns = [*BASE_COLUMNS, *((NOTE_COLUMN,) if with_note else ())]
    return columns if codes else [heading(c) for c in columns]


def csv_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text to stream: the byte order mark and header first, then a row at a time.

    Rows end in CRLF (RFC 4180); quoting is minimal, so a cell with a comma, quote or line
    break is quoted and its quotes doubled.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take(row: list[Any]) -> str:
        writer.writerow(row)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + take(header)
    for row in rows:
        yield take(row)


def csv_rows(
    measures: Iterable[Measure],
    *,
    link: Callable[[int], str] | None = None,
    ratings: Mapping[int, RatingSummary] | None = None,
    notes: Mapping[int, str | None] | None = None,
    codes: bool = True,
) -> Iterator[list[Any]]:
    """Rows for published measures; with `notes` (a shortlist) a last "note" column too."""
    for measure in measures:
        yield measure_row(
            measure,
            link=link,
            ratings=(ratings or {}).get(measure.id),
            note=(notes or {}).get(measure.id),
            with_note=notes is not None,
            codes=codes,
        )


def jsonl_chunks(
    measures: Iterable[Measure],
    *,
    link: Callable[[int], str] | None = None,
    notes: Mapping[int, str | None] | None = None,
) -> Iterator[str]:
    """One line per published measure: its published record, with `id` first and the
    export-only keys after it (import ignores them)."""
    for measure in measures:
        revision = measure.published_revision
        if revision is None:
            continue
        line: dict[str, Any] = {"id": measure.id, **revision_to_record(revision, measure)}
        line["url"] = link(measure.id) if link else None
        line["evidence_level"] = revision.evidence_level
        line["evidence_label"] = revision.evidence_label
        line["harm_flag"] = bool(revision.harm_flag)
        if notes is not None:
            line[NOTE_COLUMN] = notes.get(measure.id)
        yield record_to_line(line)
