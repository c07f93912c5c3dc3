"""Attribution extraction: a parsed article in, statements out. Knows nothing of SQLite.

Entry points:
- extract_doc(doc, text=None): statements of one parsed article (doc from tracker.nlp.load_nlp()).
- extract_parsed(text, chunks): the same for an article parsed in chunks [(offset, doc), ...].
- extract_text(text): parse (in chunks) and extract; convenient for tests and scripts.
Offsets are into the article text exactly as given: text[claim_start:claim_end] == claim.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Iterable, NamedTuple, Optional

from ..models import Statement
from . import cues
from .clean import boilerplate_ranges, chunk_spans, parse_text
from .quotes import Quote, find_quotes, quoted_mask
from .rules import Attribution, SentenceFinder, is_negated, np_range, span_chars, subject_of, trim_chars
from .encoder import EncoderMissing
from .model import features, group_features, hashed, load_model, orphan_features
from .neural import token_vectors
from .speakers import ArticleSpeakers, Resolved, peek

__all__ = ["accurate_model", "extract_doc", "extract_parsed", "extract_text", "parse_chunks", "CHUNK_CHARS",
           "EncoderMissing"]

CHUNK_CHARS = 100_000
# Frames where the cue word alone decides (open to lexical ambiguity): the learned weight filters
# them. Frames with structural evidence ("according to", ", reported X", a quotation next to the
# cue, "expressed his expectation that") are kept whatever their cue.
FILTERED_FRAMES = frozenset({"ccomp", "xcomp", "dobj", "noun", "paren", "colon", "callfor", "prepobj"})
# Frames the learned model may not drop (it still picks their span): the structure is the evidence.
STRUCTURAL_FRAMES = frozenset({"according", "trailing", "quote", "lightnoun"})
MIN_ORPHAN_WORDS = 4
SCARE_QUOTE_WORDS = 3


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


@functools.lru_cache(maxsize=None)
def load_weights() -> dict:
    """Learned cue weights shipped in tracker/data (empty when absent: the rules alone)."""
    try:
        data = resources.files("tracker").joinpath("data/cue_weights.json").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return {}
    return json.loads(data)


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
    return model


def parse_chunks(nlp, text: str) -> list[tuple[int, object]]:
    spans = chunk_spans(text, CHUNK_CHARS)
    docs = nlp.pipe(parse_text(text[s:e]) for s, e in spans)
    return [(s, d) for (s, _), d in zip(spans, docs)]


def extract_doc(doc, text: Optional[str] = None) -> list[Statement]:
    """The statements of one parsed article, in article order.

    `text` is the article text as stored when the doc was parsed from a same-length cleaned
    copy (tracker.extract.clean.parse_text); by default the doc's own text.
    """
    return extract_parsed(doc.text if text is None else text, [(0, doc)])


def extract_parsed(text: str, chunks: Iterable[tuple[int, object]], weights: Optional[dict] = None,
                   threshold: Optional[float] = None, model=None, collect: Optional[list] = None,
                   encoded=None) -> list[Statement]:
    """Statements of an article parsed as chunks: (offset of the chunk in text, its Doc).

    By default the shipped learned model (tracker/data/attribution_model.npz, see
    tracker.extract.model) scores every candidate attribution; per cue the best candidate is kept
    when its probability reaches `threshold` (default: the one stored with the model).
    `model=False` (or explicit `weights`) uses the frames alone, filtered by cue weights.
    `collect`, a list, receives a Candidate for every candidate the model scores.
    A model with a span scorer (the accurate mode: load_model(accurate=True)) encodes the text
    with MiniLM first, unless `encoded` gives its (vectors, offsets) already.
    """
    if not text or not text.strip():
        for _ in chunks:  # consume them: a caller may be streaming
            pass
        return []
    if model is None and weights is None:
        model = load_model()
    if model:
        return _extract_model(text, chunks, model, threshold, collect, encoded)
    quotes = find_quotes(text)
    boiler = boilerplate_ranges(text)
    mask = quoted_mask(text, quotes)
    speakers = ArticleSpeakers()
    weights = load_weights() if weights is None else weights
    if threshold is None:
        threshold = weights.get("threshold", 0.0)
    found: list[tuple[Attribution, int, object]] = []  # (attribution, chunk offset, sentence)
    statements: list[Statement] = []
    for base, finder, sent in _sentences(text, chunks, quotes, boiler, speakers, weights):
        for att in finder.find(sent):
            _continue(finder, att)
            if att.score < threshold and att.frame in FILTERED_FRAMES:
                continue
            st = _statement(text, base, att, sent, speakers, mask, quotes, boiler)
            if st is not None:
                statements.append(st)
                found.append((att, base, sent))
        _remember_subject(sent, speakers)
    statements = _dedupe(statements)
    _nest(statements)
    orphan_w = weights.get("frame", {}).get("orphan", {}).get("", 0.5) if weights else 0.5
    if orphan_w >= threshold:
        statements.extend(_orphan_quotes(text, quotes, statements, boiler, orphan_w))
    _owner_kinds(statements)
    statements.sort(key=lambda s: (s.claim_start, s.cue_start or 0))
    for i, st in enumerate(statements):
        st.position = i
    return statements


def _sentences(text: str, chunks, quotes, boiler, speakers, lexicon, scorer=None, encoded=None):
    """(chunk offset, finder, sentence) for every sentence worth reading, in article order:
    blank sentences and boilerplate lines are passed over. With a span scorer, each finder gets
    its chunk's token vectors from `encoded` (the text's wordpiece vectors and offsets)."""
    for base, doc in chunks:
        n = len(doc.text)
        local = [Quote(q.start - base, q.end - base, q.double, q.balanced)
                 for q in quotes if q.end > base and q.start < base + n]
        finder = SentenceFinder(doc, doc.text, local, lexicon)
        if scorer is not None:
            finder.vectors, finder.scorer = token_vectors(doc, base, *encoded), scorer
            finder.roles = scorer.roles(finder.vectors)
        speakers.observe_doc(doc, None)
        for sent in doc.sents:
            s0, s1 = base + sent.start_char, base + sent.end_char
            if text[s0:s1].strip() and not _inside(boiler, s0, s1):
                yield base, finder, sent


def _extract_model(text: str, chunks, model, threshold, collect, encoded=None) -> list[Statement]:
    if model.scorer is not None and encoded is None:
        encoded = model.encoder().vectors(text)
    quotes = find_quotes(text)
    boiler = boilerplate_ranges(text)
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
    for base, finder, sent in _sentences(text, chunks, quotes, boiler, speakers, lexicon,
                                         model.scorer, encoded):
        for alternatives in finder.candidates(sent):
            best = None
            for att in alternatives:
                _continue(finder, att)
            flist = [features(att, finder, sent) for att in alternatives]
            group_features(flist, [trim_chars(finder.text, a.content_start, a.content_end) for a in alternatives], finder)
            hlist = [hashed(f) for f in flist]
            if model.r is not None:
                # the ranker picks the cue's span, the decision model says whether it stands
                k = max(range(len(alternatives)), key=lambda k: model.rank(hlist[k]))
                best = alternatives[k]
                best.score = model.prob(hlist[k])
            for att, feats, h in zip(alternatives, flist, hlist):
                if model.r is None:
                    att.score = model.prob(h)
                    if best is None or att.score > best.score:
                        best = att
            if collect is not None:
                structural = _structural(alternatives[0])
                collect.extend(_candidate(att, feats, base, group, structural) for att, feats in zip(alternatives, flist))
            group += 1
            if best is None:
                continue
            if best.score < threshold and not (keep_structural and _structural(alternatives[0])):
                continue
            st = _statement(text, base, best, sent, speakers, mask, quotes, boiler)
            if st is not None:
                st._variant = best.extra.get("variant")
                st._carried = bool(best.extra.get("cont"))
                statements.append(st)
        lead = _lead_in(text, base, sent, speakers, lexicon)
        if lead is not None:
            leadins.append(lead)
        _remember_subject(sent, speakers)
    statements = _dedupe(statements)
    if model.meta.get("resolve_overlaps", True):
        statements = _resolve_overlaps(text, statements)
    _yield_carried_on(text, statements)
    _nest(statements)
    if model.meta.get("orphan", 0.5) >= threshold:
        def scorer(feats, qs, qe):
            nonlocal group
            p = model.prob(hashed(feats))
            if collect is not None:
                collect.append(Candidate(feats, qs, qe, group, None, None, "orphan", "base", score=p))
            group += 1
            return p if p >= threshold else None

        statements.extend(_orphan_quotes(text, quotes, statements, boiler, 0.0, scorer, leadins))
    _owner_kinds(statements)
    statements.sort(key=lambda s: (s.claim_start, s.cue_start or 0))
    for i, st in enumerate(statements):
        st.position = i
    return statements


def _candidate(att: Attribution, feats: list, base: int, group: int, structural: bool) -> Candidate:
    def shift(s, e):
        return (base + s, base + e) if s is not None else (None, None)

    ch = att.channel_token
    return Candidate(feats, base + att.content_start, base + att.content_end, group, base + att.cue_start,
                     base + att.cue_end, att.frame, att.extra.get("variant", "base"),
                     *shift(att.speaker_start, att.speaker_end), att.source,
                     shift(ch.idx, ch.idx + len(ch.text)) if ch is not None else None,
                     bool(att.extra.get("cont")), structural, att.score)


def _structural(att: Attribution) -> bool:
    """The frame itself is the evidence: "according to", ", reported X", a quotation at its cue,
    or a speaker who said or told that ... (a hand-listed speech verb with a that-clause)."""
    if att.frame in STRUCTURAL_FRAMES:
        return True
    tok = att.cue_token
    return att.frame == "ccomp" and att.speaker_head is not None and tok is not None \
        and tok.lemma_.lower() in cues.SPEECH_VERBS and att.content_start > att.cue_start \
        and any(c.dep_ == "ccomp" and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)
                for c in tok.children)


def _continue(finder, att: Attribution) -> None:
    """Stretch '"A," he said.' over the quotation that carries on in the next sentence."""
    found = finder.continuation(att)
    if found is not None and found[1] > att.content_end:
        opening = att.cue_start if att.speaker_start is None else min(att.cue_start, att.speaker_start)
        att.extra["cont"] = (opening, found[0])  # the words between A and B: not quoted, not content
        att.content_end = found[1]


def _owner_kinds(statements: list[Statement]) -> None:
    """A speaker met through its document or spokesperson ("a UN readout") is of its owner's
    kind (the United Nations is an organization), not the document's. Done last: the decisions
    above read the mention's kind."""
    owners = {st.speaker: st._owner_kind for st in statements
              if getattr(st, "_owner_kind", None) and st.speaker}
    for st in statements:
        if st.speaker in owners and st.speaker_kind in ("document", "person", None):
            st.speaker_kind = owners[st.speaker]


