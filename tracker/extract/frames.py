"""Attribution frames: the registry of patterns that find a cue, its speaker and its content.

Each frame is a small function registered with @frame: its name (the learned model reads it as a
feature: keep names stable), its trigger (which words it starts from) and the flags the rest of
the extractor reads, in one place. ORDER, at the end of this module, is the order they are tried
in. On each word, the first trigger that accepts the word owns it, and its frames are tried in
ORDER's order: a frame answers None (not mine: the next frame), NO_STATEMENT (a cue of nothing:
stop), or what it found, which ends the word (an Attribution; a verb frame's Content becomes one
through finish(), or fails its checks and the word makes no statement). Sentence frames run once
per sentence, before the words (those listed before the first word frame) or after them.

A new pattern is one function here, its place in ORDER, and one test, e.g.:

    @frame("posted", VERB)
    def posted(v: Verb) -> Optional[Content]:  # 'X posted on Facebook that Y'
        ...
        return v.span(left, right)  # the content's first and last token

Offsets in an Attribution are relative to its parsed chunk. tracker.extract.finder runs the
frames; tracker.extract.extractor scores what they find and keeps the statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from . import cues
from .neural import ROLES
from .syntax import (SUBJECT_DEPS, after_dateline, clause_without, discourse_idiom, doc_char_index,
                     is_negated, mention_chars, np_range, span_chars, strip_clause_intro, subject_of,
                     subtree_range, time_like, trim_right)

CONTENT_CLAUSE_DEPS = ("ccomp", "parataxis")
# "a self-described socialist": a label its bearer gives themselves
SELF_LABELS = frozenset(("described", "styled", "proclaimed", "identified", "declared"))
ABOUT_PREPS = ("about", "on", "at", "against", "over", "of", "for", "with", "to")
TAGGED = 0.5  # the role tagger's probability that makes a word a cue or content word (accurate mode)
NO_STATEMENT = object()  # a frame's answer: this word is a cue of no statement; try no other frame


@dataclass
class Attribution:
    cue_start: int
    cue_end: int
    cue_lemma: str
    content_start: int
    content_end: int
    frame: str  # the name of the frame that found it (a registered Frame's name, or "orphan")
    speaker_head: object = None  # spaCy Token heading the speaker mention, or None
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    cue_token: object = None
    source: Optional[str] = None
    channel_token: object = None  # a media mention attached to the cue ("told CNN")
    score: float = 1.0
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- the registry

@dataclass(frozen=True)
class Trigger:
    """Which words a group of frames starts from: `accepts(finder, tok, lem)` says whether the
    word is theirs, `context(finder, tok, sent, lem)` gives what the frames read (None: nothing to
    find), `finish(context, frame name, found)` makes what a frame found an Attribution (None: it
    fails). `words` and `lemmas(finder)` list every word and lemma it can accept: the finder
    looks at no other word."""

    name: str
    accepts: Callable
    context: Callable = lambda finder, tok, sent, lem: (finder, tok, sent)
    words: frozenset = frozenset()
    lemmas: Callable = lambda finder: frozenset()
    finish: Callable = lambda ctx, name, found: found  # what a frame found -> an Attribution or None


SENTENCE = Trigger("sentence", lambda finder, tok, lem: False)


@dataclass(frozen=True)
class Frame:
    """One attribution pattern. `structural`: its structure is the evidence ("according to",
    ", reported X", a quotation at its cue), so it stands whatever its score (a function of the
    Attribution where that depends on the case). `inherits_subject`: without a speaker of its
    own, the subject of the clause above its cue speaks. `whole_clause`: the cue's whole clause is
    an alternative content. `quotation`: its content is a quotation next to the cue.
    `from_tagger`: its content is the role tagger's already."""

    name: str
    find: Callable
    trigger: Trigger
    structural: Union[bool, Callable] = False
    inherits_subject: bool = True
    whole_clause: bool = False
    quotation: bool = False
    from_tagger: bool = False

    def stands(self, att: Attribution) -> bool:
        return self.structural(att) if callable(self.structural) else self.structural


NAMED: dict[str, Frame] = {}  # frame name -> its flags (two functions may find one frame)


def frame(name: str, trigger: Trigger, **flags):
    """Register the decorated function as a frame called `name` (its place is in ORDER)."""

    def register(fn) -> Frame:
        f = Frame(name, fn, trigger, **flags)
        known = NAMED.setdefault(name, f)
        if (known.structural, known.inherits_subject, known.whole_clause, known.quotation, known.from_tagger) != \
                (f.structural, f.inherits_subject, f.whole_clause, f.quotation, f.from_tagger):
            raise ValueError(f"frame {name!r} registered twice with different flags")
        return f

    return register


def flags(name: str) -> Frame:
    """The registered frame of that name (its flags)."""
    return NAMED[name]


# ---------------------------------------------------------------- triggers

def _verb_like(tok) -> bool:
    # a verb the tagger took for a noun still heads a subject or a clause
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB") or \
        any(c.dep_ in ("nsubj", "ccomp") for c in tok.children)


@dataclass
class Content:
    """What a verb frame found: the content's token range (or the quotation it is), and what the
    frame changes about the cue and the speaker; finish() makes the Attribution."""

    left: Optional[int]
    right: Optional[int]
    speaker: object
    quote: object = None
    cue_end: Optional[int] = None
    cue_lemma: Optional[str] = None
    extend_modifiers: bool = False  # over the cue's modifiers that follow the content ("by boycotting")
    cut_trailing: bool = False  # drop a trailing ", X said" from the content
    interrupted: bool = False  # '"A," he said, "B"': the content may run on over the frame
    speaker_in_content: bool = False  # the speaker may sit inside the content


