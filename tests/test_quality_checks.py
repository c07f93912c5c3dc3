"""The quality checks of tracker/checks.py (issue 19): they find the rows a reader could not
trust, and a database ingested from articles written for these tests has none."""

import json

import pytest

from tracker.checks import CHECKS, bad_speakers, fragment_channels, merged_given_names, run_checks
from tracker.speakers import is_alias
from tracker.store import open_db

from .conftest import run

ARTICLES = {
    "campaign.txt": """CLEVELAND, OH — Donald Trump said on Monday that the rally would go on despite the rain.

Melania Trump said the tour had been a success for the whole campaign.

"I have never seen a crowd like this one in my whole life," Trump told reporters after the speech.

Voters said the economy was their biggest worry this year.

officials said the roads around the arena would close at noon on Tuesday.

Article Continued Below

Critics said the rally had cost the city far too much money.

I said the plan would fail, and nobody listened.

You said the bridge would never be finished on time.

A new poll found that most residents want the bridge finished this year.

The bridge will, according to <a href="https://example.org/bridge">, open in May.
""",
    "outlets.txt": """Senator Jane Doyle, 70, told CNN's Dana Bash that the bill would fail in the Senate.

The former treasury secretary, Steve Mnuchin, told The Washington Post that interest rates would rise.

A spokesman later told the Post that the deal was dead.

Aides told The New York Times that the governor was furious about the vote. The Times also reported that the meeting had ended early.

Tom Baker told the AP that the strike would end soon.

Doyle told the Miami Herald that she would run again next year. The Herald said the race would be close.
""",
    "family.txt": """Jeb Bush said on Tuesday that the school plan would pass.

George W. Bush said the library would open in the spring.

Bush told reporters that he was proud of his brother.
""",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "checks.db"
    result = run("ingest", path, folder, "--silent", "--workers", "1")
    assert result.exit_code == 0, result.output
    return open_db(path)


def test_no_check_fails_on_the_articles_ingested(db):
    assert run_checks(db) == {name: [] for name in CHECKS}


@pytest.mark.parametrize("written,name", [("I", "I"), ("You", "You"), ("Voters", "Voters"),
                                          ("officials", "officials"), ("Critics", "Critics"),
                                          ("A new poll", "new")])
def test_a_pronoun_or_lone_common_word_is_kept_as_the_mention_with_no_speakers_row(db, written, name):
    rows = db.execute("select speaker_id, speaker from statements where speaker_text = ?", [written]).fetchall()
    assert rows, f"no statement whose speaker is written {written!r}"
    assert set(rows) == {(None, None)}
    assert not db.execute("select 1 from speakers where lower(name) = lower(?)", [name]).fetchone()


def test_people_who_share_a_surname_keep_their_own_rows(db):
    names = {r[0] for r in db.execute("select name from speakers where surname in ('trump', 'bush')")}
    assert {"Donald Trump", "Melania Trump", "Jeb Bush", "George W. Bush"} <= names


def test_channels_are_whole_outlets(db):
    channels = {r[0] for r in db.execute("select distinct channel from statements where channel is not null")}
    assert channels == {"CNN", "The Washington Post", "The New York Times", "The Associated Press", "Miami Herald"}


def test_an_outlet_not_listed_is_kept_whole_and_named_again_by_its_last_word(db):
    rows = db.execute("select speaker, channel, channel_text from statements where claim like '%run again%'"
                      " or claim like '%race would be close%' order by position").fetchall()
    assert rows == [("Jane Doyle", "Miami Herald", "the Miami Herald"),
                    ("Miami Herald", "Miami Herald", "The Herald")]


# The checks find what they are for: rows written straight into a database.

def _speaker(db, name, aliases=(), kind="person", n=1):
    db["speakers"].insert({"id": name, "name": name, "kind": kind, "aliases": json.dumps(list(aliases)),
                           "statement_count": n})


@pytest.fixture
def empty(tmp_path):
    return open_db(tmp_path / "empty.db")


@pytest.mark.parametrize("name,why", [
    ("I", "pronoun"), ("you", "pronoun"), ("Monday", "weekday"), ("OH", "dateline"),
    ("CLEVELAND, OH", "dateline"), ("WASHINGTON —", "dateline"), ("Article", "page furniture"),
    ("Article Continued Below", "page furniture"), ("<", "markup"), ('a href="https://x.org"', "markup"),
    ("new", "common word"), ("Voters", "common word"), ("officials", "common word"),
])
def test_bad_speakers_finds_a_row_that_names_nobody(empty, name, why):
    _speaker(empty, name)
    _speaker(empty, "Donald Trump")
    assert [(r["name"], r["why"]) for r in bad_speakers(empty)] == [(name, why)]


@pytest.mark.parametrize("name", ["Donald Trump", "UN", "NATO", "Democrats", "CNN", "al-Assad",
                                  "NBC News/Wall Street Journal", "Trump"])
def test_bad_speakers_passes_names(empty, name):
    _speaker(empty, name)
    assert bad_speakers(empty) == []


def test_merged_given_names_finds_two_given_names_under_one_surname(empty):
    _speaker(empty, "Donald Trump", ["Donald Trump", "Mr. Trump", "President Donald J. Trump", "Melania Trump"])
    _speaker(empty, "Hillary Clinton", ["Hillary Rodham Clinton", "Secretary Clinton", "Even Hillary Clinton"])
    _speaker(empty, "George W. Bush", ["Jeb Bush"])
    found = {(r["name"], r["alias"]) for r in merged_given_names(empty)}
    assert found == {("Donald Trump", "Melania Trump"), ("George W. Bush", "Jeb Bush")}


def test_fragment_channels_finds_an_outlets_name_cut_short(empty):
    empty["articles"].insert({"id": "a", "text": "x"})
    for i, (channel, written) in enumerate([("Post", "the Post"), ("Times", "The Times"),
                                            ("The Washington Post", "the Post"), ("Herald", "the Miami Herald"),
                                            ("Tampa Bay Times", "the Tampa Bay Times"), ("CNN", "CNN's")]):
        empty["statements"].insert({"id": str(i), "article_id": "a", "claim": "x", "channel": channel,
                                    "channel_text": written})
    assert {r["channel"] for r in fragment_channels(empty)} == {"Post", "Times", "Herald"}


@pytest.mark.parametrize("mention,alias", [("Sen. Ted Cruz (R-Texas)", True), ("President Donald Trump", True),
                                           ("Donald Trump and Sen. Ted Cruz (R-Texas", False),
                                           ("Trump and Cruz", False), ("he", False)])
def test_a_mention_of_two_people_or_cut_short_is_no_alias(mention, alias):
    assert is_alias(mention) is alias