def _resolve_overlaps(text: str, statements: list[Statement]) -> list[Statement]:
    """Two claims over mostly the same words are one attribution: the more confident one stays.

    A claim that opens with the other's speaker and cue reports it ("the readout said Guterres
    told leaders that ..."): nested, not a rival, so both stay.
    """
    kept: list[tuple[int, int, Statement]] = []
    out = []
    for st in sorted(statements, key=lambda s: -s.confidence):
        s, e = trim_chars(text, st.claim_start, st.claim_end)
        clash = False
        for a, b, other in kept:
            inter = min(b, e) - max(a, s)
            if inter > 0 and inter / ((b - a) + (e - s) - inter) >= 0.5 \
                    and not _reports(other, st) and not _reports(st, other):
                clash = True
                break
        if not clash:
            kept.append((s, e, st))
            out.append(st)
    return out


def _yield_carried_on(text: str, statements: list[Statement]) -> None:
    """'"A," he said. "B.\n\n"C," he added': B was carried on into A's claim, so the claim of
    the frame after C starts at C's paragraph, not at B (quotations that run over paragraphs
    are found as one)."""
    for x in statements:
        if not getattr(x, "_carried", False):
            continue
        for y in statements:
            if y is x or y.cue_start is None or not (x.cue_end <= y.claim_start < x.claim_end < y.claim_end) \
                    or y.cue_start < x.claim_end:
                continue
            nl = text.find("\n", x.claim_end, y.claim_end)
            if nl < 0:
                continue
            cs, ce = trim_chars(text, nl, y.claim_end)
            if ce - cs >= 2:
                y.claim_start, y.claim = cs, text[cs:y.claim_end]


