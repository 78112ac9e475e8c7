"""Known items: each demo measure's title, asked for as typed, should find that measure first.

A check beside the judged set, generated rather than judged, so nothing was tuned on it: every
real demo measure's full title, its name (the title before a dash, colon or bracket) and the
first three words of a longer name are searched as /search runs them, over the same corpus as
bench/search_quality.py (the demo data and 2,000 distractors). Prints, per query kind, the mean
reciprocal rank of the measure (0 when it is not in the first 20), and every query that does
not find it first.

    .venv/bin/python bench/known_items.py [--backend whoosh|postgres] [--distractors 2000]
"""

from __future__ import annotations

import argparse
import json
import re

from search_quality import ROOT, loaded_app

DEPTH = 20  # hits looked at
NAME_END = re.compile(r" [–—:(-] |: | \(")  # where a title's name ends


def known_items() -> list[tuple[str, str, str]]:
    """(external id, kind, query) for every real demo measure."""
    out = []
    with (ROOT / "app/demo/measures.jsonl").open(encoding="utf-8") as lines:
        for record in map(json.loads, filter(str.strip, lines)):
            title, external_id = record["title"], record["external_id"]
            name = NAME_END.split(title)[0].strip()
            out.append((external_id, "title", title))
            if name != title:
                out.append((external_id, "name", name))
            if len(name.split()) > 3:
                out.append((external_id, "first 3 words", " ".join(name.split()[:3])))
    return out


def ranks(app, items: list[tuple[str, str, str]]) -> list[int | None]:
    from werkzeug.datastructures import MultiDict

    from app.search.query import parse_search_args
    from app.search.services import search_measures

    out: list[int | None] = []
    with app.app_context():
        for external_id, _kind, q in items:
            args = MultiDict([("q", q), ("per_page", str(DEPTH))])
            hits = [
                hit.external_id
                for hit in search_measures(parse_search_args(args, strict=True)).hits
            ]
            out.append(hits.index(external_id) + 1 if external_id in hits else None)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="whoosh", choices=("whoosh", "postgres"))
    parser.add_argument("--distractors", type=int, default=2000)
    args = parser.parse_args()
    items = known_items()
    with loaded_app(args.backend, args.distractors) as (app, _first, _last):
        found = ranks(app, items)
    print(f"Known items ({args.backend}, {args.distractors} distractors): rank of the measure")
    for (external_id, kind, q), rank in zip(items, found, strict=True):
        if rank != 1:
            print(f"  {rank or f'>{DEPTH}':>4}  {kind:<13} {external_id}: {q}")
    print()
    for kind in dict.fromkeys(k for _e, k, _q in items):
        mine = [r for (_e, k, _q), r in zip(items, found, strict=True) if k == kind]
        mrr = sum(1 / r for r in mine if r) / len(mine)
        print(f"{kind:<13} {len(mine):>3} queries: mean reciprocal rank {mrr:.3f}")


if __name__ == "__main__":
    main()
