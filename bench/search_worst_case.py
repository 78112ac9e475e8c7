"""Worst-case search costs: the most expensive queries the parser accepts, and the attacks it
refuses, timed at a corpus size (default 10,000 published measures).

Issue 15 found queries that took seconds (55 random words, one 500-character word) and
brackets nested deep enough to crash the parser. The parser is now bounded (length, depth,
number of words: app/search/query.py) and "did you mean" corrects a few words of plausible
length only (app/search/suggestions.py). This measures what is left, with no time budget
(SEARCH_TIME_BUDGET would cut the worst cases short and hide them):

- each query through the search service, as the page and the API ask it (facets,
  highlights, 20 hits) and as the CSV/JSONL export asks it (up to 5,000 hits, no facets);
- each query as a whole request to /search (the HTML page) and /api/v1/search, in process;
- the refused attacks, which must answer 400 at once.

Each is run --repeats times (the first run finds cold caches); the medians and the worst run
are printed, and the worst case is compared with the 0.5 s target.

    .venv/bin/python bench/search_worst_case.py [--size 10000] [--workdir DIR] [--repeats 5]

A --workdir that already holds bench.db and search_index/ (from `bench/search_bench.py
--workdir DIR`, under DIR/<size>) is reused as it is. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import shutil
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search_bench  # noqa: E402  (the corpus and the rebuild, shared with the main bench)

TARGET_SECONDS = 0.5
COMMON = [
    "prevention", "children", "school", "parents", "online", "abuse", "grooming", "programme",
    "training", "evaluation", "risk", "support", "teachers", "young", "people", "sexual",
    "helpline", "campaign", "families", "safety", "service", "professionals", "community",
    "therapy", "offending", "trial", "adolescents", "care", "workshops", "internet",
    "Präventionsprogramme", "Kinder", "Lehrkräfte", "enfants", "violences", "écoute", "niños",
    "escuelas", "programma", "kinderen", "dzieci", "rodziców", "data", "report", "manual",
    "disclosure", "consent", "coaches", "volunteers", "boundaries",
]  # fmt: skip
THESAURUS = [
    "grooming", "sextortion", "csam", "Missbrauchsabbildungen", "paedophilia", "pédopiégeage",
    "cybergrooming", "adescamento", "sextorsión", "kindergrooming", "Kinderpornografie",
    "reintegration", "pédopornographie", "child pornography", "sexual extortion",
]  # fmt: skip


def _random_word(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(length))


def accepted_queries() -> dict[str, dict[str, Any]]:
    """The costliest shapes the parser lets through (each at its limits)."""
    from app.search.query import MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, MAX_QUERY_TERMS

    rng = random.Random(15)
    random_words = " ".join(_random_word(rng, rng.randint(4, 9)) for _ in range(MAX_QUERY_TERMS))
    long_words = " ".join(_random_word(rng, 30) for _ in range(MAX_QUERY_LENGTH // 31))
    nested = "a"
    for depth in range(MAX_QUERY_DEPTH):
        nested = f"({COMMON[depth]} OR -{COMMON[depth + 10]} {nested} AND {COMMON[depth + 20]})"
    phrases = " ".join(f'"{COMMON[i]} {COMMON[i + 1]}"' for i in range(0, 40, 2))
    thesaurus = " ".join(" ".join(THESAURUS * 4).split()[:MAX_QUERY_TERMS])
    return {
        f"{MAX_QUERY_TERMS} random words": {"q": random_words[:MAX_QUERY_LENGTH]},
        f"one {MAX_QUERY_LENGTH}-character word": {"q": _random_word(rng, MAX_QUERY_LENGTH)},
        "16 random 30-letter words": {"q": long_words},
        f"{MAX_QUERY_TERMS} common words, 100 hits": {
            "q": " ".join(COMMON[:MAX_QUERY_TERMS])[:MAX_QUERY_LENGTH],
            "per_page": "100",
        },
        "thesaurus words, every concept": {"q": thesaurus[:MAX_QUERY_LENGTH]},
        f"brackets {MAX_QUERY_DEPTH} deep": {"q": nested[:MAX_QUERY_LENGTH]},
        "20 phrases": {"q": phrases[:MAX_QUERY_LENGTH]},
        "exclusions only, by rating": {
            "q": " ".join(f"-{w}" for w in COMMON[:MAX_QUERY_TERMS])[:MAX_QUERY_LENGTH],
            "sort": "rating",
        },
        "common words with filters": {
            "q": " ".join(COMMON[:20]),
            "countries": ["DE", "FR", "AT"],
            "evidence_min": "2",
            "year_from": "2005",
        },
    }


def refused_queries() -> dict[str, dict[str, Any]]:
    rng = random.Random(16)
    return {
        "195 × '(' then a": {"q": "(" * 195 + "a"},
        "166 × '-('": {"q": "-(" * 166},
        "55 random words": {"q": " ".join(_random_word(rng, rng.randint(4, 8)) for _ in range(55))},
        "501 characters": {"q": "a" * 501},
    }


def _timed(run: Callable[[], Any], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def _row(name: str, samples: list[float], note: str = "") -> str:
    median, worst = statistics.median(samples) * 1000, max(samples) * 1000
    return f"  {name:<38} median {median:7.1f} ms   worst {worst:7.1f} ms  {note}"


def measure(workdir: Path, repeats: int) -> float:
    """Print the table; return the worst time of any accepted query (seconds)."""
    from werkzeug.datastructures import MultiDict

    from app import create_app
    from app.compare.views import SEARCH_EXPORT_LIMIT
    from app.search.query import parse_search_args
    from app.search.services import search_measures

    overrides = {
        **search_bench.config(workdir),
        "RATELIMIT_ENABLED": False,
        "SEARCH_TIME_BUDGET": None,
    }
    app = create_app("development", overrides)
    client = app.test_client()
    worst = 0.0
    with app.app_context():
        search_measures(parse_search_args(MultiDict(), strict=False))  # open the searcher
        print("accepted queries, through the search service:", flush=True)
        for name, params in accepted_queries().items():
            query = parse_search_args(MultiDict(params), strict=False)
            export = dataclasses.replace(
                query, page=1, per_page=SEARCH_EXPORT_LIMIT, highlight=False, facets=False
            )
            page = _timed(lambda q=query: search_measures(q), repeats)
            exported = _timed(lambda q=export: search_measures(q), repeats)
            results = search_measures(query)
            note = f"{results.total} found" + (", a suggestion" if results.suggestion else "")
            print(_row(name, page, note), flush=True)
            print(_row("  as an export (5,000 hits)", exported), flush=True)
            worst = max(worst, *page, *exported)
    print("accepted queries, as whole requests (in process):", flush=True)
    for name, params in accepted_queries().items():
        url = urlencode(params, doseq=True)
        for path in ("/search", "/api/v1/search"):

            def get(path: str = path, url: str = url) -> None:
                response = client.get(f"{path}?{url}")
                assert response.status_code == 200, (path, response.status_code)

            samples = _timed(get, repeats)
            print(_row(f"{name} {path}", samples), flush=True)
            worst = max(worst, *samples)
    print("refused attacks (each must answer 400):", flush=True)
    for name, params in refused_queries().items():
        url = urlencode(params, doseq=True)
        for path in ("/search", "/api/v1/search", "/export/search.csv"):

            def refused(path: str = path, url: str = url) -> None:
                status = client.get(f"{path}?{url}").status_code
                assert status == 400, (path, status)

            print(_row(f"{name} {path}", _timed(refused, repeats), "400"), flush=True)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--workdir", help="reuse (or keep) the corpus and index here")
    args = parser.parse_args()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="worst-"))
    try:
        if not (workdir / "bench.db").exists():
            workdir.mkdir(parents=True, exist_ok=True)
            print(f"generating {args.size:,} published measures in {workdir}", flush=True)
            search_bench.prepare(workdir, args.size)
            search_bench.index(workdir, args.procs)
        worst = measure(workdir, args.repeats)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    verdict = "within" if worst < TARGET_SECONDS else "OVER"
    print(
        f"\nworst accepted query: {worst * 1000:.0f} ms ({verdict} the "
        f"{TARGET_SECONDS * 1000:.0f} ms target)"
    )


if __name__ == "__main__":
    main()
