"""Rows in, SQLite out: the schema, and one transaction per article. Knows nothing of spaCy."""

from __future__ import annotations

import datetime
import json
from typing import Iterable, Optional

import sqlite_utils

from .models import EXTRACTOR_VERSION, Article, ExtractedArticle, Failure, Statement, stable_hash
from .speakers import merge_aliases, role_from_mention, speaker_key, surname

# Schema as data: columns, keys, full-text search and indexes, applied by ensure_schema().
TABLES = {
    "articles": {
        "columns": {
            "id": str, "title": str, "url": str, "publisher": str, "author": str,
            "published": str, "text": str, "word_count": int, "statement_count": int,
            "source_path": str, "content_hash": str, "ingested_at": str,
            "extractor_version": str,
        },
        "pk": "id",
        "fts": ["title", "text"],
        "indexes": [["publisher"], ["published"], ["content_hash"], ["source_path"]],
    },
    "speakers": {
        "columns": {
            "id": str, "name": str, "kind": str, "role": str, "aliases": str,
            "key": str, "surname": str,
        },
        "pk": "id",
        "indexes": [["name"], ["kind"], ["surname"]],
    },
    "statements": {
        "columns": {
            "id": str, "article_id": str, "speaker_id": str, "speaker": str,
            "speaker_text": str, "cue": str, "cue_lemma": str, "claim": str, "kind": str,
            "source": str, "channel": str, "claim_start": int, "claim_end": int,
            "speaker_start": int, "speaker_end": int, "sentence": str, "position": int,
            "confidence": float, "published": str, "extractor_version": str,
        },
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("speaker_id", "speakers", "id")],
        "fts": ["claim", "speaker", "speaker_text"],
        "indexes": [
            ["article_id", "position"], ["speaker_id", "published"], ["speaker"], ["kind"],
            ["cue_lemma"], ["source"], ["channel"], ["published"],
        ],
    },
    "failures": {
        "columns": {"id": str, "input": str, "reason": str, "time": str},
        "pk": "id",
        "indexes": [["input"], ["time"]],
    },
}


