"""The accurate mode: the numpy MiniLM encoder, the span scorer's inputs, and --accurate on the
commands (extract, ingest, evaluate), on sentences written for these tests."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

from tracker.extract import extract_parsed, extract_text
from tracker.extract import onnx_encoder
from tracker.extract.encoder import LAYERS, STEP, WINDOW, Encoder, load_encoder, model_dir, windows
from tracker.extract.model import load_model
from tracker.extract.neural import ROLES, SpanScorer, span_indices, span_representation, token_vectors
from tracker.extract.finder import SentenceFinder
from tracker.extract.syntax import trim_chars
from tracker.models import ACCURATE_VERSION, EXTRACTOR_VERSION
from tracker.nlp import load_nlp

from .conftest import run

ARTICLE = (
    "The city council met on Tuesday to discuss the budget.\n\n"
    "Mayor Ellen Ford said the new bridge would reopen in May. \"We are on schedule,\" she told "
    "reporters after the meeting.\n\n"
    "According to the transport department, repairs have cost $4 million so far."
)


def sentence_vector(text: str) -> np.ndarray:
    enc = load_encoder()
    ids = np.array(enc.tokenizer.encode(text).ids)
    v = enc.forward(ids)[-1].mean(0)
    return v / np.linalg.norm(v)


def test_encoder_is_the_sentence_model():
    # all-MiniLM-L6-v2 puts paraphrases close together and unrelated sentences apart: a broken
    # forward pass (wrong weights, layer order or normalization) does not
    a = sentence_vector("The minister resigned after the scandal.")
    b = sentence_vector("Following the scandal, the minister stepped down.")
    c = sentence_vector("Heavy rain is expected over the weekend.")
    assert a @ b > 0.7
    assert a @ c < 0.3


@pytest.mark.slow
def test_long_text_every_wordpiece_gets_a_vector():
    text = " ".join(f"Officials said item {i} was approved by the board." for i in range(120))
    vectors, offsets = Encoder(model_dir(), quantized=False).vectors(text)
    assert len(vectors) == len(offsets) > 2 * WINDOW  # several overlapping windows
    assert np.all(np.abs(vectors).sum(1) > 0)  # none left out between windows
    assert all(text[s:e].lower() in text.lower() for s, e in offsets[:50])
    # each wordpiece keeps the vector from one window's pass: the second window's middle
    enc = load_encoder()
    ids = enc.tokenizer.encode(text, add_special_tokens=False).ids
    states = enc.forward(np.array([enc.cls] + ids[STEP:STEP + WINDOW - 2] + [enc.sep]))
    second = np.concatenate([states[k][1:-1] for k in LAYERS], 1)
    middle = (WINDOW - 2 - STEP) // 2
    assert np.allclose(vectors[STEP + middle:STEP + middle + STEP], second[middle:middle + STEP], atol=1e-4)
    assert not np.allclose(vectors[STEP:STEP + 5], second[:5], atol=1e-4)  # the first window's


@pytest.mark.parametrize("n", [0, 1, WINDOW - 2, WINDOW - 1, 1000, 4321])
def test_windows_keep_every_wordpiece_once(n):
    kept = [k for s, e, lo, hi in windows(n) for k in range(s + lo, s + hi)]
    assert kept == list(range(n))
    assert all(e - s <= WINDOW - 2 for s, e, _, _ in windows(n))


def test_shipped_accurate_model_reads_its_fine_tuned_layers():
    model = load_model(accurate=True)
    assert model.tuned and all(k.startswith("encoder.layer.") for k in model.tuned)
    tuned, published = model.encoder().vectors(ARTICLE)[0], load_encoder().vectors(ARTICLE)[0]
    assert tuned.shape == published.shape
    assert not np.allclose(tuned, published, atol=1e-2)


def test_tuned_weights_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match="does not fit"):
        Encoder(model_dir(), {"encoder.layer.5.output.dense.weight": np.zeros((2, 2), np.float32)})
    with pytest.raises(ValueError, match="does not fit"):
        Encoder(model_dir(), {"encoder.layer.9.output.dense.bias": np.zeros(384, np.float32)})


@pytest.mark.train
def test_fine_tuning_and_run_time_read_the_same_inputs():
    # what benchmarks/finetune.py trains on (torch) is what the run time computes (numpy): the
    # exported layers, the windows and the span scorer's inputs agree
    torch = pytest.importorskip("torch")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import finetune

    text = ARTICLE + "\n\n" + " ".join(f"Officials said item {i} was approved." for i in range(80))
    net = finetune.MiniLM()
    with torch.no_grad():
        for p in net.layers[4].parameters():
            p.add_(torch.randn_like(p) * 0.02)
    encoder = Encoder(model_dir(), net.exported(4), quantized=False)
    vectors, offsets = encoder.vectors(text)
    with torch.no_grad():
        trained = finetune.wordpiece_vectors(net, encoder.wordpieces(text)[0]).numpy()
    assert np.allclose(vectors, trained, atol=1e-3)
    doc = load_nlp()(text)
    coll = []
    extract_parsed(text, [(0, doc)], model=load_model(), collect=coll)
    starts = [t.idx for t in doc]
    spans = [span_indices(doc, starts, *trim_chars(text, c.start, c.end), c.cue_start, c.cue_end) for c in coll]
    assert len(spans) > 10
    item = finetune.item(text, doc, spans, np.zeros(len(spans)))
    with torch.no_grad():
        torch_vecs = finetune.token_vectors(item, torch.from_numpy(vectors))
        torch_inputs = finetune.span_inputs(item, torch_vecs).numpy()
    vecs = token_vectors(doc, 0, vectors, offsets)
    assert np.allclose(torch_vecs[:len(doc)].numpy(), vecs, atol=1e-4)
    numpy_inputs = np.stack([span_representation(doc, vecs, starts, *trim_chars(text, c.start, c.end),
                                                 c.cue_start, c.cue_end) for c in coll])
    assert np.allclose(torch_inputs, numpy_inputs, atol=1e-4)


@pytest.mark.train
def test_fine_tuning_tags_the_annotated_roles_of_each_word():
    # the auxiliary head of benchmarks/finetune.py learns which words are content, cue and source
    pytest.importorskip("torch")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import finetune

    text = "The mayor said on Monday that the bridge would reopen in May. Traffic was light."
    doc = load_nlp()(text)
    gold = [{"speaker_start": 0, "speaker_end": 9, "cue_start": 10, "cue_end": 14,
             "content_start": text.index("the bridge"), "content_end": text.index(" in May"),
             "speaker": "The mayor", "cue": "said", "content": "the bridge would reopen"},
            {"speaker_start": None, "speaker_end": None, "cue_start": None, "cue_end": None,
             "content_start": text.index("Traffic"), "content_end": text.index("Traffic") + 7}]
    it = finetune.item(text, doc, [], np.zeros(0), gold)
    tagged = {role: [t.text for t, on in zip(doc, it.roles[:, k]) if on] for k, role in enumerate(finetune.ROLES)}
    assert tagged == {"content": ["the", "bridge", "would", "reopen", "Traffic"], "first": ["the", "Traffic"],
                      "last": ["reopen", "Traffic"], "cue": ["said"], "source": ["The", "mayor"]}


@pytest.mark.train
def test_a_tuned_model_runs_the_same_in_numpy():
    # benchmarks/finetune.py trains (torch), exports the tuned layers and the scorer's network,
    # and the run time (numpy) gives the probabilities the trained model gives
    torch = pytest.importorskip("torch")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import finetune

    nlp = load_nlp()
    texts = [ARTICLE, "Officials said the plan was sound. Critics argued it would fail, the report said."]
    items = []
    for text in texts:
        doc = nlp(text)
        coll = []
        extract_parsed(text, [(0, doc)], model=load_model(), collect=coll)
        starts = [t.idx for t in doc]
        spans = [span_indices(doc, starts, *trim_chars(text, c.start, c.end), c.cue_start, c.cue_end)
                 for c in coll]
        y = np.array([float(c.cue_start is not None and text[c.cue_start:c.cue_end] == "said") for c in coll])
        items.append((text, doc, coll, finetune.item(text, doc, spans, y)))
    tuned = finetune.tune([it for *_, it in items], epochs=1, frozen=5)
    exported = tuned.exported()
    assert sorted({k.split(".")[2] for k in exported}) == ["5"]
    encoder, scorer = Encoder(model_dir(), exported, quantized=False), tuned.scorer()
    for text, doc, coll, it in items:
        with torch.no_grad():
            trained = torch.sigmoid(tuned.logits(it)[0]).numpy()
        vecs = token_vectors(doc, 0, *encoder.vectors(text))
        starts = [t.idx for t in doc]
        run_time = scorer.scores(np.stack([span_representation(doc, vecs, starts, *trim_chars(text, c.start, c.end),
                                                               c.cue_start, c.cue_end) for c in coll]))
        assert np.allclose(trained, run_time[:, 0], atol=2e-3)
        # the role tagger ships with the scorer, and tags the same in numpy
        with torch.no_grad():
            tags = torch.sigmoid(tuned.logits(it)[1]).numpy()
        assert tags.shape == (len(doc), len(ROLES))
        assert np.allclose(tags, scorer.roles(vecs), atol=2e-3)


def test_scorer_arrays_keep_the_tagger_and_read_models_without_one():
    rng = np.random.default_rng(0)
    net = dict(mean=rng.normal(size=6), scale=np.ones(6), w1=rng.normal(size=(6, 3)), b1=np.zeros(3),
               w2=rng.normal(size=(3, 1)), b2=np.zeros(1))
    old = SpanScorer(**net)
    assert sorted(old.arrays()) == ["nn_b1", "nn_b2", "nn_mean", "nn_scale", "nn_w1", "nn_w2"]
    assert SpanScorer.from_arrays(old.arrays()).roles(np.ones((2, 6))) is None
    new = SpanScorer(**net, tag_w=rng.normal(size=(6, len(ROLES))), tag_b=np.zeros(len(ROLES)))
    vecs = rng.normal(size=(4, 6))
    back = SpanScorer.from_arrays(new.arrays())
    assert back.roles(vecs).shape == (4, len(ROLES))
    assert np.allclose(back.roles(vecs), new.roles(vecs), atol=1e-6)
    assert np.allclose(back.scores(vecs), old.scores(vecs), atol=1e-6)


def tagged_finder(text: str, roles: dict):
    """A sentence finder over text whose role tagger said `roles`: {role: [words]}."""
    doc = load_nlp()(text)
    finder = SentenceFinder(doc, text, [], {"wide": True})
    finder.roles = np.zeros((len(doc), len(ROLES)), np.float32)
    for role, words in roles.items():
        for t in doc:
            if t.text in words:
                finder.roles[t.i, ROLES.index(role)] = 0.9
    return finder, next(doc.sents)


def test_the_role_tagger_proposes_a_cue_no_frame_knows():
    text = "Her backers foresee a comfortable win in the spring."
    content = ["a", "comfortable", "win", "in", "the", "spring"]
    finder, sent = tagged_finder(text, {})
    assert finder.find(sent) == []  # no hand-written or learned frame starts at "foresee"
    finder, sent = tagged_finder(text, {"cue": ["foresee"], "content": content})
    (att,) = finder.find(sent)
    assert (att.frame, text[att.cue_start:att.cue_end], att.cue_lemma) == ("tagged", "foresee", "foresee")
    assert text[att.content_start:att.content_end] == "a comfortable win in the spring"
    assert text[att.speaker_start:att.speaker_end] == "Her backers"  # the cue's subject
    # a negated cue makes no statement, whoever proposes it
    text = "Her backers do not foresee a comfortable win in the spring."
    finder, sent = tagged_finder(text, {"cue": ["foresee"], "content": content})
    assert finder.find(sent) == []


def test_the_role_tagger_adds_a_span_to_a_frames_alternatives():
    text = "The mayor said the bridge would close in May for repairs to its deck."
    finder, sent = tagged_finder(text, {"cue": ["said"], "content": ["the", "bridge", "would", "close", "in", "May"]})
    (alternatives,) = finder.candidates(sent)
    assert alternatives[0].frame != "tagged"  # the frame took "said": the tagger adds no cue of its own
    spans = {a.extra["variant"]: text[a.content_start:a.content_end] for a in alternatives}
    assert spans["tagged"] == "the bridge would close in May"
    assert "for repairs to its deck" in spans["base"]


def test_token_vectors_of_a_chunk_use_its_offset():
    text = "First paragraph here.\n\nThe senator said taxes would fall."
    vectors, offsets = load_encoder().vectors(text)
    base = text.index("The senator")
    doc = load_nlp()(text[base:])
    tv = token_vectors(doc, base, vectors, offsets)
    assert tv.shape == (len(doc), vectors.shape[1])
    assert np.all(np.abs(tv).sum(1) > 0)
    senator = next(i for i, (s, e) in enumerate(offsets) if text[s:e] == "senator")
    assert np.allclose(tv[1], vectors[senator])


def test_accurate_extraction_finds_and_offsets():
    statements = extract_text(ARTICLE, accurate=True)
    claims = {s.claim: s for s in statements}
    assert any("bridge would reopen in May" in c for c in claims)
    bridge = next(s for c, s in claims.items() if "bridge" in c)
    assert bridge.speaker == "Ellen Ford"
    for s in statements:
        assert ARTICLE[s.claim_start:s.claim_end] == s.claim
        if s.speaker_start is not None:
            assert ARTICLE[s.speaker_start:s.speaker_end] == s.speaker_text


def test_extract_cli_accurate(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    default = json.loads(run("extract", path, "--workers", "1").output)
    accurate = json.loads(run("extract", path, "--workers", "1", "--accurate").output)
    assert accurate["id"] == default["id"]
    assert any("We are on schedule" in s["claim"] for s in accurate["statements"])
    assert set(accurate["statements"][0]) == set(default["statements"][0])  # same contract


def test_ingest_accurate_records_its_version(tmp_path):
    path, db = tmp_path / "a.txt", tmp_path / "t.db"
    path.write_text(ARTICLE)
    assert run("ingest", db, path, "--silent", "--workers", "1", "--accurate").exit_code == 0
    conn = sqlite3.connect(db)
    assert {r[0] for r in conn.execute("select extractor_version from statements")} == {ACCURATE_VERSION}
    # the same text read by the default mode counts as changed, then as unchanged
    result = run("ingest", db, path, "--workers", "1")
    assert "1 updated" in result.output
    assert "1 unchanged" in run("ingest", db, path, "--workers", "1").output
    assert {r[0] for r in conn.execute("select extractor_version from articles")} == {EXTRACTOR_VERSION}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_evaluate_accurate(tmp_path, workers):
    start = ARTICLE.index("the new bridge")
    end = ARTICLE.index(" in May") + len(" in May")
    speaker = ARTICLE.index("Ellen Ford")
    gold = {"id": "g1", "text": ARTICLE, "statements": [{
        "speaker": "Ellen Ford", "speaker_start": speaker, "speaker_end": speaker + len("Ellen Ford"),
        "cue": "said", "content": ARTICLE[start:end], "content_start": start, "content_end": end,
        "kind": "indirect"}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n")
    result = json.loads(run("evaluate", path, "--json", "--accurate", "--workers", workers).output)
    assert result["partial"][1] == 1.0  # recall


LONG_ARTICLE = "\n\n".join([
    "The regional water board voted on Thursday to raise rates for the first time in six years.",
    "Board chair Maria Okafor said the increase would pay for new pipes in the older districts. "
    "\"We cannot keep patching a system that was built for half as many people,\" she told "
    "reporters after the vote.",
    "Opponents argued that families on fixed incomes would struggle with the higher bills, and "
    "several residents warned the board that they would appeal the decision.",
    "According to the board's own estimates, the average household will pay about $9 more a month.",
    "\"This is the wrong time,\" said Tom Reyes, who runs a bakery on Elm Street. \"Everything "
    "costs more already, and now water too.\"",
    "The utility's engineers believe the repairs will cut leaks by a third within five years, a "
    "report released last week shows.",
    "Council member Ana Lind wants the board to phase the increase in over two years. She plans to "
    "raise the question at the next council meeting, her office said in a statement.",
    "A survey by the local newspaper found that most residents expect their bills to rise again.",
    "Okafor added that the board would publish a yearly account of how the money was spent.",
] * 4)


def claims(statements) -> set:
    return {(s.claim_start, s.claim_end, s.cue_start, s.speaker) for s in statements}


def test_onnxruntime_runs_the_numpy_forward_pass(monkeypatch):
    # the encoder's fast path (onnxruntime) in float32 gives numpy's vectors and statements over
    # an article of several windows; in int8 (the default) vectors close to them, nearly the
    # same statements
    pytest.importorskip("onnxruntime")
    model = load_model(accurate=True)
    encoder = model.encoder()
    assert encoder.quantized and encoder.session is not None
    doc = load_nlp()(LONG_ARTICLE)

    def run_with(session):
        monkeypatch.setattr(encoder, "session", session)
        return encoder.vectors(LONG_ARTICLE), extract_parsed(LONG_ARTICLE, [(0, doc)], model=model)

    (int8, offsets), int8_statements = run_with(encoder.session)
    assert len(offsets) > 2 * WINDOW
    (plain, plain_offsets), plain_statements = run_with(None)
    assert np.array_equal(offsets, plain_offsets)
    (fp32, _), fp32_statements = run_with(onnx_encoder.session(encoder.w, encoder.layers, encoder.heads,
                                                               encoder.eps, LAYERS, int8=False))
    assert np.allclose(fp32, plain, atol=1e-4)
    assert len(plain_statements) > 20
    assert [s.to_json() for s in fp32_statements] == [s.to_json() for s in plain_statements]
    cosine = (int8 * plain).sum(1) / np.linalg.norm(int8, axis=1) / np.linalg.norm(plain, axis=1)
    assert cosine.min() > 0.9
    assert not np.allclose(int8, plain, atol=1e-2)  # int8 is not float32
    assert len(claims(int8_statements) ^ claims(plain_statements)) <= len(plain_statements) // 10
