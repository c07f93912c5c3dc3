"""Why claims are found through a full-text index in SQLite and not a MinHash LSH: both measured
on the same claim keys, in one run.

    nice -n 10 .venv/bin/python benchmarks/claims_index_choice.py [--keys 100000] [--queries 500]

Keys are big_db.py's generated claims. Each query is a stored claim re-worded: a word or two
dropped or added (the near-duplicates grouping must find). Printed for each index: the time to
make it ready in a new process (the SQLite index is on disk; an LSH lives in memory and must be
rebuilt by every `tracker ingest`), its memory, the time per query, the candidates per query
and the recall (the re-worded claim's original among the candidates). The LSH is datasketch's
MinHashLSH (installed on its own to run this: `pip install datasketch==2.0.0`).
"""

from __future__ import annotations

import argparse
import pathlib
import random
import resource
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from big_db import Generator  # noqa: E402
from tracker.claims import key_tokens, similarity  # noqa: E402
from tracker.claimstore import candidates  # noqa: E402
from tracker.store import open_db  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def variants(keys: list[list[str]], n: int, rng: random.Random) -> list[tuple[int, list[str]]]:
    """(index of the original, a re-wording still similar to it) pairs."""
    out = []
    while len(out) < n:
        i = rng.randrange(len(keys))
        words = list(keys[i])
        if len(words) < 5:
            continue
        for _ in range(rng.randint(1, 2)):
            if rng.random() < .5:
                words.pop(rng.randrange(len(words)))
            else:
                words.insert(rng.randrange(len(words)), rng.choice(keys[rng.randrange(len(keys))]))
        if similarity(words, keys[i]) >= 0.7:
            out.append((i, words))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keys", type=int, default=100000)
    ap.add_argument("--queries", type=int, default=500)
    args = ap.parse_args()
    gen = Generator(5000, seed=5)
    rng = random.Random(5)
    keys = []
    while len(keys) < args.keys:
        keys += [key_tokens(s.claim) for s in gen.article(len(keys), 10).statements]
    keys = [k for k in keys[: args.keys] if k]
    queries = variants(keys, args.queries, rng)
    print(f"{len(keys):,} keys, {len(queries)} re-worded queries")
    print(f"{'index':<22} {'ready s':>8} {'+RSS MB':>8} {'ms/query':>9} {'cands':>6} {'recall':>7}")

    with tempfile.TemporaryDirectory(prefix="claims-index-") as tmp:
        db = open_db(pathlib.Path(tmp) / "keys.db")
        terms: dict[str, int] = {}
        for k in keys:
            for t in k:
                terms[t] = terms.get(t, 0) + 1
        with db.atomic():
            db.conn.executemany("insert into claim_keys (id, article_id, claim_id, key) values"
                                " (?, 'a', ?, ?)", [(str(i), str(i), " ".join(k))
                                                    for i, k in enumerate(keys)])
            db.conn.executemany("insert into claim_terms (term, keys) values (?, ?)", terms.items())
        db.close()
        before = rss_mb()
        t0 = time.perf_counter()
        db = open_db(pathlib.Path(tmp) / "keys.db")  # what a new ingest process does
        ready = time.perf_counter() - t0
        hits = found = 0
        t0 = time.perf_counter()
        for original, words in queries:
            got = candidates(db, words)
            found += len(got)
            hits += any(claim_id == str(original) for claim_id, _ in got)
        per = (time.perf_counter() - t0) / len(queries)
        print(f"{'SQLite FTS5 (ours)':<22} {ready:>8.2f} {rss_mb() - before:>8.0f} {per * 1000:>9.2f} "
              f"{found / len(queries):>6.0f} {hits / len(queries):>7.3f}")

    from datasketch import MinHash, MinHashLSH

    for threshold, perms in ((0.5, 64), (0.3, 64)):
        before = rss_mb()
        t0 = time.perf_counter()
        lsh = MinHashLSH(threshold=threshold, num_perm=perms)

        def minhash(words):
            m = MinHash(num_perm=perms)
            m.update_batch([w.encode() for w in words])
            return m

        with lsh.insertion_session() as session:
            for i, k in enumerate(keys):
                session.insert(str(i), minhash(k))
        ready = time.perf_counter() - t0
        hits = found = 0
        t0 = time.perf_counter()
        for original, words in queries:
            got = lsh.query(minhash(words))
            found += len(got)
            hits += str(original) in got
        per = (time.perf_counter() - t0) / len(queries)
        print(f"{f'MinHash LSH t={threshold} p={perms}':<22} {ready:>8.2f} {rss_mb() - before:>8.0f} "
              f"{per * 1000:>9.2f} {found / len(queries):>6.0f} {hits / len(queries):>7.3f}")
        del lsh


if __name__ == "__main__":
    main()
