"""Published fact-checks in SQLite: the fact_checks table (kept whether or not anything matches),
and the verdicts they give on claims whose articles they name."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional

import sqlite_utils

from .claimreview import BrokenObject, FactCheck, read_source
from .claims import DEFAULT_THRESHOLD, best_match, key_tokens
from .claimstore import refresh_claims
from .fetch import redact
from .reviews import review_id
from .store import TABLES, now, transaction

BATCH = 500  # fact-checks written per transaction


def fact_check_row(fact_check: FactCheck, imported_at: str) -> dict:
    row = dataclasses.asdict(fact_check)
    row["appearances"] = json.dumps(row["appearances"], ensure_ascii=False)
    row.update(id=fact_check.id, imported_at=imported_at)
    return row


def same_content(stored: dict, row: dict) -> bool:
    """Whether a fact-check read again says what its stored row says (its import time aside)."""
    return all(stored[c] == row[c] for c in row if c != "imported_at")


def iter_fact_checks(db: sqlite_utils.Database, since: Optional[str] = None) -> Iterator[FactCheck]:
    """Every stored fact-check (or those imported at or after `since`), in import order, streamed.

    What a matcher reads: claim_reviewed, headline, claimant, dates, rating, reviewer and url.
    """
    names = [f.name for f in dataclasses.fields(FactCheck)]
    sql = f"select {', '.join(names)} from fact_checks"
    cursor = db.execute(sql + (" where imported_at >= ? order by rowid" if since else " order by rowid"),
                        [since] if since else [])
    for row in cursor:
        values = dict(zip(names, row))
        values["appearances"] = json.loads(values["appearances"] or "[]")
        yield FactCheck(**values)


@dataclass
class ImportReport:
    """Counts of what one import run did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0  # imported again exactly as stored: not rewritten
    broken: int = 0
    failed_sources: int = 0
    reviews: int = 0  # verdicts added to claims whose article the fact-check names

    def summary(self) -> str:
        return (f"Fact-checks: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.broken} broken. "
                f"Reviews linked to claims: {self.reviews}.")


def import_fact_checks(
    db: sqlite_utils.Database, sources: Iterable[str],
    on_error: Callable[[str, str], None] = lambda where, reason: None,
    threshold: float = DEFAULT_THRESHOLD,
    allow_private: bool = False,
) -> ImportReport:
    """Read every source and store its fact-checks, BATCH to a transaction; re-importing a url
    updates its row. A broken object or an unreadable source is reported through on_error
    (position, reason) and the rest imports. `allow_private`: fetch URLs on private addresses
    (see tracker.fetch)."""
    report = ImportReport()
    columns = list(TABLES["fact_checks"]["columns"])
    insert = (f"insert into fact_checks ({', '.join(columns)}) values "
              f"({', '.join('?' for _ in columns)}) on conflict(id) do update set "
              + ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id"))
    imported_at = now()

    def flush(batch: list[FactCheck]) -> None:
        rows = {fc.id: fact_check_row(fc, imported_at) for fc in batch}  # last one of a url wins
        marks = ", ".join("?" for _ in rows)
        stored = {r[0]: r for r in db.execute(
            f"select {', '.join(columns)} from fact_checks where id in ({marks})", list(rows))}
        same = {fc_id for fc_id, r in stored.items() if same_content(dict(zip(columns, r)), rows[fc_id])}
        with transaction(db):
            db.conn.executemany(insert, [[row[c] for c in columns]
                                         for fc_id, row in rows.items() if fc_id not in same])
            report.reviews += link_to_claims(db, batch, threshold)
        report.new += len(rows) - len(stored)
        report.updated += len(stored) - len(same)
        report.unchanged += len(same)

    for source in sources:
        batch: list[FactCheck] = []
        try:
            for where, found in read_source(source, allow_private=allow_private):
                if isinstance(found, BrokenObject):
                    report.broken += 1
                    on_error(where, str(found))
                    continue
                batch.append(found)
                if len(batch) >= BATCH:
                    flush(batch)
                    batch = []
        except (OSError, ValueError, UnicodeError) as e:
            report.failed_sources += 1
            on_error(redact(source), getattr(e, "strerror", None) or str(e))
        if batch:
            flush(batch)
    return report


def link_to_claims(db: sqlite_utils.Database, fact_checks: Iterable[FactCheck],
                   threshold: float = DEFAULT_THRESHOLD) -> int:
    """Record an imported review on each claim a fact-check names by its article: an appearance
    url that is an ingested article's url, with a statement there like the claim reviewed.

    A verdict already recorded for that claim with the same url (say, our own, exported and read
    back) is left as it is. Returns the number of reviews written. Matching fact-checks to
    statements by their text alone is the matcher's job (statement_matches).
    """
    written, touched = 0, set()
    for fc in fact_checks:
        tokens = key_tokens(fc.claim_reviewed)
        if not fc.appearances or not tokens or not fc.rating:
            continue
        marks = ", ".join("?" for _ in fc.appearances)
        keys = db.execute(
            "select claim_keys.id, claim_keys.key, claim_keys.claim_id from claim_keys"
            f" join articles on articles.id = claim_keys.article_id where articles.url in ({marks})",
            fc.appearances).fetchall()
        found = best_match(tokens, [(statement_id, key) for statement_id, key, _ in keys], threshold)
        if not found:
            continue
        statement_id = found[0]
        claim_id = next(c for s, _, c in keys if s == statement_id)
        if db.execute("select 1 from reviews where claim_id = ? and url = ? and origin = 'manual'",
                      [claim_id, fc.url]).fetchone():
            continue
        row = {"id": review_id(claim_id, statement_id, fc.url), "claim_id": claim_id,
               "statement_id": statement_id, "rating": fc.rating,
               "rating_value": fc.rating_value, "best_rating": fc.best_rating,
               "worst_rating": fc.worst_rating, "reviewer": fc.reviewer, "author": fc.author,
               "url": fc.url, "date_published": fc.date_published,
               "explanation": fc.explanation, "origin": "imported",
               "claimreview": fc.claimreview, "created_at": now()}
        db["reviews"].upsert(row, pk="id")
        touched.add(claim_id)
        written += 1
    refresh_claims(db, touched)
    return written
