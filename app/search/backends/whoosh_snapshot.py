"""Per-searcher arrays: facet masks, sort keys, field lengths and scored term postings.

Whoosh's `groupedby` facets, sorted searches and scorers walk every match in Python
(TOOLING.md). Here each segment's facet values become boolean document masks, and its sort
keys and field lengths numpy arrays, computed once per segment (a segment never changes except
for deletions) and concatenated per searcher generation. A term's postings are read once per
segment into (document numbers, weights) arrays, kept in a byte-bounded cache that survives
new generations (publishing a measure adds a small segment and leaves the others cached);
its BM25 scores are computed per generation. A search then filters, counts, scores and ranks
with vectorised operations.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from whoosh.reading import IndexReader

from app.search.backends.whoosh_postings import column_array, field_lengths, postings
from app.search.backends.whoosh_schema import (
    COLUMN_TYPES,
    CONCEPT_FIELD,
    LEAD_CONCEPT_FIELD,
    facet_field,
)
from app.search.documents import FACET_KEYS

# BM25 parameters. K1 is lower than the usual 1.2: term frequency saturates early, so a text
# that repeats a word a dozen times scores little more than one that names it once (the title
# and summary boosts, which multiply term frequencies, still count). Tuned with
# bench/search_quality.py (tuning half only).
K1 = 0.5
B = 0.75
# Per-field length normalisation where it differs from B: a concept field lists the ids of the
# concepts a text names, and a measure tagged with many concepts is no less about each one, so
# every tagged document scores the concept's idf (as the PostgreSQL backend's concept scores).
FIELD_B = {CONCEPT_FIELD: 0.0, LEAD_CONCEPT_FIELD: 0.0}
# Per-field K1 where it differs: the concept field lists a concept as many times as the text
# names it (at most documents.MENTION_CAP), and naming it again should count more than K1 lets
# body words count: with 1.2, BM25's usual value, 2 and 3 mentions score 1.38 and 1.57 × one.
# The lead concept field lists a concept the title names twice: 1.38 × one a summary names.
FIELD_K1 = {CONCEPT_FIELD: 1.2, LEAD_CONCEPT_FIELD: 1.2}
POSTINGS_CACHE_BYTES = 96 * 1024 * 1024  # per process, across segments
SCORES_CACHE_BYTES = 32 * 1024 * 1024  # per generation


@dataclass
class _Segment:
    size: int
    facets: dict[str, dict[str, np.ndarray]]
    columns: dict[str, np.ndarray]
    lengths: dict[str, np.ndarray] = field(default_factory=dict)
    live_key: int = -1
    live: np.ndarray | None = None


def _segment_data(reader: IndexReader) -> _Segment:
    size = reader.doc_count_all()
    facets: dict[str, dict[str, np.ndarray]] = {}
    indexed = set(reader.indexed_field_names())
    for key in FACET_KEYS:
        name = facet_field(key)
        per_value: dict[str, np.ndarray] = {}
        if name in indexed:
            for btext in reader.lexicon(name):
                ids, _weights = postings(reader, name, btext.decode("utf-8"))
                mask = np.zeros(size, dtype=bool)
                mask[ids] = True
                per_value[btext.decode("utf-8")] = mask
        facets[key] = per_value
    cols = {name: column_array(reader, name, column) for name, column in COLUMN_TYPES.items()}
    return _Segment(size=size, facets=facets, columns=cols)


def _live(reader: IndexReader, seg: _Segment) -> np.ndarray:
    deleted = reader.segment().deleted_count() if reader.has_deletions() else 0
    if seg.live is None or seg.live_key != deleted:
        live = np.ones(seg.size, dtype=bool)
        if deleted:
            gone = np.fromiter(reader.segment().deleted_docs(), dtype=np.int64)
            live[gone] = False
        seg.live, seg.live_key = live, deleted
    return seg.live


def pack(mask: np.ndarray) -> np.ndarray:
    """A boolean mask as 64-bit words, for fast popcounts."""
    packed = np.packbits(mask)
    pad = (-packed.size) % 8
    if pad:
        packed = np.concatenate([packed, np.zeros(pad, dtype=np.uint8)])
    return packed.view(np.uint64)


@dataclass
class FacetMatrix:
    values: list[str]
    masks: np.ndarray  # bool [len(values), n]
    packed: np.ndarray  # uint64 [len(values), words]

    def counts(self, mask: np.ndarray) -> dict[str, int]:
        if not self.values:
            return {}
        totals = np.bitwise_count(self.packed & pack(mask)).sum(axis=1)
        return {v: int(c) for v, c in zip(self.values, totals, strict=True) if c}

    def any_of(self, values: tuple[str, ...]) -> np.ndarray:
        rows = [i for i, v in enumerate(self.values) if v in values]
        if not rows:
            return np.zeros(self.masks.shape[1], dtype=bool)
        return self.masks[rows].any(axis=0)


class _ArrayCache:
    """An LRU of tuples of numpy arrays, bounded by their total size in bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
        self.size = 0

    def get(self, key: tuple) -> tuple[np.ndarray, ...] | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: tuple, value: tuple[np.ndarray, ...]) -> None:
        self.items[key] = value
        self.size += sum(a.nbytes for a in value)
        while self.size > self.limit and len(self.items) > 1:
            _key, old = self.items.popitem(last=False)
            self.size -= sum(a.nbytes for a in old)


