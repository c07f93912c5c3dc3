"""Held-out extraction quality on PolNeAR, scored like ../shared/eval/score.py.

    .venv/bin/python benchmarks/quality.py [--part heldout|train] [--workers N] [--json]
                                           [--pred-out FILE] [--db FILE] [--accurate]

Prints precision, recall and F1 (exact, partial, end-to-end), speaker accuracy and recall by
kind on the held-out 15% (benchmarks/split.py), then the checks of tracker/checks.py on those
articles ingested (speaker rows that name nobody, given names merged, channels cut short).
Skips cleanly when ../shared/eval/ is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import split  # noqa: E402

from tracker import store  # noqa: E402
from tracker.checks import run_checks  # noqa: E402
from tracker.evaluate import format_report, score  # noqa: E402
from tracker.models import Article  # noqa: E402
from tracker.pipeline import extract_articles  # noqa: E402


def format_checks(found: dict) -> str:
    """One line per check (how many rows fail it), then up to ten of its rows."""
    lines = []
    for name, rows in found.items():
        lines.append(f"check {name}: {len(rows)}")
        lines.extend(f"  {json.dumps(r, ensure_ascii=False)}" for r in rows[:10])
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="heldout", choices=("heldout", "train"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--pred-out", help="also write the predictions (JSONL) here, outside the repo")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles of the part")
    ap.add_argument("--accurate", action="store_true", help="the accurate mode (MiniLM encoder)")
    ap.add_argument("--db", help="ingest into this database (outside the repo) and keep it; default: a temporary one")
    args = ap.parse_args(argv)
    if not split.GOLD.exists():
        print(f"skipped: {split.GOLD} not found")
        return 0
    gold = list(split.rows(part=args.part))
    if args.limit:
        gold = gold[:args.limit]
    t0 = time.perf_counter()
    done = list(extract_articles((Article(text=a["text"], id=str(a["id"])) for a in gold),
                                 workers=args.workers, accurate=args.accurate))
    elapsed = time.perf_counter() - t0
    preds = [{"id": d.article.id, "statements": [s.to_json() for s in d.statements]} for d in done]
    with tempfile.TemporaryDirectory() as tmp:
        db = store.open_db(args.db or Path(tmp) / "quality.db")
        for d in done:
            store.save_article(db, d, group_claims=False)
        checks = run_checks(db)
        db.close()
    if args.pred_out:
        with open(args.pred_out, "w", encoding="utf-8") as f:
            for p in preds:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
    res = score(gold, {p["id"]: p["statements"] for p in preds})
    words = sum(len(a["text"].split()) for a in gold)
    if args.json:
        print(json.dumps({**res, "checks": checks}))
    else:
        print(f"{args.part}{' (accurate mode)' if args.accurate else ''}: {len(gold)} articles, {words} words, {elapsed:.1f}s "
              f"({words / elapsed:.0f} words/s with {args.workers} workers)")
        print(format_report(res))
        print(format_checks(checks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
