"""The command line, driven with click's CliRunner on real temporary SQLite files."""

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli import cli

from .conftest import ROOT, SEED_ARTICLE, SEEDS, run, snapshot


def test_every_command_has_help_with_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "Example:" in result.output
    for name in cli.commands:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example:" in result.output, f"{name} --help has no example"
        assert cli.commands[name].help, name


def test_python_dash_m_tracker_works():
    out = subprocess.run([sys.executable, "-m", "tracker", "--help"], capture_output=True,
                         text=True, cwd=ROOT)
    assert out.returncode == 0 and "ingest" in out.stdout


def test_ingest_twice_gives_the_same_rows(tmp_path, seed_db):
    db = tmp_path / "tracker.db"
    first = run("ingest", db, SEEDS, "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "1 new" in first.output and "0 failed" in first.output
    before = snapshot(db)
    assert before["statements"], "the seed article yields statements"
    second = run("ingest", db, SEEDS, "--workers", "1")
    assert second.exit_code == 0
    assert "0 new, 0 updated, 1 unchanged" in second.output
    assert snapshot(db) == before
    # The same article under another path is recognized by its text, not stored twice.
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    third = run("ingest", db, copy, "--silent")
    assert third.exit_code == 0
    assert snapshot(db) == before


def test_summary_counts_statements(tmp_path):
    db = tmp_path / "t.db"
    result = run("ingest", db, SEED_ARTICLE, "--workers", "1")
    count = sqlite3.connect(db).execute("select count(*) from statements").fetchone()[0]
    assert f"Statements written: {count}." in result.output


def test_changed_article_replaces_its_statements(tmp_path):
    db = tmp_path / "t.db"
    article = tmp_path / "a.txt"
    article.write_text('The mayor said the bridge would reopen in May.\n', encoding="utf-8")
    assert run("ingest", db, article, "--silent").exit_code == 0
    article.write_text('The governor said taxes would not rise.\n', encoding="utf-8")
    result = run("ingest", db, article)
    assert "1 updated" in result.output
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from articles").fetchone()[0] == 1
    claims = [r[0] for r in conn.execute("select claim from statements")]
    assert claims and all("bridge" not in c for c in claims)
    assert conn.execute("select count(*) from statements_fts where statements_fts match 'bridge'"
                        ).fetchone()[0] == 0


def test_ingest_from_stdin(tmp_path):
    db = tmp_path / "t.db"
    result = run("ingest", db, "-", "--silent",
                 input="The minister said the talks had failed.\n")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("select source_path from articles").fetchone()[0] == "stdin"


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_formats_parse_back(seed_db, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = run("export", seed_db, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(seed_db)
    conn.row_factory = sqlite3.Row
    expected = [dict(r) for r in conn.execute("select * from statements order by rowid")]
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["id"] for r in rows] == [r["id"] for r in expected]
        assert [r["claim"] for r in rows] == [r["claim"] for r in expected]
    elif fmt == "json":
        assert json.loads(text) == expected
    else:
        assert [json.loads(line) for line in text.splitlines()] == expected


def test_export_other_table_and_sql(seed_db):
    result = run("export", seed_db, "--format", "json", "--table", "speakers")
    names = {r["name"] for r in json.loads(result.output)}
    assert "Antonio Guterres" in names
    result = run("export", seed_db, "--format", "jsonl", "--sql",
                 "select claim from statements where kind = 'direct'")
    assert result.exit_code == 0 and result.output.strip()
    bad = run("export", seed_db, "--table", "nope")
    assert bad.exit_code != 0 and "No table 'nope'" in bad.output


def test_extract_prints_json_lines_with_offsets(tmp_path):
    text = "Officials said on Monday that the dam was safe."
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "a1", "text": text}) + "\n", encoding="utf-8")
    result = run("extract", batch, "--workers", "1")
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in result.output.splitlines()]
    assert line["id"] == "a1"
    for s in line["statements"]:
        assert text[s["claim_start"]:s["claim_end"]] == s["claim"]
        for field in ("claim", "claim_start", "claim_end", "speaker", "speaker_text",
                      "speaker_start", "speaker_end", "cue", "kind", "source", "channel",
                      "confidence"):
            assert field in s


# ---------------------------------------------------------------- a wrong database argument

HINT = "the database comes first: tracker ingest DB PATH..."


def errors_of(result):
    return [line for line in result.output.splitlines() if line.strip()]


