"""Attribution frames on a dependency parse: which words are the cue, the speaker, the content.

Each finder looks at one sentence and returns Attribution candidates with character offsets
relative to the parsed chunk; extract/__init__.py shifts them, resolves speakers and builds
Statements. General frames only: reporting verbs with clausal, infinitival or object content;
reporting nouns with a "that"-clause; "according to"; a trailing ", X said" / ", reported Y";
and quotations attached to the nearest frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from . import cues
from .neural import ROLES

PUNCT_EDGE = set(" \t\n\r\u00a0\"'“”‘’«»‹›„‟‚‛`,;:—–-()[]")
SUBJECT_DEPS = ("nsubj", "csubj")
DASHES = ("—", "–", "-", "--")
CLOSING_MARKS = "”\"’'"  # kept at the end of a content: the quotation it closes
ABBREVIATIONS = frozenset("Mr Mrs Ms Dr Sen Gov Rep Reps Sens St Jr Sr Gen Lt Col Capt Sgt Rev Prof "
                          "Inc Co Corp Ltd No vs Ariz Calif Fla Ill Mass Mich Minn Penn Va Wash Wis".split())
CONTENT_CLAUSE_DEPS = ("ccomp", "parataxis")
TIME_ENTS = ("DATE", "TIME")
GAP_CUES = frozenset("adding saying noting explaining telling asking arguing writing insisting warning "
                     "pointing calling added noted explained asked told wrote continued".split())
# "a self-described socialist": a label its bearer gives themselves
SELF_LABELS = frozenset(("described", "styled", "proclaimed", "identified", "declared"))
ABOUT_PREPS = ("about", "on", "at", "against", "over", "of", "for", "with", "to")
TAGGED = 0.5  # the role tagger's probability that makes a word a cue or content word (accurate mode)


@dataclass
class Attribution:
    cue_start: int
    cue_end: int
    cue_lemma: str
    content_start: int
    content_end: int
    frame: str  # ccomp, quote, xcomp, dobj, noun, according, trailing, orphan
    speaker_head: object = None  # spaCy Token heading the speaker mention, or None
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    cue_token: object = None
    source: Optional[str] = None
    channel_token: object = None  # a media mention attached to the cue ("told CNN")
    score: float = 1.0
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- token helpers

def trim_chars(text: str, s: int, e: int, keep_final: str = "?!") -> tuple[int, int]:
    """Shrink [s, e) past spaces, quote marks and edge punctuation (keeping a final ?/!)."""
    while s < e and text[s] in PUNCT_EDGE:
        s += 1
    while e > s and (text[e - 1] in PUNCT_EDGE or text[e - 1] == "."):
        if text[e - 1] == "." and e - 2 > s and text[e - 2].isupper() and text[e - 3] == ".":
            break  # keep the stop of "U.S."
        e -= 1
    return s, e


def span_chars(doc, i: int, j: int) -> tuple[int, int]:
    """Character range of tokens i..j inclusive."""
    return doc[i].idx, doc[j].idx + len(doc[j].text)


def is_negated(tok) -> bool:
    for c in tok.children:
        if c.dep_ == "neg" or c.lower_ in cues.NEGATION_WORDS:
            return True
    h = tok
    # "declined to say", "refused to comment", "did not want to say"
    for _ in range(2):
        if h.dep_ in ("xcomp", "ccomp") and h.head.i != h.i:
            h = h.head
            if h.lemma_ in cues.NEGATING_HEADS:
                return True
            if any(c.dep_ == "neg" for c in h.children) and h.lemma_ in ("want", "wish", "mean", "intend"):
                return True
        else:
            break
    return False


def _abbreviation(text: str, k: int) -> bool:
    """Does the period at k end an initial or a title ("Gene B. Sperling", "Sen. Amy Klobuchar")
    rather than a sentence?"""
    j = k
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    word = text[j:k]
    return (len(word) == 1 and word.isupper()) or word in ABBREVIATIONS


def trim_right(doc, left: int, right: int, keep_quotes: bool = True) -> int:
    """The span's last token once trailing spaces and punctuation are dropped (closing quote
    marks stay unless keep_quotes is False)."""
    while right > left and (doc[right].is_space or doc[right].is_punct
                            and not (keep_quotes and doc[right].text in CLOSING_MARKS)):
        right -= 1
    return right


def mention_chars(doc, tok) -> tuple[Optional[int], Optional[int]]:
    """Character range of the noun phrase a mention token heads; (None, None) without one."""
    if tok is None:
        return None, None
    left, right = np_range(tok)
    return span_chars(doc, after_dateline(doc, left, right), right)  # "CLEVELAND - Donald Trump"


def is_dateline(tok) -> bool:
    """A place in capitals opening a sentence ("WASHINGTON —", "LONDON (Reuters) -"): where the
    story was filed, never who spoke."""
    if not (tok.text.isupper() and len(tok.text) > 1 and tok.pos_ == "PROPN"):
        return False
    doc = tok.doc
    k = tok.i
    while not doc[k].is_sent_start:  # only capitals before it in its sentence ("NEW YORK")
        k -= 1
        if not doc[k].text.isupper():
            return False
    nxt = doc[tok.i + 1].text if tok.i + 1 < len(doc) else ""
    if nxt == "(":  # "LONDON (Reuters) -", not "NATO (the alliance) said"
        return tok.i + 2 < len(doc) and doc[tok.i + 2].lower_ in cues.MEDIA
    return nxt in DASHES


def discourse_idiom(tok) -> bool:
    """"That said,", "Having said that,", "Needless to say,", "so to speak": a speech verb that
    attributes nothing."""
    doc, i = tok.doc, tok.i
    if tok.lower_ not in ("said", "say", "speak"):
        return False

    def word(k):
        return doc[k].lower_ if 0 <= k < len(doc) else ""

    return ((word(i - 1) in ("that", "this") and word(i + 1) == "," and (i == 1 or doc[i - 2].is_punct
                                                                        or doc[i - 1].is_sent_start))
            or (word(i - 1) == "having" and word(i + 1) in ("that", "this") and word(i + 2) == ",")
            or (word(i - 2), word(i - 1)) in (("needless", "to"), ("so", "to")))


def after_dateline(doc, left: int, right: int) -> int:
    """The first token after a dateline that opens the span ("WASHINGTON — ...", "LONDON (Reuters) - ...")."""
    j = left
    while j < right and doc[j].text.isupper() and doc[j].pos_ == "PROPN":
        j += 1
    if j == left or not is_dateline(doc[j - 1]):
        return left
    if doc[j].text == "(":
        close = next((k for k in range(j, min(right, j + 6)) if doc[k].text == ")"), None)
        if close is None:
            return left
        j = close + 1
    while j < right and (doc[j].text in DASHES or doc[j].is_space):
        j += 1
    return j if j <= right else left


def subject_of(verb, depth: int = 0, surface: bool = False):
    """The subject token of a verb, inherited through coordination and participial clauses.

    `surface`: the grammatical subject even of a passive (what a coordinated verb inherits:
    "Officials were angered by the deal and predicted ..." -- the officials predicted)."""
    if surface:
        for c in verb.children:
            if c.dep_ == "nsubjpass":
                return c
    for c in verb.children:
        if c.dep_ in SUBJECT_DEPS:
            # "Clinton, who said ...": the relative pronoun is the mention (resolved via its noun)
            if c.dep_ == "nsubj" and c.lower_ == "it" and any(x.dep_ == "ccomp" for x in verb.children) \
                    and verb.lemma_ in cues.RAISING_VERBS:
                return None
            if is_dateline(c):
                # "LONDON (Reuters) - Donald Trump said": the parser hangs the speaker off the place
                named = [a for a in c.children if a.dep_ == "appos" and a.lower_ not in cues.MEDIA]
                if named:
                    return named[-1]
                continue  # the speaker may be a second subject
            return c
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    if any(c.dep_ in ("nsubjpass", "expl") for c in verb.children):
        return None
    if depth < 3 and verb.head.i != verb.i:
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            return subject_of(verb.head, depth + 1, surface=True)
        if verb.dep_ in ("xcomp", "advcl", "acl") and (verb.tag_ in ("VBG", "VB") or verb.dep_ == "xcomp"):
            if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
                return verb.head if verb.tag_ == "VBG" else None
            return subject_of(verb.head, depth + 1)
        if verb.dep_ == "relcl":
            return verb.head
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
            return subject_of(verb.head.head, depth + 1)  # "by stating that ..."
        if verb.dep_ == "acl" and verb.tag_ in ("VBD", "VBZ") and verb.head.i == verb.i - 1 \
                and verb.head.pos_ == "PROPN":
            return verb.head  # "Donald Trump called ...", misparsed as a noun with a clause
    # "Trump predicts that ...", misparsed as a compound noun: the name right before the verb
    prev = verb.doc[verb.i - 1] if verb.i > 0 else None
    if prev is not None and prev.head.i == verb.i and prev.dep_ == "compound" and prev.text[:1].isupper() \
            and prev.pos_ in ("PROPN", "NOUN") and verb.tag_ in ("VBZ", "VBD", "NNS") \
            and not any(c.dep_ in ("det", "poss") for c in verb.children):
        return prev
    return None


NP_RIGHT_DEPS = ("prep", "pobj", "compound", "nummod", "flat", "case", "nmod", "amod", "cc", "conj",
                 "poss")


def np_range(head) -> tuple[int, int]:
    """Token range of the noun phrase headed by `head`, without appositions or relative clauses."""
    doc = head.doc
    left = head.i
    for c in head.lefts:
        left = min(left, c.left_edge.i)
        break
    right = head.i
    rights = list(head.rights)
    for k, c in enumerate(rights):
        if c.dep_ in NP_RIGHT_DEPS:
            if c.dep_ == "prep" and c.lower_ not in ("of", "for", "at", "from", "in", "on", "with"):
                break
            right = c.right_edge.i
        elif c.dep_ == "punct" and k + 1 < len(rights) and rights[k + 1].dep_ in ("conj", "cc") \
                and c.text == ",":
            continue
        else:
            break
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    right = trim_right(doc, left, right, keep_quotes=False)
    return left, right


def subtree_range(tok, exclude=()) -> tuple[int, int]:
    """Token range of tok's subtree; subtrees of `exclude` children at either edge are cut off."""
    left, right = tok.left_edge.i, tok.right_edge.i
    ex = [c for c in exclude if c is not None]
    for c in ex:
        cl, cr = c.left_edge.i, c.right_edge.i
        if cl <= left <= cr:
            left = cr + 1
        if cl <= right <= cr:
            right = cl - 1
    return left, right


