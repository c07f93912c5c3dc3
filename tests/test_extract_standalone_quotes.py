"""A quotation standing alone in its paragraph, right after a paragraph whose statement names
its speaker, is that speaker's (issue 19). Articles written for these tests."""

from tracker.extract import extract_text

ARTICLE = """Mayor Ann Lee defended the budget at a town hall on Monday night.

"We cut what we could cut, and we kept the libraries open."

Council member Tom Reed said he disagreed with her.

"This budget hides a deficit that our children will pay for."

Lee said she would hold another meeting next week.

"Nobody in this room wants higher taxes."
"""


def by_claim(text):
    return {s.claim: s for s in extract_text(text)}


def test_a_standalone_quotation_takes_the_speaker_of_the_paragraph_before():
    found = by_claim(ARTICLE)
    for claim, speaker in [("We cut what we could cut, and we kept the libraries open", "Ann Lee"),
                           ("This budget hides a deficit that our children will pay for", "Tom Reed"),
                           ("Nobody in this room wants higher taxes", "Ann Lee")]:
        assert claim in found, list(found)
        assert (found[claim].speaker, found[claim].kind, found[claim].cue) == (speaker, "direct", None)


def test_a_quotation_after_a_paragraph_with_no_statement_is_not_taken_alone():
    text = "Reed was not convinced by any of it.\n\n\"Show me the numbers before the vote.\"\n"
    assert not [s for s in extract_text(text) if "numbers" in s.claim and s.speaker]


def test_a_quotation_inside_a_paragraph_is_not_standalone():
    text = ("Lee said the bridge would open in May.\n\n"
            "Critics laughed. \"That bridge will never open,\" one of them wrote on a sign.\n")
    assert all(s.speaker != "Lee" for s in extract_text(text) if "never open" in s.claim)