@dataclass
class Verb:
    """What every verb frame reads about its cue word, found once per word (verb_context)."""

    finder: object
    tok: object
    sent: object
    lem: str
    subj: object
    clause: object
    xcomp: object
    dobj: object
    oprd: object
    particle: object
    cue_start: int
    cue_end: int
    channel: object
    source: Optional[str]
    quote_after: object
    in_quote: object

    @property
    def doc(self):
        return self.finder.doc

    def children(self):
        return self.tok.children

    def listed(self, lemmas) -> bool:
        """Is the verb in this hand-written list, or one the learned model added?"""
        return self.lem in lemmas or self.lem in self.finder.learned_verbs

    def span(self, left: int, right: int, **changes) -> Content:
        """The content is tokens left..right; the speaker is the verb's subject unless changed."""
        changes.setdefault("speaker", self.subj)
        return Content(left, right, **changes)

    def quotation(self, q) -> Content:
        """The content is the quotation q, before or after the frame."""
        return Content(None, None, self.subj, quote=q, interrupted=q.end <= self.tok.idx,
                       speaker_in_content=True)


def verb_context(finder, tok, sent, lem) -> Optional[Verb]:
    """A verb cue's subject, complements, channel, source and adjacent quotation; None when the
    verb is negated ("did not say", "declined to comment") or is no report ("That said,")."""
    doc = finder.doc
    if is_negated(tok) or lem in cues.NEGATING_HEADS or discourse_idiom(tok):
        return None
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
    channel_tok, source = _channel_and_source(tok, lem)
    # a quotation right after the frame: said: "..." / said, "..."
    frame_end = max(tok.i, subj.i if subj is not None and subj.i > tok.i else tok.i)
    if subj is not None and subj.i > tok.i:
        frame_end = max(frame_end, np_range(subj)[1])
    q_after = None
    if lem in cues.ADDRESSEE_VERBS and dobj is not None and dobj.i > frame_end:
        # "told the crowd: "...": the object is who was told, the quotation what
        addressee_end = np_range(dobj)[1]
        q_after = finder.quote_after(doc[addressee_end].idx + len(doc[addressee_end].text))
        if q_after is not None:
            dobj = None
    if q_after is None and frame_end + 1 < len(doc):
        q_after = finder.quote_after(doc[frame_end].idx + len(doc[frame_end].text))
    return Verb(finder, tok, sent, lem, subj, clause, xcomp, dobj, oprd, particle, cue_s, cue_e, channel_tok,
                source, q_after, finder.quote_at(tok.idx))


def _channel_and_source(tok, lem: str) -> tuple:
    """(the media mention, the source noun) a verb names: "told CNN", "said in a statement",
    "in an interview with CNN", "tweeted"."""
    doc = tok.doc
    channel_tok = source = None
    for c in tok.children:
        if c.dep_ in ("dobj", "dative") and lem == "tell":
            channel_tok = _media(c) or channel_tok  # "told CNN", "told CNN's Dana Bash"
        if c.dep_ != "prep" or c.lower_ not in ("in", "on", "to", "with", "during"):
            continue
        for p in c.children:
            if p.dep_ != "pobj":
                continue
            if p.lemma_.lower() in cues.SOURCE_NOUNS and p.lemma_.lower() not in ("spokesperson", "aide"):
                source = cues.SOURCE_NOUNS[p.lemma_.lower()]
            if _media(p) is not None:
                channel_tok = _media(p)
            for pp in p.children:  # "in an interview with Fox News"
                if pp.dep_ == "prep":
                    channel_tok = next((_media(x) for x in reversed(list(pp.children))
                                        if x.dep_ == "pobj" and _media(x) is not None), channel_tok)
    if lem == "tweet":
        source = "tweet"
    return channel_tok, source


def _media(tok):
    """The word heading a news outlet's name: tok ("CNN", "The Washington Post"), or the outlet
    tok belongs to ("CNN's Dana Bash", "MSNBC's 'Morning Joe'"), else None."""
    left, right = np_range(tok)
    phrase = " ".join(t.text for t in tok.doc[left:right + 1] if t.dep_ != "case").lower()
    if tok.text.lower() in cues.MEDIA or phrase in cues.MEDIA or _paper_name(tok.doc[left:right + 1]):
        return tok
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    return owner if owner is not None and _media(owner) is owner else None


def _paper_name(span) -> bool:
    """Capitalized words ending in a newspaper's word: "the Miami Herald", "The Des Moines Register"."""
    words = [t for t in span if t.dep_ != "case" and t.lower_ != "the"]
    return len(words) > 1 and words[-1].lower_ in cues.PAPER_WORDS and all(t.text[:1].isupper() for t in words)


VERB = Trigger("verb", lambda finder, tok, lem: lem in finder.verb_lemmas and _verb_like(tok), verb_context,
               lemmas=lambda finder: finder.verb_lemmas, finish=lambda v, name, c: finish(v, name, c))
NOUN = Trigger("noun", lambda finder, tok, lem: tok.pos_ == "NOUN" and lem in finder.noun_lemmas
               and not _verb_like(tok), lemmas=lambda finder: finder.noun_lemmas)
ACCORDING = Trigger("according", lambda finder, tok, lem: tok.lower_ == "according"
                    and any(c.lower_ == "to" for c in tok.children), words=frozenset({"according"}))
