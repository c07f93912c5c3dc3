"""Errors that are not about one input (a missing dependency, a full disk) stop the run with one
line and exit status 2, after committing what was read before them; a worker process that dies
costs at most the article that killed it. The commands run as a user runs them."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import run
from .test_durability import TRACKER, assert_consistent, count_articles, write_batch

FIRST = "The mayor said the bridge over the river would reopen in May."
SECOND = "The governor said taxes would not rise before the election."
THIRD = "The minister said the talks with the union had failed on Tuesday."
LAST = "The council leader said the new library would open next spring."
PAGE = ("<html><head><title>Harbour plan</title></head><body><article><p>The minister said the "
        "harbour plan would create two hundred jobs.</p></article></body></html>")

# What a plain `pip install` with an older pip gave (issue 14): jusText, through trafilatura,
# cannot import lxml.html.clean. The module is hidden from the real command, nothing else changed.
WITHOUT_HTML_CLEAN = ("import sys; sys.modules['lxml_html_clean'] = None; "
                      "from tracker.cli import cli; cli(prog_name='tracker')")


def stored_texts(db):
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute("select text from articles"))
    finally:
        conn.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_missing_dependency_stops_the_run_after_storing_what_came_before(tmp_path, workers):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "1-first.txt").write_text(FIRST, encoding="utf-8")
    (inputs / "2-batch.jsonl").write_text(
        f'{{"text": "{SECOND}"}}\n{{"text": "{THIRD}"}}\n', encoding="utf-8")
    (inputs / "3-page.html").write_text(PAGE, encoding="utf-8")
    (inputs / "4-last.txt").write_text(LAST, encoding="utf-8")
    db = tmp_path / "t.db"
    out = subprocess.run(
        [sys.executable, "-c", WITHOUT_HTML_CLEAN, "ingest", str(db), str(inputs), "--silent",
         "--workers", str(workers)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 2, out.stderr
    assert out.stderr.splitlines() == [
        "Error: missing dependency: lxml.html.clean module is now a separate project "
        "lxml_html_clean. Install lxml[html-clean] or lxml_html_clean directly. (reinstall "
        "claim-tracker with pip to get it)"]
    # Everything read before the page is committed; nothing after it was read.
    assert stored_texts(db) == sorted([FIRST, SECOND, THIRD])
    assert_consistent(db)
    # The failures table is for inputs: a missing dependency is not one.
    assert sqlite3.connect(db).execute("select count(*) from failures").fetchone() == (0,)


# ---------------------------------------------------------------- a full disk


def run_on_small_disk(tmp_path: Path, size: str, script: str) -> subprocess.CompletedProcess:
    """Run a shell script with $DISK a fresh tmpfs of `size`, in a mount namespace of its own
    (as root, or as a user where user namespaces are allowed); skip where neither works."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) to make a small disk")
    disk = tmp_path / "disk"
    disk.mkdir()
    wrapper = f'mount -t tmpfs -o size={size} tmpfs "$DISK" || exit 99\n{script}'
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    out = subprocess.run([unshare, *flags, "sh", "-c", wrapper], capture_output=True, text=True,
                         timeout=900, env={**os.environ, "DISK": str(disk)})
    if out.returncode == 99 or "unshare failed" in out.stderr or "Operation not permitted" in out.stderr:
        pytest.skip(f"cannot mount a small tmpfs here: {out.stderr.strip()[:200]}")
    return out


