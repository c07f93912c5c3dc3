"""The command line: thin click commands over the library."""

from __future__ import annotations

import json
import os
import sys

from typing import Iterator

import click

from . import __version__
from .models import Article, Failure

READER_OPTIONS = [
    click.option("--text-field", help="Batch column/key holding the article text "
                 "(default: text, content or body)."),
    click.option("--title-field", help="Batch column/key holding the title (default: title)."),
    click.option("--id-field", help="Batch column/key holding the article id (default: id)."),
    click.option("--url-field", help="Batch column/key holding the URL (default: url)."),
    click.option("--publisher-field", help="Batch column/key holding the publisher."),
    click.option("--author-field", help="Batch column/key holding the author."),
    click.option("--published-field", help="Batch column/key holding the publication date."),
    click.option("--dayfirst", is_flag=True,
                 help="Read ambiguous dates such as 05/02/2022 as day/month/year."),
    click.option("--urls", "urls_file", type=click.Path(exists=True, dir_okay=False),
                 help="A file of URLs to fetch, one per line (# starts a comment)."),
    click.option("--timeout", type=float, default=20.0, show_default=True,
                 help="Seconds to wait for each URL."),
    click.option("--workers", type=click.IntRange(min=1), default=None,
                 help="Parser processes to run (default: the number of CPUs)."),
]


def accurate_option(fn):
    """--accurate: the slower, more accurate extraction (checked before any input is read)."""
    def check(ctx, param, value):
        if value:
            from .extract import EncoderMissing, accurate_model

            try:
                accurate_model()
            except EncoderMissing as e:
                raise click.UsageError(f"--accurate: {e}")
        return value

    return click.option(
        "--accurate", is_flag=True, callback=check,
        help="Slower, more accurate extraction: a MiniLM encoder reads every article "
             "(about a quarter of the default speed; install it as the README says).")(fn)


def cue_types_option(fn):
    """--cue-types: keep only the statements of these cue types (validated before any input is read)."""
    def check(ctx, param, value):
        if value is None:
            return None
        from .extract.cue_types import parse_cue_types

        try:
            return parse_cue_types(value)
        except ValueError as e:
            raise click.BadParameter(str(e))

    return click.option(
        "--cue-types", metavar="TYPES", callback=check,
        help="Keep only statements whose cue is of these types, comma-separated: speech (said, told, "
             "according to), belief (thinks, expects), intention (wants, plans) or evidence (a poll "
             "shows). Default: all four.")(fn)


def reader_options(fn):
    for option in reversed(READER_OPTIONS):
        fn = option(fn)
    return fn


def read(paths, options: dict) -> Iterator[Article | Failure]:
    """Articles and failures from the command's inputs and reader options."""
    from .readers import read_inputs

    if not paths and not options.get("urls_file"):
        raise click.UsageError("Give at least one PATH (a file, directory, glob, URL or -).")
    return read_inputs(list(paths), **options)