IN_SOURCE = Trigger("in", lambda finder, tok, lem: tok.lower_ in ("in", "among") and tok.dep_ == "prep",
                    words=frozenset({"in", "among"}))
COPULA = Trigger("be", lambda finder, tok, lem: lem == "be", lemmas=lambda finder: frozenset({"be"}))
ADJECTIVE = Trigger("adjective", lambda finder, tok, lem: lem in finder.adj_lemmas and tok.pos_ == "ADJ",
                    lemmas=lambda finder: finder.adj_lemmas)
HEARSAY = Trigger("hearsay", lambda finder, tok, lem: tok.lower_ in cues.HEARSAY_ADVERBS and tok.dep_ == "advmod",
                  words=cues.HEARSAY_ADVERBS)
SELF_LABEL = Trigger("self-label", lambda finder, tok, lem: tok.dep_ == "amod" and tok.lower_ in SELF_LABELS,
                     words=SELF_LABELS)


# ---------------------------------------------------------------- sentence frames

@frame("colon", SENTENCE, inherits_subject=False)
def colon(finder, sent, found) -> list[Attribution]:
    """'NY Daily News: Paris Attacks Highlight Threat' -- a name, a colon, what it said."""
    doc = finder.doc
    k = None
    for t in sent[:8]:
        if t.text == ":":
            k = t.i
            break
    end = sent.end - 1
    while end > sent.start and doc[end].is_space:
        end -= 1
    if k is not None and k == end:
        # 'Ann Coulter:' parsed as a sentence of its own: what follows on its line is what she said
        end = k
        while end + 1 < len(doc) and "\n" not in doc[end + 1].text and not doc[end + 1].is_space:
            end += 1
    if k is None or k == sent.start or end - k < 3:
        return []
    name = doc[sent.start:k]
    # 'Clinton to Planned Parenthood: ...', 'Mayor on the Toll: ...': the name before to/on speaks
    to = next((t.i for t in name if t.lower_ in ("to", "on") and t.pos_ == "ADP" and t.i > sent.start), None)
    if to is not None and all(t.pos_ in ("PROPN", "NOUN", "DET", "PART", "ADJ") for t in doc[to + 1:k]):
        name = doc[sent.start:to]
    if not all(t.pos_ in ("PROPN", "NOUN", "DET", "PART") or t.text in ("-", "’s", "'s") for t in name):
        return []
    # a name, or a lone common noun: "Insiders: ...", "Report: ..."
    named = any(t.pos_ == "PROPN" for t in name) or (len(name) == 1 and name[0].pos_ == "NOUN")
    if not named or doc[sent.start].is_lower:
        return []
    if name.text.strip().lower() in cues.NOT_SPEAKERS or any(t.lower_ in (
            "read", "also", "update", "note", "editor", "photo", "video", "source", "sources", "related") for t in name):
        return []
    right = trim_right(doc, k, end)
    if right <= k:
        return []
    cs, ce = span_chars(doc, k + 1, right)
    q = finder.quote_after(doc[k].idx + 1)
    if q is not None:
        cs, ce = min(cs, q.start), max(ce, q.end)
    ss, se = span_chars(doc, sent.start, name.end - 1)
    return [Attribution(doc[k].idx, doc[k].idx + 1, ":", cs, ce, "colon", speaker_head=name.root,
                        speaker_start=ss, speaker_end=se, cue_token=doc[k])]


@frame("tagged", SENTENCE, from_tagger=True)
def tagged(finder, sent, found) -> list[Attribution]:
    """Cues the role tagger sees in the sentence that no frame took (a run of words tagged as cue,
    not negated), each with the run of content words nearest it: the long tail of attribution no
    hand-written frame knows ("supporters of X", "X is widely expected to"). Accurate mode only."""
    if finder.roles is None:
        return []
    doc = finder.doc
    cue = finder.roles[:, ROLES.index("cue")]
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
        run = finder.content_run(first, last)
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


# ---------------------------------------------------------------- frames that start from a word of their own

def cut_trailing_frame(doc, left: int, right: int) -> tuple[int, int]:
    """Drop a trailing ", reported Reuters" / ", X said" frame, or a participle of saying that
    opens a report of its own (", adding that ...", ", claiming ..."), from a content range."""
    for k in range(left + 1, right):
        j = k + 1 if doc[k + 1].text in ("”", '"', "''", "’") else k  # ',” claiming': past the closing mark
        if doc[k].text == "," and j < right and doc[j + 1].tag_ == "VBG" and doc[j + 1].lemma_ in cues.SPEECH_VERBS \
                and doc[j + 1].dep_ in ("advcl", "xcomp", "conj"):
            return left, j if j > k else k - 1
    for k in range(right, left, -1):
        t = doc[k]
        if t.text == "," and k > left:
            tail = doc[k + 1:right + 1]
            if 0 < len(tail) <= 8 and any(x.lemma_ in cues.INVERTED_VERBS and x.pos_ in ("VERB", "AUX")
                                             for x in tail):
                return left, k - 1
            break
    return left, right


@frame("according", ACCORDING, structural=True, inherits_subject=False)
def according(ctx) -> Optional[Attribution]:
    """'According to X, Y' / 'Y, according to X'."""
    finder, tok, sent = ctx
    doc = finder.doc
    to = next(c for c in tok.children if c.lower_ == "to")
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    head = tok.head if tok.head.i != tok.i else None
    phrase = (tok.i, max(to.right_edge.i, tok.right_edge.i))
    if head is None:
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
    left, right = cut_trailing_frame(doc, left, right)
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
                       speaker_head=pobj, speaker_start=ss, speaker_end=se, cue_token=tok)


