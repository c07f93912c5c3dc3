"""The matcher's model: MiniLM sentence vectors (as published), the query-side adapter and the trained reranker.

benchmarks/train_match.py trains the adapter and the reranker from ../shared/claimmatch and writes
the artifact, tracker/data/match_model.npz: for dated and undated queries, the reranker's feature
names, standardization, weights and the calibration that turns its score into a probability, the
threshold, and the adapter (a 384 x 384 matrix for statements' vectors; an artifact without one
leaves them as they are). $TRACKER_MATCH_MODEL points at another artifact.
"""

from __future__ import annotations

import functools
import json
import os
from importlib import resources
from typing import Optional, Sequence

import numpy as np

from ..extract.encoder import Encoder, load_encoder
from . import features

MODEL_FILE = "data/match_model.npz"
MAX_WORDPIECES = 128
# a statement's first 64 wordpieces: a longer one (a few in a hundred) costs twice as much to
# embed, and its first 64 carry its claim
MAX_QUERY_WORDPIECES = 64
# what a fact-check's vector depends on: an index's vectors are valid for models of one version
ENCODER_VERSION = f"all-MiniLM-L6-v2-mean-{MAX_WORDPIECES}"


class MatchModelMissing(RuntimeError):
    """No matching model: the artifact is absent (train it with benchmarks/train_match.py)."""


def adapt(vectors: np.ndarray, adapter: np.ndarray) -> np.ndarray:
    """Statements' vectors moved by a query-side adapter W (x -> W x, unit rows) toward the wording
    of the claims fact-checked. Fact-checks' vectors are never adapted: those stored stay valid."""
    moved = vectors @ adapter.T
    return moved / np.maximum(np.linalg.norm(moved, axis=1, keepdims=True), 1e-9)


class Ranker:
    """A linear scorer over standardized features, calibrated to a probability."""

    def __init__(self, names: Sequence[str], mean, scale, weights, calibration=(1.0, 0.0)):
        missing = [n for n in names if n not in features.FEATURES]
        if missing:
            raise ValueError(f"the match model reads features this version lacks: {missing}")
        self.names = list(names)
        self.mean, self.scale, self.w = (np.asarray(a, np.float32) for a in (mean, scale, weights))
        self.a, self.b = (float(x) for x in calibration)

    def margin(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.w

    def prob(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(self.a * self.margin(x) + self.b, -30, 30)))


class MatchModel:
    """Sentence vectors for queries and fact-checks, and the reranker's scores."""

    def __init__(self, rankers: dict[bool, Ranker], meta: Optional[dict] = None, adapter: Optional[np.ndarray] = None):
        self.rankers = rankers  # dated? -> Ranker
        self.adapter = None if adapter is None else np.asarray(adapter, np.float32)  # (384, 384), or None
        self.meta = meta or {}
        self.version = ENCODER_VERSION
        self.dense_fields = tuple(self.meta.get("dense_fields", ("claim_reviewed",)))
        self.threshold = float(self.meta.get("threshold", 0.5))
        self.width = 384
        self._encoder = None
        self._columns: dict[bool, list[int]] = {}  # dated? -> the ranker's columns of features.matrix

    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = load_encoder()
        return self._encoder

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit sentence vectors of fact-checks, one row per text."""
        return self.encoder().sentences(list(texts), MAX_WORDPIECES)

    def query_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit sentence vectors of statements to match, one row per text (a text repeated is
        embedded once): int8 in onnxruntime when installed (cosine 0.997 with the float32
        vectors the fact-checks keep)."""
        unique = {t: k for k, t in enumerate(dict.fromkeys(texts))}
        vectors = self.encoder().sentences(list(unique), MAX_QUERY_WORDPIECES, onnx=True)
        return vectors[[unique[t] for t in texts]] if len(unique) < len(texts) else vectors

    def adapted(self, vectors: np.ndarray) -> np.ndarray:
        """Statements' vectors moved by the trained query-side adapter (adapt()); as they are
        without one."""
        return vectors if self.adapter is None else adapt(vectors, self.adapter)

    def score(self, ctx: features.Context, dated: bool) -> np.ndarray:
        """Each candidate's probability of covering the query."""
        ranker = self.rankers[dated]
        if dated not in self._columns:
            order = features.names(dated)
            self._columns[dated] = [order.index(n) for n in ranker.names]
        return ranker.prob(features.matrix(ctx, dated)[:, self._columns[dated]])


def save_match_model(path, rankers: dict[bool, Ranker], meta: dict, adapter: Optional[np.ndarray] = None) -> None:
    """Write the artifact benchmarks/train_match.py trains."""
    arrays = {} if adapter is None else {"adapter": np.asarray(adapter, np.float16)}
    for dated, r in rankers.items():
        p = "dated_" if dated else "undated_"
        arrays.update({p + "mean": r.mean, p + "scale": r.scale, p + "w": r.w,
                       p + "calibration": np.array([r.a, r.b], np.float32)})
        meta[p + "names"] = r.names
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)


def read_match_model(path) -> MatchModel:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        rankers = {}
        for dated, p in ((True, "dated_"), (False, "undated_")):
            rankers[dated] = Ranker(meta[p + "names"], z[p + "mean"], z[p + "scale"], z[p + "w"],
                                    z[p + "calibration"])
        adapter = z["adapter"] if "adapter" in z.files else None
    return MatchModel(rankers, meta, adapter)


@functools.lru_cache(maxsize=1)
def load_match_model() -> MatchModel:
    """The shipped matching model (or $TRACKER_MATCH_MODEL's). Raises MatchModelMissing."""
    path = os.environ.get("TRACKER_MATCH_MODEL")
    if not path:
        ref = resources.files("tracker").joinpath(MODEL_FILE)
        if not ref.is_file():
            raise MatchModelMissing("the fact-check matching model (tracker/data/match_model.npz) is missing: "
                                    "train it with benchmarks/train_match.py")
        path = str(ref)
    return read_match_model(path)
