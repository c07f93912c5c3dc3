"""Rows a client visits against rows in the table, for every paged path of every table.

Walks each table (plain, filtered on each facet's commonest value, searched, searched and
filtered) three ways: following next_url in JSON, the streamed CSV (?_stream=on&_size=max), and
JSON arrays (?_shape=array&_size=max) following their Link header. Datasette runs in-process with
a small max_returned_rows so that every export takes several pages.

    .venv/bin/python benchmarks/paging.py --build                   # tests' news.db, as tests build it
    .venv/bin/python benchmarks/paging.py --db /tmp/tracker-bench/tracker.db --size 1000 --max-rows 1000
    # as before this change: the old metadata file alone, without the plugin's configuration
    git show 6504295:metadata.yml > /tmp/old.yml; cp news.db /tmp/tracker.db
    .venv/bin/python benchmarks/paging.py --db /tmp/tracker.db -m /tmp/old.yml --without-plugin
"""

from __future__ import annotations

import asyncio
import pathlib
import sqlite3
import sys

import click
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import walk  # noqa: E402  (the walkers the tests use)
from tests.browse_data import build_browse_db  # noqa: E402


async def run(path: pathlib.Path, metadata: dict | None, size: int, max_rows: int) -> bool:
    from datasette.app import Datasette

    ds = Datasette([str(path)], metadata=metadata, settings={"max_returned_rows": max_rows})
    await ds.invoke_startup()
    conn = sqlite3.connect(path)
    exact = True
    print(f"{'path':58} {'walked by':9} {'visited':>8} {'distinct':>8} {'in table':>8}")
    for path_ in walk.paths(conn):
        for how in ("next_url", "csv", "link"):
            try:
                seen, expected = await walk.visits(ds.client, path.stem, conn, path_, how, size)
            except AssertionError as e:  # an error page or a CSV cut short
                print(f"{path_.label[:58]:58} {how:9} error: {str(e)[:80]}")
                exact = False
                continue
            ok = len(seen) == sum(expected.values()) and set(seen) == set(expected)
            exact &= ok
            print(f"{path_.label[:58]:58} {how:9} {len(seen):8,} {len(set(seen)):8,} "
                  f"{sum(expected.values()):8,}{'' if ok else '  WRONG'}")
    return exact


@click.command()
@click.option("--db", "path", type=click.Path(dir_okay=False, path_type=pathlib.Path),
              default="/tmp/tracker-paging/news.db", show_default=True)
@click.option("--build", is_flag=True, help="Build the tests' news.db at --db first.")
@click.option("--size", default=37, show_default=True, help="_size of the next_url walk.")
@click.option("--max-rows", default=53, show_default=True,
              help="Datasette's max_returned_rows: the page size of the exports.")
@click.option("-m", "--metadata", "metadata_path",
              type=click.Path(exists=True, dir_okay=False, path_type=pathlib.Path),
              help="A Datasette metadata file to use as well.")
@click.option("--without-plugin", is_flag=True,
              help="Leave the tracker's Datasette plugin out (to measure the metadata file alone).")
def main(path, build, size, max_rows, metadata_path, without_plugin):
    """Print rows visited against rows in the table for every paged path; exit 1 if any differ."""
    if build:
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)
        build_browse_db(path)
    if without_plugin:
        from datasette.plugins import pm

        import tracker.datasette_plugin

        pm.unregister(tracker.datasette_plugin)
    metadata = yaml.safe_load(metadata_path.read_text()) if metadata_path else None
    exact = asyncio.run(run(path, metadata, size, max_rows))
    print("Every path visits each row exactly once." if exact else "FAIL: see WRONG above.")
    sys.exit(0 if exact else 1)


if __name__ == "__main__":
    main()
