"""Statements from attributions: the claim trimmed and checked, the speaker resolved, the kind
(direct, indirect, mixed) read from the quotation marks; then the passes over an article's
statements (one per claim span, overlaps resolved, nested sources and channels).
"""

from __future__ import annotations

from ..models import Statement
from ..speakers import not_a_name
from . import cues
from .cue_types import cue_type
from .frames import Attribution, flags
from .speakers import ArticleSpeakers, Resolved
from .syntax import np_range, span_chars, trim_chars

SCARE_QUOTE_WORDS = 3


def build(text, base, att: Attribution, sent, speakers: ArticleSpeakers, mask, quotes, boiler):
    """The Statement an attribution found in the chunk at `base` makes, its speaker resolved in
    reading order; None when the claim is empty, boilerplate, a scare-quoted term, or its speaker
    mention cannot be one. Beside the fields it sets `_speaker_above` (the speaker came from the
    clause above the cue) and `_owner_kind` (the kind of the owner of a document that speaks),
    which the article's later passes read."""
    cs, ce = trim_chars(text, base + att.content_start, min(len(text), base + att.content_end))
    if ce - cs < 2 or not any(ch.isalnum() for ch in text[cs:ce]):
        return None
    if boiler.any_overlapping(cs, ce) or _scare_quoted(text, quotes, cs, ce):
        return None
    cue_s, cue_e = base + att.cue_start, base + att.cue_end
    spk = None
    ss = se = None
    resolved = Resolved(None, None)
    spk_tok = None  # the word heading the speaker mention
    if att.speaker_start is None:
        subj = governing_subject(att)
        if subj is not None:
            sl, sr = np_range(subj)
            a, b = span_chars(subj.doc, sl, sr)
            mention = text[base + a:base + b]
            if "\n" not in mention and mention.strip().lower() not in cues.NOT_SPEAKERS:
                ss, se, spk, spk_tok = base + a, base + b, mention, subj
                resolved = speakers.resolve(subj, mention)
    elif (att.cue_lemma or "").split(" ")[0] in cues.RAISING_VERBS and cs <= base + att.speaker_start \
            and base + att.speaker_end <= ce:
        pass  # "Turnout appears to have fallen": the subject is part of what appears, nobody says it
    elif not any(ch.isalpha() for ch in text[base + att.speaker_start:base + att.speaker_end]):
        pass  # markup ("according to <a href=...>"), not a speaker
    else:
        ss, se = base + att.speaker_start, base + att.speaker_end
        spk = text[ss:se]
        # a speaker mention never holds a line break or a headline word
        if "\n" in spk or spk.strip().lower() in cues.NOT_SPEAKERS:
            return None
        head = spk_tok = att.speaker_head
        if head is not None and head.lower_ in ("who", "that", "which") and head.head.dep_ == "relcl":
            noun = spk_tok = head.head.head  # the noun the relative clause hangs on
            resolved = speakers.resolve(noun, " ".join(t.text for t in noun.doc[noun.left_edge.i:noun.i + 1]))
        else:
            resolved = speakers.resolve(head, spk)
        speakers.spoke(resolved)
    source = att.source
    head = att.speaker_head
    if head is not None and head.lemma_.lower() in cues.SOURCE_NOUNS and source is None:
        source = cues.SOURCE_NOUNS[head.lemma_.lower()]
    channel = channel_text = None
    if att.channel_token is not None:  # "told CNN", "in an interview with The Washington Post"
        channel_text = outlet_mention(att.channel_token)
        channel = speakers.outlet(channel_text)
    if resolved.kind == "media" and (resolved.name in cues.OUTLET_CANONICAL or resolved.name in speakers.outlets):
        channel, channel_text = resolved.name, spk
    cs, ce = before_attribution(text, cs, ce, (cue_s, cue_e), (ss, se), channel_text)
    cs, ce = within_quotation(text, quotes, cs, ce)
    if ce - cs < 2:
        return None
    frame = (min(cue_s, ss if ss is not None else cue_s), max(cue_e, se if se is not None else cue_e))
    if att.extra.get("cont"):
        frame = (base + att.extra["cont"][0], base + att.extra["cont"][1])
    kind = kind_of(text, mask, cs, ce, frame if cs < frame[0] < ce else (0, 0))
    sentence = text[base + sent.start_char: base + sent.end_char].strip()
    st = Statement(
        claim=text[cs:ce], claim_start=cs, claim_end=ce,
        cue=text[cue_s:cue_e], cue_lemma=att.cue_lemma, cue_start=cue_s, cue_end=cue_e,
        cue_type=cue_type(att.cue_lemma, att.frame, spk_tok.lemma_ if spk_tok is not None else None, text[cue_s:cue_e]),
        speaker=resolved.name, speaker_text=spk, speaker_start=ss, speaker_end=se,
        speaker_kind=resolved.kind, kind=kind, source=source, channel=channel,
        channel_text=channel_text if channel else None,
        confidence=round(float(att.score), 3), sentence=sentence,
    )
    st._speaker_above = att.speaker_start is None and ss is not None
    st._owner_kind = resolved.owner_kind
    return st