def _reports(outer: Statement, inner: Statement) -> bool:
    """The outer claim opens with the inner attribution's frame ("Guterres told", "According to")."""
    if inner.cue_start is None or not outer.claim_start <= inner.cue_start < outer.claim_end:
        return False
    # the frame's own speaker: one found above the frame (_governing_subject) is not part of it
    ss = inner.speaker_start if not getattr(inner, "_speaker_above", False) else None
    opening = min(inner.cue_start, ss if ss is not None else inner.cue_start)
    return outer.claim_start - 2 <= opening <= outer.claim_start + 2


def _inside(ranges, s: int, e: int) -> bool:
    return any(a <= s and e <= b + 1 for a, b in ranges)


def _overlaps(ranges, s: int, e: int) -> bool:
    return any(s < b and a < e for a, b in ranges)


def _kind(text: str, mask: bytearray, cs: int, ce: int, frame: tuple[int, int]) -> str:
    quoted = unquoted = 0
    for i in range(cs, ce):
        c = text[i]
        if c.isspace() or not c.isalnum():
            continue
        if mask[i]:
            quoted += 1
        elif not (frame[0] <= i < frame[1]):
            unquoted += 1
    if not quoted:
        return "indirect"
    if not unquoted:
        # fully quoted: direct unless the quotation also holds the frame ("expressed his expectation")
        for i in range(cs - 1, max(-1, cs - 400), -1):
            if not mask[i]:
                break
            if text[i] in "“\"«„":
                between = text[i + 1:cs]
                if any(ch.isalnum() for ch in between):
                    return "mixed"
                break
        return "direct"
    return "mixed"


