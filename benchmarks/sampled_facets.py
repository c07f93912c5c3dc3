"""Facets of big searches and broad filters, before and after sampling: page time and which
facets appear.

Runs Datasette in-process with the package's plugin and `tracker serve`'s settings over a
database built by benchmarks/big_db.py, and requests the statements page of a few queries (the
unfiltered page, big searches, broad filters, a search with a filter) twice: with sampling off
(a threshold nothing reaches: Datasette's exact facets) and with the plugin's default threshold
(counts estimated from a sample past it).

    .venv/bin/python benchmarks/big_db.py --statements 1000000          # build once
    .venv/bin/python benchmarks/sampled_facets.py --db /tmp/tracker-bench/tracker.db
    .venv/bin/python benchmarks/sampled_facets.py --db ... --query kind=direct --query _search=deal
"""

from __future__ import annotations

import asyncio
import pathlib
import re
import sys
import time
from statistics import median

import click

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from big_db import news_words  # noqa: E402

from tracker.datasette_plugin.config import PACKAGE_METADATA, facet_column  # noqa: E402
from tracker.datasette_plugin.sampled_facets import DEFAULTS  # noqa: E402
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


# The plugin's own queries: counting the page up to the threshold, the search's matches, the
# rowid range, and drawing the sample.
SAMPLING = ("_tracker_", "select count(*) from statements_fts", "min(rowid), max(rowid)")


def sql_times(data: dict) -> dict:
    """ms spent in the facet counts, in picking the sample, in Datasette's count of the page's
    rows, and in the slowest other query (the rows), from the trace of the page's JSON."""
    traces = data.get("_trace", {}).get("traces", [])
    times = {"facets": 0.0, "sample": 0.0, "count": 0.0, "other": 0.0}
    for trace in traces:
        sql = " ".join((trace.get("sql") or "").split())
        if "as value, count(*) as count from" in sql:
            times["facets"] += trace["duration_ms"]
        elif any(mark in sql for mark in SAMPLING):
            times["sample"] += trace["duration_ms"]
        elif sql.startswith("select count(*) from statements"):
            times["count"] += trace["duration_ms"]
        elif sql.startswith("select") and "statements" in sql and "sqlite_master" not in sql:
            times["other"] = max(times["other"], trace["duration_ms"])
    return times


def facet_counts(data: dict) -> dict:
    """{column: {value: count}} of the page's facets, from its JSON."""
    results = data.get("facet_results", {})
    return {column: {v["value"]: v["count"] for v in facet["results"]}
            for column, facet in results.get("results", results).items()}


async def measure(path: pathlib.Path, queries: list[str], thresholds: dict, repeat: int) -> dict:
    """Every run of each query's page under each threshold, the runs interleaved (one warm-up
    page first): its time, status, facets, rows, SQL times and facet counts."""
    from datasette.app import Datasette

    sites = {}
    for title, threshold in thresholds.items():
        metadata = {"plugins": {"tracker": {"facet_sample_threshold": threshold}}}
        sites[title] = Datasette([str(path)], metadata=metadata,
                                 settings={**SETTINGS, "trace_debug": True})
        await sites[title].invoke_startup()
        await sites[title].client.get(f"/{path.stem}/statements")
    results = {title: [[] for _ in queries] for title in thresholds}
    for i, query in enumerate(queries):
        for _ in range(repeat):
            for title, ds in sites.items():
                started = time.perf_counter()
                response = await ds.client.get(f"/{path.stem}/statements?{query}")
                ms = (time.perf_counter() - started) * 1000
                # The same request as JSON, for its trace (too big to trace as HTML).
                traced = await ds.client.get(f"/{path.stem}/statements.json?{query}&_trace=1")
                data = traced.json() if traced.status_code == 200 else {}
                results[title][i].append({
                    "ms": ms, "status": response.status_code, **page_facets(response.text),
                    "rows": data.get("filtered_table_rows_count"), **sql_times(data),
                    "counts": facet_counts(data)})
    return results


