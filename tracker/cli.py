"""The command line: thin click commands over the library."""

from __future__ import annotations

import importlib.util
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
                 help="Seconds to give each URL in all: connecting, redirects, the body "
                      "and any retries."),
    click.option("--allow-private-urls", "allow_private", is_flag=True,
                 help="Fetch URLs on private, loopback and link-local addresses (refused by "
                      "default, redirects included: set this only for URLs you trust)."),
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


def echo_note(note: str) -> None:
    click.echo(f"Note: {note}", err=True)


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
@click.option("--extracted", is_flag=True,
              help="PATH... are `tracker extract --cluster` output (part files or their "
                   "directory): store those articles and statements without parsing again.")
def ingest(db_path, paths, silent, workers, accurate, extracted, cue_types, **options):
    """Read articles, extract their statements and store them in the SQLite database DB.

    PATH can be a .txt, .html, .jsonl or .csv file, a directory (searched
    recursively), a glob, an http(s) URL, or - for standard input. Rerunning is
    safe: unchanged articles are skipped, changed ones replace their statements.
    Inputs that cannot be read are reported, recorded in the failures table,
    and make the exit status 1; the good inputs of the run are still ingested.
    An error that is not about one input (a missing dependency, a full disk)
    stops the run with exit status 2, after storing what was read before it.
    When DB has fact-checks (tracker import-claimreview), every statement is
    matched against them and the matches kept in statement_matches.

    \b
    Example:
        tracker ingest tracker.db seeds/
        tracker ingest tracker.db 'articles/**/*.html' dump.jsonl
        cat article.txt | tracker ingest tracker.db -
        tracker ingest tracker.db seeds/ --cue-types speech,evidence
        tracker ingest tracker.db --extracted parts/
    """
    from .ingest import IngestStopped, ingest_articles

    if extracted:
        check_extracted_options(paths)
    db = open_database(db_path, paths, options)
    items = read(paths, options) if not extracted else None
    unsized = (x for x in ())  # the number of articles is not known up front: a pulsing bar
    with click.progressbar(
        unsized, label="Ingesting", show_pos=True, show_percent=False, show_eta=False,
        item_show_func=lambda a: (a.title or os.path.basename(a.source_path or ""))[:40] if a else None,
        file=open(os.devnull, "w") if silent else sys.stderr,
    ) as bar:
        def advance(article, status):
            bar.update(1, article)

        try:
            if extracted:
                from .extracted import read_extracted
                from .ingest import ingest_extracted

                report = ingest_extracted(db, read_extracted(paths), on_failure=echo_failure,
                                          on_article=advance, on_note=echo_note)
            else:
                report = ingest_articles(db, items, workers=workers, on_failure=echo_failure,
                                         on_article=advance, accurate=accurate,
                                         on_note=echo_note, cue_types=cue_types)
        except IngestStopped as e:
            report, stopped = e.report, e
        else:
            stopped = None
    if not silent:
        click.echo(report.summary())
    if stopped is not None:
        raise RunStopped(str(stopped))
    if report.failed or not (report.new or report.changed or report.unchanged):
        sys.exit(1)


class RunStopped(click.ClickException):
    """An error that is not about one input: one line, exit status 2."""

    exit_code = 2


def open_existing(db_path: str, readonly: bool = False):
    """The database DB of a command that reads or adds to one already made: a path that is
    not a tracker database (or cannot be opened) is one line and exit status 2."""
    from .store import CannotOpen, open_db

    try:
        return open_db(db_path, readonly=readonly)
    except CannotOpen as e:
        raise RunStopped(str(e))


