"""Whoosh postings and columns read as numpy arrays: the raw material of the query engine.

Whoosh's own matchers walk postings one document at a time in Python, and that is where its
query time goes (TOOLING.md). A posting block is stored as one pickled tuple of (delta-coded
ids, weights, values); reading whole blocks and decoding them with numpy turns each term into
two arrays in one pass. This reads Whoosh's W3 codec internals, so the Whoosh version is
pinned; every reader falls back to Whoosh's public, slower API when the internals differ, and
tests/search/test_engine.py checks that both give the same arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.util.numeric import byte_to_length

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
# Field lengths are stored as one byte each, on a logarithmic scale.
_LENGTHS = np.array([byte_to_length(i) if i else 0 for i in range(256)], dtype=np.float32)
_NUMPY_TYPES = {"b": "i1", "B": "u1", "h": ">i2", "H": ">u2", "i": ">i4", "I": ">u4",
                "q": ">i8", "Q": ">u8", "f": ">f4", "d": ">f8"}  # fmt: skip


def _column_fast(reader: IndexReader, name: str, column: columns.Column) -> np.ndarray | None:
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None:
        return None
    size = reader.doc_count_all()
    if not perdoc.has_column(name):
        return np.full(size, column.default_value(), dtype=np.int64)
    raw = perdoc.column_reader(name, column)
    typecode = getattr(raw, "_typecode", None)
    if typecode not in _NUMPY_TYPES or not hasattr(raw, "_dbfile"):
        return None
    count = min(raw._count, size)
    data = raw._dbfile.get(raw._basepos, count * raw._fixedlen)
    values = np.frombuffer(data, dtype=np.dtype(_NUMPY_TYPES[typecode])).astype(np.int64)
    if count < size:
        values = np.concatenate([values, np.full(size - count, raw._default, dtype=np.int64)])
    return values


def column_array(reader: IndexReader, name: str, column: columns.Column) -> np.ndarray:
    """One numeric column of a segment as an int64 array (one value per document)."""
    values = _column_fast(reader, name, column)
    if values is None:
        size = reader.doc_count_all()
        values = np.fromiter(
            (reader.column_reader(name, column, translate=False)[i] for i in range(size)),
            dtype=np.int64,
            count=size,
        )
    return values


def field_lengths(reader: IndexReader, field: str) -> np.ndarray:
    """Each document's length in `field` (in words, to Whoosh's one-byte precision)."""
    codes = column_array(reader, _lenfield(field), LENGTHS_COLUMN)
    return _LENGTHS[np.clip(codes, 0, 255)]


def _blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    ids_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    while not matcher._atend:
        if matcher._data is None:
            matcher._read_data()
        raw_ids, raw_weights = matcher._data[0], matcher._data[1]
        ids = np.asarray(raw_ids, dtype=np.int64)
        if not matcher._byteids:
            ids = np.cumsum(ids)  # stored as deltas
        ids_parts.append(ids)
        if raw_weights is None:
            weight_parts.append(np.ones(ids.size, dtype=np.float32))
        elif isinstance(raw_weights, float):
            weight_parts.append(np.full(ids.size, raw_weights, dtype=np.float32))
        else:
            weight_parts.append(np.asarray(raw_weights, dtype=np.float32))
        matcher._next_block()
    if not ids_parts:
        return EMPTY_IDS, EMPTY_WEIGHTS
    return np.concatenate(ids_parts), np.concatenate(weight_parts)


def _generic(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


def postings(
    reader: IndexReader, field: str, token: str, *, fast: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers (segment-local, deleted ones included) and weights of one term."""
    try:
        matcher = reader.postings(field, token)
    except TermNotFound:
        return EMPTY_IDS, EMPTY_WEIGHTS
    if not fast:
        return _generic(matcher)
    # Deleted documents are dropped later with the live mask; skip Whoosh's per-id filter.
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher) and hasattr(matcher, "_data"):
        return _blocks(matcher)
    if isinstance(matcher, ListMatcher) and hasattr(matcher, "_all_weights"):
        ids = np.asarray(matcher._ids, dtype=np.int64)
        if matcher._all_weights:
            weights = np.full(ids.size, matcher._all_weights, dtype=np.float32)
        elif matcher._weights:
            weights = np.asarray(matcher._weights, dtype=np.float32)
        else:
            weights = np.ones(ids.size, dtype=np.float32)
        return ids, weights
    return _generic(matcher)
