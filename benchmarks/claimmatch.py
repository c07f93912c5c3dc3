"""The CheckThat! claim-matching data in ../shared/claimmatch, read for training and benchmarks.

Queries are debate and speech sentences; their ids start with the event's date (YYYYMMDD), which
stands for the article date a statement carries in the tracker. Research data: never copied into
the project.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tracker.claimreview import FactCheck, from_claimreview
from tracker.match import FactCheckIndex, MatchModel, Query

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "claimmatch"


def available() -> bool:
    return (SHARED / "politifact-claimreview.jsonl").is_file()


def fact_checks() -> list[FactCheck]:
    with open(SHARED / "politifact-claimreview.jsonl", encoding="utf-8") as f:
        return [from_claimreview(json.loads(line)) for line in f if line.strip()]


def query_date(query_id: str) -> str | None:
    """The event date an id starts with ('20161019_3pres_0042' -> '2016-10-19'), or None."""
    d = query_id[:8]
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}" if d.isdigit() else None


def queries(split: str, dated: bool = True) -> list[tuple[str, Query]]:
    """(id, Query) of a split ('train' or 'dev'), with the id's date when `dated`."""
    with open(SHARED / f"{split}-queries.jsonl", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [(r["id"], Query(r["text"], query_date(r["id"]) if dated else None)) for r in rows]


def qrels(split: str) -> dict[str, set[str]]:
    """query id -> urls of the fact-checks that cover it."""
    gold: dict[str, set[str]] = {}
    with open(SHARED / f"{split}-qrels.tsv", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                q, url = line.rstrip("\n").split("\t")[:2]
                gold.setdefault(q, set()).add(url)
    return gold


def measures(ranked: dict[str, list[str]], gold: dict[str, set[str]]) -> dict[str, float]:
    """MAP@5, MRR, P@1 and R@10 as score_match.py computes them (ranked: query id -> urls, best
    first); for cross-validation, where writing files for the scorer would be in the way."""
    out = {"MAP@5": 0.0, "MRR": 0.0, "P@1": 0.0, "R@10": 0.0}
    for q, rel in gold.items():
        r = ranked.get(q, [])
        hits, ap = 0, 0.0
        for k, u in enumerate(r[:5], 1):
            if u in rel:
                hits += 1
                ap += hits / k
        out["MAP@5"] += ap / min(len(rel), 5)
        out["MRR"] += next((1 / k for k, u in enumerate(r, 1) if u in rel), 0.0)
        out["P@1"] += bool(r) and r[0] in rel
        out["R@10"] += len(set(r[:10]) & rel) / len(rel)
    return {k: v / max(len(gold), 1) for k, v in out.items()}


def without(index: FactCheckIndex, urls: set) -> FactCheckIndex:
    """A copy of the index without those fact-checks (same vectors, lexical index rebuilt): how
    sentences whose fact-checks were never published would match."""
    keep = [k for k, fc in enumerate(index.records) if fc.url not in urls]
    out = FactCheckIndex(index.model)
    out.records = [index.records[k] for k in keep]
    out.row = {fc.url: k for k, fc in enumerate(out.records)}
    out.vectors = {f: v[keep] for f, v in index.vectors.items()}
    return out


def built_index(model: MatchModel, cache: Path) -> FactCheckIndex:
    """The 19,250 fact-checks' index with the product's code, kept in cache so that they are
    embedded once per encoder version (a fact-check whose text changed is embedded again)."""
    fcs = fact_checks()
    path = cache / f"index-{model.version}.npz"
    index = FactCheckIndex.load(path, model) if path.exists() else FactCheckIndex(model)
    t = time.perf_counter()
    changed = index.add(fcs)
    if changed or len(index) != len(fcs):
        if len(index) != len(fcs):  # fact-checks gone from the file: start again
            index = FactCheckIndex(model)
            changed = index.add(fcs)
        print(f"indexed {len(index)} fact-checks ({changed} new or changed, embedded if their text is) "
              f"in {time.perf_counter() - t:.0f}s", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        index.save(path)
    return index
