"""Bulk index builds: a leaner Whoosh segment writer, run in one process per core.

Whoosh spends most of a bulk build in per-posting Python calls: `PostingPool.add` sizes each
posting, `Field.index` re-encodes each term through a generator, the pool sorts millions of
(field, term, doc) tuples, and `FieldWriter.add_postings` looks up each posting's field length
through four layers of column readers. `BulkSegmentWriter` writes the same segment files
(tests/search/test_whoosh_internals.py compares them with Whoosh's own writer) with those
costs batched: postings are kept per field and sorted by term alone (the sort is stable and
documents arrive in order), and field lengths are kept in memory as they are written. A writer
holds its postings in memory and is finished as a segment once they pass `limitmb`, instead of
spilling sorted runs to disk. The Whoosh internals it builds on are in whoosh_internals.py.

`build_segments` runs one such writer per process. Each worker takes batches of measure ids
from a queue, reads and prepares those measures itself (database reads and text analysis both
run on every core; no single feeding process to wait for) and writes its own segments; the
parent hands out ids, relays progress, and commits all the segments as one index generation.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import Any

from whoosh.index import FileIndex
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.search.backends.whoosh_internals import LeanSegmentWriter, commit_new_segments
from app.search.backends.whoosh_schema import FastFrequency, document_fields

_BYTE_LENGTHS = [byte_to_length(i) if i else 0 for i in range(256)]
_PACKED_FREQS = [pack_uint(i) for i in range(256)]
# Rough bytes of memory per posting held (a tuple, a float, and the term's bytes).
_POSTING_BYTES = 170
_by_term = itemgetter(0)


class _MemoryLengths:
    """The `doc_field_length` lookup that add_postings needs, from lengths kept in memory."""

    def __init__(self, lengths: dict[str, bytearray]) -> None:
        self.lengths = lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        column = self.lengths.get(fieldname)
        if column is None or docnum >= len(column):
            return default
        return _BYTE_LENGTHS[column[docnum]]


class BulkSegmentWriter(LeanSegmentWriter):
    """A segment writer for new documents only (no deletes, groups, vectors or boosts).

    Call `finish()` to write the segment; the caller adds it to the index's table of contents.
    """

    def __init__(self, ix: FileIndex, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.postings: dict[str, list[tuple[bytes, int, float, bytes]]] = {}
        self.memory = 0
        self.kept_lengths: dict[str, bytearray] = {}
        self.fast_fields = {
            name
            for name, field in self.schema.items()
            if isinstance(field.format, FastFrequency) and hasattr(field.analyzer, "words")
        }

    def add_document(self, **fields: Any) -> None:
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        names = sorted(fields)
        self.begin_document(names)
        perdocwriter.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    if name in self.fast_fields:
                        boost = field.format.field_boost
                        counts = Counter(field.analyzer.words(value))
                        items = [
                            (
                                word.encode("utf-8"),
                                docnum,
                                freq * boost,
                                _PACKED_FREQS[freq] if freq < 256 else pack_uint(freq),
                            )
                            for word, freq in counts.items()
                        ]
                        length = sum(counts.values()) if field.scorable else 0
                    else:
                        postings = list(field.index(value))
                        items = [(t, docnum, w, v) for t, _f, w, v in postings]
                        length = sum(p[1] for p in postings) if field.scorable else 0
                    if items:
                        self.postings.setdefault(name, []).extend(items)
                        self.memory += len(items) * _POSTING_BYTES
                perdocwriter.add_field(name, field, value if field.stored else None, length)
                if length:
                    column = self.kept_lengths.setdefault(name, bytearray())
                    column.extend(bytes(docnum - len(column)))
                    column.append(length_to_byte(length))
                if field.column_type:
                    perdocwriter.add_column_value(
                        name, field.column_type, field.to_column_value(value)
                    )
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self.document_added()

    def _sorted_postings(self) -> Iterable[tuple[str, bytes, int, float, bytes]]:
        for name in sorted(self.postings):
            items = self.postings.pop(name)
            items.sort(key=_by_term)  # stable: each term's documents stay in order
            for term, docnum, weight, value in items:
                yield name, term, docnum, weight, value

    def write_postings(self) -> None:
        self.perdocwriter.close()
        lengths = _MemoryLengths(self.kept_lengths) if self.codec.length_stats else None
        self.fieldwriter.add_postings(self.schema, lengths, self._sorted_postings())
        self.fieldwriter.close()


def write_segments(
    ix: FileIndex, fields: Iterable[dict[str, Any]], limitmb: int
) -> tuple[list[Any], int]:
    """Index these documents' fields into new segments of at most about `limitmb` postings."""
    segments, count, writer = [], 0, None
    limit = limitmb * 1024 * 1024
    for doc in fields:
        writer = writer or BulkSegmentWriter(ix)
        writer.add_document(**doc)
        count += 1
        if writer.memory >= limit:
            segments.append(writer.finish())
            writer = None
    if writer is not None and writer.docnum:
        segments.append(writer.finish())
    return segments, count


