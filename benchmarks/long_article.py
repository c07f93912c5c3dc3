"""Time and peak memory of extracting one long article, against its length.

    .venv/bin/python benchmarks/long_article.py [--sizes 1,2,3] [--accurate] [--against DIR]

For each size (in MB of text), a fresh process generates that much news prose
(benchmarks/prose.py: quotations, speakers, reported speech), extracts it the way `tracker
ingest` and `tracker extract` do (tracker.pipeline.extract_articles, one process) and reports the
seconds, the statements found and its peak RSS. Linear time and flat memory mean seconds per MB
stay level and peak RSS grows far slower than the text. `--against DIR` runs each size with the
tracker package of another checkout too (e.g. an export of main: git archive main tracker | tar
-x -C DIR), right before this one's, so before and after meet the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # prose; the tracker comes from PYTHONPATH


def child(mb: float, accurate: bool) -> None:
    """Extract one generated article of `mb` MB; print seconds, statements and peak RSS (MB)."""
    from prose import prose

    from tracker.models import Article
    from tracker.nlp import load_nlp
    from tracker.pipeline import extract_articles

    load_nlp()
    text = prose(int(mb * 1_000_000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    [done] = list(extract_articles([Article(text=text, id="long")], workers=1, accurate=accurate))
    seconds = time.perf_counter() - t0
    if done.error:
        raise SystemExit(done.error)
    print(json.dumps({"mb": mb, "chars": len(text), "seconds": round(seconds, 1),
                      "statements": len(done.statements), "rss_before_mb": round(before),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,2,3", help="comma-separated sizes in MB")
    ap.add_argument("--accurate", action="store_true", help="the accurate mode")
    ap.add_argument("--against", help="a folder holding another version's tracker package, to compare")
    ap.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.accurate)
        return 0
    print(f"{'version':>8} {'MB':>4} {'seconds':>8} {'s/MB':>6} {'peak RSS MB':>12} {'statements':>11}")
    versions = ([("before", args.against)] if args.against else []) + [("this", str(ROOT))]
    for mb in [float(x) for x in args.sizes.split(",") if x.strip()]:
        for label, path in versions:
            cmd = [sys.executable, __file__, "--child", str(mb)] + (["--accurate"] if args.accurate else [])
            env = dict(os.environ, PYTHONPATH=path)
            out = subprocess.run(cmd, capture_output=True, text=True, env=env)
            if out.returncode:
                err = out.stderr.strip().splitlines()
                print(f"{label:>8} {mb:4g} failed: {err[-1] if err else out.returncode}", flush=True)
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{label:>8} {mb:4g} {r['seconds']:8.1f} {r['seconds'] / mb:6.1f} {r['peak_rss_mb']:12d} "
                  f"{r['statements']:11d}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
