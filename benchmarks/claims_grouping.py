"""The cost of grouping claims at ingest, per article, at 10k and 1M statements, in one run.

    nice -n 10 .venv/bin/python benchmarks/claims_grouping.py                # 10k and 1M
    .venv/bin/python benchmarks/claims_grouping.py --sizes 10000,100000 --articles 50

For each size the database is grown to that many statements with big_db.py's generated articles
(written by store.save_article without grouping), and their claim index is filled in bulk,
each statement its own claim: in generated text near-duplicates are rare, and the index then
holds exactly what grouping them one by one would leave (`--group-base` groups them one by one
instead, through claimstore.assign_claims: the same, slower). Then real articles
(../shared/eval/polnear-train.jsonl when present, else the seed article) are ingested as
`tracker ingest` does: extracted by the pipeline (one process), written by save_article without
grouping, and then grouped by claimstore.assign_claims. Printed per article: extraction, write,
grouping, and grouping as a share of the ingest without grouping (extraction + write).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from big_db import Generator  # noqa: E402
from tracker.claims import key_tokens  # noqa: E402
from tracker.claimstore import assign_claims, claim_id_for  # noqa: E402
from tracker.models import Article  # noqa: E402
from tracker.pipeline import extract_articles  # noqa: E402
from tracker.store import open_db, save_article  # noqa: E402

GOLD = ROOT.parent / "shared" / "eval" / "polnear-train.jsonl"
SEED = ROOT / "seeds" / "un-guterres-china-xinjiang.txt"


def real_articles(n: int) -> list[Article]:
    if GOLD.exists():
        with open(GOLD, encoding="utf-8") as f:
            rows = [json.loads(line) for line in itertools.islice(f, n)]
        return [Article(text=r["text"], id=f"real-{r['id']}") for r in rows]
    return [Article(text=SEED.read_text(encoding="utf-8"), id=f"seed-{i}") for i in range(n)]


def index_in_bulk(db) -> int:
    """Each statement without a claim becomes its own claim, written in bulk."""
    rows = db.execute("select id, article_id, claim, published from statements"
                      " where claim_id is null").fetchall()
    terms: dict[str, int] = {}
    keys = []
    for statement_id, article_id, claim, _ in rows:
        tokens = key_tokens(claim)
        keys.append((statement_id, article_id, claim_id_for(statement_id), " ".join(tokens)))
        for t in tokens:
            terms[t] = terms.get(t, 0) + 1
    with db.atomic():
        db.conn.executemany(
            "insert into claims (id, text, statement_count, article_count, speaker_count,"
            " first_published, first_statement_id, first_article_id, last_published,"
            " last_statement_id, review_count) values (?, ?, 1, 1, 1, ?, ?, ?, ?, ?, 0)",
            [(claim_id_for(s), c, p, s, a, p, s) for s, a, c, p in rows])
        db.conn.executemany("insert into claim_keys (id, article_id, claim_id, key)"
                            " values (?, ?, ?, ?)", keys)
        db.conn.executemany("insert into claim_terms (term, keys) values (?, ?) on conflict(term)"
                            " do update set keys = keys + excluded.keys", terms.items())
        db.conn.executemany("update statements set claim_id = ? where id = ?",
                            [(k[2], k[0]) for k in keys])
    return len(rows)


def grow(db, gen: Generator, target: int, per_article: int, group: bool, start: int) -> int:
    """Add generated articles until the database has target statements; returns the next index."""
    have = db.execute("select count(*) from statements").fetchone()[0]
    i = start
    t0 = time.perf_counter()
    while have < target:
        n = min(per_article, target - have)
        have += save_article(db, gen.article(i, n), group_claims=group)
        i += 1
        if i % 10000 == 0:
            print(f"  ... {have:,} statements ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if not group:
        index_in_bulk(db)
    return i


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,1000000",
                    help="Statement counts to measure at (comma-separated, increasing).")
    ap.add_argument("--articles", type=int, default=100, help="Real articles ingested at each size.")
    ap.add_argument("--db", default="/tmp/claims-grouping-bench.db")
    ap.add_argument("--group-base", action="store_true",
                    help="Group the generated base article by article instead of in bulk.")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    path = pathlib.Path(args.db)
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_db(path)
    gen = Generator(50000, seed=3)

    articles = real_articles(args.articles)
    print(f"{len(articles)} real articles ({'PolNeAR train' if GOLD.exists() else 'seed'}), "
          "extracted again at each size so every figure of a row comes from the same minutes")
    print(f"{'statements':>12} {'claims':>10} {'extract ms':>10} {'write ms':>9} {'group ms':>9} "
          f"{'group p90':>10} {'grouping/ingest':>16}")
    next_index = 0
    for size in sizes:
        t0 = time.perf_counter()
        next_index = grow(db, gen, size, 10, args.group_base, next_index)
        build_s = time.perf_counter() - t0
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        t0 = time.perf_counter()
        extracted = list(extract_articles(iter(articles), workers=1))
        extract_s = (time.perf_counter() - t0) / len(extracted)
        write, group = [], []
        for e in extracted:
            article = dataclasses.replace(e.article, id=f"{e.article.id}-{size}")
            copy = dataclasses.replace(e, article=article)
            t0 = time.perf_counter()
            save_article(db, copy, group_claims=False)
            t1 = time.perf_counter()
            with db.atomic():
                assign_claims(db, article.id)
            t2 = time.perf_counter()
            write.append(t1 - t0)
            group.append(t2 - t1)
        claims = db.execute("select count(*) from claims").fetchone()[0]
        have = db.execute("select count(*) from statements").fetchone()[0]
        ingest = extract_s + statistics.mean(write)  # the ingest without grouping, per article
        p90 = statistics.quantiles(group, n=10)[-1]
        print(f"{have:>12,} {claims:>10,} {extract_s * 1000:>10.1f} "
              f"{statistics.mean(write) * 1000:>9.1f} {statistics.mean(group) * 1000:>9.1f} "
              f"{p90 * 1000:>10.1f} {statistics.mean(group) / ingest:>16.3f}"
              f"   (base built in {build_s:.0f} s; "
              f"{sum(len(e.statements) for e in extracted) / len(extracted):.1f} statements/article)")
    db.close()


if __name__ == "__main__":
    main()
