"""The search backend interface, and the query and result types every backend shares."""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SORTS = ("relevance", "evidence", "rating", "newest")


class IndexMissing(RuntimeError):
    """The index is gone (deleted, lost with a disk): changes wait in the outbox until
    `flask search sync` or `rebuild` builds it again from the database."""


class LockTimeout(RuntimeError):
    """Another process holds the index writer lock for longer than we were willing to wait."""


class SearchTimeout(RuntimeError):
    """A search ran past its time budget and was stopped (app.search.services answers 503)."""


class Deadline:
    """When a search must be done by, on the monotonic clock; no budget means never.

    Backends check it between steps of a search (and PostgreSQL enforces what is left as its
    statement_timeout), so a costly query stops instead of holding a worker.
    """

    def __init__(self, budget: float | None = None) -> None:
        self.at = None if budget is None else time.monotonic() + budget

    def remaining(self) -> float | None:
        return None if self.at is None else self.at - time.monotonic()

    @property
    def passed(self) -> bool:
        return self.at is not None and time.monotonic() >= self.at

    def check(self) -> None:
        """Raise SearchTimeout once the deadline has passed."""
        if self.passed:
            raise SearchTimeout("the search ran past its time budget")


@dataclass(frozen=True)
class SearchQuery:
    """One search, as the page and the API ask for it (already validated)."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    evidence_min: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    expand: bool = True  # expand words naming concepts of the vocabulary
    no_expand: frozenset[str] = frozenset()  # concept ids the user removed
    autocorrect: bool = True  # search misspelt words as corrected
    # Show what matches part of a query whose distinctive words no measure holds
    # (app/search/off_topic.py) instead of nothing.
    partial: bool = False
    # Correct a 4-letter word with a letter replaced too ("Ssfe" -> "safe"): the service's
    # second try when the strict corrections leave the query off topic (search_measures).
    lenient_spelling: bool = False
    highlight: bool = True
    facets: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Expansion:
    """A concept expansion applied to the query, shown so the user can remove it."""

    concept: str
    label: str
    matched: str
    added: tuple[str, ...]


@dataclass(frozen=True)
class Via:
    """An expansion that alone brought a hit: its concept, the concept's English name and the
    words typed. Said in English by str() (the API: "sextortion (from ‘photos threatened’)");
    the results page names the concept in the reader's language."""

    concept: str
    label: str
    matched: str

    def __str__(self) -> str:
        return f"{self.label} (from ‘{self.matched}’)"


@dataclass
class SearchHit:
    id: int
    external_id: str | None
    title: str
    summary: str
    evidence_level: int
    evidence_label: str
    harm_flag: bool
    countries: list[str]
    score: float
    highlights: dict[str, str]  # field -> HTML with <mark>, text escaped
    published_at: datetime | None = None
    rating: float = 0.0
    text_language: str | None = None
    # The expansions that brought this hit, when the words typed did not.
    matched_via: list[Via] = field(default_factory=list)


@dataclass
class SearchResults:
    query: SearchQuery
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    expansions: list[Expansion] = field(default_factory=list)
    # Set when misspelt words were corrected: the results are for `corrected_query`, the
    # user typed `original_query`.
    corrected_query: str | None = None
    original_query: str | None = None
    # Typed words no published measure holds, in a query whose other words are all generic:
    # nothing is shown (app/search/off_topic.py).
    off_topic: list[str] = field(default_factory=list)
    # No index to search (lost, or not built yet): not the same as "nothing matched".
    unavailable: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


@dataclass(frozen=True)
class BuildProgress:
    """A build of the index from the database that is running now, in whichever process."""

    done: int
    total: int | None  # None: not known (the builder did not say)


@dataclass
class IndexedVersion:
    """What the index holds for one measure, to compare with the database."""

    revision_id: int


class SearchBackend(abc.ABC):
    """A place to index documents and search them.

    Write methods are called only by app.search.indexer while it holds `writer_lock()`, so
    exactly one writer exists at a time across every process. Read methods may be called from
    any thread.
    """

    name: str = "?"

    # --- writing (indexer only) ---------------------------------------------------------------

    @abc.abstractmethod
    def writer_lock(self, timeout: float) -> AbstractContextManager[None]:
        """Hold the one writer lock, or raise LockTimeout after `timeout` seconds."""

    @abc.abstractmethod
    def write(self, upserts: list[dict[str, Any]], deletes: list[int]) -> None:
        """Replace these documents (by id) and remove those ids, committed as one change."""

    @abc.abstractmethod
    def rebuild(
        self,
        documents: Iterable[dict[str, Any]],
        *,
        procs: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Build a fresh index from `documents` and swap it in atomically; returns the count.

        Searches keep being answered from the old index until the swap.
        """

    def compact(self) -> None:  # noqa: B027  (optional: nothing to do for most backends)
        """Tidy the index after many small writes (called by `flask search sync`)."""

    @abc.abstractmethod
    def exists(self) -> bool:
        """Whether an index has been built (a missing one needs a rebuild, not a sync)."""

    def build_status(self) -> BuildProgress | None:
        """The build of this index running now (in any process), or None when none runs.

        Truthful after a crash: a builder that died no longer counts, whatever it left.
        """
        return None

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document (tests, and a rebuild from nothing)."""

    # --- reading ------------------------------------------------------------------------------

    @abc.abstractmethod
    def search(self, query: SearchQuery, budget: float | None = None) -> SearchResults:
        """Run one search: hits for the page, total, facet counts, suggestion.

        `budget` is the time in seconds the search itself may take (waiting for the
        process's searcher does not count); past it, raise SearchTimeout. "Did you mean"
        is left out rather than fail a search that has its results.
        """

    @abc.abstractmethod
    def indexed_versions(self) -> dict[int, IndexedVersion]:
        """Every indexed measure id and the revision it was indexed from."""

    @abc.abstractmethod
    def doc_count(self) -> int:
        """How many documents the index holds."""

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Release open files or connections."""


def content_nodes(nodes: tuple[Any, ...]) -> tuple[Any, ...]:
    """The soft parts of a group but its function words ("de", "the"), unless nothing else is
    left: inside a run of words that names a concept ("línea de ayuda") a function word
    must not match every document of its language."""
    from app.search.analysis import query_stopwords
    from app.search.query import Word

    stop = query_stopwords()
    kept = tuple(n for n in nodes if not (isinstance(n, Word) and all(t in stop for t in n.tokens)))
    return kept or nodes


def typed_text(node: Any) -> str:
    """A node of the query as the user typed it (a concept expansion by its own words)."""
    from app.search.query import Group, Phrase, Synonyms, Word

    if isinstance(node, Word | Phrase):
        return node.text
    if isinstance(node, Synonyms):
        return typed_text(node.original)
    if isinstance(node, Group):
        return " ".join(typed_text(n) for n in node.must + node.should)
    return ""
