"""Rows in, SQLite out: the schema, and one transaction per article. Knows nothing of spaCy."""

from __future__ import annotations

import datetime
import json
from typing import Iterable, Optional

import sqlite_utils
from sqlite_utils.db import DescIndex

from .models import EXTRACTOR_VERSION, Article, ExtractedArticle, Failure, Statement, stable_hash
from .speakers import is_alias, merge_aliases, role_from_mention, speaker_key, surname

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
            # Kept up to date by save_article, so ranking speakers reads 50k rows, not 1M.
            "statement_count": int, "article_count": int, "first_seen": str, "last_seen": str,
        },
        "pk": "id",
        "indexes": [["name"], ["kind"], ["surname"], ["statement_count"]],
    },
    "statements": {
        "columns": {
            "id": str, "article_id": str, "speaker_id": str, "speaker": str,
            "speaker_text": str, "cue": str, "cue_lemma": str, "claim": str, "kind": str,
            "source": str, "channel": str, "claim_start": int, "claim_end": int,
            "speaker_start": int, "speaker_end": int, "sentence": str, "position": int,
            "confidence": float, "published": str, "extractor_version": str,
            "cue_type": str, "channel_text": str,
        },
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("speaker_id", "speakers", "id")],
        "fts": ["claim", "speaker", "speaker_text"],
        # Measured on 1M statements (benchmarks/big_db.py). Newest first is the order of the
        # table page and the canned queries, hence the descending dates that let a query stop
        # after its LIMIT; (speaker_id, published ...) also gives a speaker's first and last
        # date in two probes; (source, speaker, article_id) covers sources_cited.
        "indexes": [
            ["article_id", "position"],
            ["speaker_id", DescIndex("published"), "article_id", "position"],
            ["speaker"], ["kind"], ["cue_lemma"], ["channel"], ["cue_type"],
            ["source", "speaker", "article_id"],
            [DescIndex("published"), "article_id", "position"],
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
    # In WAL mode NORMAL loses no committed article on a crash of the process (only, at worst,
    # the last ones on a power cut) and saves an fsync per article.
    db.execute("PRAGMA synchronous = NORMAL")
    # Checkpoint (and fsync) every ~40 MB of WAL rather than every 4 MB: a third of the time of
    # a big ingest went to checkpoints.
    db.execute("PRAGMA wal_autocheckpoint = 10000")
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
            missing = [c for c in spec["columns"] if c not in table.columns_dict]
            for column in missing:
                table.add_column(column, spec["columns"][column])
            if name == "speakers" and "statement_count" in missing:
                refresh_speaker_counts(db)
            for columns in spec.get("indexes", []):
                table.create_index(columns, if_not_exists=True, find_unique_name=False)
    for name, spec in TABLES.items():
        if spec.get("fts") and not db[f"{name}_fts"].exists():
            db[name].enable_fts(spec["fts"], create_triggers=True, tokenize="porter")


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def article_status(db: sqlite_utils.Database, article: Article, version: str = EXTRACTOR_VERSION) -> str:
    """'new', 'changed' or 'unchanged' (same text and extractor `version` as stored, or a
    duplicate text).

    Cheap: decides by content hash, before any parsing.
    """
    content_hash = article.content_hash
    rows = list(db.query(
        "select id, content_hash, extractor_version from articles where id = ? or content_hash = ?",
        [article.id, content_hash],
    ))
    for row in rows:
        if row["content_hash"] == content_hash and row["extractor_version"] == version:
            return "unchanged"
    return "changed" if any(r["id"] == article.id for r in rows) else "new"


def save_article(db: sqlite_utils.Database, extracted: ExtractedArticle) -> int:
    """Write one article with its statements and speakers in one transaction.

    Replaces whatever the article had before; returns the number of statements written.
    """
    article, statements = extracted.article, extracted.statements
    with db.atomic():
        old_counts = _speaker_counts(db, article.id)
        db.execute("delete from statements where article_id = ?", [article.id])
        _add_speaker_counts(db, old_counts, -1)
        _upsert(db, "articles", article_row(article, len(statements), extracted.version))
        rows, seen = [], set()
        # A statement with the same speaker fields as an earlier one of the article resolves
        # the same way, and save_speaker would change nothing: ask once per article.
        resolved: dict[tuple, tuple[str, str]] = {}

        def key(statement):
            return (statement.speaker, statement.speaker_kind, statement.speaker_text,
                    statement.source)

        for statement in statements:
            if statement.speaker and key(statement) not in resolved:
                resolved[key(statement)] = save_speaker(db, statement)
        # A full name later in the article may have absorbed an earlier surname-only row
        # ("Smith said ... John Smith said"): resolve those mentions again.
        for k, (speaker_id, _) in list(resolved.items()):
            if _speaker(db, speaker_id) is None:
                statement = next(s for s in statements if s.speaker and key(s) == k)
                resolved[k] = save_speaker(db, statement)
        for statement in statements:
            speaker_id, name = resolved[key(statement)] if statement.speaker else (None, None)
            row = statement_row(article, statement, speaker_id, name, extracted.version)
            if row["id"] in seen:  # two attributions of one span (e.g. two speakers)
                row["id"] = stable_hash(article.id, statement.claim_start, statement.claim_end,
                                        statement.speaker_start, statement.cue_start)
            seen.add(row["id"])
            rows.append(row)
        if rows:
            columns = list(TABLES["statements"]["columns"])
            db.conn.executemany(
                f"insert or replace into statements ({', '.join(columns)}) "
                f"values ({', '.join('?' for _ in columns)})",
                [[row[c] for c in columns] for row in rows],
            )
        new_counts = _speaker_counts(db, article.id)
        _add_speaker_counts(db, new_counts, +1)
        _refresh_speaker_dates(db, set(old_counts) | set(new_counts))
        drop_orphan_speakers(db, old_counts)
        if article.source_path:
            db.execute("delete from failures where input = ?", [article.source_path])
    return len(rows)


def _speaker_counts(db: sqlite_utils.Database, article_id: str) -> dict[str, int]:
    """Statements per speaker id in one article."""
    return dict(db.execute(
        "select speaker_id, count(*) from statements where article_id = ? and speaker_id is not null"
        " group by speaker_id", [article_id]).fetchall())


def _add_speaker_counts(db: sqlite_utils.Database, counts: dict[str, int], sign: int) -> None:
    """Add (sign +1) or take away (-1) one article's statements from its speakers' counts."""
    db.conn.executemany(
        "update speakers set statement_count = coalesce(statement_count, 0) + ?, "
        "article_count = coalesce(article_count, 0) + ? where id = ?",
        [(sign * n, sign, speaker_id) for speaker_id, n in counts.items()])


def _refresh_speaker_dates(db: sqlite_utils.Database, speaker_ids: Iterable[str]) -> None:
    # min/max over the (speaker_id, published ...) index: two index probes per speaker.
    db.conn.executemany(
        "update speakers set"
        " first_seen = (select min(published) from statements where speaker_id = :id),"
        " last_seen = (select max(published) from statements where speaker_id = :id)"
        " where id = :id", [{"id": speaker_id} for speaker_id in speaker_ids])


def refresh_speaker_counts(db: sqlite_utils.Database) -> None:
    """Recompute every speaker's statement_count, article_count, first_seen and last_seen."""
    db.execute(
        "update speakers set"
        " statement_count = (select count(*) from statements where speaker_id = speakers.id),"
        " article_count = (select count(distinct article_id) from statements"
        "   where speaker_id = speakers.id),"
        " first_seen = (select min(published) from statements where speaker_id = speakers.id),"
        " last_seen = (select max(published) from statements where speaker_id = speakers.id)")


def _upsert(db: sqlite_utils.Database, table: str, row: dict) -> None:
    """Insert the row, or update the existing row with its primary key (keeping its rowid)."""
    columns = list(row)
    pk = TABLES[table]["pk"]
    db.execute(
        f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' for _ in columns)}) "
        f"on conflict({pk}) do update set "
        + ", ".join(f"{c} = excluded.{c}" for c in columns if c != pk),
        [row[c] for c in columns],
    )


def _speaker(db: sqlite_utils.Database, speaker_id: str) -> Optional[dict]:
    cursor = db.execute("select * from speakers where id = ?", [speaker_id])
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def article_row(article: Article, statement_count: int, version: str = EXTRACTOR_VERSION) -> dict:
    return {
        "id": article.id, "title": article.title, "url": article.url,
        "publisher": article.publisher, "author": article.author,
        "published": article.published, "text": article.text,
        "word_count": article.word_count, "statement_count": statement_count,
        "source_path": article.source_path, "content_hash": article.content_hash,
        "ingested_at": now(), "extractor_version": version,
    }


def statement_row(
    article: Article, s: Statement, speaker_id: Optional[str], speaker_name: Optional[str],
    version: str = EXTRACTOR_VERSION,
) -> dict:
    return {
        "id": stable_hash(article.id, s.claim_start, s.claim_end),
        "article_id": article.id, "speaker_id": speaker_id, "speaker": speaker_name,
        "speaker_text": s.speaker_text, "cue": s.cue, "cue_lemma": s.cue_lemma,
        "claim": s.claim, "kind": s.kind, "source": s.source, "channel": s.channel,
        "claim_start": s.claim_start, "claim_end": s.claim_end,
        "speaker_start": s.speaker_start, "speaker_end": s.speaker_end,
        "sentence": s.sentence, "position": s.position, "confidence": s.confidence,
        "published": article.published, "extractor_version": version,
        "cue_type": s.cue_type, "channel_text": s.channel_text,
    }


def save_speaker(db: sqlite_utils.Database, s: Statement) -> tuple[str, str]:
    """The id and canonical name of the speakers row for this statement's speaker, merging across articles.

    A surname alone ("Guterres") joins the one person row with that surname; a full name
    absorbs an earlier surname-only row.
    """
    kind = s.speaker_kind
    key = speaker_key(s.speaker, kind)
    speaker_id = stable_hash("speaker", key)
    # A mention that names a cited document or intermediary ("a UN readout") is no alias of
    # the speaker; nor are pronouns and common nouns ("he", "the minister").
    names_source = bool(s.source and s.speaker_text and s.source.lower() in s.speaker_text.lower())
    aliases = [s.speaker] + ([s.speaker_text] if is_alias(s.speaker_text) and not names_source else [])
    row = _speaker(db, speaker_id)
    if row is None and kind in (None, "person") and " " not in key:
        cursor = db.execute(
            "select * from speakers where surname = ? and kind = 'person' limit 2", [key])
        matches = [dict(zip([d[0] for d in cursor.description], r)) for r in cursor.fetchall()]
        if len(matches) == 1:
            row = matches[0]
            speaker_id = row["id"]
    if row is None:
        row = {"id": speaker_id, "name": s.speaker, "kind": kind, "role": None,
               "aliases": "[]", "key": key,
               "surname": surname(s.speaker) if kind in (None, "person") else None}
        if row["surname"]:
            absorb_surname_row(db, row)
        before = None
    else:
        before = dict(row)
    row["aliases"] = json.dumps(merge_aliases(json.loads(row["aliases"] or "[]"), aliases))
    row["kind"] = row["kind"] or kind
    row["role"] = row["role"] or role_from_mention(s.speaker_text, s.speaker)
    if row != before:  # a known speaker seen again under a known name costs no write
        _upsert(db, "speakers", row)
    return speaker_id, row["name"]


def absorb_surname_row(db: sqlite_utils.Database, row: dict) -> None:
    """Fold an existing surname-only person row into the new full-name row (same surname)."""
    if db.execute(
        "select count(*) from speakers where surname = ? and kind = 'person'", [row["surname"]]
    ).fetchone()[0]:
        return  # another full name has this surname: a bare surname stays ambiguous
    old_id = stable_hash("speaker", row["surname"])
    old = _speaker(db, old_id)
    if old is None or old["kind"] not in (None, "person"):
        return
    row["aliases"] = json.dumps(merge_aliases(json.loads(old["aliases"] or "[]")))
    for column in ("statement_count", "article_count", "first_seen", "last_seen"):
        row[column] = old[column]  # the statements move over just below
    _upsert(db, "speakers", row)
    db.execute("update statements set speaker_id = ?, speaker = ? where speaker_id = ?",
               [row["id"], row["name"], old_id])
    db.execute("delete from speakers where id = ?", [old_id])


def drop_orphan_speakers(db: sqlite_utils.Database, speaker_ids: Iterable[str]) -> None:
    for speaker_id in speaker_ids:
        if not db.execute(
            "select 1 from statements where speaker_id = ? limit 1", [speaker_id]
        ).fetchone():
            db.execute("delete from speakers where id = ?", [speaker_id])


def record_failure(db: sqlite_utils.Database, failure: Failure) -> None:
    """Remember an input that could not be ingested (one row per input and reason)."""
    with db.atomic():
        db["failures"].upsert(
            {"id": stable_hash(failure.input, failure.reason), "input": failure.input,
             "reason": failure.reason, "time": now()},
            pk="id",
        )
