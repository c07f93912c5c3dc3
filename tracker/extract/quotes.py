"""Quotation marks: where quoted stretches start and end, at the level of the article text.

Handles curly and straight, double and single marks, the news convention of a quotation running
over several paragraphs (each continuing paragraph reopens the quote, only the last closes it),
and unbalanced marks (a quote left open ends at its paragraph's end). Apostrophes in "don't" and
"region's" are not quote marks.
"""

from __future__ import annotations

from dataclasses import dataclass

DOUBLE_OPEN = "“„‟«"
DOUBLE_CLOSE = "”»"
SINGLE_OPEN = "‘‚‛‹"
SINGLE_CLOSE = "’›"
ALL_MARKS = frozenset(DOUBLE_OPEN + DOUBLE_CLOSE + SINGLE_OPEN + SINGLE_CLOSE + "\"'`")


@dataclass
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (or the paragraph end if unbalanced)
    double: bool
    balanced: bool = True

    @property
    def inner(self) -> tuple[int, int]:
        s = self.start + 1
        e = self.end - 1 if self.balanced else self.end
        return s, max(s, e)


def _is_space(c: str) -> bool:
    return c.isspace() or c == "\u00a0"


def _opens(text: str, i: int) -> bool:
    """A straight or ambiguous mark at i opens a quote: start or space/bracket before, text after."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (_is_space(before) or before in "([{—–-/" or before in DOUBLE_OPEN + SINGLE_OPEN) and not _is_space(after)


def _closes(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not _is_space(before) and (_is_space(after) or not after.isalnum())


def find_quotes(text: str) -> list[Quote]:
    """Top-level double-quoted stretches and single-quoted stretches outside them, in text order."""
    quotes: list[Quote] = []
    n = len(text)
    i = 0
    dq_start = -1  # open double quote
    sq_start = -1  # open single quote (outside a double quote)
    continued = False  # the open double quote started in an earlier paragraph
    while i < n:
        c = text[i]
        if c == "\n":
            # Line end (every line break ends a paragraph): a quote left open continues if the
            # next paragraph reopens it.
            j = i
            while j < n and (_is_space(text[j])):
                j += 1
            if sq_start >= 0:
                sq_start = -1  # single quotes never run over a paragraph break
            if dq_start >= 0:
                if j < n and (text[j] in DOUBLE_OPEN or text[j] == '"' or text[j:j + 2] in ("``", "''")):
                    continued = True
                    i = j + (2 if text[j:j + 2] in ("``", "''") else 1)
                    continue
                quotes.append(Quote(dq_start, i, True, balanced=False))
                dq_start = -1
            i = j
            continue
        two = text[i:i + 2]
        if c in DOUBLE_OPEN or (two == "``"):
            if dq_start < 0:
                dq_start = i
                sq_start = -1
            elif continued:
                pass
            i += 2 if two == "``" else 1
            continue
        if c in DOUBLE_CLOSE or two == "''":
            width = 2 if two == "''" and c not in DOUBLE_CLOSE else 1
            if two == "''" and dq_start < 0 and _opens(text, i):
                dq_start = i
                sq_start = -1
                i += 2
                continue
            if dq_start >= 0:
                quotes.append(Quote(dq_start, i + width, True))
                dq_start = -1
                continued = False
            i += width
            continue
        if c == '"':
            if dq_start < 0:
                if _opens(text, i) or not _closes(text, i):
                    dq_start = i
                    sq_start = -1
            else:
                if _closes(text, i) or not _opens(text, i) or not continued:
                    quotes.append(Quote(dq_start, i + 1, True))
                    dq_start = -1
                    continued = False
            i += 1
            continue
        if dq_start < 0 and c in SINGLE_OPEN + "'" + SINGLE_CLOSE:
            if sq_start < 0:
                if c != SINGLE_CLOSE[0] and c != "›" and _opens(text, i):
                    sq_start = i
            elif c != "‘" and _closes(text, i):
                quotes.append(Quote(sq_start, i + 1, False))
                sq_start = -1
        i += 1
    if dq_start >= 0:
        quotes.append(Quote(dq_start, n, True, balanced=False))
    quotes.sort(key=lambda q: q.start)
    return quotes


def quoted_mask(text: str, quotes: list[Quote], min_single_words: int = 6) -> bytearray:
    """1 for each character inside a quotation (marks included) that counts for `kind`.

    Double quotes always count; single quotes only when long enough to be a quotation rather
    than a scare-quoted term ('re-education').
    """
    mask = bytearray(len(text))
    for q in quotes:
        if not q.double:
            s, e = q.inner
            if len(text[s:e].split()) < min_single_words:
                continue
        mask[q.start:q.end] = b"\x01" * (q.end - q.start)
    return mask
