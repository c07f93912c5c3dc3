"""Non-overlapping stretches of a text sorted by start (quotations, boilerplate lines), looked up
by offset in log time: extraction stays linear in the length of an article."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Callable, Optional, Sequence


class Spans(Sequence):
    """Items with a start and an end that never overlap, in order of start (so their ends are in
    order too). `start(item)` and `end(item)` read them (by default its .start and .end)."""

    def __init__(self, items, start: Callable = lambda x: x.start, end: Callable = lambda x: x.end):
        self.items = list(items)
        self.starts = [start(x) for x in self.items]
        self.ends = [end(x) for x in self.items]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, k):
        return self.items[k]

    def __iter__(self):
        return iter(self.items)

    def at(self, pos: int):
        """The item holding offset pos (start <= pos < end), or None."""
        k = bisect_right(self.starts, pos) - 1
        return self.items[k] if k >= 0 and pos < self.ends[k] else None

    def starting_at(self, pos: int):
        k = bisect_left(self.starts, pos)
        return self.items[k] if k < len(self.items) and self.starts[k] == pos else None

    def last_starting_before(self, pos: int):
        """The last item whose start is before pos, or None."""
        k = bisect_left(self.starts, pos) - 1
        return self.items[k] if k >= 0 else None

    def first_from(self, pos: int) -> int:
        """The index of the first item starting at or after pos (len(self) when none does)."""
        return bisect_left(self.starts, pos)

    def overlapping(self, s: int, e: int) -> list:
        """The items that share a character with [s, e), in order."""
        return self.items[bisect_right(self.ends, s):bisect_left(self.starts, e)]

    def starting_in(self, s: int, e: int) -> list:
        """The items that start in [s, e), in order."""
        return self.items[bisect_left(self.starts, s):bisect_left(self.starts, e)]

    def ending_in(self, s: int, e: int) -> list:
        """The items that end in [s, e], in order."""
        return self.items[bisect_left(self.ends, s):bisect_right(self.ends, e)]

    def any_overlapping(self, s: int, e: int) -> bool:
        k = bisect_left(self.starts, e) - 1
        return k >= 0 and self.ends[k] > s

    def holding(self, s: int, e: int) -> Optional[object]:
        """An item that holds [s, e) (its end may fall one short of e), or None."""
        k = bisect_right(self.starts, s) - 1
        return self.items[k] if k >= 0 and e <= self.ends[k] + 1 else None
