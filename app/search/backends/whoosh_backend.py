"""The embedded default backend: Whoosh, one index folder per build, one searcher per process."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from whoosh.index import FileIndex
from whoosh.searching import Searcher

from app.search.backends.base import (
    BuildProgress,
    Deadline,
    IndexedVersion,
    IndexMissing,
    SearchBackend,
    SearchQuery,
    SearchResults,
)
from app.search.backends.whoosh_bulk import build_segments, write_segments
from app.search.backends.whoosh_internals import check_whoosh_version, commit_new_segments
from app.search.backends.whoosh_schema import document_fields
from app.search.backends.whoosh_search import WhooshSearch
from app.search.backends.whoosh_snapshot import SegmentCache, Snapshot
from app.search.backends.whoosh_store import (
    COMPACT_MERGE_DOCS,
    REQUEST_MERGE_DOCS,
    IndexStore,
    open_searcher,
    open_writer,
    tiered_merge_policy,
)
from app.search.documents import FACET_KEYS
from app.search.query import parse_text

PROGRESS_EVERY = 0.5  # seconds between updates of a build's progress file


class WhooshBackend(SearchBackend):
    """Readers share one searcher per process, refreshed when the index changed.

    Searches run one at a time per process (a Whoosh searcher is not meant for concurrent use,
    and the GIL would serialise most of the work anyway); each takes milliseconds.
    """

    name = "whoosh"

    def __init__(
        self,
        root: str,
        *,
        write_timeout: float = 10.0,
        limitmb: int = 1024,
    ) -> None:
        check_whoosh_version()
        self.store = IndexStore(root)
        self.write_timeout = write_timeout
        self.limitmb = limitmb
        self._lock = threading.RLock()
        self._pointer: tuple[int, int] | None = None
        self._ix: FileIndex | None = None
        self._searcher: Searcher | None = None
        self._snapshot: Snapshot | None = None
        self._segments = SegmentCache()

    # --- writing ------------------------------------------------------------------------------

    def writer_lock(self, timeout: float) -> AbstractContextManager[None]:
        return self.store.writer_lock(timeout)

    def exists(self) -> bool:
        return self.store.exists()

    def write(self, upserts: list[dict[str, Any]], deletes: list[int]) -> None:
        # Never start a new index here: one holding only this change would hide the loss.
        ix = self.store.open_current()
        if ix is None:
            raise IndexMissing("the search index is missing; run `flask search sync`")
        writer = open_writer(ix, self.write_timeout)
        try:
            for doc in upserts:
                writer.update_document(**document_fields(doc))
            for measure_id in deletes:
                writer.delete_by_term("id", str(measure_id))
            writer.commit(mergetype=tiered_merge_policy(REQUEST_MERGE_DOCS))
        except BaseException:
            writer.cancel()
            raise

    def rebuild(
        self,
        documents: Iterable[dict[str, Any]],
        *,
        procs: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Build a new index folder with bulk segment writers, then swap it in.

        With several processes and a document source that can be split (the indexer's
        PublishedDocuments), each process reads and indexes its own batches of measures
        (app/search/backends/whoosh_bulk.py); otherwise the documents stream through one
        writer here. Each writer keeps its postings in memory and starts a new segment past
        `limitmb`, so nothing spills to disk (spilling halved throughput when measured).
        """
        total = getattr(documents, "total", None)
        done = 0
        shown = time.monotonic()
        self.store.write_progress(0, total)

        def counted(n: int) -> None:
            nonlocal done, shown
            done += n
            if progress:
                progress(n)
            if time.monotonic() - shown >= PROGRESS_EVERY:
                shown = time.monotonic()
                self.store.write_progress(done, total)

        try:
            return self._build(documents, procs, counted)
        finally:
            self.store.clear_progress()

    def _build(
        self, documents: Iterable[dict[str, Any]], procs: int, progress: Callable[[int], None]
    ) -> int:
        name, ix = self.store.new_index()
        try:
            if procs > 1 and hasattr(documents, "id_batches"):
                count = build_segments(
                    ix,
                    documents.id_batches(),  # type: ignore[attr-defined]
                    documents.load,  # type: ignore[attr-defined]
                    procs=procs,
                    limitmb=self.limitmb,
                    after_fork=getattr(documents, "after_fork", None),
                    progress=progress,
                )
            else:

                def fields() -> Iterator[dict[str, Any]]:
                    for doc in documents:
                        yield document_fields(doc)
                        progress(1)

                segments, count = write_segments(ix, fields(), self.limitmb)
                commit_new_segments(ix, segments)
        except BaseException:
            ix.close()
            shutil.rmtree(self.store.root / name, ignore_errors=True)
            raise
        ix.close()
        self.store.swap(name)
        return count

    def compact(self) -> None:
        """Merge the small segments that publishing left behind (not inside a request)."""
        ix = self.store.open_current()
        if ix is None:
            return
        writer = open_writer(ix, self.write_timeout)
        try:
            writer.commit(mergetype=tiered_merge_policy(COMPACT_MERGE_DOCS))
        except BaseException:
            writer.cancel()
            raise

    def build_status(self) -> BuildProgress | None:
        found = self.store.read_progress()
        return BuildProgress(done=found[0], total=found[1]) if found else None

    def clear(self) -> None:
        self.store.clear()
        # An empty index, not none: "no index" means lost or being rebuilt (SearchUnavailable).
        self.store.ensure_current()
        with self._lock:
            self._close_reader()

    # --- reading ------------------------------------------------------------------------------

    def _close_reader(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = self._ix = self._snapshot = None

    def _acquire(self) -> tuple[Searcher, Snapshot] | None:
        """The process's searcher, reopened on a swap and refreshed after a commit."""
        key = self.store.pointer_key()
        if key != self._pointer or self._searcher is None:
            self._close_reader()
            self._pointer = key
            if key is None:
                return None
            ix = self.store.open_current()
            if ix is None:
                return None
            self._ix, self._searcher = ix, open_searcher(ix)
        elif not self._searcher.up_to_date():
            self._searcher = open_searcher(self._ix, self._searcher)  # type: ignore[arg-type]
            self._snapshot = None
        if self._snapshot is None:
            self._snapshot = self._segments.snapshot(self._searcher.reader())
        return self._searcher, self._snapshot

    def search(self, query: SearchQuery, budget: float | None = None) -> SearchResults:
        parsed = parse_text(query.q, expand=query.expand, no_expand=query.no_expand)
        with self._lock:
            acquired = self._acquire()
            if acquired is None:
                return SearchResults(
                    query=query,
                    total=0,
                    hits=[],
                    facets={k: {} for k in FACET_KEYS},
                    expansions=list(parsed.expansions),
                    unavailable=True,
                )
            searcher, snapshot = acquired
            # The clock starts once this search has the searcher: waiting for another
            # search, or refreshing after a commit, is not this query's cost.
            return WhooshSearch(searcher, snapshot, query, parsed, Deadline(budget)).run()

    def indexed_versions(self) -> dict[int, IndexedVersion]:
        with self._lock:
            acquired = self._acquire()
            if acquired is None:
                return {}
            searcher, _snapshot = acquired
            return {
                int(fields["id"]): IndexedVersion(
                    revision_id=int((fields.get("meta") or {}).get("revision_id") or 0)
                )
                for fields in searcher.reader().all_stored_fields()
            }

    def doc_count(self) -> int:
        with self._lock:
            acquired = self._acquire()
            return acquired[0].doc_count() if acquired else 0

    def close(self) -> None:
        with self._lock:
            self._close_reader()
