"""Every use of Whoosh's private attributes, in one module, behind a version check.

Whoosh's public API walks postings one document at a time in Python and its writer sizes,
pools and sorts each posting on its own; the engine is fast because it reads and writes
Whoosh's structures in bulk instead (whoosh_postings.py, whoosh_bulk.py, whoosh_store.py).
Those structures are private to Whoosh and may change in any release, so they are touched
here only, and `check_whoosh_version()` (run by create_app and by WhooshBackend) refuses to
start with any Whoosh but the one this module was checked against.

tests/search/test_whoosh_internals.py compares what is read and written here with Whoosh's
public behaviour (its reader's postings, document ids and field lengths, its BM25F scorer,
its own segment writer) on a few hundred generated documents. To move to another Whoosh:
install it, run that module, fix what it reports, then change CHECKED_VERSION.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import metadata
from typing import Any

import numpy as np
import whoosh
from whoosh import columns
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.index import FileIndex
from whoosh.matching import ListMatcher
from whoosh.reading import IndexReader
from whoosh.writing import SegmentWriter

DISTRIBUTION = "whoosh-reloaded"
CHECKED_VERSION = "2.7.5"

_NUMPY_TYPES = {"b": "i1", "B": "u1", "h": ">i2", "H": ">u2", "i": ">i4", "I": ">u4",
                "q": ">i8", "Q": ">u8", "f": ">f4", "d": ">f8"}  # fmt: skip


class WhooshVersionMismatch(RuntimeError):
    """The installed Whoosh is not the one this module's private reads were checked against."""


def installed_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # another distribution of the `whoosh` package
        return whoosh.versionstring()


def check_whoosh_version(installed: str | None = None) -> None:
    """Raise WhooshVersionMismatch unless Whoosh is exactly CHECKED_VERSION."""
    installed = installed or installed_version()
    if installed != CHECKED_VERSION:
        raise WhooshVersionMismatch(
            f"The Whoosh search backend reads private parts of {DISTRIBUTION} "
            f"{CHECKED_VERSION}, but {installed} is installed. Install the pinned version "
            f"(`make install`, or `pip install {DISTRIBUTION}=={CHECKED_VERSION}`). To move "
            f"to {installed} instead, run tests/search/test_whoosh_internals.py with it, fix "
            "what fails in app/search/backends/whoosh_internals.py, and set CHECKED_VERSION "
            "there."
        )


# --- reading ------------------------------------------------------------------------------


def length_column(field: str) -> tuple[str, columns.Column]:
    """The column in which the W3 codec keeps each document's length in `field`."""
    return _lenfield(field), LENGTHS_COLUMN


def fixed_column_array(reader: IndexReader, name: str, column: columns.Column) -> np.ndarray | None:
    """A fixed-width numeric column of one segment as an int64 array, read in one slice.

    None when the column is not stored that way (Whoosh's public reader then does it).
    """
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None:
        return None
    size = reader.doc_count_all()
    if not perdoc.has_column(name):
        return np.full(size, column.default_value(), dtype=np.int64)
    raw = perdoc.column_reader(name, column)
    typecode = getattr(raw, "_typecode", None)
    if typecode not in _NUMPY_TYPES:
        return None
    count = min(raw._count, size)
    data = raw._dbfile.get(raw._basepos, count * raw._fixedlen)
    values = np.frombuffer(data, dtype=np.dtype(_NUMPY_TYPES[typecode])).astype(np.int64)
    if count < size:
        values = np.concatenate([values, np.full(size - count, raw._default, dtype=np.int64)])
    return values


def _leaf_blocks(matcher: W3LeafMatcher) -> tuple[list[np.ndarray], list[np.ndarray]]:
    # A W3 posting block is one pickled tuple of (ids, weights, values): decode whole blocks.
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
    return ids_parts, weight_parts


def leaf_postings(matcher: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """(ids, weights) of a term's leaf matcher, deleted documents included, read in bulk.

    None for a matcher of another kind (the caller walks it with the public API).
    """
    if isinstance(matcher, W3LeafMatcher):
        ids_parts, weight_parts = _leaf_blocks(matcher)
        if not ids_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(ids_parts), np.concatenate(weight_parts)
    if isinstance(matcher, ListMatcher):  # short posting lists, inlined in the term info
        ids = np.asarray(matcher._ids, dtype=np.int64)
        if matcher._all_weights:
            weights = np.full(ids.size, matcher._all_weights, dtype=np.float32)
        elif matcher._weights:
            weights = np.asarray(matcher._weights, dtype=np.float32)
        else:
            weights = np.ones(ids.size, dtype=np.float32)
        return ids, weights
    return None


# --- the table of contents ------------------------------------------------------------------


def read_toc(ix: FileIndex) -> Any:
    """The index's latest table of contents (generation, schema, segments), read afresh."""
    return ix._read_toc()


def index_segments(ix: FileIndex) -> list[Any]:
    """The segments the index's latest generation lists."""
    return ix._segments()


def commit_new_segments(ix: FileIndex, segments: Sequence[Any]) -> None:
    """List finished segments in the index's table of contents, as one new generation."""
    writer = SegmentWriter(ix)  # holds Whoosh's lock on this index while it commits
    try:
        writer._close_segment()  # its own (empty) segment is not used
        writer._commit_toc(list(writer.segments) + list(segments))
    finally:
        writer._finish()


# --- writing --------------------------------------------------------------------------------


class LeanSegmentWriter(SegmentWriter):
    """A SegmentWriter whose subclass adds documents and writes the postings itself.

    A subclass calls `begin_document()` and `document_added()` around each document it
    writes through `perdocwriter`, and implements `write_postings()`; `finish()` writes the
    segment and returns it, without listing it in the index (see commit_new_segments).
    The index's own lock is not taken: the caller holds the search writer lock.
    """

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, _lk=False, **kwargs)

    def begin_document(self, names: Iterable[str]) -> None:
        """Refuse a closed writer and field names the schema does not have."""
        self._check_state()
        self._check_fields(self.schema, names)

    def document_added(self) -> None:
        self._added = True
        self.docnum += 1

    def write_postings(self) -> None:
        """Close the per-document writer, then write every posting with `fieldwriter`."""
        raise NotImplementedError

    def _flush_segment(self) -> None:
        self.write_postings()

    def finish(self) -> Any:
        """Write the segment and return it (not yet listed in the index)."""
        return self._finalize_segment()
