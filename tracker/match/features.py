"""What the reranker reads about a (query, fact-check) pair: a registry of small functions.

Each feature is a function of the query's Context, returning one value per candidate fact-check;
`@feature(name)` registers it under a stable name, the one the trained weights are stored under
(benchmarks/train_match.py). `dated=True` features read the query's date and are only used when
the query has one (a statement's article date); the model keeps separate weights for undated queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

FEATURES: dict[str, tuple[Callable[["Context"], np.ndarray], bool]] = {}
# Context.cos's key for the cosines with the claims of the statement's adapted vector
# (tracker.match.model.adapt: trained to move a debate's wording toward a fact-checked claim's)
ADAPTED = "adapted"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Where a fact-checked claim was made (tracker.claimreview.claim_venue), in three kinds: said live
# on a stage, said to the press, or written. Statements quoted in news are mostly the first two.
VENUES = {
    "live": re.compile(r"\b(debate|forum|town ?hall|convention|rally|speech|remarks|address)"),
    "talk": re.compile(r"\b(interview|press conference|news conference|show|meet the press|this week|fox|cnn"
                       r"|msnbc|abc|cbs|nbc|radio|podcast|comments|hearing|floor)"),
    "written": re.compile(r"\b(tweet|twitter|facebook|post|ad|advertisement|commercial|release|mailer|blog"
                          r"|e-?mail|op-ed|article|website|newsletter|letter|video|meme|image|instagram"
                          r"|headline|flier|flyer|mail)"),
}


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states ('95', '2.5', '10000'), which a matching fact-check usually repeats."""
    return frozenset(n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text))


def venue_kinds(description: str) -> tuple[bool, ...]:
    """Which of VENUES' kinds a claim's venue description names (none when it is unknown)."""
    return tuple(bool(p.search(description)) for p in VENUES.values())


def feature(name: str, dated: bool = False):
    def register(fn):
        FEATURES[name] = (fn, dated)
        return fn
    return register


def names(dated: bool) -> list[str]:
    """The features the reranker reads for a query with (or without) a date, in a fixed order."""
    return [n for n, (_, d) in FEATURES.items() if dated or not d]


@dataclass
class Context:
    """One query and its candidates: full score arrays over the index and the candidates' rows."""

    cand: np.ndarray  # candidate rows of the index
    bm25: dict[str, np.ndarray]  # field -> BM25 of the query against every fact-check
    cos: dict[str, np.ndarray]  # field (or ADAPTED) -> cosine of the query's vector with every fact-check's
    numbers: frozenset[str]
    fact_numbers: list[frozenset[str]]  # per candidate (may be left empty when the query states no number)
    claimant_checks: Optional[np.ndarray] = None  # per candidate: its claimant's fact-checks, log, as a share of the most checked's
    venues: Optional[np.ndarray] = None  # per candidate: venue_kinds() of its claim's venue, one column per kind
    days: Optional[np.ndarray] = None  # per candidate: review's date minus the query's, in days (nan: none)
    claim_days: Optional[np.ndarray] = None  # per candidate: the checked claim's date minus the query's
    cache: dict = field(default_factory=dict)
    best: dict = field(default_factory=dict)  # id(scores) -> the rows of its best `cap`, when known

    def rank(self, scores: np.ndarray, cap: int = 100) -> np.ndarray:
        """Each candidate's rank (0 = best) under scores over the whole index, capped at `cap`."""
        key = id(scores)
        if key not in self.cache:
            k = min(cap, len(scores))
            rows = self.best.get(key)
            if rows is None or len(rows) != k:
                rows = np.argpartition(-scores, k - 1)[:k]
            top = -np.sort(-scores[rows])  # the best k, best first
            self.cache[key] = np.searchsorted(-top, -scores[self.cand], side="left")
        return self.cache[key]


def matrix(ctx: Context, dated: bool) -> np.ndarray:
    """The candidates' feature rows, columns in names(dated) order."""
    with np.errstate(invalid="ignore"):  # an undated fact-check's date features come out 0
        cols = [np.asarray(FEATURES[n][0](ctx), np.float32) for n in names(dated)]
    return np.nan_to_num(np.stack(cols, 1), nan=0.0)