def open_database(db_path: str, paths, options: dict):
    """The database for `ingest`, after checking the arguments look the right way round: a
    missing PATH, or a DB that is an article, is an error before any file is created."""
    from .readers import KNOWN_SUFFIXES
    from .store import CannotOpen, open_db

    looks_like_article = os.path.splitext(db_path)[1].lower() in KNOWN_SUFFIXES
    hint = "the database comes first: tracker ingest DB PATH..."
    if not paths and not options.get("urls_file"):
        if looks_like_article:
            raise RunStopped(f"no PATH to ingest; {db_path} looks like an article: {hint}")
        raise RunStopped("no PATH to ingest: give a file, directory, glob, URL or - "
                         "(tracker ingest DB PATH...)")
    if looks_like_article and not os.path.exists(db_path):
        raise RunStopped(f"{db_path}: will not create a database with an article's name; {hint}")
    try:
        return open_db(db_path)
    except CannotOpen as e:
        raise RunStopped(f"{e}; {hint}" if looks_like_article else str(e))


@cli.command()
@click.argument("paths", metavar="PATH...", nargs=-1)
@reader_options
@click.option("-o", "--output", type=click.Path(allow_dash=True), default="-",
              help="Write the JSON lines to this file instead of standard output "
                   "(with --cluster: the directory for the part files).")
@accurate_option
@cue_types_option
@click.option("--cluster", "cluster_address", metavar="ADDRESS",
              help="Extract on a Dask cluster: a scheduler address (tcp://host:8786) or local:N "
                   "for N local worker processes. Writes DIR/part-*.jsonl (-o DIR), which "
                   "`tracker ingest DB --extracted DIR` stores. Needs claim-tracker[cluster].")
@click.option("--partition-size", metavar="SIZE",
              help="With --cluster: input bytes per task, e.g. 4MB (default: about eight tasks "
                   "per worker, between 16KB and 16MB, smaller towards the end so the workers "
                   "finish together).")
def extract(paths, workers, output, accurate, cue_types, cluster_address, partition_size,
            **options):
    """Print the statements of each article as JSON lines, without a database.

    One line per article: {"id": ..., "statements": [...]}, with claim and
    speaker offsets into the article text as read (for a JSONL batch, into each
    line's "text" exactly as given).

    \b
    Example:
        tracker extract seeds/un-guterres-china-xinjiang.txt
        tracker extract batch.jsonl -o statements.jsonl
        tracker extract article.txt --cue-types belief,intention
        tracker extract archive/ --cluster local:2 -o parts/
    """
    if cluster_address or partition_size:
        if cue_types is not None:
            raise click.UsageError("--cue-types does not work with --cluster yet: extract every "
                                   "type, then filter the part files' cue_type.")
        return extract_on_cluster(paths, workers, output, accurate, cluster_address,
                                  partition_size, options)
    from .pipeline import extract_articles

    output = click.open_file(output, "w", encoding="utf-8")
    failures = []

    def articles():
        for item in read(paths, options):
            if isinstance(item, Failure):
                echo_failure(item)
                failures.append(item)
            else:
                yield item

    try:
        for extracted in extract_articles(articles(), workers=workers, accurate=accurate,
                                          cue_types=cue_types):
            if extracted.error:
                failure = Failure(extracted.article.source_path or extracted.article.id,
                                  extracted.error)
                echo_failure(failure)
                failures.append(failure)
                continue
            line = {"id": extracted.article.id,
                    "statements": [s.to_json() for s in extracted.statements]}
            output.write(json.dumps(line, ensure_ascii=False) + "\n")
        output.flush()  # here, where a closed pipe is caught, not at exit
    except BrokenPipeError:
        stop_writing_to_closed_pipe()
    if failures:
        sys.exit(1)


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "claimreview"]),
              default="csv", show_default=True,
              help="Output format; claimreview writes every review as schema.org ClaimReview JSON-LD.")
@click.option("--table", default="statements", show_default=True,
              help="Table to export: statements, articles, speakers or failures.")
@click.option("--sql", help="Export the rows of this SQL query instead of a table.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"),
              default="-", help="Write to this file instead of standard output.")