def _governing_subject(att: Attribution):
    """For a frame that found no speaker: the subject of the nearest clause above its cue
    ('Voters were more likely to say that X', 'Romney ran on ... and accused Obama of X',
    'She is a fervent supporter of X'), or None."""
    tok = att.cue_token
    if tok is None or att.frame in ("according", "orphan", "colon"):
        return None
    if tok.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubjpass", "expl", "nsubj", "csubj") for c in tok.children):
        return None  # the frame saw this clause's own subject and passed it over
    v = tok
    for _ in range(4):
        if v.head.i == v.i or v.dep_ in ("relcl", "ccomp", "pcomp", "csubj", "advcl", "parataxis"):
            return None
        v = v.head
        for c in v.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i:
                if c.lower_ in _NOT_SUBJECTS or c.pos_ in ("DET", "NUM", "ADJ") and c.lower_ != "all" \
                        or c.lower_ in cues.NOT_SPEAKERS:
                    return None
                left, right = np_range(c)
                doc = c.doc
                a, b = span_chars(doc, left, right)
                if a < att.content_end and att.content_start < b:
                    return None
                return c
        if v.pos_ in ("VERB", "AUX") and v.dep_ not in ("conj", "xcomp", "acomp"):
            if not any(c.dep_ in ("xcomp", "acomp", "attr", "dobj", "prep", "pobj", "conj") for c in v.children):
                return None
    return None


