"""Nothing lost, nothing doubled: a killed ingest resumes cleanly, and Datasette reads during ingest.

These drive the real installed commands (`tracker`, `datasette`) in subprocesses, as a user would.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .conftest import datasette_server

BIN = Path(sys.executable).parent
TRACKER = BIN / "tracker"

PEOPLE = ["Maria Lopez", "John Okafor", "Wei Chen", "Anna Schmidt", "Rahul Gupta", "Sara Cohen",
          "Tom Baker", "Leila Haddad", "Ivan Petrov", "Grace Mensah"]
ROLES = ["finance minister", "city mayor", "health official", "union leader", "party spokesperson"]
TOPICS = ["the new bridge", "the water plan", "rail fares", "the school budget", "hospital waiting lists",
          "the port expansion", "energy prices", "the housing law"]
VERBS = ["rise", "fall", "stall", "improve", "double", "be delayed"]
OUTLETS = ["Reuters", "AP", "The Guardian", "AFP"]


def generated_article(i: int) -> dict:
    """A short, distinct news article (~80 words) with quotes and reported speech."""
    a, b = PEOPLE[i % len(PEOPLE)], PEOPLE[(i * 7 + 3) % len(PEOPLE)]
    role, topic = ROLES[i % len(ROLES)], TOPICS[(i // 3) % len(TOPICS)]
    verb, outlet = VERBS[(i // 2) % len(VERBS)], OUTLETS[i % len(OUTLETS)]
    n = 3 + i % 40
    text = (
        f"{a}, the {role}, said on Monday that {topic} would {verb} by {n} percent next year. "
        f"\u201cWe have done everything we promised in report number {i},\u201d {a} told reporters. "
        f"{b} denied that the figures for {topic} were accurate, {outlet} reported. "
        f"According to a statement from the council, {n * 2} people attended the meeting on {topic}. "
        f"\u201cThis is not the end of the matter,\u201d {b} said."
    )
    return {"id": f"gen-{i}", "title": f"Report {i} on {topic}", "text": text,
            "publisher": outlet, "published": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"}


def write_batch(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(generated_article(i)) + "\n")
    return path


def ingest_command(db: Path, batch: Path) -> list[str]:
    return [str(TRACKER), "ingest", str(db), str(batch), "--workers", "1", "--silent"]


def count_articles(db: Path) -> int:
    """Committed articles, read as another process would (0 while the schema is not there yet)."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def statement_keys(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute(
            "select article_id, claim_start, claim_end, claim, speaker, cue, kind from statements"
        ).fetchall(), key=repr)
    finally:
        conn.close()


def assert_consistent(db: Path) -> None:
    """SQLite's own integrity check, and both FTS indexes in step with their tables."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        for table in ("statements", "articles"):
            # Raises "database disk image is malformed" if the index disagrees with the table.
            conn.execute(f"insert into {table}_fts({table}_fts, rank) values('integrity-check', 1)")
            indexed = conn.execute(f"select count(*) from {table}_fts_docsize").fetchone()[0]
            rows = conn.execute(f"select count(*) from {table}").fetchone()[0]
            assert indexed == rows, (table, indexed, rows)
        # The per-speaker figures save_article keeps up to date agree with the statements.
        assert conn.execute("""
            select count(*) from speakers where
              coalesce(statement_count, 0) != (select count(*) from statements s
                                               where s.speaker_id = speakers.id)
              or coalesce(article_count, 0) != (select count(distinct article_id) from statements s
                                                where s.speaker_id = speakers.id)
              or first_seen is not (select min(published) from statements s
                                    where s.speaker_id = speakers.id)
              or last_seen is not (select max(published) from statements s
                                   where s.speaker_id = speakers.id)
        """).fetchone()[0] == 0
    finally:
        conn.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    return write_batch(tmp_path_factory.mktemp("batch") / "articles.jsonl", 240)


@pytest.fixture(scope="module")
def reference_db(batch, tmp_path_factory) -> Path:
    """The batch ingested in one uninterrupted run."""
    db = tmp_path_factory.mktemp("reference") / "tracker.db"
    subprocess.run(ingest_command(db, batch), check=True, timeout=300)
    return db


@pytest.mark.slow
def test_killed_ingest_resumes_without_loss_or_duplicates(batch, reference_db, tmp_path):
    n = sum(1 for _ in batch.open())
    db = tmp_path / "tracker.db"
    process = subprocess.Popen(ingest_command(db, batch))
    try:
        deadline = time.monotonic() + 120
        while count_articles(db) < n // 4:
            assert process.poll() is None, "ingest finished before it could be killed"
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    committed = count_articles(db)
    assert n // 4 <= committed < n, committed
    assert_consistent(db)

    rerun = subprocess.run(ingest_command(db, batch), timeout=300)
    assert rerun.returncode == 0
    assert_consistent(db)
    conn = sqlite3.connect(db)
    try:
        ids = [r[0] for r in conn.execute("select source_path from articles")]
        assert len(ids) == len(set(ids)) == n
        assert conn.execute("select count(*) from failures").fetchone()[0] == 0
    finally:
        conn.close()
    reference = statement_keys(reference_db)
    assert reference, "the extractor found no statements: nothing to compare"
    assert statement_keys(db) == reference
    assert count_articles(reference_db) == n


@pytest.mark.slow
def test_datasette_answers_reads_while_ingest_writes(batch, tmp_path):
    db = tmp_path / "tracker.db"
    from tracker.store import open_db

    open_db(db).close()  # the schema exists before Datasette opens the file
    ingest = None
    try:
        with datasette_server(db) as base, httpx.Client(base_url=base, timeout=10) as client:
            ingest = subprocess.Popen(ingest_command(db, batch))
            reads, counts = 0, []
            deadline = time.monotonic() + 240
            while ingest.poll() is None and reads < 2000:
                assert time.monotonic() < deadline, "ingest did not finish"
                for url, seen in (("/tracker/statements.json?_size=20", counts),
                                  ("/tracker/statements.json?_search=percent&_size=5", None)):
                    response = client.get(url)
                    assert response.status_code == 200, response.text[:500]
                    data = response.json()
                    assert data.get("ok", True) and not data.get("error"), data
                    if seen is not None:
                        seen.append(data["filtered_table_rows_count"])
                    reads += 1
                time.sleep(0.05)
            assert ingest.wait(timeout=60) == 0
            final = client.get("/tracker/articles.json?_size=0").json()
            assert final["filtered_table_rows_count"] == sum(1 for _ in batch.open())
        assert reads >= 10, f"only {reads} reads happened during the ingest"
        # Each read sees whole committed articles: the count only ever grows.
        assert counts == sorted(counts)
    finally:
        if ingest is not None and ingest.poll() is None:
            ingest.kill()
            ingest.wait(timeout=10)
