"""Bad input gets a one-line error naming it, a non-zero exit, and leaves the database as it was."""

import sqlite3

import pytest

from .conftest import SEED_ARTICLE, run, snapshot


@pytest.fixture
def db(tmp_path):
    """A database that already holds the seed article."""
    path = tmp_path / "tracker.db"
    assert run("ingest", path, SEED_ARTICLE, "--silent", "--workers", "1").exit_code == 0
    return path


def make_empty(d):
    p = d / "empty.txt"
    p.write_text("   \n\n", encoding="utf-8")
    return p, "empty"


def make_binary(d):
    p = d / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return p, "binary"


def make_nothing_dir(d):
    p = d / "nothing"
    p.mkdir()
    (p / "notes.bin").write_bytes(b"\x00\x01")
    return p, "no articles found"


@pytest.mark.parametrize("make", [make_empty, make_binary, make_nothing_dir])
def test_bad_input_is_reported_and_database_unchanged(db, tmp_path, make):
    before = snapshot(db)
    bad, reason = make(tmp_path)
    result = run("ingest", db, bad, "--silent")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert str(bad) in errors[0] and reason in errors[0]
    assert snapshot(db) == before
    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    failures = conn.execute("select input, reason from failures").fetchall()
    assert len(failures) == 1 and str(bad) in failures[0][0]


def test_non_utf8_file_is_decoded_not_rejected(tmp_path):
    path = tmp_path / "latin1.txt"
    text = "Le ministre a déclaré que la réforme était nécessaire.\n\nThe café owner said prices would rise."
    path.write_bytes(text.encode("cp1252"))
    db = tmp_path / "t.db"
    result = run("ingest", db, path, "--silent")
    assert result.exit_code == 0, result.output
    stored = sqlite3.connect(db).execute("select text from articles").fetchone()[0]
    assert stored == text


def test_good_inputs_in_a_failing_run_are_ingested(tmp_path):
    db = tmp_path / "t.db"
    bad, _ = make_empty(tmp_path)
    result = run("ingest", db, bad, SEED_ARTICLE, "--silent", "--workers", "1")
    assert result.exit_code == 1
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 1


def test_failed_input_that_later_succeeds_leaves_the_failures_table(tmp_path):
    db = tmp_path / "t.db"
    path = tmp_path / "later.txt"
    path.write_text("", encoding="utf-8")
    assert run("ingest", db, path, "--silent").exit_code == 1
    path.write_text("The spokesman said the plant would close.", encoding="utf-8")
    assert run("ingest", db, path, "--silent").exit_code == 0
    assert sqlite3.connect(db).execute("select count(*) from failures").fetchone()[0] == 0


def test_an_extraction_bug_fails_one_article_not_the_run(tmp_path, monkeypatch):
    """Fault injection: extraction raises on one article; the others are still stored."""
    import tracker.pipeline

    real = tracker.pipeline.extract_parsed

    def flaky(text, chunks, **kwargs):
        if "BOOM" in text:
            raise RuntimeError("injected fault")
        return real(text, chunks, **kwargs)

    monkeypatch.setattr(tracker.pipeline, "extract_parsed", flaky)
    for name, text in [("a", "The mayor said the bridge was safe."),
                       ("b", "BOOM. The governor said the road was closed."),
                       ("c", "The minister said the talks had failed.")]:
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "t.db"
    result = run("ingest", db, tmp_path, "--silent", "--workers", "1")
    assert result.exit_code == 1
    assert "b.txt: extraction failed: RuntimeError: injected fault" in result.output
    conn = sqlite3.connect(db)
    paths = sorted(r[0].rsplit("/", 1)[1] for r in conn.execute("select source_path from articles"))
    assert paths == ["a.txt", "c.txt"]
    assert conn.execute("select count(*) from failures where input like '%b.txt'").fetchone()[0] == 1


from .test_readers import server  # noqa: E402,F401  (the local HTTP server fixture)