def open_db(path) -> sqlite_utils.Database:
    """Open (creating if needed) a tracker database in WAL mode with the full schema."""
    db = sqlite_utils.Database(path)
    if str(path) != ":memory:":
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create whatever tables, FTS indexes and indexes are missing; safe to rerun."""
    with db.atomic():
        for name, spec in TABLES.items():
            table = db[name]
            if not table.exists():
                table.create(
                    spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys"),
                )
            for columns in spec.get("indexes", []):
                table.create_index(columns, if_not_exists=True, find_unique_name=False)
    for name, spec in TABLES.items():
        if spec.get("fts") and not db[f"{name}_fts"].exists():
            db[name].enable_fts(spec["fts"], create_triggers=True, tokenize="porter")


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def article_status(db: sqlite_utils.Database, article: Article) -> str:
    """'new', 'changed' or 'unchanged' (same text and extractor as stored, or a duplicate text).

    Cheap: decides by content hash, before any parsing.
    """
    content_hash = article.content_hash
    rows = list(db.query(
        "select id, content_hash, extractor_version from articles where id = ? or content_hash = ?",
        [article.id, content_hash],
    ))
    for row in rows:
        if row["content_hash"] == content_hash and row["extractor_version"] == EXTRACTOR_VERSION:
            return "unchanged"
    return "changed" if any(r["id"] == article.id for r in rows) else "new"


def save_article(db: sqlite_utils.Database, extracted: ExtractedArticle) -> int:
    """Write one article with its statements and speakers in one transaction.

    Replaces whatever the article had before; returns the number of statements written.
    """
    article, statements = extracted.article, extracted.statements
    with db.atomic():
        old_speakers = {
            r["speaker_id"] for r in db.query(
                "select distinct speaker_id from statements where article_id = ?", [article.id]
            ) if r["speaker_id"]
        }
        db.execute("delete from statements where article_id = ?", [article.id])
        db["articles"].upsert(article_row(article, len(statements)), pk="id")
        rows, seen = [], set()
        for statement in statements:
            speaker_id, name = save_speaker(db, statement) if statement.speaker else (None, None)
            row = statement_row(article, statement, speaker_id, name)
            if row["id"] in seen:  # two attributions of one span (e.g. two speakers)
                row["id"] = stable_hash(article.id, statement.claim_start, statement.claim_end,
                                        statement.speaker_start, statement.cue_start)
            seen.add(row["id"])
            rows.append(row)
        if rows:
            db["statements"].insert_all(rows, pk="id", replace=True)
        drop_orphan_speakers(db, old_speakers)
        if article.source_path:
            db.execute("delete from failures where input = ?", [article.source_path])
    return len(rows)


def article_row(article: Article, statement_count: int) -> dict:
    return {
        "id": article.id, "title": article.title, "url": article.url,
        "publisher": article.publisher, "author": article.author,
        "published": article.published, "text": article.text,
        "word_count": article.word_count, "statement_count": statement_count,
        "source_path": article.source_path, "content_hash": article.content_hash,
        "ingested_at": now(), "extractor_version": EXTRACTOR_VERSION,
    }


def statement_row(
    article: Article, s: Statement, speaker_id: Optional[str], speaker_name: Optional[str]
) -> dict:
    return {
        "id": stable_hash(article.id, s.claim_start, s.claim_end),
        "article_id": article.id, "speaker_id": speaker_id, "speaker": speaker_name,
        "speaker_text": s.speaker_text, "cue": s.cue, "cue_lemma": s.cue_lemma,
        "claim": s.claim, "kind": s.kind, "source": s.source, "channel": s.channel,
        "claim_start": s.claim_start, "claim_end": s.claim_end,
        "speaker_start": s.speaker_start, "speaker_end": s.speaker_end,
        "sentence": s.sentence, "position": s.position, "confidence": s.confidence,
        "published": article.published, "extractor_version": EXTRACTOR_VERSION,
    }


def save_speaker(db: sqlite_utils.Database, s: Statement) -> tuple[str, str]:
    """The id and canonical name of the speakers row for this statement's speaker, merging across articles.

    A surname alone ("Guterres") joins the one person row with that surname; a full name
    absorbs an earlier surname-only row.
    """
    kind = s.speaker_kind
    key = speaker_key(s.speaker, kind)
    speaker_id = stable_hash("speaker", key)
    aliases = [s.speaker, s.speaker_text] if s.speaker_text else [s.speaker]
    row = db["speakers"].get(speaker_id) if _exists(db, speaker_id) else None
    if row is None and kind in (None, "person") and " " not in key:
        matches = list(db.query(
            "select * from speakers where surname = ? and kind = 'person' limit 2", [key]))
        if len(matches) == 1:
            row = matches[0]
            speaker_id = row["id"]
    if row is None:
        row = {"id": speaker_id, "name": s.speaker, "kind": kind, "role": None,
               "aliases": "[]", "key": key,
               "surname": surname(s.speaker) if kind in (None, "person") else None}
        if row["surname"]:
            absorb_surname_row(db, row)
    row["aliases"] = json.dumps(merge_aliases(json.loads(row["aliases"] or "[]"), aliases))
    row["kind"] = row["kind"] or kind
    row["role"] = row["role"] or role_from_mention(s.speaker_text, s.speaker)
    db["speakers"].upsert(row, pk="id")
    return speaker_id, row["name"]


def absorb_surname_row(db: sqlite_utils.Database, row: dict) -> None:
    """Fold an existing surname-only person row into the new full-name row (same surname)."""
    if db.execute(
        "select count(*) from speakers where surname = ? and kind = 'person'", [row["surname"]]
    ).fetchone()[0]:
        return  # another full name has this surname: a bare surname stays ambiguous
    old_id = stable_hash("speaker", row["surname"])
    if not _exists(db, old_id):
        return
    old = db["speakers"].get(old_id)
    if old["kind"] not in (None, "person"):
        return
    row["aliases"] = json.dumps(merge_aliases(json.loads(old["aliases"] or "[]")))
    db["speakers"].insert(row, pk="id")
    db.execute("update statements set speaker_id = ?, speaker = ? where speaker_id = ?",
               [row["id"], row["name"], old_id])
    db["speakers"].delete(old_id)


def drop_orphan_speakers(db: sqlite_utils.Database, speaker_ids: Iterable[str]) -> None:
    for speaker_id in speaker_ids:
        if not db.execute(
            "select 1 from statements where speaker_id = ? limit 1", [speaker_id]
        ).fetchone():
            db.execute("delete from speakers where id = ?", [speaker_id])


def _exists(db: sqlite_utils.Database, speaker_id: str) -> bool:
    return bool(db.execute("select 1 from speakers where id = ?", [speaker_id]).fetchone())


def record_failure(db: sqlite_utils.Database, failure: Failure) -> None:
    """Remember an input that could not be ingested (one row per input and reason)."""
    with db.atomic():
        db["failures"].upsert(
            {"id": stable_hash(failure.input, failure.reason), "input": failure.input,
             "reason": failure.reason, "time": now()},
            pk="id",
        )
