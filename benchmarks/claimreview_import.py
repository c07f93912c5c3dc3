"""Importing published fact-checks: time and peak memory of `tracker import-claimreview`.

    nice -n 10 .venv/bin/python benchmarks/claimreview_import.py [--times 1,4]

Imports ../shared/claimmatch/politifact-claimreview.jsonl (19,250 ClaimReview objects) into an
empty database, each time in a fresh process, from a file holding it once and then N times over
(each copy with its own urls, so every object is new): the time grows with the objects while
the peak memory stays flat, as the file is streamed and written 500 objects a transaction.
Then the first import is run again over the same database (every object an update).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "claimmatch" / "politifact-claimreview.jsonl"
RUN = """
import resource, sys, time
from tracker.factchecks import import_fact_checks
from tracker.store import open_db
db = open_db(sys.argv[1])
t0 = time.perf_counter()
report = import_fact_checks(db, [sys.argv[2]])
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      report.new, report.updated, report.unchanged, report.broken)
"""


def copies(path: pathlib.Path, times: int) -> pathlib.Path:
    """The source repeated `times` times, each copy's urls made its own."""
    if times == 1:
        return SOURCE
    with open(SOURCE, encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        lines = f.readlines()
        for copy in range(times):
            for line in lines:
                obj = json.loads(line)
                obj["url"] = f"{obj['url']}#copy{copy}"
                out.write(json.dumps(obj) + "\n")
    return path


def run(db: pathlib.Path, source: pathlib.Path, note: str = "") -> None:
    """Import source into db in a fresh process and print one row of the table."""
    out = subprocess.run([sys.executable, "-c", RUN, str(db), str(source)], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    seconds, rss_kb, new, updated, unchanged, broken = out.stdout.split()
    seconds, (new, updated, unchanged) = float(seconds), map(int, (new, updated, unchanged))
    read = new + updated + unchanged
    print(f"{read:>8,} {seconds:>8.1f} {read / seconds:>10,.0f} {int(rss_kb) / 1024:>12.0f}  "
          f"{new:,} new, {updated:,} updated, {unchanged:,} unchanged, {broken} broken{note}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--times", default="1,4", help="How many copies of the file to import.")
    args = ap.parse_args()
    if not SOURCE.exists():
        sys.exit(f"{SOURCE} is absent")
    print(f"{'objects':>8} {'seconds':>8} {'objects/s':>10} {'peak RSS MB':>12}  result")
    with tempfile.TemporaryDirectory(prefix="claims-import-") as tmp:
        tmp = pathlib.Path(tmp)
        for times in [int(t) for t in args.times.split(",")]:
            db = tmp / f"import-{times}.db"
            run(db, copies(tmp / f"x{times}.jsonl", times))
            if times == 1:
                run(db, SOURCE, " (imported again)")


if __name__ == "__main__":
    main()
