"""Held-out extraction quality on PolNeAR, scored like ../shared/eval/score.py.

    .venv/bin/python benchmarks/quality.py [--part heldout|train] [--workers N] [--json]
                                           [--pred-out FILE] [--accurate]

Prints precision, recall and F1 (exact, partial, end-to-end), speaker accuracy and recall by
kind on the held-out 15% (benchmarks/split.py). Skips cleanly when ../shared/eval/ is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import split  # noqa: E402

from tracker.evaluate import format_report, predict, score  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="heldout", choices=("heldout", "train"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--pred-out", help="also write the predictions (JSONL) here, outside the repo")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles of the part")
    ap.add_argument("--accurate", action="store_true", help="the accurate mode (MiniLM encoder)")
    args = ap.parse_args(argv)
    if not split.GOLD.exists():
        print(f"skipped: {split.GOLD} not found")
        return 0
    gold = list(split.rows(part=args.part))
    if args.limit:
        gold = gold[:args.limit]
    t0 = time.perf_counter()
    preds = list(predict(gold, workers=args.workers, accurate=args.accurate))
    elapsed = time.perf_counter() - t0
    if args.pred_out:
        with open(args.pred_out, "w", encoding="utf-8") as f:
            for p in preds:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
    res = score(gold, {p["id"]: p["statements"] for p in preds})
    words = sum(len(a["text"].split()) for a in gold)
    if args.json:
        print(json.dumps(res))
    else:
        print(f"{args.part}{' (accurate mode)' if args.accurate else ''}: {len(gold)} articles, {words} words, {elapsed:.1f}s "
              f"({words / elapsed:.0f} words/s with {args.workers} workers)")
        print(format_report(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
