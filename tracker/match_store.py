"""Fact-check matching over a tracker database: the `fact_checks` rows in, a FactCheckIndex out,
and the statements matched to them kept in `statement_matches`.

The rows are those `tracker import-claimreview` writes (tracker.factchecks.iter_fact_checks). Their sentence vectors are kept in the `fact_check_vectors` table, keyed by fact-check id
with the encoder version and a hash of the text they embed, so each fact-check is embedded once:
new and changed ones are embedded, and written, when the index is next built.

StatementMatcher keeps statement_matches: statements are matched as ingest stores them (a batch
of articles per encoder pass), and a fact-check imported or changed gets the statements it may
cover (a full-text search of statements_fts for its words) matched again. Which fact-checks
have had that done is kept in `fact_check_matching`, so an interrupted import is finished by the
next one.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

import numpy as np
import sqlite_utils

from .factchecks import iter_fact_checks
from .match import FactCheck, FactCheckIndex, MatchModel, Query, checkable, load_match_model
from .match.lexical import STOP, stem
from .models import stable_hash
from .store import transaction

VECTORS = "fact_check_vectors"
VECTOR_COLUMNS = {"fact_check_id": str, "field": str, "encoder": str, "text_hash": str, "vector": bytes}


class NoFactChecks(LookupError):
    """The database has no fact-checks to match against."""


def has_fact_checks(db: sqlite_utils.Database) -> bool:
    """Whether the database has a fact-check to match against (one probe: a database without
    any costs ingest nothing)."""
    return "fact_checks" in db.table_names() and db.execute(
        "select 1 from fact_checks where claim_reviewed is not null limit 1").fetchone() is not None


def fact_check_index(db: sqlite_utils.Database, model: Optional[MatchModel] = None,
                     on_embed: Callable[[int], None] = lambda n: None) -> FactCheckIndex:
    """The index of the database's fact-checks, embedding (and storing the vectors of) those
    whose vectors are missing or stale (`on_embed(n)` is told how many, before). Raises
    NoFactChecks when there are none."""
    model = model or load_match_model()
    rows = [(fc.id, fc) for fc in iter_fact_checks(db) if fc.claim_reviewed] if "fact_checks" in db.table_names() else []
    if not rows:
        raise NoFactChecks("no fact-checks in the database: import some first (tracker import-claimreview)")
    if not db[VECTORS].exists():
        db[VECTORS].create(VECTOR_COLUMNS, pk=("fact_check_id", "field"))
    stored = {(r[0], r[1]): r[2:] for r in db.execute(
        f"select fact_check_id, field, text_hash, vector from {VECTORS} where encoder = ?", [model.version])}
    index = FactCheckIndex(model)
    known, fresh = [], []
    for i, fc in rows:
        vecs = [stored.get((i, f)) for f in model.dense_fields]
        if all(v is not None and v[0] == stable_hash(getattr(fc, f) or "") for v, f in zip(vecs, model.dense_fields)):
            known.append((fc, [np.frombuffer(v[1], np.float16).astype(np.float32) for v in vecs]))
        else:
            fresh.append((i, fc))
    if known:
        index.add([fc for fc, _ in known],
                  {f: np.stack([v[k] for _, v in known]) for k, f in enumerate(model.dense_fields)})
    if fresh:
        on_embed(len(fresh))
        index.add([fc for _, fc in fresh])
        with transaction(db):
            db[VECTORS].upsert_all(
                ({"fact_check_id": i, "field": f, "encoder": model.version,
                  "text_hash": stable_hash(getattr(fc, f) or ""), "vector": v.astype(np.float16).tobytes()}
                 for i, fc in fresh for f, v in index.vector(fc.url).items()),
                pk=("fact_check_id", "field"))
    return index


MATCHES = "statement_matches"
MATCHED = "fact_check_matching"  # fact_check_id, text_hash: whose statements were matched
MATCHED_COLUMNS = {"fact_check_id": str, "text_hash": str}
TOP = 5  # fact-checks kept per statement at most (those at or above the threshold)
ARTICLES_PER_PASS = 32  # articles whose statements are embedded in one encoder pass at ingest
STATEMENTS_PER_FACT_CHECK = 20  # statements looked up for a new fact-check
SEARCH_WORDS = 8  # a new fact-check's rarest words searched for in statements_fts
_WORD = re.compile(r"[a-z0-9]+")


def matched_hash(fc: FactCheck) -> str:
    """What a fact-check's matches depend on: its claim, headline, claimant and dates."""
    return stable_hash(fc.claim_reviewed, fc.headline, fc.claimant, fc.claim_date, fc.date_published)


def statement_queries(db: sqlite_utils.Database, where: str, params: list) -> list[tuple[str, Query]]:
    """(statement id, Query) of the statements selected by `where`, the checkable ones."""
    rows = db.execute(f"select id, claim, published, speaker from statements where {where}", params)
    return [(i, Query(claim, published, speaker)) for i, claim, published, speaker in rows if checkable(claim)]


