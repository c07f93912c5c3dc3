"""Peak memory of `tracker ingest` does not grow with the number of articles.

Generates distinct short news articles (~150 words, with quotes and reported speech), writes them
as JSONL batches of each size, and ingests each batch into a fresh database with the real command
(spaCy and all) in its own process. Prints the peak RSS of each run (getrusage of the finished
children, so the largest process, i.e. the writer with its parser when --workers 1) and the RSS
of the ingest process sampled as the article count grows.

    .venv/bin/python benchmarks/ingest_memory.py                     # 1,000 and 10,000 articles
    .venv/bin/python benchmarks/ingest_memory.py --sizes 200,2000 --workers 2
"""

from __future__ import annotations

import json
import pathlib
import random
import shutil
import sqlite3
import subprocess
import sys
import time

import click

BIN = pathlib.Path(sys.executable).parent

FIRST = ["Maria", "John", "Wei", "Anna", "Rahul", "Sara", "Tom", "Leila", "Ivan", "Grace", "Ahmed",
         "Elena", "Kofi", "Yuki", "Pedro", "Ingrid", "Omar", "Chloe", "Viktor", "Amara"]
LAST = ["Lopez", "Okafor", "Chen", "Schmidt", "Gupta", "Cohen", "Baker", "Haddad", "Petrov",
        "Mensah", "Tanaka", "Silva", "Novak", "Jensen", "Rossi", "Dubois", "Khan", "Mwangi"]
ROLES = ["finance minister", "mayor", "health secretary", "union leader", "party spokesperson",
         "police chief", "company chief executive", "opposition leader", "central bank governor"]
TOPICS = ["the new bridge", "the water plan", "rail fares", "the school budget", "waiting lists",
          "the port expansion", "energy prices", "the housing law", "bus services", "food prices",
          "the pension reform", "the airport runway", "flood defences", "the hospital merger"]
VERBS = ["rise", "fall", "stall", "improve", "double", "be delayed", "cost more", "be scrapped"]
CUES = ["said", "told reporters", "argued", "warned", "insisted", "claimed", "added"]
OUTLETS = ["Reuters", "AP", "The Guardian", "AFP", "the BBC", "Bloomberg"]
BODIES = ["the council", "the ministry", "the regulator", "the committee", "the company"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "the weekend"]


def generated_article(i: int, rng: random.Random) -> dict:
    """One distinct article of about 150 words."""
    a, b, c = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3))
    topic, other = rng.sample(TOPICS, 2)
    n, m = rng.randint(2, 90), rng.randint(100, 9000)
    sentences = [
        f"{a}, the {rng.choice(ROLES)}, {rng.choice(CUES)} on {rng.choice(DAYS)} that {topic} "
        f"would {rng.choice(VERBS)} by {n} percent before the end of the year.",
        f"\u201cWe have done everything we promised, and the figures for {topic} show it,\u201d "
        f"{a.split()[1]} {rng.choice(CUES)}.",
        f"{b} denied that the plan for {other} had been agreed, {rng.choice(OUTLETS)} reported.",
        f"According to a statement from {rng.choice(BODIES)}, {m} residents had written in about "
        f"{topic} since the consultation opened in article {i}.",
        f"{c}, who leads a local campaign group, {rng.choice(CUES)} the decision on {other} was "
        f"\u201ctaken behind closed doors\u201d and called for an independent review.",
        f"The {rng.choice(ROLES)} has not commented on the claims about {topic}.",
        f"\u201cThis is not the end of the matter, and we will be back next {rng.choice(DAYS)},\u201d "
        f"{b.split()[1]} {rng.choice(CUES)}, adding that {n + 3} families were affected.",
        f"Officials {rng.choice(CUES)} a final decision on {other} would come within {n % 12 + 2} "
        f"weeks, after a meeting with {rng.choice(BODIES)}.",
    ]
    rng.shuffle(sentences[2:])
    return {"id": f"mem-{i}", "title": f"{topic.capitalize()}: {a} under pressure ({i})",
            "text": " ".join(sentences), "publisher": rng.choice(OUTLETS),
            "published": f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}