def export(db_path, fmt, table, sql, output):
    """Export a table (or a query) of the database DB as CSV, JSON or JSON lines,
    or its reviews as schema.org ClaimReview JSON-LD (a list of objects).

    \b
    Example:
        tracker export tracker.db --format csv -o statements.csv
        tracker export tracker.db --format json --table speakers
        tracker export tracker.db --format jsonl --sql "select * from statements where kind = 'direct'"
        tracker export tracker.db --format claimreview -o claimreview.json
    """
    from .export import export_rows

    db = open_existing(db_path, readonly=True)
    if fmt == "claimreview":
        from .claimreview import write_json_list
        from .reviews import claim_reviews

        write_json_list(claim_reviews(db), output)
        return
    if sql is None and table not in db.table_names():
        raise click.ClickException(
            f"No table {table!r} in {db_path}; tables: {', '.join(db.table_names())}")
    query = sql or f"select * from [{table}] order by rowid"
    try:
        export_rows(db.execute(query), fmt, output)
        output.flush()  # here, where a closed pipe is caught, not at exit
    except BrokenPipeError:
        stop_writing_to_closed_pipe()
    except Exception as e:  # a user's SQL can fail in many ways; say which
        raise click.ClickException(f"Could not export: {e}")


def stop_writing_to_closed_pipe() -> None:
    """The reader of our output went away (`tracker export ... | head`): stop quietly, as
    other command-line tools do, instead of printing a broken-pipe error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # the final flush at exit must not fail again
    sys.exit(0)


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


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("--regroup", is_flag=True,
              help="Group every statement again from scratch (reviews follow their claims).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              help="How similar two claims must be to be grouped, 0 to 1 (default: the "
                   "database's, 0.7 until a --regroup sets another; later ingests use it too). "
                   "Higher keeps more claims apart.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="List this many of the claims seen in the most articles.")
@click.option("--silent", is_flag=True, help="No progress bar and no list.")
def claims(db_path, regroup, threshold, top, silent):
    """Group the statements of DB that make the same claim, and list the most repeated.

    Ingest groups each new article's statements as it goes; this command
    groups statements that have no claim yet (say, ingested by an older
    version), and --regroup starts over, e.g. with another --threshold.

    \b
    Example:
        tracker claims tracker.db
        tracker claims tracker.db --regroup --threshold 0.8
    """
    from .claimstore import group_ungrouped, regroup as regroup_all

    if threshold is not None and not regroup:
        raise click.UsageError("--threshold needs --regroup (the whole database is grouped "
                               "at one threshold).")
    db = open_existing(db_path)
    unsized = (x for x in ())  # which articles need grouping is known only inside: a pulsing bar
    with click.progressbar(unsized, label="Grouping articles", show_pos=True,
                           show_percent=False, show_eta=False,
                           file=open(os.devnull, "w") if silent else sys.stderr) as bar:
        run = regroup_all if regroup else group_ungrouped
        run(db, threshold, progress=bar.update)
    if silent:
        return
    claims_n, repeated = db.execute(
        "select count(*), coalesce(sum(article_count > 1), 0) from claims").fetchone()
    click.echo(f"Claims: {claims_n} ({repeated} in more than one article).")
    for row in db.execute(
            "select id, article_count, statement_count, text from claims where article_count > 1"
            " order by article_count desc, statement_count desc, id limit ?", [top]):
        claim_id, articles, statements, text = row
        click.echo(f"{claim_id}  {articles} articles, {statements} statements  {_cut(text, 70)}")


def _cut(text, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _number_option(name: str, value):
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise click.ClickException(f"{name} must be a number, not {value!r}")


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.argument("target_id", metavar="CLAIM_OR_STATEMENT_ID")
@click.option("--rating", help="The verdict as a short text: False, Misleading, Mostly true... (required)")
@click.option("--url", help="Where the review is published (required).")
@click.option("--rating-value", help="The verdict on a numeric scale, e.g. 1.")
@click.option("--best", help="The best value of that scale, e.g. 5.")
@click.option("--worst", help="The worst value of that scale, e.g. 1.")
@click.option("--reviewer", help="The organization that reviewed it.")
@click.option("--author", help="The person who wrote the review.")
@click.option("--date", help="When the review was published (YYYY-MM-DD).")
@click.option("--explanation", help="Why: a sentence or two.")
def review(db_path, target_id, rating, url, rating_value, best, worst, reviewer, author, date,
           explanation):
    """Record a verdict on a claim, or on one statement, of DB.

    CLAIM_OR_STATEMENT_ID is an id from the claims or the statements table.
    Recording the same url on the same claim or statement again updates it.

    \b
    Example:
        tracker review tracker.db 3f2a9c0d1e4b5a6c --rating False \\
            --url https://factcheck.example/bridge-cost --reviewer "Example Checks" \\
            --rating-value 1 --best 5 --worst 1 --date 2024-03-05
    """
    from .reviews import Review, ReviewError, save_review

    verdict = Review(
        rating=rating, url=url, rating_value=_number_option("--rating-value", rating_value),
        best_rating=_number_option("--best", best), worst_rating=_number_option("--worst", worst),
        reviewer=reviewer, author=author, date_published=date, explanation=explanation)
    db = open_existing(db_path)
    try:
        row = save_review(db, target_id, verdict)
    except ReviewError as e:
        raise click.ClickException(str(e))
    on = f"statement {row['statement_id']} of claim" if row["statement_id"] else "claim"
    click.echo(f"Review {row['id']} recorded on {on} {row['claim_id']}: {row['rating']}")


REVIEW_TABLE = [("date_published", "date", 10), ("rating", "rating", 14),
                ("reviewer", "reviewer", 18), ("origin", "origin", 8),
                ("claim_id", "claim", 16), ("claim_text", "claimed", 40), ("url", "url", 0)]


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("--claim", "claim_id", help="Only the reviews of this claim.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of standard output.")
def reviews(db_path, claim_id, fmt, output):
    """List the reviews recorded in DB, newest first.

    \b
    Example:
        tracker reviews tracker.db
        tracker reviews tracker.db --claim 3f2a9c0d1e4b5a6c --format json
    """
    from .export import export_rows
    from .reviews import reviews_cursor

    db = open_existing(db_path, readonly=True)
    if claim_id and not db.execute("select 1 from claims where id = ?", [claim_id]).fetchone():
        raise click.ClickException(f"no claim with id {claim_id!r}")
    cursor = reviews_cursor(db, claim_id)
    if fmt != "table":
        export_rows(cursor, fmt, output)
        return
    columns = [d[0] for d in cursor.description]
    click.echo("  ".join(f"{title:<{width}}" if width else title
                         for _, title, width in REVIEW_TABLE), file=output)
    for values in cursor:
        row = dict(zip(columns, values))
        click.echo("  ".join(
            f"{_cut(str(row[c] if row[c] is not None else ''), width):<{width}}" if width
            else str(row[c] or "") for c, _, width in REVIEW_TABLE), file=output)


@cli.command("import-claimreview")
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option("--silent", is_flag=True, help="No summary line.")
@click.option("--allow-private-urls", "allow_private", is_flag=True,
              help="Fetch URLs on private, loopback and link-local addresses (refused by default).")
def import_claimreview(db_path, sources, silent, allow_private):
    """Import published fact-checks (schema.org ClaimReview) into DB.

    SOURCE is a file or an http(s) URL: JSON-LD (one object, a list, @graph),
    JSON lines, a Google Fact Check Tools API response, the DataCommons
    ClaimReview feed, or a fact-check page with its ClaimReview embedded
    (JSON-LD, microdata or RDFa). Every fact-check is kept in the fact_checks
    table; importing again updates it by its url. Where one names an ingested
    article's url and claim, the verdict is added to that claim's reviews.
    A broken object is reported with its position and the rest imports
    (exit status 1). The statements that new or changed fact-checks may cover
    are then matched again (statement_matches).

    \b
    Example:
        tracker import-claimreview tracker.db claimreview.jsonl
        tracker import-claimreview tracker.db https://factcheck.example/bridge-cost
    """
    from .extract import EncoderMissing
    from .factchecks import import_fact_checks
    from .match import MatchModelMissing
    from .match_store import NoFactChecks, StatementMatcher
    db = open_existing(db_path)

    def report_error(where, reason):
        click.echo(f"Error: {where}: {reason}", err=True)

    report = import_fact_checks(db, sources, on_error=report_error, allow_private=allow_private)
    if not silent:
        click.echo(report.summary())
    try:
        fact_checks, statements = StatementMatcher(db, on_embed=lambda n: None if silent else echo_note(
            f"embedding {n} fact-checks for matching (once; a few minutes for 20,000)")).match_fact_checks()
    except NoFactChecks:
        fact_checks = statements = 0
    except (EncoderMissing, MatchModelMissing) as e:
        echo_note(f"statements not matched to the fact-checks: {e}")
        fact_checks = statements = 0
    if statements and not silent:
        click.echo(f"Statements matched again: {statements} (those the {fact_checks} new or "
                   f"changed fact-checks may cover).")
    if report.broken or report.failed_sources:
        sys.exit(1)


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.argument("text", required=False)
@click.option("--queries", "queries_file", type=click.Path(exists=True, dir_okay=False),
              help='Match every line of this JSONL file: {"id", "text"} and an optional "date".')
@click.option("--date", help="The date TEXT was said or published (YYYY-MM-DD): the ranker reads it.")
@click.option("--top", "top_k", type=click.IntRange(min=1), default=5, show_default=True,
              help="Fact-checks to list per text.")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON line per text: {"id", "matches": [{"url", "score", "rating", "claim_reviewed"}]}.')
def match(db_path, text, queries_file, date, top_k, as_json):
    """List the fact-checks in DB most likely to cover a claim, best first.

    Matches TEXT (or each line of --queries) against the fact-checks imported
    into DB, and prints each one's score (the probability that it covers the
    claim), rating, reviewer, the claim it reviewed and its url. A score at or
    above the model's threshold is a match worth reading. The first run embeds
    the fact-checks (a few minutes for 20,000) and keeps their vectors in DB.

    \b
    Example:
        tracker match tracker.db "We cut taxes for 95 percent of working families"
        tracker match tracker.db "Crime has doubled since 2015" --date 2019-03-01 --top 3
        tracker match tracker.db --queries sentences.jsonl --json > matches.jsonl
    """
    from .dates import normalize_date
    from .extract import EncoderMissing
    from .match import MatchModelMissing, Query
    from .match_store import NoFactChecks, fact_check_index

    if (text is None) == (queries_file is None):
        raise click.UsageError("give a TEXT or --queries FILE (one of them)")
    if text is not None:
        if date is not None and normalize_date(date) is None:
            raise click.BadParameter(f"{date!r} is not a date", param_hint="--date")
        ids, queries = [None], [Query(text, normalize_date(date))]
    else:
        ids, queries = _read_queries(queries_file)
    try:
        index = fact_check_index(open_existing(db_path))
        results = index.match(queries, top_k=top_k)
    except (NoFactChecks, MatchModelMissing, EncoderMissing) as e:
        raise click.ClickException(f"{db_path}: {e}")
    threshold = index.model.threshold
    for qid, query, matches in zip(ids, queries, results):
        if as_json:
            click.echo(json.dumps({"id": qid, "matches": [
                {"url": m.url, "score": round(m.score, 4), "rating": m.fact_check.rating,
                 "claim_reviewed": m.fact_check.claim_reviewed} for m in matches]}))
            continue
        if qid is not None:
            click.echo(f"{qid}: {query.text}")
        for m in matches:
            fc = m.fact_check
            mark = "*" if m.score >= threshold else " "
            click.echo(f"{mark}{m.score:.3f}  {fc.rating or '?'} ({fc.reviewer or '?'})  {fc.claim_reviewed}  {fc.url}")
    if not as_json:
        click.echo(f"(* : score at or above the threshold {threshold:.3f})", err=True)


def _read_queries(path) -> tuple[list, list]:
    """(ids, Queries) of a JSONL file of {"id", "text", "date"?}; a bad line stops with FILE:LINE."""
    from .dates import normalize_date
    from .match import Query

    ids, queries = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise click.ClickException(f"{path}:{n}: not JSON ({e})")
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or "id" not in row:
                raise click.ClickException(f'{path}:{n}: needs an "id" and a "text"')
            date = row.get("date")
            if date is not None and normalize_date(date) is None:
                raise click.ClickException(f"{path}:{n}: {date!r} is not a date")
            ids.append(row["id"])
            queries.append(Query(row["text"], normalize_date(date)))
    return ids, queries


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 serves other machines too).")
@click.option("-o", "--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("-m", "--metadata", type=click.Path(exists=True, dir_okay=False),
              help="A Datasette metadata file (YAML or JSON), e.g. to name the reviewers.")
@click.option("--root", is_flag=True,
              help="Print a URL that signs you in as root, who may record verdicts.")
def serve(db_path, port, host, open_browser, metadata, root):
    """Browse DB in Datasette, with the tracker's facets, searches and canned queries.

    Uses settings that keep pages fast on a million statements (no facet suggestions) and
    lets a CSV export stream every row. Stop it with Ctrl-C. Signed-in reviewers (root, or
    those a metadata file names) record verdicts on claim and statement pages.

    \b
    Example:
        tracker serve tracker.db --open
        tracker serve news.db --port 8080 --host 0.0.0.0
        tracker serve tracker.db --root -m metadata.yml
    """
    from .datasette_plugin.serve import serve as serve_datasette

    serve_datasette(db_path, port, host, open_browser, metadata=metadata, root=root)


def check_extracted_options(paths) -> None:
    """`tracker ingest --extracted`: the lines already say everything reading and parsing would."""
    if not paths:
        raise click.UsageError("--extracted: give the part files or their directory.")
    ctx = click.get_current_context()
    given = [p.opts[0] for p in ctx.command.params if p.name not in ("extracted", "silent")
             and ctx.get_parameter_source(p.name) == click.core.ParameterSource.COMMANDLINE
             and isinstance(p, click.Option)]
    if given:
        raise click.UsageError(f"--extracted: {', '.join(given)} apply to reading and parsing, "
                               "which extraction already did.")


def extract_on_cluster(paths, workers, output, accurate, address, partition_size, options) -> None:
    """`tracker extract --cluster ADDRESS -o DIR`: the work of tracker.cluster, errors as one line."""
    if not address:
        raise click.UsageError("--partition-size needs --cluster.")
    if output == "-":
        raise click.UsageError("--cluster needs -o DIR, the directory for the part files.")
    if workers:
        raise click.UsageError("--workers: with --cluster the cluster's workers do the work "
                               "(local:N starts N).")
    if not paths and not options.get("urls_file"):
        raise click.UsageError("Give at least one PATH (a file, directory, glob or URL).")
    size = None
    if partition_size:
        from .partitions import parse_size

        try:
            size = parse_size(partition_size)
        except ValueError as e:
            raise click.UsageError(f"--partition-size: {e}")
    if address.strip().startswith("local:") and importlib.util.find_spec("distributed"):
        from . import forkserver

        forkserver.start()  # spaCy loads in it while Dask is imported and the scheduler starts
    try:
        from .cluster import ClusterError, connect, extract_on_cluster as run
    except ImportError as e:
        raise click.ClickException(
            f"--cluster needs Dask ({e.name} is not installed): pip install 'claim-tracker[cluster]'")
    failed = []

    def fail(message):
        failed.append(message)
        click.echo(f"Error: {message}", err=True)

    done = {"articles": 0}
    unsized = (x for x in ())  # the number of partitions is known only as planning goes on
    try:
        with connect(address) as client, click.progressbar(
            unsized, label="Extracting (partitions)", show_pos=True, show_percent=False,
            show_eta=False, file=sys.stderr,
            item_show_func=lambda n: f"{n} articles" if n is not None else None,
        ) as bar:
            def advance(part):
                done["articles"] += part.articles
                bar.update(1, done["articles"])

            report = run(client, list(paths), output, options, partition_size=size,
                         accurate=accurate, on_failure=fail, on_part=advance)
    except (ClusterError, ValueError) as e:
        raise click.ClickException(str(e))
    click.echo(report.summary(output), err=True)
    if failed:
        sys.exit(1)
