"""Highlights over article text: spans that overlap or nest, cut into flat pieces, as safe HTML.

Statements share and nest their spans (one speaker for two claims, a claim inside another), so
the text is cut wherever a span starts or ends; each piece is wrapped in the <mark> of every
span covering it, always in the same order, and every character of the text is escaped.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable, Iterable, Optional

import markupsafe

ROLES = ("claim", "cue", "speaker")  # nesting order of spans that cover the same text
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclasses.dataclass(frozen=True)
class Span:
    start: int
    end: int
    statement_id: str
    role: str  # claim, speaker or cue


def nesting_key(span: Span):
    """Outermost first: earlier start, then longer, then by role and statement."""
    return (span.start, -span.end, ROLES.index(span.role), span.statement_id)


def segments(start: int, end: int, spans: Iterable[Span]) -> list[tuple[int, int, tuple[Span, ...]]]:
    """The text start..end cut into (start, end, covering spans outermost first) pieces, in order.

    Spans are clipped to start..end; empty ones are dropped. A sweep over the cut points: linear
    in the number of spans, times the few that overlap at any point.
    """
    clipped = [dataclasses.replace(s, start=max(s.start, start), end=min(s.end, end)) for s in spans]
    clipped = [s for s in clipped if s.start < s.end]
    cuts = sorted({start, end} | {s.start for s in clipped} | {s.end for s in clipped})
    by_start: dict[int, list[Span]] = {}
    for s in clipped:
        by_start.setdefault(s.start, []).append(s)
    active: list[Span] = []
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        active = sorted([s for s in active if s.end > a] + by_start.get(a, []), key=nesting_key)
        pieces.append((a, b, tuple(active)))
    return pieces


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between blank lines, without its outer whitespace."""
    found, position = [], 0
    for match in [*PARAGRAPH_BREAK.finditer(text), None]:
        stop = match.start() if match else len(text)
        chunk = text[position:stop]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            found.append((position + lead, position + len(chunk.rstrip())))
        position = match.end() if match else stop
    return found


def escape_lines(text: str) -> str:
    """Escaped text with its line breaks kept as <br>."""
    return str(markupsafe.escape(text)).replace("\n", "<br>\n")


def mark_tag(span: Span, anchor: Optional[str]) -> str:
    anchor_attr = f' id="{markupsafe.escape(anchor)}"' if anchor else ""
    return (f'<mark class="hl hl-{span.role}" data-statement-id="{markupsafe.escape(span.statement_id)}"'
            f' data-role="{span.role}"{anchor_attr}>')


def render(text: str, ranges: list[tuple[int, int]], spans: list[Span],
           link: Optional[Callable[[Span], str]] = None,
           anchor: Optional[Callable[[Span], Optional[str]]] = None) -> list[markupsafe.Markup]:
    """HTML of each range (a paragraph) of text with its spans marked.

    link(span) is the href of the innermost span's piece (one link a piece: links cannot nest);
    anchor(span) an id put on the first piece of that span, once across all ranges.
    """
    anchored: set[tuple[str, str]] = set()
    out = []
    for start, end in ranges:
        html = []
        for a, b, active in segments(start, end, spans):
            piece = escape_lines(text[a:b])
            if active and link:
                href = link(active[-1])
                if href:
                    piece = f'<a href="{markupsafe.escape(href)}">{piece}</a>'
            for span in reversed(active):
                name = None
                if anchor and (span.statement_id, span.role) not in anchored:
                    anchored.add((span.statement_id, span.role))
                    name = anchor(span)
                piece = mark_tag(span, name) + piece + "</mark>"
            html.append(piece)
        out.append(markupsafe.Markup("".join(html)))
    return out


def covering(ranges: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The ranges (paragraphs) that overlap start..end, or the first that holds start."""
    hit = [r for r in ranges if r[0] < end and start < r[1]]
    return hit or [r for r in ranges if r[0] <= start <= r[1]][:1]


def find_cue(text: str, cue: Optional[str], claim: tuple[int, int],
             speaker: Optional[tuple[int, int]]) -> Optional[tuple[int, int]]:
    """Where the cue stands: its occurrence nearest the speaker mention (else the claim).

    The statements table keeps no cue offsets; the cue is looked for within 200 characters of
    the claim and speaker, outside the claim if it can be.
    """
    if not cue or not cue.strip():
        return None
    near = speaker or claim
    lo = max(0, min(claim[0], near[0]) - 200)
    hi = min(len(text), max(claim[1], near[1]) + 200)
    pattern = re.compile(r"(?<!\w)" + re.escape(cue.strip()) + r"(?!\w)", re.I)
    found = [(m.start() + lo, m.end() + lo) for m in pattern.finditer(text[lo:hi])]
    if not found:
        return None

    def rank(hit):
        inside = hit[0] < claim[1] and claim[0] < hit[1]
        return (inside, distance(hit, near), hit[0])

    return min(found, key=rank)


def distance(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two ranges (0 when they touch or overlap)."""
    return max(0, a[0] - b[1], b[0] - a[1])
