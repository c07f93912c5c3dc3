"""Matching statements to fact-checks (tracker.match), on fact-checks and sentences written for
these tests: the shipped model ranks a reworded claim's fact-check first, leaves an unrelated
sentence below its threshold, and the index grows, updates, saves and loads."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tracker.claimreview import claim_venue, from_claimreview
from tracker.extract.encoder import load_encoder
from tracker.match import FactCheck, FactCheckIndex, MatchModel, Query, load_match_model
from tracker.match.features import ADAPTED, names, numbers, venue_kinds
from tracker.match.lexical import BM25, terms


def fc(slug, claim, headline, claimant="A. Politician", claim_date="2019-03-01", published="2019-03-05",
       rating="False"):
    return FactCheck(url=f"https://factcheck.example/{slug}", claim_reviewed=claim, headline=headline,
                     claimant=claimant, claim_date=claim_date, date_published=published, rating=rating,
                     reviewer="Example Checks")


FACT_CHECKS = [
    fc("jobless", "The state's unemployment rate fell to 3.1 percent, the lowest in its history.",
       "Governor touts record-low unemployment", rating="Mostly True"),
    fc("bridge", "The new Riverside bridge will cost taxpayers $40 million.",
       "Bridge price tag claim leaves out federal money", rating="Half True"),
    fc("crime", "Violent crime in Springfield has doubled since 2015.",
       "No, Springfield's violent crime did not double"),
    fc("veterans", "Senator Hale voted against funding veterans' health care twelve times.",
       "Attack ad on Hale's veterans votes counts procedural votes"),
    fc("wind", "Noise from wind turbines causes cancer.", "Wind turbines do not cause cancer",
       rating="Pants on Fire"),
    fc("police", "Half of the city's budget goes to the police department.",
       "Police spending is a quarter of the city budget, not half"),
    fc("trade", "The trade agreement will destroy 600,000 manufacturing jobs.",
       "Job-loss estimate for the trade deal is exaggerated"),
    fc("wage", "The minimum wage has not been raised in more than ten years.",
       "Yes, the federal minimum wage has been flat since 2009", rating="True"),
    fc("reading", "Our schools rank last in the nation in reading scores.",
       "State's reading scores are in the middle of the pack"),
    fc("insulin", "Insulin prices have tripled over the last decade.",
       "Insulin list prices did roughly triple", rating="Mostly True"),
]


@pytest.fixture(scope="module")
def index():
    out = FactCheckIndex()
    out.add(FACT_CHECKS)
    return out


@pytest.mark.parametrize("text, slug", [
    ("Unemployment in our state is down to 3.1%, lower than it has ever been.", "jobless"),
    ("They voted no on money for our veterans' hospitals twelve separate times.", "veterans"),
    ("Those windmills give people cancer, everybody knows it.", "wind"),
    ("This deal is going to wipe out six hundred thousand factory jobs.", "trade"),
    ("The price of insulin has gone up three times in ten years.", "insulin"),
])
def test_reworded_claim_finds_its_fact_check_first(index, text, slug):
    best = index.match([text], top_k=3)[0]
    assert best[0].url.endswith("/" + slug)
    assert best[0].score >= index.model.threshold
    assert [m.score for m in best] == sorted((m.score for m in best), reverse=True)


def test_unrelated_sentence_matches_nothing_above_the_threshold(index):
    for text in ("I had pancakes with my grandchildren this morning.",
                 "The choir will rehearse in the church hall on Thursday evening."):
        assert index.match([text], top_k=1)[0][0].score < index.model.threshold


def test_dated_query_reads_the_dates(index):
    # the same words, dated: a fact-check of a claim made years after the statement is less likely
    # to cover it than one of a claim made before
    late = fc("late", "Insulin prices have tripled over the last decade.", "Insulin prices, again",
              claim_date="2025-01-01", published="2025-01-10")
    idx = FactCheckIndex(index.model)
    idx.add([*FACT_CHECKS, late])
    text = "The price of insulin has gone up three times in ten years."

    def scores(query):
        return {m.url.rsplit("/", 1)[1]: m.score for m in idx.match([query], top_k=len(idx))[0]}

    dated, undated = scores(Query(text, "2019-04-01")), scores(text)
    assert max(dated, key=dated.get) == "insulin"
    assert dated["insulin"] - dated["late"] > undated["insulin"] - undated["late"]


def test_adding_fact_checks_updates_the_matches():
    idx = FactCheckIndex()
    assert idx.match(["Insulin costs three times what it did."]) == [[]]
    assert idx.add(FACT_CHECKS[:5]) == 5
    assert not idx.match(["Insulin costs three times what it did."])[0][0].url.endswith("/insulin")
    assert idx.add(FACT_CHECKS) == 5  # the first five are there already, unchanged
    assert idx.match(["Insulin costs three times what it did."])[0][0].url.endswith("/insulin")
    # a changed fact-check (same url) replaces the old one, and is embedded again
    changed = fc("insulin", "Bicycle lanes reduce traffic deaths by half.", "Bike lanes and safety")
    assert idx.add([changed]) == 1
    assert len(idx) == len(FACT_CHECKS)
    assert not idx.match(["Insulin costs three times what it did."])[0][0].url.endswith("/insulin")
    assert idx.match(["Bike lanes cut road deaths in half."])[0][0].url.endswith("/insulin")


def test_saved_index_loads_with_the_same_matches(index, tmp_path):
    path = tmp_path / "factchecks.npz"
    index.save(path)
    loaded = FactCheckIndex.load(path)
    assert loaded.records == index.records
    assert loaded.add(FACT_CHECKS) == 0  # nothing to embed again
    queries = ["Springfield's crime rate is twice what it was in 2015.", "Cops get half of the budget."]
    for a, b in zip(loaded.match(queries, top_k=3), index.match(queries, top_k=3)):
        assert [m.url for m in a] == [m.url for m in b]
        assert [m.score for m in a] == pytest.approx([m.score for m in b], abs=1e-3)  # vectors kept as float16


def test_fact_checks_without_dates_or_headline(index):
    idx = FactCheckIndex(index.model)
    idx.add([FactCheck(url="https://factcheck.example/bare", claim_reviewed="Tap water in the city is unsafe to drink.")])
    ranked = idx.match([Query("You can't drink the water from the tap here.", "2020-01-01")])[0]
    assert ranked[0].url.endswith("/bare") and 0 <= ranked[0].score <= 1


def test_claim_venue_reads_the_appearance_description():
    item = {"itemReviewed": {"@type": "Claim", "appearance": {"@type": "CreativeWork", "description": "A  Town Hall"}}}
    assert claim_venue(json.dumps(item)) == "a town hall"
    assert claim_venue(json.dumps({"itemReviewed": [{"firstAppearance": [{"description": "a tweet"}]}]})) == "a tweet"
    assert claim_venue("") == claim_venue("not json") == claim_venue('{"itemReviewed": "x"}') == ""
    assert venue_kinds("a presidential debate") == (True, False, False)
    assert venue_kinds("a facebook post") == (False, False, True)
    assert venue_kinds("") == (False, False, False)


def test_claim_said_in_a_debate_ranks_above_the_same_claim_posted_online(index, tmp_path):
    """The same claim checked twice: an undated statement more likely repeats the one said on a stage."""
    def said(slug, where):
        obj = {"@type": "ClaimReview", "url": f"https://factcheck.example/{slug}",
               "claimReviewed": "The county jail holds twice as many people as it was built for.",
               "headline": "Jail crowding claim checks out", "reviewRating": {"alternateName": "True"},
               "itemReviewed": {"@type": "Claim", "author": {"name": "A. Politician"},
                                "appearance": {"@type": "CreativeWork", "description": where}}}
        return from_claimreview(obj)
    idx = FactCheckIndex(index.model)
    idx.add(FACT_CHECKS + [said("jail-post", "a Facebook post"), said("jail-debate", "a debate for county sheriff")])
    query = ["Our jail has double the inmates it was designed for."]
    assert [m.url.rsplit("/", 1)[1] for m in idx.match(query, top_k=2)[0]] == ["jail-debate", "jail-post"]
    idx.save(tmp_path / "venues.npz")  # records are saved without their JSON; their venues stay
    loaded = FactCheckIndex.load(tmp_path / "venues.npz")
    assert [m.url.rsplit("/", 1)[1] for m in loaded.match(query, top_k=2)[0]] == ["jail-debate", "jail-post"]


def test_sentences_batch_equals_one_at_a_time():
    enc = load_encoder()
    texts = ["Short one.", "Another short.", "A somewhat longer sentence about budgets and bridges.", ""]
    batch = enc.sentences(texts)
    for text, v in zip(texts, batch):
        ids = np.concatenate([[enc.cls], enc.wordpieces(text)[0], [enc.sep]])
        single = enc.forward(ids)[-1].mean(0)
        assert np.allclose(v, single / np.linalg.norm(single), atol=1e-5)


def test_statements_embedded_in_onnxruntime_agree_with_numpy():
    """The statements' fast pass (int8, padded batches masked): close to the float32 vectors the
    fact-checks keep, the same for a sentence alone as in any batch, a repeated text once."""
    pytest.importorskip("onnxruntime")
    enc, model = load_encoder(), load_match_model()
    texts = ["Short one.", "The state's unemployment rate fell to 3.1 percent last year.",
             "They voted no on money for our veterans' hospitals twelve separate times, every one of them.",
             "Insulin costs three times what it did ten years ago.", "", "Short one."]
    fast = model.query_vectors(texts)
    exact = enc.sentences(texts, 64)
    cosines = (fast * exact).sum(1)
    assert cosines.min() > 0.97 and cosines.mean() > 0.99  # the least: "" ([CLS] [SEP] alone)
    assert np.array_equal(fast[0], fast[-1])
    for text, v in zip(texts, fast):
        assert np.allclose(model.query_vectors([text])[0], v, atol=1e-5)
    from tracker.extract.encoder import Encoder, model_dir  # float32 in onnxruntime: numpy's vectors
    assert np.allclose(Encoder(model_dir(), quantized=False).sentences(texts, 64, onnx=True), exact, atol=1e-5)


def test_adapter_moves_statements_only(index):
    """The shipped adapter moves a statement's vector (unit length still) and the adapted cosine
    is that vector's with the stored claims' vectors, which it leaves as they are; without an
    adapter the adapted cosine is the plain one."""
    model = load_match_model()
    assert model.adapter is not None and model.adapter.shape == (384, 384)
    texts = ["Those windmills give people cancer, everybody knows it.", "Insulin costs three times what it did."]
    plain = model.query_vectors(texts)
    moved = model.adapted(plain)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1, atol=1e-5)
    assert 0.3 < (plain * moved).sum(1).min() < 0.999
    claims = index.vectors["claim_reviewed"].copy()
    cos = index.cosines(plain)
    assert np.allclose(cos[ADAPTED], moved @ claims.T, atol=1e-5)
    assert np.allclose(cos["claim_reviewed"], plain @ claims.T, atol=1e-5)
    assert np.array_equal(index.vectors["claim_reviewed"], claims)
    bare = FactCheckIndex(MatchModel(model.rankers, model.meta))
    bare.add(index.records, {"claim_reviewed": claims})
    cos = bare.cosines(plain)
    assert np.array_equal(cos[ADAPTED], cos["claim_reviewed"])


def test_terms_and_bm25():
    assert terms("We cut taxes for 95% of Americans") == terms("we cut tax for 95 percent of americans")
    assert "1000000" in terms("It cost $1,000,000.")
    assert numbers("cut 95% of $2.5 billion, 1,000 times") == {"95", "2.5", "1000"}
    vocab = {}
    bm = BM25([terms("the bridge will cost millions"), terms("crime doubled in the city"), []], vocab)
    s = bm.scores(terms("how much will the bridge cost"))
    assert s[0] > 0 and s[1] == 0 and s[2] == 0
    assert not bm.scores(terms("unknown words only")).any()


def test_model_reads_every_feature_it_was_trained_with():
    model = load_match_model()
    assert set(model.rankers[True].names) <= set(names(True))
    assert set(model.rankers[False].names) == set(names(False))
    assert 0 < model.threshold < 1


# `tracker match` over a database the fact-checks were imported into, as a user does
def claimreview(f: FactCheck) -> dict:
    """The schema.org ClaimReview a fact-checker would publish for f."""
    return {"@context": "https://schema.org", "@type": "ClaimReview", "url": f.url,
            "claimReviewed": f.claim_reviewed, "headline": f.headline, "datePublished": f.date_published,
            "author": {"@type": "Organization", "name": f.reviewer},
            "reviewRating": {"@type": "Rating", "alternateName": f.rating},
            "itemReviewed": {"@type": "Claim", "datePublished": f.claim_date,
                             "author": {"@type": "Person", "name": f.claimant}}}


def write_fact_checks(db_path, rows):
    from .conftest import run

    source = db_path.parent / f"claimreviews-{len(rows)}.jsonl"
    source.write_text("".join(json.dumps(claimreview(f)) + "\n" for f in rows))
    result = run("import-claimreview", db_path, source)
    assert result.exit_code == 0, result.output


def test_match_command_json_is_ordered_by_score(tmp_path):
    from .conftest import run

    db = tmp_path / "t.db"
    write_fact_checks(db, FACT_CHECKS)
    queries = tmp_path / "q.jsonl"
    queries.write_text(json.dumps({"id": "a", "text": "Windmills cause cancer."}) + "\n"
                       + json.dumps({"id": 7, "text": "Our reading scores are the worst in the country.",
                                     "date": "2019-06-01"}) + "\n")
    result = run("match", db, "--queries", queries, "--json", "--top", "4")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [d["id"] for d in lines] == ["a", 7]
    for d, slug in zip(lines, ("wind", "reading")):
        assert len(d["matches"]) == 4
        assert set(d["matches"][0]) == {"url", "score", "rating", "claim_reviewed"}
        assert d["matches"][0]["url"].endswith("/" + slug)
        scores = [m["score"] for m in d["matches"]]
        assert scores == sorted(scores, reverse=True)
    text = run("match", db, "Police get half the money the city spends.", "--top", "1")
    assert text.exit_code == 0 and "factcheck.example/police" in text.output and "Half of the city" in text.output


def test_match_command_follows_imports(tmp_path):
    import sqlite3

    from .conftest import run

    db = tmp_path / "t.db"
    write_fact_checks(db, FACT_CHECKS[:4])
    query = "Insulin costs three times what it did ten years ago."
    first = json.loads(run("match", db, query, "--json").output)
    assert not first["matches"][0]["url"].endswith("/insulin")
    assert sqlite3.connect(db).execute("select count(*) from fact_check_vectors").fetchone()[0] == 4
    write_fact_checks(db, FACT_CHECKS)  # importing more fact-checks: matches follow
    again = json.loads(run("match", db, query, "--json").output)
    assert again["matches"][0]["url"].endswith("/insulin")
    assert again["matches"][0]["score"] >= load_match_model().threshold
    assert sqlite3.connect(db).execute("select count(*) from fact_check_vectors").fetchone()[0] == len(FACT_CHECKS)


def test_match_command_bad_input(tmp_path):
    from .conftest import run

    db = tmp_path / "t.db"
    from tracker.store import open_db
    open_db(db)
    result = run("match", db, "anything")
    assert result.exit_code == 1 and "no fact-checks in the database" in result.output
    write_fact_checks(db, FACT_CHECKS[:2])
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": 1, "text": "fine"}\n{"id": 2}\n')
    result = run("match", db, "--queries", bad)
    assert result.exit_code == 1 and f"{bad}:2" in result.output and "Traceback" not in result.output
    assert run("match", db, "x", "--date", "not a date").exit_code == 2
    assert run("match", db).exit_code == 2


def test_fit_adapter_learns_a_distortion_of_the_statements_vectors():
    """benchmarks/train_match.py's adapter, on vectors made here: statements are their claims'
    vectors distorted by a fixed matrix; the adapter fitted on half of them finds the other
    half's claims first more often than the plain cosine does."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from train_match import fit_adapter
    from tracker.match.model import adapt

    rng = np.random.default_rng(0)
    d, n = 32, 400
    claims = rng.normal(size=(n, d)).astype(np.float32)
    claims /= np.linalg.norm(claims, axis=1, keepdims=True)
    distorted = claims @ (np.eye(d) + 3 * rng.normal(size=(d, d)) / np.sqrt(d)).T
    statements = distorted + 0.1 * rng.normal(size=(n, d)) * np.linalg.norm(distorted, axis=1, keepdims=True)
    statements = (statements / np.linalg.norm(statements, axis=1, keepdims=True)).astype(np.float32)
    train, test = np.arange(0, n, 2), np.arange(1, n, 2)
    W = fit_adapter(statements[train], claims, [[i] for i in train], l2=1e-3, epochs=150, lr=1e-2)

    def first_right(vectors):
        return float(np.mean(np.argmax(vectors @ claims.T, axis=1) == test))

    plain, adapted = first_right(statements[test]), first_right(adapt(statements[test], W))
    assert plain < 0.2 and adapted > 0.8, (plain, adapted)