def before_attribution(text: str, cs: int, ce: int, cue: tuple, speaker: tuple, channel_text) -> tuple[int, int]:
    """The claim [cs, ce) stopped before its own attribution when that ends it ('..., according
    to the survey', '...not," the lawmaker told Fox News'): a claim never runs on into the
    words that attribute it."""
    starts = [x for x in (cue[0], speaker[0]) if x is not None and cs < x < ce]
    if not starts or not cs < cue[0] < ce:
        return cs, ce
    end = max(x for x in (cue[1], speaker[1]) if x is not None)
    if channel_text and (at := text.find(channel_text, cue[1], ce)) >= 0:
        end = max(end, at + len(channel_text))
    if any(ch.isalnum() for ch in text[end:ce]):
        return cs, ce  # the claim goes on after the attribution ("This campaign, he says, is different")
    return trim_chars(text, cs, min(starts))


def within_quotation(text: str, quotes, cs: int, ce: int) -> tuple[int, int]:
    """A claim that opens inside a quotation ending like speech ('"... or not," ') stops at its
    closing mark, unless another quotation carries it on ('"A," he said. "B."')."""
    q = quotes.at(cs)
    if q is None or not q.double or not q.balanced or q.end >= ce or quotes.starting_in(q.end, ce):
        return cs, ce
    inner = text[q.inner[0]:q.inner[1]].rstrip()
    if inner[-1:] not in (",", "?", "!") and text[q.end:q.end + 1] != ",":
        return cs, ce
    return trim_chars(text, cs, q.end)


def outlet_mention(tok) -> str:
    """The outlet's name as written, headed by tok ("The Washington Post", "CNN" of "CNN's")."""
    left, right = np_range(tok)
    doc = tok.doc
    while right > left and doc[right].dep_ == "case":
        right -= 1
    a, b = span_chars(doc, left, right)
    return doc.text[a:b]


def _scare_quoted(text: str, quotes, cs: int, ce: int) -> bool:
    """Is [cs, ce) only a scare-quoted term ('re-education')? Such a claim is no statement."""
    # the quotation opening at most one character before cs: the last one starting before it
    # (quotations never overlap, so no earlier one can hold [cs, ce))
    q = quotes.last_starting_before(cs)
    if q is None:
        return False
    qs, qe = trim_chars(text, *q.inner)
    if text[q.inner[0]:q.inner[1]].rstrip()[-1:] in ",.!?":
        return False  # a quotation that ends like speech ("'We will win,' he said") is no scare quote
    return qs <= cs and ce <= qe + 1 and len(text[qs:qe].split()) <= SCARE_QUOTE_WORDS and \
        (not q.double or len(text[cs:ce].split()) <= SCARE_QUOTE_WORDS) and cs - qs <= 1


