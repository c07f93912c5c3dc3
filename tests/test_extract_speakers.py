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


# ---------------------------------------------------------------- channels

@pytest.mark.parametrize("text,fragment,speaker,channel,written", [
    ("Mayor Ann Lee, 70, told CNN's Dana Bash that the bridge would open in May.", "bridge would open",
     "Ann Lee", "CNN", "CNN"),
    ("The bridge will open in May, Steve Mnuchin, the treasurer, told The Washington Post.", "bridge will open",
     "Steve Mnuchin", "The Washington Post", "The Washington Post"),
    ("Ann Lee told MSNBC's 'Morning Joe' that the bridge would open in May.", "bridge would open",
     "Ann Lee", "MSNBC", "MSNBC"),
    ('"We were wrong to wait so long," Ramos, 58, told AFP in an interview.', "We were wrong",
     "Ramos", "Agence France-Presse", "AFP"),
    ("The bridge will open in May, Ann Lee said in an interview with Fox News.", "bridge will open",
     "Ann Lee", "Fox News", "Fox News"),
])
def test_a_channel_is_the_whole_outlet_and_the_speaker_is_whoever_told(text, fragment, speaker, channel, written):
    s = statement(text, fragment)
    assert (s.speaker, s.channel, s.channel_text) == (speaker, channel, written)


def test_one_canonical_name_per_outlet_with_the_spelling_as_written_beside_it():
    text = ("The AP reported that the bridge would open in May. Officials told the Associated Press that tolls "
            "would rise. The Washington Post reported the deal on Monday. The harbour will close, the Post reported.")
    assert (statement(text, "bridge would open").channel, statement(text, "bridge would open").channel_text) == \
        ("The Associated Press", "The AP")
    assert (statement(text, "tolls would rise").channel, statement(text, "tolls would rise").channel_text) == \
        ("The Associated Press", "the Associated Press")
    assert (statement(text, "harbour will close").channel, statement(text, "harbour will close").channel_text) == \
        ("The Washington Post", "the Post")


def test_an_outlet_not_listed_keeps_its_whole_name_and_the_newspaper_is_no_channel_alone():
    s = statement("The mayor told the Tampa Bay Times that the bridge would open in May.", "bridge would open")
    assert (s.channel, s.channel_text) == ("Tampa Bay Times", "the Tampa Bay Times")
    assert statement("The newspaper reported that the bridge would open in May.", "bridge would open").channel is None
    s = statement("The Guardian spoke to the mayor on Monday. The newspaper reported that the bridge would open "
                  "in May.", "bridge would open")
    assert (s.speaker, s.channel, s.channel_text) == ("The Guardian", "The Guardian", "The newspaper")


def test_channel_text_follows_the_contract_fields_of_tracker_extract():
    from tracker.models import STATEMENT_JSON_FIELDS

    s = statement("Ann Lee told the AP that the bridge would open in May.", "bridge would open")
    out = s.to_json()
    assert list(out)[:len(STATEMENT_JSON_FIELDS)] == list(STATEMENT_JSON_FIELDS)
    assert "channel_text" not in STATEMENT_JSON_FIELDS and out["channel_text"] == "the AP"
    assert out["channel"] == "The Associated Press"


def test_ingest_stores_the_channel_as_written_beside_its_canonical_name(tmp_path):
    import sqlite3

    from .conftest import run

    path = tmp_path / "a.txt"
    path.write_text("Ann Lee told the AP that the bridge would open in May.", encoding="utf-8")
    db = tmp_path / "t.db"
    assert run("ingest", db, path, "--workers", "1", "--silent").exit_code == 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select channel, channel_text from statements where claim like '%bridge%'").fetchall()
    assert rows == [("The Associated Press", "the AP")]


def test_a_reporting_participle_after_what_was_said_is_the_reporters():
    text = "Premier Blaine Higgs has said the province will stick with its plan, insisting the deficit must fall."
    s = statement(text, "deficit must fall")
    assert (s.speaker, s.speaker_text) == ("Blaine Higgs", "Premier Blaine Higgs")


def test_a_title_with_a_name_beside_it_is_that_person():
    text = "The former treasury secretary, Steve Mnuchin, told The Washington Post that interest rates would rise."
    s = statement(text, "interest rates would rise")
    assert (s.speaker, s.speaker_kind, s.channel) == ("Steve Mnuchin", "person", "The Washington Post")
