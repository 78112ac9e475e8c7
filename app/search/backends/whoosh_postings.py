"""Whoosh postings and columns read as numpy arrays: the raw material of the query engine.

Whoosh's own matchers walk postings one document at a time in Python, and that is where its
query time goes (TOOLING.md). Reading whole posting blocks and columns in bulk turns each term
into two arrays in one pass; that reading needs Whoosh's private structures, which
whoosh_internals.py alone touches (behind a version check). Whatever it does not read in bulk
is read here through Whoosh's public API, which tests/search/test_whoosh_internals.py compares
the bulk reads with.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import columns
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.util.numeric import byte_to_length

from app.search.backends.whoosh_internals import fixed_column_array, leaf_postings, length_column

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)
# Field lengths are stored as one byte each, on a logarithmic scale.
_LENGTHS = np.array([byte_to_length(i) if i else 0 for i in range(256)], dtype=np.float32)


def column_array(reader: IndexReader, name: str, column: columns.Column) -> np.ndarray:
    """One numeric column of a segment as an int64 array (one value per document)."""
    values = fixed_column_array(reader, name, column)
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
    codes = column_array(reader, *length_column(field))
    return _LENGTHS[np.clip(codes, 0, 255)]


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
    """Document numbers (segment-local) and weights of one term.

    `fast` reads in bulk and includes deleted documents (callers drop them with the live
    mask); otherwise Whoosh's public matcher is walked, which skips them.
    """
    try:
        matcher = reader.postings(field, token)
    except TermNotFound:
        return EMPTY_IDS, EMPTY_WEIGHTS
    if not fast:
        return _generic(matcher)
    # Deleted documents are dropped later with the live mask; skip Whoosh's per-id filter.
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    found = leaf_postings(matcher)
    return found if found is not None else _generic(matcher)
