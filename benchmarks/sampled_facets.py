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


async def measure(path: pathlib.Path, words: list[str], threshold: int, repeat: int) -> list[dict]:
    from datasette.app import Datasette

    metadata = {"plugins": {"tracker": {"facet_sample_threshold": threshold}}}
    ds = Datasette([str(path)], metadata=metadata, settings=SETTINGS)
    await ds.invoke_startup()
    results = []
    for word in words:
        best = None
        for _ in range(repeat):
            started = time.perf_counter()
            response = await ds.client.get(f"/{path.stem}/statements?_search={word}")
            ms = (time.perf_counter() - started) * 1000
            if best is None or ms < best[0]:
                best = (ms, response)
        ms, response = best
        results.append({"word": word, "ms": ms, "status": response.status_code,
                        **page_facets(response.text)})
    return results


@click.command()
@click.option("--db", "path", type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path),
              default="/tmp/tracker-bench/tracker.db", show_default=True)
@click.option("--speakers", "n_speakers", default=50_000, show_default=True,
              help="As given to big_db.py (its vocabulary depends on it).")
@click.option("--seed", default=1, show_default=True, help="As given to big_db.py.")
@click.option("--word", "words", multiple=True,
              help="A search (default: the three commonest generated news words).")
@click.option("--repeat", default=2, show_default=True, help="Runs per page; the best counts.")
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
          f"{DEFAULTS['facet_sample_size']:,} rows sampled; best of {repeat}")
    runs = {"exact (before)": NEVER, "sampled (after)": threshold}
    measured = {title: asyncio.run(measure(path, words, t, repeat)) for title, t in runs.items()}
    print(f"\n{'search':14} {'matches':>9}  {'run':16} {'page ms':>8}  facets shown (estimated) / timed out")
    for i, word in enumerate(words):
        for title, results in measured.items():
            r = results[i]
            print(f"{word:14} {matches[word]:>9,}  {title:16} {r['ms']:8.0f}  "
                  f"{len(r['shown'])}/{len(FACETS)} ({len(r['estimated'])}) / "
                  f"{r['timed_out'] or '-'}  [{r['status']}]")
    before, after = measured.values()
    print("\npage time, exact / sampled:")
    for b, a in zip(before, after):
        print(f"  {b['word']:14} {b['ms'] / a['ms']:5.2f}x")


if __name__ == "__main__":
    main()
