"""Reading, extraction and storage joined up: what `tracker ingest` does, as a library call.

An ingest run has three steps, kept apart so that statements extracted elsewhere (another
process, a cluster) can be stored through the same bookkeeping:

    run = IngestRun(db, version)
    for extracted in extract(run.to_extract(items)):   # decide: new, changed, unchanged...
        run.store(extracted)                           # one transaction per article
    for extracted in extract(run.deferred()):          # copies, decided once the rest is stored
        run.store(extracted)
    run.finish()

`ingest_articles` does exactly that, with the spaCy pipeline as `extract`.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import sqlite3
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, Union

import sqlite_utils

from .match_store import ingest_matcher
from .models import Article, ExtractedArticle, Failure, extractor_version
from .extracted import article_line, from_line
from .pipeline import extract_articles
from .store import (
    articles_with_content, checkpoint, record_failure, save_article, stored_article, tune_wal,
    wal_size,
)


@dataclass
class IngestReport:
    """Counts of what one ingest run did."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    statements: int = 0
    matches: Optional[int] = None  # statement_matches written, when there were fact-checks

    def summary(self) -> str:
        return (f"Articles: {self.new} new, {self.changed} updated, {self.unchanged} unchanged, "
                f"{self.failed} failed. Statements written: {self.statements}."
                + (f" Matched to fact-checks: {self.matches}." if self.matches is not None else ""))


class IngestStopped(Exception):
    """An error that is not about one input (a missing dependency, a full disk, a locked
    database) ended the run. Every article stored before it is committed; str() is one line."""

    def __init__(self, reason: str, report: IngestReport):
        super().__init__(reason)
        self.report = report


Extract = Callable[[Iterable[Article]], Iterable[ExtractedArticle]]


def ingest_articles(
    db: sqlite_utils.Database,
    items: Iterable[Union[Article, Failure]],
    workers: Optional[int] = None,
    on_failure: Callable[[Failure], None] = lambda f: None,
    on_article: Callable[[Article, str], None] = lambda a, status: None,
    accurate: bool = False,
    extract: Optional[Extract] = None,
    on_note: Callable[[str], None] = lambda note: None,
    cue_types: Optional[Iterable[str]] = None,
) -> IngestReport:
    """Extract and store every article in items, one transaction each; record the failures.

    Unchanged articles are skipped by content hash before parsing. Streams: memory does not
    grow with the number of articles. `accurate` extracts with the accurate mode; an article
    read by the other mode counts as changed. `extract` replaces the spaCy pipeline (it takes
    articles and yields them extracted, in order). When the database has fact-checks, the
    stored statements are matched to them (statement_matches; `on_note` hears about the encoder).
    `cue_types` stores only the statements of those cue types; an article stored with other cue
    types counts as changed.

    Raises IngestStopped for an error that is not about one input, after storing what was
    read before it.
    """
    if extract is None:
        def extract(articles):
            return extract_articles(articles, workers=workers, accurate=accurate,
                                    cue_types=cue_types)

    run = IngestRun(db, extractor_version(accurate, cue_types), on_failure=on_failure, on_article=on_article,
                    on_note=on_note)
    return _drive(run, items, extract)


def ingest_extracted(
    db: sqlite_utils.Database,
    items: Iterable[Union[ExtractedArticle, Failure]],
    on_failure: Callable[[Failure], None] = lambda f: None,
    on_article: Callable[[Article, str], None] = lambda a, status: None,
    on_note: Callable[[str], None] = lambda note: None,
) -> IngestReport:
    """Store articles extracted elsewhere (tracker.extracted.read_extracted: `tracker extract
    --cluster` output) without parsing, through the same bookkeeping as ingest_articles; each
    article is judged against the extractor version its line carries."""
    def articles():
        for item in items:
            if isinstance(item, ExtractedArticle):
                item.article._extracted = item
                item = item.article
            yield item

    run = ExtractedRun(db, extractor_version(False), on_failure=on_failure, on_article=on_article,
                       on_note=on_note)
    return _drive(run, articles(), lambda articles: (a._extracted for a in articles))


def _drive(run: "IngestRun", items, extract: Extract) -> IngestReport:
    """Decide, extract and store every item through the run; IngestStopped for an error that
    is not about one input, after storing what was read before it."""
    try:
        for extracted in extract(run.to_extract(items)):
            run.store(extracted)
        for extracted in extract(run.deferred()):
            run.store(extracted)
        run.finish()
    except IngestStopped:
        raise
    except Exception as e:  # extraction or storage: a database, disk or dependency problem
        raise IngestStopped(stop_reason(e, run.db), run.report) from e
    finally:
        run.close()
    return run.report


