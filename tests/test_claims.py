"""Claims across articles: near-duplicates grouped, near-misses kept apart, at ingest and on regroup.

Every article and claim here is written for these tests.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import run
from tracker.claims import key_tokens, similarity
from tracker.models import Article, ExtractedArticle, Statement
from tracker.store import open_db, save_article

# One claim in several wordings: re-worded wire copy, a quote trimmed differently, the direct and
# the reported form, other speakers.
SAME = [
    "The bridge will cost $40 million",
    "the bridge would cost $40 million",
    "The new bridge over the Elm River will cost $40 million",
    "the Elm River bridge is going to cost $40 million",
    "bridge will cost 40 million dollars",
]
# Each shares a topic with SAME but asserts something else.
APART = {
    "other number": "The bridge will cost $55 million",
    "negation": "The bridge will not cost $40 million",
    "another subject": "The tunnel will cost $40 million",
    "another verb": "The bridge will save $40 million",
}


@pytest.mark.parametrize("a,b", [(a, b) for i, a in enumerate(SAME) for b in SAME[i + 1:]])
def test_wordings_of_one_claim_are_similar(a, b):
    assert similarity(key_tokens(a), key_tokens(b)) >= 0.7


@pytest.mark.parametrize("why", sorted(APART))
def test_near_misses_are_not_similar(why):
    for same in SAME:
        assert similarity(key_tokens(same), key_tokens(APART[why])) < 0.7, (why, same)


@pytest.mark.parametrize("a,b", [
    ("The bridge will open in May", "The bridge will not open in May"),
    ("We won't raise taxes on working families", "they would raise taxes on working families"),
    ("Unemployment fell to 3.5% last month", "Unemployment fell to 4.5% last month"),
    ("The city council will vote on the budget next Tuesday",
     "The county council will vote on the budget next Tuesday"),
    # a three-word fragment inside a longer claim is not that claim
    ("the old harbour wall", "the council will rebuild the old harbour wall"),
])
def test_more_near_misses(a, b):
    assert similarity(key_tokens(a), key_tokens(b)) < 0.7


@pytest.mark.parametrize("a,b", [
    ("We won't raise taxes on working families", "they would not raise taxes on working families"),
    ("Unemployment fell to 3.5% last month", "unemployment fell to 3.5 percent last month"),
    ("ten million people lost their coverage", "10 million people lost coverage, she said"),
    # the same quote trimmed differently
    ("We will rebuild the harbour wall before the winter storms arrive",
     "rebuild the harbour wall before the winter storms"),
])
def test_more_wordings(a, b):
    assert similarity(key_tokens(a), key_tokens(b)) >= 0.7


def article(i: int, published: str, said: list[tuple[str, str, str]]) -> ExtractedArticle:
    """An article in which each (speaker, kind, claim) is one statement, with true offsets."""
    text, statements = "", []
    for position, (speaker, kind, claim) in enumerate(said):
        if kind == "direct":
            text += '"'
            start = len(text)
            text += f'{claim}," {speaker} said. '
        else:
            text += f"{speaker} said "
            start = len(text)
            text += f"{claim}. "
        statements.append(Statement(
            claim=claim, claim_start=start, claim_end=start + len(claim), speaker=speaker,
            speaker_text=speaker, speaker_kind="person", cue="said", cue_lemma="say", kind=kind,
            position=position))
    return ExtractedArticle(Article(text=text, url=f"https://news{i}.example/story",
                                    published=published, title=f"Story {i}"), statements)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "claims.db")
    save_article(database, article(1, "2024-03-02", [
        ("Ellen Porter", "direct", SAME[0]), ("Dan Reyes", "indirect", APART["negation"])]))
    save_article(database, article(2, "2024-03-01", [
        ("Ellen Porter", "indirect", SAME[1]), ("Alan Cho", "indirect", APART["another subject"])]))
    save_article(database, article(3, "2024-03-04", [
        ("Rita Gomez", "indirect", SAME[2]), ("Rita Gomez", "indirect", APART["other number"])]))
    return database


def claim_of(db, claim: str) -> dict:
    (claim_id,) = db.execute("select claim_id from statements where claim = ?", [claim]).fetchone()
    return dict(zip([c for c in db["claims"].columns_dict],
                    db.execute("select * from claims where id = ?", [claim_id]).fetchone()))


def test_one_claim_across_articles_and_speakers_is_one_group(db):
    claim = claim_of(db, SAME[0])
    assert {claim_of(db, s)["id"] for s in SAME[:3]} == {claim["id"]}
    assert (claim["statement_count"], claim["article_count"], claim["speaker_count"]) == (3, 3, 2)
    first = db.execute("select claim, published from statements where id = ?",
                       [claim["first_statement_id"]]).fetchone()
    assert first == (SAME[1], "2024-03-01")  # earliest article, ingested second
    assert claim["first_published"] == "2024-03-01" and claim["last_published"] == "2024-03-04"
    last = db.execute("select claim from statements where id = ?", [claim["last_statement_id"]])
    assert last.fetchone()[0] == SAME[2]
    assert claim["text"] == SAME[0]  # the speaker's own words where a statement quotes them
    assert claim["review_count"] == 0 and claim["latest_rating"] is None


@pytest.mark.parametrize("order", [(1, 2, 3), (3, 1, 2), (2, 3, 1)])
def test_among_undated_articles_the_one_stored_first_is_the_first_appearance(tmp_path, order):
    database = open_db(tmp_path / f"undated{''.join(map(str, order))}.db")
    for i in order:
        save_article(database, article(i, None, [("Ellen Porter", "indirect", SAME[i])]))
    claim = claim_of(database, SAME[1])
    assert claim["article_count"] == 3
    first, last = (database.execute("select claim from statements where id = ?", [claim[k]]).fetchone()[0]
                   for k in ("first_statement_id", "last_statement_id"))
    assert (first, last) == (SAME[order[0]], SAME[order[-1]])


def test_near_misses_stay_apart(db):
    group = claim_of(db, SAME[0])["id"]
    ids = {why: claim_of(db, text)["id"] for why, text in APART.items() if why != "another verb"}
    assert group not in ids.values()
    assert len(set(ids.values())) == len(ids)
    for claim_id in ids.values():
        assert db.execute("select statement_count from claims where id = ?",
                          [claim_id]).fetchone() == (1,)


def test_every_statement_has_a_claim_and_every_claim_a_statement(db):
    assert db.execute("select count(*) from statements where claim_id is null").fetchone() == (0,)
    assert db.execute("select count(*) from claims where id not in"
                      " (select claim_id from statements)").fetchone() == (0,)
    assert db.execute("select sum(statement_count) from claims").fetchone()[0] == \
        db["statements"].count


def test_a_new_article_joins_the_existing_claim_and_leaves_the_others(db):
    before = {r[0]: r for r in db.execute("select * from claims")}
    save_article(db, article(4, "2024-03-05", [("Sam Ortiz", "indirect", SAME[3])]))
    group = claim_of(db, SAME[0])
    assert claim_of(db, SAME[3])["id"] == group["id"]
    assert group["article_count"] == 4 and group["last_published"] == "2024-03-05"
    after = {r[0]: r for r in db.execute("select * from claims")}
    assert {k: v for k, v in after.items() if k != group["id"]} == \
        {k: v for k, v in before.items() if k != group["id"]}


def test_saving_an_article_again_changes_nothing_and_an_edit_moves_its_statements(db):
    before = sorted(db.execute("select * from claims"))
    save_article(db, article(1, "2024-03-02", [
        ("Ellen Porter", "direct", SAME[0]), ("Dan Reyes", "indirect", APART["negation"])]))
    assert sorted(db.execute("select * from claims")) == before
    # the article now says something else: its claim loses a statement, the negated one is gone
    negated = claim_of(db, APART["negation"])["id"]
    save_article(db, article(1, "2024-03-02", [("Ellen Porter", "direct", SAME[0])]))
    assert db.execute("select count(*) from claims where id = ?", [negated]).fetchone() == (0,)
    assert claim_of(db, SAME[0])["statement_count"] == 3


def test_ingest_groups_articles_it_reads(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = [
        {"id": "courier", "url": "https://courier.example/bridge", "published": "2024-03-01",
         "publisher": "Valley Courier", "title": "Council backs bridge",
         "text": "The city council voted on Thursday to build a new bridge over the Elm River.\n\n"
                 "\"The bridge will cost $40 million,\" Mayor Ellen Porter said after the vote."},
        {"id": "herald", "url": "https://herald.example/bridge", "published": "2024-03-02",
         "publisher": "Morning Herald", "title": "Bridge approved",
         "text": "The council approved the plan by seven votes to two on Thursday.\n\n"
                 "Mayor Ellen Porter said the bridge would cost $40 million."},
        {"id": "wire", "url": "https://wire.example/bridge", "published": "2024-03-03",
         "publisher": "Regional Wire", "title": "Town approves bridge",
         "text": "The new bridge over the Elm River will cost $40 million, Mayor Ellen Porter told "
                 "reporters on Thursday.\n\nBudget director Alan Cho said the county tunnel will "
                 "cost $40 million.\n\nTransport officer Rita Gomez said the bridge would cost "
                 "$55 million."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db_path = tmp_path / "t.db"
    assert run("ingest", db_path, path, "--silent", "--workers", "1").exit_code == 0
    conn = sqlite3.connect(db_path)
    groups = dict(conn.execute(
        "select claim, claim_id from statements where claim like '%cost $%million'").fetchall())
    forty = {groups[c] for c in groups if "$40" in c and "tunnel" not in c}
    assert len(forty) == 1 and len([c for c in groups if "$40" in c and "tunnel" not in c]) == 3
    apart = [groups[c] for c in groups if "tunnel" in c or "$55" in c]
    assert len(apart) == 2 and not set(apart) & forty
    (articles,) = conn.execute("select article_count from claims where id = ?", list(forty)).fetchone()
    assert articles == 3


def test_claims_command_lists_repeated_claims_and_regroups(db, tmp_path):
    db_path = db.conn.execute("pragma database_list").fetchone()[2]
    result = run("claims", db_path)
    assert result.exit_code == 0
    claim = claim_of(db, SAME[0])
    assert f"{claim['id']}  3 articles, 3 statements  {SAME[0]}" in result.output
    assert "Claims: 4 (1 in more than one article)." in result.output
    # a strict threshold keeps only identical keys together: the direct and reported forms
    result = run("claims", db_path, "--regroup", "--threshold", "0.99", "--silent")
    assert result.exit_code == 0 and result.output == ""
    assert claim_of(db, SAME[0])["id"] == claim_of(db, SAME[1])["id"]
    assert claim_of(db, SAME[2])["id"] != claim_of(db, SAME[0])["id"]
    # the database keeps the threshold: an article ingested now is grouped at 0.99 too
    save_article(db, article(4, "2024-03-05", [("Sam Lee", "indirect", SAME[3])]))
    assert claim_of(db, SAME[3])["id"] != claim_of(db, SAME[0])["id"]
    run("claims", db_path, "--regroup", "--threshold", "0.7", "--silent")
    assert claim_of(db, SAME[2])["id"] == claim_of(db, SAME[0])["id"]
    assert claim_of(db, SAME[3])["id"] == claim_of(db, SAME[0])["id"]
    assert db.execute("select count(*) from claim_keys").fetchone()[0] == db["statements"].count


def test_a_threshold_without_regroup_is_refused(db):
    db_path = db.conn.execute("pragma database_list").fetchone()[2]
    result = run("claims", db_path, "--threshold", "0.9")
    assert result.exit_code == 2 and "--threshold needs --regroup" in result.output


def test_claims_command_groups_statements_stored_before_claims_existed(db):
    db_path = db.conn.execute("pragma database_list").fetchone()[2]
    with db.atomic():
        db.execute("update statements set claim_id = null")
        for table in ("claim_keys", "claim_terms", "claims"):
            db.execute(f"delete from {table}")
    assert run("claims", db_path, "--silent").exit_code == 0
    assert db.execute("select count(*) from statements where claim_id is null").fetchone() == (0,)
    assert claim_of(db, SAME[0])["statement_count"] == 3


def test_claims_command_rejects_a_threshold_out_of_range(db):
    db_path = db.conn.execute("pragma database_list").fetchone()[2]
    result = run("claims", db_path, "--threshold", "1.5")
    assert result.exit_code == 2 and "threshold" in result.output