# --- one worker per core --------------------------------------------------------------------


def _next_job(jobs: Any, parent: int) -> list[int] | None:
    """The next batch of ids; exits when the parent is gone (killed), rather than wait on."""
    while True:
        try:
            return jobs.get(timeout=1.0)
        except queue_module.Empty:
            if os.getppid() != parent:
                os._exit(1)


def _worker(
    parent: int,
    ix: FileIndex,
    load: Callable[[list[int]], list[dict[str, Any]]],
    jobs: Any,
    results: Any,
    limitmb: int,
    after_fork: Callable[[], None] | None,
) -> None:
    try:
        if after_fork:
            after_fork()
        segments: list[Any] = []
        writer: BulkSegmentWriter | None = None
        limit = limitmb * 1024 * 1024
        while (ids := _next_job(jobs, parent)) is not None:
            docs = load(ids)
            for doc in docs:
                writer = writer or BulkSegmentWriter(ix)
                writer.add_document(**document_fields(doc))
                if writer.memory >= limit:
                    segments.append(writer.finish())
                    writer = None
            results.put(("progress", len(docs)))
        if writer is not None and writer.docnum:
            segments.append(writer.finish())
        results.put(("done", segments))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def build_segments(
    ix: FileIndex,
    id_batches: Iterable[list[int]],
    load: Callable[[list[int]], list[dict[str, Any]]],
    *,
    procs: int,
    limitmb: int,
    after_fork: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Index the documents `load` returns for each batch of ids, in `procs` forked workers.

    The workers inherit the application (forked), call `after_fork` first (to drop inherited
    database connections), and write segments into `ix`; the segments are committed to `ix`
    together at the end. Returns the number of documents indexed.
    """
    context = multiprocessing.get_context("fork")
    jobs = context.Queue(maxsize=procs * 4)
    results = context.Queue()
    workers = [
        context.Process(
            target=_worker,
            args=(os.getpid(), ix, load, jobs, results, limitmb, after_fork),
            daemon=True,
        )
        for _ in range(procs)
    ]
    for worker in workers:
        worker.start()
    segments: list[Any] = []
    count = finished = 0

    def drain(block: bool) -> None:
        nonlocal count, finished
        while True:
            try:
                kind, payload = results.get(timeout=1.0) if block else results.get_nowait()
            except queue_module.Empty:
                if block and not any(w.is_alive() for w in workers):
                    raise RuntimeError("an indexing worker died without reporting") from None
                if not block:
                    return
                continue
            if kind == "progress":
                count += payload
                if progress:
                    progress(payload)
            elif kind == "done":
                segments.extend(payload)
                finished += 1
            else:
                raise RuntimeError(f"an indexing worker failed:\n{payload}")
            if block:
                return

    try:
        for ids in id_batches:
            while True:
                try:
                    jobs.put(ids, timeout=0.2)
                    break
                except queue_module.Full:
                    drain(block=False)
            drain(block=False)
        for _ in workers:
            jobs.put(None)
        while finished < len(workers):
            drain(block=True)
        for worker in workers:
            worker.join()
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
        raise
    commit_new_segments(ix, segments)
    return count
