"""Search quality: the judged queries of bench/judged/ over the demo data and 2,000 distractors.

Loads app/demo/measures.jsonl (92 real programmes) and app/demo/synthetic.jsonl (4 labelled
synthetic examples), published, plus 2,000 measures from `flask measures generate` with a fixed
seed (app/measures/generate.py; external ids gen-<seed>-<n>) into a throwaway database and
index. Every query of bench/judged/queries.jsonl goes through the same code as /search and
/api/v1/search (parse_search_args, then search_measures), filters included; the same queries
go through a plain baseline over the same corpus in the same run: one SQLite FTS5 table of
title, summary, summary_en and description, ranked by bm25(), the query's words OR-ed, the
filters applied in SQL.

Prints nDCG@10 (graded gains 0/1/2) and recall@10 for the tuning half and the test half of
bench/judged/split.json, overall, per kind and per language, for both; and, for the queries
that should find nothing, how many show a real (not generated) measure in their top 3.
Ranking is tuned on the tuning half only: the test half is for reporting.

    .venv/bin/python bench/search_quality.py [--backend whoosh|postgres] [--no-thesaurus]
        [--distractors 2000] [-v] [--half tune|test] [--ids q275-q334]

With --backend postgres, DATABASE_URL must point at a PostgreSQL server; a fresh database is
created beside it and dropped afterwards. -v prints every query's ranking (of --half only,
tune by default: read the test half's rankings only to report). --ids reports only the queries
of one range of ids, such as a batch written later (bench/judged/README.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FILES = (
    ROOT / "app" / "demo" / "measures.jsonl",
    ROOT / "app" / "demo" / "synthetic.jsonl",
)
JUDGED = ROOT / "bench" / "judged"
DISTRACTOR_SEED = 20261202
K = 10
# Record keys that filters apply to, as the API names them (year_from/year_to: start_year).
LIST_FILTERS = (
    "countries", "languages", "prevention_level", "target_groups", "settings", "abuse_forms",
    "delivery", "status",
)  # fmt: skip


# --- judged set and metrics -----------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    id: str
    q: str
    lang: str
    kind: str
    judgments: dict[str, int]
    filters: dict = field(default_factory=dict)

    @property
    def expects_nothing(self) -> bool:
        return not self.judgments


def load_judged() -> tuple[list[Judged], dict[str, str]]:
    """The queries, and {query id: "tune" | "test"}."""
    with (JUDGED / "queries.jsonl").open(encoding="utf-8") as lines:
        queries = [
            Judged(
                id=o["id"],
                q=o["q"],
                lang=o["lang"],
                kind=o["kind"],
                judgments=o["judgments"],
                filters=o.get("filters") or {},
            )
            for o in map(json.loads, filter(str.strip, lines))
        ]
    split = json.loads((JUDGED / "split.json").read_text(encoding="utf-8"))
    half = dict.fromkeys(split["tune"], "tune") | dict.fromkeys(split["test"], "test")
    return queries, half


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def evaluate(ranked: list[str], judged: dict[str, int], k: int = K) -> tuple[float, float]:
    """(nDCG@k, recall@k) of one ranking."""
    gains = [judged.get(external_id, 0) for external_id in ranked[:k]]
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    found = sum(1 for external_id in ranked[:k] if judged.get(external_id, 0) > 0)
    relevant = sum(1 for g in judged.values() if g > 0)
    return (dcg(gains) / ideal if ideal else 0.0, found / relevant if relevant else 0.0)


def is_distractor(external_id: str) -> bool:
    return external_id.startswith(f"gen-{DISTRACTOR_SEED}-")


# --- the corpus -----------------------------------------------------------------------------


def demo_records() -> list[dict]:
    records = []
    for path in FILES:
        with path.open(encoding="utf-8") as lines:
            records += [json.loads(line) for line in lines if line.strip()]
    return records


def distractor_records(first: int, last: int) -> list[dict]:
    from app.measures.generate import build_record

    return [build_record(DISTRACTOR_SEED, n) for n in range(first, last + 1)]


def load_app(app, distractors: int) -> tuple[int, int]:
    """Import the demo files (published) and `distractors` generated measures, build the
    index; return the range of generated numbers."""
    from app.core.extensions import db
    from app.measures.generate import generate_measures
    from app.measures.io import import_records
    from app.search import indexer

    with app.app_context():
        db.create_all()
        with indexer.sync_paused():
            for path in FILES:
                with path.open("rb") as lines:
                    report = import_records(lines, publish=True, source=path.name)
                if not report.ok:
                    raise SystemExit(f"{path}: " + "; ".join(report.errors))
            generated = generate_measures(distractors, seed=DISTRACTOR_SEED, publish=True)
        indexer.rebuild()
        db.session.remove()
        return generated.first, generated.last


# --- the two rankers ------------------------------------------------------------------------


def service_rankings(app, queries: list[Judged], thesaurus: bool) -> dict[str, list[str]]:
    """Each query through parse_search_args and search_measures, as /search runs it."""
    from werkzeug.datastructures import MultiDict

    from app.core.extensions import db
    from app.search.query import parse_search_args
    from app.search.services import search_measures

    out: dict[str, list[str]] = {}
    with app.app_context():
        for query in queries:
            args = MultiDict([("q", query.q), ("per_page", str(K))])
            args.add("expand", "1" if thesaurus else "0")
            for key, value in query.filters.items():
                for v in value if isinstance(value, list) else [value]:
                    args.add(key, str(v))
            results = search_measures(parse_search_args(args, strict=True))
            out[query.id] = [hit.external_id or "" for hit in results.hits]
        db.session.remove()
        db.engine.dispose()
    return out


class Bm25Baseline:
    """SQLite FTS5 over title, summary, summary_en and description; bm25(); words OR-ed."""

    def __init__(self, records: Iterable[dict]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.executescript(
            """
            CREATE VIRTUAL TABLE doc USING fts5(
                external_id UNINDEXED, title, summary, summary_en, description,
                tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE facet (external_id TEXT, key TEXT, value TEXT);
            CREATE TABLE year (external_id TEXT PRIMARY KEY, start_year INTEGER);
            """
        )
        for r in records:
            eid = r["external_id"]
            self.db.execute(
                "INSERT INTO doc VALUES (?, ?, ?, ?, ?)",
                (
                    eid,
                    r["title"],
                    r.get("summary", ""),
                    r.get("summary_en", ""),
                    r.get("description", ""),
                ),
            )
            for key in LIST_FILTERS:
                value = r.get(key)
                for v in value if isinstance(value, list) else [value] if value else []:
                    self.db.execute("INSERT INTO facet VALUES (?, ?, ?)", (eid, key, v))
            self.db.execute("INSERT INTO year VALUES (?, ?)", (eid, r.get("start_year")))

    def rank(self, query: Judged) -> list[str]:
        words = re.findall(r"\w+", query.q.lower())
        if not words:
            return []
        sql = "SELECT doc.external_id FROM doc JOIN year USING (external_id) WHERE doc MATCH ?"
        params: list = [" OR ".join(f'"{w}"' for w in dict.fromkeys(words))]
        for key, value in query.filters.items():
            if key == "year_from":
                sql += " AND year.start_year >= ?"
                params.append(value)
            elif key == "year_to":
                sql += " AND year.start_year <= ?"
                params.append(value)
            else:
                sql += (
                    " AND doc.external_id IN (SELECT external_id FROM facet"
                    " WHERE key = ? AND value IN (SELECT value FROM json_each(?)))"
                )
                params += [key, json.dumps(value)]
        sql += f" ORDER BY bm25(doc) LIMIT {K}"
        return [row[0] for row in self.db.execute(sql, params)]


# --- report ---------------------------------------------------------------------------------


@dataclass
class Scores:
    ndcg: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)

    def add(self, ndcg: float, recall: float) -> None:
        self.ndcg.append(ndcg)
        self.recall.append(recall)

    def cells(self) -> str:
        if not self.ndcg:
            return f"{'–':>6} {'':6} {'–':>6}"
        return (
            f"{statistics.fmean(self.ndcg):6.3f} ({statistics.median(self.ndcg):4.2f})"
            f" {statistics.fmean(self.recall):6.3f}"
        )


def report(
    queries: list[Judged],
    half_of: dict[str, str],
    rankings: dict[str, dict[str, list[str]]],
) -> dict[str, dict[str, float]]:
    """Print the tables; return {half: {system: mean nDCG@10}}."""
    systems = list(rankings)
    groups: dict[tuple[str, str], dict[str, Scores]] = {}
    nothing: dict[tuple[str, str], list[int]] = {}
    for query in queries:
        half = half_of[query.id]
        if query.expects_nothing:
            for system in systems:
                top3 = rankings[system][query.id][:3]
                real = sum(1 for eid in top3 if not is_distractor(eid))
                nothing.setdefault((half, system), []).append(real)
            continue
        for label in ("all", f"kind {query.kind}", f"lang {query.lang}"):
            row = groups.setdefault((half, label), {s: Scores() for s in systems})
            for system in systems:
                row[system].add(*evaluate(rankings[system][query.id], query.judgments))

    header = "".join(f" | {s:^27}" for s in systems)
    sub = "".join(f" | {'nDCG@10 (median) recall@10':>27}" for _ in systems)
    means: dict[str, dict[str, float]] = {}
    for half in ("tune", "test"):
        n_half = sum(1 for q in queries if half_of[q.id] == half)
        print(f"\n{half.upper()} HALF ({n_half} queries)")
        print(f"{'':22}{'n':>4}{header}")
        print(f"{'':26}{sub}")
        labels = sorted(
            {label for (h, label) in groups if h == half},
            key=lambda label: (label != "all", not label.startswith("kind"), label),
        )
        for label in labels:
            row = groups[(half, label)]
            n = len(next(iter(row.values())).ndcg)
            print(f"{label:22}{n:4}" + "".join(f" | {row[s].cells():>27}" for s in systems))
            if label == "all":
                means[half] = {s: statistics.fmean(row[s].ndcg) for s in systems}
        for system in systems:
            counts = nothing.get((half, system), [])
            shown = sum(1 for c in counts if c)
            print(
                f"should find nothing: {shown} of {len(counts)} queries show a real measure in"
                f" their top 3 ({system})"
            )
    return means


# --- running it -----------------------------------------------------------------------------


@contextmanager
def loaded_app(backend: str, distractors: int) -> Iterator[tuple[Any, int, int]]:
    """An app over a throwaway database and index holding the demo data and the distractors:
    (app, first and last generated number)."""
    from app import create_app

    with tempfile.TemporaryDirectory() as tmp, _database(tmp, backend) as database_url:
        settings = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": f"{tmp}/index",
            "SEARCH_BACKEND": backend,
            "SEARCH_TIME_BUDGET": None,
            "UPLOAD_DIR": f"{tmp}/uploads",
            "MAIL_DIR": f"{tmp}/mail",
        }
        app = create_app("testing", settings)
        first, last = load_app(app, distractors)
        yield app, first, last


def run(
    backend: str,
    thesaurus: bool,
    distractors: int,
    verbose: bool,
    show_half: str,
    ids: tuple[str, str] | None = None,
) -> dict:
    queries, half_of = load_judged()
    if ids:
        queries = [q for q in queries if in_range(q.id, ids)]
        half_of = {q.id: half_of[q.id] for q in queries}
    with loaded_app(backend, distractors) as (app, first, last):
        corpus = demo_records() + distractor_records(first, last)
        label = backend + ("" if thesaurus else ", no thesaurus")
        halves = list(half_of.values())
        print(
            f"Search quality: {len(queries)} judged queries (tune {halves.count('tune')},"
            f" test {halves.count('test')}) over {len(corpus) - (last - first + 1)} demo"
            f" measures and {last - first + 1} generated distractors (seed {DISTRACTOR_SEED})."
            f"\nService: /search ({label}). Baseline: SQLite FTS5 bm25(), words OR-ed, filters in"
            " SQL. Means over queries with judgments; median nDCG in brackets."
        )
        service = service_rankings(app, queries, thesaurus)
    baseline = Bm25Baseline(corpus)
    rankings = {
        f"service ({backend})": service,
        "FTS5 BM25": {q.id: baseline.rank(q) for q in queries},
    }
    if verbose:
        _print_rankings(queries, half_of, rankings, show_half)
    return report(queries, half_of, rankings)


def _print_rankings(queries, half_of, rankings, show_half: str) -> None:
    for query in queries:
        if half_of[query.id] != show_half:
            continue
        print(f"\n{query.id} [{query.kind}, {query.lang}] {query.q!r} {query.filters or ''}")
        for system, ranked in rankings.items():
            ndcg, recall = evaluate(ranked[query.id], query.judgments)
            print(f"  {system}: nDCG {ndcg:.3f} recall {recall:.2f}")
            for i, eid in enumerate(ranked[query.id], 1):
                mark = "gen" if is_distractor(eid) else query.judgments.get(eid, 0)
                print(f"    {i:2}. [{mark}] {eid}")


@contextmanager
def _database(tmp: str, backend: str) -> Iterator[str]:
    """SQLite in the temporary folder, or a throwaway PostgreSQL database beside DATABASE_URL."""
    if backend != "postgres":
        yield f"sqlite:///{tmp}/quality.db"
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("--backend postgres needs DATABASE_URL=postgresql://…")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"search_quality_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def in_range(query_id: str, ids: tuple[str, str]) -> bool:
    """Whether "q281" is within ("q275", "q334"): ids are "q" and a number."""
    first, last = (int(i.removeprefix("q")) for i in ids)
    return first <= int(query_id.removeprefix("q")) <= last


def id_range(text: str) -> tuple[str, str]:
    first, sep, last = text.partition("-")
    if not (sep and re.fullmatch(r"q\d+", first) and re.fullmatch(r"q\d+", last)):
        raise argparse.ArgumentTypeError("a range of query ids, such as q275-q334")
    return first, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument("--no-thesaurus", action="store_true")
    parser.add_argument("--distractors", type=int, default=2000)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every ranking")
    parser.add_argument("--half", default="tune", choices=("tune", "test"), help="with -v")
    parser.add_argument("--ids", type=id_range, help="only these queries: q275-q334")
    args = parser.parse_args()
    run(args.backend, not args.no_thesaurus, args.distractors, args.verbose, args.half, args.ids)


if __name__ == "__main__":
    main()
