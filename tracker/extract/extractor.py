"""Extraction of one article: its sentences through the frames, every candidate scored by the
learned model, the statements kept, then the quotations no frame claimed. Knows nothing of SQLite.

Offsets are into the article text exactly as given: text[claim_start:claim_end] == claim.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Optional

from ..models import Statement
from .clean import boilerplate_ranges, chunk_spans, parse_text
from .encoder import EncoderMissing
from .finder import SentenceFinder
from .frames import Attribution, flags
from .model import features, group_features, hashed, load_model, score_spans
from .neural import one_blas_thread, token_vectors
from .orphans import lead_in, orphan_quotes
from .quotes import Quote, find_quotes, quoted_mask
from .spans import Spans
from .speakers import ArticleSpeakers, remember_subject
from .statements import (build, dedupe, nest, owner_kinds, quoted_pronouns, resolve_overlaps, unnamed_speakers,
                         yield_carried_on)
from .syntax import trim_chars

CHUNK_CHARS = 100_000


class ModelMissing(RuntimeError):
    """The shipped attribution model is not where the package puts it (a broken install)."""


class Candidate(NamedTuple):
    """One candidate attribution the learned model scored, as extract_parsed's `collect` receives
    it (benchmarks/train.py learns from them; benchmarks/candidates.py proves a change keeps them).
    Offsets are into the article text; an unclaimed quotation has frame "orphan" and no cue."""

    features: list
    start: int  # the content span
    end: int
    group: int  # the alternatives of one cue share a group
    cue_start: Optional[int]
    cue_end: Optional[int]
    frame: str
    variant: str
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    source: Optional[str] = None
    channel: Optional[tuple] = None  # (start, end) of a channel mention attached to the cue
    carried: bool = False  # '"A," he said. "B."': the content carried on over the frame
    structural: bool = False  # the frame's structure is its evidence: it stands whatever its score
    score: float = 1.0


def extract_text(text: str, nlp=None, accurate: bool = False) -> list[Statement]:
    """Parse text (in paragraph-aligned chunks) and return its statements (`accurate`: with the
    accurate mode's model, see accurate_model())."""
    from ..nlp import load_nlp

    nlp = nlp or load_nlp()
    return extract_parsed(text, parse_chunks(nlp, text), model=accurate_model() if accurate else None)


def accurate_model():
    """The accurate mode's model, its encoder loaded: slower (MiniLM reads every article) and
    more accurate. Raises EncoderMissing, with the command that installs it, when it cannot run."""
    model = load_model(accurate=True)
    if model is None or model.scorer is None:
        raise EncoderMissing("the accurate model (tracker/data/attribution_model_accurate.npz) is missing: "
                             "train it with benchmarks/train.py --accurate")
    model.encoder()
    one_blas_thread()
    return model


def parse_chunks(nlp, text: str) -> list[tuple[int, object]]:
    """The text parsed in paragraph-aligned chunks of at most CHUNK_CHARS: [(offset, Doc), ...]."""
    from ..nlp import pipe

    return [(s, d) for d, s in pipe(nlp, ((parse_text(text[s:e]), s) for s, e in chunk_spans(text, CHUNK_CHARS)))]


def extract_doc(doc, text: Optional[str] = None) -> list[Statement]:
    """The statements of one parsed article, in article order.

    `text` is the article text as stored when the doc was parsed from a same-length cleaned
    copy (tracker.extract.clean.parse_text); by default the doc's own text.
    """
    return extract_parsed(doc.text if text is None else text, [(0, doc)])


def extract_parsed(text: str, chunks: Iterable[tuple[int, object]], threshold: Optional[float] = None,
                   model=None, collect: Optional[list] = None, encoded=None) -> list[Statement]:
    """Statements of an article parsed as chunks: (offset of the chunk in text, its Doc).

    The learned model (by default the shipped one, tracker/data/attribution_model.npz, see
    tracker.extract.model) scores every candidate attribution the frames propose; per cue the
    ranker's pick is kept when its probability reaches `threshold` (default: the one stored with
    the model), or whatever its score when its frame is structural evidence.
    `collect`, a list, receives a Candidate for every candidate the model scores.
    A model with a span scorer (the accurate mode: load_model(accurate=True)) encodes the text
    with MiniLM first, unless `encoded` gives its (vectors, offsets) already.
    """
    if not text or not text.strip():
        for _ in chunks:  # consume them: a caller may be streaming
            pass
        return []
    if model is None:
        model = load_model()
        if model is None:
            raise ModelMissing("the attribution model (tracker/data/attribution_model.npz) is missing: "
                               "reinstall claim-tracker")
    if model.scorer is not None and encoded is None:
        encoded = model.encoder().vectors(text)
    # found once for the article, looked up by offset (extraction stays linear in its length)
    quotes = Spans(find_quotes(text))
    boiler = Spans(boilerplate_ranges(text), start=lambda r: r[0], end=lambda r: r[1])
    mask = quoted_mask(text, quotes)
    speakers = ArticleSpeakers()
    if threshold is None:
        threshold = model.threshold
    lexicon = model.lexicon()
    # frames with structural evidence ("according to", ", reported X", a quotation at the cue)
    # stand whatever their score; the score still picks their best span
    keep_structural = model.meta.get("keep_structural", True)
    statements: list[Statement] = []
    leadins: list[tuple] = []  # sentences that introduce what follows ("He told the crowd:")
    group = 0
    for base, finder, sent in _sentences(text, chunks, quotes, boiler, speakers, lexicon, model.scorer, encoded):
        found = finder.candidates(sent)
        for att in (att for alternatives in found for att in alternatives):
            _carry_on(finder, att)
        if finder.scorer is not None:
            score_spans(finder, [att for alternatives in found for att in alternatives])
        for alternatives in found:
            flist = [features(att, finder, sent) for att in alternatives]
            group_features(flist, [trim_chars(finder.text, a.content_start, a.content_end) for a in alternatives], finder)
            best = _pick(model, alternatives, [hashed(f) for f in flist])
            structural = flags(alternatives[0].frame).stands(alternatives[0])
            if collect is not None:
                collect.extend(_candidate(att, feats, base, group, structural) for att, feats in zip(alternatives, flist))
            group += 1
            if best.score < threshold and not (keep_structural and structural):
                continue
            st = build(text, base, best, sent, speakers, mask, quotes, boiler)
            if st is not None:
                st._carried = bool(best.extra.get("cont"))
                statements.append(st)
        lead = lead_in(text, base, sent, speakers, lexicon)
        if lead is not None:
            leadins.append(lead)
        remember_subject(sent, speakers)
    statements = dedupe(statements)
    if model.meta.get("resolve_overlaps", True):
        statements = resolve_overlaps(text, statements)
    yield_carried_on(text, statements)
    nest(statements)
    if model.meta.get("orphan", 0.5) >= threshold:
        def scorer(feats, qs, qe, stands=False):
            nonlocal group
            p = model.prob(hashed(feats))
            if collect is not None:
                collect.append(Candidate(feats, qs, qe, group, None, None, "orphan", "base",
                                         structural=stands, score=p))
            group += 1
            return p if p >= threshold or stands and keep_structural else None

        statements.extend(orphan_quotes(text, quotes, statements, boiler, scorer, leadins))
    quoted_pronouns(quotes, statements)
    owner_kinds(statements)
    unnamed_speakers(statements)
    statements.sort(key=lambda s: (s.claim_start, s.cue_start or 0))
    for i, st in enumerate(statements):
        st.position = i
    return statements


def _pick(model, alternatives: list[Attribution], hashed_features: list) -> Attribution:
    """The alternative that stands for its cue, its score set: the ranker's pick scored by the
    decision model, or without a ranker the one the decision model likes best."""
    if model.r is not None:
        k = max(range(len(alternatives)), key=lambda k: model.rank(hashed_features[k]))
        alternatives[k].score = model.prob(hashed_features[k])
        return alternatives[k]
    best = None
    for att, h in zip(alternatives, hashed_features):
        att.score = model.prob(h)
        if best is None or att.score > best.score:
            best = att
    return best


def _sentences(text: str, chunks, quotes, boiler, speakers, lexicon, scorer=None, encoded=None):
    """(chunk offset, finder, sentence) for every sentence worth reading, in article order:
    blank sentences and boilerplate lines are passed over. With a span scorer, each finder gets
    its chunk's token vectors from `encoded` (the text's wordpiece vectors and offsets)."""
    for base, doc in chunks:
        n = len(doc.text)
        local = Spans(Quote(q.start - base, q.end - base, q.double, q.balanced) for q in quotes.overlapping(base, base + n))
        finder = SentenceFinder(doc, doc.text, local, lexicon)
        if scorer is not None:
            finder.vectors, finder.scorer = token_vectors(doc, base, *encoded), scorer
            finder.roles = scorer.roles(finder.vectors)
        speakers.observe_doc(doc)
        for sent in doc.sents:
            s0, s1 = base + sent.start_char, base + sent.end_char
            if text[s0:s1].strip() and boiler.holding(s0, s1) is None:
                yield base, finder, sent


def _carry_on(finder, att: Attribution) -> None:
    """Stretch '"A," he said.' over the quotation that carries on in the next sentence."""
    found = finder.continuation(att)
    if found is not None and found[1] > att.content_end:
        opening = att.cue_start if att.speaker_start is None else min(att.cue_start, att.speaker_start)
        att.extra["cont"] = (opening, found[0])  # the words between A and B: not quoted, not content
        att.content_end = found[1]


def _candidate(att: Attribution, feats: list, base: int, group: int, structural: bool) -> Candidate:
    def shift(s, e):
        return (base + s, base + e) if s is not None else (None, None)

    ch = att.channel_token
    return Candidate(feats, base + att.content_start, base + att.content_end, group, base + att.cue_start,
                     base + att.cue_end, att.frame, att.extra.get("variant", "base"),
                     *shift(att.speaker_start, att.speaker_end), att.source,
                     shift(ch.idx, ch.idx + len(ch.text)) if ch is not None else None,
                     bool(att.extra.get("cont")), structural, att.score)
