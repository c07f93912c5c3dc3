"""Any text extracts without an exception, every offset slices to what it claims to be, and every
cue type is one of the four."""

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from tracker.extract import extract_text
from tracker.models import CUE_TYPES

QUOTES = "\"'“”‘’«»„‚`"
WORDS = ["said", "says", "told", "he", "she", "The minister", "according to", "Reuters", "that",
         "not", "claimed", "\n\n", "\n", ",", ".", ":", " ", "\u00a0", "Also Read:", "we", "win",
         "Smith", "wants", "to", "denied", "the", "report", "\x00", "\x0b", "\u200b", "\ud800"]

pieces = st.one_of(st.sampled_from(WORDS), st.sampled_from(list(QUOTES)),
                   st.text(max_size=12))
texts = st.lists(pieces, max_size=80).map(" ".join)


def check(text):
    for s in extract_text(text):
        assert text[s.claim_start:s.claim_end] == s.claim
        assert s.claim.strip()
        if s.speaker_text is not None:
            assert text[s.speaker_start:s.speaker_end] == s.speaker_text
        if s.cue is not None:
            assert text[s.cue_start:s.cue_end] == s.cue
        assert s.cue_type in CUE_TYPES


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example('said said \ud800 " The minister said said said said said said said , said said')
def test_any_text(text):
    check(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_characters(text):
    check(text)


@pytest.mark.slow
def test_very_long_sentence():
    text = "The mayor said that " + " and ".join(f"street {i} is “closed" for i in range(3000)) + "."
    check(text)


def test_empty_and_whitespace():
    for text in ("", " ", "\n\n\t", "\u00a0\u00a0"):
        assert extract_text(text) == []