def test_mixed_run_records_every_failure_and_ingests_the_rest(tmp_path, server):  # noqa: F811
    """A malformed JSONL line, a CSV without a text column and a 404 URL, beside good inputs."""
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"id": "ok-1", "text": "The mayor said the bridge would reopen."}\n'
        '{"id": "broken", "text": \n'
        '{"id": "ok-2", "text": "The council said the budget was balanced."}\n',
        encoding="utf-8")
    table = tmp_path / "sheet.csv"
    table.write_text("name,summary\nx,y\n", encoding="utf-8")
    db = tmp_path / "t.db"
    result = run("ingest", db, batch, table, f"{server}/missing", f"{server}/article.html",
                 "--silent", "--workers", "1", "--timeout", "5", "--allow-private-urls")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 3, result.output
    assert any(f"{batch}:2: invalid JSON" in e for e in errors)
    assert any(str(table) in e and "no text column" in e for e in errors)
    assert any(f"{server}/missing: HTTP 404" in e for e in errors)
    conn = sqlite3.connect(db)
    assert sorted(r[0] for r in conn.execute("select input from failures")) == sorted(
        [f"{batch}:2", str(table), f"{server}/missing"])
    ids = {r[0] for r in conn.execute("select id from articles")}
    assert {"ok-1", "ok-2"} <= ids and len(ids) == 3
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_inputs_that_used_to_break_the_run_are_one_error_line_each(tmp_path):
    """A FIFO in a folder, a symbolic link loop, a name that is not UTF-8 and a lone surrogate
    in JSON, beside good articles, in one run of the real command: one Error line and one
    failures row each, and the good articles after them are stored."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1-good.txt").write_text("The mayor said the bridge would reopen.", encoding="utf-8")
    os.mkfifo(folder / "2-pipe.txt")
    os.symlink(folder / "3-loop.txt", folder / "3-loop.txt")
    fd = os.open(os.fsencode(folder) + b"/4-caf\xe9.txt", os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"The owner said prices would rise.")
    os.close(fd)
    (folder / "5-batch.jsonl").write_text(
        '{"text": "The council said the budget was balanced."}\n'
        '{"text": "He said \\ud83d was his answer."}\n', encoding="utf-8")
    (folder / "6-good.txt").write_text("The governor said taxes would not rise.", encoding="utf-8")
    db = tmp_path / "t.db"
    tracker = str(Path(sys.executable).parent / "tracker")
    out = subprocess.run([tracker, "ingest", str(db), str(folder), "--silent", "--workers", "1"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1
    expected = [
        (f"{folder}/2-pipe.txt", "not a regular file (a FIFO)"),
        (f"{folder}/3-loop.txt", "symbolic link loop"),
        (f"{folder}/4-caf\\xe9.txt", "file name is not valid UTF-8 (rename it)"),
        (f"{folder}/5-batch.jsonl:2", "field 'text' is not valid Unicode (a lone surrogate \\ud83d)"),
    ]
    assert out.stderr.splitlines() == [f"Error: {i}: {r}" for i, r in expected]
    conn = sqlite3.connect(db)
    assert sorted(conn.execute("select input, reason from failures")) == expected
    assert conn.execute("select count(*) from articles").fetchone()[0] == 3


def test_closed_stdin_is_one_error_line(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    db = tmp_path / "t.db"
    tracker = str(Path(sys.executable).parent / "tracker")
    out = subprocess.run(f'"{tracker}" ingest "{db}" - "{SEED_ARTICLE}" --silent --workers 1 <&-',
                         shell=True, capture_output=True, text=True, timeout=300)
    assert out.returncode == 1
    assert out.stderr.splitlines() == ["Error: stdin: standard input is closed"]
    conn = sqlite3.connect(db)
    assert conn.execute("select input, reason from failures").fetchall() == [
        ("stdin", "standard input is closed")]
    assert conn.execute("select count(*) from articles").fetchone()[0] == 1