def kind_of(text: str, mask: bytearray, cs: int, ce: int, frame: tuple[int, int]) -> str:
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


def governing_subject(att: Attribution):
    """For a frame that found no speaker: the subject of the nearest clause above its cue
    ('Voters were more likely to say that X', 'Romney ran on ... and accused Obama of X',
    'She is a fervent supporter of X'), or None."""
    tok = att.cue_token
    if tok is None or not flags(att.frame).inherits_subject:
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
                if c.lower_ in cues.NOT_SUBJECTS or c.pos_ in ("DET", "NUM", "ADJ") and c.lower_ != "all" \
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


def dedupe(statements: list[Statement]) -> list[Statement]:
    """One statement per claim span: the most confident cue wins."""
    best: dict = {}
    for s in statements:
        key = (s.claim_start, s.claim_end)
        if key not in best or s.confidence > best[key].confidence:
            best[key] = s
    keep = set(map(id, best.values()))
    return [s for s in statements if id(s) in keep]


BUCKET = 1024  # characters: statements are looked up by offset in buckets of this width


def _bucket_range(lo: int, hi: int) -> range:
    """The buckets holding offsets lo..hi-1."""
    return range(lo // BUCKET, (hi - 1) // BUCKET + 1)


def resolve_overlaps(text: str, statements: list[Statement]) -> list[Statement]:
    """Two claims over mostly the same words are one attribution: the more confident one stays.

    A claim that opens with the other's speaker and cue reports it ("the readout said Guterres
    told leaders that ..."): nested, not a rival, so both stay.
    """
    kept: dict[int, list] = {}  # bucket of the trimmed claim's start -> (start, end, statement)
    out = []
    for st in sorted(statements, key=lambda x: -x.confidence):
        s, e = trim_chars(text, st.claim_start, st.claim_end)
        # a claim at least half the words of whose union with this one it shares starts no
        # further back than twice this one's length
        lo = s - 2 * (e - s)
        clash = any(lo <= a < e and (inter := min(b, e) - max(a, s)) > 0
                    and inter / ((b - a) + (e - s) - inter) >= 0.5 and not reports(other, st) and not reports(st, other)
                    for k in _bucket_range(lo, e) for a, b, other in kept.get(k, ()))
        if not clash:
            kept.setdefault(s // BUCKET, []).append((s, e, st))
            out.append(st)
    return out


def reports(outer: Statement, inner: Statement) -> bool:
    """The outer claim opens with the inner attribution's frame ("Guterres told", "According to")."""
    if inner.cue_start is None or not outer.claim_start <= inner.cue_start < outer.claim_end:
        return False
    # the frame's own speaker: one found above the frame (_governing_subject) is not part of it
    ss = inner.speaker_start if not getattr(inner, "_speaker_above", False) else None
    opening = min(inner.cue_start, ss if ss is not None else inner.cue_start)
    return outer.claim_start - 2 <= opening <= outer.claim_start + 2


def yield_carried_on(text: str, statements: list[Statement]) -> None:
    """'"A," he said. "B.\n\n"C," he added': B was carried on into A's claim, so the claim of
    the frame after C starts at C's paragraph, not at B (quotations that run over paragraphs
    are found as one)."""
    by_start: dict[int, list] = {}  # bucket of the claim's start -> statements with a cue
    for y in statements:
        if y.cue_start is not None:
            by_start.setdefault(y.claim_start // BUCKET, []).append(y)
    for x in statements:
        if not getattr(x, "_carried", False) or x.cue_end >= x.claim_end:
            continue
        # the claims that start between x's cue and x's claim's end and run on past it
        moved = [y for k in _bucket_range(x.cue_end, x.claim_end) for y in by_start.get(k, ())
                 if y is not x and x.cue_end <= y.claim_start < x.claim_end < y.claim_end and y.cue_start >= x.claim_end]
        for y in moved:
            nl = text.find("\n", x.claim_end, y.claim_end)
            if nl < 0:
                continue
            cs, ce = trim_chars(text, nl, y.claim_end)
            if ce - cs >= 2:
                by_start[y.claim_start // BUCKET].remove(y)
                y.claim_start, y.claim = cs, text[cs:y.claim_end]
                by_start.setdefault(cs // BUCKET, []).append(y)


def nest(statements: list[Statement]) -> None:
    """An attribution inside another's claim takes the outer one's source or channel."""
    by_cue: dict[int, list] = {}  # bucket of the cue's start -> statements
    for inner in statements:
        if inner.cue_start is not None:
            by_cue.setdefault(inner.cue_start // BUCKET, []).append(inner)
    for outer in statements:
        if outer.speaker_start is None or outer.claim_end <= outer.claim_start:
            continue
        outer_is_media = outer.speaker_kind == "media" and outer.speaker in cues.OUTLET_CANONICAL
        outer_source = outer.source if outer.source and outer.speaker_kind in ("document", "person") else None
        if not outer_is_media and not outer_source:
            continue
        for k in _bucket_range(outer.claim_start, outer.claim_end):
            for inner in by_cue.get(k, ()):
                if inner is outer or not outer.claim_start <= inner.cue_start < outer.claim_end:
                    continue
                if outer_is_media and not inner.channel:
                    inner.channel, inner.channel_text = outer.speaker, outer.speaker_text
                if outer_source and not inner.source and outer.source in cues.SOURCE_NOUNS.values():
                    inner.source = outer.source


def quoted_pronouns(quotes, statements: list[Statement]) -> None:
    """A first- or second-person pronoun inside a quotation ("'I think we will win,' Smith said")
    is the quotation's speaker: the named speaker of the statement that quotes it. A pronoun
    that nothing resolves names no speaker (it stays as the mention, speaker_text)."""
    voice: dict[int, Statement] = {}  # quotation start -> the statement that quotes it, tightest first
    for st in sorted(statements, key=lambda s: s.claim_end - s.claim_start):
        if not st.speaker or _pronoun(st.speaker) or st.cue_start is not None and quotes.at(st.cue_start):
            continue
        for q in quotes.overlapping(st.claim_start, st.claim_end):
            if q.double:
                voice.setdefault(q.start, st)
    for st in statements:
        mention = (st.speaker_text or "").strip().lower()
        q = quotes.at(st.cue_start) if st.cue_start is not None else None
        if mention in cues.QUOTED_PRONOUNS and q is not None and q.start in voice:
            outer = voice[q.start]
            st.speaker, st.speaker_kind = outer.speaker, outer.speaker_kind
        elif st.speaker and _pronoun(st.speaker):
            st.speaker = st.speaker_kind = None


def unnamed_speakers(statements: list[Statement]) -> None:
    """A speaker named by no name ("Voters", "new" of "a new poll", a dateline) is nobody the
    statement can be filed under: the mention stays (speaker_text), the name goes. Done last:
    the passes above read the names."""
    for st in statements:
        if st.speaker and not_a_name(st.speaker):
            st.speaker = None


def _pronoun(name: str) -> bool:
    return name.strip().lower() in cues.PRONOUNS_PERSON | cues.PRONOUNS_OTHER | cues.QUOTED_PRONOUNS


def owner_kinds(statements: list[Statement]) -> None:
    """A speaker met through its document or spokesperson ("a UN readout") is of its owner's
    kind (the United Nations is an organization), not the document's. Done last: the decisions
    above read the mention's kind."""
    owners = {st.speaker: st._owner_kind for st in statements
              if getattr(st, "_owner_kind", None) and st.speaker}
    for st in statements:
        if st.speaker in owners and st.speaker_kind in ("document", "person", None):
            st.speaker_kind = owners[st.speaker]
