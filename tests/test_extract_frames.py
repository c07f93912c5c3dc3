"""The frames registry (tracker.extract.frames): its names stay what the shipped models read, a new
frame is one registered function placed in ORDER, and "X tweeted that ..." is attributed."""

from tracker.extract import extract_parsed, extract_text, parse_chunks
from tracker.extract import frames
from tracker.extract.frames import NAMED, ORDER, VERB, frame
from tracker.nlp import load_nlp

# the frame names the learned models were trained with (features "fr=NAME"): renaming one
# silently changes what the shipped models score
MODEL_FRAME_NAMES = {"according", "adj", "as", "callfor", "ccomp", "colon", "copula", "dobj", "insource",
                     "lightnoun", "noun", "nounprep", "paren", "passive", "prepobj", "quote", "raising",
                     "relcl", "self", "tagged", "trailing", "xcomp",
                     "reportedly", "inview", "asked", "answer"}  # new since the shipped model: they stand on their structure


def test_frame_names_are_the_ones_the_shipped_models_read():
    assert set(NAMED) == MODEL_FRAME_NAMES
    assert {f.name for f in ORDER} == MODEL_FRAME_NAMES
    assert len(ORDER) == len(set(ORDER))


def test_structural_frames_are_flagged_in_one_place():
    assert {f.name for f in ORDER if f.structural is True} == {"according", "trailing", "quote", "lightnoun",
                                                                 "reportedly", "inview", "asked", "answer"}
    assert callable(NAMED["ccomp"].structural)  # "X said that ...": structural when a speech verb
    assert {f.name for f in ORDER if not f.inherits_subject} == {"according", "colon", "reportedly", "inview",
                                                                         "asked"}


def test_tweeted_that_is_a_statement_with_the_tweet_as_source():
    text = "Mayor Ann Lee tweeted that the bridge would reopen on Friday."
    [s] = [s for s in extract_text(text) if "bridge" in s.claim]
    assert (s.claim, s.cue, s.speaker, s.source) == ("that the bridge would reopen on Friday", "tweeted",
                                                     "Ann Lee", "tweet")
    text = '"The bridge will reopen on Friday," Ann Lee tweeted.'
    [s] = [s for s in extract_text(text) if "bridge" in s.claim]
    assert (s.claim, s.cue, s.speaker_text, s.kind) == ("The bridge will reopen on Friday", "tweeted", "Ann Lee",
                                                        "direct")


def test_a_new_frame_is_one_registered_function_placed_in_order(monkeypatch):
    # a pattern no shipped frame knows: "X posted about Y" (the object of "about")
    @frame("posted-about", VERB)
    def posted_about(v):
        about = next((c for c in v.tok.children if c.lower_ == "about"), None)
        if v.lem != "post" or about is None:
            return None
        return v.span(about.i + 1, about.right_edge.i)

    try:
        monkeypatch.setattr(frames, "ORDER", [posted_about, *ORDER])
        text = "The harbour master posted about the flooded car park on Friday."
        collect = []
        extract_parsed(text, parse_chunks(load_nlp(), text), collect=collect)
        [c] = [c for c in collect if c.frame == "posted-about" and c.variant == "base"]
        assert (text[c.cue_start:c.cue_end], text[c.start:c.end]) == ("posted", "the flooded car park")
        assert text[c.speaker_start:c.speaker_end] == "The harbour master"
    finally:
        NAMED.pop("posted-about", None)


def test_reportedly_marks_its_clause_as_reported_by_nobody_named():
    text = ("When pressed on the deal, the harbour board reportedly voted to sell the old ferry, "
            "which angered the town.")
    [s] = [s for s in extract_text(text) if s.cue == "reportedly"]
    assert (s.claim, s.speaker_text, s.kind) == ("the harbour board reportedly voted to sell the old ferry", None,
                                                 "indirect")
    text = "The ferry operator allegedly ignored two safety warnings."
    [s] = [s for s in extract_text(text) if s.cue == "allegedly"]
    assert s.claim == "The ferry operator allegedly ignored two safety warnings"
    # negated: no statement ("did not reportedly" is no report)
    assert not [s for s in extract_text("The board did not reportedly vote on Friday.") if s.cue == "reportedly"]


def test_in_her_view_is_the_possessors_belief():
    text = "The second bridge, in Ann Lee's view, would cost far more than the council says."
    [s] = [s for s in extract_text(text) if s.cue == "in Ann Lee's view"]
    assert (s.claim, s.speaker_text, s.cue_type) == (
        "The second bridge, in Ann Lee's view, would cost far more than the council says", "Ann Lee's", "belief")
    [s] = [s for s in extract_text("The toll was a mistake, in my opinion.") if s.cue == "in my opinion"]
    assert (s.claim, s.speaker_text) == ("The toll was a mistake", "my")
    # a view of something, or in full view of someone: no belief
    assert not [s for s in extract_text("The ferry sank in full view of the harbour.") if "view" in (s.cue or "")]


