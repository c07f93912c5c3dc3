"""Quotations no frame claimed ("orphans"), and who speaks them: the clause right after the
quotation ('" he said'), the sentence leading into it ("Smith told the crowd:"), the clause it
opens on ('Smith boomed: "'), else the speaker of the statement before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..models import Statement
from . import cues
from .model import orphan_features
from .speakers import ArticleSpeakers, peek
from .syntax import is_negated, np_range, span_chars, subject_of, trim_chars

MIN_ORPHAN_WORDS = 4


class Lead(tuple):
    """What one sentence tells the quotations no frame claimed. As a tuple: (its end, resolved
    speaker, mention start, mention end, mention) when the whole sentence leads into what follows
    ("Smith told the crowd:"), else (its end, None, None, None, None); `lead` says which.
    `before`/`after` map the offset of a quotation mark in it to the speaking clause right before
    the mark ('Smith boomed: "') or right after it ('" he said', '" said Smith'), as
    (resolved speaker, mention start, mention end, mention)."""

    lead = False
    before: dict = {}
    after: dict = {}


QUOTE_TOKENS = frozenset({'"', "“", "”", "''", "``", "„"})


def speaks(tok, lexicon: dict) -> bool:
    lem = tok.lemma_.lower()
    return tok.pos_ in ("VERB", "AUX") and (lem in cues.SPEECH_VERBS or lem in lexicon.get("verbs", ()))


def person_like(subj) -> bool:
    return bool(subj.pos_ in ("PROPN", "PRON") or subj.ent_type_ or subj.lemma_.lower() in cues.PERSON_NOUNS
                or subj.lemma_.lower() in cues.GROUP_NOUNS)


def mention_of(text, base, subj, speakers, read_ahead: bool = False):
    """(resolved, start, end, mention) of the noun phrase headed by subj, or None."""
    if subj is None or subj.lower_ in cues.NOT_SUBJECTS or subj.lower_ in cues.NOT_SPEAKERS or subj.is_punct:
        return None
    sl, sr = np_range(subj)
    ss, se = span_chars(subj.doc, sl, sr)
    ss, se = base + ss, base + se
    mention = text[ss:se]
    if "\n" in mention or not mention.strip():
        return None
    res = peek(speakers, subj, mention) if read_ahead else speakers.resolve(subj, mention)
    return res, ss, se, mention


def trailing_speaker(doc, j: int, stop: int, lexicon: dict, loose: bool):
    """The subject of a verb opening the clause at token j, right after a closing quotation mark
    ('said Smith', 'he told CBS', 'the group shouted'), else None. The verb must be a speech verb
    unless the quotation ended on a comma, question or exclamation mark (`loose`): '"No," Smith
    bristled'."""
    mark = j - 1
    while j < stop and doc[j].is_punct and doc[j].text in (",", "\u2014", "\u2013", "-", "--"):
        j += 1
    if j >= stop or doc[j].text in QUOTE_TOKENS:
        return None

    def verb_ok(v):
        if not (speaks(v, lexicon) or loose and v.pos_ == "VERB"):
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
        if v.is_punct or v.text in QUOTE_TOKENS:
            break
        if v.pos_ in ("VERB", "AUX"):
            subj = subject_of(v) if verb_ok(v) else None
            if subj is not None and subj.i < v.i:
                left, right = np_range(subj)
                if left == j and v.i - right <= 3:
                    return subj
            break
    return None


def leading_speaker(doc, i: int, start: int, lexicon: dict):
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
            if subj is not None and subj.i < i and subj.lower_ not in cues.NOT_SUBJECTS:
                if is_negated(v) or not (mark.text == ":" or speaks(v, lexicon) or
                                         mark.text == "," and v.i >= p - 4):
                    return None
                return subj if person_like(subj) else None
        if v.head.i == v.i or v.head.i >= i:
            break
        v = v.head
    return None


