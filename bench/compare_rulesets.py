"""Ruleset 2026.1 against 2027.1 on the demo data and the shared sample measures.

Runs every record through both rulesets and prints each change of level, label or harm flag
(old → new, and the 2027.1 rule that decided it), then counts of the changes and their rules.

    .venv/bin/python bench/compare_rulesets.py [-v] [FILE.jsonl ...]

Without files it reads the demo data (app/demo/measures.jsonl, the real programmes, and
app/demo/synthetic.jsonl) and shared/data/sample-measures.jsonl (looked for beside the
checkout and one folder up, so it runs from a worktree too); name one file to count its
changes alone. -v also prints
the study ratings behind each change.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.evidence.ruleset_changes import record_change, summary  # noqa: E402

SAMPLES = Path("shared") / "data" / "sample-measures.jsonl"


def default_files() -> list[Path]:
    files = [ROOT / "app" / "demo" / "measures.jsonl", ROOT / "app" / "demo" / "synthetic.jsonl"]
    files += [p for p in (ROOT.parent / SAMPLES, ROOT.parent.parent / SAMPLES) if p.exists()][:1]
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    files = args.files or default_files()
    changes = []
    for path in files:
        with path.open(encoding="utf-8") as lines:
            changes += [record_change(json.loads(line)) for line in lines if line.strip()]
    print(f"{len(changes)} records from {', '.join(str(p) for p in files)}\n")
    for change in changes:
        if not change.changed:
            continue
        harm = f"  harm flag {change.old_harm} → {change.new_harm}"
        print(f"{change.external_id}: {change.describe()}")
        print(f"    {change.reason}" + (harm if change.old_harm != change.new_harm else ""))
        if args.verbose:
            for rating in change.ratings:
                print(f"      - {rating}")
    counts = summary(changes)
    for title, key in (("Levels", "direction"), ("Changes", "transition"), ("Rules", "rule")):
        print(f"\n{title}:")
        for name, count in counts[key].most_common():
            print(f"  {count:3d}  {name}")


if __name__ == "__main__":
    main()
