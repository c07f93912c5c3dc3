"""Reading, extraction and storage joined up: what `tracker ingest` does, as a library call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import sqlite_utils

from .models import Article, Failure, extractor_version
from .pipeline import extract_articles
from .store import article_status, record_failure, save_article


@dataclass
class IngestReport:
    """Counts of what one ingest run did."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    statements: int = 0

    def summary(self) -> str:
        return (f"Articles: {self.new} new, {self.changed} updated, {self.unchanged} unchanged, "
                f"{self.failed} failed. Statements written: {self.statements}.")


def ingest_articles(
    db: sqlite_utils.Database,
    items: Iterable["Article | Failure"],
    workers: Optional[int] = None,
    on_failure: Callable[[Failure], None] = lambda f: None,
    on_article: Callable[[Article, str], None] = lambda a, status: None,
    accurate: bool = False,
    cue_types: Optional[Iterable[str]] = None,
) -> IngestReport:
    """Extract and store every article in items, one transaction each; record the failures.

    Unchanged articles are skipped by content hash before parsing. Streams: memory does not
    grow with the number of articles. `accurate` extracts with the accurate mode; an article
    read by the other mode counts as changed. `cue_types` stores only the statements of those
    cue types; an article stored with other cue types counts as changed.
    """
    version = extractor_version(accurate, cue_types)
    report = IngestReport()
    pending: dict[str, str] = {}  # article id -> 'new' or 'changed', while it is being parsed

    def fail(failure: Failure) -> None:
        report.failed += 1
        record_failure(db, failure)
        on_failure(failure)

    def to_parse():
        for item in items:
            if isinstance(item, Failure):
                fail(item)
                continue
            if item.id in pending:
                continue  # the same article twice in one run
            status = article_status(db, item, version)
            if status == "unchanged":
                report.unchanged += 1
                on_article(item, status)
                continue
            pending[item.id] = status
            yield item

    for extracted in extract_articles(to_parse(), workers=workers, accurate=accurate, cue_types=cue_types):
        article = extracted.article
        status = pending.pop(article.id)
        if extracted.error:
            fail(Failure(article.source_path or article.id, extracted.error))
            continue
        report.statements += save_article(db, extracted)
        setattr(report, status, getattr(report, status) + 1)
        on_article(article, status)
    return report