def test_swapped_arguments_leave_the_article_as_it_was(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("The mayor said the bridge would reopen in May.\n", encoding="utf-8")
    db = tmp_path / "tracker.db"
    assert run("ingest", db, article, "--silent", "--workers", "1").exit_code == 0
    before = article.read_bytes()
    result = run("ingest", article, db)
    assert result.exit_code == 2
    assert errors_of(result) == [
        f"Error: {article}: not an SQLite database (left as it is); {HINT}"]
    assert article.read_bytes() == before
    assert not (tmp_path / "article.txt-wal").exists()


def test_a_file_of_another_kind_is_never_made_a_database(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n", encoding="utf-8")
    result = run("ingest", notes, SEED_ARTICLE)
    assert result.exit_code == 2
    assert errors_of(result) == [f"Error: {notes}: not an SQLite database (left as it is)"]
    assert notes.read_text(encoding="utf-8") == "my notes, not a database\n"


def test_database_in_a_missing_directory(tmp_path):
    db = tmp_path / "no" / "such" / "tracker.db"
    result = run("ingest", db, SEED_ARTICLE)
    assert result.exit_code == 2
    assert errors_of(result) == [
        f"Error: {db}: cannot create the database: no such directory {db.parent}"]
    assert not (tmp_path / "no").exists()


def test_an_article_name_given_as_the_database_creates_nothing(tmp_path):
    notyet = tmp_path / "notyet.txt"
    result = run("ingest", notyet)
    assert result.exit_code == 2
    assert errors_of(result) == [
        f"Error: no PATH to ingest; {notyet} looks like an article: {HINT}"]
    result = run("ingest", notyet, SEED_ARTICLE)
    assert result.exit_code == 2
    assert errors_of(result) == [
        f"Error: {notyet}: will not create a database with an article's name; {HINT}"]
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- export


def test_export_opens_the_database_read_only(seed_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(seed_db, db)
    before = sqlite3.connect(db).execute("select name from sqlite_master order by 1").fetchall()
    for sql in ("drop table failures", "delete from statements",
                "insert into failures (id, input, reason) values ('x', 'y', 'z')"):
        result = run("export", db, "--sql", sql)
        assert result.exit_code == 1, sql
        assert errors_of(result) == [
            "Error: Could not export: attempt to write a readonly database"], sql
    conn = sqlite3.connect(db)
    assert conn.execute("select name from sqlite_master order by 1").fetchall() == before
    assert conn.execute("select count(*) from statements").fetchone()[0] > 0
    assert conn.execute("select count(*) from failures").fetchone()[0] == 0


def test_export_of_a_file_that_is_not_a_database(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Some text.", encoding="utf-8")
    result = run("export", article)
    assert result.exit_code == 2
    assert errors_of(result) == [f"Error: {article}: not an SQLite database (left as it is)"]


def test_export_into_a_pipe_that_closes_early(seed_db):
    """`tracker export ... | head`: the reader stops early; no broken-pipe error."""
    tracker = str(Path(sys.executable).parent / "tracker")
    many_rows = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 200000)"
                 " select i, 'words enough to fill the pipe buffer several times over' from n")
    out = subprocess.run(
        f'"{tracker}" export "{seed_db}" --format csv --sql "{many_rows}" | head -n 3',
        shell=True, capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[0] == "i,'words enough to fill the pipe buffer several times over'"
    assert len(out.stdout.splitlines()) == 3
    assert out.stderr == ""


def test_extract_into_a_pipe_that_closes_early(tmp_path):
    """`tracker extract ... | head -n 1`: no broken-pipe error when the reader stops."""
    tracker = str(Path(sys.executable).parent / "tracker")
    batch = tmp_path / "batch.jsonl"
    line = "The mayor said the bridge would open in May. " * 40
    batch.write_text("".join(json.dumps({"id": str(i), "text": line}) + "\n" for i in range(60)),
                     encoding="utf-8")
    out = subprocess.run(f'"{tracker}" extract "{batch}" --workers 1 | head -n 1', shell=True,
                         capture_output=True, text=True, timeout=300)
    assert json.loads(out.stdout.splitlines()[0])["id"] == "0"
    assert out.stderr == ""


@pytest.mark.parametrize("command", [
    ["claims"], ["reviews"], ["match", "the bridge will cost $40 million"],
    ["review", "abc", "--rating", "False", "--url", "https://checks.example/x"],
    ["import-claimreview", "NOSUCH.jsonl"],
])
def test_other_commands_on_a_file_that_is_not_a_database(tmp_path, command):
    article = tmp_path / "article.txt"
    article.write_text("Some text.", encoding="utf-8")
    result = run(command[0], article, *command[1:])
    assert result.exit_code == 2, result.output
    assert errors_of(result) == [f"Error: {article}: not an SQLite database (left as it is)"]
    assert article.read_text(encoding="utf-8") == "Some text."


@pytest.mark.parametrize("command", [["ingest", "{db}", str(SEED_ARTICLE)], ["claims", "{db}", "--top", "1"]])
def test_progress_goes_to_stderr_so_stdout_holds_only_results(tmp_path, command):
    db = tmp_path / "t.db"
    run("ingest", db, SEED_ARTICLE, "--silent")
    args = [a.format(db=db) for a in command]
    done = subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Ingesting" not in done.stdout and "Grouping" not in done.stdout
    assert done.stdout.strip()  # the summary or the list still reaches stdout
