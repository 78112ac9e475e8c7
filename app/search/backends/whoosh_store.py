"""Where the Whoosh index lives on disk: a pointer file, index folders, and the writer lock.

Layout of SEARCH_INDEX_DIR::

    CURRENT          the name of the live index folder (replaced atomically with os.replace)
    index-<stamp>/   a Whoosh index; a rebuild writes a new one beside the live one
    writer.lock      flock()ed by whoever writes: one writer across all processes
    BUILDING         progress of the build running now ({"done": n, "total": n}); it counts only
                     while writer.lock is held, so one left by a killed builder means nothing

A rebuild builds `index-<new>` while searches keep reading the live folder, then swaps CURRENT;
readers notice the new pointer on their next search. The previous folder is kept until the
following swap so that a search still running on it finishes; older ones are removed.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from app.search.backends.base import LockTimeout
from app.search.backends.whoosh_internals import read_toc
from app.search.backends.whoosh_schema import SCHEMA_VERSION, build_schema

POINTER = "CURRENT"
VERSION_FILE = "schema-version"
LOCK_FILE = "writer.lock"
PROGRESS_FILE = "BUILDING"
PREFIX = "index-"


class IndexStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    # --- the pointer -------------------------------------------------------------------------

    def pointer_key(self) -> tuple[int, int] | None:
        """Changes whenever CURRENT is replaced; None when there is no index yet."""
        try:
            st = os.stat(self.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def current_name(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        if not name.startswith(PREFIX) or not (self.root / name).is_dir():
            return None
        try:
            version = (self.root / name / VERSION_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        # An index built by another version of the schema counts as missing: the next sync
        # rebuilds it rather than mixing two analyses.
        return name if version == SCHEMA_VERSION else None

    def exists(self) -> bool:
        return self.current_name() is not None

    def open_current(self) -> FileIndex | None:
        name = self.current_name()
        if name is None:
            return None
        return whoosh_index.open_dir(str(self.root / name))

    # --- writing (under the writer lock) ------------------------------------------------------

    @contextmanager
    def writer_lock(self, timeout: float) -> Iterator[None]:
        """flock() the lock file; raise LockTimeout when another writer keeps it too long."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(
                            f"the search index writer lock in {self.root} is busy"
                        ) from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def writer_busy(self) -> bool:
        """Whether some process (this one included) holds the writer lock right now."""
        try:
            fd = os.open(self.root / LOCK_FILE, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    # --- progress of a build (written under the writer lock, read by anyone) ------------------

    def write_progress(self, done: int, total: int | None) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f"{PROGRESS_FILE}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
        os.replace(tmp, self.root / PROGRESS_FILE)

    def clear_progress(self) -> None:
        (self.root / PROGRESS_FILE).unlink(missing_ok=True)

    def read_progress(self) -> tuple[int, int | None] | None:
        """The running build's progress; None when no build runs (or its file is a leftover)."""
        try:
            data = json.loads((self.root / PROGRESS_FILE).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        if not self.writer_busy():
            return None  # left by a builder that was killed: nobody builds now
        return int(data.get("done") or 0), data.get("total")

    def new_index(self) -> tuple[str, FileIndex]:
        """A fresh, empty index folder beside the live one (not yet live)."""
        name = f"{PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path = self.root / name
        path.mkdir(parents=True)
        ix = whoosh_index.create_in(str(path), build_schema())
        (path / VERSION_FILE).write_text(SCHEMA_VERSION + "\n", encoding="utf-8")
        return name, ix

    def ensure_current(self) -> FileIndex:
        """The live index, created empty when there is none (caller holds the writer lock)."""
        ix = self.open_current()
        if ix is not None:
            return ix
        name, ix = self.new_index()
        self.swap(name)
        return ix

    def swap(self, name: str) -> None:
        """Make `name` the live index in one atomic rename, then tidy old folders."""
        previous = self.current_name()
        tmp = self.root / f"{POINTER}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(name + "\n", encoding="utf-8")
        os.replace(tmp, self.root / POINTER)
        keep = {name, previous}
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith(PREFIX) and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)

    def clear(self) -> None:
        """Forget every index (caller holds the writer lock)."""
        (self.root / POINTER).unlink(missing_ok=True)
        for child in self.root.iterdir() if self.root.exists() else ():
            if child.is_dir() and child.name.startswith(PREFIX):
                shutil.rmtree(child, ignore_errors=True)


# Incremental writes add a small segment each; segments are merged in tiers (four segments
# of about the same size become one), and only while they stay small: Whoosh merges by
# re-indexing, at indexing speed, and its default policy can fold every segment into one on an
# ordinary publish (measured at 100,000 documents: a single publish started a merge that ran
# for minutes and spilled gigabytes of temporary files, inside the request). A write in a
# request merges segments below REQUEST_MERGE_DOCS (a few tenths of a second at most);
# `flask search sync` compacts up to COMPACT_MERGE_DOCS; a rebuild starts afresh.
MERGE_FACTOR = 4
REQUEST_MERGE_DOCS = 16
COMPACT_MERGE_DOCS = 10_000


def tiered_merge_policy(max_docs: int) -> Callable[[Any, list[Any]], list[Any]]:
    """A Whoosh merge policy: merge MERGE_FACTOR same-tier segments smaller than max_docs."""

    def policy(writer: Any, segments: list[Any]) -> list[Any]:
        tiers: dict[int, list[Any]] = {}
        for segment in segments:
            size = segment.doc_count_all()
            if size < max_docs:
                tiers.setdefault(int(math.log(max(size, 1), MERGE_FACTOR)), []).append(segment)
        merged = [s for group in tiers.values() if len(group) >= MERGE_FACTOR for s in group]
        for segment in merged:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return [s for s in segments if s not in merged]

    return policy


def open_writer(ix: FileIndex, timeout: float, **options):
    """ix.writer() that waits for Whoosh's own lock (held only if some other tool writes)."""
    try:
        return ix.writer(timeout=timeout, **options)
    except LockError as exc:
        raise LockTimeout(f"the Whoosh index lock is busy: {exc}") from exc


def _segment_readers(
    ix: FileIndex, toc, reusable: dict[tuple[str, int], IndexReader]
) -> list[IndexReader]:
    """One reader per segment of `toc`; on a missing file, closes only those it opened."""
    readers: list[IndexReader] = []
    opened: list[IndexReader] = []
    try:
        for segment in toc.segments:
            reader = reusable.get((segment.segment_id(), segment.deleted_count()))
            if reader is None:
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
                opened.append(reader)
            readers.append(reader)
    except OSError:
        for reader in opened:
            reader.close()
        raise
    return readers


def open_searcher(ix: FileIndex, previous: Searcher | None = None) -> Searcher:
    """A searcher on the index's latest generation, reusing unchanged segment readers.

    Whoosh's own `Searcher.refresh()` reuses a segment's reader whenever the segment id is
    unchanged, so deletions committed later into that segment stay invisible (an archived
    measure would keep turning up), and it even keeps segments that a merge removed. Here a
    reader is reused only when both the segment and its deletion count are unchanged.
    The previous searcher must not be used afterwards.
    """
    reusable: dict[tuple[str, int], IndexReader] = {}
    if previous is not None:
        for reader, _offset in previous.reader().leaf_readers():
            segment = reader.segment()
            if segment is not None:
                reusable[(segment.segment_id(), segment.deleted_count())] = reader
    for attempt in range(10):
        try:
            toc = read_toc(ix)
            readers = _segment_readers(ix, toc, reusable)
            break
        except OSError:
            # A writer replaced the TOC, or merged away a segment it named, as we read:
            # read the new TOC and try again, as FileIndex.reader does.
            if attempt == 9:
                raise
            time.sleep(0.05)
    kept = {id(reader) for reader in readers}
    for leftover in reusable.values():
        if id(leftover) not in kept:
            leftover.close()
    top: IndexReader = (
        MultiReader(readers, generation=toc.generation) if readers else EmptyReader(toc.schema)
    )
    return Searcher(top, fromindex=ix)
