"""Fact-check matching on the dev sentences, scored by ../shared/claimmatch/score_match.py, and its speed.

    nice -n 10 python benchmarks/match_quality.py [--split dev] [--undated] [--model PATH]
                                                  [--scale 200000] [--cache DIR]

Builds the index of the 19,250 PolitiFact fact-checks with the product's code (FactCheckIndex,
kept in --cache so it is embedded once per encoder version), matches the split's sentences
(dated by their event's date, as a statement is by its article's; --undated drops the dates),
and prints score_match.py's MAP@5, MRR, P@1 and R@10. Then, at the model's threshold: the share
of right (sentence, fact-check) pairs kept and of kept pairs that are right, and how often a
sentence whose fact-checks are taken out of the index still matches something (what an
unchecked statement would do). Speed: milliseconds per query (embedding, candidates, reranking)
on one core, over the 19,250 fact-checks and over --scale (the same, repeated under other urls).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # per-query cost on one core, as the issue asks

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import claimmatch  # noqa: E402
from tracker.match import FactCheckIndex, Query, load_match_model  # noqa: E402
from tracker.match.model import read_match_model  # noqa: E402


def log(*a):
    print(*a, flush=True)


def scored(results, ids, split: str) -> dict:
    """score_match.py's figures for the results (one list of Matches per id)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for qid, matches in zip(ids, results):
            f.write(json.dumps({"id": qid, "matches": [{"url": m.url, "score": m.score} for m in matches]}) + "\n")
    out = subprocess.run([sys.executable, str(claimmatch.SHARED / "score_match.py"),
                          str(claimmatch.SHARED / f"{split}-qrels.tsv"), f.name, "--json"],
                         capture_output=True, text=True, check=True)
    os.unlink(f.name)
    return json.loads(out.stdout)


def scaled(index: FactCheckIndex, n: int) -> FactCheckIndex:
    """The index repeated to n fact-checks (copies under other urls, vectors slightly moved)."""
    out = FactCheckIndex(index.model)
    reps = -(-n // len(index))
    rng = np.random.default_rng(0)
    out.records = [replace(fc, url=f"{fc.url}#{r}") for r in range(reps) for fc in index.records][:n]
    out.row = {fc.url: k for k, fc in enumerate(out.records)}
    out.vectors = {}
    for f, v in index.vectors.items():
        big = np.tile(v, (reps, 1))[:n] + rng.normal(0, 0.02, (n, v.shape[1])).astype(np.float32)
        out.vectors[f] = big / np.linalg.norm(big, axis=1, keepdims=True)
    return out


def per_query_ms(index, queries, top_k=10) -> tuple[float, float, float, float]:
    """Milliseconds per query, asked one at a time and in one batch (as statements at ingest):
    wall clock, then this process's CPU time (less sensitive to the other processes' load)."""
    index.match(queries[:2], top_k)  # lexical index built, encoder loaded
    t, c = time.perf_counter(), time.process_time()
    for q in queries:
        index.match([q], top_k)
    one, one_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    index.match(queries, top_k)
    many, many_cpu = time.perf_counter() - t, time.process_time() - c
    return tuple(x / len(queries) * 1000 for x in (one, many, one_cpu, many_cpu))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=("dev", "train"))
    ap.add_argument("--undated", action="store_true", help="match the sentences without their dates")
    ap.add_argument("--model", type=Path, help="a match model artifact (default: the shipped one)")
    ap.add_argument("--scale", type=int, default=200_000, help="also time queries over this many fact-checks (0: no)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/match-cache"))
    args = ap.parse_args(argv)
    if not claimmatch.available():
        log(f"skipped: no data in {claimmatch.SHARED}")
        return 0
    model = read_match_model(args.model) if args.model else load_match_model()
    index = claimmatch.built_index(model, args.cache)
    qs = claimmatch.queries(args.split, dated=not args.undated)
    ids = [i for i, _ in qs]
    queries = [q for _, q in qs]
    gold = claimmatch.qrels(args.split)

    results = index.match(queries, top_k=10)
    figures = scored(results, ids, args.split)
    log(f"{args.split} ({'undated' if args.undated else 'dated'}), {figures['queries']} sentences, "
        f"{len(index)} fact-checks: " + "  ".join(f"{k} {figures[k]:.4f}" for k in ("MAP@5", "MRR", "P@1", "R@10")))

    t = model.threshold
    kept = [(qid, m.url) for qid, ms in zip(ids, results) for m in ms if m.score >= t]
    right = sum(u in gold[qid] for qid, u in kept)
    pairs = sum(len(v) for v in gold.values())
    alone = claimmatch.without(index, set().union(*gold.values()))
    stray = sum(bool(ms) and ms[0].score >= t for ms in alone.match(queries, top_k=1))
    log(f"threshold {t:.3f}: keeps {len(kept)} matches, {right / max(len(kept), 1):.2f} of them right, "
        f"{right / pairs:.2f} of the right pairs; with their fact-checks out of the index, "
        f"{stray}/{len(queries)} sentences ({stray / len(queries):.2f}) still match one")

    sample = queries[:64]
    log("speed on one core, ms per query (alone / in a batch of %d; CPU time alone / in the batch):" % len(sample))
    log("  %d fact-checks: %.1f / %.1f; CPU %.1f / %.1f" % (len(index), *per_query_ms(index, sample)))
    if args.scale:
        big = scaled(index, args.scale)
        t0 = time.perf_counter()
        big.lexical()
        build = time.perf_counter() - t0
        log("  %d fact-checks: %.1f / %.1f; CPU %.1f / %.1f (its lexical index built in %.1fs)"
            % (len(big), *per_query_ms(big, sample), build))
    log("  of which the query's embedding: %.1f" % per_query_ms_encoder(model, [q.text for q in sample]))
    return 0


def per_query_ms_encoder(model, texts) -> float:
    model.query_vectors(texts[:2])
    t = time.perf_counter()
    for text in texts:
        model.query_vectors([text])
    return (time.perf_counter() - t) / len(texts) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