@frame("insource", IN_SOURCE)
def in_source(ctx) -> Optional[Attribution]:
    """'In a new poll, Clinton leads by 9 points': the clause the poll (survey, interview ...)
    is the source of, like "according to"."""
    finder, tok, sent = ctx
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    head = tok.head
    if pobj is None or pobj.lemma_.lower() not in cues.SOURCE_DOCUMENTS or head.pos_ not in ("VERB", "AUX"):
        return None
    rng = clause_without(finder.doc, head, tok.i, tok.right_edge.i, slack=1)
    if rng is None or rng[0] >= rng[1]:
        return None
    cs, ce = span_chars(finder.doc, *rng)
    ss, se = mention_chars(finder.doc, pobj)
    return Attribution(tok.idx, tok.idx + len(tok.text), tok.lower_, cs, ce, "insource",
                       speaker_head=pobj, speaker_start=ss, speaker_end=se, cue_token=tok)


@frame("inview", IN_SOURCE, structural=True, inherits_subject=False)
def in_view(ctx) -> Optional[Attribution]:
    """'In her view, the council should have waited', 'The cut, in my opinion, was a mistake':
    the clause is the possessor's view; the phrase is the cue, the possessor the speaker."""
    finder, tok, sent = ctx
    doc, head = finder.doc, tok.head
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if tok.lower_ != "in" or pobj is None or pobj.lemma_.lower() not in cues.VIEW_NOUNS or tok.right_edge.i != pobj.i:
        return None
    owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
    if head.dep_ in SUBJECT_DEPS:
        head = head.head  # "The bridge, in her view, would cost more": parsed onto the subject
    if owner is None or head.pos_ not in ("VERB", "AUX"):
        return None
    rng = clause_without(doc, head, tok.i, pobj.i, slack=1)
    if rng is None:  # the phrase inside the clause, between commas: the whole clause
        left, right = head.left_edge.i, trim_right(doc, head.left_edge.i, head.right_edge.i)
        if not (doc[tok.i - 1].text in (",", "—", "–") and doc[pobj.i + 1].text in (",", "—", "–")):
            return None
        rng = (left, right)
    left = after_dateline(doc, strip_clause_intro(doc, rng[0], rng[1], None), rng[1])
    if left >= rng[1]:
        return None
    cs, ce = span_chars(doc, left, rng[1])
    ss, se = mention_chars(doc, owner)
    return Attribution(tok.idx, pobj.idx + len(pobj.text), pobj.lemma_.lower(), cs, ce, "inview",
                       speaker_head=owner, speaker_start=ss, speaker_end=se, cue_token=pobj)


def subtree_attribution(doc, cue, target, name: str, speaker, keep_quotes: bool = True) -> Optional[Attribution]:
    """An attribution cued by the token `cue` whose content is `target`'s subtree (trailing
    punctuation dropped) and whose speaker is the token `speaker` (or None); None when the
    content is empty or holds the speaker."""
    left, right = subtree_range(target)
    right = trim_right(doc, left, right, keep_quotes=keep_quotes)
    if left > right:
        return None
    cs, ce = span_chars(doc, left, right)
    ss, se = mention_chars(doc, speaker)
    if speaker is not None and ss < ce and cs < se:
        return None
    return Attribution(cue.idx, cue.idx + len(cue.text), cue.lemma_.lower(), cs, ce, name,
                       speaker_head=speaker, speaker_start=ss, speaker_end=se, cue_token=cue)


@frame("copula", COPULA)
def copula(ctx) -> Optional[Attribution]:
    """'The idea is that Y', 'His slogan was "Y"': a reporting noun's content after "be". The
    noun is the cue; its possessor, if any, the speaker."""
    finder, tok, sent = ctx
    subj = next((c for c in tok.children if c.dep_ == "nsubj" and c.i < tok.i), None)
    if subj is None or subj.lemma_.lower() not in finder.copula_nouns or is_negated(tok):
        return None
    target = next((c for c in tok.children if c.dep_ in ("ccomp", "attr") and c.i > tok.i), None)
    if target is None:
        return None
    spk = next((c for c in subj.children if c.dep_ == "poss"), None)
    return subtree_attribution(finder.doc, subj, target, "copula", spk)


@frame("adj", ADJECTIVE)
def adjective(ctx) -> Optional[Attribution]:
    """'X is critical of Y', 'X was confident that Y', 'it is unclear whether Y': the
    adjective's object or clause (learned adjectives only)."""
    finder, tok, sent = ctx
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
    subj = subject_of(tok.head if tok.dep_ == "acomp" else tok)
    if subj is not None and (subj.lower_ in ("it", "there") or subj.lower_ in cues.NOT_SPEAKERS):
        subj = None
    return subtree_attribution(finder.doc, tok, target, "adj", subj, keep_quotes=False)


@frame("self", SELF_LABEL)
def self_label(ctx) -> Optional[Attribution]:
    """'Cole, a self-described democratic socialist': the label is what its bearer says of
    themselves; the bearer is the noun the phrase is in apposition to, or the subject of "is"."""
    finder, tok, sent = ctx
    doc = finder.doc
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


