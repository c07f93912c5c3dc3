"""Statements matched to fact-checks in the database (tracker.match_store, statement_matches), as
a user gets them: fact-checks imported with `tracker import-claimreview`, articles ingested with
`tracker ingest`, on fact-checks and articles written for these tests."""

from __future__ import annotations

import sqlite3

import pytest

from tracker.match import load_match_model
from tracker.match_store import ingest_matcher
from tracker.store import open_db

from .conftest import run
from .test_match import FACT_CHECKS, write_fact_checks

RALLY = """Governor Dana Whitfield spoke at a rally in Springfield on Tuesday.

"Those windmills give people cancer, and everybody who lives near one knows it," Whitfield said.

She also said the state's unemployment rate had fallen to 3.1 percent, lower than it has ever been.

Whitfield told reporters she had pancakes with her grandchildren that morning.
"""

COUNCIL = """The city council met on Monday to debate next year's budget.

Councilwoman Irene Marsh said the price of insulin has gone up three times in ten years and that
the city should help residents pay for it.

Marsh said the choir will rehearse in the church hall on Thursday evening.
"""


def matches(db_path) -> dict[str, list[tuple[str, float]]]:
    """claim -> [(fact-check slug, score)] from the view the pages read."""
    conn = sqlite3.connect(db_path)
    out: dict[str, list] = {}
    for claim, url, score in conn.execute(
            "select claim, url, score from statement_fact_checks order by score desc"):
        out.setdefault(claim, []).append((url.rsplit("/", 1)[1], score))
    return out


def ingest(db_path, tmp_path, name, text):
    path = tmp_path / f"{name}.txt"
    path.write_text(text)
    result = run("ingest", db_path, path, "--workers", "1")
    assert result.exit_code == 0, result.output
    return result


def claim_with(found: dict, words: str) -> list:
    return next(v for k, v in found.items() if words in k)


def test_ingest_matches_statements_to_the_fact_checks(tmp_path):
    db = tmp_path / "t.db"
    write_fact_checks(db, FACT_CHECKS)
    result = ingest(db, tmp_path, "rally", RALLY)
    assert "Matched to fact-checks: 2." in result.output
    found = matches(db)
    assert claim_with(found, "windmills")[0][0] == "wind"
    assert claim_with(found, "unemployment")[0][0] == "jobless"
    assert not any("pancakes" in claim for claim in found)  # said, but nothing checks it
    threshold = load_match_model().threshold
    assert all(score >= threshold for rows in found.values() for _, score in rows)
    # the view carries what a page shows: "already checked: Pants on Fire (Example Checks)"
    row = sqlite3.connect(db).execute(
        "select rating, reviewer from statement_fact_checks where claim like '%windmills%'").fetchone()
    assert row == ("Pants on Fire", "Example Checks")


def test_importing_more_fact_checks_updates_ingested_statements(tmp_path):
    db = tmp_path / "t.db"
    write_fact_checks(db, [f for f in FACT_CHECKS if not f.url.endswith(("/wind", "/insulin"))])
    ingest(db, tmp_path, "rally", RALLY)
    ingest(db, tmp_path, "council", COUNCIL)
    before = matches(db)
    assert not any("windmills" in c or "insulin" in c for c in before)
    assert claim_with(before, "unemployment")[0][0] == "jobless"

    write_fact_checks(db, FACT_CHECKS)  # the same ten again, two of them new
    after = matches(db)
    assert claim_with(after, "windmills")[0][0] == "wind"
    assert claim_with(after, "insulin")[0][0] == "insulin"
    assert after[next(c for c in after if "unemployment" in c)] == before[next(c for c in before if "unemployment" in c)]
    assert not any("choir" in c or "pancakes" in c for c in after)
    conn = sqlite3.connect(db)
    done = conn.execute("select count(*) from fact_check_matching").fetchone()[0]
    assert done == len(FACT_CHECKS)

    # importing them once more changes nothing and matches nothing again
    result = run("import-claimreview", db, tmp_path / f"claimreviews-{len(FACT_CHECKS)}.jsonl")
    assert result.exit_code == 0 and "matched again" not in result.output
    assert matches(db) == after