def _statement(text, base, att: Attribution, sent, speakers: ArticleSpeakers, mask, quotes, boiler):
    cs, ce = trim_chars(text, base + att.content_start, min(len(text), base + att.content_end))
    if ce - cs < 2 or not any(ch.isalnum() for ch in text[cs:ce]):
        return None
    if _overlaps(boiler, cs, ce):
        return None
    # a claim that is only a scare-quoted term is not a statement
    for q in quotes:
        qs, qe = trim_chars(text, *q.inner)
        inner = text[q.inner[0]:q.inner[1]].rstrip()
        if inner[-1:] in ",.!?":
            continue  # a quotation that ends like speech ("'We will win,' he said") is no scare quote
        if qs <= cs and ce <= qe + 1 and len(text[qs:qe].split()) <= SCARE_QUOTE_WORDS and \
                (not q.double or len(text[cs:ce].split()) <= SCARE_QUOTE_WORDS) and \
                (cs - qs) <= 1:
            return None
    cue_s, cue_e = base + att.cue_start, base + att.cue_end
    spk = None
    ss = se = None
    resolved = Resolved(None, None)
    if att.speaker_start is None:
        subj = _governing_subject(att)
        if subj is not None:
            sl, sr = np_range(subj)
            a, b = span_chars(subj.doc, sl, sr)
            mention = text[base + a:base + b]
            if "\n" not in mention and mention.strip().lower() not in cues.NOT_SPEAKERS:
                ss, se, spk = base + a, base + b, mention
                resolved = speakers.resolve(subj, mention)
    elif (att.cue_lemma or "").split(" ")[0] in cues.RAISING_VERBS and cs <= base + att.speaker_start \
            and base + att.speaker_end <= ce:
        pass  # "Turnout appears to have fallen": the subject is part of what appears, nobody says it
    else:
        ss, se = base + att.speaker_start, base + att.speaker_end
        spk = text[ss:se]
        # a speaker mention never holds a line break or a headline word
        if "\n" in spk or spk.strip().lower() in cues.NOT_SPEAKERS:
            return None
        head = att.speaker_head
        if head is not None and head.lower_ in ("who", "that", "which") and head.head.dep_ == "relcl":
            noun = head.head.head  # the noun the relative clause hangs on
            resolved = speakers.resolve(noun, " ".join(t.text for t in noun.doc[noun.left_edge.i:noun.i + 1]))
        else:
            resolved = speakers.resolve(head, spk)
        speakers.spoke(resolved)
    source = att.source
    head = att.speaker_head
    if head is not None and head.lemma_.lower() in cues.SOURCE_NOUNS and source is None:
        source = cues.SOURCE_NOUNS[head.lemma_.lower()]
    channel = None
    if att.channel_token is not None:
        channel = speakers.resolve(att.channel_token, att.channel_token.text).name
    if resolved.kind == "media":
        channel = resolved.name
    frame = (min(cue_s, ss if ss is not None else cue_s), max(cue_e, se if se is not None else cue_e))
    if att.extra.get("cont"):
        frame = (base + att.extra["cont"][0], base + att.extra["cont"][1])
    kind = _kind(text, mask, cs, ce, frame if cs < frame[0] < ce else (0, 0))
    sentence = text[base + sent.start_char: base + sent.end_char].strip()
    st = Statement(
        claim=text[cs:ce], claim_start=cs, claim_end=ce,
        cue=text[cue_s:cue_e], cue_lemma=att.cue_lemma, cue_start=cue_s, cue_end=cue_e,
        speaker=resolved.name, speaker_text=spk, speaker_start=ss, speaker_end=se,
        speaker_kind=resolved.kind, kind=kind, source=source, channel=channel,
        confidence=round(float(att.score), 3), sentence=sentence,
    )
    st._frame = att.frame  # which rule fired: read by benchmarks/train.py, not stored
    st._speaker_above = att.speaker_start is None and ss is not None
    st._owner_kind = resolved.owner_kind
    return st


class _Lead(tuple):
    """What one sentence tells the quotations no frame claimed. As a tuple: (its end, resolved
    speaker, mention start, mention end, mention) when the whole sentence leads into what follows
    ("Smith told the crowd:"), else (its end, None, None, None, None); `lead` says which.
    `before`/`after` map the offset of a quotation mark in it to the speaking clause right before
    the mark ('Smith boomed: "') or right after it ('" he said', '" said Smith'), as
    (resolved speaker, mention start, mention end, mention)."""

    lead = False
    before: dict = {}
    after: dict = {}


_QUOTE_TOKENS = frozenset({'"', "“", "”", "''", "``", "„"})
_NOT_SUBJECTS = frozenset({"it", "there", "this", "that", "which", "what"})