def worst_errors(exact: dict, sampled: dict, rows: int, share: float = 0.01) -> str:
    """The biggest relative error of an estimated count, over the values of each facet that hold
    at least `share` of the page's rows (and that both runs show)."""
    errors = []
    for column, counts in sampled.items():
        for value, count in counts.items():
            truth = exact.get(column, {}).get(value)
            if truth and rows and truth >= share * rows:
                errors.append((abs(count - truth) / truth, f"{column} {value}: ~{count:,} ({truth:,})"))
    if not errors:
        return "-"
    worst = max(errors)
    return f"{len(errors)} values, worst {worst[0]:.1%}: {worst[1]}"


@click.command()
@click.option("--db", "path", type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path),
              default="/tmp/tracker-bench/tracker.db", show_default=True)
@click.option("--speakers", "n_speakers", default=50_000, show_default=True,
              help="As given to big_db.py (its vocabulary depends on it).")
@click.option("--seed", default=1, show_default=True, help="As given to big_db.py.")
@click.option("--word", "words", multiple=True,
              help="A search, as --query _search=WORD.")
@click.option("--query", "queries", multiple=True,
              help="The statements page's query string (default: none, the commonest generated "
                   "news word as a search, three broad filters, the search with a filter).")
@click.option("--repeat", default=3, show_default=True, help="Runs per page, each shown.")
def main(path, n_speakers, seed, words, queries, repeat):
    """Time the statements page of big searches and filters with exact and with sampled facet counts."""
    queries = [*queries, *(f"_search={w}" for w in words)]
    if not queries:
        word = news_words(n_speakers, seed)[0]
        queries = ["", f"_search={word}", "confidence__gte=0.5", "kind=indirect",
                   "published__gte=2020-01-01", f"_search={word}&kind=indirect"]
    threshold = DEFAULTS["facet_sample_threshold"]
    print(f"{path}: facet_time_limit_ms {SETTINGS['facet_time_limit_ms']}, {len(FACETS)} facets; "
          f"sampling past {threshold:,} rows, ~{DEFAULTS['facet_sample_size']:,} sampled; "
          f"{repeat} runs each")
    measured = asyncio.run(measure(path, queries, {"exact": NEVER, "sampled": threshold}, repeat))
    width = max(len(q or "(all)") for q in queries)
    print(f"\n{'query':{width}} {'rows':>8}  {'run':8} {'page ms':>8} {'facet':>6} {'sample':>6} "
          f"{'count':>6} {'rows':>6}  facets shown (estimated) / timed out")
    for i, query in enumerate(queries):
        for title, results in measured.items():
            for r in results[i]:
                rows = f"{r['rows']:,}" if r["rows"] is not None else "-"
                print(f"{query or '(all)':{width}} {rows:>8}  {title:8} {r['ms']:8.0f} "
                      f"{r['facets']:6.0f} {r['sample']:6.0f} {r['count']:6.0f} {r['other']:6.0f}  "
                      f"{len(r['shown'])}/{len(FACETS)} ({len(r['estimated'])}) / "
                      f"{r['timed_out'] or '-'}  [{r['status']}]")
    print("\nrows: Datasette's count of the page's rows (- if it timed out); facet: the facet "
          "counts' SQL (ms, summed); sample: the plugin's counting up to the threshold and "
          "drawing the sample; count: Datasette's count; rows (ms): the slowest other query")
    before, after = measured.values()
    print("\nmedian page time, exact / sampled:")
    for query, b, a in zip(queries, before, after):
        print(f"  {query or '(all)':{width}} {median(r['ms'] for r in b) / median(r['ms'] for r in a):5.2f}x")
    print("\nestimated counts against the exact ones (values with 1% of the rows or more):")
    for query, b, a in zip(queries, before, after):
        if a[0]["estimated"]:
            print(f"  {query or '(all)':{width}} {worst_errors(b[0]['counts'], a[0]['counts'], b[0]['rows'])}")


if __name__ == "__main__":
    main()