def test_a_changed_fact_check_moves_its_matches(tmp_path):
    db = tmp_path / "t.db"
    write_fact_checks(db, FACT_CHECKS)
    ingest(db, tmp_path, "council", COUNCIL)
    assert claim_with(matches(db), "insulin")[0][0] == "insulin"
    changed = [f for f in FACT_CHECKS if not f.url.endswith("/insulin")]
    from dataclasses import replace

    insulin = next(f for f in FACT_CHECKS if f.url.endswith("/insulin"))
    changed.append(replace(insulin, claim_reviewed="Bicycle lanes reduce traffic deaths by half.",
                           headline="Bike lanes and road safety"))
    write_fact_checks(db, changed[-1:])
    assert not any("insulin" in c for c in matches(db))


def test_reingesting_a_changed_article_replaces_its_matches(tmp_path):
    db = tmp_path / "t.db"
    write_fact_checks(db, FACT_CHECKS)
    ingest(db, tmp_path, "rally", RALLY)
    assert any("windmills" in c for c in matches(db))
    ingest(db, tmp_path, "rally", RALLY.replace("Those windmills give people cancer", "The fair was fun"))
    found = matches(db)
    assert not any("windmills" in c for c in found) and any("unemployment" in c for c in found)
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from statement_matches where statement_id not in"
                        " (select id from statements)").fetchone()[0] == 0


def test_no_fact_checks_costs_nothing_at_ingest(tmp_path):
    db = tmp_path / "t.db"
    result = ingest(db, tmp_path, "rally", RALLY)
    assert "Matched" not in result.output
    database = open_db(db)
    assert ingest_matcher(database) is None
    assert database["statement_matches"].count == 0
    assert "fact_check_vectors" not in database.table_names()


@pytest.mark.parametrize("sql", [
    "select * from statement_fact_checks where statement_id = 'x'",
    "select * from statement_fact_checks where claim_id = 'x'",
    "select * from statement_fact_checks where article_id = 'x'",
])
def test_the_view_is_read_through_indexes(tmp_path, sql):
    database = open_db(tmp_path / "t.db")
    plan = " ".join(r[3] for r in database.execute("explain query plan " + sql))
    assert "SCAN" not in plan.replace("SCAN CONSTANT", ""), plan


@pytest.fixture(scope="module")
def matched_db(tmp_path_factory):
    """Both articles ingested after the ten fact-checks were imported."""
    tmp_path = tmp_path_factory.mktemp("matched")
    db = tmp_path / "tracker.db"
    write_fact_checks(db, FACT_CHECKS)
    ingest(db, tmp_path, "rally", RALLY)
    ingest(db, tmp_path, "council", COUNCIL)
    return db


async def test_matches_in_datasette(matched_db):
    from datasette.app import Datasette

    ds = Datasette([str(matched_db)])  # the plugin gives it the package's setup
    await ds.invoke_startup()

    async def get(path):
        response = await ds.client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        return response.json()

    canned = await get("/tracker/matched_statements.json?_shape=objects")
    rows = canned["rows"]
    assert {r["fact_check_url"].rsplit("/", 1)[1] for r in rows} >= {"wind", "jobless", "insulin"}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert {r["rating"] for r in rows if "windmills" in r["claim"]} == {"Pants on Fire"}
    # the table, one row a page: every match exactly once, each with its statement's and
    # fact-check's labels
    total = sqlite3.connect(matched_db).execute("select count(*) from statement_matches").fetchone()[0]
    seen, path = [], "/tracker/statement_matches.json?_size=1&_shape=objects&_labels=on"
    while path:
        page = await get(path)
        seen += [(r["statement_id"]["value"], r["fact_check_id"]["value"]) for r in page["rows"]]
        assert all(r["fact_check_id"]["label"] for r in page["rows"])
        path = page["next_url"] and page["next_url"].replace("http://localhost", "")
    assert len(seen) == len(set(seen)) == total >= 3
    statement_id = next(r["statement_id"] for r in rows if "insulin" in r["claim"])
    view = await get(f"/tracker/statement_fact_checks.json?_shape=objects&statement_id={statement_id}")
    assert [(r["rating"], r["reviewer"]) for r in view["rows"]] == [("Mostly True", "Example Checks")]
