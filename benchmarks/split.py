"""The fixed held-out part of ../shared/eval/polnear-train.jsonl: 15% of articles per publisher.

A seeded hash rule rather than a list, so no part of the corpus lives in the repo: within each
publisher, articles are ordered by sha256(SALT + id) and the first 15% (rounded) are held out.
Nothing is tuned or trained on them (benchmarks/train.py uses train_rows only).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

GOLD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear-train.jsonl"
SALT = "claim-tracker-heldout-v1:"
HELDOUT_SHARE = 0.15


def _key(article_id: str) -> str:
    return hashlib.sha256((SALT + article_id).encode("utf-8")).hexdigest()


def split_ids(rows) -> tuple[set, set]:
    """(train ids, held-out ids) for gold rows with "id" and meta.publisher."""
    by_pub = defaultdict(list)
    for r in rows:
        by_pub[(r.get("meta") or {}).get("publisher") or "?"].append(str(r["id"]))
    train, held = set(), set()
    for pub, ids in by_pub.items():
        ids.sort(key=_key)
        k = round(len(ids) * HELDOUT_SHARE)
        held.update(ids[:k])
        train.update(ids[k:])
    return train, held


def load_split(path: Path = GOLD) -> tuple[set, set]:
    with open(path, encoding="utf-8") as f:
        rows = ({"id": d["id"], "meta": d.get("meta")} for d in map(json.loads, f))
        return split_ids(rows)


def rows(path: Path = GOLD, part: str = "heldout"):
    """The gold rows of one part ("train" or "heldout"), streamed."""
    train, held = load_split(path)
    keep = held if part == "heldout" else train
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if str(d["id"]) in keep:
                yield d


if __name__ == "__main__":
    if not GOLD.exists():
        raise SystemExit(f"{GOLD} not found: nothing to split")
    train, held = load_split()
    print(f"train {len(train)} articles, held out {len(held)}")