def lead_in(text: str, base: int, sent, speakers: ArticleSpeakers, lexicon: dict):
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
                and subj.lower_ not in cues.NOT_SPEAKERS and person_like(subj):
            sl, sr = np_range(subj)
            ss, se = span_chars(doc, sl, sr)
            ss, se = base + ss, base + se
            mention = text[ss:se]
            if "\n" not in mention:
                lead = (base + sent.end_char, speakers.resolve(subj, mention), ss, se, mention)
    before, after = {}, {}
    for t in sent:
        if t.text not in QUOTE_TOKENS:
            continue
        ends = doc[t.i - 1].text if t.i > 0 else ""
        subj = None
        if ends != ".":  # '"We will win." He said ...': the sentence ended inside the quotation
            subj = trailing_speaker(doc, t.i + 1, min(len(doc), sent.end + 12), lexicon,
                                     ends in (",", "?", "!", "\u2014", "--", "\u2026"))
        m = mention_of(text, base, subj, speakers, read_ahead=True) if subj is not None else None
        if m is not None:
            after[base + t.idx + len(t.text)] = m
        if t.i > sent.start:
            subj = leading_speaker(doc, t.i, sent.start, lexicon)
            m = mention_of(text, base, subj, speakers, read_ahead=True) if subj is not None else None
            if m is not None:
                before[base + t.idx] = m
    if lead is None and not before and not after:
        return None
    out = Lead(lead if lead is not None else (base + sent.end_char, None, None, None, None))
    out.lead = lead is not None
    out.before, out.after = before, after
    return out


class _Earlier:
    """Statements looked up by an offset they come before: sorted by `key`, each with its place
    in the list it came from (ties go to the earlier place, as a scan of that list would)."""

    def __init__(self, statements, key, keep=lambda s: True):
        rows = sorted((key(s), k, s) for k, s in enumerate(statements) if keep(s))
        self.keys = [r[0] for r in rows]
        self.rows = rows

    def between(self, lo: int, hi: int) -> list:
        """The rows (key, place, statement) whose key is in (lo, hi), by key."""
        return self.rows[bisect_right(self.keys, lo):bisect_left(self.keys, hi)]


def _claimed(statements):
    """(claim starts sorted, their ends in that order, the running maximum of those ends)."""
    spans = sorted((s.claim_start, s.claim_end) for s in statements)
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    reach, top = [], -1
    for b in ends:
        top = max(top, b)
        reach.append(top)
    return starts, ends, reach


def _mostly_claimed(claimed, qs: int, qe: int) -> bool:
    """Does a claim cover more than 0.3 of [qs, qe)?"""
    starts, ends, reach = claimed
    share = 0.3 * (qe - qs)
    k = bisect_left(starts, qs)  # claims starting before qs: the one reaching furthest
    if k and min(qe, reach[k - 1]) - qs > share:
        return True
    return any(min(qe, ends[j]) - starts[j] > share for j in range(k, bisect_left(starts, qe)))


def nearest_speaker(earlier: _Earlier, orphans: list, start: int, reach: int = 1500):
    """The statement with a speaker whose claim comes last before `start` (within `reach`) and
    whose cue (if any) is before it too: of the article's statements (`earlier`, by claim), then
    of `orphans`, the unclaimed quotations with a speaker found so far (in order)."""
    best = None
    for _, _, s in sorted(earlier.between(start - reach, start), key=lambda r: (-r[0], r[1])):
        if s.cue_start is None or s.cue_start < start:
            best = s
            break
    k = bisect_left(orphans, start, key=lambda o: o.claim_start) - 1  # orphans have no cue
    if k >= 0 and orphans[k].claim_start > start - reach and (best is None or orphans[k].claim_start > best.claim_start):
        best = orphans[k]
    return best


def standalone(text: str, q, spoken: _Earlier) -> bool:
    """Is the quotation a paragraph of its own, ending like a sentence, right after a paragraph
    that holds a statement with a speaker (whose speaker it then takes)? Such a quotation
    carries that speaker's words on: it stands whatever its score."""
    par = text.rfind("\n", 0, q.start) + 1
    end = text.find("\n", q.end)
    if text[par:q.start].strip() or not q.balanced or text[q.end:end if end >= 0 else len(text)].strip():
        return False
    inner = text[q.inner[0]:q.inner[1]].rstrip()
    if inner[-1:] not in (".", "?", "!") or par < 2:
        return False
    before = text.rfind("\n", 0, par - 1)
    while before > 0 and not text[before:par].strip():  # blank lines between paragraphs
        before = text.rfind("\n", 0, before)
    return bool(spoken.between(before, par))


