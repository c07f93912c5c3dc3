"""Rows in, SQLite out: the schema, and one transaction per article. Knows nothing of spaCy."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import sqlite3
from pathlib import Path
from typing import Iterable, Optional

import sqlite_utils
from sqlite_utils.db import DescIndex

from .models import EXTRACTOR_VERSION, Article, ExtractedArticle, Failure, Statement, stable_hash
from .speakers import is_alias, merge_aliases, not_a_name, role_from_mention, speaker_key, surname

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
        "indexes": [["publisher"], ["published"], ["content_hash"], ["source_path"], ["url"]],
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
            "claim_id": str,  # the claims row grouping it with its near-duplicates (claimstore.py)
            "cue_type": str, "channel_text": str,
        },
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("speaker_id", "speakers", "id")],
        "fts": ["claim", "speaker", "speaker_text"],
        # Measured on 1M statements (benchmarks/big_db.py). Newest first is the order of the
        # table page and the canned queries, hence the descending dates that let a query stop
        # after its LIMIT; (speaker_id, published ...) also gives a speaker's first and last
        # date in two probes; (source, speaker, article_id) covers sources_cited.
        # The faceted columns are indexed with the sort key (SORTED_FILTERS).
        "indexes": [
            ["article_id", "position"],
            ["speaker_id", DescIndex("published"), "article_id", "position"],
            ["source", "speaker", "article_id"],
            [DescIndex("published"), "article_id", "position"],
            ["claim_id", "published", "article_id", "position"],
        ],
    },
    "failures": {
        "columns": {"id": str, "input": str, "reason": str, "time": str},
        "pk": "id",
        "indexes": [["input"], ["time"]],
    },
    # Choices a command made for the whole database that later runs must follow (e.g. the
    # claims grouping threshold of `tracker claims --regroup --threshold`).
    "settings": {
        "columns": {"key": str, "value": str},
        "pk": "key",
    },
    # Claims (issue 16): one row per claim made by one or more statements, kept by claimstore.py.
    "claims": {
        "columns": {
            "id": str, "text": str, "statement_count": int, "article_count": int,
            "speaker_count": int, "first_published": str, "first_statement_id": str,
            "first_article_id": str, "last_published": str, "last_statement_id": str,
            "review_count": int, "latest_rating": str,
        },
        "pk": "id",
        "indexes": [["article_count"], ["statement_count"], ["speaker_count"],
                    ["review_count", "article_count"], ["latest_rating"], ["first_published"],
                    ["last_published"]],
    },
    # Each statement's claim key (claims.key_tokens), indexed to find near-duplicates: the words
    # are matched as keyed, hence no stemming tokenizer.
    "claim_keys": {
        "columns": {"id": str, "article_id": str, "claim_id": str, "key": str},
        "pk": "id",
        "indexes": [["article_id"], ["claim_id"]],
        "fts": ["key"],
        "fts_tokenize": "unicode61",
    },
    # How many claim keys hold each word: a lookup by primary key (FTS5's own vocabulary table
    # counts a word by reading its whole posting list, too slow at a million keys).
    "claim_terms": {
        "columns": {"term": str, "keys": int},
        "pk": "term",
    },
    "reviews": {
        "columns": {
            "id": str, "claim_id": str, "statement_id": str, "rating": str,
            "rating_value": float, "best_rating": float, "worst_rating": float, "reviewer": str,
            "author": str, "url": str, "date_published": str, "explanation": str,
            "origin": str, "claimreview": str, "created_at": str,
        },
        "pk": "id",
        "foreign_keys": [("claim_id", "claims", "id")],
        "indexes": [["claim_id", "date_published"], ["statement_id"], ["rating"], ["reviewer"],
                    ["url"], ["origin"], [DescIndex("date_published")]],
    },
    # Published fact-checks (schema.org ClaimReview) as imported, whether or not anything matches.
    "fact_checks": {
        "columns": {
            "id": str, "url": str, "claim_reviewed": str, "headline": str, "rating": str,
            "rating_value": float, "best_rating": float, "worst_rating": float, "reviewer": str,
            "author": str, "claimant": str, "claim_date": str, "date_published": str,
            "appearances": str, "language": str, "explanation": str, "claimreview": str,
            "source": str,
            "imported_at": str,
        },
        "pk": "id",
        "fts": ["claim_reviewed", "headline", "claimant"],
        "indexes": [["rating"], ["reviewer"], ["claimant"], [DescIndex("date_published")],
                    ["url"]],
    },
    # Statements matched to the fact-checks that cover them (issue 17), kept above the match
    # model's threshold by tracker.match_store at ingest and at import-claimreview.
    "statement_matches": {
        "columns": {"statement_id": str, "fact_check_id": str, "score": float},
        "pk": ("statement_id", "fact_check_id"),
        "foreign_keys": [("statement_id", "statements", "id"), ("fact_check_id", "fact_checks", "id")],
        "indexes": [["fact_check_id"], [DescIndex("score")]],
    },
}

# Views over the tables, by name (created or replaced by ensure_schema).
VIEWS = {
    # Each statement's matched fact-checks with their verdicts, for pages that show "already
    # checked: False (PolitiFact)": filter on statement_id, claim_id or article_id.
    "statement_fact_checks": """
