"""Reading a dependency parse: token ranges, subjects, noun phrases, datelines, negation.

Helpers the frames (tracker.extract.frames) and the statement builder share; each takes spaCy
tokens or a Doc and returns tokens, token indices or character offsets.
"""

from __future__ import annotations

from typing import Optional

from . import cues

PUNCT_EDGE = set(" \t\n\r\u00a0\"'“”‘’«»‹›„‟‚‛`,;:—–-()[]")
SUBJECT_DEPS = ("nsubj", "csubj")
DASHES = ("—", "–", "-", "--")
CLOSING_MARKS = "”\"’'"  # kept at the end of a content: the quotation it closes
ABBREVIATIONS = frozenset("Mr Mrs Ms Dr Sen Gov Rep Reps Sens St Jr Sr Gen Lt Col Capt Sgt Rev Prof "
                          "Inc Co Corp Ltd No vs Ariz Calif Fla Ill Mass Mich Minn Penn Va Wash Wis".split())
TIME_ENTS = ("DATE", "TIME")


def trim_chars(text: str, s: int, e: int) -> tuple[int, int]:
    """Shrink [s, e) past spaces, quote marks and edge punctuation (a final ? or ! stays)."""
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


def abbreviation(text: str, k: int) -> bool:
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
    """A place in capitals opening a sentence ("WASHINGTON —", "LONDON (Reuters) -", "CLEVELAND,
    OH —"): where the story was filed, never who spoke."""
    if not _dateline_word(tok) or tok.text == ",":
        return False
    doc = tok.doc
    k = tok.i
    while not doc[k].is_sent_start:  # only capitals before it in its sentence ("NEW YORK")
        k -= 1
        if not _dateline_word(doc[k]):
            return False
    j = tok.i + 1
    while j < len(doc) and not doc[j].is_sent_start and _dateline_word(doc[j]):
        j += 1  # the rest of the place ("CLEVELAND, OH")
    nxt = doc[j].text if j < len(doc) else ""
    if nxt == "(":  # "LONDON (Reuters) -", not "NATO (the alliance) said"
        return j + 1 < len(doc) and doc[j + 1].lower_ in cues.MEDIA
    return nxt in DASHES


def _dateline_word(tok) -> bool:
    return tok.text == "," or tok.text.isupper() and len(tok.text) > 1


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
    while j < right and (doc[j].text.isupper() and doc[j].pos_ in ("PROPN", "NOUN", "INTJ")
                         or doc[j].text == "," and j > left and doc[j + 1].text.isupper()):
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
            reported = verb.head.head
            if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.lemma_ in cues.SPEECH_VERBS \
                    and verb.head.dep_ == "ccomp" and reported.lemma_ in cues.SPEECH_VERBS and verb.i > 0 \
                    and verb.doc[verb.i - 1].text == ",":
                # "Higgs said the province will stick to it, insisting ...": Higgs insists
                return subject_of(reported, depth + 1)
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
        if c.dep_ in ("ccomp", "parataxis", "advcl", "csubj"):
            continue  # a clause the parser hung on the name ('"...," Butz told'): not the name's
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


def subtree_range(tok) -> tuple[int, int]:
    """Token range of tok's subtree."""
    return tok.left_edge.i, tok.right_edge.i


def time_like(tok) -> bool:
    if tok.ent_type_ in TIME_ENTS:
        return True
    return any(t.ent_type_ in TIME_ENTS for t in tok.subtree) and len(list(tok.subtree)) <= 5


def complements_end(tok) -> Optional[int]:
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


def doc_char_index(doc, char: int) -> int:
    """Index of the token containing (or following) char."""
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return len(doc)
    return span.start

