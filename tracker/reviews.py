"""Verdicts on claims: one reviews row per verdict, on a whole claim or on one statement."""

from __future__ import annotations

import dataclasses
import urllib.parse
from dataclasses import dataclass
from typing import Iterator, Optional

import sqlite_utils

from .claimreview import to_claimreview
from .claimstore import refresh_claims
from .dates import normalize_date
from .models import stable_hash
from .store import TABLES, now, transaction


class ReviewError(ValueError):
    """A review that cannot be recorded; str() is the one-line reason."""


@dataclass
class Review:
    """One verdict as recorded: what a ClaimReview says, plus where it came from."""

    rating: str
    url: str
    rating_value: Optional[float] = None
    best_rating: Optional[float] = None
    worst_rating: Optional[float] = None
    reviewer: Optional[str] = None
    author: Optional[str] = None
    date_published: Optional[str] = None
    explanation: Optional[str] = None
    origin: str = "manual"  # or 'imported' (from a published ClaimReview)
    claimreview: Optional[str] = None  # the ClaimReview JSON as received, when imported


def is_web_url(url: Optional[str]) -> bool:
    parts = urllib.parse.urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def checked(review: Review) -> Review:
    """The review with its date in ISO 8601, or ReviewError naming what is wrong."""
    if not (review.rating or "").strip():
        raise ReviewError("a rating is required (e.g. --rating False)")
    if not (review.url or "").strip():
        raise ReviewError("a url is required: where the review is published (--url https://...)")
    if not is_web_url(review.url):
        raise ReviewError(f"not an http(s) URL: {review.url!r}")
    date = review.date_published
    if date is not None:
        date = normalize_date(date)
        if date is None or len(date) < 10:
            raise ReviewError(f"not a date: {review.date_published!r} (use YYYY-MM-DD)")
    best, worst, value = review.best_rating, review.worst_rating, review.rating_value
    if best is not None and worst is not None and worst >= best:
        raise ReviewError(f"the worst rating ({worst:g}) must be below the best ({best:g})")
    if value is not None and ((best is not None and value > best)
                              or (worst is not None and value < worst)):
        raise ReviewError(f"the rating value {value:g} is outside worst..best")
    return dataclasses.replace(review, rating=review.rating.strip(), url=review.url.strip(),
                               date_published=date)


def resolve_target(db: sqlite_utils.Database, target_id: str) -> tuple[str, Optional[str]]:
    """(claim_id, statement_id) for the id of a claim or of a statement; ReviewError if neither."""
    if db.execute("select 1 from claims where id = ?", [target_id]).fetchone():
        return target_id, None
    row = db.execute("select claim_id from statements where id = ?", [target_id]).fetchone()
    if row is None:
        raise ReviewError(f"no claim or statement with id {target_id!r}")
    if row[0] is None:
        raise ReviewError(f"statement {target_id!r} has no claim yet: run `tracker claims DB` first")
    return row[0], target_id


def review_id(claim_id: str, statement_id: Optional[str], url: str) -> str:
    """One review per published url and target: recording it again updates it."""
    return stable_hash("review", claim_id, statement_id, url)


def save_review(db: sqlite_utils.Database, target_id: str, review: Review) -> dict:
    """Record a verdict on the claim or statement with this id, in one transaction; returns the row.

    Raises ReviewError (and writes nothing) for an unknown id or an invalid review.
    """
    review = checked(review)
    claim_id, statement_id = resolve_target(db, target_id)
    row = {"id": review_id(claim_id, statement_id, review.url), "claim_id": claim_id,
           "statement_id": statement_id, **dataclasses.asdict(review), "created_at": now()}
    columns = list(TABLES["reviews"]["columns"])
    with transaction(db):
        existing = db.execute("select created_at from reviews where id = ?", [row["id"]]).fetchone()
        if existing:
            row["created_at"] = existing[0]  # an update keeps when it was first recorded
        db.execute(f"insert or replace into reviews ({', '.join(columns)})"
                   f" values ({', '.join('?' for _ in columns)})", [row[c] for c in columns])
        refresh_claims(db, [claim_id])
    return row


LIST_SQL = """
select reviews.id, reviews.claim_id, reviews.statement_id, reviews.rating, reviews.rating_value,
  reviews.best_rating, reviews.worst_rating, reviews.reviewer, reviews.author, reviews.url,
  reviews.date_published, reviews.explanation, reviews.origin, reviews.created_at,
  claims.text as claim_text
from reviews left join claims on claims.id = reviews.claim_id
{where}
order by reviews.date_published is null, reviews.date_published desc, reviews.created_at desc,
  reviews.id
"""


def reviews_cursor(db: sqlite_utils.Database, claim_id: Optional[str] = None):
    """A cursor over every review (or those of one claim), newest first, with its claim's text."""
    sql = LIST_SQL.format(where="where reviews.claim_id = ?" if claim_id else "")
    return db.execute(sql, [claim_id] if claim_id else [])


APPEARANCES = """
select articles.url, articles.title, articles.published, articles.publisher
from statements join articles on articles.id = statements.article_id
where statements.claim_id = ?
group by articles.id
order by min(statements.published) is null, min(statements.published), articles.id
"""


def claim_reviews(db: sqlite_utils.Database) -> Iterator[dict]:
    """Every review as a schema.org ClaimReview object, newest first.

    The claim reviewed is the statement's words for a review of one statement, else the claim's
    representative text; its author is the speaker of that statement (or of the claim's first
    appearance), and its appearances are every article the claim appeared in, first one first.
    """
    for review in _rows(reviews_cursor(db)):
        claim = next(_rows(db.execute("select * from claims where id = ?", [review["claim_id"]])),
                     {})
        statement_id = review["statement_id"] or claim.get("first_statement_id")
        statement = next(_rows(db.execute(
            "select statements.claim, statements.speaker, statements.published, speakers.kind"
            " from statements left join speakers on speakers.id = statements.speaker_id"
            " where statements.id = ?", [statement_id])), {})
        claim_reviewed = (statement.get("claim") if review["statement_id"] else None) \
            or claim.get("text") or review.get("claim_text")
        appearances = list(_rows(db.execute(APPEARANCES, [review["claim_id"]])))
        yield to_claimreview(
            review, claim_reviewed,
            claimant={"name": statement.get("speaker"), "kind": statement.get("kind")},
            claim_date=statement.get("published") or claim.get("first_published"),
            appearances=appearances)


def _rows(cursor) -> Iterator[dict]:
    columns = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(columns, row))
