"""Extraction on a local Dask cluster against one process, the driver's memory, and loading
extracted output against extracting it; in one run, with the real commands in subprocesses.

1. Scaling: `tracker extract --workers 1` against `tracker extract --cluster local:1` and
   `--cluster local:2` on the same generated articles (~600 words each), and `tracker extract
   --workers 2` for reference (two processes without an engine: what two busy cores of this
   machine give, the ceiling of local:2), runs interleaved,
   best of --repeat: the wall-clock of the whole command (start-up included), and of the
   extraction phase alone (models loaded, cluster started: what a long run is made of). Checks
   that all the commands give the same statements. `tracker extract` of one article gives the
   single process's start-up, which no number of processes shortens: with it, the most two
   processes could give on these articles (Amdahl's bound).
2. Driver memory: peak RSS of the `tracker extract --cluster local:2` process itself (the
   driver, with the local scheduler in it; the workers are separate processes) at each of --sizes
   articles (~150 words each), sampled every 50 ms. Then `tracker ingest --extracted` of the
   largest output, timed against the extraction that made it.
3. Loading 1M statements: --statements generated statements (benchmarks/big_db.py's generator,
   10 a article) written as part files and stored with `tracker ingest DB --extracted`, timed;
   the time extracting as many statements takes is projected from the rate measured in 1.

    .venv/bin/python benchmarks/cluster.py                         # everything (about 45 minutes)
    .venv/bin/python benchmarks/cluster.py --statements 0          # without the 1M load
    .venv/bin/python benchmarks/cluster.py --articles 0 --sizes '' --rate 120   # the 1M load only
    .venv/bin/python benchmarks/cluster.py --sizes 1000 --articles 50 --statements 20000
"""

from __future__ import annotations

import json
import os
import pathlib
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Optional

import click
import psutil

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from big_db import Generator  # noqa: E402
from ingest_memory import generated_article, write_batch  # noqa: E402

from tracker.extracted import article_line, part_name  # noqa: E402

