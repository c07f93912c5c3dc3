"""Claims in SQLite: statements joined to their claims as articles are saved, the claims' counts
and first and last appearance kept up to date, and a full regroup. Knows nothing of spaCy.

Near-duplicates are found through claim_keys_fts, a full-text index of every statement's claim
key (claims.key_tokens): a new statement looks up the stored keys that share its rarest words
(claim_terms counts the keys holding each word), and joins the claim of the most similar one at or above
the threshold, else starts a claim of its own. The cost per statement is a few index probes,
whatever the number of statements (benchmarks/claims_grouping.py).
"""

from __future__ import annotations

from typing import Callable, Iterable, Optional

import sqlite_utils

from .claims import DEFAULT_THRESHOLD, best_match, key_tokens, query_terms
from .models import stable_hash
from .store import get_setting, set_setting, transaction

CANDIDATES = 200  # stored keys compared with each new statement, at most
PER_GROUP = 50  # keys looked up by one group of words


def claim_id_for(statement_id: str) -> str:
    """The id of a claim that a statement starts: stable across runs and regroups."""
    return stable_hash("claim", statement_id)


def doc_counts(db: sqlite_utils.Database, tokens: list[str]) -> dict[str, int]:
    """How many stored claim keys hold each token."""
    if not tokens:
        return {}
    marks = ", ".join("?" for _ in tokens)
    return dict(db.execute(
        f"select term, keys from claim_terms where term in ({marks})", tokens).fetchall())


def candidates(db: sqlite_utils.Database, tokens: list[str]) -> list[tuple[str, str]]:
    """(claim_id, key) of stored keys sharing the statement's rarest words (at most CANDIDATES).

    One lookup per term group, most selective first, each of at most PER_GROUP keys: a pair
    of common words cannot crowd out the keys that share a rare one.
    """
    found: dict[str, tuple[str, str]] = {}
    for group in query_terms(tokens, doc_counts(db, tokens)):
        match = " AND ".join(f'"{t}"' for t in group)
        # No ranking: FTS5 then stops after the LIMIT instead of scoring every match.
        for row in db.execute(
                "select claim_keys.id, claim_keys.claim_id, claim_keys.key from claim_keys_fts"
                " join claim_keys on claim_keys.rowid = claim_keys_fts.rowid"
                " where claim_keys_fts match ? limit ?", [match, PER_GROUP]):
            found[row[0]] = row[1:]
        if len(found) >= CANDIDATES:
            break
    return list(found.values())


def _count_terms(db: sqlite_utils.Database, keys: Iterable[str], sign: int) -> None:
    terms: dict[str, int] = {}
    for key in keys:
        for term in key.split():
            terms[term] = terms.get(term, 0) + sign
    db.conn.executemany(
        "insert into claim_terms (term, keys) values (?, ?)"
        " on conflict(term) do update set keys = keys + excluded.keys", terms.items())


THRESHOLD_SETTING = "claims.threshold"


def grouping_threshold(db: sqlite_utils.Database) -> float:
    """The threshold claims are grouped at in this database: the last --regroup's, else the default."""
    value = get_setting(db, THRESHOLD_SETTING)
    return DEFAULT_THRESHOLD if value is None else float(value)


def assign_claims(db: sqlite_utils.Database, article_id: str,
                  threshold: Optional[float] = None) -> set[str]:
    """Join each statement of the article to a claim, in article order; returns the claim ids touched.

    Incremental: only this article's statements are (re)grouped, against the keys already stored.
    Run inside the transaction that wrote the article. The claims that lost or gained a
    statement get their counts, first and last appearance again. `threshold` defaults to the
    database's (grouping_threshold).
    """
    if threshold is None:
        threshold = grouping_threshold(db)
    old = db.execute("select claim_id, key from claim_keys where article_id = ?",
                     [article_id]).fetchall()
    touched = {claim_id for claim_id, _ in old}
    _count_terms(db, (key for _, key in old), -1)
    db.execute("delete from claim_keys where article_id = ?", [article_id])
    statements = db.execute(
        "select id, claim from statements where article_id = ? order by position, id",
        [article_id]).fetchall()
    for statement_id, claim in statements:
        tokens = key_tokens(claim)
        found = best_match(tokens, candidates(db, tokens), threshold) if tokens else None
        claim_id = found[0] if found else claim_id_for(statement_id)
        if not found:
            db.execute("insert or ignore into claims (id, text, statement_count, review_count)"
                       " values (?, ?, 0, 0)", [claim_id, claim])
        key = " ".join(tokens)
        db.execute("insert into claim_keys (id, article_id, claim_id, key) values (?, ?, ?, ?)",
                   [statement_id, article_id, claim_id, key])
        _count_terms(db, [key], +1)
        db.execute("update statements set claim_id = ? where id = ?", [claim_id, statement_id])
        touched.add(claim_id)
    refresh_claims(db, touched)
    return touched