select statement_matches.statement_id, statements.article_id, statements.claim_id,
  statements.speaker, statements.claim, statements.published, statement_matches.score,
  statement_matches.fact_check_id, fact_checks.rating, fact_checks.reviewer,
  fact_checks.claim_reviewed, fact_checks.claimant, fact_checks.url, fact_checks.date_published
from statement_matches
join statements on statements.id = statement_matches.statement_id
join fact_checks on fact_checks.id = statement_matches.fact_check_id""".strip(),
}


# Each table's default order in Datasette, as one generated column (descending: newest, or most
# repeated, first). Datasette 0.65 orders a sorted table's first page by the sort column alone
# but every later page by (sort column, primary key): on a column with ties or nulls, following
# next_url loses and repeats rows. A key made unique by ending in the primary key pages exactly.
SORT_KEY = "sort_key"
SORT_KEYS = {
    "articles": "coalesce(published, '') || ' ' || id",
    # newest first, an article's statements in reading order
    "statements": "coalesce(published, '') || ' ' || coalesce(article_id, '') || ' ' || "
                  "printf('%09d', 999999999 - coalesce(position, 0)) || ' ' || id",
    "speakers": "printf('%09d', coalesce(statement_count, 0)) || ' ' || id",
    "failures": "coalesce(time, '') || ' ' || id",
    # the claims issue's tables (16), once they exist: most repeated, newest first
    "claims": "printf('%09d', coalesce(statement_count, 0)) || ' ' || "
              "coalesce(last_published, '') || ' ' || id",
    "reviews": "coalesce(date_published, created_at, '') || ' ' || id",
    "fact_checks": "coalesce(date_published, '') || ' ' || id",
    # surest first
    "statement_matches": "printf('%.6f', score) || ' ' || statement_id || ' ' || fact_check_id",
}
# Columns a page filters on (Datasette's facets), each indexed together with the sort key: a
# filtered page then reads its rows in order instead of sorting every match: on 1M statements
# a ?kind=direct page's SQL takes ~30 ms, not 1-1.4 s sorting 300,000 rows (docs/browsing.md).
SORTED_FILTERS = {
    "statements": ["speaker", "kind", "cue_type", "cue_lemma", "source", "channel"],
}


class CannotOpen(Exception):
    """A database path that cannot be opened as a tracker database; str() is one line."""


SQLITE_HEADER = b"SQLite format 3\x00"
# How long a writer waits for another process's write transaction before giving up. Writers
# take turns (BEGIN IMMEDIATE); the longest turn is one article, a few seconds for 50 MB.
BUSY_TIMEOUT_S = 120


def open_db(path, *, readonly: bool = False) -> sqlite_utils.Database:
    """Open a tracker database in WAL mode with the full schema, creating it if needed.

    `readonly` opens an existing database for reading only (no schema changes, no writes).
    Raises CannotOpen, with a one-line reason, for a path that is not an SQLite database (an
    existing file of another kind is never turned into one), a missing folder, or a database
    SQLite cannot open.
    """
    if str(path) == ":memory:":
        db = sqlite_utils.Database(":memory:")
        db.conn.execute("PRAGMA foreign_keys = ON")
        ensure_schema(db)
        return db
    _check_path(Path(path), readonly)
    try:
        if readonly:
            uri = Path(path).resolve().as_uri() + "?mode=ro"
            db = sqlite_utils.Database(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S))
            db.conn.execute("PRAGMA query_only = ON")
            db.conn.execute("select count(*) from sqlite_master").fetchone()
            return db
        db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S))
        db.enable_wal()
        db.conn.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL loses no committed article on a crash of the process (only, at
        # worst, the last ones on a power cut) and saves an fsync per article.
        db.conn.execute("PRAGMA synchronous = NORMAL")
        ensure_schema(db)
        tune_wal(db)
    except sqlite3.DatabaseError as e:
        raise CannotOpen(f"{path}: cannot open the database: {e}") from None
    return db


def _check_path(path: Path, readonly: bool) -> None:
    try:
        if path.is_dir():
            raise CannotOpen(f"{path}: is a directory, not a database file")
        if not path.exists():
            if readonly:
                raise CannotOpen(f"{path}: no such database")
            if not path.parent.is_dir():
                raise CannotOpen(f"{path}: cannot create the database: "
                                 f"no such directory {path.parent}")
            return
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise CannotOpen(f"{path}: cannot open the database: {e.strerror or e}") from None
    if head and head != SQLITE_HEADER:
        raise CannotOpen(f"{path}: not an SQLite database (left as it is)")


def tune_wal(db: sqlite_utils.Database) -> int:
    """Checkpoint after a WAL of about half the database (between 1 and 40 MB), and cut the WAL
    file back to that size after each checkpoint, so a small database never needs many times
    its size free. (A big ingest checkpoints every 40 MB: below that a third of its time went
    to checkpoints.) Returns that size in bytes (0 when the database is not in WAL mode)."""
    if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return 0
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    page_size = db.conn.execute("PRAGMA page_size").fetchone()[0]
    limit = min(40 * 2**20 // page_size, max(2**20 // page_size, pages // 2))
    db.conn.execute(f"PRAGMA wal_autocheckpoint = {limit}")
    db.conn.execute(f"PRAGMA journal_size_limit = {limit * page_size}")
    return limit * page_size


def wal_size(db: sqlite_utils.Database) -> int:
    """The size of the database's WAL file in bytes (0 if there is none)."""
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    try:
        return os.stat(path + "-wal").st_size if path else 0
    except OSError:
        return 0


