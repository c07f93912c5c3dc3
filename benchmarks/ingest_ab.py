"""Ingest speed of two checkouts of the code, measured in one run and compared as a ratio.

Ingests the same generated articles (benchmarks/ingest_memory.py's generator) into a fresh
database with `tracker ingest` as it runs from each checkout (PYTHONPATH), alternating the two
for each round so that the load of a shared machine falls on both alike, and prints each round,
the median time of each, and the ratio.

    git archive main | tar -x -C /tmp/main-tree
    .venv/bin/python benchmarks/ingest_ab.py /tmp/main-tree . --articles 1000 --rounds 3
"""

from __future__ import annotations

import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import click

from ingest_memory import write_batch

BIN = pathlib.Path(sys.executable).parent


@click.command()
@click.argument("before", type=click.Path(exists=True, file_okay=False))
@click.argument("after", type=click.Path(exists=True, file_okay=False))
@click.option("--articles", default=1000, show_default=True)
@click.option("--rounds", default=3, show_default=True)
@click.option("--workers", default=1, show_default=True)
def main(before, after, articles, rounds, workers):
    trees = {"before": str(pathlib.Path(before).resolve()), "after": str(pathlib.Path(after).resolve())}
    times: dict[str, list[float]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory(prefix="ingest-ab-") as tmp:
        tmp = pathlib.Path(tmp)
        batch = tmp / "batch.jsonl"
        write_batch(batch, articles, seed=3)
        for round_ in range(rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for name in order:
                db = tmp / f"{name}-{round_}.db"
                env = {**os.environ, "PYTHONPATH": trees[name]}
                start = time.perf_counter()
                subprocess.run([str(BIN / "tracker"), "ingest", str(db), str(batch), "--silent",
                                "--workers", str(workers)], env=env, check=True)
                times[name].append(time.perf_counter() - start)
                print(f"round {round_ + 1} {name}: {times[name][-1]:.1f} s", flush=True)
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"{articles} articles, --workers {workers}, median of {rounds}: before "
          f"{median['before']:.1f} s, after {median['after']:.1f} s, "
          f"after/before = {median['after'] / median['before']:.3f}")


if __name__ == "__main__":
    main()
