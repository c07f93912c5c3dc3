"""Which stored article an input is, and whether it changed: decided by identity and content,
never by line number, and never against rows the same run is about to change."""

import json
import sqlite3

from .conftest import run

A = "The mayor said the bridge over the river would reopen in May."
B = "The governor said taxes would not rise before the election."
C = "The minister said the talks with the union had failed on Tuesday."
D = "The council leader said the new library would open next spring."


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def stored_texts(db):
    return sorted(r[0] for r in sqlite3.connect(db).execute("select text from articles"))


def ingest(db, *inputs):
    return run("ingest", db, *inputs, "--workers", "1")


def summary(result):
    return result.output.strip().splitlines()[-1]


def test_batch_without_ids_keeps_every_article_when_a_line_is_added_at_the_top(tmp_path):
    db, batch = tmp_path / "t.db", tmp_path / "batch.jsonl"
    write_jsonl(batch, [{"text": A}, {"text": B}])
    assert "2 new, 0 updated, 0 unchanged" in summary(ingest(db, batch))
    write_jsonl(batch, [{"text": C}, {"text": A}, {"text": B}])
    result = ingest(db, batch)
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated, 2 unchanged" in summary(result)
    assert stored_texts(db) == sorted([A, B, C])
    # Settled at once: a rerun changes nothing.
    assert "0 new, 0 updated, 3 unchanged" in summary(ingest(db, batch))
    assert stored_texts(db) == sorted([A, B, C])


def test_csv_rows_without_ids_are_keyed_by_content_too(tmp_path):
    db, sheet = tmp_path / "t.db", tmp_path / "sheet.csv"
    sheet.write_text(f"title,text\none,{A}\ntwo,{B}\n", encoding="utf-8")
    ingest(db, sheet)
    sheet.write_text(f"title,text\nzero,{C}\none,{A}\ntwo,{B}\n", encoding="utf-8")
    assert "1 new, 0 updated, 2 unchanged" in summary(ingest(db, sheet))
    assert stored_texts(db) == sorted([A, B, C])


def test_duplicate_ids_in_one_batch_are_reported_with_both_lines(tmp_path):
    db, batch = tmp_path / "t.db", tmp_path / "batch.jsonl"
    write_jsonl(batch, [{"id": "x", "text": A}, {"id": "y", "text": B}, {"id": "x", "text": C}])
    for _ in range(3):  # and each rerun leaves the same text stored: no flipping
        result = ingest(db, batch)
        assert result.exit_code == 1
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert errors == [f"Error: {batch}:3: duplicate id 'x' (also on line 1)"], result.output
        assert stored_texts(db) == sorted([A, B])
        failures = sqlite3.connect(db).execute("select input, reason from failures").fetchall()
        assert failures == [(f"{batch}:3", "duplicate id 'x' (also on line 1)")]


def test_an_edited_file_whose_text_equals_another_article_is_updated(tmp_path):
    db = tmp_path / "t.db"
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(A, encoding="utf-8")
    b.write_text(B, encoding="utf-8")
    ingest(db, a, b)
    a.write_text(B, encoding="utf-8")
    result = ingest(db, a)
    assert "0 new, 1 updated, 0 unchanged" in summary(result), result.output
    conn = sqlite3.connect(db)
    assert conn.execute("select text from articles where source_path = ?", [str(a)]).fetchone() == (B,)
    claims = [r[0] for r in conn.execute(
        "select claim from statements join articles on articles.id = article_id"
        " where source_path = ?", [str(a)])]
    assert claims and all("bridge" not in c for c in claims), claims


def test_a_copy_is_not_judged_against_an_article_the_same_run_changes(tmp_path):
    """A copy of a.txt's old text, met before (0copy) and after (zcopy) a.txt is edited in the
    same run: the old text must stay stored under the copy, whichever comes first."""
    for name in ("0copy.txt", "zcopy.txt"):
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        db = folder / "t.db"
        a = folder / "a.txt"
        a.write_text(A, encoding="utf-8")
        (folder / "b.txt").write_text(B, encoding="utf-8")
        assert "2 new" in summary(ingest(db, folder))
        a.write_text(C, encoding="utf-8")
        (folder / name).write_text(A, encoding="utf-8")
        result = ingest(db, folder)
        assert result.exit_code == 0, result.output
        assert "1 new, 1 updated, 1 unchanged" in summary(result), (name, result.output)
        assert stored_texts(db) == sorted([A, B, C]), name
        assert "0 new, 0 updated, 3 unchanged" in summary(ingest(db, folder)), name


def test_the_same_text_twice_in_one_run_is_stored_once(tmp_path):
    db = tmp_path / "t.db"
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text(D, encoding="utf-8")
    result = ingest(db, tmp_path / "one.txt", tmp_path / "two.txt")
    assert "1 new, 0 updated, 1 unchanged" in summary(result), result.output
    assert stored_texts(db) == [D]


def test_an_object_used_as_an_id_is_a_failure_not_its_python_repr(tmp_path):
    db, batch = tmp_path / "t.db", tmp_path / "batch.jsonl"
    write_jsonl(batch, [{"id": {"source": "wire", "n": 7}, "text": A}, {"id": 12, "text": B},
                        {"id": ["a", "b"], "text": C}, {"id": True, "text": D}])
    result = ingest(db, batch)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: {batch}:1: field 'id' must be a string or a number, not an object",
        f"Error: {batch}:3: field 'id' must be a string or a number, not an array",
        f"Error: {batch}:4: field 'id' must be a string or a number, not a boolean",
    ], result.output
    ids = [r[0] for r in sqlite3.connect(db).execute("select id from articles")]
    assert ids == ["12"]


def test_extracted_copy_of_an_article_the_run_later_edits_keeps_its_statements(tmp_path):
    # `ingest --extracted`: a copy judged after the run (deferred) is stored with the statements
    # its line carried, and by the version that line names
    from tracker.ingest import ingest_extracted
    from tracker.models import Article, ExtractedArticle, Statement
    from tracker.store import open_db

    db = open_db(tmp_path / "t.db")
    claim = "the bridge over the river would reopen in May"

    def extracted(article_id, text):
        start = text.find(claim)
        statements = [Statement(claim=claim, claim_start=start, claim_end=start + len(claim),
                                cue="said", speaker="The mayor", speaker_text="The mayor",
                                speaker_start=0, speaker_end=9)] if start >= 0 else []
        return ExtractedArticle(Article(text=text, id=article_id), statements, None, "9.9")

    assert ingest_extracted(db, [extracted("a", A)]).new == 1
    report = ingest_extracted(db, [extracted("b", A), extracted("a", C)])
    assert (report.new, report.changed, report.unchanged) == (1, 1, 0)
    rows = db.execute("select article_id, claim, extractor_version from statements"
                      " order by article_id").fetchall()
    assert rows == [("b", claim, "9.9")]
    assert ingest_extracted(db, [extracted("b", A), extracted("a", C)]).unchanged == 2
