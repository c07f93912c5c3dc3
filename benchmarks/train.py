"""Learn cue weights from the training part of ../shared/eval/polnear-train.jsonl.

    .venv/bin/python benchmarks/train.py [--cache DIR] [--out tracker/data/cue_weights.json]

What is learned (numpy-free, counts only; runs in minutes on 2 cores):
- a cue lexicon: lemmas that annotators marked as cues at least MIN_GOLD times in training
  articles, beyond the hand-written lists in tracker/extract/cues.py;
- for each (frame, cue lemma) the share of the extractor's candidates that matched an annotated
  attribution (partial match, as in the scorer), smoothed towards the frame's overall share;
- the threshold on that weight that maximizes partial F1 on the training part.
Only the training part of benchmarks/split.py is read; the held-out part is never touched.
The shipped artifact holds lemmas and numbers only, no text from the corpus.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import split  # noqa: E402

from tracker.evaluate import _jaccard, _trim  # noqa: E402
from tracker.extract import FILTERED_FRAMES, extract_parsed  # noqa: E402
from tracker.extract.clean import parse_text  # noqa: E402
from tracker.nlp import load_nlp  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "tracker" / "data" / "cue_weights.json"
MIN_GOLD = 3  # annotated occurrences before a lemma joins the lexicon
MIN_SHARE = 0.05  # ... and the share of its occurrences that were annotated as cues
PRIOR = 4.0  # pseudo-counts pulling a rare (frame, lemma) towards its frame's share


def parsed_docs(rows, cache: Path | None, workers: int):
    """Docs of the rows, from a DocBin cache outside the repo when given (built on first use)."""
    from spacy.tokens import DocBin

    nlp = load_nlp()
    if cache is not None:
        f = cache / "train.spacy"
        if f.exists():
            return list(DocBin().from_disk(f).get_docs(nlp.vocab))
    docs = list(nlp.pipe((parse_text(r["text"]) for r in rows), batch_size=16,
                         n_process=max(1, workers)))
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        db = DocBin()
        for d in docs:
            db.add(d)
        db.to_disk(cache / "train.spacy")
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


def match(text, gold, preds):
    """Indices of predictions partially matching a gold content (the scorer's greedy matching)."""
    gs = [_trim(text, g["content_start"], g["content_end"]) for g in gold]
    ps = [_trim(text, p.claim_start, p.claim_end) for p in preds]
    cands = sorted(((_jaccard(g, p), i, j) for i, g in enumerate(gs) for j, p in enumerate(ps)),
                   reverse=True)
    ug, up = set(), set()
    for jac, i, j in cands:
        if jac < 0.5:
            break
        if i in ug or j in up:
            continue
        ug.add(i)
        up.add(j)
    return up


def learn(rows, docs) -> dict:
    # 1. the lexicon: annotated cue lemmas, and how often each lemma occurs at all
    gold_count = collections.Counter()
    pos_of = {}
    seen = collections.Counter()
    for r, doc in zip(rows, docs):
        for t in doc:
            if t.pos_ in ("VERB", "NOUN"):
                seen[t.lemma_.lower()] += 1
        for g in r["statements"]:
            if g.get("cue_start") is None:
                continue
            lem, pos = cue_lemma_of(doc, g["cue_start"], g["cue_end"])
            if lem:
                gold_count[lem] += 1
                pos_of[lem] = pos
    verbs = sorted(l for l, c in gold_count.items()
                   if c >= MIN_GOLD and pos_of[l] in ("VERB", "AUX") and c / max(1, seen[l]) >= MIN_SHARE
                   and l.isalpha())
    nouns = sorted(l for l, c in gold_count.items()
                   if c >= MIN_GOLD and pos_of[l] == "NOUN" and c / max(1, seen[l]) >= MIN_SHARE
                   and l.isalpha())
    lexicon = {"verbs": verbs, "nouns": nouns}
    # 2. candidates with every cue allowed, labelled by the annotation
    counts = collections.defaultdict(lambda: [0, 0])  # (frame, lemma) -> [matched, total]
    frame_counts = collections.defaultdict(lambda: [0, 0])
    scored = []  # (frame, lemma, matched)
    n_gold = 0
    for r, doc in zip(rows, docs):
        preds = extract_parsed(r["text"], [(0, doc)], weights=lexicon, threshold=0.0)
        hits = match(r["text"], r["statements"], preds)
        n_gold += len(r["statements"])
        for j, p in enumerate(preds):
            key = (getattr(p, "_frame", None) or "orphan", p.cue_lemma or "")
            ok = j in hits
            counts[key][0] += ok
            counts[key][1] += 1
            frame_counts[key[0]][0] += ok
            frame_counts[key[0]][1] += 1
            scored.append((key, ok))
    frame_prior = {f: (m + 1) / (t + 2) for f, (m, t) in frame_counts.items()}
    weights = collections.defaultdict(dict)
    for (frame, lemma), (m, t) in counts.items():
        prior = frame_prior[frame]
        weights[frame][lemma] = round((m + PRIOR * prior) / (t + PRIOR), 4)
    # 3. the threshold maximizing partial F1 on the training part
    best = (0.0, 0.0)
    for thr in [x / 100 for x in range(0, 80, 2)]:
        kept = [ok for key, ok in scored if key[0] not in FILTERED_FRAMES or weights[key[0]][key[1]] >= thr]
        tp, npred = sum(kept), len(kept)
        f1 = 2 * tp / (n_gold + npred) if n_gold + npred else 0.0
        if f1 > best[0]:
            best = (f1, thr)
    return {
        "about": "Cue weights learned by benchmarks/train.py from the training part of PolNeAR "
                 "(Newell, Margolin & Ruths, LREC 2018); lemmas and numbers only.",
        "threshold": best[1],
        "train_partial_f1_estimate": round(best[0], 4),
        "verbs": verbs,
        "nouns": nouns,
        "frame_prior": {f: round(v, 4) for f, v in frame_prior.items()},
        "frame": {f: dict(sorted(d.items())) for f, d in sorted(weights.items())},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="a folder outside the repo for parsed training docs")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    if not split.GOLD.exists():
        print(f"skipped: {split.GOLD} not found")
        return 0
    t0 = time.perf_counter()
    rows = list(split.rows(part="train"))
    docs = parsed_docs(rows, args.cache, args.workers)
    print(f"parsed {len(rows)} training articles in {time.perf_counter() - t0:.0f}s")
    model = learn(rows, docs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB): threshold {model['threshold']}, "
          f"{len(model['verbs'])} verbs, {len(model['nouns'])} nouns, train partial F1 ~ "
          f"{model['train_partial_f1_estimate']} in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
