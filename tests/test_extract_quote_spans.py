"""A claim never runs past its closing quotation mark, or on into the words that attribute it
(issue 19). Sentences written for these tests."""

import pytest

from tracker.extract import extract_text


def claims(text):
    return [s.claim for s in extract_text(text)]


@pytest.mark.parametrize("text,claim", [
    ('"No job on earth prepares you for the weight of this office," the outgoing governor will say, '
     'according to excerpts of her speech released by her staff.',
     "No job on earth prepares you for the weight of this office"),
    ('"We will keep fighting," she said. "We will win this one whether she wins or not," the Republican '
     'lawmaker told Fox News.', "We will win this one whether she wins or not"),
    ('"I don\'t care whether she wins or not," the Republican lawmaker told Fox News on Tuesday.',
     "I don't care whether she wins or not"),
])
def test_a_claim_stops_at_its_closing_quotation_mark(text, claim):
    found = claims(text)
    assert claim in found, found
    assert not [c for c in found if "lawmaker" in c or "governor" in c]


@pytest.mark.parametrize("text,claim", [
    ("Of the county's 41,000 registered voters, 30,290 are Democrats and 10,280 are Republicans, "
     "according to data from the county voter registration office.",
     "Of the county's 41,000 registered voters, 30,290 are Democrats and 10,280 are Republicans"),
    ("The model has been right about every election since 1980 and its forecast this year is correct, "
     "according to a new article in the Times.",
     "The model has been right about every election since 1980 and its forecast this year is correct"),
    ("Green received 37 percent, Brown had 36 percent and White snagged 13 percent, according to the results.",
     "Green received 37 percent, Brown had 36 percent and White snagged 13 percent"),
])
def test_a_claim_stops_before_the_according_to_that_ends_it(text, claim):
    found = claims(text)
    assert [c for c in found if claim.endswith(c)], found
    assert not [c for c in found if "according" in c]


def test_an_attribution_inside_the_claim_stays_when_the_claim_goes_on():
    text = "This campaign, he says, is different from the last one."
    assert claims(text) == ["This campaign, he says, is different from the last one"]


def test_a_quotation_carried_on_by_another_is_one_claim():
    text = '"We have the votes," Lee said. "And we will use them next week."'
    assert any("We have the votes" in c and "use them next week" in c for c in claims(text)) or \
        {"We have the votes", "And we will use them next week"} <= set(claims(text))