def checkpoint(db: sqlite_utils.Database, mode: str = "TRUNCATE", wait: float = 0.5) -> bool:
    """Copy the WAL into the database and start it again from the beginning (TRUNCATE: and empty
    the file), waiting at most `wait` seconds for other processes reading or writing an older
    state; True when done, False when they kept it from completing.

    RESTART after a write keeps readers that never pause (a busy Datasette) from making the WAL
    grow without end: the automatic checkpoints cannot reuse a WAL that some reader is using."""
    if db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return True
    db.conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    try:
        busy = db.conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()[0]
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    return not busy


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database):
    """A write transaction that takes the write lock when it begins (BEGIN IMMEDIATE), so
    writers in several processes wait their turn (up to BUSY_TIMEOUT_S). With a plain BEGIN a
    read then a write fails at once with "database is locked" if another process wrote between
    them. Nested use is a savepoint."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create whatever tables, FTS indexes and indexes are missing; safe to rerun, and to run
    from several processes at once (one creates, the others wait and find it done)."""
    with transaction(db):
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
        ensure_sort_keys(db)
        for name, sql in VIEWS.items():
            db.create_view(name, sql, replace=True)  # nothing to do when unchanged
        for name, spec in TABLES.items():
            if spec.get("fts") and not db[f"{name}_fts"].exists():
                db[name].enable_fts(spec["fts"], create_triggers=True,
                                    tokenize=spec.get("fts_tokenize", "porter"))


