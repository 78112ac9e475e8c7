"""The difference between two measure records, field by field: what a moderator reviews."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flask_babel import gettext as _

from app.core.i18n import current_language
from app.records import vocab
from app.records.labels import display_value, field_label
from app.records.schema import EVALUATION_KEYS, RECORD_KEYS

# display_value and field_label live with the labels; the review templates get them here.
__all__ = [
    "EvaluationChange",
    "FieldChange",
    "RecordDiff",
    "diff_records",
    "display_value",
    "evaluation_title",
    "field_label",
]

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    """One key that differs. For list keys, `added` and `removed` name the values."""

    key: str
    kind: Kind
    old: Any
    new: Any
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()

    @property
    def label(self) -> str:
        return field_label(self.key)

    @property
    def is_list(self) -> bool:
        return isinstance(self.old, list) or isinstance(self.new, list)


@dataclass(frozen=True)
class EvaluationChange:
    """An evaluation added, removed, or changed (then `fields` says how)."""

    kind: Kind
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def title(self) -> str:
        return evaluation_title(self.new if self.new is not None else self.old or {})


@dataclass(frozen=True)
class RecordDiff:
    fields: tuple[FieldChange, ...] = ()
    evaluations: tuple[EvaluationChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.fields or self.evaluations)


def evaluation_title(evaluation: dict[str, Any]) -> str:
    """'Randomised controlled trial, 2019, Germany': how a study is named in the diff."""
    parts = [vocab.label(evaluation.get("design")) or _("Evaluation")]
    if evaluation.get("year"):
        parts.append(str(evaluation["year"]))
    if evaluation.get("country"):
        parts.append(vocab.country_name(evaluation["country"], current_language()))
    return ", ".join(parts)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _diff_fields(old: dict[str, Any], new: dict[str, Any], keys: tuple[str, ...]) -> list:
    changes = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if _blank(before) and _blank(after):
            continue
        if isinstance(before, list) or isinstance(after, list):
            before_list, after_list = list(before or []), list(after or [])
            added = tuple(v for v in after_list if v not in before_list)
            removed = tuple(v for v in before_list if v not in after_list)
            # Only the order changed: lists are sets of values, so this is no change.
            if not added and not removed:
                continue
            kind: Kind = "added" if not before_list else "removed" if not after_list else "changed"
            changes.append(FieldChange(key, kind, before_list, after_list, added, removed))
            continue
        if before == after:
            continue
        kind = "added" if _blank(before) else "removed" if _blank(after) else "changed"
        changes.append(FieldChange(key, kind, before, after))
    return changes


def _pair_evaluations(
    old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> list[tuple[dict | None, dict | None]]:
    """Match old and new evaluations, which records carry without ids.

    In order of confidence: identical studies, then the same citation, then the same design
    and year. What stays unmatched was added or removed. Pairs come out in the new order,
    then the removed ones in the old order.
    """
    unmatched_old = list(range(len(old)))
    partner: dict[int, int] = {}  # new index -> old index

    def match(same: Any) -> None:
        for n, evaluation in enumerate(new):
            if n in partner:
                continue
            for o in unmatched_old:
                if same(old[o], evaluation):
                    partner[n] = o
                    unmatched_old.remove(o)
                    break

    match(lambda a, b: a == b)
    match(lambda a, b: bool(a.get("citation")) and a.get("citation") == b.get("citation"))
    match(lambda a, b: (a.get("design"), a.get("year")) == (b.get("design"), b.get("year")))
    pairs: list[tuple[dict | None, dict | None]] = [
        (old[partner[n]] if n in partner else None, evaluation) for n, evaluation in enumerate(new)
    ]
    pairs.extend((old[o], None) for o in unmatched_old)
    return pairs


def diff_records(old: dict[str, Any] | None, new: dict[str, Any]) -> RecordDiff:
    """What changed from `old` (the published record, or None) to `new` (the submitted one).

    Both are record-format dicts (app.measures.mapping.revision_to_record). Without an old
    record there is nothing to compare, so the diff is empty.
    """
    if old is None:
        return RecordDiff()
    scalar_keys = tuple(k for k in RECORD_KEYS if k != "evaluations")
    fields = _diff_fields(old, new, scalar_keys)
    evaluations = []
    for before, after in _pair_evaluations(
        old.get("evaluations") or [], new.get("evaluations") or []
    ):
        if before is None:
            evaluations.append(EvaluationChange("added", None, after))
        elif after is None:
            evaluations.append(EvaluationChange("removed", before, None))
        else:
            changed = _diff_fields(before, after, EVALUATION_KEYS)
            if changed:
                evaluations.append(EvaluationChange("changed", before, after, tuple(changed)))
    return RecordDiff(tuple(fields), tuple(evaluations))
