"""Candidate identity: proof that a change to the extractor changes none of its candidates or statements.

    .venv/bin/python benchmarks/candidates.py --save /tmp/x/before.jsonl [--accurate] [--every K]
    .venv/bin/python benchmarks/candidates.py --check /tmp/x/before.jsonl [--ignore cue_type]
    .venv/bin/python benchmarks/candidates.py --fixture      # rewrite the CI sample's expected file

Runs the frames on every article of ../shared/eval/polnear-train.jsonl (all 840; nothing is
scored, so held-out articles are read too), parsed once into a DocBin cache outside the repo
(train.py's), and records for each article every candidate the learned model scores (frame, cue
span, speaker span, content span of each alternative, flags, a hash of its features) and every
statement kept (all fields). --save writes the records with a digest per article and prints the
digest of the whole run; --check runs again and prints the first difference of each article that
differs (exit status 1 when any does). Keep the saved files in /tmp: they hold corpus text.

--fixture does the same on tests/fixtures/candidates_article.txt, an article written for the
tests, and writes tests/fixtures/candidates_expected.json, which tests/test_extract_candidates.py
compares against in CI.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from tracker.extract import extract_parsed  # noqa: E402

FIXTURE_TEXT = ROOT / "tests" / "fixtures" / "candidates_article.txt"
FIXTURE_EXPECTED = ROOT / "tests" / "fixtures" / "candidates_expected.json"


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def record(text: str, doc, model, ignore=()) -> dict:
    """Every candidate the model scores in one article parsed as one doc, and every statement it
    keeps, as JSON-ready lists; `ignore` names statement fields left out (fields a change adds)."""
    coll: list = []
    statements = extract_parsed(text, [(0, doc)], model=model, collect=coll)
    cands = []
    for c in coll:
        d = c._asdict()
        d["features"] = _digest(c.features)
        d["score"] = round(c.score, 6)
        cands.append(d)
    sts = []
    for st in statements:
        d = {k: v for k, v in dataclasses.asdict(st).items() if k not in ignore}
        d["confidence"] = round(d["confidence"], 6)
        sts.append(d)
    return {"candidates": cands, "statements": sts}


def summary(article_id: str, rec: dict) -> dict:
    return {"id": article_id, "candidates_digest": _digest(rec["candidates"]),
            "statements_digest": _digest(rec["statements"]),
            "n_candidates": len(rec["candidates"]), "n_statements": len(rec["statements"])}


def first_difference(old: list, new: list) -> str:
    """Where two lists of records part: the index and both sides."""
    for k, (a, b) in enumerate(zip(old, new)):
        if a != b:
            keys = sorted(x for x in set(a) | set(b) if a.get(x) != b.get(x))
            return f"#{k} differs in {keys}: {[a.get(x) for x in keys]} -> {[b.get(x) for x in keys]}"
    return f"lengths {len(old)} -> {len(new)}"


def load_model(accurate: bool):
    from tracker.extract import accurate_model
    from tracker.extract.model import load_model as shipped

    return accurate_model() if accurate else shipped()


def corpus(every: int, limit: int):
    import split
    import train

    rows = []
    with open(split.GOLD, encoding="utf-8") as f:
        for line in f:
            rows.append(json.loads(line))
    docs = train.parsed_docs(rows, train.DEFAULT_CACHE, 2, name="all")
    pairs = list(zip(rows, docs))[::every]
    return pairs[:limit] if limit else pairs


def write_fixture() -> None:
    from tracker.nlp import load_nlp

    text = FIXTURE_TEXT.read_text(encoding="utf-8")
    rec = record(text, load_nlp()(text), load_model(False))
    FIXTURE_EXPECTED.write_text(json.dumps(rec, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE_EXPECTED.relative_to(ROOT)}: {len(rec['candidates'])} candidates, "
          f"{len(rec['statements'])} statements")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path, help="write the records of this run here (under /tmp)")
    what.add_argument("--check", type=Path, help="compare this run with records saved by --save")
    what.add_argument("--fixture", action="store_true", help="rewrite the CI sample's expected file")
    ap.add_argument("--accurate", action="store_true", help="the accurate mode's model (slow: use --every)")
    ap.add_argument("--every", type=int, default=1, help="every K-th article only")
    ap.add_argument("--limit", type=int, default=0, help="the first N articles (after --every)")
    ap.add_argument("--ignore", default="", help="comma-separated statement fields to leave out (new fields)")
    args = ap.parse_args(argv)
    if args.fixture:
        write_fixture()
        return 0
    import split

    if not split.GOLD.exists():
        print(f"skipped: {split.GOLD} not found")
        return 0
    ignore = tuple(x for x in args.ignore.split(",") if x)
    t0 = time.perf_counter()
    pairs = corpus(args.every, args.limit)
    model = load_model(args.accurate)
    print(f"{len(pairs)} articles parsed in {time.perf_counter() - t0:.0f}s", flush=True)
    old = {}
    if args.check:
        with open(args.check, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                old[d["id"]] = d
    out = open(args.save, "w", encoding="utf-8") if args.save else None
    run, differ = [], 0
    t1 = time.perf_counter()
    for row, doc in pairs:
        aid = str(row["id"])
        rec = record(row["text"], doc, model, ignore)
        s = summary(aid, rec)
        run.append(s)
        if out:
            out.write(json.dumps(dict(s, **rec), ensure_ascii=False) + "\n")
        elif aid not in old:
            print(f"{aid}: not in {args.check}")
            differ += 1
        else:
            parts = [p for p in ("candidates", "statements") if s[p + "_digest"] != old[aid][p + "_digest"]]
            differ += bool(parts)
            for part in parts:
                print(f"{aid} {part}: {first_difference(old[aid][part], rec[part])}")
    if out:
        out.close()
    cands = sum(s["n_candidates"] for s in run)
    sts = sum(s["n_statements"] for s in run)
    print(f"{len(run)} articles, {cands} candidates, {sts} statements in {time.perf_counter() - t1:.0f}s; "
          f"run digest {_digest(run)}" + (f" ({args.accurate and 'accurate' or 'default'} mode)"))
    if args.check:
        print(f"{differ} of {len(run)} articles differ from {args.check}")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