class Snapshot:
    """Everything derived from one searcher generation (used under the backend's lock)."""

    def __init__(
        self, parts: list[tuple[IndexReader, _Segment, int]], postings_cache: _ArrayCache
    ) -> None:
        self.parts = parts
        self._postings = postings_cache
        self.size = sum(seg.size for _r, seg, _o in parts)
        self.live = self._concat([_live(r, seg) for r, seg, _o in parts], bool)
        self.facets = {key: self._facet(key) for key in FACET_KEYS}
        self.columns = {
            name: self._concat([seg.columns[name] for _r, seg, _o in parts], np.int64)
            for name in COLUMN_TYPES
        }
        self._lengths: dict[str, tuple[np.ndarray, int, float]] = {}
        self._scores = _ArrayCache(SCORES_CACHE_BYTES)

    @staticmethod
    def _concat(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

    def _facet(self, key: str) -> FacetMatrix:
        values = sorted({v for _r, seg, _o in self.parts for v in seg.facets[key]})
        rows = np.zeros((len(values), self.size), dtype=bool)
        for _r, seg, offset in self.parts:
            for i, value in enumerate(values):
                mask = seg.facets[key].get(value)
                if mask is not None:
                    rows[i, offset : offset + seg.size] = mask
        rows &= self.live
        packed = np.stack([pack(r) for r in rows]) if values else np.zeros((0, 0), np.uint64)
        return FacetMatrix(values, rows, packed)

    def lengths(self, name: str) -> tuple[np.ndarray, int, float]:
        """(length per document, documents that have the field, their average length)."""
        if name not in self._lengths:
            arrays = []
            for reader, seg, _o in self.parts:
                if name not in seg.lengths:
                    seg.lengths[name] = field_lengths(reader, name)
                arrays.append(seg.lengths[name])
            lengths = self._concat(arrays, np.float32)
            present = (lengths > 0) & self.live
            count = int(present.sum())
            average = float(lengths[present].mean()) if count else 1.0
            self._lengths[name] = (lengths, count, average)
        return self._lengths[name]

    def term(self, name: str, token: str) -> tuple[np.ndarray, np.ndarray]:
        """Live documents holding the term, and the term's BM25 score in each."""
        key = (name, token)
        cached = self._scores.get(key)
        if cached is not None:
            return cached  # type: ignore[return-value]
        id_parts, weight_parts = [], []
        for reader, _seg, offset in self.parts:
            segment_key = (reader.segment().segment_id(), name, token)
            found = self._postings.get(segment_key)
            if found is None:
                found = postings(reader, name, token)
                self._postings.put(segment_key, found)
            ids, weights = found
            if ids.size:
                id_parts.append(ids + offset)
                weight_parts.append(weights)
        if id_parts:
            ids = np.concatenate(id_parts)
            weights = np.concatenate(weight_parts)
            keep = self.live[ids]
            ids, weights = ids[keep], weights[keep]
        else:
            ids, weights = np.zeros(0, np.int64), np.zeros(0, np.float32)
        result = (ids, self._bm25(name, ids, weights))
        self._scores.put(key, result)
        return result

    def derived(
        self, key: tuple, build: Callable[[], tuple[np.ndarray, ...]]
    ) -> tuple[np.ndarray, ...]:
        """Arrays computed from this generation's postings, built once and kept with the
        term scores (read-only: every search of the generation shares them)."""
        key = ("derived", *key)
        cached = self._scores.get(key)
        if cached is None:
            cached = build()
            self._scores.put(key, cached)
        return cached

    def idf(self, name: str, df: int) -> float:
        """BM25's inverse document frequency of a term of the field that `df` documents hold."""
        count = self.lengths(name)[1]
        return math.log(1.0 + (max(count, df) - df + 0.5) / (df + 0.5))

    def _bm25(self, name: str, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        if not ids.size:
            return np.zeros(0, dtype=np.float32)
        lengths, _count, average = self.lengths(name)
        idf = self.idf(name, ids.size)
        b, k1 = FIELD_B.get(name, B), FIELD_K1.get(name, K1)
        norm = k1 * (1.0 - b + b * lengths[ids] / average)
        return (idf * weights * (k1 + 1.0) / (weights + norm)).astype(np.float32)


class SegmentCache:
    """Per-segment data, reused across generations for as long as the segment lives."""

    def __init__(self) -> None:
        self._segments: dict[str, _Segment] = {}
        self._postings = _ArrayCache(POSTINGS_CACHE_BYTES)

    def snapshot(self, top_reader: IndexReader) -> Snapshot:
        parts: list[tuple[IndexReader, _Segment, int]] = []
        seen: set[str] = set()
        offset = 0
        for reader, leaf_offset in top_reader.leaf_readers():
            if reader.segment() is None:
                continue  # an EmptyReader: the index has no segments
            assert leaf_offset == offset, "segments are numbered one after the other"  # nosec B101
            segid = reader.segment().segment_id()
            seen.add(segid)
            seg = self._segments.get(segid)
            if seg is None:
                seg = self._segments[segid] = _segment_data(reader)
            parts.append((reader, seg, offset))
            offset += seg.size
        gone = set(self._segments) - seen
        for segid in gone:
            del self._segments[segid]
        if gone:
            for key in [k for k in self._postings.items if k[0] in gone]:
                self._postings.size -= sum(a.nbytes for a in self._postings.items.pop(key))
        return Snapshot(parts, self._postings)