@pytest.mark.slow
def test_disk_full_stops_the_run_with_one_line_and_keeps_what_was_committed(tmp_path):
    batch = write_batch(tmp_path / "batch.jsonl", 400)
    kept = tmp_path / "kept"
    kept.mkdir()
    out = run_on_small_disk(tmp_path, "1536k", f"""
        "{TRACKER}" ingest "$DISK/t.db" "{batch}" --silent --workers 1
        code=$?
        cp "$DISK"/t.db* "{kept}/"
        exit $code
    """)
    assert out.returncode == 2, (out.returncode, out.stderr[-3000:])
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr[-3000:]
    assert lines[0] == (f"Error: {tmp_path}/disk/t.db: the disk is full (database or disk is "
                        "full); the articles stored before it are kept")
    db = kept / "t.db"
    committed = count_articles(db)
    assert 0 < committed < 400, committed
    assert_consistent(db)
    # Rerun with room: the rest lands, and nothing is doubled.
    rerun = subprocess.run([str(TRACKER), "ingest", str(db), str(batch), "--silent",
                            "--workers", "1"], capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    assert count_articles(db) == 400
    assert_consistent(db)


# ---------------------------------------------------------------- a worker process that dies


def kill_worker_on(marker: str, once_file: Path | None):
    """Fault injection: extraction in a worker process that meets `marker` kills its own
    process with SIGKILL, as the out-of-memory killer would (every time, or only the first
    time when `once_file` is given)."""
    import tracker.pipeline

    real = tracker.pipeline.extract_texts

    def dying(texts, *args, **kwargs):
        texts = list(texts)
        if os.getpid() != parent and any(marker in t for t in texts):
            if once_file is None or not once_file.exists():
                if once_file is not None:
                    once_file.write_text("died once")
                os.kill(os.getpid(), signal.SIGKILL)
        return real(texts, *args, **kwargs)

    parent = os.getpid()
    return dying


def articles_dir(tmp_path, n=12, marker_at=5):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        extra = " KILLME" if i == marker_at else ""
        (folder / f"{i:02d}.txt").write_text(
            f"Report {i}: the mayor said bridge number {i} would reopen in May.{extra}",
            encoding="utf-8")
    return folder


def test_a_worker_killed_once_is_retried_and_nothing_is_lost(tmp_path, monkeypatch):
    import tracker.pipeline

    monkeypatch.setattr(tracker.pipeline, "extract_texts",
                        kill_worker_on("KILLME", tmp_path / "once"))
    db = tmp_path / "t.db"
    result = run("ingest", db, articles_dir(tmp_path), "--workers", "2")
    assert (tmp_path / "once").exists(), "the fault was not injected"
    assert result.exit_code == 0, result.output
    assert "12 new, 0 updated, 0 unchanged, 0 failed" in result.output
    assert count_articles(db) == 12


def test_an_article_that_kills_its_worker_twice_is_a_failure_and_the_rest_land(tmp_path, monkeypatch):
    import tracker.pipeline

    monkeypatch.setattr(tracker.pipeline, "extract_texts", kill_worker_on("KILLME", None))
    db = tmp_path / "t.db"
    folder = articles_dir(tmp_path)
    result = run("ingest", db, folder, "--workers", "2")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {folder}/05.txt: extraction failed: its worker process died "
                      "(killed, or out of memory?), and died again when it was retried alone"]
    assert "11 new, 0 updated, 0 unchanged, 1 failed" in result.output
    assert count_articles(db) == 11
    assert_consistent(db)


def test_a_pool_found_broken_when_handing_out_work_loses_nothing():
    """The worker dies between two batches: the pool is found broken by submit(), not by a
    result. The batches it held and the one being handed out are retried."""
    import multiprocessing

    from tracker.models import Article
    from tracker.pipeline import extract_articles

    def articles():
        for i in range(40):
            if i == 24:  # in the parent, while batches are being handed out
                for worker in multiprocessing.active_children():
                    os.kill(worker.pid, signal.SIGKILL)
                time.sleep(2)  # the pool notices it lost a worker
            yield Article(text=f"Report {i}: the mayor said bridge {i} would reopen.", id=str(i))

    out = list(extract_articles(articles(), workers=2, batch_size=4))
    assert [e.article.id for e in out] == [str(i) for i in range(40)]
    assert all(e.error is None and e.statements for e in out)


def worker_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


@pytest.mark.slow
def test_killing_a_worker_of_a_real_ingest_loses_nothing(tmp_path):
    if not Path("/proc/self/task").exists():
        pytest.skip("needs /proc to find the worker processes")
    batch = write_batch(tmp_path / "batch.jsonl", 240)
    db = tmp_path / "t.db"
    ingest = subprocess.Popen([str(TRACKER), "ingest", str(db), str(batch), "--silent",
                               "--workers", "2"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while count_articles(db) < 30 or not worker_pids(ingest.pid):
            assert ingest.poll() is None, "the ingest ended before a worker could be killed"
            assert time.monotonic() < deadline, "the ingest made no progress"
            time.sleep(0.05)
        os.kill(worker_pids(ingest.pid)[0], signal.SIGKILL)
        _, stderr = ingest.communicate(timeout=600)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode == 0, stderr
    assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr
    assert count_articles(db) == 240
    assert_consistent(db)
