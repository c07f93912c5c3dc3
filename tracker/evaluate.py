"""Extraction quality against annotated articles, scored exactly like ../shared/eval/score.py.

Gold: JSONL, one article a line: {"id", "text", "statements": [{speaker, speaker_start,
speaker_end, cue, content, content_start, content_end, kind, ...}]}.
Predictions: JSONL {"id", "statements": [{claim|content, claim_start|content_start,
claim_end|content_end, speaker_text|speaker, speaker_start, speaker_end, kind, ...}]} -- the
output of `tracker extract`. Content spans are trimmed of spaces, quote marks and edge
punctuation; "exact" wants identical trimmed spans, "partial" a one-to-one match with Jaccard
>= 0.5, "e2e" a partial match whose speaker mention overlaps the gold source (or both absent).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .models import Article

TRIM = set(" \t\n\r\"'“”‘’«»,.;:—–-()[]")

PathOrRows = Union[str, Path, Iterable[dict]]


def _rows(source: PathOrRows) -> Iterator[dict]:
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)
    else:
        yield from source


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in TRIM:
        s += 1
    while e > s and text[e - 1] in TRIM:
        e -= 1
    return s, e


def _jaccard(a, b) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = (a[1] - a[0]) + (b[1] - b[0]) - inter
    return inter / union if union else 0.0


def _pred_fields(p: dict):
    s = p.get("claim_start", p.get("content_start"))
    e = p.get("claim_end", p.get("content_end"))
    spk = p.get("speaker_text", p.get("speaker"))
    return s, e, spk, p.get("speaker_start"), p.get("speaker_end")


def _speaker_ok(g: dict, p: dict) -> bool:
    _, _, spk, ss, se = _pred_fields(p)
    if g.get("speaker") is None:
        return not spk
    if not spk:
        return False
    gs, ge = g["speaker_start"], g["speaker_end"]
    if isinstance(ss, int) and isinstance(se, int) and min(ge, se) > max(gs, ss):
        return True
    return spk.strip().lower() == g["speaker"].strip().lower()


def score(gold: PathOrRows, pred: Union[PathOrRows, dict]) -> dict:
    """Score predictions against gold; the same numbers as ../shared/eval/score.py.

    `pred` is a JSONL path, an iterable of {"id", "statements"} rows, or a dict id -> statements.
    Returns {"counts", "exact", "partial", "e2e" (each (P, R, F1)), "speaker_acc", "recall_by_kind"}.
    """
    if isinstance(pred, dict):
        preds = {str(k): v for k, v in pred.items()}
    else:
        preds = {str(d["id"]): d.get("statements", []) for d in _rows(pred)}
    t = dict(gold=0, pred=0, exact=0, partial=0, spk=0, e2e=0, missing_articles=0, bad_offsets=0)
    by_kind: dict[str, list[int]] = {}
    for a in _rows(gold):
        text = a["text"]
        gold_st = a["statements"]
        if str(a["id"]) not in preds:
            t["missing_articles"] += 1
        ps = [p for p in preds.get(str(a["id"]), []) if p.get("kind") != "assertion"]
        pspans = []
        for p in ps:
            s, e, *_ = _pred_fields(p)
            if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
                t["bad_offsets"] += 1
                s, e = 0, 0
            pspans.append(_trim(text, s, e) if e > s else (0, 0))
        gspans = [_trim(text, g["content_start"], g["content_end"]) for g in gold_st]
        t["gold"] += len(gold_st)
        t["pred"] += len(ps)
        t["exact"] += len(set(gspans) & set(x for x in pspans if x != (0, 0)))
        cands = sorted(((_jaccard(g, p), i, j) for i, g in enumerate(gspans)
                        for j, p in enumerate(pspans) if p != (0, 0)), reverse=True)
        used_g, used_p = set(), set()
        for jac, i, j in cands:
            if jac < 0.5:
                break
            if i in used_g or j in used_p:
                continue
            used_g.add(i)
            used_p.add(j)
            t["partial"] += 1
            if _speaker_ok(gold_st[i], ps[j]):
                t["spk"] += 1
                t["e2e"] += 1
        for i, g in enumerate(gold_st):
            k = by_kind.setdefault(g.get("kind") or "none", [0, 0])
            k[0] += 1
            k[1] += i in used_g

    def prf(tp):
        p = tp / t["pred"] if t["pred"] else 0.0
        r = tp / t["gold"] if t["gold"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    return dict(counts=t, exact=prf(t["exact"]), partial=prf(t["partial"]), e2e=prf(t["e2e"]),
                speaker_acc=(t["spk"] / t["partial"] if t["partial"] else 0.0),
                recall_by_kind={k: v[1] / v[0] for k, v in by_kind.items()})


def predict(gold: PathOrRows, workers: Optional[int] = 1, batch_size: int = 16,
            ids: Optional[set] = None, accurate: bool = False) -> Iterator[dict]:
    """Run extraction over the gold file's articles: {"id", "statements"} rows, in order.

    `ids` limits the run to those article ids (a held-out split); `accurate` uses the accurate mode.
    """
    from .pipeline import extract_articles

    def articles():
        for a in _rows(gold):
            if ids is not None and str(a["id"]) not in ids:
                continue
            yield Article(text=a["text"], id=str(a["id"]))

    for done in extract_articles(articles(), workers=workers, batch_size=batch_size, accurate=accurate):
        yield {"id": done.article.id, "statements": [s.to_json() for s in done.statements]}


def evaluate(gold: Union[str, Path], pred: Optional[Union[str, Path]] = None,
             workers: Optional[int] = 1, ids: Optional[set] = None, accurate: bool = False) -> dict:
    """Score `pred` (a JSONL file) or, without one, a fresh extraction of the gold articles."""
    if ids is not None:
        gold_rows = [a for a in _rows(gold) if str(a["id"]) in ids]
    else:
        gold_rows = None
    if pred is None:
        preds = {d["id"]: d["statements"] for d in predict(gold_rows if gold_rows is not None else gold,
                                                          workers=workers, accurate=accurate)}
        return score(gold_rows if gold_rows is not None else gold, preds)
    return score(gold_rows if gold_rows is not None else gold, pred)


def format_report(result: dict) -> str:
    """The report score.py prints: counts, P/R/F1 per level, speaker accuracy, recall by kind."""
    c = result["counts"]
    lines = [f"gold {c['gold']}  pred {c['pred']}  missing articles {c['missing_articles']}  "
             f"bad offsets {c['bad_offsets']}"]
    for k in ("exact", "partial", "e2e"):
        p, r, f = result[k]
        lines.append(f"{k:8s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    lines.append(f"speaker accuracy on partial matches {result['speaker_acc']:.3f}")
    lines.append("recall by kind " + "  ".join(f"{k} {v:.3f}" for k, v in result["recall_by_kind"].items()))
    lines.append(f"e2e_f1={result['e2e'][2]:.3f} partial_f1={result['partial'][2]:.3f} "
                 f"exact_f1={result['exact'][2]:.3f}")
    return "\n".join(lines)