CLAIM_STATS = """
select count(*), count(distinct article_id), count(distinct speaker_id)
from statements where claim_id = :id
"""
# Undated statements come after dated ones, either way; among equal dates (or none) the article
# stored first came first (its rowid), not the one whose id hashes lowest.
STORED = "(select rowid from articles where articles.id = statements.article_id)"
FIRST = f"""select id, article_id, published from statements where claim_id = :id
order by published is null, published, {STORED}, position limit 1"""
LAST = f"""select id, article_id, published from statements where claim_id = :id
order by published is null, published desc, {STORED} desc, position desc limit 1"""
# The representative text: the speaker's own words where some statement quotes them, else the
# first appearance's wording.
TEXT = f"""select claim from statements where claim_id = :id
order by kind = 'direct' desc, published is null, published, {STORED}, position limit 1"""
REVIEWS = """select count(*), (select rating from reviews where claim_id = :id
  order by date_published is null, date_published desc, created_at desc limit 1)
from reviews where claim_id = :id"""


def refresh_claims(db: sqlite_utils.Database, claim_ids: Iterable[str]) -> None:
    """Recompute the claims' text, counts, first and last appearance, review count and rating.

    A claim left with no statement is deleted, unless it has reviews: a verdict is kept.
    """
    for claim_id in claim_ids:
        if claim_id is None:
            continue
        params = {"id": claim_id}
        statements, articles, speakers = db.execute(CLAIM_STATS, params).fetchone()
        reviews, rating = db.execute(REVIEWS, params).fetchone()
        if not statements and not reviews:
            db.execute("delete from claims where id = ?", [claim_id])
            continue
        row = {"statement_count": statements, "article_count": articles,
               "speaker_count": speakers, "review_count": reviews, "latest_rating": rating}
        if statements:
            first = db.execute(FIRST, params).fetchone()
            last = db.execute(LAST, params).fetchone()
            row.update(text=db.execute(TEXT, params).fetchone()[0],
                       first_statement_id=first[0], first_article_id=first[1],
                       first_published=first[2], last_statement_id=last[0],
                       last_published=last[2])
        sets = ", ".join(f"{column} = :{column}" for column in row)
        db.execute(f"update claims set {sets} where id = :id", {**row, "id": claim_id})


def group_ungrouped(db: sqlite_utils.Database, threshold: Optional[float] = None,
                    progress: Callable[[int], None] = lambda n: None) -> int:
    """Group the statements that have no claim yet (e.g. ingested before claims existed).

    Article by article, oldest first, one transaction per article; returns the number of
    articles grouped.
    """
    articles = [row[0] for row in db.execute(
        "select articles.id from articles where exists (select 1 from statements"
        " where statements.article_id = articles.id and statements.claim_id is null)"
        " order by articles.published is null, articles.published, articles.id").fetchall()]
    for article_id in articles:
        with transaction(db):
            assign_claims(db, article_id, threshold)
        progress(1)
    return len(articles)


def regroup(db: sqlite_utils.Database, threshold: Optional[float] = None,
            progress: Callable[[int], None] = lambda n: None) -> int:
    """Group every statement again from scratch at this threshold (default: the database's),
    which later ingests then group at too; returns the articles grouped.

    Reviews follow their claims: a review of one statement goes to that statement's new claim;
    a review of a whole claim goes to the new claim holding most of its old statements.
    """
    reviewed = {claim_id: [r[0] for r in db.execute(
        "select id from statements where claim_id = ?", [claim_id])]
        for (claim_id,) in db.execute(
            "select distinct claim_id from reviews where statement_id is null"
            " and claim_id is not null").fetchall()}
    if threshold is None:
        threshold = grouping_threshold(db)
    with transaction(db):
        set_setting(db, THRESHOLD_SETTING, repr(float(threshold)))
        db.execute("delete from claim_keys")
        db.execute("delete from claim_terms")
        db.execute("update statements set claim_id = null where claim_id is not null")
        db.execute("delete from claims where id not in"
                   " (select claim_id from reviews where claim_id is not null)")
    grouped = group_ungrouped(db, threshold, progress)
    with transaction(db):
        moved = set(reviewed)
        for old, members in reviewed.items():
            new = _most_common_claim(db, members)
            if new and new != old:
                db.execute("update reviews set claim_id = ? where claim_id = ?"
                           " and statement_id is null", [new, old])
                moved.add(new)
        for claim_id, statement_id in db.execute(
                "select reviews.claim_id, reviews.statement_id from reviews"
                " where statement_id is not null").fetchall():
            new = db.execute("select claim_id from statements where id = ?",
                             [statement_id]).fetchone()
            if new and new[0] and new[0] != claim_id:
                db.execute("update reviews set claim_id = ? where statement_id = ?",
                           [new[0], statement_id])
                moved.update((claim_id, new[0]))
        refresh_claims(db, moved)
    return grouped


def _most_common_claim(db: sqlite_utils.Database, statement_ids: list[str]) -> Optional[str]:
    counts: dict[str, int] = {}
    for statement_id in statement_ids:
        row = db.execute("select claim_id from statements where id = ?", [statement_id]).fetchone()
        if row and row[0]:
            counts[row[0]] = counts.get(row[0], 0) + 1
    return max(counts, key=counts.get) if counts else None
