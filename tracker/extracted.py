"""The extracted-output line format: an extracted article (fields, text, statements) as one JSON
line and back, so that extraction can run elsewhere (`tracker extract --cluster`) and one writer
stores the results (`tracker ingest DB --extracted`) without parsing again.

Contract (docs/cluster.md): an article line is
    {"id", "statements": [...], "article": {"title", "url", "publisher", "author", "published",
     "source_path", "text"}, "extractor_version"}
with `id` and `statements` as in `tracker extract` lines (each statement is Statement.to_json()
plus the rest of the Statement's fields), and a failure line is {"input", "error"} (+ "id" when the
article was read but could not be extracted).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .models import Article, ExtractedArticle, Failure, Statement

# Article fields carried in the "article" object (its id is the line's "id").
ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article) if f.name != "id")
PART_GLOB = "part-*.jsonl"


def statement_record(statement: Statement) -> dict:
    """The statement's `tracker extract` JSON, then every other field it has (sentence, ...)."""
    record = statement.to_json()
    for name, value in dataclasses.asdict(statement).items():
        record.setdefault(name, value)
    return record


def article_line(extracted: ExtractedArticle) -> dict:
    """The line for an extracted article; a Failure-shaped line when its extraction failed."""
    article = extracted.article
    if extracted.error:
        return failure_line(Failure(article.source_path or article.id, extracted.error), article.id)
    return {
        "id": article.id,
        "statements": [statement_record(s) for s in extracted.statements],
        "article": {name: getattr(article, name) for name in ARTICLE_FIELDS},
        "extractor_version": extracted.version,
    }


def failure_line(failure: Failure, article_id: Optional[str] = None) -> dict:
    line = {"input": failure.input, "error": failure.reason}
    if article_id:
        line["id"] = article_id
    return line


def from_line(record, where: str) -> Union[ExtractedArticle, Failure]:
    """An extracted article (or the failure a failure line records) from one parsed line.

    `where` ("file:LINE") names the line in the Failure a malformed line becomes.
    """
    if not isinstance(record, dict):
        return Failure(where, "not an extracted line: expected a JSON object")
    if "error" in record:
        return Failure(str(record.get("input") or record.get("id") or where), str(record["error"]))
    fields = record.get("article")
    statements = record.get("statements")
    if not isinstance(fields, dict) or not isinstance(fields.get("text"), str) or not record.get("id"):
        return Failure(where, "not an extracted line: no article id and text (write it with "
                              "`tracker extract --cluster ADDRESS -o DIR`)")
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        return Failure(where, "not an extracted line: 'statements' is not a list of objects")
    article = Article(id=str(record["id"]), **{k: fields.get(k) for k in ARTICLE_FIELDS})
    try:
        parsed = [Statement.from_json(s) for s in statements]
    except TypeError as e:  # a required field missing
        return Failure(where, f"not an extracted line: bad statement: {e}")
    version = record.get("extractor_version")
    return ExtractedArticle(article, parsed, None, **({"version": version} if version else {}))


def read_extracted(paths: Iterable[str]) -> Iterator[Union[ExtractedArticle, Failure]]:
    """Every extracted article (or failure) in the files and directories (their part-*.jsonl),
    streaming; a line that is not valid JSON or not an extracted line is a Failure "file:LINE"."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(p.glob(PART_GLOB))
            if not files:
                yield Failure(str(path), f"no {PART_GLOB} files in this directory")
            for f in files:
                yield from _read_file(str(f))
        elif p.exists():
            yield from _read_file(str(p))
        else:
            yield Failure(str(path), "no such file or directory")


def _read_file(path: str) -> Iterator[Union[ExtractedArticle, Failure]]:
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        yield Failure(path, f"could not read: {e.strerror or e}")
        return
    with f:
        lineno = 0
        try:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    yield Failure(where, f"invalid JSON: {e.msg} (column {e.colno})")
                    continue
                yield from_line(record, where)
        except UnicodeDecodeError:
            yield Failure(f"{path}:{lineno + 1}", "could not decode as utf-8")


def write_line(f, line: dict) -> None:
    """One line, as UTF-8 JSON (raises UnicodeEncodeError on text that is not valid Unicode)."""
    f.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))


def part_name(number: int) -> str:
    return f"part-{number:06d}.jsonl"


def is_temporary(name: str) -> bool:
    """A part being written (renamed into place when complete)."""
    return name.startswith(".part-") and name.endswith(".tmp")


def temporary_name(number: int) -> str:
    return f".{part_name(number)}.{os.getpid()}.tmp"
