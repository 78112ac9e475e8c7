"""Split the judged queries into a tuning half and a test half: bench/judged/split.json.

    .venv/bin/python bench/judged/make_split.py

The rule is random with a fixed seed, stratified by kind, and stable as queries are appended:
within each kind, queries in id order are taken in pairs; a generator seeded with
"<seed>:<kind>:<pair number>" decides whether the first of the pair goes to tuning, and the
second goes to the other half. Adding queries never moves one already split.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261202


def split(queries: list[dict], seed: int = SEED) -> dict[str, list[str]]:
    """{"tune": ids, "test": ids}, both in id order."""
    by_kind: dict[str, list[str]] = {}
    for query in sorted(queries, key=lambda q: q["id"]):
        by_kind.setdefault(query["kind"], []).append(query["id"])
    tune: list[str] = []
    test: list[str] = []
    for kind, ids in by_kind.items():
        for n in range(0, len(ids), 2):
            first_to_tune = random.Random(f"{seed}:{kind}:{n // 2}").random() < 0.5
            for offset, query_id in enumerate(ids[n : n + 2]):
                to_tune = first_to_tune if offset == 0 else not first_to_tune
                (tune if to_tune else test).append(query_id)
    return {"tune": sorted(tune), "test": sorted(test)}


def load(path: Path = HERE / "queries.jsonl") -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    halves = split(load())
    out = {"seed": SEED, **halves}
    (HERE / "split.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"tune {len(halves['tune'])}, test {len(halves['test'])}")


if __name__ == "__main__":
    main()
