"""Extraction on a Dask cluster: the driver plans partitions and submits them; each worker reads
its partition itself, extracts with spaCy and the models it loaded once, and writes one
DIR/part-NNNNNN.jsonl (tracker.extracted's line format). `tracker ingest DB --extracted DIR`
then stores the parts with one writer.

The part files are written to a temporary name and renamed into place when complete, so a
partition the engine retries (its worker died, or it raised) never leaves half a file, and a part
is never written twice. Needs the `cluster` extra (dask, distributed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Union

import dask
from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from . import forkserver
from .extracted import (PART_GLOB, article_line, failure_line, is_temporary, part_name,
                        temporary_name, write_line)
from .models import ExtractedArticle, Failure, extractor_version
from .partitions import Partition, auto_size, count_line_starts, plan, read_partition, total_size
from .readers import DEFAULT_TIMEOUT, Fields

RETRIES = 3  # a partition that raises is run again up to this many times (a dead worker's too)
FAILURES_PART = "part-failures.jsonl"  # inputs the driver found missing while planning

class ClusterError(RuntimeError):
    """The cluster could not be reached or used; str() is a one-line reason."""


@contextlib.contextmanager
def connect(address: str, wait: float = 60) -> Iterator[Client]:
    """A client of the cluster at `address`: "local:N" starts N local worker processes (one
    thread each) and stops them afterwards; anything else is a Dask scheduler address
    ("tcp://host:8786"). Waits up to `wait` seconds for a first worker."""
    m = re.fullmatch(r"local:(\d+)", address.strip())
    if m and int(m.group(1)) < 1:
        raise ClusterError(f"{address}: a local cluster needs at least one worker")
    cluster = None
    try:
        if m:
            # forkserver: a worker is forked with spaCy loaded (tracker.forkserver), where spawn
            # re-imports and reloads everything; no dashboard, so no profiler sampling the
            # parser's stack every 10 ms either. Dask's own log is silenced: failures are
            # reported as lines, and its shutdown races ("failed to communicate with scheduler
            # during heartbeat") are noise
            method = "forkserver" if forkserver.start() else "spawn"
            with dask.config.set({"distributed.worker.multiprocessing-method": method,
                                  "distributed.worker.profile.enabled": False,
                                  "distributed.nanny.pre-spawn-environ": forkserver.ENVIRON}):
                cluster = LocalCluster(n_workers=int(m.group(1)), threads_per_worker=1,
                                       processes=True, host="127.0.0.1", dashboard_address=None,
                                       silence_logs=logging.CRITICAL)
            client = Client(cluster)
        else:
            client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError, RuntimeError) as e:
        raise ClusterError(f"could not start or reach the Dask cluster at {address}: {_one_line(e)}") from None
    try:
        try:
            client.wait_for_workers(1, timeout=wait)
        except TimeoutError:
            raise ClusterError(f"no worker joined the scheduler at {address} within {wait:.0f} s") from None
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class LoadModels(WorkerPlugin):
    """Loads spaCy (and the accurate mode's model) once when a worker starts, not once per task:
    later calls of tracker.nlp.load_nlp / accurate_model in that process are cached."""

    name = "tracker-load-models"

    def __init__(self, accurate: bool = False):
        self.accurate = accurate

    def setup(self, worker):
        from .nlp import load_nlp

        load_nlp()
        if self.accurate:
            from .extract import accurate_model

            accurate_model()


@dataclass
class PartResult:
    """What one partition's task returns to the driver: counts and failures, never articles."""

    number: int
    articles: int = 0
    statements: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class ClusterReport:
    partitions: int = 0
    articles: int = 0
    statements: int = 0
    failed: int = 0

    def summary(self, out_dir: str) -> str:
        return (f"Extracted {self.articles} articles ({self.statements} statements) in "
                f"{self.partitions} partitions into {out_dir}; {self.failed} failed.")


def reader_fields(options: dict) -> Fields:
    """The batch fields the CLI's --*-field options name (as readers.read_inputs reads them)."""
    return Fields.with_overrides(**{name: options.get(f"{name}_field") for name in (
        "text", "title", "id", "url", "publisher", "author", "published")})


def extract_partition(p: Partition, out_dir: str, options: dict, accurate: bool) -> PartResult:
    """Run on a worker: read, extract and write partition p as out_dir/part-NNNNNN.jsonl."""
    tmp = os.path.join(out_dir, temporary_name(p.number))
    try:
        try:
            result = _write_part(p, tmp, options, accurate, one_by_one=False)
        except Exception:
            # The parser itself failed on the batch: redo it one article at a time, so that only
            # the article it fails on becomes a failure line.
            result = _write_part(p, tmp, options, accurate, one_by_one=True)
        os.replace(tmp, os.path.join(out_dir, part_name(p.number)))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return result


def _write_part(p: Partition, tmp: str, options: dict, accurate: bool, one_by_one: bool) -> PartResult:
    from .pipeline import extract_articles

    result = PartResult(p.number)
    fields = reader_fields(options)
    with open(tmp, "wb") as f:
        def fail(failure: Failure, article_id: Optional[str] = None) -> None:
            write_line(f, failure_line(failure, article_id))
            result.failures.append(str(failure))

        def articles():
            for item in read_partition(p, fields, dayfirst=options.get("dayfirst", False),
                                       timeout=options.get("timeout") or DEFAULT_TIMEOUT):
                if isinstance(item, Failure):
                    fail(item)
                else:
                    yield item

        extract = _one_at_a_time if one_by_one else extract_articles
        for extracted in extract(articles(), workers=1, accurate=accurate):
            article = extracted.article
            if extracted.error:
                fail(Failure(article.source_path or article.id, extracted.error), article.id)
                continue
            try:
                write_line(f, article_line(extracted))
            except UnicodeEncodeError:
                fail(Failure(article.source_path or article.id,
                             "text is not valid Unicode (it holds a lone surrogate)"), article.id)
                continue
            result.articles += 1
            result.statements += len(extracted.statements)
    return result


def _one_at_a_time(articles: Iterable, workers: int, accurate: bool) -> Iterator[ExtractedArticle]:
    from .pipeline import extract_articles

    for article in articles:
        try:
            yield from list(extract_articles([article], workers=1, accurate=accurate))
        except Exception as e:  # this article breaks the parser: it fails, the partition goes on
            yield ExtractedArticle(article, [], f"extraction failed: {type(e).__name__}: {_one_line(e)}",
                                   extractor_version(accurate))


def _with_first_lines(client: Client, items: Iterable[Union[Partition, Failure]]
                      ) -> Iterator[Union[Partition, Failure]]:
    """The partitions, with the first line number of each JSONL byte range counted on the
    workers (the driver never reads the file): the ranges of one file arrive together."""
    ranges: list[Partition] = []

    def flush():
        counts = client.gather(client.map(
            count_line_starts, [r.path for r in ranges], [r.start for r in ranges],
            [r.end for r in ranges], pure=False, retries=RETRIES))
        line = 1
        for r, n in zip(ranges, counts):
            yield dataclasses.replace(r, first_line=line)
            line += n
        ranges.clear()

    for item in items:
        if isinstance(item, Partition) and item.path is not None:
            if ranges and ranges[-1].path != item.path:
                yield from flush()
            ranges.append(item)
            continue
        if ranges:
            yield from flush()
        yield item
    if ranges:
        yield from flush()


def prepare_output(out_dir: str) -> str:
    """The output directory, absolute, created if needed; refused if it already holds parts."""
    out_dir = os.path.abspath(out_dir)
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise ClusterError(f"{out_dir}: not a directory (-o names the directory for the parts)")
    os.makedirs(out_dir, exist_ok=True)
    if glob.glob(os.path.join(out_dir, PART_GLOB)):
        raise ClusterError(f"{out_dir} already holds {PART_GLOB} files: remove them or choose "
                           "another directory")
    return out_dir


def extract_on_cluster(
    client: Client,
    inputs: list[str],
    out_dir: str,
    options: dict,
    partition_size: Optional[int] = None,
    accurate: bool = False,
    on_failure: Callable[[str], None] = lambda message: None,
    on_part: Callable[[PartResult], None] = lambda result: None,
) -> ClusterReport:
    """Extract every article of the inputs on the cluster into out_dir/part-*.jsonl.

    options: the reader options of `tracker extract` (*_field, urls_file, timeout, dayfirst).
    partition_size: bytes per partition; None: guided sizes (partitions.plan), from about an eighth
    of each worker thread's share down to small ones at the end.
    Streams: at most four partitions per worker thread are in flight, and the driver keeps
    counts, not results, so its memory does not grow with the input.
    """
    out_dir = prepare_output(out_dir)
    urls_file = options.get("urls_file")
    threads = max(1, sum(client.nthreads().values()))
    if partition_size:
        planned = plan(inputs, partition_size, urls_file)
    else:
        total = total_size(inputs, urls_file)
        planned = plan(inputs, auto_size(total, threads), urls_file, total=total, threads=threads)
    client.register_plugin(LoadModels(accurate))
    report = ClusterReport()
    pending = as_completed()
    in_flight: dict[str, Partition] = {}
    failures_file = None

    def collect(future) -> None:
        p = in_flight.pop(future.key)
        if future.status == "error":  # still failing after the engine's retries
            report.failed += 1
            on_failure(f"partition {p.number} ({_describe(p)}): {_one_line(future.exception())}")
        else:
            result: PartResult = future.result()
            report.articles += result.articles
            report.statements += result.statements
            report.failed += len(result.failures)
            for message in result.failures:
                on_failure(message)
            on_part(result)
        future.release()

    run = uuid.uuid4().hex[:12]  # task keys unique to this run on a shared scheduler
    try:
        for item in _with_first_lines(client, planned):
            if isinstance(item, Failure):
                failures_file = failures_file or open(os.path.join(out_dir, FAILURES_PART), "wb")
                write_line(failures_file, failure_line(item))
                report.failed += 1
                on_failure(str(item))
                continue
            future = client.submit(extract_partition, item, out_dir, options, accurate,
                                   key=f"tracker-part-{run}-{item.number}", pure=False,
                                   retries=RETRIES)
            in_flight[future.key] = item
            pending.add(future)
            report.partitions += 1
            while pending.count() >= 4 * threads:
                collect(next(pending))
        for future in pending:
            collect(future)
    finally:
        if failures_file is not None:
            failures_file.close()
        for name in os.listdir(out_dir):
            if is_temporary(name):  # left by a worker that died mid-write
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(out_dir, name))
    return report


def _describe(p: Partition) -> str:
    if p.path is not None:
        return f"{p.path} bytes {p.start}-{p.end}"
    names = [path for path, _ in p.files] + list(p.urls)
    return names[0] + (f" and {len(names) - 1} more" if len(names) > 1 else "")


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:300] or type(e).__name__