class StatementMatcher:
    """Keeps statement_matches: the fact-checks at or above the model's threshold for each
    statement, at most TOP, replaced whenever the statement is matched again."""

    def __init__(self, db: sqlite_utils.Database, model: Optional[MatchModel] = None,
                 on_embed: Callable[[int], None] = lambda n: None, index: Optional[FactCheckIndex] = None,
                 per_pass: int = ARTICLES_PER_PASS):
        self.db, self.model, self.on_embed, self.per_pass = db, model, on_embed, per_pass
        self._index = index  # else the database's fact-checks, read on first use
        self._articles: list[str] = []

    @property
    def index(self) -> FactCheckIndex:
        """The fact-checks' index, read from the database on first use unless given."""
        if self._index is None:
            self._index = fact_check_index(self.db, self.model, self.on_embed)
        return self._index

    def match(self, queries: list[tuple[str, Query]]) -> int:
        """Match the statements (id, Query) and replace their rows in statement_matches, in one
        transaction; returns the number of matches kept."""
        found = self.index.match([q for _, q in queries], top_k=TOP) if queries else []
        threshold = self.index.model.threshold
        rows = [(sid, m.fact_check.id, round(m.score, 4))
                for (sid, _), ms in zip(queries, found) for m in ms if m.score >= threshold]
        with self.db.atomic():
            self.db.conn.executemany(f"delete from {MATCHES} where statement_id = ?", [(sid,) for sid, _ in queries])
            self.db.conn.executemany(f"insert into {MATCHES} (statement_id, fact_check_id, score) values (?, ?, ?)", rows)
        return len(rows)

    def match_articles(self, article_ids: list[str]) -> int:
        """Match every checkable statement of the articles (one encoder pass)."""
        marks = ", ".join("?" for _ in article_ids)
        return self.match(statement_queries(self.db, f"article_id in ({marks})", list(article_ids)))

    def article_stored(self, article_id: str) -> int:
        """Ingest's step after an article is stored: its statements are matched with the next
        `per_pass` articles' (flush() matches the rest). Returns matches written now."""
        self._articles.append(article_id)
        return self.flush() if len(self._articles) >= self.per_pass else 0

    def flush(self) -> int:
        articles, self._articles = self._articles, []
        return self.match_articles(articles) if articles else 0

    def pending_fact_checks(self) -> list[FactCheck]:
        """Fact-checks new or changed since their statements were last matched."""
        if not self.db[MATCHED].exists():
            self.db[MATCHED].create(MATCHED_COLUMNS, pk="fact_check_id")
        done = dict(self.db.execute(f"select fact_check_id, text_hash from {MATCHED}").fetchall())
        return [fc for fc in iter_fact_checks(self.db) if fc.claim_reviewed and done.get(fc.id) != matched_hash(fc)]

    def candidate_statements(self, fc: FactCheck) -> list[str]:
        """Ids of the statements a fact-check may cover: the best STATEMENTS_PER_FACT_CHECK by
        full-text search of its rarest words (by their frequency among the fact-checks)."""
        lexical = self.index.lexical()["claim_reviewed"]
        words = {w for w in _WORD.findall((fc.claim_reviewed or "").lower()) if w not in STOP and len(w) > 1}

        def frequency(word: str) -> int:
            col = lexical.vocab.get(stem(word))
            if col is None or col + 1 >= len(lexical.starts):  # a piece of a number ("3" of "3.1")
                return lexical.n
            return int(lexical.starts[col + 1] - lexical.starts[col])

        rare = sorted(words, key=lambda w: (frequency(w), w))[:SEARCH_WORDS]
        if not rare:
            return []
        query = "claim : (" + " OR ".join(f'"{w}"' for w in rare) + ")"
        return [r[0] for r in self.db.execute(
            "select statements.id from statements join (select rowid from statements_fts"
            " where statements_fts match ? order by rank limit ?) found on found.rowid = statements.rowid",
            [query, STATEMENTS_PER_FACT_CHECK])]

    def match_fact_checks(self, batch: int = 200) -> tuple[int, int]:
        """Match again the statements that the new or changed fact-checks may cover (and those
        matched to them before they changed), `batch` fact-checks to a transaction, and remember
        them as done. Returns (fact-checks, statements matched again)."""
        pending = self.pending_fact_checks()
        if not pending:
            return 0, 0
        has_statements = self.db.execute("select 1 from statements limit 1").fetchone() is not None
        statements = 0
        for k in range(0, len(pending), batch):
            part = pending[k:k + batch]
            if has_statements:  # else nothing to match, and nothing to embed yet
                ids = {sid for fc in part for sid in self.candidate_statements(fc)}
                # and those matched to a changed fact-check's old text
                ids.update(r[0] for r in self.db.execute(
                    f"select statement_id from {MATCHES} where fact_check_id in ({', '.join('?' for _ in part)})",
                    [fc.id for fc in part]))
                ids = sorted(ids)
                queries = []
                for i in range(0, len(ids), 500):
                    chunk = ids[i:i + 500]
                    queries += statement_queries(self.db, f"id in ({', '.join('?' for _ in chunk)})", chunk)
                self.match(queries)
                statements += len(queries)
            with self.db.atomic():
                self.db[MATCHED].upsert_all([{"fact_check_id": fc.id, "text_hash": matched_hash(fc)} for fc in part],
                                            pk="fact_check_id")
        return len(pending), statements


def ingest_matcher(db: sqlite_utils.Database, on_note: Callable[[str], None] = lambda s: None) -> Optional[StatementMatcher]:
    """The matcher for an ingest into db, or None when there is nothing to match against (no
    fact-checks: one probe) or no encoder to match with (on_note says why, once)."""
    if not has_fact_checks(db):
        return None
    from .extract import EncoderMissing
    from .match import MatchModelMissing

    try:
        load_match_model().query_vectors(["Loaded before the first article."])  # the encoder, its passes built
    except (EncoderMissing, MatchModelMissing) as e:
        on_note(f"statements not matched to fact-checks: {e}")
        return None
    return StatementMatcher(db, on_embed=lambda n: on_note(
        f"embedding {n} fact-checks for matching (once; a few minutes for 20,000)"))