class IngestRun:
    """One run's bookkeeping: each article's status, decided against the database as this run
    leaves it, the counts, and the failures table.

    Status is decided by identity first: an article whose id is stored is 'unchanged' when its
    text and extractor version are the same, else 'changed' (even if its new text equals another
    article's). A new id whose text another article of this run has is 'unchanged' (a copy).
    A new id whose text only an article this run has not reached yet holds is deferred: that
    article may still change in this run, so the copy is judged after everything else is stored.
    The second article with an id this run has already seen with other text is a failure.

    What the run has seen lives in a private temporary SQLite file, so memory stays flat however
    many articles a run reads.
    """

    def __init__(self, db: sqlite_utils.Database, version: str, *,
                 on_failure: Callable[[Failure], None] = lambda f: None,
                 on_article: Callable[[Article, str], None] = lambda a, status: None,
                 on_note: Callable[[str], None] = lambda note: None):
        self.db, self.version = db, version
        self.on_failure, self.on_article = on_failure, on_article
        self.report = IngestReport()
        self.matcher = ingest_matcher(db, on_note)  # None without fact-checks: costs nothing
        if self.matcher:
            self.report.matches = 0
        self.stopped: Optional[str] = None  # why reading stopped early, if it did
        self._status: dict[str, str] = {}  # article id -> status, while it is being extracted
        self._stored = 0
        self._wal_limit = tune_wal(db)
        self._wal_skip = self._wal_backoff = 0  # articles to store before the next restart
        self._seen = sqlite3.connect("", isolation_level=None)  # a temporary file, deleted on close
        self._seen.executescript("""
            pragma journal_mode = off; pragma synchronous = off;
            create table seen (id text primary key, content_hash text, source text, status text);
            create index seen_content on seen (content_hash);
            create table deferred (n integer primary key, article text);
        """)

    # ------------------------------------------------------------------ decide

    def to_extract(self, items: Iterable[Union[Article, Failure]]) -> Iterator[Article]:
        """The articles of items that need extracting; failures recorded, the rest counted.

        The readers turn every bad input into a Failure, so an exception out of `items` is not
        about one input: it ends the reading (`stopped`), and what was read before is stored.
        """
        iterator = iter(items)
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                return
            except Exception as e:
                self.stopped = stop_reason(e, self.db)
                return
            if isinstance(item, Failure):
                self.fail(item)
                continue
            status = self.decide(item)
            if isinstance(status, Failure):
                self.fail(status)
            elif status == "unchanged":
                self._count(item, status)
            elif status != "deferred":
                self._status[item.id] = status
                yield item

    def decide(self, article: Article) -> Union[str, Failure]:
        """'new', 'changed', 'unchanged' or 'deferred' for the article, or a Failure for a
        second article with an id already seen in this run. Remembers the decision."""
        content_hash = article.content_hash
        row = self._seen.execute("select content_hash, source from seen where id = ?",
                                 [article.id]).fetchone()
        if row is not None:
            if row[0] == content_hash:
                return "unchanged"  # the same article twice (a URL given twice)
            return Failure(_name(article), f"duplicate id {article.id!r} ({_also(row[1], article)})")
        stored = stored_article(self.db, article.id)
        if stored is not None:
            same = stored == (content_hash, self.version_of(article))
            status = "unchanged" if same else "changed"
        elif self._copy_in_run(article.id, content_hash):
            status = "unchanged"
        elif any(self._untouched(other) for other, _ in articles_with_content(self.db, content_hash)):
            status = "deferred"
            self._seen.execute("insert into deferred (article) values (?)",
                               [self.freeze(article)])
        else:
            status = "new"
        self._seen.execute("insert into seen values (?, ?, ?, ?)",
                           [article.id, content_hash, _name(article), status])
        return status

    def deferred(self) -> Iterator[Article]:
        """The deferred copies that still need storing, now that the rest of the run is stored:
        a copy whose text is stored (or stored by this run) is unchanged, the others are new."""
        rows = self._seen.execute("select article from deferred order by n")
        for (data,) in _rows(rows):
            article = self.thaw(data)
            content_hash = article.content_hash
            stored = self._copy_in_run(article.id, content_hash) or any(
                version == self.version_of(article)
                for _, version in articles_with_content(self.db, content_hash))
            status = "unchanged" if stored else "new"
            self._seen.execute("update seen set status = ? where id = ?", [status, article.id])
            if stored:
                self._count(article, status)
            else:
                self._status[article.id] = status
                yield article

    def version_of(self, article: Article) -> str:
        """The extractor version the article is (or will be) extracted with."""
        return self.version

    def freeze(self, article: Article) -> str:
        """The article as kept aside while deferred (a JSON string); thaw() reads it back."""
        return json.dumps(dataclasses.asdict(article))

    def thaw(self, data: str) -> Article:
        return Article(**json.loads(data))

    def _copy_in_run(self, article_id: str, content_hash: str) -> bool:
        """Whether another article of this run (stored, kept or being extracted) has this text."""
        return self._seen.execute(
            "select 1 from seen where content_hash = ? and id != ?"
            " and status in ('new', 'changed', 'unchanged') limit 1",
            [content_hash, article_id]).fetchone() is not None

    def _untouched(self, article_id: str) -> bool:
        """Whether this run has not met the stored article yet (so it may still change)."""
        return self._seen.execute("select 1 from seen where id = ?", [article_id]).fetchone() is None

    # ------------------------------------------------------------------ store

    def store(self, extracted: ExtractedArticle) -> None:
        """Store one extracted article (one transaction), or record why it failed."""
        article = extracted.article
        status = self._status.pop(article.id)
        if extracted.error:
            self._seen.execute("update seen set status = 'failed' where id = ?", [article.id])
            self.fail(Failure(_name(article), extracted.error))
            return
        self.report.statements += save_article(self.db, extracted)
        if self.matcher:  # a batch of articles' statements per encoder pass
            self.report.matches += self.matcher.article_stored(article.id)
        self._count(article, status)
        self._stored += 1
        if self._stored % 200 == 0:
            self._wal_limit = tune_wal(self.db)  # the checkpoint interval follows the size
        self._keep_wal_small()

    def _keep_wal_small(self) -> None:
        """Restart the WAL when readers kept the automatic checkpoints from reusing it (readers
        that never pause: a busy Datasette), waiting a moment for the reads in progress. While
        a reader holds one state for long, that fails: the next try is then after 1, 2, 4 ...
        up to 64 more articles, so such a reader costs a few waits, not one per article."""
        if self._wal_skip:
            self._wal_skip -= 1
        elif self._wal_limit and wal_size(self.db) > 2 * self._wal_limit:
            if checkpoint(self.db, "RESTART", wait=0.1):
                self._wal_backoff = 0
            else:
                self._wal_skip = 2 ** self._wal_backoff
                self._wal_backoff = min(self._wal_backoff + 1, 6)

    def fail(self, failure: Failure) -> None:
        self.report.failed += 1
        record_failure(self.db, failure)
        self.on_failure(failure)

    def _count(self, article: Article, status: str) -> None:
        setattr(self.report, status, getattr(self.report, status) + 1)
        self.on_article(article, status)

    def finish(self) -> None:
        """Match what is left, checkpoint the database (the WAL back to nothing); IngestStopped
        if reading stopped."""
        if self.matcher:
            self.report.matches += self.matcher.flush()
        checkpoint(self.db)
        if self.stopped:
            raise IngestStopped(self.stopped, self.report)

    def close(self) -> None:
        self._seen.close()