def time_like(tok) -> bool:
    if tok.ent_type_ in TIME_ENTS:
        return True
    return any(t.ent_type_ in TIME_ENTS for t in tok.subtree) and len(list(tok.subtree)) <= 5


def _complements_end(tok) -> Optional[int]:
    """The end of the verb's last complement on its right before a conjunct or a time phrase."""
    last = None
    for c in tok.rights:
        if c.dep_ in ("prep", "advcl", "oprd", "dative", "xcomp", "ccomp", "dobj", "acomp", "attr") and not time_like(c):
            last = c
        elif c.dep_ in ("cc", "conj", "punct") and last is not None:
            break
    if last is None:
        return None
    edge = last.right_edge
    return edge.idx + len(edge.text)


def clause_without(doc, head, lo: int, hi: int, slack: Optional[int] = None) -> Optional[tuple[int, int]]:
    """Token range of the clause `head` heads without the phrase lo..hi that opens it ("As
    Reuters reported, ...", "In a new poll, ...") or closes it ("..., as the mayor noted."), edge
    punctuation dropped; None when the phrase sits inside the clause. The phrase opens (closes)
    the clause when at most `slack` words stand before (after) it, or, with slack None, only
    punctuation, conjunctions and adverbs before it (punctuation after it)."""
    left, right = head.left_edge.i, head.right_edge.i
    before, after = doc[left:lo], doc[hi + 1:right + 1]
    if len(before) <= (slack or 0) or slack is None and all(
            t.is_punct or t.dep_ == "cc" or t.pos_ in ("CCONJ", "ADV") for t in before):
        left = hi + 1
    elif len(after) <= (slack or 0) or slack is None and all(t.is_punct for t in after):
        right = lo - 1
    else:
        return None
    while left <= right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    return left, trim_right(doc, left, right) if left <= right else right


def strip_clause_intro(doc, left: int, right: int, subj_i: Optional[int]) -> int:
    """Move `left` past a leading conjunction and a fronted adverbial ending in a comma."""
    changed = True
    while changed and left <= right:
        changed = False
        t = doc[left]
        if t.dep_ == "cc" or t.lower_ in ("but", "and", "so", "yet") or t.is_punct and t.text in ",;:—–-":
            left += 1
            changed = True
            continue
        if subj_i is not None and left < subj_i:
            # a fronted phrase up to a comma before the subject
            for k in range(left, subj_i):
                if doc[k].text == "," and doc[k].head.i >= subj_i - 0 or doc[k].text == "," and k == subj_i - 1:
                    left = k + 1
                    changed = True
                    break
    return left