def _speaks(tok, lexicon: dict) -> bool:
    lem = tok.lemma_.lower()
    return tok.pos_ in ("VERB", "AUX") and (lem in cues.SPEECH_VERBS or lem in lexicon.get("verbs", ()))


def _person_like(subj) -> bool:
    return bool(subj.pos_ in ("PROPN", "PRON") or subj.ent_type_ or subj.lemma_.lower() in cues.PERSON_NOUNS
                or subj.lemma_.lower() in cues.GROUP_NOUNS)


def _mention(text, base, subj, speakers, read_ahead: bool = False):
    """(resolved, start, end, mention) of the noun phrase headed by subj, or None."""
    if subj is None or subj.lower_ in _NOT_SUBJECTS or subj.lower_ in cues.NOT_SPEAKERS or subj.is_punct:
        return None
    sl, sr = np_range(subj)
    ss, se = span_chars(subj.doc, sl, sr)
    ss, se = base + ss, base + se
    mention = text[ss:se]
    if "\n" in mention or not mention.strip():
        return None
    res = peek(speakers, subj, mention) if read_ahead else speakers.resolve(subj, mention)
    return res, ss, se, mention


def _trailing_speaker(doc, j: int, stop: int, lexicon: dict, loose: bool):
    """The subject of a verb opening the clause at token j, right after a closing quotation mark
    ('said Smith', 'he told CBS', 'the group shouted'), else None. The verb must be a speech verb
    unless the quotation ended on a comma, question or exclamation mark (`loose`): '"No," Smith
    bristled'."""
    mark = j - 1
    while j < stop and doc[j].is_punct and doc[j].text in (",", "\u2014", "\u2013", "-", "--"):
        j += 1
    if j >= stop or doc[j].text in _QUOTE_TOKENS:
        return None

    def verb_ok(v):
        if not (_speaks(v, lexicon) or loose and v.pos_ == "VERB"):
            return False
        # a negation inside the quotation ('"Absolutely not," she said') is not the verb's
        return not any(c.dep_ == "neg" and c.i > mark for c in v.children)

    t = doc[j]
    if t.pos_ in ("VERB", "AUX"):
        if not verb_ok(t):
            return None
        # inverted: the subject follows ('said Smith'); the quotation may hang on the verb as a
        # clausal subject of its own
        subj = next((c for c in t.rights if c.dep_ == "nsubj"), None)
        if subj is None and loose and not any(c.dep_ in ("nsubj", "nsubjpass") and c.i > mark for c in t.children):
            # '"...," says Smith' misparsed: Smith the object, or "tweeted" a modifier of Smith
            subj = next((c for c in t.rights if c.dep_ == "dobj"), None)
            if subj is None and t.dep_ == "amod" and t.head.i > t.i and t.tag_ in ("VBD", "VBZ"):
                subj = t.head
        return subj
    for v in doc[j + 1:min(stop, j + 10)]:
        if v.is_punct or v.text in _QUOTE_TOKENS:
            break
        if v.pos_ in ("VERB", "AUX"):
            subj = subject_of(v) if verb_ok(v) else None
            if subj is not None and subj.i < v.i:
                left, right = np_range(subj)
                if left == j and v.i - right <= 3:
                    return subj
            break
    return None


def _leading_speaker(doc, i: int, start: int, lexicon: dict):
    """The subject of the clause that leads into the quotation opening at token i
    ('Trump leaned in and boomed: "', 'Trump issued a statement, "'), else None."""
    p = i - 1
    while p > start and doc[p].is_space:
        p -= 1
    if p <= start:
        return None
    mark = doc[p]
    w = p - 1 if mark.text in (":", ",") else p
    if w < start or doc[w].is_punct:
        return None
    v = doc[w]
    # up from the last word before the mark, staying before it, to the nearest verb with a
    # speaking subject
    for _ in range(6):
        if v.pos_ in ("VERB", "AUX"):
            subj = subject_of(v)
            if subj is not None and subj.i < i and subj.lower_ not in _NOT_SUBJECTS:
                if is_negated(v) or not (mark.text == ":" or _speaks(v, lexicon) or
                                         mark.text == "," and v.i >= p - 4):
                    return None
                return subj if _person_like(subj) else None
        if v.head.i == v.i or v.head.i >= i:
            break
        v = v.head
    return None


