"""tracker.evaluate scores exactly like ../shared/eval/score.py, on a small file written here."""

import importlib.util
import json
from pathlib import Path

import pytest

from tracker import evaluate

SCORE_PY = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"

TEXT1 = 'The mayor said that the bridge will open in May. "We are ready," she added. Critics disagree.'
TEXT2 = "According to the report, costs rose. Nobody spoke."
GOLD = [
    {"id": "a1", "text": TEXT1, "statements": [
        {"speaker": "The mayor", "speaker_start": 0, "speaker_end": 9, "cue": "said", "cue_start": 10,
         "cue_end": 14, "content": "that the bridge will open in May", "content_start": 15,
         "content_end": 47, "kind": "indirect"},
        {"speaker": "she", "speaker_start": 65, "speaker_end": 68, "cue": "added", "cue_start": 69,
         "cue_end": 74, "content": '"We are ready,"', "content_start": 49, "content_end": 64,
         "kind": "direct"},
        {"speaker": None, "speaker_start": None, "speaker_end": None, "cue": "disagree",
         "cue_start": 84, "cue_end": 92, "content": "Critics", "content_start": 76,
         "content_end": 83, "kind": "mixed"},
    ]},
    {"id": "a2", "text": TEXT2, "statements": [
        {"speaker": "the report", "speaker_start": 13, "speaker_end": 23, "cue": "According to",
         "cue_start": 0, "cue_end": 12, "content": "costs rose", "content_start": 25,
         "content_end": 35, "kind": "indirect"},
    ]},
    {"id": "a3", "text": "Nothing here.", "statements": []},
]
PRED = [
    {"id": "a1", "statements": [
        {"claim": "the bridge will open in May", "claim_start": 20, "claim_end": 47,
         "speaker_text": "The mayor", "speaker_start": 0, "speaker_end": 9, "kind": "indirect"},
        {"claim": "We are ready", "claim_start": 50, "claim_end": 62, "speaker_text": "She",
         "speaker_start": 0, "speaker_end": 3, "kind": "direct"},
        {"claim": "Critics", "claim_start": 76, "claim_end": 83, "speaker_text": "x",
         "speaker_start": 1, "speaker_end": 2, "kind": "indirect"},
        {"claim": "bad", "claim_start": 80, "claim_end": 500, "kind": "indirect"},
        {"claim": "an assertion", "claim_start": 0, "claim_end": 5, "kind": "assertion"},
    ]},
    {"id": "a2", "statements": [
        {"content": "costs rose", "content_start": 25, "content_end": 35, "speaker": "the report",
         "kind": "indirect"},
    ]},
]


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_gold_offsets_are_consistent():
    for a in GOLD:
        for g in a["statements"]:
            assert a["text"][g["content_start"]:g["content_end"]] == g["content"]


def test_counts(tmp_path):
    res = evaluate.score(_write(tmp_path / "g.jsonl", GOLD), _write(tmp_path / "p.jsonl", PRED))
    c = res["counts"]
    assert (c["gold"], c["pred"], c["bad_offsets"], c["missing_articles"]) == (4, 5, 1, 1)
    assert c["exact"] == 3 and c["partial"] == 4 and c["e2e"] == 3
    assert "e2e_f1=" in evaluate.format_report(res)


@pytest.mark.skipif(not SCORE_PY.exists(), reason="reference scorer not available")
def test_agrees_with_reference_scorer(tmp_path):
    spec = importlib.util.spec_from_file_location("reference_score", SCORE_PY)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    g, p = _write(tmp_path / "g.jsonl", GOLD), _write(tmp_path / "p.jsonl", PRED)
    assert evaluate.score(g, p) == ref.score(str(g), str(p))
    # and on predictions made by the extractor itself
    preds = list(evaluate.predict(g))
    p2 = _write(tmp_path / "p2.jsonl", preds)
    assert evaluate.score(g, p2) == ref.score(str(g), str(p2))
    assert evaluate.evaluate(g, p2) == ref.score(str(g), str(p2))


def test_predict_and_evaluate_run_extraction(tmp_path):
    g = _write(tmp_path / "g.jsonl", GOLD)
    preds = list(evaluate.predict(g))
    assert [p["id"] for p in preds] == ["a1", "a2", "a3"]
    assert any("bridge will open" in s["claim"] for s in preds[0]["statements"])
    res = evaluate.evaluate(g)
    assert res["partial"][2] > 0.5
