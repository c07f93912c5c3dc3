"""The sentence finder: runs the registered frames (tracker.extract.frames) over the sentences of
one parsed chunk, and proposes each cue's alternative content spans for the learned model.

Offsets are relative to the chunk; the quotations are the chunk's (tracker.extract.quotes).
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Optional

from . import cues, frames
from .frames import NO_STATEMENT, SENTENCE, TAGGED, Attribution, flags
from .neural import ROLES
from .spans import Spans
from .syntax import abbreviation, after_dateline, complements_end, span_chars, trim_chars

GAP_CUES = frozenset("adding saying noting explaining telling asking arguing writing insisting warning "
                     "pointing calling added noted explained asked told wrote continued".split())


@functools.lru_cache(maxsize=4)
def plan(order: tuple) -> tuple:
    """The frames as the finder runs them: (sentence frames before the words, [(word trigger,
    its frames)] in order, sentence frames after the words)."""
    first = next(k for k, f in enumerate(order) if f.trigger is not SENTENCE)
    before = tuple(f for f in order[:first] if f.trigger is SENTENCE)
    after = tuple(f for f in order[first:] if f.trigger is SENTENCE)
    groups: dict = {}
    for f in order:
        if f.trigger is not SENTENCE:
            groups.setdefault(f.trigger, []).append(f)
    return before, tuple((t, tuple(fs)) for t, fs in groups.items()), after


class SentenceFinder:
    """Finds attributions in the sentences of one parsed chunk."""

    vectors = None  # the accurate mode: encoder vectors per token of the chunk ...
    scorer = None  # ... and the span scorer that reads them (tracker.extract.neural)
    roles = None  # ... and the role tagger's probabilities per token (neural.ROLES), or None

    def __init__(self, doc, text: str, quotes, lexicon: Optional[dict] = None):
        """`quotes`: the chunk's quotations (tracker.extract.quotes, offsets in the chunk), in
        order; `lexicon`: the cue lemmas the learned model adds to the hand-written lists
        (Model.lexicon(): verbs, nouns, adjs)."""
        lexicon = lexicon or {}
        self.learned_verbs = frozenset(lexicon.get("verbs", ()))
        self.verb_lemmas = (cues.SPEECH_VERBS | cues.MENTAL_VERBS | cues.OBJECT_CONTENT_VERBS
                            | cues.XCOMP_CONTENT_VERBS | cues.INVERTED_VERBS | self.learned_verbs)
        self.noun_lemmas = frozenset(cues.REPORTING_NOUNS) | frozenset(lexicon.get("nouns", ()))
        self.copula_nouns = self.noun_lemmas | cues.COPULA_NOUNS
        self.adj_lemmas = frozenset(lexicon.get("adjs", ()))
        self.features = lexicon.get("features", 1)  # the model's feature set (tracker.extract.model.FEATURES)
        self.before, self.word_frames, self.after = plan(tuple(frames.ORDER))
        # every word and lemma a trigger can accept: one set lookup passes over most words
        self.cue_words = frozenset().union(*(t.words for t, _ in self.word_frames))
        self.cue_lemmas = frozenset().union(*(t.lemmas(self) for t, _ in self.word_frames))
        self.doc = doc
        self.text = text  # the chunk text (same offsets as doc)
        self.quotes = quotes if isinstance(quotes, Spans) else Spans(quotes)  # chunk-relative offsets

    def find(self, sent) -> list[Attribution]:
        """Every attribution the frames find in the sentence, in ORDER's order per word."""
        out: list[Attribution] = []
        for f in self.before:
            out += f.find(self, sent, out)
        for tok in sent:
            lem = tok.lemma_.lower()
            if lem not in self.cue_lemmas and tok.lower_ not in self.cue_words:
                continue  # most words: no frame starts here
            for trigger, group in self.word_frames:
                if not trigger.accepts(self, tok, lem):
                    continue
                ctx = trigger.context(self, tok, sent, lem)
                for f in group if ctx is not None else ():
                    found = f.find(ctx)
                    if found is None:
                        continue  # not this frame: the next one
                    if found is not NO_STATEMENT:
                        att = trigger.finish(ctx, f.name, found)  # may still fail: then no statement
                        if att is not None:
                            out.append(att)
                    break
                break  # the first trigger that accepts a word owns it
        for f in self.after:
            out += f.find(self, sent, out)
        return out

    # -- quotations near a frame
    def quote_at(self, pos: int):
        """The quotation holding offset pos, or None."""
        return self.quotes.at(pos)

    def continuation(self, att: "Attribution") -> Optional[tuple[int, int]]:
        """(start of B, end of B) for '"A," he said. "B."': the content runs on past B when the content precedes its
        cue, the frame's sentence ends and the next one is a quotation with no frame of its own.
        News (and PolNeAR) read A and B as one attribution. None when there is no such B."""
        if att.content_end > att.cue_start:
            return None
        text = self.text
        k = max(att.cue_end, att.speaker_end if att.speaker_end is not None else att.cue_end)
        stop = min(len(text), k + 200)
        while k < stop and (text[k] not in ".!?" or text[k] == "." and abbreviation(text, k)):
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
        q = self.quotes.starting_at(k)
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

    def quote_before(self, pos: int, max_gap: int = 5):
        """The quotation ending at most max_gap characters before pos, with only spaces, commas
        and dashes between, or None."""
        best = None
        for q in self.quotes.ending_in(pos - max_gap, pos):
            if all(c in " ,\u00a0\n—–-" for c in self.text[q.end:pos]):
                best = q
        return best

    def quote_after(self, pos: int, max_gap: int = 5):
        """The quotation opening at most max_gap characters after pos, with only spaces, commas,
        colons and dashes between, or None."""
        for q in self.quotes.starting_in(pos, pos + max_gap + 1):
            if all(c in " ,:\u00a0\n—–-" for c in self.text[pos:q.start]):
                return q
        return None

    def extend_over_quotes(self, cs: int, ce: int, cue_idx: int, cue_quote) -> tuple[int, int]:
        """[cs, ce) run on over the double quotations it touches, but not the one holding the cue."""
        # the quotations are sorted and never overlap: one that extends the range ends before the
        # next one starts, so those touching the first range are all there is to see
        for q in self.quotes.overlapping(cs, ce):
            if cue_quote is not None and q is cue_quote:
                continue
            if q.start <= cue_idx < q.end:
                continue
            if not q.double:
                continue
            cs, ce = min(cs, q.start), max(ce, q.end)
        return cs, ce

    def interrupted(self, cs: int, ce: int, tok) -> tuple[int, int]:
        """'"A," he said, "B"' and '"A," he said. "B"': the content runs from A to B, over the frame."""
        text = self.text
        if ce > tok.idx:
            return cs, ce
        between = text[ce:tok.idx]
        if not any(c in between for c in "”\"'’") and self.quote_at(max(cs, ce - 1)) is None:
            return cs, ce
        cue_end = tok.idx + len(tok.text)
        quotes = self.quotes
        for k in range(quotes.first_from(cue_end), len(quotes)):
            q = quotes[k]
            gap = text[cue_end:q.start]
            if len(gap) > 120 or "\n" in gap or ":" in gap:
                return cs, ce
            if any(w.strip(",.;") in GAP_CUES for w in gap.lower().split()):
                return cs, ce  # '"A," she said, adding that "B"': B has its own cue
            if q.double:
                return cs, ce if self.has_own_frame(q) else max(ce, q.end)
        return cs, ce

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
                args = complements_end(tok)
                if args is not None and args > ce:
                    add(cs, args, "args")
        if flags(att.frame).whole_clause and tok is not None:
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
        nxt = [q for q in self.quotes.starting_in(start, para_end) if q.double]
        own = next((k for k, q in enumerate(nxt) if self.has_own_frame(q)), None)
        if own is not None:
            nxt = nxt[:own]  # not past a quotation that has its own speaker
        if nxt and nxt[0].start - start < 600:
            add(cs, nxt[0].end, "nextq")
            if len(nxt) > 1:
                add(cs, nxt[-1].end, "paraq")
        if self.roles is not None and tok is not None and not flags(att.frame).from_tagger:
            run = self.content_run(tok.i, tok.i)
            if run is not None:
                add(*span_chars(doc, *run), "tagged")  # the words the role tagger takes for content
        if flags(att.frame).quotation and ce <= att.cue_start:
            # '"A," he said. "B."' over a sentence break: the next paragraph-initial quotations
            q = next((q for q in self.quotes.starting_in(max(para_end, start + 1), para_end + 4) if q.double), None)
            if q is not None and not self.has_own_frame(q):
                add(cs, q.end, "nextpara")
        return out