@frame("reportedly", HEARSAY, structural=True, inherits_subject=False)
def reportedly(ctx) -> Optional[Attribution]:
    """'The company is reportedly weighing a sale': the clause the adverb sits in is reported by
    someone the article does not name; the adverb is the cue, nobody the speaker."""
    finder, tok, sent = ctx
    doc, head = finder.doc, tok.head
    if head.i == tok.i or head.pos_ not in ("VERB", "AUX", "ADJ") or is_negated(head):
        return None
    # the clause from its subject, up to a comma or an adverbial clause after the verb
    subj = next((c for c in head.lefts if c.dep_ in SUBJECT_DEPS), None)
    left = subj.left_edge.i if subj is not None else head.left_edge.i
    right = head.i
    for c in head.rights:
        if c.dep_ == "advcl" or c.text in (",", ";", "—", "–", "("):
            break
        right = c.right_edge.i
    right = trim_right(doc, left, right)
    left = after_dateline(doc, strip_clause_intro(doc, left, right, None), right)
    if left > right or right - left < 2:
        return None
    cs, ce = span_chars(doc, left, right)
    return Attribution(tok.idx, tok.idx + len(tok.text), tok.lower_, cs, ce, "reportedly", cue_token=tok)


# ---------------------------------------------------------------- verb frames

def _said_that(att: Attribution) -> bool:
    """A speaker who said or told that ...: a hand-listed speech verb with a that-clause."""
    tok = att.cue_token
    return att.speaker_head is not None and tok is not None \
        and tok.lemma_.lower() in cues.SPEECH_VERBS and att.content_start > att.cue_start \
        and any(c.dep_ == "ccomp" and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)
                for c in tok.children)


@frame("ccomp", VERB, structural=_said_that)
def relative_ccomp(v: Verb) -> Optional[Content]:
    """'the changes, which officials said will start in May', 'adapted to what she said is growing
    demand': the verb's clause opens with the relative word before the frame; the content runs
    from it, the frame inside."""
    if v.clause is None or v.subj is None or v.clause.i < v.tok.i:
        return None
    left, right = subtree_range(v.clause)
    rel = v.doc[left]
    if v.tok.dep_ != "relcl" and rel.lower_ != "what":
        return None
    if left >= v.subj.left_edge.i or rel.tag_ not in ("WDT", "WP") and rel.lower_ != "that":
        return None
    return v.span(left, right, speaker_in_content=True)


@frame("ccomp", VERB, structural=_said_that)
def ccomp(v: Verb) -> Optional[Content]:
    """'X said (that) Y', 'Y, X said': the verb's clausal complement."""
    if v.clause is None or v.lem == "call":
        return None
    left, right = subtree_range(v.clause)
    subj, dobj = v.subj, v.dobj
    if subj is None and dobj is not None and dobj.i > v.tok.i and dobj.pos_ == "PROPN" \
            and v.lem in cues.INVERTED_VERBS and v.lem not in cues.ADDRESSEE_VERBS and v.clause.i < v.tok.i:
        subj = dobj  # "..., reported Reuters.", not "..., told CNN's Dana Bash": who was told
    if subj is None and v.lem in cues.ADDRESSEE_VERBS and v.clause.i < v.tok.i:
        subj = _named_before(v.tok, v.sent)  # '"...," Ramos, 58, told AFP', parsed without a subject
        if subj is not None and left < subj.i <= right:
            right = np_range(subj)[0] - 1  # the parser put the name inside the quotation's clause
    return v.span(left, right, speaker=subj, cut_trailing=True, interrupted=v.clause.i < v.tok.i)


def _for_phrase(c) -> bool:
    return c.dep_ in ("prep", "advcl") and (c.lower_ == "for" or any(m.lower_ == "for" and m.dep_ == "mark"
                                                                      for m in c.children))


@frame("asked", VERB, structural=True, inherits_subject=False)
def asked(v: Verb) -> Optional[Content]:
    """'Asked about the ferry, Lee said ...', 'When asked by a reporter whether ...': the question
    an unnamed asker (or the "by" agent) put; its answer is the main clause's own statement."""
    tok = v.tok
    if v.lem != "ask" or tok.tag_ != "VBN" or tok.dep_ != "advcl":
        return None
    agent = next((c for c in tok.children if c.dep_ == "agent"), None)
    asker = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if v.subj is not None and (asker is None or v.subj.i != asker.i):
        return None
    # "asked by a reporter about X": the parser may hang the about-phrase on the asker
    for c in [*tok.rights, *(asker.rights if asker is not None else ())]:
        if c.dep_ == "prep" and c.lower_ == "about" or c.dep_ in ("advcl", "ccomp") and any(
                m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children):
            return v.span(c.left_edge.i, c.right_edge.i, speaker=asker)
    return None


@frame("answer", VERB, structural=True)
def answer(v: Verb) -> Optional[Content]:
    """'46 percent said yes', 'Lee said no', 'a quarter said the same': a bare answer is what was said."""
    if v.lem not in ("say", "answer", "reply"):
        return None
    tok = v.tok
    word = next((c for c in tok.rights if c.lower_ in cues.ANSWERS and c.dep_ in ("intj", "dobj", "advmod", "nsubj")), None)
    if word is None or word.lower_ == "same" and not any(d.lower_ == "the" for d in word.lefts):
        return None
    left, right = subtree_range(word)
    return v.span(left, right)


