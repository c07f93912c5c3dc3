"""The cost of matching statements to fact-checks at ingest, against the ingest without it, in one run.

    nice -n 10 python benchmarks/match_ingest.py [--articles 200] [--scales 20000,200000]
                                                 [--base 100000] [--new-fact-checks 500]

Real articles (../shared/eval/polnear-train.jsonl, else the seed article) are ingested as
`tracker ingest` does, one process: extracted by the pipeline, written by store.save_article,
and (the step measured) their statements matched by match_store.StatementMatcher, a batch of
ARTICLES_PER_PASS articles per encoder pass. For each number of fact-checks (the 19,250
PolitiFact ones of ../shared/claimmatch, repeated under other urls past that), the articles are
extracted again so that every figure of a row comes from the same minutes of this shared
machine. Printed per article: extraction, write, matching, and the ingest's speed with matching
as a share of its speed without (target >= 0.8 at 20,000 fact-checks). Then: the fixed cost of
an ingest run (reading the 19,250 fact-checks' vectors from the database, and loading the
encoder, which ingest does before its first article), the milliseconds of
one statement matched alone over 20,000 (target < 50 on one core), and the import direction:
--new-fact-checks imported into a database of --base statements, the statements they may cover
found through statements_fts and matched again.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as the targets are stated

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import pathlib  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import claimmatch  # noqa: E402
from match_quality import scaled  # noqa: E402
from tracker.factchecks import import_fact_checks  # noqa: E402
from tracker.match import Query, load_match_model  # noqa: E402
from tracker.match_store import (  # noqa: E402
    ARTICLES_PER_PASS, MATCHED, StatementMatcher, fact_check_index, matched_hash,
)
from tracker.models import Article, stable_hash  # noqa: E402
from tracker.pipeline import extract_articles  # noqa: E402
from tracker.store import open_db, save_article  # noqa: E402

GOLD = ROOT.parent / "shared" / "eval" / "polnear-train.jsonl"
SEED = ROOT / "seeds" / "un-guterres-china-xinjiang.txt"


def log(*a):
    print(*a, flush=True)


def real_articles(n: int) -> list[Article]:
    if GOLD.exists():
        with open(GOLD, encoding="utf-8") as f:
            rows = [json.loads(line) for line in itertools.islice(f, n)]
        return [Article(text=r["text"], id=f"real-{r['id']}", published=r["meta"].get("publication_date"))
                for r in rows]
    return [Article(text=SEED.read_text(encoding="utf-8"), id=f"seed-{i}", published="2022-02-05") for i in range(n)]


def copy(extracted, suffix: str):
    return dataclasses.replace(extracted, article=dataclasses.replace(extracted.article, id=f"{extracted.article.id}-{suffix}"))


def store_vectors(db, index) -> None:
    """The vectors of the cached index written where fact_check_index reads them (no embedding)."""
    model = index.model
    rows = ({"fact_check_id": fc.id, "field": f, "encoder": model.version,
             "text_hash": stable_hash(getattr(fc, f) or ""), "vector": v[k].astype(np.float16).tobytes()}
            for k, fc in enumerate(index.records) for f, v in index.vectors.items())
    with db.atomic():
        db["fact_check_vectors"].insert_all(rows, pk=("fact_check_id", "field"), replace=True, batch_size=2000)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=200, help="real articles ingested at each scale")
    ap.add_argument("--scales", default="20000,200000", help="numbers of fact-checks (comma-separated)")
    ap.add_argument("--base", type=int, default=100_000, help="statements in the database the import is matched against")
    ap.add_argument("--new-fact-checks", type=int, default=500)
    ap.add_argument("--articles-per-pass", type=int, default=ARTICLES_PER_PASS,
                    help="articles whose statements share an encoder pass (1: one pass per article)")
    ap.add_argument("--db", type=pathlib.Path, default=pathlib.Path("/tmp/match-ingest-bench.db"))
    ap.add_argument("--cache", type=pathlib.Path, default=pathlib.Path("/tmp/match-cache"))
    args = ap.parse_args(argv)
    if not claimmatch.available():
        log(f"skipped: no fact-checks in {claimmatch.SHARED}")
        return 0
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    db = open_db(args.db)
    model = load_match_model()
    real = claimmatch.built_index(model, args.cache)
    t0 = time.perf_counter()
    import_fact_checks(db, [str(claimmatch.SHARED / "politifact-claimreview.jsonl")])
    store_vectors(db, real)
    log(f"{len(real)} fact-checks imported with their vectors in {time.perf_counter() - t0:.0f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    from_db = fact_check_index(db, model)
    from_db.lexical()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.query_vectors(["Loaded before the first article."])  # as tracker.match_store.ingest_matcher does
    encoder_s = time.perf_counter() - t0

    articles = real_articles(args.articles)
    log(f"{len(articles)} real articles ({'PolNeAR train' if GOLD.exists() else 'seed'}), extracted "
        f"again at each scale; matched {args.articles_per_pass} articles per encoder pass")
    log(f"{'fact-checks':>12} {'extract ms':>10} {'write ms':>9} {'match ms':>9} {'ms/statement':>12} "
        f"{'matches':>8} {'speed with/without':>19}")
    extracted = []
    for scale in [int(s) for s in args.scales.split(",")]:
        index = from_db if scale == len(from_db) else scaled(real, scale)
        index.lexical()
        # the repeated fact-checks have no fact_checks rows: their matches are written unchecked
        db.execute(f"PRAGMA foreign_keys = {'ON' if index is from_db else 'OFF'}")
        matcher = StatementMatcher(db, model, index=index, per_pass=args.articles_per_pass)
        t0 = time.perf_counter()
        extracted = list(extract_articles(iter(articles), workers=1))
        extract_s = (time.perf_counter() - t0) / len(extracted)
        write = match = 0.0
        matches = 0
        for e in extracted:
            t0 = time.perf_counter()
            save_article(db, copy(e, str(scale)))
            t1 = time.perf_counter()
            matches += matcher.article_stored(f"{e.article.id}-{scale}")
            t2 = time.perf_counter()
            write += t1 - t0
            match += t2 - t1
        t0 = time.perf_counter()
        matches += matcher.flush()
        match += time.perf_counter() - t0
        n = len(extracted)
        statements = sum(len(e.statements) for e in extracted)
        ingest = extract_s + write / n
        log(f"{len(index):>12,} {extract_s * 1000:>10.1f} {write / n * 1000:>9.1f} {match / n * 1000:>9.1f} "
            f"{match / statements * 1000:>12.2f} {matches:>8} {ingest / (ingest + match / n):>19.3f}")
    log(f"({statements / n:.1f} statements per article; an ingest run also reads the fact-checks' "
        f"vectors once: {load_s:.1f} s for {len(from_db):,}, and loads the encoder: {encoder_s:.1f} s)")

    texts = [s.claim for e in extracted for s in e.statements][:64]
    index = scaled(real, 20_000)
    index.match(texts[:2])
    t0 = time.perf_counter()
    for text in texts:
        index.match([Query(text)], 5)
    log(f"one statement matched alone over {len(index):,} fact-checks: "
        f"{(time.perf_counter() - t0) / len(texts) * 1000:.1f} ms (mean of {len(texts)})")

    if not args.new_fact_checks:
        return 0
    # the import direction: a database of --base statements, --new-fact-checks not matched yet
    db.execute("PRAGMA foreign_keys = ON")
    have = db.execute("select count(*) from statements").fetchone()[0]
    k = 0
    t0 = time.perf_counter()
    while have < args.base:
        have += save_article(db, copy(extracted[k % len(extracted)], f"base{k}"), group_claims=False)
        k += 1
    log(f"database grown to {have:,} statements (copies of the articles) in {time.perf_counter() - t0:.0f} s")
    fcs = [fc for fc in real.records]
    new = fcs[-args.new_fact_checks:]
    new_ids = {fc.id for fc in new}
    if not db[MATCHED].exists():
        StatementMatcher(db, model).pending_fact_checks()
    done = {r[0]: r[1] for r in db.execute("select id, claim_reviewed from fact_checks")}
    from tracker.factchecks import iter_fact_checks
    with db.atomic():
        db[MATCHED].insert_all(({"fact_check_id": fc.id, "text_hash": matched_hash(fc)}
                                for fc in iter_fact_checks(db) if fc.id not in new_ids and fc.id in done),
                               pk="fact_check_id", replace=True)
    matcher = StatementMatcher(db, model, index=from_db)
    t0 = time.perf_counter()
    pending = matcher.pending_fact_checks()
    t1 = time.perf_counter()
    lookups = [len(matcher.candidate_statements(fc)) for fc in pending[:100]]
    t2 = time.perf_counter()
    matched = matcher.match_fact_checks()
    t3 = time.perf_counter()
    log(f"import direction, {matched[0]} new fact-checks into {have:,} statements: "
        f"{t3 - t2:.1f} s in all ({(t3 - t2) / max(matched[0], 1) * 1000:.0f} ms per fact-check), "
        f"{matched[1]} statements matched again; the full-text lookup {(t2 - t1) / len(lookups) * 1000:.1f} ms "
        f"per fact-check ({statistics.mean(lookups):.1f} statements found); finding the pending "
        f"ones {t1 - t0:.1f} s")
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
