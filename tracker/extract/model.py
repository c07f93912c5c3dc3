"""The learned candidate scorer: hashed sparse features of a candidate attribution, two linear models.

Every cue the frames find comes with alternative content spans (tracker.extract.finder
SentenceFinder.candidates); each alternative is described by a few dozen string features (cue
lemma, frame, span variant, parse context, speaker type, quotation marks, length ...), hashed
into 2**BITS buckets. A span ranker (softmax weights) picks each cue's span; a decision model
(logistic-regression weights) gives the pick its probability, and the pick stands when that
reaches the stored threshold. Both are trained by benchmarks/train.py. The artifact
(tracker/data/attribution_model.npz) holds weights and lemma lists only; an artifact without
ranker weights lets the decision model pick the span itself.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import os
import zlib
from importlib import resources
from pathlib import Path
from typing import Optional

import numpy as np

from . import cues
from .encoder import Encoder, load_encoder, model_dir
from .neural import ROLES, SpanScorer, representation, span_indices
from .syntax import trim_chars

BITS = 18
MASK = (1 << BITS) - 1
# What the frames propose and the models read, by version: a model trained on an older one (its meta
# "features", 1 when absent) gets the candidates and features it was trained on. 2: the content's
# head (_head_features) and the noun frame's to-infinitives ("her pledge to cut the toll").
FEATURES = 2
MODEL_FILE = "data/attribution_model.npz"
ACCURATE_FILE = "data/attribution_model_accurate.npz"
TUNED = "enc_"  # prefix of the fine-tuned encoder weights in the accurate model's artifact

_LEXICONS = (("sp", cues.SPEECH_VERBS), ("me", cues.MENTAL_VERBS), ("ob", cues.OBJECT_CONTENT_VERBS),
             ("xc", cues.XCOMP_CONTENT_VERBS), ("inv", cues.INVERTED_VERBS), ("rn", cues.REPORTING_NOUNS))
_CHILD_DEPS = frozenset("aux auxpass neg advmod prt dative dobj ccomp xcomp prep mark nsubjpass agent "
                        "attr oprd advcl parataxis conj".split())


class Model:
    """Weights over hashed features, with the threshold and lexicon they were trained with."""

    def __init__(self, weights, meta: dict, ranker=None, scorer: Optional[SpanScorer] = None,
                 tuned: Optional[dict] = None):
        self.w = [float(x) for x in weights] if not isinstance(weights, list) else weights
        self.meta = meta
        self.threshold = float(meta.get("threshold", 0.5))
        self.r = ranker  # weights of the span ranker (which alternative of a cue), or None
        self.scorer = scorer  # the accurate mode's span scorer over encoder vectors, or None
        self.tuned = tuned  # the encoder weights the scorer was fine-tuned with, or None
        self._encoder = None

    def encoder(self):
        """The encoder whose vectors the span scorer reads (loaded on first use): MiniLM with
        the fine-tuned layers this model ships, or as published when it ships none."""
        if self._encoder is None:
            self._encoder = Encoder(model_dir(), self.tuned) if self.tuned else load_encoder()
        return self._encoder

    def rank(self, idx) -> float:
        """How good this content span is among its cue's alternatives (a softmax score), from
        its hashed features (hashed())."""
        return sum(map(self.r.__getitem__, idx))

    def lexicon(self) -> dict:
        """The cue lemmas the model learned beyond the hand-written lists (the finder's triggers)."""
        return {"verbs": self.meta.get("verbs", ()), "nouns": self.meta.get("nouns", ()),
                "adjs": self.meta.get("adjs", ()), "features": self.meta.get("features", 1)}

    def prob(self, idx) -> float:
        """The probability that this candidate is an attribution, from its hashed features."""
        z = sum(map(self.w.__getitem__, idx))
        if z < -30:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


def hash_features(feats) -> list[int]:
    # surrogatepass: a lone surrogate in the text (it happens) must hash, not crash
    return [zlib.crc32(f.encode("utf-8", "surrogatepass")) & MASK for f in feats]


def hashed(feats) -> set[int]:
    """The distinct buckets of a feature list, as the models were trained on them: a feature
    that occurs twice counts once."""
    return set(hash_features(feats))


@functools.lru_cache(maxsize=None)
def load_model(accurate: bool = False) -> Optional[Model]:
    """The shipped model, None when absent. `accurate` loads the accurate
    mode's model, which carries a span scorer over encoder vectors. $TRACKER_ATTRIBUTION_MODEL
    (or $TRACKER_ACCURATE_MODEL) names another artifact instead (benchmarks)."""
    override = os.environ.get("TRACKER_ACCURATE_MODEL" if accurate else "TRACKER_ATTRIBUTION_MODEL")
    path = (Path(override) if override
            else resources.files("tracker").joinpath(ACCURATE_FILE if accurate else MODEL_FILE))
    try:
        with path.open("rb") as f:
            data = np.load(f, allow_pickle=False)
            idx = data["idx"].astype(np.int64)
            val = data["val"].astype(np.float32)
            meta = json.loads(str(data["meta"]))
            ranker = None
            if "ridx" in data.files:
                ranker = _unpack(data["ridx"].astype(np.int64), data["rval"].astype(np.float32))
            scorer = SpanScorer.from_arrays(data) if "nn_w1" in data.files else None
            tuned = {k[len(TUNED):]: data[k] for k in data.files if k.startswith(TUNED)} or None
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return None
    return Model(_unpack(idx, val), meta, ranker, scorer, tuned)


def _unpack(idx, val) -> list[float]:
    """A dense weight list from the stored nonzero (index, value) pairs."""
    w = [0.0] * (1 << BITS)
    for i, v in zip(idx.tolist(), val.tolist()):
        w[i] = v
    return w


def _bucket(n: int) -> int:
    return min(int(math.log2(n + 1)), 9)


def features(att, finder, sent) -> list[str]:
    """String features of one candidate attribution (offsets relative to the finder's chunk)."""
    text = finder.text
    tok = att.cue_token
    fr = att.frame
    var = att.extra.get("variant", "base")
    lem = att.cue_lemma or ""
    f = ["b", "fr=" + fr, "var=" + var, "fv=" + fr + "|" + var, "lem=" + lem, "lf=" + lem + "|" + fr,
         "lv=" + lem + "|" + var]
    head_lem = lem.split(" ")[0]
    for name, lex in _LEXICONS:
        if head_lem in lex:
            f.append("lex=" + name + "|" + fr)
    if tok is not None:
        f += ["tag=" + tok.tag_, "tagf=" + tok.tag_ + "|" + fr, "dep=" + tok.dep_ + "|" + fr,
              "ld=" + lem + "|" + tok.dep_]
        for c in tok.children:
            if c.dep_ in _CHILD_DEPS:
                f.append("ch=" + c.dep_ + "|" + fr)
                if c.dep_ in ("aux", "auxpass", "advmod", "prep", "mark"):
                    f.append("chw=" + c.dep_ + "|" + c.lower_)
                if c.dep_ == "prep":
                    f.append("lp=" + lem + "|" + c.lower_)
        head = tok.head
        if head.i != tok.i:
            f.append("hd=" + head.lemma_.lower())
            f.append("hdp=" + tok.dep_ + "|" + head.pos_)
        else:
            f.append("hd=ROOT")
        first = sent.start
        while first < tok.i and tok.doc[first].is_punct:
            first += 1
        if tok.i == first:
            f.append("sentinit")
        q = finder.quote_at(tok.idx)
        if q is not None:
            # an unbalanced quotation runs to its paragraph's end: the cue may well follow it
            f.append(("cueinq|" if q.balanced else "cueinopenq|") + fr)
    sh = att.speaker_head
    if sh is None:
        st = "none"
    elif sh.pos_ == "PRON":
        st = "pron_" + sh.lower_
    elif sh.ent_type_:
        st = "ent_" + sh.ent_type_
    elif sh.pos_ == "PROPN":
        st = "propn"
    else:
        st = "noun"
    f += ["spk=" + st, "spkf=" + st + "|" + fr, "spkv=" + st + "|" + head_lem]
    if sh is not None:
        f.append("spkl=" + sh.lemma_.lower())
        if tok is not None:
            f.append("spkpos=" + ("after" if sh.i > tok.i else "before") + "|" + fr)
    cs, ce = trim_chars(text, att.content_start, att.content_end)
    span = text[cs:ce]
    nw = len(span.split())
    nb = _bucket(nw)
    f += ["len=%d" % nb, "lenf=%d|%s" % (nb, fr), "lenv=%d|%s" % (nb, var)]
    # quoted share of the content
    quoted = 0
    for q in finder.quotes.overlapping(cs, ce):
        if q.double:
            quoted += min(q.end, ce) - max(q.start, cs)
    share = quoted / max(1, ce - cs)
    qb = "0" if share == 0 else ("lo" if share < 0.5 else ("hi" if share < 0.95 else "all"))
    f += ["q=" + qb, "qf=" + qb + "|" + fr, "qv=" + qb + "|" + var]
    if cs >= att.cue_end:
        rel, gap = "after", cs - att.cue_end
    elif ce <= att.cue_start:
        rel, gap = "before", att.cue_start - ce
    else:
        rel, gap = "over", 0
    gb = _bucket(gap)
    f += ["rel=" + rel + "|" + fr, "gap=%d|%s" % (gb, rel)]
    words = span.split(None, 1)
    fw = words[0].lower().strip("\"'“”‘’,") if words else ""
    f += ["fw=" + fw, "fwf=" + fw + "|" + fr]
    lc = span[-1:] if span else ""
    f.append("lc=" + (lc if lc in "?!" else ("a" if lc.isalnum() else "p")))
    s0, s1 = sent.start_char, sent.end_char
    if ce > s1 + 1 or cs < s0:
        f.append("xsent|" + var)
    if "\n" in span:
        f.append("nl|" + var)
    if att.extra.get("cont"):
        f += ["cont", "cont|" + var]
    if ce >= s1 - 2:
        f.append("tosentend|" + fr)
    f += _boundary_features(finder, cs, ce, fr, var, lem, sh)
    if finder.scorer is not None:
        f += _scorer_features(finder, cs, ce, att, fr, var)
    return f


def _scorer_features(finder, cs: int, ce: int, att, fr: str, var: str) -> list[str]:
    """The accurate mode's span scorer (tracker.extract.neural), in twentieths, and the role
    tagger's view of the span, when the model has one."""
    indices, score = score_spans(finder, [att])[0]
    d = min(19, int(score * 20))
    f = ["nn=%d" % d, "nnf=%d|%s" % (d, fr), "nnv=%d|%s" % (d, var)]
    if finder.roles is not None:
        # the role tagger, in fifths: how much of the span is content, do its edges look like a
        # content's first and last word, does its cue look like a cue
        roles = finder.roles
        cue, words, _, _ = indices
        inside = min(4, int(roles[words, ROLES.index("content")].mean() * 5))
        edges = min(4, int(min(roles[words[0], ROLES.index("first")], roles[words[-1], ROLES.index("last")]) * 5))
        cued = min(4, int(roles[list(cue), ROLES.index("cue")].max() * 5)) if cue is not None else "none"
        f += ["tgc=%d" % inside, "tgcf=%d|%s" % (inside, fr), "tge=%d" % edges, "tgev=%d|%s" % (edges, var),
              "tgq=%s" % cued, "tgqf=%s|%s" % (cued, fr)]
    return f


def score_spans(finder, atts: list) -> list[tuple]:
    """(span_indices(), the span scorer's probability) of each candidate, the ones not seen yet
    scored in one matrix product (cached on the finder: score a sentence's candidates at once)."""
    cache = finder.__dict__.setdefault("_span_scores", {})
    keys = [(*trim_chars(finder.text, a.content_start, a.content_end), a.cue_start, a.cue_end) for a in atts]
    new = list(dict.fromkeys(k for k in keys if k not in cache))
    if new:
        starts = _token_starts(finder)
        indices = [span_indices(finder.doc, starts, *k) for k in new]
        scores = finder.scorer.scores(np.stack([representation(finder.vectors, i) for i in indices]))[:, 0]
        cache.update(zip(new, zip(indices, scores.tolist())))
    return [cache[k] for k in keys]


def group_features(feats_list: list, spans: list, finder=None) -> None:
    """Add to each alternative of one cue where it stands among the others (shortest, longest)
    and, with the finder, what it adds to or cuts from the frame's own span (the first one)."""
    n = len(spans)
    if n < 2:
        for f in feats_list:
            f.append("alone")
        return
    var = [next((x[4:] for x in f if x.startswith("var=")), "") for f in feats_list]
    if finder is not None:
        for k in range(1, n):
            feats_list[k] += _delta_features(finder, spans[0], spans[k], var[k])
    lens = [e - s for s, e in spans]
    order = sorted(range(n), key=lambda k: lens[k])
    for r, k in enumerate(order):
        tag = "short" if r == 0 else ("long" if r == n - 1 else "mid")
        feats_list[k] += ["rank=" + tag, "rankv=" + tag + "|" + var[k]]


def _delta_features(finder, base: tuple, span: tuple, var: str) -> list[str]:
    """What an alternative span adds to or cuts from the frame's own span, on each side: where
    annotators cut a content is decided by the words at stake ("..., which", "as he ...")."""
    doc = finder.doc
    n = len(doc)
    out = []
    verbs, commas, speech = _token_counts(finder)
    for side, a, b, grow in (("R", min(base[1], span[1]), max(base[1], span[1]), span[1] > base[1]),
                             ("L", min(base[0], span[0]), max(base[0], span[0]), span[0] < base[0])):
        if b - a <= 0:
            continue
        tag = side + ("+" if grow else "-")
        i = min(_token_index(finder, a), n - 1)
        j = max(i + 1, min(_token_index(finder, b), n))
        while i < j - 1 and doc[i].is_space:
            i += 1
        d1 = _tok_desc(doc[i])
        k = i + 1
        while k < j and (doc[k].is_space or doc[k].is_punct):
            k += 1
        d2 = _tok_desc(doc[k]) if k < j else "$"
        nb = _bucket(j - i)
        out += ["d=" + tag, "dv=" + tag + "|" + var, "df=" + tag + "|" + d1, "df2=" + tag + "|" + d1 + "|" + d2,
                "dlen=%s|%d" % (tag, nb), "dverb=%s|%d" % (tag, verbs[j] - verbs[i] > 0),
                "dspeech=%s|%d" % (tag, speech[j] - speech[i] > 0), "dcomma=%s|%d" % (tag, min(2, commas[j] - commas[i]))]
        if side == "R" and k < j:
            w = doc[k]
            out.append("dw=" + tag + "|" + (w.lower_ if w.pos_ in ("SCONJ", "CCONJ", "ADP", "PRON", "ADV") else w.pos_))
    return out


def _token_starts(finder) -> list[int]:
    """The start characters of the finder's tokens (cached on the finder)."""
    starts = getattr(finder, "_tok_starts", None)
    if starts is None:
        starts = finder._tok_starts = [t.idx for t in finder.doc]
    return starts


def _token_index(finder, char: int) -> int:
    """Index of the first token starting at or after char."""
    return bisect.bisect_left(_token_starts(finder), char)


def _token_counts(finder) -> tuple[list[int], list[int], list[int]]:
    """Prefix counts over the doc's tokens of finite verbs, commas and speech verbs, so a
    span's counts cost two lookups instead of a scan (cached on the finder, like token starts)."""
    counts = getattr(finder, "_tok_counts", None)
    if counts is None:
        verbs, commas, speech = [0], [0], [0]
        for t in finder.doc:
            pos = t.pos_
            verbs.append(verbs[-1] + (pos in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP", "MD")))
            commas.append(commas[-1] + (t.text == ","))
            speech.append(speech[-1] + (pos == "VERB" and t.lemma_ in cues.SPEECH_VERBS))
        counts = finder._tok_counts = (verbs, commas, speech)
    return counts


def _tok_desc(t) -> str:
    if t.is_punct:
        return "p" + t.text[:1]
    if t.pos_ in ("CCONJ", "SCONJ", "ADP", "PART", "DET", "PRON", "AUX"):
        return t.lower_
    return t.pos_


def _boundary_features(finder, cs: int, ce: int, fr: str, var: str, lem: str, sh) -> list[str]:
    """What the content starts with and what comes right after it: where annotators cut spans."""
    doc = finder.doc
    n = len(doc)
    if n == 0 or ce <= cs:
        return []
    i = min(_token_index(finder, cs), n - 1)
    j = _token_index(finder, ce)  # the first token after the span
    f = []
    first = doc[i]
    f += ["cfirst=" + _tok_desc(first) + "|" + fr, "cfdep=" + first.dep_]
    while j < n and doc[j].is_space:
        j += 1
    if j < n:
        nx = doc[j]
        d = _tok_desc(nx)
        nx2 = doc[j + 1] if j + 1 < n else None
        d2 = _tok_desc(nx2) if nx2 is not None else "$"
        f += ["cnext=" + d, "cnextv=" + d + "|" + var, "cnext2=" + d + "|" + d2, "cnextdep=" + nx.dep_ + "|" + var]
        if nx.text == "\n" or "\n" in nx.text:
            f.append("cnext=nl")
    else:
        f.append("cnext=$")
    last = doc[min(max(j - 1, i), n - 1)]
    f += ["clast=" + _tok_desc(last) + "|" + var]
    # does the span hold a finite verb (a clause) or only a noun phrase?
    verbs, commas, speech = _token_counts(finder)
    end = max(i + 1, j)
    has_verb = verbs[end] - verbs[i] > 0
    f += ["cverb=%d|%s" % (has_verb, fr), "cverbl=%d|%s" % (has_verb, lem)]
    nc = commas[end] - commas[i]
    f.append("ccommas=%d|%s" % (min(nc, 3), var))
    if speech[end] - speech[min(i + 1, end)] > 0:
        f.append("cinnercue|" + var)
    if sh is not None and sh.lower_ in ("who", "that", "which") and sh.head.dep_ == "relcl":
        ant = sh.head.head
        f.append("spkant=" + (ant.ent_type_ or ant.pos_))
    if finder.features >= 2:
        f += _head_features(doc, i, end, fr, lem)
    return f


def _head_features(doc, i: int, end: int, fr: str, lem: str) -> list[str]:
    """What heads the content (tokens i..end-1, from its first word up to the last head inside
    it): a person, an organization, a pronoun, a clause ("praised Bush" against "led the
    effort"), and whether the span is that head's whole phrase."""
    h = doc[i]
    while i <= h.head.i < end and h.head.i != h.i:
        h = h.head
    d = h.ent_type_ or (h.lower_ if h.pos_ == "PRON" else h.pos_)
    r = h.right_edge.i
    whole = h.left_edge.i == i and (r == end - 1 or r == end and doc[r].is_punct)  # its closing stop outside
    return ["chd=" + d + "|" + fr, "chdl=" + d + "|" + lem, "chdep=" + h.dep_ + "|" + fr,
            "cwhole=%d|%s" % (whole, fr)]


def orphan_features(text: str, q, qs: int, qe: int, prev, lead: bool = False) -> list[str]:
    """Features of a quotation no frame claimed (prev: the last statement with a speaker before it)."""
    body = text[qs:qe]
    nb = _bucket(len(body.split()))
    f = ["b", "fr=orphan", "olen=%d" % nb, "obal=%s" % q.balanced, "olead=%d" % lead]
    before = text[max(0, q.start - 40):q.start]
    f.append("obefore=" + (before.rstrip(" \u00a0")[-1:] or "^"))
    f.append("opara=" + str(before.endswith("\n") or q.start == 0))
    after = text[q.end:q.end + 40].split()
    f.append("oafter=" + (after[0].lower().strip(",.") if after else "$"))
    inner = text[q.inner[0]:q.inner[1]].rstrip()
    f.append("oend=" + (inner[-1:] if inner[-1:] in ",.?!" else "a"))
    f.append("osents=%d" % min(3, body.count(". ")))
    if prev is None:
        f.append("oprev=none")
    else:
        gap = _bucket((q.start - prev.cue_start) // 40)
        f += ["oprevgap=%d" % gap, "oprevkind=" + (prev.kind or ""), "oprevsk=" + str(prev.speaker_kind)]
    return f