@frame("callfor", VERB)
def call_for(v: Verb) -> Optional[Content]:
    """'X called for Y'."""
    if v.lem != "call":
        return None
    c = next((c for c in v.children() if _for_phrase(c)), None)
    if c is None:
        return None
    doc, tok = v.doc, v.tok
    left, right = subtree_range(c)
    if doc[left].lower_ == "for":
        left += 1
    cue_e = v.cue_end
    if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "for":
        cue_e = doc[tok.i + 1].idx + len(doc[tok.i + 1].text)
    return v.span(left, right, cue_end=cue_e, cue_lemma="call for", extend_modifiers=True)


@frame("raising", VERB)
def raising(v: Verb) -> Optional[Content]:
    """'The plan seems to work': what seems is the whole clause, subject included; nobody speaks."""
    if v.lem not in cues.RAISING_VERBS or v.subj is None or v.subj.i >= v.tok.i:
        return None
    if not any(c.dep_ in ("xcomp", "acomp", "oprd") and c.i > v.tok.i for c in v.children()):
        return None
    return v.span(v.subj.left_edge.i, v.tok.right_edge.i, speaker=None)


@frame("xcomp", VERB)
def xcomp(v: Verb) -> Optional[Content]:
    """'X wants to Y', 'X urged Congress to Y', 'X claims to represent Y'."""
    x = v.xcomp
    if x is None or not (v.listed(cues.XCOMP_CONTENT_VERBS) or v.lem in cues.XCOMP_CLAIM_VERBS) or x.i <= v.tok.i:
        return None
    left, right = subtree_range(x)
    if v.dobj is not None and v.tok.i < v.dobj.i < x.i:
        left = v.dobj.left_edge.i
    return v.span(left, right)


@frame("quote", VERB, structural=True, quotation=True)
def quotation_after(v: Verb) -> Optional[Content]:
    """'X said: "Y"', 'X told the crowd, "Y"': the quotation right after the frame."""
    q = v.quote_after
    if q is None or not (v.lem in cues.SPEECH_VERBS or v.lem in cues.INVERTED_VERBS):
        return None
    if v.dobj is not None and v.dobj.i <= doc_char_index(v.doc, q.start):
        return None
    return v.quotation(q)


@frame("lightnoun", VERB, structural=True)
def light_verb(v: Verb):
    """'X expressed his expectation that Y': the noun's frame takes it (see lightnoun below)."""
    d = v.dobj
    if d is not None and d.lemma_.lower() in cues.REPORTING_NOUNS and v.tok.lemma_.lower() in cues.LIGHT_VERBS \
            and any(c.dep_ in ("acl", "ccomp", "relcl", "appos") for c in d.children):
        return NO_STATEMENT
    return None


def trailing_range(v: Verb):
    """Content before ', reported Reuters.' / ', said Smith.' ending the sentence: (first token,
    last token, the speaker token) or None."""
    doc, tok, sent, subj, dobj = v.doc, v.tok, v.sent, v.subj, v.dobj
    if v.lem not in cues.INVERTED_VERBS:
        return None
    addressee = v.lem in cues.ADDRESSEE_VERBS  # "told CNN": the object is who was told
    # the frame: from a comma before the cue (or its subject) to the sentence end
    start = tok.i
    if subj is not None and subj.head.i != tok.i:
        subj = None  # inherited through coordination: not part of this frame
    if subj is None and addressee:
        subj = _named_before(tok, sent)  # '"...," Ramos, 58, told AFP', parsed without a subject
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
    if spk is None and dobj is not None and dobj.pos_ == "PROPN" and not addressee:
        spk = dobj  # "..., reported Reuters", not "..., told The Washington Post": who was told
    if spk is not None and spk.i > tok.i:
        allowed.update(range(np_range(spk)[0], np_range(spk)[1] + 1))
    if addressee and dobj is not None and dobj.i > tok.i:
        allowed.update(t.i for t in dobj.subtree)
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


def _named_before(tok, sent):
    """The name right before a cue, past an age or title in commas ('Ramos, 58, told'), when the
    parser gave the cue no subject; None when the word there is no name."""
    doc = tok.doc
    k = tok.i - 1
    while k > sent.start and (doc[k].is_punct or doc[k].is_space):
        k -= 1
    t = doc[k]
    if t.dep_ == "appos" and t.head.i < t.i:
        t = t.head
    if t.pos_ != "PROPN":
        return None
    aside = {x.i for c in t.children if c.dep_ == "appos" for x in c.subtree}
    between = doc[np_range(t)[1] + 1:tok.i]
    return t if all(x.is_punct or x.is_space or x.i in aside for x in between) else None


def _trailing(v: Verb) -> Optional[Content]:
    found = trailing_range(v)
    if found is None:
        return None
    left, right, spk = found
    return v.span(left, right, speaker=spk if spk is not None else v.subj, cut_trailing=True)


@frame("trailing", VERB, structural=True)
def trailing_object(v: Verb) -> Optional[Content]:
    """'Y, reported Reuters.' where the parser took the speaker for the verb's object (tried
    before the object is taken for the content)."""
    return _trailing(v) if v.dobj is not None else None


@frame("dobj", VERB)
def dobj(v: Verb) -> Optional[Content]:
    """'X denied the accusations', 'X described Y as Z', 'what X called "Y"': the verb's object."""
    d = v.dobj
    if d is None or not v.listed(cues.OBJECT_CONTENT_VERBS):
        return None
    if d.lower_ == "what" and d.i < v.tok.i and v.oprd is not None and v.oprd.i > v.tok.i:
        # 'under what Mr. Hedge called "the old model"': the words from "what" are the label
        return v.span(d.i, v.oprd.right_edge.i, speaker_in_content=True)
    if d.i <= v.tok.i:
        return None
    left, right = subtree_range(d)
    if v.oprd is not None and v.oprd.i > d.i:
        right = max(right, v.oprd.right_edge.i)
    return v.span(left, right, extend_modifiers=v.oprd is not None)


