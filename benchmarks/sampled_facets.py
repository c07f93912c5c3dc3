"""Facets of big searches, before and after sampling: page time and which facets appear.

Runs Datasette in-process with the package's plugin and `tracker serve`'s settings over a
database built by benchmarks/big_db.py, and requests the statements page of a few big searches
twice: with sampling off (a threshold no search reaches: Datasette's exact facets) and with the
plugin's default threshold (counts estimated from a sample past it).

    .venv/bin/python benchmarks/big_db.py --statements 1000000          # build once
    .venv/bin/python benchmarks/sampled_facets.py --db /tmp/tracker-bench/tracker.db
"""

from __future__ import annotations

import asyncio
import pathlib
import re
import sqlite3
import sys
import time
from statistics import median

import click

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from big_db import news_words  # noqa: E402

from tracker.datasette_plugin.config import PACKAGE_METADATA, facet_column  # noqa: E402
from tracker.datasette_plugin.sampled_facets import DEFAULTS  # noqa: E402
from tracker.datasette_plugin.search import fts_query  # noqa: E402
from tracker.datasette_plugin.serve import SETTINGS  # noqa: E402

NEVER = 10 ** 15  # a threshold no search reaches: every facet counted exactly
FACETS = [facet_column(f) for f in PACKAGE_METADATA["database"]["tables"]["statements"]["facets"]]


def page_facets(html: str) -> dict:
    """What the page shows: facets with counts, estimated ones, and those reported timed out."""
    shown = re.findall(r'class="facet-info [^"]*" id="facet-[^"]*" data-column="([^"]+)"', html)
    estimated = re.findall(r'class="facet-info [^"]*facet-estimated" id="facet-[^"]*" '
                           r'data-column="([^"]+)"', html)
    timed_out = re.search(r"These facets timed out: ([^<]*)", html)
    return {"shown": shown, "estimated": estimated,
            "timed_out": timed_out.group(1).strip() if timed_out else ""}


def sql_times(data: dict) -> dict:
    """ms spent in the facet counts, in picking the sample, and in the slowest other query
    (the page's rows or its count), from the trace of the page's JSON (?_trace=1)."""
    traces = data.get("_trace", {}).get("traces", [])
    times = {"facets": 0.0, "sample": 0.0, "other": 0.0}
    for trace in traces:
        sql = " ".join((trace.get("sql") or "").split())
        if "as value, count(*) as count from" in sql:
            times["facets"] += trace["duration_ms"]
        elif "json_group_array(rowid)" in sql or "select count(*) from (select 1 from" in sql:
            times["sample"] += trace["duration_ms"]
        elif sql.startswith("select") and "statements" in sql and "sqlite_master" not in sql:
            times["other"] = max(times["other"], trace["duration_ms"])
    return times


async def measure(path: pathlib.Path, words: list[str], threshold: int, repeat: int) -> list[list]:
    """Every run of each search's page: its time, status, facets and SQL times."""
    from datasette.app import Datasette

    metadata = {"plugins": {"tracker": {"facet_sample_threshold": threshold}}}
    ds = Datasette([str(path)], metadata=metadata, settings={**SETTINGS, "trace_debug": True})
    await ds.invoke_startup()
    results = []
    for word in words:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = await ds.client.get(f"/{path.stem}/statements?_search={word}")
            ms = (time.perf_counter() - started) * 1000
            # The same request as JSON, for its trace (too big to trace as HTML).
            traced = await ds.client.get(f"/{path.stem}/statements.json?_search={word}&_trace=1")
            runs.append({"ms": ms, "status": response.status_code, **page_facets(response.text),
                         **sql_times(traced.json() if traced.status_code == 200 else {})})
        results.append(runs)
    return results


@click.command()
@click.option("--db", "path", type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path),
              default="/tmp/tracker-bench/tracker.db", show_default=True)
@click.option("--speakers", "n_speakers", default=50_000, show_default=True,
              help="As given to big_db.py (its vocabulary depends on it).")
@click.option("--seed", default=1, show_default=True, help="As given to big_db.py.")
@click.option("--word", "words", multiple=True,
              help="A search (default: the three commonest generated news words).")
@click.option("--repeat", default=3, show_default=True, help="Runs per page, each shown.")
def main(path, n_speakers, seed, words, repeat):
    """Time the statements page of big searches with exact and with sampled facet counts."""
    words = list(words) or news_words(n_speakers, seed)[:3]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    total = conn.execute("select count(*) from statements").fetchone()[0]
    matches = {w: conn.execute("select count(*) from statements_fts where statements_fts match ?",
                               [fts_query(w)]).fetchone()[0] for w in words}
    conn.close()
    threshold = DEFAULTS["facet_sample_threshold"]
    print(f"{path}: {total:,} statements; facet_time_limit_ms {SETTINGS['facet_time_limit_ms']}, "
          f"{len(FACETS)} facets; sampling past {threshold:,} matches, "
          f"{DEFAULTS['facet_sample_size']:,} rows sampled; {repeat} runs each")
    runs = {"exact (before)": NEVER, "sampled (after)": threshold}
    measured = {title: asyncio.run(measure(path, words, t, repeat)) for title, t in runs.items()}
    print(f"\n{'search':10} {'matches':>8}  {'run':16} {'page ms':>8} {'facet':>6} {'sample':>6} "
          f"{'rows':>6}  facets shown (estimated) / timed out")
    for i, word in enumerate(words):
        for title, results in measured.items():
            for r in results[i]:
                print(f"{word:10} {matches[word]:>8,}  {title:16} {r['ms']:8.0f} {r['facets']:6.0f} "
                      f"{r['sample']:6.0f} {r['other']:6.0f}  {len(r['shown'])}/{len(FACETS)} "
                      f"({len(r['estimated'])}) / {r['timed_out'] or '-'}  [{r['status']}]")
    print("\nfacet: the facet counts' SQL (ms, summed); sample: counting the matches and picking"
          " the sample; rows: the slowest other query (the rows or their count; limit 1000)")
    before, after = measured.values()
    print("\nmedian page time, exact / sampled:")
    for word, b, a in zip(words, before, after):
        print(f"  {word:10} {median(r['ms'] for r in b) / median(r['ms'] for r in a):5.2f}x")


if __name__ == "__main__":
    main()
