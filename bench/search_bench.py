"""Search performance, measured side by side with a SQLite FTS5 baseline in one run.

For each corpus size (default 10,000 and 100,000 published measures):

1. `flask measures generate N --seed 1 --publish` into a fresh SQLite database;
2. bulk indexing throughput of `flask search rebuild` (documents/s, both cores);
3. p50/p95/p99 latency of GET /api/v1/search through a real WSGI server (gunicorn, one sync
   worker, a separate process) for a fixed mix of 200 queries, each with facet counts and
   highlights (the API always computes both), after one warm-up pass;
4. publish→searchable latency: a measure is published through the services in this process
   (the after-commit sync indexes it) and the API is polled until it is found;
5. the same 200 queries on a SQLite FTS5 baseline over the same corpus, in process: top 10 by
   bm25 + exact count + facet counts + snippets of the 10 hits; and the ratios.

    .venv/bin/python bench/search_bench.py [--sizes 10000,100000] [--workdir DIR] [--keep]

Results vary with the machine's load: run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"

WORDS = [
    "grooming", "school", "parents", "helpline", "therapy", "online", "prevention", "children",
    "teachers", "campaign", "offending", "trial", "volunteers", "disclosure", "boundaries",
    "consent", "coaches", "confidential", "workshops", "manual", "Präventionsprogramme",
    "Kinder", "Lehrkräfte", "enfants", "violences", "écoute", "niños", "escuelas", "programma",
    "adescamento", "kinderen", "hulplijn", "dzieci", "rodziców", "safety", "abuse",
]  # fmt: skip
PHRASES = ['"body safety"', '"warning signs"', '"helpline"', '"safe environments"',
           '"classroom sessions"', '"child protection"']  # fmt: skip
QUESTIONS = [
    "school programme on body safety evaluated with a trial",
    "how can parents recognise grooming online",
    "confidential help for people worried about their sexual thoughts",
    "training for coaches in sports clubs",
]
FILTERS = [
    {}, {}, {}, {"countries": ["DE"]}, {"countries": ["FR", "BE"]},
    {"target_groups": ["children", "parents_carers"]}, {"evidence_min": ["3"]},
    {"settings": ["school"], "year_from": ["2010"]}, {"languages": ["de"]},
]  # fmt: skip


def query_mix(n: int = 200, seed: int = 7) -> list[dict[str, Any]]:
    """A fixed mix: one to three words, phrases, long questions, browsing, with filters."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 10
        if kind < 5:
            q = " ".join(rng.sample(WORDS, rng.choice((1, 1, 2, 3))))
        elif kind < 7:
            q = rng.choice(PHRASES)
        elif kind < 9:
            q = rng.choice(QUESTIONS)
        else:
            q = ""
        out.append({"q": q, **rng.choice(FILTERS)})
    return out


# --- helpers ----------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "mean": statistics.mean(ordered)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(workdir: Path) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
        "SEARCH_INDEX_DIR": str(workdir / "search_index"),
        "UPLOAD_DIR": str(workdir / "uploads"),
        "MAIL_DIR": str(workdir / "mail"),
        "API_RATE_LIMIT": "1000000 per minute",
        "SECRET_KEY": "bench-only-secret-not-for-production",
    }