@frame("prepobj", VERB)
def prepobj(v: Verb) -> Optional[Content]:
    """'X joked about Y', 'X spoke about how Y': the object of the verb's preposition (learned
    verbs only)."""
    if v.lem not in v.finder.learned_verbs or v.subj is None:
        return None
    prep = next((c for c in v.children() if c.dep_ == "prep" and c.i > v.tok.i and c.lower_ in ABOUT_PREPS
                 and any(p.dep_ in ("pobj", "pcomp") for p in c.children)), None)
    if prep is None or time_like(prep):
        return None
    pobj = next(p for p in prep.children if p.dep_ in ("pobj", "pcomp"))
    left, right = subtree_range(pobj)
    return v.span(left, right, cue_end=prep.idx + len(prep.text), cue_lemma=v.lem + " " + prep.lower_)


@frame("trailing", VERB, structural=True)
def trailing(v: Verb) -> Optional[Content]:
    """'Y, reported Reuters.', 'Y, Smith said.', 'Y, the readout said.' after the content."""
    return _trailing(v)


@frame("paren", VERB)
def parenthetical(v: Verb) -> Optional[Content]:
    """'Y, many economists say, Z': the frame inside the content; the content is the sentence."""
    doc, tok, subj, sent = v.doc, v.tok, v.subj, v.sent
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
    return v.span(left, right, speaker_in_content=True)


@frame("as", VERB)
def as_reported(v: Verb) -> Optional[Content]:
    """'As Reuters reported, the talks stalled' / 'The talks stalled, as the mayor noted': the
    clause the "as" frame hangs on, without the frame."""
    tok, subj = v.tok, v.subj
    if v.lem not in cues.SPEECH_VERBS and v.lem not in cues.MENTAL_VERBS:
        return None
    if subj is None:  # 'As reported by the Ledger, ...': the agent speaks
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if tok.dep_ != "advcl" or subj is None or subj.head.i != tok.i and subj.head.dep_ != "agent" \
            or tok.head.i == tok.i:
        return None
    if not any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
        return None
    if any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "acomp", "oprd") for c in tok.children):
        return None  # "as he said he would", "as it became clear": not a report
    rng = clause_without(v.doc, tok.head, tok.left_edge.i, tok.right_edge.i)
    if rng is None or rng[0] > rng[1]:
        return None
    return v.span(*rng, speaker=subj)


@frame("quote", VERB, structural=True, quotation=True)
def quotation_before(v: Verb) -> Optional[Content]:
    """'"All the way!" he shouted', '"...," the sign read': the quotation right before the frame."""
    if v.lem not in cues.SPEECH_VERBS and v.lem != "read":
        return None
    subj = v.subj
    q = v.finder.quote_before(v.tok.idx if subj is None or subj.i > v.tok.i else v.doc[np_range(subj)[0]].idx)
    return v.quotation(q) if q is not None else None


@frame("passive", VERB, whole_clause=True)
def passive(v: Verb) -> Optional[Content]:
    """'The report was released': the subject of a passive is what the verb is about."""
    if not v.listed(cues.OBJECT_CONTENT_VERBS):
        return None
    subj = next((c for c in v.children() if c.dep_ == "nsubjpass" and c.i < v.tok.i), None)
    return v.span(*np_range(subj)) if subj is not None else None


@frame("relcl", VERB, whole_clause=True)
def relcl(v: Verb) -> Optional[Content]:
    """'which friends described as miserable', 'stances that he has since disavowed': the word
    the relative clause hangs on is what the verb is about."""
    tok = v.tok
    if not v.listed(cues.OBJECT_CONTENT_VERBS):
        return None
    rel = None
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass", "pobj") and c.tag_ in ("WDT", "WP") and c.i < tok.i:
            rel = c
    if tok.dep_ != "relcl" or tok.head.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    if rel is not None and rel.lower_ != "that":
        return v.span(rel.i, rel.i)
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > tok.i for c in tok.children):
        return None  # the clause has its own object: the noun is not what was said
    left, right = np_range(tok.head)
    return v.span(left, min(right, tok.head.i))


