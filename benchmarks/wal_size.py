"""How much disk an ingest needs beside the database: the peak size of its write-ahead log.

Ingests generated articles (benchmarks/ingest_memory.py's generator) into a fresh database with
the real command in a subprocess, samples the size of the -wal file every 10 ms, and prints the
peak WAL size, the final database and WAL sizes, and the peak as a multiple of the final
database. --reader holds a read transaction open for the whole ingest, as a slow reader (a long
CSV download from Datasette) would; --busy runs two readers that query without a pause, so that
some read is always in progress, as on a busy Datasette.

    .venv/bin/python benchmarks/wal_size.py --articles 600
    .venv/bin/python benchmarks/wal_size.py --articles 600 --reader
    PYTHONPATH=/path/to/other/checkout .venv/bin/python benchmarks/wal_size.py   # compare trees
"""

from __future__ import annotations

import os
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import click

from ingest_memory import write_batch

BIN = pathlib.Path(sys.executable).parent


def keep_reading(db: pathlib.Path, stop: threading.Event) -> None:
    conn = sqlite3.connect(db)
    while not stop.is_set():
        conn.execute("select count(*), max(claim) from statements").fetchone()
    conn.close()


def size(path: pathlib.Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@click.command()
@click.option("--articles", default=600, show_default=True)
@click.option("--reader", is_flag=True, help="Hold a read transaction open during the ingest.")
@click.option("--busy", is_flag=True, help="Two readers querying without a pause.")
def main(articles, reader, busy):
    with tempfile.TemporaryDirectory(prefix="wal-size-") as tmp:
        tmp = pathlib.Path(tmp)
        batch = tmp / "batch.jsonl"
        write_batch(batch, articles, seed=1)
        db, wal = tmp / "t.db", tmp / "t.db-wal"
        # The schema first (a few hundred KB), so the reader has a snapshot to hold.
        subprocess.run([sys.executable, "-c", "import sys; from tracker.store import open_db; "
                        "open_db(sys.argv[1])", str(db)], check=True)
        held = None
        if reader:
            held = sqlite3.connect(db, isolation_level=None)
            held.execute("begin")
            held.execute("select count(*) from articles").fetchone()
        stop = threading.Event()
        threads = [threading.Thread(target=keep_reading, args=(db, stop)) for _ in range(2 if busy else 0)]
        for t in threads:
            t.start()
        start = time.monotonic()
        process = subprocess.Popen([str(BIN / "tracker"), "ingest", str(db), str(batch),
                                    "--silent", "--workers", "1"], env=os.environ)
        peak = 0
        while process.poll() is None:
            peak = max(peak, size(wal))
            time.sleep(0.01)
        seconds = time.monotonic() - start
        stop.set()
        for t in threads:
            t.join()
        peak = max(peak, size(wal))
        wal_end = size(wal)
        if held is not None:
            held.execute("commit")
            held.close()
        conn = sqlite3.connect(db)  # what the data needs once everything is checkpointed
        conn.execute("pragma wal_checkpoint(truncate)")
        conn.close()
        db_size = size(db)
        mb = 2 ** 20
        how = " (with a long reader)" if reader else " (with busy readers)" if busy else ""
        print(f"articles {articles}{how}: "
              f"ingest {seconds:.1f} s, exit {process.returncode}")
        print(f"  peak WAL {peak / mb:.1f} MB; WAL {wal_end / mb:.1f} MB at the end; database "
              f"{db_size / mb:.1f} MB; peak WAL / database = {peak / max(db_size, 1):.1f}x;"
              f" {peak / articles / 1024:.0f} KB of WAL per article")


if __name__ == "__main__":
    main()
