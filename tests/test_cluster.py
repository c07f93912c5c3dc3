"""`tracker extract --cluster` on a real local Dask cluster, and `tracker ingest --extracted`.

The commands run in subprocesses as a user runs them; the articles are generated here. Skipped
where the cluster extra (dask, distributed) is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import snapshot

pytest.importorskip("distributed")

TRACKER = Path(sys.executable).parent / "tracker"
PEOPLE = ["Nadia Farouk", "Tomas Lindqvist", "Aiko Mori", "Samuel Adebayo", "Lucia Ferraro",
          "Dmitri Volkov", "Hannah Brandt", "Carlos Ibarra", "Priya Nair", "Owen Gallagher"]
ROLES = ["transport minister", "county mayor", "water board chair", "teachers' union leader",
         "opposition whip"]
TOPICS = ["the tram extension", "school meals", "the reservoir plan", "night bus routes",
          "the clinic closures", "harbour dredging", "the rent cap"]
CUES = ["said", "told reporters", "warned", "argued", "insisted"]


def article(i: int) -> dict:
    """A short, distinct news article (~90 words) with direct and reported speech."""
    a, b = PEOPLE[i % len(PEOPLE)], PEOPLE[(i * 3 + 4) % len(PEOPLE)]
    topic, role, cue = TOPICS[i % len(TOPICS)], ROLES[i % len(ROLES)], CUES[i % len(CUES)]
    text = (
        f"{a}, the {role}, {cue} on Tuesday that {topic} would cost {12 + i} million more than "
        f"planned.\n\n\u201cNobody voted for a bill of this size in case {i},\u201d {b} said.\n\n"
        f"{b.split()[1]} also claimed that {3 + i % 9} contractors had walked away from {topic}, "
        f"the local paper reported. A spokesperson for the council denied that the works "
        f"would be delayed beyond {2025 + i % 4}."
    )
    record = {"id": f"cl-{i}", "title": f"Row over {topic} ({i})", "text": text,
              "publisher": "The Courier", "published": f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}"}
    if i % 3 == 0:
        del record["id"]  # the id then comes from "file:LINE": line numbers must match
    return record


def write_inputs(root: Path, n: int) -> list[Path]:
    """n articles: most in one JSONL batch (split into byte ranges), four as .txt files."""
    batch = root / "batch.jsonl"
    with batch.open("w", encoding="utf-8") as f:
        for i in range(n - 4):
            f.write(json.dumps(article(i), ensure_ascii=False) + "\n")
            if i % 7 == 3:
                f.write("\n")  # blank lines count in line numbers
    folder = root / "texts"
    folder.mkdir()
    for i in range(n - 4, n):
        record = article(i)
        (folder / f"story-{i}.txt").write_text(record["title"] + "\n\n" + record["text"])
    return [batch, folder]


def tracker(*args, check=None, **kwargs) -> subprocess.CompletedProcess:
    out = subprocess.run([str(TRACKER), *map(str, args)], capture_output=True, text=True,
                         timeout=600, **kwargs)
    if check is not None:
        assert out.returncode == check, out.stderr[-3000:]
    return out


def part_lines(out_dir: Path) -> list[dict]:
    return [json.loads(line) for part in sorted(out_dir.glob("part-*.jsonl"))
            for line in part.read_text(encoding="utf-8").splitlines() if line.strip()]


def by_id(lines) -> dict:
    """id -> statements as `tracker extract` gives them (its fields only)."""
    out = {}
    for line in lines:
        if "error" in line:
            continue
        assert line["id"] not in out, f"article {line['id']} written twice"
        out[line["id"]] = [{k: s[k] for k in ("claim", "claim_start", "claim_end", "speaker",
                                              "speaker_text", "speaker_start", "speaker_end",
                                              "cue", "kind", "source", "channel", "confidence")}
                           for s in line["statements"]]
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    return write_inputs(tmp_path_factory.mktemp("cluster-in"), 30)


@pytest.fixture(scope="module")
def single(inputs, tmp_path_factory) -> dict:
    """`tracker extract --workers 1` on the inputs: the reference."""
    out = tmp_path_factory.mktemp("single") / "single.jsonl"
    tracker("extract", *inputs, "--workers", "1", "-o", out, check=0)
    return by_id(json.loads(line) for line in out.read_text().splitlines())


@pytest.fixture(scope="module")
def parts(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parts") / "parts"
    result = tracker("extract", *inputs, "--cluster", "local:2", "-o", out,
                     "--partition-size", "2KB", check=0)
    assert "Extracted 30 articles" in result.stderr
    return out


@pytest.mark.slow
def test_two_workers_give_the_single_process_output(parts, single):
    lines = part_lines(parts)
    assert len(list(parts.glob("part-*.jsonl"))) > 4  # byte ranges and a file list
    assert len(single) == 30 and sum(len(s) for s in single.values()) > 60
    assert by_id(lines) == single  # same statements, same offsets, whatever the order
    for line in lines:  # each line carries the article as read, and its offsets index it
        text = line["article"]["text"]
        for s in line["statements"]:
            assert text[s["claim_start"]:s["claim_end"]] == s["claim"]


@pytest.mark.slow
def test_ingest_extracted_gives_the_rows_of_a_direct_ingest(parts, inputs, tmp_path):
    direct, loaded = tmp_path / "direct.db", tmp_path / "loaded.db"
    tracker("ingest", direct, *inputs, "--workers", "1", "--silent", check=0)
    result = tracker("ingest", loaded, "--extracted", parts, check=0)
    assert "30 new" in result.stdout
    assert snapshot(loaded) == snapshot(direct)
    # skip-unchanged by content hash and extractor version, as a normal ingest
    again = tracker("ingest", loaded, "--extracted", parts, check=0)
    assert "0 new, 0 updated, 30 unchanged" in again.stdout
    over = tracker("ingest", direct, "--extracted", parts, check=0)
    assert "30 unchanged" in over.stdout


@pytest.mark.slow
def test_bad_articles_become_failure_lines_and_the_rest_loads(tmp_path):
    batch = tmp_path / "mixed.jsonl"
    good = [json.dumps(article(i)) for i in range(6)]
    lines = good[:2] + ['{"id": "broken", "text": "no end'] + good[2:4] + [
        json.dumps({"id": "empty", "text": "  "}),
        # a lone surrogate: valid JSON, but no text that UTF-8 (or SQLite) can hold
        '{"id": "surrogate", "text": "The mayor said \\ud800 the plan would pass."}',
    ] + good[4:]
    batch.write_text("\n".join(lines) + "\n")
    out = tmp_path / "parts"
    result = tracker("extract", batch, "--cluster", "local:1", "-o", out,
                     "--partition-size", "1KB")
    assert result.returncode == 1
    assert f"{batch}:3: invalid JSON" in result.stderr
    assert f"{batch}:6: empty text" in result.stderr
    assert "not valid Unicode" in result.stderr
    written = part_lines(out)
    assert len(by_id(written)) == 6
    assert sum("error" in line for line in written) == 3
    # a part file damaged afterwards: that line fails, the others load
    last = sorted(out.glob("part-*.jsonl"))[-1]
    last.write_text(last.read_text() + '{"id": "cut off", "statements": [\n')
    db = tmp_path / "t.db"
    loaded = tracker("ingest", db, "--extracted", out)
    assert loaded.returncode == 1
    assert "6 new, 0 updated, 0 unchanged, 4 failed" in loaded.stdout
    conn = sqlite3.connect(db)
    inputs = {r[0] for r in conn.execute("select input from failures")}
    assert {f"{batch}:3", f"{batch}:6", f"{batch}:7"} <= inputs
    assert any(i.startswith(str(last)) for i in inputs)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 6


@pytest.mark.slow
def test_killing_a_worker_mid_run_still_gives_complete_output(tmp_path, single, inputs):
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "parts"
    proc = subprocess.Popen([str(TRACKER), "extract", *map(str, inputs), "--cluster", "local:2",
                             "-o", str(out), "--partition-size", "1KB"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 300
        while not list(out.glob("part-*.jsonl")) and time.time() < deadline:
            time.sleep(0.1)  # work under way: a part is done, others are being written
        assert proc.poll() is None, proc.communicate()
        workers = [p for p in psutil.Process(proc.pid).children(recursive=True)
                   if p.ppid() != proc.pid]  # forked by the forkserver: the worker processes
        assert workers, [p.cmdline() for p in psutil.Process(proc.pid).children(recursive=True)]
        os.kill(workers[0].pid, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr[-3000:]
    assert "Extracted 30 articles" in stderr
    assert by_id(part_lines(out)) == single
    assert not [p for p in os.listdir(out) if not p.startswith("part-")]  # no half-written parts


def test_cluster_needs_an_output_directory(tmp_path):
    result = tracker("extract", tmp_path, "--cluster", "local:1")
    assert result.returncode == 2 and "--cluster needs -o DIR" in result.stderr


def test_extracted_refuses_reading_options(tmp_path):
    result = tracker("ingest", tmp_path / "t.db", "--extracted", tmp_path, "--workers", "2")
    assert result.returncode == 2 and "--extracted: --workers" in result.stderr


def test_extracted_directory_without_parts_is_a_failure(tmp_path):
    result = tracker("ingest", tmp_path / "t.db", "--extracted", tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path}: no part-*.jsonl files" in result.stderr


def test_without_dask_the_error_names_the_extra(tmp_path):
    # the base install has no dask: python itself then fails the import, as here
    code = ("import sys; sys.modules['distributed'] = None; from tracker.cli import cli; "
            "cli(['extract', sys.argv[1], '--cluster', 'local:1', '-o', sys.argv[2]])")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path), str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "pip install 'claim-tracker[cluster]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_scheduler_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("The mayor said the bridge would open.")
    result = tracker("extract", tmp_path / "a.txt", "--cluster", "tcp://127.0.0.1:9",
                     "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "could not start or reach the Dask cluster at tcp://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


def _nlp_loads():
    from tracker.nlp import load_nlp

    return load_nlp.cache_info().misses


@pytest.mark.slow
def test_each_worker_loads_the_pipeline_once(inputs, tmp_path):
    from tracker.cluster import connect, extract_on_cluster

    with connect("local:2") as client:
        report = extract_on_cluster(client, [str(p) for p in inputs], str(tmp_path / "out"), {},
                                    partition_size=1024)
        loads = client.run(_nlp_loads)
    assert report.partitions >= 10 and report.articles == 30
    assert list(loads.values()) == [1, 1]  # once per worker process, however many tasks it ran


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="no forkserver on Windows: workers are spawned")
def test_local_workers_start_with_the_pipeline_loaded():
    from tracker.cluster import connect

    with connect("local:2") as client:
        client.wait_for_workers(2)
        loads = client.run(_nlp_loads)  # before any task, and before the LoadModels plugin
    assert list(loads.values()) == [1, 1]  # loaded once, in the forkserver they were forked from
