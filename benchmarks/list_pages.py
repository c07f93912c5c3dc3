"""Time the list pages (the database's home page, the statements table, a canned query) on one or
more tracker databases, in one run, with the settings `tracker serve` uses.

    .venv/bin/python benchmarks/list_pages.py --db /tmp/paging/news.db --db /tmp/tracker-bench/tracker.db

Prints the best of --repeat runs per page and database, and for each page its time on every
database against the first one (the home page should cost the same at any size).
"""

from __future__ import annotations

import asyncio
import pathlib
import time

import click

from tracker.datasette_plugin.serve import SETTINGS

PAGES = {
    "home page": "/{db}",
    "statements table": "/{db}/statements",
    "statements, low confidence hidden": "/{db}/statements?confidence__gte=0.5",
    "statements as CSV, first page": "/{db}/statements.csv",
    "search_claims q=bridge": "/{db}/search_claims?q=bridge",
    "top_speakers": "/{db}/top_speakers",
}


async def time_pages(path: pathlib.Path, repeat: int) -> dict[str, float]:
    """The best time (seconds) of each page of PAGES on the database at path."""
    from datasette.app import Datasette

    ds = Datasette([str(path)], settings=SETTINGS)
    await ds.invoke_startup()
    name = path.stem
    times = {}
    for page, url in PAGES.items():
        best = None
        for _ in range(repeat):
            start = time.perf_counter()
            response = await ds.client.get(url.format(db=name))
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise click.ClickException(f"{url.format(db=name)}: HTTP {response.status_code}")
            best = elapsed if best is None else min(best, elapsed)
        times[page] = best
    return times


@click.command()
@click.option("--db", "paths", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path))
@click.option("--repeat", default=5, show_default=True, help="Runs per page; the best counts.")
def main(paths, repeat):
    results = {path: asyncio.run(time_pages(path, repeat)) for path in paths}
    first = results[paths[0]]
    for path in paths:
        import sqlite3

        (count,), = sqlite3.connect(path).execute("select count(*) from statements").fetchall()
        click.echo(f"\n{path} ({count:,} statements)")
        for page, seconds in results[path].items():
            ratio = f"  x{seconds / first[page]:.2f} of the first" if path != paths[0] else ""
            click.echo(f"  {page:<36} {seconds * 1000:8.1f} ms{ratio}")


if __name__ == "__main__":
    main()
