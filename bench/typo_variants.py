"""Typo tolerance, measured on misspellings generated from the tuning half's queries.

The judged set has few typo queries (20 in the tuning half), too few to tune the spelling
rules on. This tool takes every query of the tuning half of bench/judged/split.json that has
judgments and is not itself a typo query, and misspells it in each of four ways, one content
word at a time (4+ letters, not a function word of any EU language, not quoted), chosen by a
generator with a fixed seed:

    swap      two neighbouring letters ("grooming" -> "gromoing"), never the first
    drop      one letter, never the first ("helpline" -> "helpine")
    double    one letter typed twice ("abuse" -> "abusse")
    replace   one letter, never the first, typed as a neighbouring key of a QWERTY keyboard
              ("sexting" -> "sextinf"), when it is a Latin letter
    accents   every diacritic of the word dropped ("Prävention" -> "Pravention"), when it has any

It searches the untouched queries and the variants as /search does (filters included) and
prints the variants' nDCG@10 as a share of the untouched queries' (1.0: typos cost nothing),
overall and per way, and how many untouched queries were "corrected" although they were
spelt right. The test half is never read: this is a tuning tool.

    .venv/bin/python bench/typo_variants.py [--backend whoosh|postgres] [--distractors 2000]
        [--seed 13] [-v]

-v lists the variants that lost ranking, with the query the search corrected them to.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_quality import (
    DISTRACTOR_SEED,
    Judged,
    K,
    evaluate,
    load_judged,
    loaded_app,
)

from app.search.analysis import TOKEN_PATTERN, fold, query_stopwords

WAYS = ("swap", "drop", "double", "replace", "accents")
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Each Latin letter's neighbours on its own row of a QWERTY keyboard.
NEIGHBOURS = {
    row[i]: row[max(i - 1, 0) : i] + row[i + 1 : i + 2] for row in _ROWS for i in range(len(row))
}
MIN_LETTERS = 4
SKIPPED_KINDS = ("typo", "empty")
_WORD_RE = re.compile(TOKEN_PATTERN)
_QUOTED_RE = re.compile(r'"[^"]*"')
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})


@dataclass(frozen=True)
class Variant:
    query: Judged  # the untouched query
    way: str
    q: str  # the misspelt query
    word: str  # the word as typed in the query
    typo: str  # the word as misspelt


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_SPECIAL))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def content_words(q: str) -> list[re.Match[str]]:
    """The words of `q` a typo may hit: letters only, 4 or more, not function words, not
    quoted, not operators nor excluded (`-word`)."""
    quoted = [m.span() for m in _QUOTED_RE.finditer(q)]
    out = []
    for m in _WORD_RE.finditer(q):
        word = m.group()
        if any(a <= m.start() < b for a, b in quoted) or word in _OPERATORS:
            continue
        if m.start() and q[m.start() - 1] == "-":
            continue
        if len(word) >= MIN_LETTERS and word.isalpha() and fold(word) not in query_stopwords():
            out.append(m)
    return out


def misspell(word: str, way: str, rng: random.Random) -> str | None:
    """`word` misspelt in this way, or None when it cannot be."""
    if way == "accents":
        plain = strip_accents(word)
        return plain if plain != word else None
    if way == "swap":
        spots = [i for i in range(1, len(word) - 1) if word[i].lower() != word[i + 1].lower()]
        if not spots:
            return None
        i = rng.choice(spots)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if way == "replace":
        spots = [i for i in range(1, len(word)) if word[i].lower() in NEIGHBOURS]
        if not spots:
            return None
        i = rng.choice(spots)
        key = rng.choice(NEIGHBOURS[word[i].lower()])
        return word[:i] + (key.upper() if word[i].isupper() else key) + word[i + 1 :]
    i = rng.randrange(1, len(word))
    if way == "drop":
        return word[:i] + word[i + 1 :]
    return word[: i + 1] + word[i] + word[i + 1 :]  # double


def variants(queries: list[Judged], seed: int) -> list[Variant]:
    out = []
    for query in queries:
        words = content_words(query.q)
        for way in WAYS:
            # One generator per query and way: adding a query or a way moves no other variant.
            rng = random.Random(f"{seed}:{query.id}:{way}")
            usable = [m for m in words if misspell(m.group(), way, random.Random(0))]
            if not usable:
                continue
            m = rng.choice(usable)
            typo = misspell(m.group(), way, rng)
            if typo is None:
                continue
            q = query.q[: m.start()] + typo + query.q[m.end() :]
            out.append(Variant(query, way, q, m.group(), typo))
    return out


def search_all(app, items: list[tuple[str, Judged]]) -> dict[str, tuple[list[str], str | None]]:
    """{q: (ranked external ids, corrected query or None)}, each q searched as /search does."""
    from werkzeug.datastructures import MultiDict

    from app.core.extensions import db
    from app.search.query import parse_search_args
    from app.search.services import search_measures

    out: dict[str, tuple[list[str], str | None]] = {}
    with app.app_context():
        for q, query in items:
            if q in out:
                continue
            args = MultiDict([("q", q), ("per_page", str(K)), ("expand", "1")])
            for key, value in query.filters.items():
                for v in value if isinstance(value, list) else [value]:
                    args.add(key, str(v))
            results = search_measures(parse_search_args(args, strict=True))
            out[q] = ([hit.external_id or "" for hit in results.hits], results.corrected_query)
        db.session.remove()
        db.engine.dispose()
    return out


def run(backend: str, distractors: int, seed: int, verbose: bool) -> float:
    queries, half_of = load_judged()
    tuning = [
        q
        for q in queries
        if half_of[q.id] == "tune" and q.judgments and q.kind not in SKIPPED_KINDS
    ]
    generated = variants(tuning, seed)
    with loaded_app(backend, distractors) as (app, _first, _last):
        found = search_all(app, [(q.q, q) for q in tuning] + [(v.q, v.query) for v in generated])

    def ndcg(q: str, query: Judged) -> float:
        return evaluate(found[q][0], query.judgments)[0]

    print(
        f"Typo variants ({backend}): {len(generated)} misspellings of {len(tuning)} tuning-half"
        f" queries (seed {seed}; {distractors} distractors, seed {DISTRACTOR_SEED})."
    )
    untouched = statistics.fmean(ndcg(q.q, q) for q in tuning)
    print(f"untouched queries: nDCG@10 {untouched:.3f}")
    ratio = 0.0
    for way in (*WAYS, "all"):
        chosen = [v for v in generated if way in (v.way, "all")]
        before = sum(ndcg(v.query.q, v.query) for v in chosen)
        after = sum(ndcg(v.q, v.query) for v in chosen)
        restored = sum(1 for v in chosen if (found[v.q][1] or "").lower() == v.query.q.lower())
        share = after / before if before else 0.0
        print(
            f"{way:8} {len(chosen):4} variants: nDCG@10 {after / len(chosen):.3f}"
            f" vs {before / len(chosen):.3f} untouched, ratio {share:.3f};"
            f" corrected back exactly {restored}"
        )
        ratio = share
    wrong = [q for q in tuning if found[q.q][1]]
    print(f"untouched queries corrected anyway: {len(wrong)} of {len(tuning)}")
    for q in wrong:
        print(f"  {q.id} {q.q!r} -> {found[q.q][1]!r}")
    if verbose:
        print("\nVariants that lost nDCG@10 (untouched -> misspelt):")
        for v in generated:
            before, after = ndcg(v.query.q, v.query), ndcg(v.q, v.query)
            if after < before - 1e-9:
                print(
                    f"  {v.query.id} {v.way:7} {v.word!r}->{v.typo!r}  {before:.3f} -> {after:.3f}"
                    f"  corrected: {found[v.q][1]!r}"
                )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument("--distractors", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("-v", "--verbose", action="store_true", help="list the variants that lost")
    args = parser.parse_args()
    run(args.backend, args.distractors, args.seed, args.verbose)


if __name__ == "__main__":
    main()
