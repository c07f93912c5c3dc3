"""Matching statements to the published fact-checks that already cover them. Knows nothing of SQLite.

    index = FactCheckIndex()                 # the shipped model (tracker/data/match_model.npz)
    index.add([FactCheck(url=..., claim_reviewed=..., headline=..., ...), ...])   # tracker.claimreview's
    index.match(["We cut taxes for 95% of Americans"], top_k=5)   # [[Match(url, score, ...)]]
    index.save("factchecks.npz"); FactCheckIndex.load("factchecks.npz")

A Match's score is the probability that the fact-check covers the statement; the model's
`threshold` is the score above which a match is kept (chosen on dev data by
benchmarks/train_match.py). Queries may carry a date (Query(text, date)) which the ranker reads.
"""

from ..claimreview import FactCheck
from .index import FactCheckIndex, Match, Query, checkable
from .model import MatchModel, MatchModelMissing, load_match_model

__all__ = ["FactCheck", "FactCheckIndex", "Match", "MatchModel", "MatchModelMissing", "Query", "checkable", "load_match_model"]
