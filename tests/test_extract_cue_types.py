"""cue_type on every statement (speech, belief, intention, evidence), on sentences written for
these tests, and --cue-types on `tracker extract` and `tracker ingest`."""

import json
import sqlite3

import pytest
from hypothesis import given, settings, strategies as st

from tracker.extract import extract_text
from tracker.extract.cue_types import cue_type, keep_cue_types, parse_cue_types
from tracker.extract.frames import NAMED
from tracker.models import CUE_TYPES, STATEMENT_JSON_FIELDS

from .conftest import run

SENTENCES = {
    "speech": ["Mayor Ann Lee said the harbour would reopen in May.",
               "Ann Lee told reporters that the harbour would reopen in May.",
               '"The harbour will reopen in May," Ann Lee wrote in a letter to residents.',
               "Ann Lee tweeted that the harbour would reopen in May.",
               "According to the mayor's office, the harbour will reopen in May."],
    "belief": ["Mayor Ann Lee believes the harbour will reopen in May.",
               "Ann Lee thinks the harbour will reopen in May.",
               "Ann Lee knows that the harbour will reopen in May.",
               "Ann Lee expects the harbour to reopen in May."],
    "intention": ["Mayor Ann Lee wants to reopen the harbour in May.",
                  "Ann Lee plans to reopen the harbour in May.",
                  "Ann Lee hopes to reopen the harbour in May."],
    "evidence": ["A new poll shows that most residents want the harbour reopened.",
                 "A study by the port authority finds that the harbour silted up in March.",
                 "Records show that the harbour was dredged in 2019."],
}


@pytest.mark.parametrize("kind,text", [(k, t) for k, texts in SENTENCES.items() for t in texts])
def test_each_cue_type_on_its_own_sentences(kind, text):
    found = [s for s in extract_text(text) if "harbour" in s.claim]
    assert found, f"no statement in {text!r}"
    assert {s.cue_type for s in found} == {kind}, [(s.cue, s.cue_type) for s in found]


def test_cue_type_is_a_contract_field_after_the_cue():
    [s] = [s for s in extract_text(SENTENCES["belief"][0]) if "harbour" in s.claim]
    out = s.to_json()
    assert list(out)[:len(STATEMENT_JSON_FIELDS)] == list(STATEMENT_JSON_FIELDS)
    assert STATEMENT_JSON_FIELDS.index("cue_type") == STATEMENT_JSON_FIELDS.index("cue") + 1
    assert out["cue_type"] == "belief"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=20)), st.one_of(st.none(), st.sampled_from(sorted(NAMED)), st.text(max_size=8)),
       st.one_of(st.none(), st.text(max_size=12)), st.one_of(st.none(), st.text(max_size=20)))
def test_cue_type_is_always_one_of_the_four(lemma, frame, speaker, cue):
    assert cue_type(lemma, frame, speaker, cue) in CUE_TYPES


def test_a_person_who_finds_speaks_and_data_that_finds_is_evidence():
    assert cue_type("find", "ccomp", "Smith", "found") == "speech"
    assert cue_type("find", "ccomp", "study", "found") == "evidence"
    assert cue_type("according to", "according", "poll", "According to") == "evidence"
    assert cue_type("according to", "according", "spokesman", "according to") == "speech"
    assert cue_type("hop for", "prepobj", "she", "hopes for") == "intention"  # the tagger's "hop"


def test_parse_cue_types_names_the_bad_word():
    assert parse_cue_types("Belief, speech") == ("speech", "belief")
    with pytest.raises(ValueError, match="opinion: not a cue type"):
        parse_cue_types("speech,opinion")
    with pytest.raises(ValueError):
        parse_cue_types(" , ")
    statements = extract_text(" ".join(SENTENCES["belief"] + SENTENCES["speech"]))
    assert {s.cue_type for s in keep_cue_types(statements, ["belief"])} == {"belief"}


ARTICLE = " ".join(t for texts in SENTENCES.values() for t in texts[:2])


def test_extract_keeps_only_the_cue_types_asked_for(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    everything = json.loads(run("extract", path, "--workers", "1").output)["statements"]
    assert {s["cue_type"] for s in everything} == set(CUE_TYPES)
    result = run("extract", path, "--workers", "1", "--cue-types", "intention,evidence")
    assert result.exit_code == 0
    kept = json.loads(result.output)["statements"]
    assert kept == [s for s in everything if s["cue_type"] in ("intention", "evidence")] and kept


def test_a_bad_cue_type_is_a_one_line_usage_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "t.db"
    for args in (("extract", path), ("ingest", db, path)):
        result = run(*args, "--cue-types", "speech,rumour")
        assert result.exit_code == 2
        assert "rumour: not a cue type (choose from speech, belief, intention, evidence)" in result.output
        assert "Traceback" not in result.output
    assert not db.exists()


def test_ingest_stores_only_the_cue_types_asked_for_and_a_rerun_without_them_restores_all(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "t.db"
    assert run("ingest", db, path, "--workers", "1", "--silent", "--cue-types", "belief").exit_code == 0
    conn = sqlite3.connect(db)
    assert {r[0] for r in conn.execute("select cue_type from statements")} == {"belief"}
    # a facet: indexed with the table's sort key (store.SORTED_FILTERS)
    assert ["cue_type", "sort_key"] in [[c for (c,) in conn.execute("select name from pragma_index_info(?)", [i])]
                            for (i,) in conn.execute("select name from pragma_index_list('statements')")]
    # the same filter again: nothing to do; no filter: the article is extracted again, all types
    again = run("ingest", db, path, "--workers", "1", "--cue-types", "belief")
    assert "1 unchanged" in again.output
    result = run("ingest", db, path, "--workers", "1")
    assert "1 updated" in result.output
    assert {r[0] for r in conn.execute("select cue_type from statements")} == set(CUE_TYPES)
    conn.close()