class ExtractedRun(IngestRun):
    """A run over articles extracted elsewhere: each carries its ExtractedArticle (`_extracted`),
    whose version it is judged by and which a deferred copy keeps."""

    def version_of(self, article: Article) -> str:
        return article._extracted.version

    def freeze(self, article: Article) -> str:
        return json.dumps(article_line(article._extracted))

    def thaw(self, data: str) -> Article:
        extracted = from_line(json.loads(data), "deferred")
        extracted.article._extracted = extracted
        return extracted.article


def _rows(cursor):
    while True:
        rows = cursor.fetchmany(100)
        if not rows:
            return
        yield from rows


def _name(article: Article) -> str:
    return article.source_path or article.id


def _also(first: str, article: Article) -> str:
    """Where the first article with a duplicated id came from: "also on line 3" (or "also item
    3") of the same batch, else "also in SOURCE"."""
    here = _name(article)
    for sep, where in ((":", "on line"), ("#", "item")):
        path, _, number = first.rpartition(sep)
        if number.isdigit() and here.rpartition(sep)[0] == path and path:
            return f"also {where} {number}"
    return f"also in {first}"


def stop_reason(e: BaseException, db: Optional[sqlite_utils.Database] = None) -> str:
    """One line saying why an error that is not about one input stops the run."""
    text = " ".join(str(e).split())
    if isinstance(e, ImportError):
        return f"missing dependency: {text} (reinstall claim-tracker with pip to get it)"
    if isinstance(e, MemoryError):
        return "out of memory"
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on device: {e.filename or text}"
    if isinstance(e, sqlite3.Error):
        where = _db_file(db)
        if "full" in text:
            return f"{where}: the disk is full ({text}); the articles stored before it are kept"
        if "locked" in text or "busy" in text:
            return f"{where}: {text}: another process kept it locked too long"
        return f"{where}: {text}"
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _db_file(db: Optional[sqlite_utils.Database]) -> str:
    try:
        return db.execute("pragma database_list").fetchone()[2] or "database"
    except Exception:  # the database may be unusable: that is what is being reported
        return "database"