def finish(v: Verb, name: str, c: Content) -> Optional[Attribution]:
    """The Attribution a verb frame's Content makes: the content trimmed, cut before a trailing
    frame, run on over the quotations it touches; the speaker checked."""
    finder, doc, tok = v.finder, v.doc, v.tok
    if c.quote is not None:
        cs, ce = c.quote.start, c.quote.end
    else:
        left, right = c.left, c.right
        if left > right:
            return None
        if c.extend_modifiers:  # the cue's modifiers that follow the content ("by boycotting")
            for m in tok.rights:
                if m.i > right and m.dep_ in ("prep", "advcl") and not time_like(m) and not _holds_cue(m):
                    right = m.right_edge.i
        right = trim_right(doc, left, right)
        if c.cut_trailing:
            left, right = cut_trailing_frame(doc, left, right)
        left = after_dateline(doc, left, right)
        cs, ce = span_chars(doc, left, right)
        # quotations the content runs into extend it (multi-sentence, multi-paragraph quotes)
        cs, ce = finder.extend_over_quotes(cs, ce, tok.idx, v.in_quote)
    own_cs, own_ce = cs, ce  # the content before any merge over the frame
    if c.interrupted:
        cs, ce = finder.interrupted(cs, ce, tok)
    subj = c.speaker
    if subj is not None and subj.pos_ == "PRON" and subj.lower_ in ("it", "there") and v.lem not in cues.SPEECH_VERBS:
        subj = None
    if subj is not None and subj.lower_ in cues.NOT_SPEAKERS:
        return None
    ss, se = mention_chars(doc, subj)
    if subj is not None and ss < own_ce and own_cs < se and not c.speaker_in_content:
        return None  # speaker inside its own content: a misparse
    source = v.source
    # a subject that names a document or intermediary
    if subj is not None and subj.lemma_.lower() in cues.SOURCE_NOUNS and source is None:
        source = cues.SOURCE_NOUNS[subj.lemma_.lower()]
    cue_lemma = c.cue_lemma or v.lem + (" " + v.particle.lower_ if v.particle is not None else "")
    return Attribution(v.cue_start, c.cue_end or v.cue_end, cue_lemma, cs, ce, name, speaker_head=subj,
                       speaker_start=ss, speaker_end=se, cue_token=tok, source=source, channel_token=v.channel)


def _holds_cue(tok) -> bool:
    return any(t.lemma_ in cues.INVERTED_VERBS and t.pos_ == "VERB" for t in tok.subtree)


# ---------------------------------------------------------------- noun frames

def _that_clause(tok):
    return next((c for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl", "appos") and c.i > tok.i
                 and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)


def _noun_clause(finder, tok):
    """A reporting noun's that-clause, or (models since FEATURES 2) its to-infinitive: "his
    pledge to cut the toll", "the decision to close the pier" (scored: not after a light verb)."""
    clause = _that_clause(tok)
    if clause is None and finder.features >= 2:
        clause = next((c for c in tok.children if c.dep_ == "acl" and c.i > tok.i and c.tag_ == "VB"
                       and any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children)), None)
    return clause


def _noun_attribution(finder, tok, clause, cue_s: int, spk, name: str) -> Attribution:
    """A reporting noun's that-clause as content; the speaker its possessor, its light verb's
    subject, or a "by"/"from"/"of" phrase before the clause."""
    doc = finder.doc
    left, right = subtree_range(clause)
    right = trim_right(doc, left, right, keep_quotes=False)
    for c in tok.children:
        if spk is None and c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
            p = next((x for x in c.children if x.dep_ == "pobj"), None)
            if p is not None and p.i < clause.i:
                spk = p
    cs, ce = span_chars(doc, left, right)
    cs, ce = finder.extend_over_quotes(cs, ce, tok.idx, finder.quote_at(tok.idx))
    ss, se = mention_chars(doc, spk)
    return Attribution(cue_s, tok.idx + len(tok.text), tok.lemma_.lower(), cs, ce, name, speaker_head=spk,
                       speaker_start=ss, speaker_end=se, cue_token=tok)


def _light(tok) -> bool:
    return tok.dep_ == "dobj" and tok.head.lemma_.lower() in cues.LIGHT_VERBS


@frame("lightnoun", NOUN, structural=True)
def lightnoun(ctx) -> Optional[Attribution]:
    """'X expressed his expectation that Y', 'X voiced the concern that Y': cue from the light
    verb to the noun; the verb's subject speaks."""
    finder, tok, sent = ctx
    clause = _that_clause(tok)
    if clause is None or not _light(tok) or is_negated(tok.head):
        return None
    head = tok.head
    spk = subject_of(head)
    if spk is None:
        spk = next((c for c in tok.children if c.dep_ == "poss"), None)
    return _noun_attribution(finder, tok, clause, head.idx, spk, "lightnoun")


@frame("noun", NOUN)
def noun(ctx) -> Optional[Attribution]:
    """'his claim that Y', 'the statement that Y'."""
    finder, tok, sent = ctx
    clause = _noun_clause(finder, tok)
    if clause is None or _light(tok) or is_negated(tok.head) and tok.dep_ == "dobj":
        return None
    spk = next((c for c in tok.children if c.dep_ == "poss"), None)
    return _noun_attribution(finder, tok, clause, tok.idx, spk, "noun")


@frame("nounprep", NOUN)
def noun_prep(ctx) -> Optional[Attribution]:
    """'his support for Y', 'criticism of Y', 'disagreements with Y': the noun's object."""
    finder, tok, sent = ctx
    for c in tok.children:
        if c.dep_ == "prep" and c.i > tok.i and c.lower_ in ("of", "for", "with", "about", "on", "against",
                                                               "over", "to", "toward", "towards"):
            p = next((x for x in c.children if x.dep_ in ("pobj", "pcomp")), None)
            if p is None:
                continue
            spk = next((x for x in tok.children if x.dep_ == "poss"), None)
            return subtree_attribution(finder.doc, tok, p, "nounprep", spk, keep_quotes=False)
    return None


# ---------------------------------------------------------------- the order they are tried in

ORDER: list[Frame] = [
    colon,
    # words with a frame of their own
    according, in_view, in_source, copula, adjective, self_label, reportedly,
    # verbs: the first that finds a content wins
    relative_ccomp, ccomp, asked, answer, call_for, raising, xcomp, quotation_after, light_verb, trailing_object, dobj, prepobj, trailing,
    parenthetical, as_reported, quotation_before, passive, relcl,
    # reporting nouns
    lightnoun, noun, noun_prep,
    tagged,
]
