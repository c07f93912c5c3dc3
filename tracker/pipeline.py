"""Articles in, extracted articles out: parsing with spaCy and extraction, in one or more processes.

Streaming throughout: articles are pulled from the input as the parser needs them and yielded in
input order as soon as they are done, so memory does not grow with the corpus. A long text is
parsed in paragraph-aligned chunks (tracker.extract.CHUNK_CHARS) whose offsets are shifted back.
With workers > 1, each worker process loads the pipeline once, parses and extracts whole batches
of articles, and sends back only their statements.
"""

from __future__ import annotations

import collections
import concurrent.futures
import concurrent.futures.process
import multiprocessing
import os
from typing import Iterable, Iterator, Optional

from . import extract as _extract
from .extract import extract_parsed
from .extract.clean import chunk_spans, parse_text
from .extract.cue_types import keep_cue_types
from .models import Article, ExtractedArticle, Statement, extractor_version
from .nlp import load_nlp, pipe


def extract_articles(
    articles: Iterable[Article], workers: Optional[int] = 1, batch_size: int = 16, accurate: bool = False,
    cue_types: Optional[Iterable[str]] = None,
) -> Iterator[ExtractedArticle]:
    """Parse and extract each article, yielding results in input order, streaming.

    workers=None uses every CPU; workers > 1 runs that many processes. `accurate` uses the
    accurate mode's model (tracker.extract.accurate_model). `cue_types` keeps only the
    statements of those cue types (tracker.models.CUE_TYPES), and says so in their version.
    """
    if workers is None:
        workers = os.cpu_count() or 1
    if workers > 1:
        done = _extract_parallel(articles, workers, batch_size, accurate)
    else:
        done = _extract_serial(articles, batch_size, accurate)
    if cue_types is None:
        yield from done
        return
    cue_types = tuple(cue_types)
    for extracted in done:
        extracted.statements = keep_cue_types(extracted.statements, cue_types)
        extracted.version = extractor_version(accurate, cue_types)
        yield extracted


def extract_texts(
    texts: Iterable[str], batch_size: int = 16, nlp=None, accurate: bool = False
) -> Iterator[tuple[list[Statement], Optional[str]]]:
    """(statements, error) for each text, in order: the serial engine without Article wrappers.

    An exception while extracting one text becomes its error message; the others go on.
    """
    nlp = nlp or load_nlp()
    model = _extract.accurate_model() if accurate else None
    pending: collections.deque = collections.deque()  # (text, chunk count), in input order

    def chunks():
        for text in texts:
            spans = chunk_spans(text, _extract.CHUNK_CHARS) if text and text.strip() else []
            pending.append((text, len(spans)))
            for s, e in spans:
                yield parse_text(text[s:e]), s

    docs = iter(pipe(nlp, chunks(), batch_size))  # batches bounded in characters: memory stays flat
    lookahead: list = []
    while True:
        if not pending and not lookahead:
            try:
                lookahead.append(next(docs))  # advances the generator: registers the next text
            except StopIteration:
                pass
            if not pending:
                return
        text, n = pending.popleft()
        if n == 0:
            yield [], None
            continue

        def article_chunks(n=n):
            for k in range(n):
                doc, offset = lookahead.pop() if lookahead else next(docs)
                yield offset, doc

        chunks = article_chunks()
        try:
            result = extract_parsed(text, chunks, model=model), None
        except ImportError:
            raise  # a missing dependency is not about this article: it stops the run
        except Exception as e:  # one article's bug must not stop the run: report it, go on
            for _ in chunks:  # the parser must move past this article's remaining chunks
                pass
            result = [], f"extraction failed: {type(e).__name__}: {e}"
        yield result


def _extract_serial(articles: Iterable[Article], batch_size: int, accurate: bool) -> Iterator[ExtractedArticle]:
    queue: collections.deque = collections.deque()

    def texts():
        for article in articles:
            queue.append(article)
            yield article.text

    for statements, error in extract_texts(texts(), batch_size=batch_size, accurate=accurate):
        yield ExtractedArticle(queue.popleft(), statements, error, extractor_version(accurate))


# ------------------------------------------------------------------ worker processes

def _worker_init(accurate: bool) -> None:
    load_nlp()
    if accurate:
        _extract.accurate_model()


def _worker_batch(texts: list[str], accurate: bool) -> list[tuple[list[Statement], Optional[str]]]:
    return list(extract_texts(texts, batch_size=16, accurate=accurate))


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    chars = 0
    for article in articles:
        batch.append(article)
        chars += len(article.text)
        if len(batch) >= size or chars >= _extract.CHUNK_CHARS * 4:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _extract_parallel(articles: Iterable[Article], workers: int, batch_size: int,
                      accurate: bool) -> Iterator[ExtractedArticle]:
    """Batches of articles extracted in worker processes, in input order. A worker that dies
    (killed, out of memory) takes the pool with it: the articles of every batch the pool held
    are then retried one by one in a fresh worker, and one that kills its worker again is
    reported as its error; a fresh pool takes on the rest."""
    version = extractor_version(accurate)
    in_flight: collections.deque = collections.deque()
    max_in_flight = workers * 2
    batches = _batches(articles, max(1, batch_size))
    exhausted = False
    pool = _pool(workers, accurate)
    try:
        while True:
            taken = None  # a batch taken from the input but not yet in flight
            try:
                while not exhausted and len(in_flight) < max_in_flight:
                    taken = next(batches, None)
                    if taken is None:
                        exhausted = True
                        break
                    in_flight.append((taken, pool.submit(_worker_batch, [a.text for a in taken],
                                                         accurate)))
                    taken = None
                if not in_flight:
                    return
                batch, future = in_flight[0]
                results = future.result()
                in_flight.popleft()
            except concurrent.futures.process.BrokenProcessPool:  # at submit() or result()
                lost = [b for b, _ in in_flight] + ([taken] if taken else [])
                in_flight.clear()
                pool.shutdown(wait=True)
                yield from _retry_alone([a for b in lost for a in b], accurate)
                pool = _pool(workers, accurate)
                continue
            for article, (statements, error) in zip(batch, results):
                yield ExtractedArticle(article, statements, error, version)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


WORKER_DIED = ("extraction failed: its worker process died (killed, or out of memory?), "
               "and died again when it was retried alone")


def _retry_alone(articles: list[Article], accurate: bool) -> Iterator[ExtractedArticle]:
    """Each article extracted alone in a fresh worker process; WORKER_DIED for one whose worker
    dies again."""
    version = extractor_version(accurate)
    pool = _pool(1, accurate)
    try:
        for article in articles:
            try:
                (statements, error), = pool.submit(_worker_batch, [article.text], accurate).result()
            except concurrent.futures.process.BrokenProcessPool:
                pool.shutdown(wait=True)
                pool = _pool(1, accurate)
                statements, error = [], WORKER_DIED
            yield ExtractedArticle(article, statements, error, version)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int, accurate: bool) -> concurrent.futures.ProcessPoolExecutor:
    # fork where the platform has it: no re-import of the caller's __main__ (scripts, tests)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init,
                                                  initargs=(accurate,))
