"""BM25 over short texts, in numpy: the matcher's lexical scores and candidates.

An index is a compressed-sparse-column matrix of term frequencies (one column per term), so a
query's scores over every document are a few array slices and one bincount.
"""

from __future__ import annotations

import re

import numpy as np

K1 = 1.2
B = 0.75

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
# words too common in claims and fact-checks to tell them apart
STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves says said say saying claims claim s t ve ll re d m
""".split())
_SYMBOLS = {"%": " percent ", "$": " dollars ", "&": " and "}
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A light suffix stripper: 'taxes', 'taxed' and 'tax' meet; numbers stay as they are."""
    if word[0].isdigit() or len(word) <= 4:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def terms(text: str) -> list[str]:
    """The text's index terms: lower-cased words and numbers, stop words out, stemmed."""
    text = text.lower().replace("\u2019", "'")
    for symbol, word in _SYMBOLS.items():
        text = text.replace(symbol, word)
    return [stem(w.replace(",", "")) for w in _WORD.findall(text) if w not in STOP]


class BM25:
    """Okapi BM25 scores of a query against every document of a fixed list."""

    def __init__(self, docs: list[list[str]], vocab: dict[str, int]):
        self.vocab = vocab  # term -> column; shared between fields so a query is looked up once
        rows, cols, tfs = [], [], []
        for i, doc in enumerate(docs):
            ids, counts = np.unique([vocab.setdefault(t, len(vocab)) for t in doc], return_counts=True)
            rows.append(np.full(len(ids), i, np.int32))
            cols.append(ids.astype(np.int32))
            tfs.append(counts.astype(np.float32))
        self.n = len(docs)
        rows = np.concatenate(rows) if docs else np.zeros(0, np.int32)
        cols = np.concatenate(cols) if docs else np.zeros(0, np.int32)
        tfs = np.concatenate(tfs) if docs else np.zeros(0, np.float32)
        order = np.argsort(cols, kind="stable")
        self.docs = rows[order]
        counts = np.bincount(cols, minlength=len(vocab))
        self.starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        length = np.array([len(d) for d in docs], np.float32)
        norm = K1 * (1 - B + B * length / max(length.mean(), 1.0)) if docs else length
        tf = tfs[order]
        idf = np.log(1 + (self.n - counts + 0.5) / (counts + 0.5)).astype(np.float32)
        # each posting's whole contribution, so that scoring is a sum of slices
        self.weights = idf[cols[order]] * tf * (K1 + 1) / (tf + norm[self.docs])

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 of the query terms against every document (0 where none is shared)."""
        cols = [self.vocab[t] for t in set(query) if t in self.vocab and self.vocab[t] + 1 < len(self.starts)]
        if not cols:
            return np.zeros(self.n, np.float32)
        sl = [slice(self.starts[c], self.starts[c + 1]) for c in cols]
        docs = np.concatenate([self.docs[s] for s in sl])
        w = np.concatenate([self.weights[s] for s in sl])
        return np.bincount(docs, weights=w, minlength=self.n).astype(np.float32)