TRACKER = pathlib.Path(sys.executable).parent / "tracker"
REFERENCE = "tracker extract --workers 2 (no engine)"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def write_long_batch(path: pathlib.Path, n: int, seed: int = 7) -> int:
    """n articles of four generated stories each (~600 words, four paragraphs); total words."""
    rng = random.Random(seed)
    words = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            parts = [generated_article(4 * i + k, rng) for k in range(4)]
            record = dict(parts[0], id=f"scale-{i}", text="\n\n".join(p["text"] for p in parts))
            words += len(record["text"].split())
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return words


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list, peak_of_self: bool = False) -> tuple[float, int]:
    """Wall seconds of the command, and the peak RSS (bytes) of its own process if asked."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if peak_of_self:
        p = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                peak = max(peak, p.memory_info().rss)
            except psutil.Error:
                break
            time.sleep(0.05)
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{stderr.decode()[-2000:]}")
    return elapsed, peak


def statements_of(paths) -> dict:
    out = {}
    for path in paths:
        for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if "error" not in d:
                out[d["id"]] = [(s["claim_start"], s["claim_end"], s["speaker"], s["cue"]) for s in d["statements"]]
    return out


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def extraction_phase(batch: pathlib.Path, out: pathlib.Path, workers: int) -> tuple[float, float]:
    """Wall and CPU seconds from the first article read to the last line written, with the
    models already loaded: in this process (workers 0: the serial engine `tracker extract
    --workers 1` runs), or on a started local cluster of that many workers (its start-up not
    counted; CPU summed over the worker processes)."""
    from tracker.cluster import LoadModels, connect, extract_on_cluster
    from tracker.extracted import write_line
    from tracker.nlp import load_nlp
    from tracker.pipeline import extract_articles
    from tracker.readers import read_inputs

    if workers == 0:
        load_nlp()
        started, cpu = time.perf_counter(), _cpu()
        with open(out, "wb") as f:
            for extracted in extract_articles(read_inputs([str(batch)]), workers=1):
                write_line(f, article_line(extracted))
        return time.perf_counter() - started, _cpu() - cpu
    with connect(f"local:{workers}") as client:
        client.register_plugin(LoadModels())
        cpu = sum(client.run(_cpu).values())
        started = time.perf_counter()
        extract_on_cluster(client, [str(batch)], str(out), {})
        elapsed = time.perf_counter() - started
        return elapsed, sum(client.run(_cpu).values()) - cpu


def scaling(tmp: pathlib.Path, n: int, repeat: int) -> float:
    batch = tmp / "scale.jsonl"
    words = write_long_batch(batch, n)
    print(f"\n1. Scaling: {n} articles, {words / n:.0f} words each on average; best of {repeat}, "
          f"runs interleaved")
    single = "tracker extract --workers 1"
    commands = {
        single: lambda out: ["extract", batch, "--workers", "1", "-o", out],
        "tracker extract --cluster local:1": lambda out: ["extract", batch, "--cluster", "local:1", "-o", out],
        "tracker extract --cluster local:2": lambda out: ["extract", batch, "--cluster", "local:2", "-o", out],
        # no engine: the machine's own two-process scaling, the ceiling of local:2 here
        REFERENCE: lambda out: ["extract", batch, "--workers", "2", "-o", out],
    }
    one = tmp / "one.jsonl"  # the first article alone: what the single process's start-up costs
    one.write_text(batch.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    startups: list[float] = []
    phases = {single: 0, "tracker extract --cluster local:1": 1, "tracker extract --cluster local:2": 2}
    times: dict[str, list[float]] = {k: [] for k in commands}
    phase_times: dict[str, list[float]] = {k: [] for k in phases}
    cpu_times: list[float] = []
    phase_cpu: dict[str, list[float]] = {k: [] for k in phases}
    outputs = {}
    for r in range(repeat):
        for k, (name, args) in enumerate(commands.items()):
            out = tmp / f"scale-{r}-{k}" / ("parts" if "--cluster" in name else "out.jsonl")
            out.parent.mkdir(parents=True, exist_ok=True)
            before, cpu = load(), children_cpu()
            elapsed, _ = run([TRACKER, *args(out)])
            times[name].append(elapsed)
            if name == single:
                cpu_times.append(children_cpu() - cpu)
            outputs[name] = [out] if out.is_file() else sorted(out.glob("part-*.jsonl"))
            print(f"   command  {name:40s} {elapsed:6.1f} s   (load before: {before})")
        startups.append(run([TRACKER, "extract", one, "--workers", "1", "-o", tmp / f"one-{r}.jsonl"])[0])
        print(f"   command  {'tracker extract --workers 1, one article':40s} {startups[-1]:6.1f} s   (start-up)")
        for name, workers in phases.items():
            out = tmp / f"phase-{r}-{workers}" / ("out.jsonl" if workers == 0 else "parts")
            out.parent.mkdir(parents=True, exist_ok=True)
            before = load()
            elapsed, cpu = extraction_phase(batch, out, workers)
            phase_times[name].append(elapsed)
            phase_cpu[name].append(cpu)
            print(f"   phase    {name:40s} {elapsed:6.1f} s, {cpu:6.1f} s of CPU   (load before: {before})")
    results = {name: statements_of(paths) for name, paths in outputs.items()}
    same = all(r == results[single] for r in results.values())
    n_statements = sum(len(s) for s in results[single].values())
    print(f"   same statements, same offsets in all {len(results)} commands: {same} ({n_statements} statements)")
    for label, table in (("whole command, start-up included", times),
                         ("extraction phase, models loaded", phase_times)):
        best = {k: min(v) for k, v in table.items()}
        print(f"   {label}:")
        for name in best:
            print(f"     {name:40s} best {best[name]:6.1f} s   {best[single] / best[name]:.2f}x the single process")
        one_x, two_x = (best[single] / best[f"tracker extract --cluster local:{k}"] for k in (1, 2))
        print(f"     targets: local:2 >= 1.8x: {two_x:.2f}x {'met' if two_x >= 1.8 else 'NOT met'}; "
              f"local:1 >= 0.9x: {one_x:.2f}x {'met' if one_x >= 0.9 else 'NOT met'}")
        if table is times:
            # Amdahl: the start-up (imports, spaCy loaded) precedes any extraction, so two
            # processes with no engine and no contention still take start-up + half the rest
            per_article = (best[single] - min(startups)) / (n - 1)
            start = min(startups) - per_article
            ceiling = best[single] / (start + n * per_article / 2)
            print(f"     the most 2 processes can give here: {ceiling:.2f}x (start-up {start:.1f} s "
                  f"of the single process's {best[single]:.1f} s cannot be halved)")
    best_cpu = {k: min(v) for k, v in phase_cpu.items()}
    print("   extraction phase, CPU seconds (what the wall-clock would be on idle cores; the "
          "engine's overhead):")
    for name in phases:
        print(f"     {name:40s} {best_cpu[name]:6.1f} s of CPU   {best_cpu[single] / best_cpu[name]:.2f} "
              f"of the single process's efficiency")
    cpu = min(cpu_times)
    print(f"   CPU time of {single}: {cpu:.1f} s, {cpu / n * 1000:.0f} ms an article, start-up "
          f"included: {n / cpu:.1f} articles ({words / cpu:,.0f} words, {n_statements / cpu:,.0f} "
          f"statements) a second on a core of its own")
    return n_statements / cpu  # statements a second of one process on a core of its own


def driver_memory(tmp: pathlib.Path, sizes: list[int]) -> None:
    print(f"\n2. Driver memory, tracker extract --cluster local:2 (~150-word articles)")
    peaks = {}
    last = None
    for n in sizes:
        batch = tmp / f"mem-{n}.jsonl"
        write_batch(batch, n, seed=n)
        out = tmp / f"mem-{n}"
        before = load()
        elapsed, peak = run([TRACKER, "extract", batch, "--cluster", "local:2", "-o", out], peak_of_self=True)
        peaks[n] = peak
        print(f"   {n:>6,} articles: driver peak RSS {peak / 2**20:6.0f} MiB, {elapsed:6.1f} s "
              f"(load before: {before})")
        last = (n, out, elapsed)
    lo, hi = peaks[sizes[0]], peaks[sizes[-1]]
    print(f"   {sizes[-1]:,} / {sizes[0]:,} articles: {hi / lo:.2f}x the driver's peak")
    n, out, extract_time = last
    db = tmp / "loaded.db"
    elapsed, _ = run([TRACKER, "ingest", db, "--extracted", out, "--silent"])
    parts = sorted(out.glob("part-*.jsonl"))
    count = sum(len(s) for s in statements_of(parts).values())
    print(f"   tracker ingest --extracted of those {n:,} articles ({count:,} statements): {elapsed:.1f} s, "
          f"{elapsed / extract_time:.2f} of the extraction's {extract_time:.1f} s on 2 workers")


def million(tmp: pathlib.Path, n_statements: int, rate: Optional[float]) -> None:
    per_article = 10
    n_articles = n_statements // per_article
    out = tmp / "million"
    out.mkdir()
    gen = Generator(max(1000, n_articles // 2), seed=1)
    started = time.perf_counter()
    part = None
    for i in range(n_articles):
        if i % 1000 == 0:
            if part:
                part.close()
            part = open(out / part_name(i // 1000), "w", encoding="utf-8")
        part.write(json.dumps(article_line(gen.article(i, per_article)), ensure_ascii=False) + "\n")
    part.close()
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"\n3. Loading {n_statements:,} statements ({n_articles:,} articles; part files "
          f"{size / 1e6:,.0f} MB, written in {time.perf_counter() - started:.0f} s)")
    db = tmp / "million.db"
    before, cpu = load(), children_cpu()
    elapsed, _ = run([TRACKER, "ingest", db, "--extracted", out, "--silent"])
    cpu = children_cpu() - cpu
    db_size = sum(pathlib.Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if pathlib.Path(f"{db}{s}").exists())
    print(f"   tracker ingest --extracted: {elapsed:,.0f} s, {cpu:,.0f} s of CPU ({n_statements / elapsed:,.0f} "
          f"statements/s; database {db_size / 1e6:,.0f} MB; load before: {before})")
    if not rate:
        return
    projected = n_statements / rate
    print(f"   extracting as many at the rate measured in 1 ({rate:.1f} statements/s of CPU, one process): "
          f"{projected:,.0f} s on one core; loading takes {elapsed / projected:.2f} of that "
          f"({cpu / projected:.2f} in CPU time)")


@click.command()
@click.option("--articles", default=200, show_default=True, help="Articles in the scaling run.")
@click.option("--repeat", default=2, show_default=True, help="Interleaved runs of each command.")
@click.option("--sizes", default="1000,10000", show_default=True,
              help="Article counts for the driver's memory ('': skip).")
@click.option("--statements", default=1_000_000, show_default=True, help="Statements to load (0: skip).")
@click.option("--rate", type=float, help="Statements a second of one process, for the projection "
              "when the scaling run is skipped (--articles 0).")
@click.option("--keep", is_flag=True, help="Keep the temporary directory.")
def main(articles, repeat, sizes, statements, rate, keep):
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    print(f"cores: {os.cpu_count()}, load average at start: {load()}, work in {tmp}")
    try:
        if articles:
            rate = scaling(tmp, articles, repeat)
        if sizes:
            driver_memory(tmp, [int(s) for s in sizes.split(",")])
        if statements:
            million(tmp, statements, rate)
        print(f"\nload average at the end: {load()}")
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