def write_batch(path: pathlib.Path, n: int, seed: int) -> float:
    """Write n articles as JSONL; return the mean word count."""
    rng = random.Random(seed)
    words = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            article = generated_article(i, rng)
            words += len(article["text"].split())
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    return words / n


# Runs the command in a child and prints the children's peak RSS (KiB on Linux) when it exits.
PEAK = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)")


def rss_kib(pid: int) -> int:
    """Current RSS of the process pid and its descendants, in KiB (0 once it has gone)."""
    total = 0
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += rss_kib(int(child))
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return total


def committed(db: pathlib.Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("select count(*) from articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def run_ingest(db: pathlib.Path, batch: pathlib.Path, n: int, workers: int) -> dict:
    """Ingest the batch in a fresh process; its peak RSS, time and RSS samples along the way."""
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(f"{db}{suffix}").unlink(missing_ok=True)
    command = [str(BIN / "tracker"), "ingest", str(db), str(batch), "--silent",
               "--workers", str(workers)]
    started = time.perf_counter()
    wrapper = subprocess.Popen([sys.executable, "-c", PEAK, *command], stdout=subprocess.PIPE,
                               text=True)
    samples = []  # (articles committed, RSS of the ingest process tree in MiB)
    next_mark = max(1, n // 10)
    while wrapper.poll() is None:
        time.sleep(0.5)
        done, rss = committed(db), rss_kib(wrapper.pid)
        if done >= next_mark and rss:
            samples.append((done, rss / 1024))
            while next_mark <= done:
                next_mark += max(1, n // 10)
    out, _ = wrapper.communicate()
    elapsed = time.perf_counter() - started
    if wrapper.returncode != 0:
        raise click.ClickException(f"ingest of {batch} exited with {wrapper.returncode}")
    conn = sqlite3.connect(db)
    articles, statements = (conn.execute(f"select count(*) from {t}").fetchone()[0]
                            for t in ("articles", "statements"))
    conn.close()
    return {"n": n, "peak_mib": int(out.strip().splitlines()[-1]) / 1024, "seconds": elapsed,
            "articles": articles, "statements": statements, "samples": samples}


@click.command()
@click.option("--sizes", default="1000,10000", show_default=True,
              help="Comma-separated numbers of articles, one ingest each.")
@click.option("--workers", default=1, show_default=True, help="Passed to tracker ingest.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=pathlib.Path),
              default="/tmp/tracker-ingest-memory", show_default=True)
@click.option("--seed", default=1, show_default=True)
def main(sizes, workers, directory, seed):
    """Ingest batches of generated articles and print the peak memory of each run."""
    sizes = [int(s) for s in sizes.split(",")]
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    results = []
    for n in sizes:
        batch = directory / f"articles-{n}.jsonl"
        words = write_batch(batch, n, seed)
        print(f"Ingesting {n:,} articles (~{words:.0f} words each) with --workers {workers} ...",
              flush=True)
        result = run_ingest(directory / "tracker.db", batch, n, workers)
        results.append(result)
        print(f"  {result['articles']:,} articles, {result['statements']:,} statements in "
              f"{result['seconds']:.0f} s ({result['articles'] / result['seconds']:.1f} articles/s); "
              f"peak RSS {result['peak_mib']:.0f} MiB", flush=True)
        print("  RSS as it went: " + ", ".join(f"{a:,}: {m:.0f} MiB" for a, m in result["samples"]),
              flush=True)
    print(f"\n{'articles':>9} {'statements':>11} {'seconds':>8} {'peak RSS MiB':>13}")
    for r in results:
        print(f"{r['articles']:9,} {r['statements']:11,} {r['seconds']:8.0f} {r['peak_mib']:13.0f}")
    if len(results) > 1:
        growth = results[-1]["peak_mib"] / results[0]["peak_mib"]
        print(f"Peak memory at {results[-1]['n']:,} is {growth:.2f}x that at {results[0]['n']:,} "
              f"articles ({results[-1]['n'] / results[0]['n']:.0f}x the articles).")


if __name__ == "__main__":
    main()
