"""Verdicts: `tracker review` records one, `tracker reviews` lists them; bad input writes nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import run
from tests.test_claims import SAME, article, claim_of
from tracker.store import open_db, save_article


def two_articles(path):
    """One claim in two articles (quoted, then reported), and an unrelated claim."""
    db = open_db(path)
    save_article(db, article(1, "2024-03-01", [("Ellen Porter", "direct", SAME[0])]))
    save_article(db, article(2, "2024-03-02", [("Ellen Porter", "indirect", SAME[1]),
                                               ("Alan Cho", "indirect", "The tunnel opened in 1998")]))
    db.close()
    return path


@pytest.fixture
def db_path(tmp_path):
    return two_articles(tmp_path / "reviews.db")


def ids(db_path):
    db = open_db(db_path)
    claim = claim_of(db, SAME[0])["id"]
    (statement,) = db.execute("select id from statements where claim = ?", [SAME[1]]).fetchone()
    return claim, statement


def reviews(db_path):
    return list(open_db(db_path).query("select * from reviews order by date_published"))


def test_review_of_a_claim_with_every_option(db_path):
    claim, _ = ids(db_path)
    result = run("review", db_path, claim, "--rating", "False", "--url",
                 "https://checks.example/bridge", "--rating-value", "1", "--best", "5",
                 "--worst", "1", "--reviewer", "Example Checks", "--author", "Jo Park",
                 "--date", "March 5, 2024", "--explanation", "The budget says $55 million.")
    assert result.exit_code == 0, result.output
    (row,) = reviews(db_path)
    assert result.output == f"Review {row['id']} recorded on claim {claim}: False\n"
    assert {k: row[k] for k in ("claim_id", "statement_id", "rating", "rating_value",
                                "best_rating", "worst_rating", "reviewer", "author", "url",
                                "date_published", "explanation", "origin", "claimreview")} == {
        "claim_id": claim, "statement_id": None, "rating": "False", "rating_value": 1.0,
        "best_rating": 5.0, "worst_rating": 1.0, "reviewer": "Example Checks",
        "author": "Jo Park", "url": "https://checks.example/bridge",
        "date_published": "2024-03-05", "explanation": "The budget says $55 million.",
        "origin": "manual", "claimreview": None}
    assert row["created_at"]
    claim_row = claim_of(open_db(db_path), SAME[0])
    assert (claim_row["review_count"], claim_row["latest_rating"]) == (1, "False")


def test_review_of_a_statement_goes_to_its_claim_and_the_latest_rating_wins(db_path):
    claim, statement = ids(db_path)
    run("review", db_path, claim, "--rating", "False", "--url", "https://a.example/1",
        "--date", "2024-03-05")
    result = run("review", db_path, statement, "--rating", "Misleading", "--url",
                 "https://b.example/2", "--date", "2024-04-01")
    assert result.exit_code == 0
    assert f"recorded on statement {statement} of claim {claim}: Misleading" in result.output
    rows = reviews(db_path)
    assert [(r["statement_id"], r["claim_id"]) for r in rows] == [(None, claim), (statement, claim)]
    claim_row = claim_of(open_db(db_path), SAME[0])
    assert (claim_row["review_count"], claim_row["latest_rating"]) == (2, "Misleading")
    # the same url on the same target again updates it rather than adding one
    run("review", db_path, statement, "--rating", "Mostly false", "--url", "https://b.example/2",
        "--date", "2024-04-01")
    assert [r["rating"] for r in reviews(db_path)] == ["False", "Mostly false"]


@pytest.mark.parametrize("args,message", [
    (["unknownid", "--rating", "False", "--url", "https://a.example"],
     "Error: no claim or statement with id 'unknownid'"),
    (["{claim}", "--url", "https://a.example"], "Error: a rating is required"),
    (["{claim}", "--rating", "False"], "Error: a url is required"),
    (["{claim}", "--rating", "False", "--url", "checks.example/x"], "Error: not an http(s) URL"),
    (["{claim}", "--rating", "False", "--url", "https://a.example", "--date", "last Blursday"],
     "Error: not a date: 'last Blursday'"),
    (["{claim}", "--rating", "False", "--url", "https://a.example", "--date", "2024-13-45"],
     "Error: not a date"),
    (["{claim}", "--rating", "False", "--url", "https://a.example", "--rating-value", "one"],
     "Error: --rating-value must be a number"),
    (["{claim}", "--rating", "False", "--url", "https://a.example", "--rating-value", "9",
      "--best", "5", "--worst", "1"], "Error: the rating value 9 is outside worst..best"),
])
def test_bad_review_is_one_line_exit_1_and_writes_nothing(db_path, args, message):
    claim, _ = ids(db_path)
    before = open_db(db_path).execute("select * from claims order by id").fetchall()
    result = run("review", db_path, *[a.format(claim=claim) for a in args])
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output
    assert reviews(db_path) == []
    assert open_db(db_path).execute("select * from claims order by id").fetchall() == before


def test_reviews_lists_as_table_json_and_csv(db_path):
    claim, statement = ids(db_path)
    db = open_db(db_path)
    (other,) = db.execute("select claim_id from statements where claim like 'The tunnel%'").fetchone()
    run("review", db_path, claim, "--rating", "False", "--url", "https://a.example/1",
        "--reviewer", "Example Checks", "--date", "2024-03-05")
    run("review", db_path, other, "--rating", "True", "--url", "https://a.example/2",
        "--date", "2024-03-06")
    table = run("reviews", db_path)
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split()[:3] == ["date", "rating", "reviewer"]
    assert "2024-03-06" in lines[1] and "True" in lines[1]  # newest first
    assert "False" in lines[2] and "Example Checks" in lines[2] and "https://a.example/1" in lines[2]
    data = json.loads(run("reviews", db_path, "--format", "json").output)
    assert [r["rating"] for r in data] == ["True", "False"]
    assert data[1]["claim_text"] == SAME[0] and data[1]["claim_id"] == claim
    rows = list(csv.DictReader(io.StringIO(run("reviews", db_path, "--format", "csv").output)))
    assert [r["url"] for r in rows] == ["https://a.example/2", "https://a.example/1"]
    only = json.loads(run("reviews", db_path, "--claim", claim, "--format", "json").output)
    assert [r["url"] for r in only] == ["https://a.example/1"]
    missing = run("reviews", db_path, "--claim", "nope")
    assert missing.exit_code == 1 and missing.output == "Error: no claim with id 'nope'\n"


def test_a_reviewed_claim_survives_its_statements_and_a_regroup(db_path):
    claim, statement = ids(db_path)
    run("review", db_path, claim, "--rating", "False", "--url", "https://a.example/1")
    run("review", db_path, statement, "--rating", "Misleading", "--url", "https://a.example/2")
    assert run("claims", db_path, "--regroup", "--silent").exit_code == 0
    db = open_db(db_path)
    new_claim = claim_of(db, SAME[0])["id"]
    assert {r["claim_id"] for r in reviews(db_path)} == {new_claim}
    assert claim_of(db, SAME[0])["review_count"] == 2
    # the articles go away: the reviewed claim stays, with no statements
    save_article(db, article(1, "2024-03-01", []))
    save_article(db, article(2, "2024-03-02", []))
    row = db.execute("select statement_count, review_count from claims where id = ?",
                     [new_claim]).fetchone()
    assert row == (0, 2)