def _lead_in(text: str, base: int, sent, speakers: ArticleSpeakers, lexicon: dict):
    """What the sentence tells the quotations no frame claimed (a _Lead), or None.

    A sentence whose subject speaks and which leads into what follows ("Smith told the crowd:",
    "She added") makes the quotation right after it most likely that speaker's; a quotation
    mark inside it may open right after a speaking clause or close right before one."""
    doc = sent.doc
    lead = None
    root = sent.root
    last = text[base + sent.start_char: base + sent.end_char].rstrip()
    lem = root.lemma_.lower()
    if (last.endswith(":") or lem in cues.SPEECH_VERBS or lem in lexicon.get("verbs", ())) and not is_negated(root):
        subj = subject_of(root)
        if subj is not None and subj.lower_ not in ("it", "there", "this", "that", "which") \
                and subj.lower_ not in cues.NOT_SPEAKERS and _person_like(subj):
            sl, sr = np_range(subj)
            ss, se = span_chars(doc, sl, sr)
            ss, se = base + ss, base + se
            mention = text[ss:se]
            if "\n" not in mention:
                lead = (base + sent.end_char, speakers.resolve(subj, mention), ss, se, mention)
    before, after = {}, {}
    for t in sent:
        if t.text not in _QUOTE_TOKENS:
            continue
        ends = doc[t.i - 1].text if t.i > 0 else ""
        subj = None
        if ends != ".":  # '"We will win." He said ...': the sentence ended inside the quotation
            subj = _trailing_speaker(doc, t.i + 1, min(len(doc), sent.end + 12), lexicon,
                                     ends in (",", "?", "!", "\u2014", "--", "\u2026"))
        m = _mention(text, base, subj, speakers, read_ahead=True) if subj is not None else None
        if m is not None:
            after[base + t.idx + len(t.text)] = m
        if t.i > sent.start:
            subj = _leading_speaker(doc, t.i, sent.start, lexicon)
            m = _mention(text, base, subj, speakers, read_ahead=True) if subj is not None else None
            if m is not None:
                before[base + t.idx] = m
    if lead is None and not before and not after:
        return None
    out = _Lead(lead if lead is not None else (base + sent.end_char, None, None, None, None))
    out.lead = lead is not None
    out.before, out.after = before, after
    return out


def _remember_subject(sent, speakers: ArticleSpeakers) -> None:
    """The subject of a sentence's main verb is who a later 'he' most likely means."""
    root = sent.root
    for c in root.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            if c.ent_type_ == "PERSON" or c.lemma_.lower() in cues.PERSON_NOUNS and c.tag_ == "NN":
                text = " ".join(t.text for t in c.subtree if not t.is_punct)
                if len(text) < 80:
                    r = speakers.resolve(c, text)
                    speakers.spoke(r)
            break


def _dedupe(statements: list[Statement]) -> list[Statement]:
    """One statement per claim span: the most confident cue wins."""
    best: dict = {}
    for s in statements:
        key = (s.claim_start, s.claim_end)
        if key not in best or s.confidence > best[key].confidence:
            best[key] = s
    keep = set(map(id, best.values()))
    return [s for s in statements if id(s) in keep]


def _nest(statements: list[Statement]) -> None:
    """An attribution inside another's claim takes the outer one's source or channel."""
    for outer in statements:
        if outer.speaker_start is None:
            continue
        outer_is_media = outer.speaker_kind == "media"
        outer_source = outer.source if outer.source and outer.speaker_kind in ("document", "person") else None
        if not outer_is_media and not outer_source:
            continue
        for inner in statements:
            if inner is outer or inner.cue_start is None:
                continue
            if outer.claim_start <= inner.cue_start < outer.claim_end:
                if outer_is_media and not inner.channel:
                    inner.channel = outer.speaker
                if outer_source and not inner.source and outer.source in cues.SOURCE_NOUNS.values():
                    inner.source = outer.source