def test_as_reported_by_names_the_agent_as_speaker():
    text = "As reported by the Harbour Gazette, the ferry talks with the state have stalled."
    [s] = [s for s in extract_text(text) if s.cue == "reported"]
    assert (s.claim, s.speaker_text) == ("the ferry talks with the state have stalled", "the Harbour Gazette")


def test_what_she_said_is_runs_from_the_relative_word():
    text = "The ferry company adapted to what its owner said is rising demand for night crossings."
    [s] = [s for s in extract_text(text) if s.cue == "said"]
    assert (s.claim, s.speaker_text) == ("what its owner said is rising demand for night crossings", "its owner")


def test_asked_about_is_the_question_of_an_unnamed_asker():
    text = "Asked about the ferry schedule, the harbour master said the boats would run at dawn."
    [s] = [s for s in extract_text(text) if s.cue == "Asked"]
    assert (s.claim, s.speaker_text) == ("about the ferry schedule", None)
    [said] = [s for s in extract_text(text) if s.cue == "said"]
    assert said.speaker_text == "the harbour master"  # who answered, not who asked
    text = "Asked whether the bridge would reopen, Lee smiled."
    [s] = [s for s in extract_text(text) if s.cue == "Asked"]
    assert s.claim == "whether the bridge would reopen"
    text = "When asked by a reporter about the toll, Lee said she did not know."
    [s] = [s for s in extract_text(text) if s.cue == "asked"]
    assert (s.claim, s.speaker_text) == ("about the toll", "a reporter")


def test_claims_to_takes_the_infinitive_as_content():
    text = "Two ferry captains claim to speak for every boat owner in the harbour."
    [s] = [s for s in extract_text(text) if s.cue == "claim"]
    assert (s.claim, s.speaker_text) == ("to speak for every boat owner in the harbour", "Two ferry captains")


def test_what_x_called_y_is_the_label_from_what():
    text = 'In 2019, under what Ann Lee called "the slow-boat plan," the ferry lost half its riders.'
    [s] = [s for s in extract_text(text) if s.cue == "called"]
    assert s.claim.startswith('what Ann Lee called "the slow-boat plan')
    assert (s.speaker_text, s.kind) == ("Ann Lee", "mixed")


def test_a_bare_answer_is_what_was_said():
    text = "Asked if the ferry was safe, 46 percent of the riders said yes."
    [s] = [s for s in extract_text(text) if s.cue == "said"]
    assert (s.claim, s.speaker_text) == ("yes", "46 percent of the riders")
    [s] = [s for s in extract_text("A third of the crew said the same of the captain.") if s.cue == "said"]
    assert s.claim == "the same of the captain"


def test_a_name_and_colon_parsed_as_a_sentence_of_its_own_speaks_the_rest_of_its_line():
    text = "Mayor Ann Lee: And then the ferry stopped running.\n\nThe harbour was quiet."
    found = {(s.speaker_text, s.claim) for s in extract_text(text) if s.cue == ":"}
    assert found == {("Mayor Ann Lee", "And then the ferry stopped running")}  # not into the next line
    text = "Ann Lee to the Harbour Board: The ferry must run all winter."
    [s] = [s for s in extract_text(text) if s.cue == ":"]
    assert (s.speaker_text, s.claim) == ("Ann Lee", "The ferry must run all winter")  # who was addressed does not speak


def test_a_participle_of_saying_after_the_content_opens_a_report_of_its_own():
    text = ("Speaking on Tuesday in Dover, Ann Lee insisted that she has \u201csaved the ferry,\u201d claiming "
            "that she is responsible for the new boats in the harbour.")
    [s] = [s for s in extract_text(text) if s.cue == "insisted"]
    assert s.claim.startswith("that she has \u201csaved the ferry") and "claiming" not in s.claim


def test_a_reporting_nouns_to_infinitive_is_its_content():
    text = "The harbour master defended her pledge to cut the ferry toll by half."
    collect = []
    extract_parsed(text, parse_chunks(load_nlp(), text), collect=collect)
    [c] = [c for c in collect if c.frame == "noun" and c.variant == "base"]
    assert (text[c.cue_start:c.cue_end], text[c.start:c.end]) == ("pledge", "to cut the ferry toll by half")
    assert text[c.speaker_start:c.speaker_end] == "her"
