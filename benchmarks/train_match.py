"""Train the fact-check matcher's reranker (tracker/data/match_model.npz) from ../shared/claimmatch.

    nice -n 10 python benchmarks/train_match.py [--out PATH] [--cache DIR]

1. The 19,250 PolitiFact fact-checks are indexed with the product's code (FactCheckIndex: BM25
   over claim and headline, MiniLM vectors of the claims), kept in --cache so they are embedded
   once.
2. The query-side adapter (tracker.match.model.adapt: a 384 x 384 matrix applied to a
   statement's vector, never to the fact-checks') is fitted on the train pairs: a softmax over
   all 19,250 claims, penalized by its distance to the identity. Each train sentence is adapted
   by the adapter fitted on the other folds (as a new statement would be), the shipped one on
   all of train.
3. Each train sentence's candidates (the best 100 by BM25 and by the adapted cosine) are
   described by tracker.match.features; the reranker, a linear softmax over them (one for dated
   queries, one for undated), is cross-validated on train in folds that group sentences by event
   (debate or speech), so no event is on both sides, then fitted on all of train.
4. Its score is calibrated (Platt) to a probability on the out-of-fold candidates, and the
   threshold for statement_matches is chosen on dev: the score that maximizes F1 over the dev
   (sentence, fact-check) pairs. Nothing else looks at dev.
Prints the cross-validated train figures; benchmarks/match_quality.py prints the dev ones.
MiniLM itself is used as published: fine-tuning its top layers on the train pairs (in-batch and
hard negatives) moved cross-validated MAP@5 by +0.004 (dated) and +0.006 (undated), not worth an
encoder in the artifact, half an hour of training and torch.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import claimmatch  # noqa: E402
from tracker.match import FactCheckIndex, MatchModel  # noqa: E402
from tracker.match import features  # noqa: E402
from tracker.match.model import Ranker, adapt, save_match_model  # noqa: E402

FOLDS = 5
L2 = 1e-3
ADAPTER_L2, ADAPTER_TAU, ADAPTER_EPOCHS = 0.1, 0.05, 100
OUT = Path(__file__).resolve().parents[1] / "tracker" / "data" / "match_model.npz"


def log(*a):
    print(*a, flush=True)


def fold_of_events(ids, folds=FOLDS) -> np.ndarray:
    """Each query's fold; an event's (debate's, speech's) sentences share one."""
    events = sorted({i.rsplit("_", 1)[0] for i in ids})
    random.Random(0).shuffle(events)
    fold = {e: k % folds for k, e in enumerate(events)}
    return np.array([fold[i.rsplit("_", 1)[0]] for i in ids])


def fit_listwise(X, Y, l2=L2, epochs=300, lr=0.05):
    """Softmax over each query's candidates (standardized features), maximizing the right ones'
    probability (Adam, full batch). Returns (mean, scale, weights)."""
    allx = np.concatenate(X)
    mean, scale = allx.mean(0), allx.std(0) + 1e-6
    Xs = [(x - mean) / scale for x, y in zip(X, Y) if y.sum()]
    Ys = [y / y.sum() for y in Y if y.sum()]
    w = np.zeros(allx.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, epochs + 1):
        g = l2 * w
        for x, y in zip(Xs, Ys):
            z = x @ w
            p = np.exp(z - z.max())
            g += x.T @ (p / p.sum() - y) / len(Xs)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return mean, scale, w


def platt(z, y, iters=100):
    """(a, b) such that sigmoid(a z + b) is the probability of y: Newton's method on the log
    loss, each step halved until the loss goes down."""
    def loss(ab):
        t = np.clip(ab[0] * z + ab[1], -30, 30)
        return float(np.sum(np.logaddexp(0, t) - y * t))
    ab = np.array([1.0, 0.0])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(ab[0] * z + ab[1], -30, 30)))
        g = np.array([((p - y) * z).sum(), (p - y).sum()])
        s = p * (1 - p) + 1e-9
        h = np.array([[(s * z * z).sum(), (s * z).sum()], [(s * z).sum(), s.sum()]]) + 1e-6 * np.eye(2)
        step = np.linalg.solve(h, g)
        while np.abs(step).max() > 1e-9 and loss(ab - step) > loss(ab):
            step /= 2
        ab = ab - step
    return float(ab[0]), float(ab[1])


def fit_adapter(Q, F, positives, l2=ADAPTER_L2, tau=ADAPTER_TAU, epochs=ADAPTER_EPOCHS, lr=2e-3):
    """The query-side adapter W (tracker.match.model.adapt): statements' vectors Q moved so that
    their cosine picks their fact-checks' claims (rows of F, listed in positives) out of all of
    them: a softmax at temperature tau over the whole index (every other claim a negative), with
    W's L2 distance to the identity as penalty (Adam, full batch). Returns W."""
    keep = [k for k, p in enumerate(positives) if p]
    Q, positives = Q[keep], [positives[k] for k in keep]
    rows = np.repeat(np.arange(len(Q)), [len(p) for p in positives])
    cols = np.concatenate(positives)
    share = np.concatenate([np.full(len(p), 1 / len(p), np.float32) for p in positives])
    eye = np.eye(Q.shape[1], dtype=np.float32)
    W, m, v = eye.copy(), np.zeros_like(eye), np.zeros_like(eye)
    for t in range(1, epochs + 1):
        Z = Q @ W.T
        norm = np.linalg.norm(Z, axis=1, keepdims=True)
        U = Z / norm
        S = (U @ F.T) / tau
        P = np.exp(S - S.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        np.add.at(P, (rows, cols), -share)  # the softmax's gradient: p - y
        GU = (P @ F) / (tau * len(Q))
        g = ((GU - (GU * U).sum(1, keepdims=True) * U) / norm).T @ Q + 2 * l2 * (W - eye)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        W -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return W


def adapted_out_of_fold(Q, F, positives, fold) -> np.ndarray:
    """Each train sentence's vector adapted by the adapter fitted on the other folds: the reranker
    learns from adapted cosines as good as a new statement's, not from those fitted to it."""
    out = np.empty_like(Q)
    for k in range(FOLDS):
        te = np.flatnonzero(fold == k)
        tr = np.flatnonzero(fold != k)
        out[te] = adapt(Q[te], fit_adapter(Q[tr], F, [positives[i] for i in tr]))
    return out


def candidates(index, qs, qvecs, adapted, gold):
    """Per query: (candidate urls, feature matrix with every feature, labels)."""
    out = []
    for k, (qid, q) in enumerate(qs):
        ctx = index.context(q, {f: c[0] for f, c in index.cosines(qvecs[k:k + 1], adapted[k:k + 1]).items()})
        urls = [index.records[j].url for j in ctx.cand]
        out.append((urls, features.matrix(ctx, True), np.array([u in gold[qid] for u in urls], np.float64)))
    return out


def columns(dated: bool) -> list[int]:
    every = features.names(True)
    return [every.index(n) for n in features.names(dated)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/match-cache"))
    args = ap.parse_args(argv)
    if not claimmatch.available():
        sys.exit(f"no training data in {claimmatch.SHARED}")
    t0 = time.perf_counter()
    qs = claimmatch.queries("train")
    gold = claimmatch.qrels("train")
    ids = [i for i, _ in qs]
    fold = fold_of_events(ids)
    meta = {"version": "match.1", "dense_fields": ["claim_reviewed"],
            "trained_on": "CheckThat! 2021-22 Task 2B train sentences, PolitiFact ClaimReviews"}
    index = claimmatch.built_index(MatchModel({}, meta=meta), args.cache)
    Q = index.model.query_vectors([q.text for _, q in qs])
    F = index.vectors["claim_reviewed"]
    positives = [[index.row[u] for u in gold[i] if u in index.row] for i in ids]
    adapted = adapted_out_of_fold(Q, F, positives, fold)
    adapter = fit_adapter(Q, F, positives)
    log(f"adapter fitted ({FOLDS} folds and all of train): {time.perf_counter() - t0:.0f}s")
    cands = candidates(index, qs, Q, adapted, gold)
    log(f"candidates of {len(qs)} train sentences: {time.perf_counter() - t0:.0f}s; "
        f"a right one among them for {sum(c[2].any() for c in cands) / len(cands):.3f}")

    rankers = {}
    for dated in (False, True):
        cols = columns(dated)
        ranked = {}
        margins, labels = [], []
        for k in range(FOLDS):
            tr = [c for i, c in enumerate(cands) if fold[i] != k]
            mean, scale, w = fit_listwise([x[:, cols] for _, x, _ in tr], [y for _, _, y in tr])
            for i in np.flatnonzero(fold == k):
                urls, x, y = cands[i]
                z = ((x[:, cols] - mean) / scale) @ w
                ranked[ids[i]] = [urls[j] for j in np.argsort(-z)]
                margins.append(z)
                labels.append(y)
        cv = claimmatch.measures(ranked, gold)
        log(f"reranker for {'dated' if dated else 'undated'} queries, {FOLDS}-fold cross-validated on train: "
            + "  ".join(f"{m} {v:.4f}" for m, v in cv.items()))
        calibration = platt(np.concatenate(margins), np.concatenate(labels))
        mean, scale, w = fit_listwise([x[:, cols] for _, x, _ in cands], [y for _, _, y in cands])
        rankers[dated] = Ranker(features.names(dated), mean, scale, w, calibration)
        log("  weights: " + ", ".join(f"{n} {x:+.2f}" for n, x in zip(features.names(dated), w)))

    index.model = MatchModel(rankers, meta=meta, adapter=adapter)
    meta["threshold"] = choose_threshold(index)
    save_match_model(args.out, rankers, meta, adapter)
    log(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB) in {time.perf_counter() - t0:.0f}s")
    return 0


def choose_threshold(index: FactCheckIndex, split: str = "dev") -> float:
    """The score above which a match is kept, chosen on the split's sentences twice over: as
    they are (each has a fact-check in the index) and with their fact-checks taken out of the
    index (as a statement nobody checked). The threshold maximizes F1 over that mixture: right
    matches kept against all right pairs, wrong ones kept from both runs counting against."""
    qs = claimmatch.queries(split)
    gold = claimmatch.qrels(split)
    queries = [q for _, q in qs]
    pairs = sum(len(v) for v in gold.values())
    alone = claimmatch.without(index, set().union(*gold.values()))
    found = sorted([(m.score, m.url in gold[qid]) for (qid, _), ms in zip(qs, index.match(queries, top_k=5))
                    for m in ms] + [(ms[0].score, False) for ms in alone.match(queries, top_k=1) if ms],
                   reverse=True)
    best, threshold, right = 0.0, 1.0, 0
    for k, (score, ok) in enumerate(found, 1):
        right += ok
        f1 = 2 * right / (k + pairs)
        if ok and f1 > best:
            best, threshold = f1, score
    log(f"threshold on {split}: {threshold:.3f} (F1 {best:.3f} over its sentence/fact-check pairs, "
        f"the sentences matched against the index with and without their fact-checks)")
    return threshold


if __name__ == "__main__":
    raise SystemExit(main())