# ---------------------------------------------------------------- the sentence finder

class SentenceFinder:
    """Finds attributions in one sentence of a parsed chunk."""

    vectors = None  # the accurate mode: encoder vectors per token of the chunk ...
    scorer = None  # ... and the span scorer that reads them (tracker.extract.neural)
    roles = None  # ... and the role tagger's probabilities per token (neural.ROLES), or None

    def __init__(self, doc, text: str, quotes, weights=None):
        self.learned_verbs = frozenset((weights or {}).get("verbs", ()))
        self.learned_nouns = frozenset((weights or {}).get("nouns", ()))
        # Every verb lemma a frame can start from, and every noun: one set lookup per token.
        self.verb_lemmas = (cues.SPEECH_VERBS | cues.MENTAL_VERBS | cues.OBJECT_CONTENT_VERBS
                            | cues.XCOMP_CONTENT_VERBS | cues.INVERTED_VERBS | self.learned_verbs)
        self.noun_lemmas = frozenset(cues.REPORTING_NOUNS) | self.learned_nouns
        self.copula_nouns = self.noun_lemmas | cues.COPULA_NOUNS
        self.adj_lemmas = frozenset((weights or {}).get("adjs", ())) if (weights or {}).get("wide") else frozenset()
        self.doc = doc
        self.text = text  # the chunk text (same offsets as doc)
        self.quotes = quotes  # Quote objects with chunk-relative offsets
        self.weights = weights or {}
        self.wide = bool((weights or {}).get("wide"))  # candidate mode: extra frames for the model

    # -- quotations near a frame
    def quote_at(self, pos: int):
        for q in self.quotes:  # sorted by start
            if q.start > pos:
                break
            if pos < q.end:
                return q
        return None

    def continuation(self, att: "Attribution") -> Optional[tuple[int, int]]:
        """(start of B, end of B) for '"A," he said. "B."': the content runs on past B when the content precedes its
        cue, the frame's sentence ends and the next one is a quotation with no frame of its own.
        News (and PolNeAR) read A and B as one attribution. None when there is no such B."""
        if att.content_end > att.cue_start or att.frame == "orphan":
            return None
        text = self.text
        k = max(att.cue_end, att.speaker_end if att.speaker_end is not None else att.cue_end)
        stop = min(len(text), k + 200)
        while k < stop and (text[k] not in ".!?" or text[k] == "." and _abbreviation(text, k)):
            if text[k] in '\n"“”«»':
                return None
            k += 1
        if k >= stop:
            return None
        k += 1
        if k >= len(text) or text[k] not in " \u00a0\t":
            return None  # "U.S." or the end of the text, not a sentence break
        while k < len(text) and text[k] in " \u00a0\t":
            k += 1
        q = next((q for q in self.quotes if q.start == k), None)
        if q is None or not q.double:
            return None
        nl = text.find("\n", q.inner[0], q.inner[1])
        if nl >= 0 and text[q.inner[0]:nl].rstrip()[-1:] in (".", "!", "?"):
            # a quotation that runs on over paragraphs ('"B.\n\n"C," he said'): B, its first one
            return q.start, trim_chars(text, q.inner[0], nl)[1]
        if self.has_own_frame(q):
            return None
        return q.start, trim_chars(text, *q.inner)[1]

    def has_own_frame(self, q) -> bool:
        """'"B," she added': a quotation that does not end its sentence is someone's by a frame
        of its own, not the continuation of an earlier one."""
        inner = self.text[q.inner[0]:q.inner[1]].rstrip()
        return not (inner[-1:] in ".!?" or self.text[q.end:q.end + 1] in (".", "!", "?", "\n", ""))

    def quote_before(self, pos: int, max_gap: int = 3):
        """A quote ending just before char pos (only spaces/commas between)."""
        best = None
        for q in self.quotes:
            if q.end <= pos and pos - q.end <= max_gap + 2 and all(c in " ,\u00a0\n—–-" for c in self.text[q.end:pos]):
                best = q
        return best

    def quote_after(self, pos: int, max_gap: int = 3):
        for q in self.quotes:
            if q.start >= pos and q.start - pos <= max_gap + 2 and all(c in " ,:\u00a0\n—–-" for c in self.text[pos:q.start]):
                return q
            if q.start > pos + max_gap + 2:
                break
        return None

    def cue_weight(self, lemma: str, frame: str) -> float:
        """How often this cue lemma in this frame marked an attribution in annotated news."""
        w = self.weights.get("frame", {}).get(frame, {}).get(lemma)
        if w is None:
            w = self.weights.get("lemma", {}).get(lemma)
        if w is None:
            w = self.weights.get("frame_prior", {}).get(frame)
        return 1.0 if w is None else w

    def find(self, sent) -> list[Attribution]:
        out: list[Attribution] = []
        used_cues = set()
        att = self.colon(sent)
        if att is not None:
            out.append(att)
        for tok in sent:
            if tok.i in used_cues:
                continue
            att = None
            lem = tok.lemma_.lower()
            # frames that start from a word of their own, never from a verb or noun cue
            special = None
            if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
                special = self.according
            elif tok.lower_ in ("in", "among") and tok.dep_ == "prep" and self.wide:
                special = self.in_source
            elif lem == "be" and self.wide:
                special = self.copula
            elif lem in self.adj_lemmas and tok.pos_ == "ADJ":
                special = self.adjective
            elif tok.dep_ == "amod" and tok.lower_ in SELF_LABELS and self.wide:
                special = self.self_label
            if special is not None:
                att = special(tok, sent)
            elif lem not in self.verb_lemmas and lem not in self.noun_lemmas:
                continue  # most tokens: no frame starts here
            elif tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB") or \
                    any(c.dep_ in ("nsubj", "ccomp") for c in tok.children):
                # (a verb the tagger took for a noun still heads a subject or a clause)
                if lem in self.verb_lemmas:
                    att = self.verb(tok, sent)
            elif tok.pos_ == "NOUN" and lem in self.noun_lemmas:
                att = self.noun(tok, sent)
                if att is None and self.wide:
                    att = self.noun_prep(tok, sent)
            if att is not None:
                out.append(att)
                used_cues.add(tok.i)
        if self.roles is not None:
            out += self.tagged(sent, out)
        return out

    def tagged(self, sent, found: list[Attribution]) -> list[Attribution]:
        """Cues the role tagger sees in the sentence that no frame took (a run of words tagged
        as cue, not negated), each with the run of content words nearest it: the long tail of
        attribution no hand-written frame knows ("supporters of X", "X is widely expected to")."""
        doc = self.doc
        cue = self.roles[:, ROLES.index("cue")]
        taken = [(a.cue_start, a.cue_end) for a in found]
        out = []
        i = sent.start
        while i < sent.end:
            if cue[i] <= TAGGED or doc[i].is_punct or doc[i].is_space:
                i += 1
                continue
            j = i
            while j + 1 < sent.end and cue[j + 1] > TAGGED and not doc[j + 1].is_punct:
                j += 1
            cs, ce = span_chars(doc, i, j)
            first, last = i, j
            i = j + 1
            if any(a < ce and cs < b for a, b in taken) or any(is_negated(doc[k]) for k in range(first, last + 1)):
                continue
            run = self.content_run(first, last)
            if run is None:
                continue
            a, b = span_chars(doc, *run)
            head = doc[max(range(first, last + 1), key=lambda k: cue[k])]
            speaker = subject_of(head)
            ss, se = mention_chars(doc, speaker)
            if speaker is not None and ss < b and a < se:
                speaker = ss = se = None  # the subject is part of what is said
            out.append(Attribution(cs, ce, head.lemma_.lower(), a, b, "tagged", speaker_head=speaker,
                                   speaker_start=ss, speaker_end=se, cue_token=head))
        return out

    def content_run(self, i: int, j: int, reach: int = 40) -> Optional[tuple[int, int]]:
        """The run of words the role tagger takes for content nearest the tokens i..j (a cue),
        within `reach` tokens and the paragraph, not over the cue: (first, last) token."""
        doc, content = self.doc, self.roles[:, ROLES.index("content")]
        n = len(doc)

        def inside(k):
            return 0 <= k < n and not i <= k <= j and content[k] > TAGGED and "\n" not in doc[k].text

        for d in range(1, reach + 1):
            for k in (j + d, i - d):
                if inside(k) and not doc[k].is_space:
                    a = b = k
                    while inside(a - 1):
                        a -= 1
                    while inside(b + 1):
                        b += 1
                    return a, b
        return None

    def candidates(self, sent) -> list[list[Attribution]]:
        """Each cue's alternative attributions (the frame's own span first), for the learned model."""
        return [self.variants(att, sent) for att in self.find(sent)]

    def variants(self, att: Attribution, sent) -> list[Attribution]:
        """The frame's content span and plausible other boundaries for it.

        Annotators often take the whole rest of the sentence after the cue, the object with its
        complements ("described X as Y"), or run a quotation on over the frame into the next
        quotation of the paragraph ('"A," said X, a ... . "B. C."').
        """
        att.extra["variant"] = "base"
        out = [att]
        doc, text = self.doc, self.text
        seen = {trim_chars(text, att.content_start, att.content_end)}

        def add(cs, ce, name):
            cs, ce = trim_chars(text, cs, ce)
            if ce - cs < 2 or (cs, ce) in seen:
                return
            seen.add((cs, ce))
            out.append(replace(att, content_start=cs, content_end=ce, extra={"variant": name}))

        cs, ce = att.content_start, att.content_end
        last = doc[sent.end - 1]
        sent_end = last.idx + len(last.text)
        tok = att.cue_token
        if cs >= att.cue_end and ce < sent_end:
            add(cs, sent_end, "right")
            if tok is not None and tok.right_edge.i < sent.end:
                re_ = tok.right_edge
                if re_.idx + len(re_.text) > ce:
                    add(cs, re_.idx + len(re_.text), "subtree")
            if tok is not None:
                # the object with the verb's other complements, up to a conjunct ("cast X as Y",
                # "criticized X over Y")
                args = _complements_end(tok)
                if args is not None and args > ce:
                    add(cs, args, "args")
        if att.frame in ("passive", "relcl") and tok is not None:
            # the whole clause: "who was formally nominated as ...", "Roof is accused of ..."
            left, right = tok.left_edge, tok.right_edge
            add(left.idx, right.idx + len(right.text), "clause")
        # the whole sentence, frame included ('At one point, she said, she was considering ...')
        first = doc[after_dateline(doc, sent.start, sent.end - 1)]
        add(first.idx, sent_end, "sent")
        if text[cs:cs + 5].lower() == "that ":
            add(cs + 5, ce, "nothat")
        # the content up to its first clause break (", with ...", " - ", ";"), after 3 words
        body = text[cs:ce]
        cuts = []
        for mark in (", ", " - ", " — ", " – ", "; "):
            k = body.find(mark)
            while k >= 0 and len(body[:k].split()) < 3:
                k = body.find(mark, k + 1)
            if k >= 0:
                cuts.append(k)
        if cuts:
            add(cs, cs + min(cuts), "cut")
        # a content opening a quotation: just that quotation
        q = self.quote_at(cs) or self.quote_at(cs - 1)
        if q is not None and q.double and q.end < ce:
            add(cs, q.end, "firstq")
        # the quotation continues after the frame, in the same paragraph
        start = max(ce, att.cue_end)
        para_end = text.find("\n", start)
        if para_end < 0:
            para_end = len(text)
        nxt = [q for q in self.quotes if q.double and q.start >= start and q.start < para_end]
        own = next((k for k, q in enumerate(nxt) if self.has_own_frame(q)), None)
        if own is not None:
            nxt = nxt[:own]  # not past a quotation that has its own speaker
        if nxt and nxt[0].start - start < 600:
            add(cs, nxt[0].end, "nextq")
            if len(nxt) > 1:
                add(cs, nxt[-1].end, "paraq")
        if self.roles is not None and tok is not None and att.frame != "tagged":
            run = self.content_run(tok.i, tok.i)
            if run is not None:
                add(*span_chars(doc, *run), "tagged")  # the words the role tagger takes for content
        if att.frame == "quote" and ce <= att.cue_start:
            # '"A," he said. "B."' over a sentence break: the next paragraph-initial quotations
            j = para_end
            for q in self.quotes:
                if q.double and q.start >= para_end and q.start - j < 4 and q.start > start:
                    if not self.has_own_frame(q):
                        add(cs, q.end, "nextpara")
                    break
        return out

    def subtree_attribution(self, cue, target, frame: str, speaker, keep_quotes: bool = True
                            ) -> Optional[Attribution]:
        """An attribution cued by the token `cue` whose content is `target`'s subtree (trailing
        punctuation dropped) and whose speaker is the token `speaker` (or None); None when the
        content is empty or holds the speaker."""
        doc = self.doc
        left, right = subtree_range(target)
        right = trim_right(doc, left, right, keep_quotes=keep_quotes)
        if left > right:
            return None
        cs, ce = span_chars(doc, left, right)
        ss, se = mention_chars(doc, speaker)
        if speaker is not None and ss < ce and cs < se:
            return None
        return Attribution(cue.idx, cue.idx + len(cue.text), cue.lemma_.lower(), cs, ce, frame,
                           speaker_head=speaker, speaker_start=ss, speaker_end=se, cue_token=cue)

    def noun_prep(self, tok, sent) -> Optional[Attribution]:
        """'his support for X', 'criticism of X', 'disagreements with X': the noun's object."""
        for c in tok.children:
            if c.dep_ == "prep" and c.i > tok.i and c.lower_ in ("of", "for", "with", "about", "on", "against",
                                                                   "over", "to", "toward", "towards"):
                p = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
                if p is None:
                    continue
                spk = next((x for x in tok.children if x.dep_ == "poss"), None)
                return self.subtree_attribution(tok, p, "nounprep", spk, keep_quotes=False)
        return None

    def in_source(self, tok, sent) -> Optional[Attribution]:
        """'In a new poll, Clinton leads by 9 points': the clause the poll (survey, interview ...)
        is the source of, like "according to" (candidate mode)."""
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        head = tok.head
        if pobj is None or pobj.lemma_.lower() not in cues.SOURCE_DOCUMENTS or head.pos_ not in ("VERB", "AUX"):
            return None
        rng = clause_without(self.doc, head, tok.i, tok.right_edge.i, slack=1)
        if rng is None or rng[0] >= rng[1]:
            return None
        cs, ce = span_chars(self.doc, *rng)
        ss, se = mention_chars(self.doc, pobj)
        return Attribution(tok.idx, tok.idx + len(tok.text), tok.lower_, cs, ce, "insource",
                           speaker_head=pobj, speaker_start=ss, speaker_end=se, cue_token=tok)

    def copula(self, tok, sent) -> Optional[Attribution]:
        """'The idea is that Y', 'His slogan was "Y"': a reporting noun's content after "be"
        (candidate mode). The noun is the cue; its possessor, if any, the speaker."""
        subj = next((c for c in tok.children if c.dep_ == "nsubj" and c.i < tok.i), None)
        if subj is None or subj.lemma_.lower() not in self.copula_nouns or is_negated(tok):
            return None
        target = next((c for c in tok.children if c.dep_ in ("ccomp", "attr") and c.i > tok.i), None)
        if target is None:
            return None
        spk = next((c for c in subj.children if c.dep_ == "poss"), None)
        return self.subtree_attribution(subj, target, "copula", spk)

    def adjective(self, tok, sent) -> Optional[Attribution]:
        """'X is critical of Y', 'X was confident that Y', 'it is unclear whether Y': the
        adjective's object or clause (candidate mode, learned adjectives only)."""
        if tok.dep_ not in ("acomp", "ROOT", "conj") or is_negated(tok) or is_negated(tok.head):
            return None
        target = None
        for c in tok.children:
            if c.i < tok.i:
                continue
            if c.dep_ in ("ccomp", "xcomp"):
                target = c
                break
            if c.dep_ == "prep" and c.lower_ in ABOUT_PREPS + ("toward", "towards", "that"):
                target = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
                if target is not None:
                    break
        if target is None:
            return None
        verb = tok.head if tok.dep_ == "acomp" else tok
        subj = subject_of(verb)
        if subj is not None and (subj.lower_ in ("it", "there") or subj.lower_ in cues.NOT_SPEAKERS):
            subj = None
        return self.subtree_attribution(tok, target, "adj", subj, keep_quotes=False)

    def self_label(self, tok, sent) -> Optional[Attribution]:
        """'Cole, a self-described democratic socialist': the label is what its bearer says of
        themselves; the bearer is the noun the phrase is in apposition to, or the subject of "is"
        (candidate mode only)."""
        doc = self.doc
        self_tok = next((c for c in tok.children if c.lower_ == "self" and c.i < tok.i), None)
        head = tok.head
        if self_tok is None or head.i <= tok.i or head.pos_ not in ("NOUN", "PROPN"):
            return None
        cs, ce = span_chars(doc, tok.i + 1, head.i)
        bearer = None
        if head.dep_ == "appos":
            bearer = head.head
        elif head.dep_ == "attr":
            bearer = subject_of(head.head)
        ss, se = mention_chars(doc, bearer)
        return Attribution(self_tok.idx, tok.idx + len(tok.text), "self-" + tok.lower_, cs, ce, "self",
                           speaker_head=bearer, speaker_start=ss, speaker_end=se, cue_token=tok)

    # -- frames
    def according(self, tok, sent) -> Optional[Attribution]:
        doc = self.doc
        to = next(c for c in tok.children if c.lower_ == "to")
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        head = tok.head if tok.head.i != tok.i else None
        phrase = (tok.i, max(to.right_edge.i, tok.right_edge.i))
        if head is None or head.i == tok.i:
            left, right = sent.start, sent.end - 1
        else:
            left, right = head.left_edge.i, head.right_edge.i
            if head.dep_ in ("pobj", "dobj", "nsubj") or head.pos_ not in ("VERB", "AUX"):
                left, right = sent.start, sent.end - 1
        # cut the according-phrase out from whichever edge it sits on
        if phrase[0] <= left + 1:
            left = phrase[1] + 1
        elif phrase[1] >= right - 1:
            right = phrase[0] - 1
        left, right = self.cut_trailing_frame(left, right, sent)
        subj = None
        if head is not None:
            subj = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
        left = strip_clause_intro(doc, left, right, subj.i if subj is not None else None)
        left = after_dateline(doc, left, right)
        if left > right:
            return None
        cs, ce = span_chars(doc, left, right)
        ss, se = mention_chars(doc, pobj)
        return Attribution(tok.idx, to.idx + len(to.text), "according to", cs, ce, "according",
                           speaker_head=pobj, speaker_start=ss, speaker_end=se, cue_token=tok,
                           score=self.cue_weight("according to", "according"))

    def cut_trailing_frame(self, left: int, right: int, sent) -> tuple[int, int]:
        """Drop a trailing ", reported Reuters" / ", X said" frame from a content range."""
        doc = self.doc
        for k in range(right, left, -1):
            t = doc[k]
            if t.text == "," and k > left:
                tail = doc[k + 1:right + 1]
                if 0 < len(tail) <= 8 and any(x.lemma_ in cues.INVERTED_VERBS and x.pos_ in ("VERB", "AUX")
                                                 for x in tail):
                    return left, k - 1
                break
        return left, right

    def verb(self, tok, sent) -> Optional[Attribution]:
        doc = self.doc
        lem = tok.lemma_.lower()
        if is_negated(tok) or lem in cues.NEGATING_HEADS or discourse_idiom(tok):
            return None  # "did not say", "declined to comment": no statement
        if tok.dep_ == "amod" or tok.dep_ == "compound":
            return None
        # "X is expected to ..." / "it is said that" passives: no speaker; keep going
        subj = subject_of(tok)
        children = list(tok.children)
        clause = next((c for c in children if c.dep_ in CONTENT_CLAUSE_DEPS and c.i != tok.i), None)
        xcomp = next((c for c in children if c.dep_ == "xcomp"), None)
        dobj = next((c for c in children if c.dep_ in ("dobj", "attr")), None)
        oprd = next((c for c in children if c.dep_ == "oprd"), None)
        cue_s, cue_e = tok.idx, tok.idx + len(tok.text)
        particle = next((c for c in children if c.dep_ == "prt" and c.i == tok.i + 1), None)
        if particle is not None:
            cue_e = particle.idx + len(particle.text)
        frame = None
        left = right = None
        channel_tok = None
        source = None
        # "told CNN", "said in a statement", "in an interview with CNN"
        for c in children:
            if c.dep_ in ("dobj", "dative") and lem == "tell" and c.text.lower() in cues.MEDIA:
                channel_tok = c
            if c.dep_ == "prep" and c.lower_ in ("in", "on", "to", "with", "during"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        if p.lemma_.lower() in cues.SOURCE_NOUNS and p.lemma_.lower() not in ("spokesperson", "aide"):
                            source = cues.SOURCE_NOUNS[p.lemma_.lower()]
                        if " ".join(t.text for t in doc[np_range(p)[0]:np_range(p)[1] + 1]).lower() in cues.MEDIA:
                            channel_tok = p
                        for pp in p.children:
                            if pp.dep_ == "prep":
                                for ppp in pp.children:
                                    if ppp.dep_ == "pobj" and ppp.text.lower() in cues.MEDIA:
                                        channel_tok = ppp
        if lem in ("tweet",):
            source = "tweet"
        # quotation right after the frame: said: "..." / said, "..."
        frame_end = max(tok.i, subj.i if subj is not None and subj.i > tok.i else tok.i)
        if subj is not None and subj.i > tok.i:
            frame_end = max(frame_end, np_range(subj)[1])
        q_after = None
        if lem in cues.ADDRESSEE_VERBS and dobj is not None and dobj.i > frame_end:
            # "told the crowd: "...": the object is who was told, the quotation what
            addressee_end = np_range(dobj)[1]
            q_after = self.quote_after(doc[addressee_end].idx + len(doc[addressee_end].text))
            if q_after is not None:
                dobj = None
        if q_after is None and frame_end + 1 < len(doc):
            q_after = self.quote_after(doc[frame_end].idx + len(doc[frame_end].text))
        in_quote = self.quote_at(tok.idx)
        if clause is not None and lem not in ("call",):
            left, right = subtree_range(clause)
            frame = "ccomp"
            if subj is None and dobj is not None and dobj.i > tok.i and dobj.pos_ == "PROPN" \
                    and lem in cues.INVERTED_VERBS and clause.i < tok.i:
                subj = dobj  # "..., reported Reuters."
        elif lem == "call" and any(c.dep_ in ("prep", "advcl") and (c.lower_ == "for" or any(m.lower_ == "for" and m.dep_ == "mark" for m in c.children)) for c in children):
            c = next(c for c in children if c.dep_ in ("prep", "advcl") and (c.lower_ == "for" or any(m.lower_ == "for" and m.dep_ == "mark" for m in c.children)))
            left, right = subtree_range(c)
            if doc[left].lower_ == "for":
                left += 1
            cue_e = doc[tok.i + 1].idx + len(doc[tok.i + 1].text) if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "for" else cue_e
            frame = "callfor"
        elif lem in cues.RAISING_VERBS and subj is not None and subj.i < tok.i \
                and any(c.dep_ in ("xcomp", "acomp", "oprd") and c.i > tok.i for c in children):
            # "The plan seems to work": what seems is the whole clause, subject included
            left, right = subj.left_edge.i, tok.right_edge.i
            subj = None
            frame = "raising"
        elif xcomp is not None and (lem in cues.XCOMP_CONTENT_VERBS or lem in self.learned_verbs) and xcomp.i > tok.i:
            left, right = subtree_range(xcomp)
            if dobj is not None and dobj.i < xcomp.i and dobj.i > tok.i:
                left = dobj.left_edge.i
            frame = "xcomp"
        elif q_after is not None and (lem in cues.SPEECH_VERBS or lem in cues.INVERTED_VERBS) and (dobj is None or dobj.i > doc_char_index(doc, q_after.start)):
            frame = "quote"
        elif dobj is not None and dobj.lemma_.lower() in cues.REPORTING_NOUNS and tok.lemma_.lower() in cues.LIGHT_VERBS \
                and any(c.dep_ in ("acl", "ccomp", "relcl", "appos") for c in dobj.children):
            return None  # "expressed his expectation that ...": the noun frame takes it
        elif dobj is not None and lem in cues.INVERTED_VERBS and self.trailing(tok, subj, dobj, sent) is not None:
            left, right, spk = self.trailing(tok, subj, dobj, sent)
            if spk is not None:
                subj = spk
            frame = "trailing"
        elif dobj is not None and (lem in cues.OBJECT_CONTENT_VERBS or lem in self.learned_verbs) and dobj.i > tok.i and (self.wide or not (dobj.pos_ == "PRON" and dobj.lower_ not in ("this", "that", "it"))):
            left, right = subtree_range(dobj)
            if oprd is not None and oprd.i > dobj.i:
                right = max(right, oprd.right_edge.i)
            frame = "dobj"
        if frame is None and lem in self.learned_verbs and subj is not None:
            # "joked about X", "spoke about how ...": the object of the verb's preposition
            prep = next((c for c in children if c.dep_ == "prep" and c.i > tok.i and c.lower_ in ABOUT_PREPS
                         and any(p.dep_ in ("pobj", "pcomp") for p in c.children)), None)
            if prep is not None and not time_like(prep):
                pobj = next(p for p in prep.children if p.dep_ in ("pobj", "pcomp"))
                left, right = subtree_range(pobj)
                cue_e = prep.idx + len(prep.text)
                frame = "prepobj"
        if frame is None:
            # ", reported Reuters." / ", said Smith." / ", the readout said." after the content
            trailing = self.trailing(tok, subj, dobj, sent)
            if trailing is not None:
                left, right, spk = trailing
                if spk is not None:
                    subj = spk
                frame = "trailing"
            elif self.parenthetical(tok, subj, sent) is not None:
                left, right = self.parenthetical(tok, subj, sent)
                frame = "paren"
            elif (as_range := self.as_clause(tok, subj)) is not None:
                left, right = as_range
                frame = "as"
            elif lem in cues.SPEECH_VERBS or lem == "read":  # '"All the way!" he shouted', '"...," the sign read'
                qb = self.quote_before(tok.idx if subj is None or subj.i > tok.i else doc[np_range(subj)[0]].idx)
                if qb is not None:
                    frame = "quote"
                    q_after = qb
        if frame is None and self.wide and (lem in cues.OBJECT_CONTENT_VERBS or lem in self.learned_verbs):
            found = self.object_before(tok)
            if found is not None:
                left, right, frame = found
        if frame is None:
            return None
        if frame == "quote":
            left = right = None
            cs, ce = q_after.start, q_after.end
        else:
            if left > right:
                return None
            # extend over right-hand modifiers of the cue that follow the content ("by boycotting")
            if frame == "callfor" or (frame == "dobj" and oprd is not None):
                for c in tok.rights:
                    if c.i > right and c.dep_ in ("prep", "advcl") and not time_like(c) and not self.contains_cue_frame(c):
                        right = c.right_edge.i
            right = trim_right(doc, left, right)
            if frame in ("ccomp", "trailing"):
                left, right = self.cut_trailing_frame(left, right, sent)
            left = after_dateline(doc, left, right)
            cs, ce = span_chars(doc, left, right)
            # quotations the content runs into extend it (multi-sentence, multi-paragraph quotes)
            cs, ce = self.extend_over_quotes(cs, ce, tok.idx, in_quote)
        pre_cs, pre_ce = cs, ce  # the content before any merge over the frame
        if (frame == "ccomp" and clause is not None and clause.i < tok.i) or (frame == "quote" and q_after.end <= tok.idx):
            cs, ce = self.interrupted(cs, ce, tok, subj)
        if subj is not None:
            if subj.pos_ == "PRON" and subj.lower_ in ("it", "there") and lem not in cues.SPEECH_VERBS:
                subj = None
        if subj is not None and subj.lower_ in cues.NOT_SPEAKERS:
            return None
        ss, se = mention_chars(doc, subj)
        if subj is not None and ss < pre_ce and pre_cs < se and frame not in ("paren", "quote"):
            return None  # speaker inside its own content: a misparse
        # source: a subject that names a document or intermediary
        if subj is not None and subj.lemma_.lower() in cues.SOURCE_NOUNS and source is None:
            source = cues.SOURCE_NOUNS[subj.lemma_.lower()]
        cue_lemma = lem + (" " + particle.lower_ if particle is not None else "")
        if frame == "prepobj":
            cue_lemma = lem + " " + prep.lower_  # the preposition that ends the cue
        if frame == "callfor":
            cue_lemma = "call for"
        score = self.cue_weight(cue_lemma, frame)
        return Attribution(cue_s, cue_e, cue_lemma, cs, ce, frame, speaker_head=subj,
                           speaker_start=ss, speaker_end=se, cue_token=tok, source=source,
                           channel_token=channel_tok, score=score)

    def as_clause(self, tok, subj) -> Optional[tuple[int, int]]:
        """'As Reuters reported, the talks stalled' / 'The talks stalled, as the mayor noted': the
        clause the "as" frame hangs on, without the frame (token range), or None."""
        lem = tok.lemma_.lower()
        if lem not in cues.SPEECH_VERBS and lem not in cues.MENTAL_VERBS:
            return None
        if tok.dep_ != "advcl" or subj is None or subj.head.i != tok.i or tok.head.i == tok.i:
            return None
        if not any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
            return None
        if any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "acomp", "oprd") for c in tok.children):
            return None  # "as he said he would", "as it became clear": not a report
        rng = clause_without(self.doc, tok.head, tok.left_edge.i, tok.right_edge.i)
        return rng if rng is not None and rng[0] <= rng[1] else None

    def object_before(self, tok):
        """What the verb is about when it stands before it (candidate mode only): the subject of
        a passive ("The report was released"), or the word a relative clause hangs on ("which
        friends described as miserable", "stances that he has since disavowed")."""
        rel = None
        for c in tok.children:
            if c.dep_ == "nsubjpass" and c.i < tok.i:
                left, right = np_range(c)
                return left, right, "passive"
            if c.dep_ in ("dobj", "nsubjpass", "pobj") and c.tag_ in ("WDT", "WP") and c.i < tok.i:
                rel = c
        if tok.dep_ != "relcl" or tok.head.pos_ not in ("NOUN", "PROPN", "PRON"):
            return None
        if rel is not None and rel.lower_ != "that":
            return rel.i, rel.i, "relcl"
        if any(c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > tok.i for c in tok.children):
            return None  # the clause has its own object: the noun is not what was said
        left, right = np_range(tok.head)
        return left, min(right, tok.head.i), "relcl"

    def parenthetical(self, tok, subj, sent):
        """', many economists say,' inside the content: the content is the whole sentence."""
        doc = self.doc
        if subj is None or subj.head.i != tok.i or subj.i > tok.i:
            return None
        if any(c.dep_ in ("dobj", "xcomp", "ccomp") for c in tok.children):
            return None
        a = np_range(subj)[0] - 1
        b = tok.i + 1
        if a <= sent.start or b >= sent.end - 1:
            return None
        if doc[a].text not in (",", "—", "–") or doc[b].text not in (",", "—", "–"):
            return None
        left, right = sent.start, sent.end - 1
        right = trim_right(doc, left, right)
        while left < right and doc[left].is_space:
            left += 1
        return left, right

    def colon(self, sent) -> Optional[Attribution]:
        """'NY Daily News: Paris Attacks Highlight Threat' -- a name, a colon, what it said."""
        doc = self.doc
        k = None
        for t in sent[:8]:
            if t.text == ":":
                k = t.i
                break
        if k is None or k == sent.start or sent.end - k < 4:
            return None
        name = doc[sent.start:k]
        if not all(t.pos_ in ("PROPN", "NOUN", "DET", "PART") or t.text in ("-", "’s", "'s") for t in name):
            return None
        # a name, or (candidates only) a lone common noun: "Insiders: ...", "Report: ..."
        named = any(t.pos_ == "PROPN" for t in name) or (self.wide and len(name) == 1 and name[0].pos_ == "NOUN")
        if not named or doc[sent.start].is_lower:
            return None
        if name.text.strip().lower() in cues.NOT_SPEAKERS or any(t.lower_ in ("read", "also", "update", "note", "editor", "photo", "video", "source", "sources", "related") for t in name):
            return None
        right = sent.end - 1
        right = trim_right(doc, k, right)
        if right <= k:
            return None
        cs, ce = span_chars(doc, k + 1, right)
        q = self.quote_after(doc[k].idx + 1)
        if q is not None:
            cs, ce = min(cs, q.start), max(ce, q.end)
        head = name.root
        ss, se = span_chars(doc, sent.start, k - 1)
        return Attribution(doc[k].idx, doc[k].idx + 1, ":", cs, ce, "colon", speaker_head=head,
                           speaker_start=ss, speaker_end=se, cue_token=doc[k],
                           score=self.cue_weight(":", "colon"))

    def contains_cue_frame(self, tok) -> bool:
        return any(t.lemma_ in cues.INVERTED_VERBS and t.pos_ == "VERB" for t in tok.subtree)

    def trailing(self, tok, subj, dobj, sent):
        """Content before ", reported Reuters." / ", said Smith." ending the sentence."""
        doc = self.doc
        lem = tok.lemma_.lower()
        if lem not in cues.INVERTED_VERBS:
            return None
        # the frame: from a comma before the cue (or its subject) to the sentence end
        start = tok.i
        if subj is not None and subj.head.i != tok.i:
            subj = None  # inherited through coordination: not part of this frame
        if subj is not None and subj.i < tok.i:
            start = np_range(subj)[0]
        k = start - 1
        while k >= sent.start and doc[k].is_space:
            k -= 1
        if k < sent.start or doc[k].text not in (",", "—", "–", "--", "”", "\"", "’"):
            return None
        end = sent.end - 1
        while end > tok.i and (doc[end].is_punct or doc[end].is_space):
            end -= 1
        # only the speaker, adverbs and short time/place phrases may follow the cue
        allowed = set()
        spk = subj
        if spk is None or spk.i < tok.i:
            if dobj is not None and dobj.pos_ == "PROPN" and (spk is None):
                spk = dobj
        if spk is not None and spk.i > tok.i:
            allowed.update(range(np_range(spk)[0], np_range(spk)[1] + 1))
        for c in tok.rights:
            if c.dep_ in ("advmod", "npadvmod", "prep", "punct", "appos") or time_like(c):
                if c.dep_ == "prep" and len(list(c.subtree)) > 8:
                    continue
                allowed.update(t.i for t in c.subtree)
        for j in range(tok.i + 1, end + 1):
            if j not in allowed and not doc[j].is_punct and not doc[j].is_space:
                if spk is not None and spk.i > tok.i and j in range(spk.left_edge.i, spk.right_edge.i + 1):
                    continue
                return None
        if doc[k].text in ("”", "\"", "’"):
            k += 1  # a quotation ends right before the frame
        left = sent.start
        right = k - 1
        while left <= right and (doc[left].is_space):
            left += 1
        head = tok.head if tok.head.i != tok.i else None
        subj_i = None
        if head is not None:
            s2 = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
            subj_i = s2.i if s2 is not None else None
        # leading "According to X," belongs to its own frame
        if doc[left].lower_ == "according":
            for j in range(left, right):
                if doc[j].text == ",":
                    left = j + 1
                    break
        left = strip_clause_intro(doc, left, right, subj_i)
        if left > right:
            return None
        return left, right, spk

    def extend_over_quotes(self, cs: int, ce: int, cue_idx: int, cue_quote) -> tuple[int, int]:
        for q in self.quotes:
            if q.end <= cs or q.start >= ce:
                continue
            if cue_quote is not None and q is cue_quote:
                continue
            if q.start <= cue_idx < q.end:
                continue
            if not q.double:
                continue
            cs, ce = min(cs, q.start), max(ce, q.end)
        return cs, ce

    def interrupted(self, cs: int, ce: int, tok, subj) -> tuple[int, int]:
        """'"A," he said, "B"' and '"A," he said. "B"': the content runs from A to B, over the frame."""
        text = self.text
        if ce > tok.idx:
            return cs, ce
        between = text[ce:tok.idx]
        if not any(c in between for c in "”\"'’") and self.quote_at(max(cs, ce - 1)) is None:
            return cs, ce
        cue_end = tok.idx + len(tok.text)
        for q in self.quotes:
            if q.start < cue_end:
                continue
            gap = text[cue_end:q.start]
            if len(gap) > 120 or "\n" in gap or ":" in gap:
                return cs, ce
            if any(w.strip(",.;") in GAP_CUES for w in gap.lower().split()):
                return cs, ce  # '"A," she said, adding that "B"': B has its own cue
            if q.double:
                return cs, ce if self.has_own_frame(q) else max(ce, q.end)
        return cs, ce

    def noun(self, tok, sent) -> Optional[Attribution]:
        """'his claim that X', 'expressed his expectation that X', 'the statement that X'."""
        doc = self.doc
        clause = None
        for c in tok.children:
            if c.dep_ in ("acl", "ccomp", "relcl", "appos") and c.i > tok.i and \
                    any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
                clause = c
                break
        if clause is None:
            return None
        left, right = subtree_range(clause)
        right = trim_right(doc, left, right, keep_quotes=False)
        cue_s, cue_e = tok.idx, tok.idx + len(tok.text)
        spk = next((c for c in tok.children if c.dep_ == "poss"), None)
        head = tok.head
        if tok.dep_ in ("dobj",) and head.lemma_.lower() in cues.LIGHT_VERBS:
            if is_negated(head):
                return None
            cue_s = head.idx
            s2 = subject_of(head)
            if s2 is not None:
                spk = s2
        elif is_negated(head) and tok.dep_ == "dobj":
            return None
        for c in tok.children:
            if spk is None and c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
                p = next((x for x in c.children if x.dep_ == "pobj"), None)
                if p is not None and p.i < clause.i:
                    spk = p
        cs, ce = span_chars(doc, left, right)
        cs, ce = self.extend_over_quotes(cs, ce, tok.idx, self.quote_at(tok.idx))
        ss, se = mention_chars(doc, spk)
        frame = "lightnoun" if cue_s != tok.idx else "noun"
        return Attribution(cue_s, cue_e, tok.lemma_.lower(), cs, ce, frame, speaker_head=spk,
                           speaker_start=ss, speaker_end=se, cue_token=tok,
                           score=self.cue_weight(tok.lemma_.lower(), frame))


def doc_char_prep(doc, end_char: int) -> str:
    """The lower-cased word ending at end_char (the preposition of a prepobj cue)."""
    for t in doc:
        if t.idx + len(t.text) == end_char:
            return t.lower_
    return ""


def doc_char_index(doc, char: int) -> int:
    """Index of the token containing (or following) char."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return len(doc)
    return span.start
