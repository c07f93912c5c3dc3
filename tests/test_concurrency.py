"""Several ingests into one new database at once: writers wait their turn, and every article of
every run lands, with the per-speaker figures still in step (real commands, real processes)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from .test_durability import TRACKER, assert_consistent, generated_article

PER_RUN = 1500


def write_part(path: Path, part: int) -> Path:
    """PER_RUN distinct articles (ids gen-N) of their own; speakers shared across the parts."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(part * PER_RUN, (part + 1) * PER_RUN):
            f.write(json.dumps(generated_article(i)) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("runs", [2, 4])
def test_concurrent_ingests_into_one_new_database_all_land(tmp_path, runs):
    db = tmp_path / "tracker.db"
    parts = [write_part(tmp_path / f"part{k}.jsonl", k) for k in range(runs)]
    processes = [subprocess.Popen([str(TRACKER), "ingest", str(db), str(part), "--silent",
                                   "--workers", "1"], stderr=subprocess.PIPE, text=True)
                 for part in parts]
    errors = []
    for p in processes:
        _, stderr = p.communicate(timeout=3600)
        errors.append((p.returncode, stderr))
    assert errors == [(0, "")] * runs
    conn = sqlite3.connect(db)
    try:
        ids = {r[0] for r in conn.execute("select id from articles")}
        assert ids == {f"gen-{i}" for i in range(runs * PER_RUN)}
        assert conn.execute("select count(*) from failures").fetchone() == (0,)
        assert conn.execute("select count(distinct article_id) from statements").fetchone()[0] \
            == runs * PER_RUN
    finally:
        conn.close()
    assert_consistent(db)
