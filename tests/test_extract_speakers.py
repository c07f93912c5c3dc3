"""Who speaks, within one article (issue 19): pronouns inside quotations, datelines, page
furniture and markup, people who share a surname. Sentences written for these tests."""

import pytest

from tracker.extract import extract_text


def statement(text, fragment):
    found = [s for s in extract_text(text) if fragment in s.claim]
    assert found, f"no claim with {fragment!r}: {[s.claim for s in extract_text(text)]}"
    return found[0]


@pytest.mark.parametrize("text,fragment,mention", [
    ('"I would point out to you that in the most important vote of the year, the bridge budget, I cast '
     'the right vote," Mayor Ann Lee told reporters.', "in the most important vote", "I"),
    ('"Years from now, you will look back and you will say that this was the moment the harbour changed," '
     'Ann Lee said.', "this was the moment", "you"),
    ('Mayor Ann Lee spoke to reporters on Monday.\n\n"I have said several times that the bridge will open '
     'in May.\n\n"The crews are ready," Lee said.', "the bridge will open in May", "I"),
])
def test_a_first_or_second_person_pronoun_in_a_quotation_is_the_quotations_speaker(text, fragment, mention):
    [s] = [s for s in extract_text(text) if fragment in s.claim and s.speaker_text == mention]
    assert (s.speaker, s.speaker_kind) == ("Ann Lee", "person")


def test_a_pronoun_nothing_resolves_names_no_speaker():
    s = statement("I said the plan would fail.", "the plan would fail")
    assert (s.speaker_text, s.speaker) == ("I", None)


@pytest.mark.parametrize("dateline", ["CLEVELAND, OH —", "WASHINGTON —", "NEW YORK (Reuters) -"])
def test_a_dateline_is_never_the_speaker(dateline):
    s = statement(f"{dateline} Donald Trump said the rally would go on.", "rally would go on")
    assert (s.speaker, s.speaker_text) == ("Donald Trump", "Donald Trump")


def test_page_furniture_and_markup_are_never_speakers():
    text = ("The mayor spoke on Monday.\n\nArticle Continued Below\n\nThe council said the water tax would "
            "rise.\n\nThe bridge will, according to <a href=\"https://example.org\">, open in May.")
    out = extract_text(text)
    assert not [s for s in out if "Continued" in s.claim or (s.speaker_text or "").startswith(("Article", "<"))]
    assert statement(text, "tax would rise").speaker == "The council"


def test_people_who_share_a_surname_are_never_one_speaker():
    text = ("Donald Trump spoke in Ohio on Monday. Melania Trump said the tour was a success. "
            "Trump said the crowd was huge. Donald Trump later said he would return in June.")
    assert statement(text, "tour was a success").speaker == "Melania Trump"
    assert statement(text, "crowd was huge").speaker == "Trump"  # two Trumps: the surname alone stays
    assert statement(text, "return in June").speaker == "Donald Trump"


def test_a_surname_joins_the_one_person_the_article_names_with_it():
    text = "Sen. Ted Cruz spoke in Iowa on Monday. Cruz said the tax plan would pass. Mr. Cruz left early."
    assert statement(text, "tax plan would pass").speaker == "Ted Cruz"
    text = "Trump spoke first. Donald Trump said the crowd was huge. Mr. Trump added that he would return."
    assert statement(text, "crowd was huge").speaker == "Donald Trump"
    assert statement(text, "he would return").speaker == "Donald Trump"
