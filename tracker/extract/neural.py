"""The accurate mode's span scorer: how likely a candidate's content is an annotated one, read
from MiniLM vectors (tracker.extract.encoder) of the cue, the span, its edges and the words
around it. Its score is one more feature of the linear models (tracker.extract.model). The role
tagger trained beside it says, for each token, how likely it is a content word, a content's first
or last word, a cue or a source: it proposes cues and spans the rules miss
(the tagged frame, tracker.extract.frames)."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, fields
from typing import Optional

import numpy as np

ROLES = ("content", "first", "last", "cue", "source")  # the role tagger's columns


@functools.cache
def one_blas_thread() -> None:
    """Run numpy's matrix products (the span scorer's) on one core, as the encoder runs, when
    threadpoolctl is installed: on a loaded machine OpenBLAS threads waiting for each other
    cost far more than they save, and extraction runs in parallel through worker processes."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1, user_api="blas")


def token_of_wordpiece(doc, base: int, offsets: np.ndarray) -> tuple[int, int, np.ndarray]:
    """(lo, hi, token): the wordpieces lo..hi start inside a chunk Doc (at `base` in the text the
    offsets came from), and token[k] is the token wordpiece lo + k starts in."""
    starts = np.array([base + t.idx for t in doc])
    end = starts[-1] + len(doc[-1])
    lo, hi = bisect.bisect_left(offsets[:, 0], starts[0]), bisect.bisect_left(offsets[:, 0], end)
    return lo, hi, np.clip(np.searchsorted(starts, offsets[lo:hi, 0], side="right") - 1, 0, len(doc) - 1)


def token_vectors(doc, base: int, vectors: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """One vector per token of a chunk Doc (at `base` in the text the vectors came from): the
    mean of the wordpieces starting inside the token."""
    n = len(doc)
    out = np.zeros((n, vectors.shape[1]), np.float32)
    if n == 0 or len(offsets) == 0:
        return out
    lo, hi, idx = token_of_wordpiece(doc, base, offsets)
    if hi == lo:
        return out
    # idx never decreases (wordpieces in text order): each token's wordpieces are one run
    tokens, first = np.unique(idx, return_index=True)
    count = np.diff(np.append(first, hi - lo))
    out[tokens] = np.add.reduceat(vectors[lo:hi], first) / count[:, None].astype(np.float32)
    return out


def _index(starts: list[int], char: int) -> int:
    return bisect.bisect_left(starts, char)


def span_indices(doc, starts: list[int], cs: int, ce: int, c0, c1) -> tuple:
    """Which tokens make up a candidate's representation: (cue tokens or None, the span's
    words, the word before or -1, the word after or len(doc)). Offsets are the chunk's;
    `starts` are its tokens' start characters."""
    n = len(doc)
    i0 = min(_index(starts, cs), n - 1)
    i1 = max(i0 + 1, min(_index(starts, ce), n))
    words = [i for i in range(i0, i1) if not (doc[i].is_punct or doc[i].is_space)] or [i0]
    cue = None
    if c0 is not None:
        j0 = min(bisect.bisect_right(starts, c0) - 1, n - 1)
        cue = range(j0, max(j0 + 1, min(_index(starts, c1), n)))
    before = i0 - 1
    while before >= 0 and doc[before].is_space:
        before -= 1
    after = i1
    while after < n and doc[after].is_space:
        after += 1
    return cue, words, before, after


def span_representation(doc, vecs: np.ndarray, starts: list[int], cs: int, ce: int,
                        c0, c1) -> np.ndarray:
    """The candidate's input to the scorer: vectors of its cue (zeros for none), the span's
    words (mean), its first and last word, and the words just outside it (zeros past the
    edges)."""
    return representation(vecs, span_indices(doc, starts, cs, ce, c0, c1))


def representation(vecs: np.ndarray, indices: tuple) -> np.ndarray:
    """span_representation() from the candidate's span_indices(), one row of vecs per token."""
    cue, words, before, after = indices
    zero = np.zeros(vecs.shape[1], np.float32)
    return np.concatenate([vecs[cue].mean(0) if cue is not None else zero, vecs[words].mean(0),
                           vecs[words[0]], vecs[words[-1]], vecs[before] if before >= 0 else zero,
                           vecs[after] if after < len(vecs) else zero])


@dataclass
class SpanScorer:
    """A one-hidden-layer network over standardized span representations, and the role tagger
    (a linear layer over token vectors; None in models trained without one)."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    tag_w: Optional[np.ndarray] = None
    tag_b: Optional[np.ndarray] = None

    def roles(self, vecs: np.ndarray) -> Optional[np.ndarray]:
        """Each token's probability of each of ROLES, from its vector; None without a tagger."""
        if self.tag_w is None:
            return None
        return 1 / (1 + np.exp(-(vecs @ self.tag_w + self.tag_b)))

    def scores(self, reps: np.ndarray) -> np.ndarray:
        hidden = np.maximum(((reps - self.mean) / self.scale) @ self.w1 + self.b1, 0)
        return 1 / (1 + np.exp(-(hidden @ self.w2 + self.b2)))

    def score(self, rep: np.ndarray) -> float:
        return float(self.scores(rep[None, :])[0, 0])

    def arrays(self, prefix: str = "nn_") -> dict:
        return {prefix + k: np.asarray(v, np.float32) for k, v in vars(self).items() if v is not None}

    @classmethod
    def from_arrays(cls, data, prefix: str = "nn_") -> "SpanScorer":
        names = getattr(data, "files", data)  # an npz file's arrays, or a dict
        return cls(**{f.name: np.asarray(data[prefix + f.name], np.float32)
                      for f in fields(cls) if prefix + f.name in names})