def _nearest_speaker(statements, orphans, start: int, reach: int = 1500):
    """The statement with a speaker whose claim comes last before `start` (within `reach`)."""
    best = None
    for s in (*statements, *orphans):
        if s.speaker_start is None or not start - reach < s.claim_start < start:
            continue
        if s.cue_start is not None and s.cue_start >= start:
            continue
        if best is None or s.claim_start > best.claim_start:
            best = s
    return best


def _orphan_quotes(text, quotes, statements, boiler, confidence: float, scorer=None,
                   leadins=()) -> list[Statement]:
    """Quotations no frame claimed: spoken by whoever the clause right after them names ('"...,"
    he said'), else the sentence or clause leading into them, else the nearest speaker before them.

    `scorer(features, start, end)` (the learned model) gives each its confidence, or None to drop it.
    """
    out = []
    claimed = sorted((s.claim_start, s.claim_end) for s in statements)
    trailing, opening = {}, {}
    for li in leadins:
        trailing.update(getattr(li, "after", {}))
        opening.update(getattr(li, "before", {}))
    for q in quotes:
        if not q.double:
            continue
        qs, qe = trim_chars(text, *q.inner)
        if qe <= qs or len(text[qs:qe].split()) < MIN_ORPHAN_WORDS:
            continue
        if _overlaps(boiler, qs, qe):
            continue
        if any(min(qe, b) - max(qs, a) > 0.3 * (qe - qs) for a, b in claimed):
            continue
        # speech-like: the quotation opens a paragraph or sentence
        before = text[max(0, q.start - 3):q.start].strip()
        if before and before[-1] not in ".!?:\n" and len(text[qs:qe].split()) < 12:
            continue
        prev = None
        for s in statements:
            if s.speaker_start is not None and s.cue_start is not None and s.cue_start < q.start \
                    and q.start - s.cue_start < 1500 and not getattr(s, "_speaker_above", False):
                prev = s
        lead = None
        for li in leadins:
            if not getattr(li, "lead", True):
                continue
            if li[0] <= q.start and not text[li[0]:q.start].strip(" \t\n\r\u00a0:"):
                lead = li
            elif li[0] > q.start:
                break
        if scorer is not None:
            p = scorer(orphan_features(text, q, qs, qe, prev, lead is not None), qs, qe)
            if p is None:
                continue
            confidence = p
        st = Statement(claim=text[qs:qe], claim_start=qs, claim_end=qe, kind="direct",
                       confidence=round(confidence, 3), sentence=text[q.start:q.end])
        st._frame = "orphan"
        # who says it: the clause right after the quotation ('" he said'), the sentence leading
        # into it ("Smith told the crowd:"), the clause it opens on ('Smith boomed: "'), else the
        # speaker of the statement before it
        said = trailing.get(q.end) if q.balanced else None
        if said is None and lead is not None:
            said = lead[1:]
        if said is None:
            said = opening.get(q.start)
        if said is not None:
            res, ss, se, mention = said
            st.speaker, st.speaker_text, st.speaker_start, st.speaker_end = res.name, mention, ss, se
            st.speaker_kind = res.kind
            if res.kind == "media":
                st.channel = res.name
        else:
            prev = _nearest_speaker(statements, out, q.start) or prev
            # '"A," said Smith. "B."': B continues the quotation whose speaker follows it
            last = max((k for k in trailing if k <= q.start and "\n" not in text[k:q.start]
                        and (prev is None or k > prev.claim_start)), default=None)
            if last is not None:
                said = trailing[last]
                res, ss, se, mention = said
                st.speaker, st.speaker_text, st.speaker_start, st.speaker_end = res.name, mention, ss, se
                st.speaker_kind = res.kind
        if said is None and prev is not None:
            st.speaker, st.speaker_text = prev.speaker, prev.speaker_text
            st.speaker_start, st.speaker_end = prev.speaker_start, prev.speaker_end
            st.speaker_kind, st.source, st.channel = prev.speaker_kind, prev.source, prev.channel
        out.append(st)
    return out