def ensure_sort_keys(db: sqlite_utils.Database) -> None:
    """Give every existing table of SORT_KEYS its sort_key column, its unique index and the
    indexes of SORTED_FILTERS; safe to rerun."""
    for name, expression in SORT_KEYS.items():
        if not db[name].exists():
            continue
        columns = {row[1] for row in db.execute(f"pragma table_xinfo([{name}])")}
        if SORT_KEY not in columns:
            try:
                # NOT NULL lets SQLite drop Datasette's "or sort_key is null" and walk the
                # index from the top to the next page: 1 ms a page of 1M statements, not 5 s
                db.execute(f"alter table [{name}] add column {SORT_KEY} text "
                           f"generated always as ({expression}) virtual not null")
            except sqlite3.OperationalError as e:
                if "no such column" not in str(e):
                    raise
                continue  # a table of another shape: Datasette keeps its primary key order
        db.execute(f"create unique index if not exists [idx_{name}_{SORT_KEY}] "
                   f"on [{name}] ({SORT_KEY})")
        for column in SORTED_FILTERS.get(name, []):
            if column in columns:
                db.execute(f"create index if not exists [idx_{name}_{column}_{SORT_KEY}] "
                           f"on [{name}] ([{column}], {SORT_KEY})")


def get_setting(db: sqlite_utils.Database, key: str) -> Optional[str]:
    """A database-wide setting (the settings table), or None."""
    row = db.execute("select value from settings where key = ?", [key]).fetchone()
    return row[0] if row else None


def set_setting(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("insert into settings (key, value) values (?, ?)"
               " on conflict(key) do update set value = excluded.value", [key, value])


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def stored_article(db: sqlite_utils.Database, article_id: str) -> Optional[tuple[str, str]]:
    """(content_hash, extractor_version) of the stored article with this id, or None."""
    return db.execute("select content_hash, extractor_version from articles where id = ?",
                      [article_id]).fetchone()


def articles_with_content(db: sqlite_utils.Database, content_hash: str) -> list[tuple[str, str]]:
    """(id, extractor_version) of every stored article with this content hash."""
    return db.execute("select id, extractor_version from articles where content_hash = ?",
                      [content_hash]).fetchall()


def save_article(db: sqlite_utils.Database, extracted: ExtractedArticle,
                 group_claims: bool = True) -> int:
    """Write one article with its statements and speakers in one transaction.

    Replaces whatever the article had before; returns the number of statements written.
    `group_claims` joins the statements to their claims in the same transaction.
    """
    article, statements = extracted.article, extracted.statements
    with transaction(db):
        old_counts = _speaker_counts(db, article.id)
        # their matches go with them (the matching step of ingest matches the new ones)
        db.execute("delete from statement_matches where statement_id in"
                   " (select id from statements where article_id = ?)", [article.id])
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
            if speaker_id is not None and _speaker(db, speaker_id) is None:
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
        if group_claims:
            from .claimstore import assign_claims

            assign_claims(db, article.id)
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
    rows = _speakers_where(db, "id = ?", [speaker_id])
    return rows[0] if rows else None


def _speakers_where(db: sqlite_utils.Database, where: str, params: list) -> list[dict]:
    # the declared columns only: rows are written back, and sort_key is generated
    columns = list(TABLES["speakers"]["columns"])
    cursor = db.execute(f"select {', '.join(columns)} from speakers where {where}", params)
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


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
        "published": article.published, "extractor_version": version, "claim_id": None,
        "cue_type": s.cue_type, "channel_text": s.channel_text,
    }


def save_speaker(db: sqlite_utils.Database, s: Statement) -> tuple[str, str]:
    """The id and canonical name of the speakers row for this statement's speaker, merging across articles.

    A surname alone ("Guterres") joins the one person row with that surname; a full name
    absorbs an earlier surname-only row. A name that names nobody ("I", "Voters", a dateline:
    speakers.not_a_name) has no row: (None, None).
    """
    if not_a_name(s.speaker):
        return None, None
    kind = s.speaker_kind
    key = speaker_key(s.speaker, kind)
    speaker_id = stable_hash("speaker", key)
    # A mention that names a cited document or intermediary ("a UN readout") is no alias of
    # the speaker; nor are pronouns and common nouns ("he", "the minister").
    names_source = bool(s.source and s.speaker_text and s.source.lower() in s.speaker_text.lower())
    aliases = [s.speaker] + ([s.speaker_text] if is_alias(s.speaker_text) and not names_source else [])
    row = _speaker(db, speaker_id)
    if row is None and kind in (None, "person") and " " not in key:
        matches = _speakers_where(db, "surname = ? and kind = 'person' limit 2", [key])
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
    with transaction(db):
        _upsert(db, "failures", {"id": stable_hash(failure.input, failure.reason),
                                 "input": failure.input, "reason": failure.reason, "time": now()})