def flask(workdir: Path, *args: str) -> str:
    env = {
        **os.environ,
        "APP_CONFIG": "development",
        "DATABASE_URL": config(workdir)["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_INDEX_DIR": str(workdir / "search_index"),
        "UPLOAD_DIR": str(workdir / "uploads"),
        "MAIL_DIR": str(workdir / "mail"),
    }
    done = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


# --- the steps --------------------------------------------------------------------------------


def prepare(workdir: Path, n: int) -> float:
    """Database with n published measures; returns seconds taken by `measures generate`."""
    from app import create_app
    from app.core.extensions import db

    app = create_app("development", config(workdir))
    with app.app_context():
        db.create_all()
    started = time.monotonic()
    flask(workdir, "measures", "generate", str(n), "--seed", "1", "--publish")
    return time.monotonic() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def index(workdir: Path, procs: int) -> tuple[int, float, float]:
    """(documents, wall seconds, CPU seconds of the rebuild and its worker processes).

    On a shared machine the wall time depends on the other load; the CPU time much less.
    """
    cpu = _children_cpu()
    started = time.monotonic()
    out = flask(workdir, "search", "rebuild", "--procs", str(procs))
    elapsed = time.monotonic() - started
    count = int(out.split("Indexed ", 1)[1].split(" ", 1)[0])
    return count, elapsed, _children_cpu() - cpu


def serve(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    factory = f"app:create_app('development', {json.dumps(config(workdir))})"
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            factory,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/api/v1/search?per_page=1", timeout=30).read()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start: " + proc.stderr.read().decode()[-2000:])


def api_latencies(
    base: str, queries: list[dict[str, Any]]
) -> tuple[dict[str, float], dict[str, float]]:
    """(first pass, caches cold; second pass, the same queries again)."""

    def get(params: dict[str, Any]) -> dict:
        url = f"{base}/api/v1/search?" + urllib.parse.urlencode(
            {"per_page": 10, **params}, doseq=True
        )
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.loads(response.read())

    get({})  # open the searcher
    passes = []
    for _ in range(2):
        samples = []
        for params in queries:
            started = time.perf_counter()
            get(params)
            samples.append((time.perf_counter() - started) * 1000)
        passes.append(percentiles(samples))
    return passes[0], passes[1]


def publish_latency(workdir: Path, base: str, repeats: int = 5) -> dict[str, float]:
    from app import create_app
    from app.core.extensions import db
    from app.measures.services import create_measure, make_revision_public, submit_measure
    from app.records.schema import validate_record
    from app.search import init_search
    from app.search.concept_match import load_tables

    app = create_app("development", config(workdir))
    init_search(app)
    # As gunicorn's master does before it forks the workers that publish.
    load_tables()
    samples = []
    with app.app_context():
        for i in range(repeats):
            word = f"zqxbench{os.getpid()}x{i}"
            record = validate_record(
                {
                    "title": f"Benchmark measure {word}",
                    "summary": "A measure published by the "
                    "benchmark to time publish-to-searchable.",
                    "countries": ["DE"],
                    "prevention_level": "primary",
                    "target_groups": ["children"],
                    "settings": ["school"],
                    "organisation": "Bench",
                    "text_language": "en",
                }
            )
            measure = create_measure(None, record)
            submit_measure(None, measure)
            make_revision_public(measure, measure.working_revision)
            started = time.perf_counter()
            db.session.commit()  # the after-commit sync indexes it
            while True:
                url = f"{base}/api/v1/search?q={word}&per_page=1"
                with urllib.request.urlopen(url, timeout=30) as response:
                    if json.loads(response.read())["total"]:
                        break
                if time.perf_counter() - started > 30:
                    raise SystemExit("a published measure did not become searchable in 30 s")
            samples.append((time.perf_counter() - started) * 1000)
    return {"median": statistics.median(samples), "max": max(samples)}


# --- the FTS5 baseline ------------------------------------------------------------------------

FACETS = ("countries", "prevention_level", "target_groups", "settings", "abuse_forms",
          "delivery", "evidence_level", "languages", "status", "cost_level")  # fmt: skip


def fts_build(workdir: Path) -> tuple[sqlite3.Connection, int, float]:
    from app import create_app
    from app.search.documents import facet_values
    from app.search.indexer import iter_published_documents

    path = workdir / "fts.db"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE VIRTUAL TABLE docs USING fts5(title, summary, body,
            tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE meta (id INTEGER PRIMARY KEY, evidence INTEGER, year INTEGER);
        CREATE TABLE facets (doc INTEGER, key TEXT, value TEXT);
    """)
    app = create_app("development", config(workdir))
    started = time.monotonic()
    count = 0
    with app.app_context():
        for doc in iter_published_documents():
            conn.execute(
                "INSERT INTO docs(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                (doc["id"], doc["title"], doc["summary"], doc["body"]),
            )
            conn.execute(
                "INSERT INTO meta VALUES (?, ?, ?)",
                (doc["id"], doc["evidence_level"], doc["start_year"] or 0),
            )
            conn.executemany(
                "INSERT INTO facets VALUES (?, ?, ?)",
                [(doc["id"], key, value) for key in FACETS for value in facet_values(doc, key)],
            )
            count += 1
    conn.executescript(
        "CREATE INDEX ix_facets ON facets (key, value, doc);"
        "CREATE INDEX ix_facets_doc ON facets (doc);"
    )
    conn.commit()
    return conn, count, time.monotonic() - started


def _fts_match(q: str) -> str | None:
    """Our query semantics in FTS5 terms: words OR-ed, function words dropped, phrases kept."""
    from app.search.analysis import fold, query_stopwords

    if not q:
        return None
    if q.startswith('"'):
        return q
    words = [w.replace('"', "") for w in q.split()]
    kept = [w for w in words if fold(w) not in query_stopwords()] or words
    return " OR ".join(f'"{w}"' for w in kept if w)


def fts_query(conn: sqlite3.Connection, params: dict[str, Any]) -> int:
    """Top 10 + exact count + facet counts + snippets, as the API answers them."""
    # The SQL is assembled from fixed fragments; every value is a ? parameter.
    match = _fts_match(params.get("q", ""))
    where, args = [], []
    if match:
        where.append("m.id IN (SELECT rowid FROM docs WHERE docs MATCH ?)")
        args.append(match)
    for key in FACETS:
        if key in params:
            marks = ",".join("?" * len(params[key]))
            in_facet = f"m.id IN (SELECT doc FROM facets WHERE key = ? AND value IN ({marks}))"  # noqa: S608
            where.append(in_facet)
            args += [key, *params[key]]
    if "evidence_min" in params:
        where.append("m.evidence >= ?")
        args.append(int(params["evidence_min"][0]))
    if "year_from" in params:
        where.append("m.year >= ?")
        args.append(int(params["year_from"][0]))
    cond = " AND ".join(where) or "1"
    # The matching ids once, in a temporary table; count, facets and the top 10 read it.
    hits_sql = f"INSERT INTO hits SELECT id FROM meta m WHERE {cond}"  # noqa: S608
    facet_sql = (
        "SELECT f.key, f.value, count(*) FROM hits JOIN facets f ON f.doc = hits.id "
        "GROUP BY f.key, f.value"
    )
    # "+rowid" keeps SQLite from running the MATCH once per candidate id (seconds, not ms).
    filtered = "AND +rowid IN (SELECT id FROM hits)" if len(where) > 1 else ""
    top_sql = f"SELECT rowid FROM docs WHERE docs MATCH ? {filtered} ORDER BY bm25(docs, 4.0, 2.0, 1.0) LIMIT 10"  # noqa: E501, S608
    snippets = "snippet(docs, 0, '<mark>', '</mark>', '…', 12), snippet(docs, 1, '<mark>', '</mark>', '…', 40)"  # noqa: E501
    conn.execute("DROP TABLE IF EXISTS temp.hits")
    conn.execute("CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY)")
    conn.execute(hits_sql, args)
    total = conn.execute("SELECT count(*) FROM hits").fetchone()[0]
    conn.execute(facet_sql).fetchall()
    if match:
        top = [row[0] for row in conn.execute(top_sql, [match])]
        if top:
            marks = ",".join("?" * len(top))
            snippet_sql = (
                f"SELECT rowid, {snippets} FROM docs WHERE docs MATCH ? AND rowid IN ({marks})"  # noqa: S608
            )
            conn.execute(snippet_sql, [match, *top]).fetchall()
    else:
        conn.execute("SELECT id FROM hits ORDER BY id DESC LIMIT 10").fetchall()
    return total


def fts_latencies(
    conn: sqlite3.Connection, queries: list[dict[str, Any]]
) -> tuple[dict[str, float], dict[str, float]]:
    passes = []
    for _ in range(2):
        samples = []
        for params in queries:
            started = time.perf_counter()
            fts_query(conn, params)
            samples.append((time.perf_counter() - started) * 1000)
        passes.append(percentiles(samples))
    return passes[0], passes[1]


# --- the run ----------------------------------------------------------------------------------


def _fmt(stats: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.1f} ms" for k, v in stats.items())


def run_size(n: int, workdir: Path, procs: int) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"\n== {n:,} published measures ({workdir})", flush=True)
    generated = prepare(workdir, n)
    print(f"generated in {generated:.0f} s", flush=True)
    count, seconds, cpu = index(workdir, procs)
    print(
        f"bulk index: {count:,} documents in {seconds:.1f} s = {count / seconds:.0f}/s "
        f"(flask search rebuild --procs {procs}); CPU {cpu:.1f} s = "
        f"{cpu / count * 1000:.1f} ms/document, so {procs} idle cores would do about "
        f"{count * procs / cpu:.0f}/s",
        flush=True,
    )
    queries = query_mix()
    server, base = serve(workdir)
    try:
        api_cold, api = api_latencies(base, queries)
        print(
            "API /api/v1/search (200 queries, facets + highlights, via gunicorn):\n"
            f"  first pass  {_fmt(api_cold)}\n  second pass {_fmt(api)}",
            flush=True,
        )
        publish = publish_latency(workdir, base)
        print(
            f"publish→searchable: median {publish['median']:.0f} ms, max {publish['max']:.0f} ms",
            flush=True,
        )
    finally:
        server.terminate()
        server.wait(10)
    conn, fts_count, fts_seconds = fts_build(workdir)
    fts_cold, fts = fts_latencies(conn, queries)
    conn.close()
    print(
        f"FTS5 baseline (built {fts_count:,} in {fts_seconds:.1f} s), same queries:\n"
        f"  first pass  {_fmt(fts_cold)}\n  second pass {_fmt(fts)}",
        flush=True,
    )
    ratio = {k: api[k] / fts[k] if fts[k] else float("inf") for k in ("p50", "p95", "p99")}
    cold_ratio = api_cold["p95"] / fts_cold["p95"] if fts_cold["p95"] else float("inf")
    print(
        "ratio API / FTS5, second passes: "
        + "  ".join(f"{k} {v:.2f}×" for k, v in ratio.items())
        + f"; first passes p95 {cold_ratio:.2f}×",
        flush=True,
    )
    return {
        "n": n,
        "index_per_s": count / seconds,
        "api": api,
        "api_cold": api_cold,
        "fts": fts,
        "fts_cold": fts_cold,
        "ratio": ratio,
        "publish": publish,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--workdir", help="keep the databases and indexes here")
    parser.add_argument("--keep", action="store_true", help="do not delete the work folder")
    args = parser.parse_args()
    base = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="search-bench-"))
    results = []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            results.append(run_size(n, base / str(n), args.procs))
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(base, ignore_errors=True)
    print("\nsummary")
    print(
        f"{'N':>8} {'index/s':>8} {'API p50':>8} {'p95':>7} {'p99':>7} {'1st p95':>8} "
        f"{'FTS5 p95':>9} {'p95 ratio':>9} {'publish':>8}"
    )
    for r in results:
        print(
            f"{r['n']:>8,} {r['index_per_s']:>8.0f} {r['api']['p50']:>7.1f}  "
            f"{r['api']['p95']:>6.1f} {r['api']['p99']:>7.1f} {r['api_cold']['p95']:>8.1f} "
            f"{r['fts']['p95']:>9.1f} "
            f"{r['ratio']['p95']:>8.2f}× {r['publish']['median']:>6.0f}ms"
        )


if __name__ == "__main__":
    main()