def echo_failure(failure: Failure) -> None:
    click.echo(f"Error: {failure}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
def cli():
    """Track who said what in the news: extract attributed claims and quotes from
    articles into SQLite, then browse them with Datasette.

    \b
    Example:
        tracker ingest tracker.db seeds/
        datasette tracker.db -m metadata.yml
    """


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.argument("paths", metavar="PATH...", nargs=-1)
@reader_options
@accurate_option
@cue_types_option
@click.option("--silent", is_flag=True, help="No progress bar.")
def ingest(db_path, paths, silent, workers, accurate, cue_types, **options):
    """Read articles, extract their statements and store them in the SQLite database DB.

    PATH can be a .txt, .html, .jsonl or .csv file, a directory (searched
    recursively), a glob, an http(s) URL, or - for standard input. Rerunning is
    safe: unchanged articles are skipped, changed ones replace their statements.
    Inputs that cannot be read are reported, recorded in the failures table,
    and make the exit status 1; the good inputs of the run are still ingested.

    \b
    Example:
        tracker ingest tracker.db seeds/
        tracker ingest tracker.db 'articles/**/*.html' dump.jsonl
        cat article.txt | tracker ingest tracker.db -
        tracker ingest tracker.db seeds/ --cue-types speech,evidence
    """
    from .ingest import ingest_articles
    from .store import open_db

    db = open_db(db_path)
    items = read(paths, options)
    unsized = (x for x in ())  # the number of articles is not known up front: a pulsing bar
    with click.progressbar(
        unsized, label="Ingesting", show_pos=True, show_percent=False, show_eta=False,
        item_show_func=lambda a: (a.title or os.path.basename(a.source_path or ""))[:40] if a else None,
        file=open(os.devnull, "w") if silent else None,
    ) as bar:
        def advance(article, status):
            bar.update(1, article)

        report = ingest_articles(db, items, workers=workers, on_failure=echo_failure,
                                 on_article=advance, accurate=accurate, cue_types=cue_types)
    if not silent:
        click.echo(report.summary())
    if report.failed or not (report.new or report.changed or report.unchanged):
        sys.exit(1)


@cli.command()
@click.argument("paths", metavar="PATH...", nargs=-1)
@reader_options
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write the JSON lines to this file instead of standard output.")
@accurate_option
@cue_types_option
def extract(paths, workers, output, accurate, cue_types, **options):
    """Print the statements of each article as JSON lines, without a database.

    One line per article: {"id": ..., "statements": [...]}, with claim and
    speaker offsets into the article text as read (for a JSONL batch, into each
    line's "text" exactly as given).

    \b
    Example:
        tracker extract seeds/un-guterres-china-xinjiang.txt
        tracker extract batch.jsonl -o statements.jsonl
        tracker extract article.txt --cue-types belief,intention
    """
    from .pipeline import extract_articles

    failures = []

    def articles():
        for item in read(paths, options):
            if isinstance(item, Failure):
                echo_failure(item)
                failures.append(item)
            else:
                yield item

    for extracted in extract_articles(articles(), workers=workers, accurate=accurate, cue_types=cue_types):
        if extracted.error:
            failure = Failure(extracted.article.source_path or extracted.article.id,
                              extracted.error)
            echo_failure(failure)
            failures.append(failure)
            continue
        line = {"id": extracted.article.id,
                "statements": [s.to_json() for s in extracted.statements]}
        output.write(json.dumps(line, ensure_ascii=False) + "\n")
    if failures:
        sys.exit(1)


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl"]), default="csv",
              show_default=True, help="Output format.")
@click.option("--table", default="statements", show_default=True,
              help="Table to export: statements, articles, speakers or failures.")
@click.option("--sql", help="Export the rows of this SQL query instead of a table.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"),
              default="-", help="Write to this file instead of standard output.")
def export(db_path, fmt, table, sql, output):
    """Export a table (or a query) of the database DB as CSV, JSON or JSON lines.

    \b
    Example:
        tracker export tracker.db --format csv -o statements.csv
        tracker export tracker.db --format json --table speakers
        tracker export tracker.db --format jsonl --sql "select * from statements where kind = 'direct'"
    """
    from .export import export_rows
    from .store import open_db

    db = open_db(db_path)
    if sql is None and table not in db.table_names():
        raise click.ClickException(
            f"No table {table!r} in {db_path}; tables: {', '.join(db.table_names())}")
    query = sql or f"select * from [{table}] order by rowid"
    try:
        export_rows(db.execute(query), fmt, output)
    except Exception as e:  # a user's SQL can fail in many ways; say which
        raise click.ClickException(f"Could not export: {e}")


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--pred", type=click.Path(exists=True, dir_okay=False),
              help="Score this prediction file (JSON lines as `tracker extract` writes) "
                   "instead of running the extractor on the gold articles.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parser processes to run (default: the number of CPUs).")
@accurate_option
def evaluate(gold, pred, as_json, workers, accurate):
    """Score extraction against GOLD, a JSONL file of annotated articles.

    GOLD lines are {"id", "text", "statements": [{speaker, speaker_start,
    speaker_end, cue, content, content_start, content_end, kind}]}. Prints
    precision, recall and F1 for exact, partial (Jaccard >= 0.5) and
    end-to-end (claim and speaker) matches, speaker accuracy and recall by kind.

    \b
    Example:
        tracker evaluate my-annotations.jsonl
        tracker extract my-annotations.jsonl -o pred.jsonl
        tracker evaluate my-annotations.jsonl --pred pred.jsonl --json
    """
    from .evaluate import evaluate as run_evaluation
    from .evaluate import format_report

    try:
        result = run_evaluation(gold, pred, workers=workers, accurate=accurate)
    except (ValueError, KeyError) as e:
        raise click.ClickException(f"Could not score {gold}: {e}")
    click.echo(json.dumps(result) if as_json else format_report(result))