def _relative(scores: np.ndarray, cand: np.ndarray) -> np.ndarray:
    return scores[cand] / max(float(scores.max()), 1e-6)


@feature("bm25_claim")
def bm25_claim(ctx):
    """BM25 against the claim reviewed, relative to the query's best."""
    return _relative(ctx.bm25["claim_reviewed"], ctx.cand)


@feature("bm25_headline")
def bm25_headline(ctx):
    return _relative(ctx.bm25["headline"], ctx.cand)


@feature("bm25_both")
def bm25_both(ctx):
    return _relative(ctx.bm25["both"], ctx.cand)


@feature("bm25_both_raw")
def bm25_both_raw(ctx):
    """The absolute BM25: a query sharing rare words with a fact-check, not just its best."""
    return ctx.bm25["both"][ctx.cand] / 10


@feature("rank_bm25")
def rank_bm25(ctx):
    return np.log1p(ctx.rank(ctx.bm25["both"])) / 5


# The claim's cosine with the statement's vector as embedded and as adapted (ADAPTED): the cosine,
# how far below the statement's nearest claim it is, and the claim's rank by it.
for _key, _cos, _rank in (("claim_reviewed", "cos_claim", "rank_cos"), (ADAPTED, "cos_adapted", "rank_adapted")):
    feature(_cos)(lambda ctx, key=_key: ctx.cos[key][ctx.cand])
    feature(_cos + "_gap")(lambda ctx, key=_key: ctx.cos[key][ctx.cand] - ctx.cos[key].max())
    feature(_rank)(lambda ctx, key=_key: np.log1p(ctx.rank(ctx.cos[key])) / 5)


@feature("numbers_shared")
def numbers_shared(ctx):
    if not ctx.numbers:
        return np.zeros(len(ctx.cand), np.float32)
    return np.array([len(ctx.numbers & f) for f in ctx.fact_numbers], np.float32)


@feature("numbers_missing")
def numbers_missing(ctx):
    """The query states a number the claim does not."""
    if not ctx.numbers:
        return np.zeros(len(ctx.cand), np.float32)
    return np.array([bool(ctx.numbers - f) for f in ctx.fact_numbers], np.float32)


@feature("claimant_prior")
def claimant_prior(ctx):
    """How often the index checks the candidate's claimant, relative to its most checked one (so
    the same in a small index as in a big one): statements that get checked come from the
    speakers checked often."""
    return ctx.claimant_checks


# Where the checked claim was made: a prior that stands in for the dates when a query has none (a
# claim said in a debate or speech is far likelier to be what a quoted statement repeats than a
# Facebook post or an ad).
for _column, _kind in enumerate(VENUES):  # venue_live, venue_talk, venue_written
    feature(f"venue_{_kind}")(lambda ctx, column=_column: ctx.venues[:, column])


# A fact-check comes days after the statement it checks, or long before, when the statement
# repeats a claim checked already; one published long after is rarely about it.
@feature("days_after_week", dated=True)
def days_after_week(ctx):
    return (ctx.days >= 0) & (ctx.days <= 7)


@feature("days_after_2m", dated=True)
def days_after_2m(ctx):
    return (ctx.days > 7) & (ctx.days <= 60)


@feature("days_after_far", dated=True)
def days_after_far(ctx):
    return ctx.days > 60


@feature("days_before_2m", dated=True)
def days_before_2m(ctx):
    return (ctx.days < 0) & (ctx.days >= -60)


@feature("log_days_before", dated=True)
def log_days_before(ctx):
    return np.log1p(np.maximum(-ctx.days, 0)) / 8


@feature("log_days_after", dated=True)
def log_days_after(ctx):
    return np.log1p(np.maximum(ctx.days, 0)) / 8


# The claim a fact-check reviews was made on the statement's day (the same speech), or before it
# (a repeated claim), hardly ever after.
@feature("claim_same_day", dated=True)
def claim_same_day(ctx):
    return np.abs(ctx.claim_days) <= 1


@feature("claim_after", dated=True)
def claim_after(ctx):
    return ctx.claim_days > 1


@feature("log_claim_days_before", dated=True)
def log_claim_days_before(ctx):
    return np.log1p(np.maximum(-ctx.claim_days, 0)) / 8
