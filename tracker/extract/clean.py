"""Text handling that never shifts offsets: paragraphs, boilerplate lines, odd spaces, chunks.

The parser sees a same-length copy of the article text (odd spaces and control characters turned
into plain spaces), so every character offset in a parse is an offset into the stored text.
"""

from __future__ import annotations

import re

# Unicode spaces, zero-width characters and control characters (except tab, newline, CR):
# replaced one-for-one by a plain space in the text the parser sees.
_ODD = {c: " " for c in range(0, 32) if c not in (9, 10, 13)}
_ODD.update({c: " " for c in (0x7F, 0x85, 0xA0, 0x1680, 0x180E, 0x2028, 0x2029, 0x202F,
                                0x205F, 0x3000, 0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060)})
_ODD.update({c: " " for c in range(0x2000, 0x200B)})
_ODD.update({c: " " for c in range(0x80, 0xA0)})
_ODD.update({c: " " for c in range(0xD800, 0xE000)})  # lone surrogates cannot be encoded

# Link and furniture lines publishers put between paragraphs ("Also Read: ...", "READ MORE: ...").
BOILERPLATE_LINE = re.compile(
    r"^[ \t\u00a0]*(?:also read|read also|read more|more from|see also|related(?: coverage| stories| articles)?"
    r"|recommended|watch|listen|click here|subscribe|sign up|follow us|share this|advertisement"
    r"|you may also like|trending|must read|(?:article|story) continue[sd]? below"
    r"|continue reading)\b[ \t\u00a0]*(?:[:|\-–—>»].*)?[ \t\u00a0]*$",
    re.I | re.M,
)

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0\r]*\n|\r\n?[ \t\u00a0]*\r\n?")


def parse_text(text: str) -> str:
    """A copy of text of the same length with odd spaces and control characters as plain spaces."""
    return text.translate(_ODD)


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of link and furniture lines, skipped (never cut out) by extraction."""
    return [m.span() for m in BOILERPLATE_LINE.finditer(text)]


def chunk_spans(text: str, max_chars: int = 100_000) -> list[tuple[int, int]]:
    """Split text into consecutive (start, end) ranges at paragraph boundaries, each <= max_chars.

    A paragraph longer than max_chars is cut at a line break, else after a sentence end, else
    at a space, else hard: the parser never sees more than max_chars at once.
    """
    n = len(text)
    if n <= max_chars:
        return [(0, n)] if n else []
    spans = []
    start = 0
    while start < n:
        if n - start <= max_chars:
            spans.append((start, n))
            break
        window = text[start:start + max_chars]
        cut = -1
        for pattern in ("\n\n", "\n", ". ", " "):
            i = window.rfind(pattern, max_chars // 4)
            if i > 0:
                cut = i + len(pattern)
                break
        if cut <= 0:
            cut = max_chars
        spans.append((start, start + cut))
        start += cut
    return spans