_LEAD_GAP = re.compile(r"[ \t\n\r\u00a0:]*")


def orphan_quotes(text, quotes, statements, boiler, scorer=None, leadins=()) -> list[Statement]:
    """Quotations no frame claimed: spoken by whoever the clause right after them names ('"...,"
    he said'), else the sentence or clause leading into them, else the nearest speaker before them.

    `scorer(features, start, end)` (the learned model) gives each its confidence, or None to drop
    it; without a scorer each stands with confidence 1. `leadins`: lead_in() of every sentence,
    in order. Each quotation looks up what is near it (sorted offsets), never all statements.
    """
    out: list[Statement] = []
    voiced: list[Statement] = []  # those of `out` with a speaker
    claimed = _claimed(statements)
    trailing, opening = {}, {}
    for li in leadins:
        trailing.update(li.after)
        opening.update(li.before)
    after_marks = sorted(trailing)
    leads = [li for li in leadins if li.lead]
    lead_ends = [li[0] for li in leads]
    # statements a quotation may follow: by cue (for its features), by claim (for its speaker)
    cued = _Earlier(statements, lambda s: s.cue_start, lambda s: s.speaker_start is not None
                    and s.cue_start is not None and not getattr(s, "_speaker_above", False))
    spoken = _Earlier(statements, lambda s: s.claim_start, lambda s: s.speaker_start is not None)
    for q in quotes:
        if not q.double:
            continue
        qs, qe = trim_chars(text, *q.inner)
        if qe <= qs or len(text[qs:qe].split()) < MIN_ORPHAN_WORDS:
            continue
        if boiler.any_overlapping(qs, qe) or _mostly_claimed(claimed, qs, qe):
            continue
        # speech-like: the quotation opens a paragraph or sentence
        before = text[max(0, q.start - 3):q.start].strip()
        if before and before[-1] not in ".!?:\n" and len(text[qs:qe].split()) < 12:
            continue
        # the statement with a speaker whose cue came last (in list order) within 1500 characters
        near = cued.between(q.start - 1500, q.start)
        prev = max(near, key=lambda r: r[1])[2] if near else None
        # the sentence right before it, when that leads into it ("Smith told the crowd:")
        k = bisect_right(lead_ends, q.start) - 1
        lead = leads[k] if k >= 0 and _LEAD_GAP.match(text, lead_ends[k], q.start).end() == q.start else None
        confidence = 1.0
        if scorer is not None:
            confidence = scorer(orphan_features(text, q, qs, qe, prev, lead is not None), qs, qe,
                                standalone(text, q, spoken))
            if confidence is None:
                continue
        st = Statement(claim=text[qs:qe], claim_start=qs, claim_end=qe, kind="direct",
                       confidence=round(confidence, 3), sentence=text[q.start:q.end])
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
            if res.kind == "media" and res.name in cues.OUTLET_CANONICAL:
                st.channel, st.channel_text = res.name, mention
        else:
            prev = nearest_speaker(spoken, voiced, q.start) or prev
            # '"A," said Smith. "B."': B continues the quotation whose speaker follows it (the
            # last such clause before B, in B's paragraph, after the claim of the speaker before)
            k = bisect_right(after_marks, q.start) - 1
            last = after_marks[k] if k >= 0 else None
            if last is not None and (text.find("\n", last, q.start) >= 0 or prev is not None and last <= prev.claim_start):
                last = None
            if last is not None:
                said = trailing[last]
                res, ss, se, mention = said
                st.speaker, st.speaker_text, st.speaker_start, st.speaker_end = res.name, mention, ss, se
                st.speaker_kind = res.kind
        if said is None and prev is not None:
            st.speaker, st.speaker_text = prev.speaker, prev.speaker_text
            st.speaker_start, st.speaker_end = prev.speaker_start, prev.speaker_end
            st.speaker_kind, st.source, st.channel = prev.speaker_kind, prev.source, prev.channel
            st.channel_text = prev.channel_text
        out.append(st)
        if st.speaker_start is not None:
            voiced.append(st)
    return out
