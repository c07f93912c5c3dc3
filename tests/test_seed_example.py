"""The worked example of DESIGN.md on the seed article: every row, and none of the must-nots."""

from pathlib import Path

import pytest

from tracker.extract import extract_text

SEED = Path(__file__).resolve().parent.parent / "seeds" / "un-guterres-china-xinjiang.txt"

# speaker, speaker_text, cues, claim test ("starts"/"contains", text), kind, source, channel
ROWS = [
    ("Antonio Guterres", "United Nations Secretary-General Antonio Guterres", {"told"},
     ("starts", "he expected them to allow UN human rights chief Michelle Bachelet to pay a ‘credible visit’"),
     "indirect", "spokesperson", None),
    ("United Nations", "a UN readout of the meetings", {"According to"},
     ("starts", "the UN chief met President Xi Jinping and foreign minister Wang Yi"),
     "indirect", "readout", "Reuters"),
    ("Antonio Guterres", "Guterres", {"expressed his expectation"},
     ("contains", "the contacts between the office of the High Commissioner"),
     "mixed", "readout", None),
    ("China", "Beijing", {"denied", "called"},
     ("contains", "training and ‘re-education’ facilities to fight religious extremism"),
     "indirect", None, None),
    ("China", "China", {"called for"},
     ("starts", "countries to not ‘politicise’ the Olympics by boycotting the games"),
     "indirect", None, None),
    ("The Guardian", "The Guardian", {"reported"},
     ("starts", "it chose an Uyghur athlete Dinigeer Yilamujiang as one of the final torch-bearers"),
     "indirect", None, "The Guardian"),
    ("United Nations", "the UN\u00a0statement", {"read"},
     ("starts", "The Secretary-General recognized the important efforts China is making"),
     "direct", "statement", None),
]


@pytest.fixture(scope="module")
def seed():
    text = SEED.read_text(encoding="utf-8")
    return text, extract_text(text)


def _claim_ok(claim, test):
    """"starts" allows a leading complementizer: annotated news keeps "that" in the content."""
    how, want = test
    if how == "starts":
        return claim.removeprefix("that ").startswith(want)
    return want in claim


@pytest.mark.parametrize("row", ROWS, ids=[r[1] for r in ROWS])
def test_row(seed, row):
    text, statements = seed
    speaker, speaker_text, cue_options, claim_test, kind, source, channel = row
    matches = [s for s in statements if s.cue in cue_options and _claim_ok(s.claim, claim_test)]
    assert matches, f"no statement with cue {cue_options} and claim {claim_test}"
    s = matches[0]
    assert (s.speaker, s.speaker_text) == (speaker, speaker_text)
    assert (s.kind, s.source, s.channel) == (kind, source, channel)


def test_guterres_claim_ends_before_frame(seed):
    _, statements = seed
    s = next(s for s in statements if s.cue == "expressed his expectation")
    assert s.claim.endswith("including Xinjiang")
    told = next(s for s in statements if s.cue == "told")
    assert told.claim.rstrip().endswith("including the Xinjiang region")


def test_offsets_slice_the_text(seed):
    text, statements = seed
    for s in statements:
        assert text[s.claim_start:s.claim_end] == s.claim
        if s.speaker_text is not None:
            assert text[s.speaker_start:s.speaker_end] == s.speaker_text
        if s.cue is not None:
            assert text[s.cue_start:s.cue_end] == s.cue


def test_must_nots(seed):
    _, statements = seed
    for s in statements:
        assert "Also Read" not in s.claim
        assert s.speaker != "Read" and (s.speaker_text or "").strip() != "Read"
        assert s.claim.strip("‘’'\"“” ") not in ("re-education", "politicise", "genocide", "credible visit")
        assert "did not mention" not in (s.sentence or "") or s.cue not in ("mention", "did not mention")
        assert not s.claim.startswith("these human rights abuses")


def test_one_speaker_for_guterres(seed):
    _, statements = seed
    names = {s.speaker for s in statements
             if s.speaker_text in ("Guterres", "United Nations Secretary-General Antonio Guterres",
                                   "the UN chief", "the Secretary-General", "he")}
    assert names == {"Antonio Guterres"}
