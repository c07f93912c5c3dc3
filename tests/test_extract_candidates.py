"""Candidate identity in CI: the frames propose exactly the candidates, and the model keeps exactly
the statements, recorded in tests/fixtures/candidates_expected.json for an article written for
the tests (benchmarks/candidates.py does the same on the 840 PolNeAR articles where present).

A change meant to alter extraction rewrites the expected file with
`python benchmarks/candidates.py --fixture`, and the diff shows what it altered."""

import json
import sys
from pathlib import Path

from tracker.extract.frames import ORDER
from tracker.extract.model import load_model
from tracker.nlp import load_nlp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import candidates  # noqa: E402


def test_the_candidates_and_statements_of_the_sample_article_are_unchanged():
    text = candidates.FIXTURE_TEXT.read_text(encoding="utf-8")
    expected = json.loads(candidates.FIXTURE_EXPECTED.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(candidates.record(text, load_nlp()(text), load_model()), ensure_ascii=False))
    for part in ("candidates", "statements"):
        assert got[part] == expected[part], f"{part}: {candidates.first_difference(expected[part], got[part])}"


def test_the_sample_article_exercises_every_frame_of_the_default_mode():
    expected = json.loads(candidates.FIXTURE_EXPECTED.read_text(encoding="utf-8"))
    found = {c["frame"] for c in expected["candidates"]}
    # every registered frame but the accurate mode's role tagger, and the unclaimed quotations
    assert found == {f.name for f in ORDER if not f.from_tagger} | {"orphan"}
