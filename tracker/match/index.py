"""An index of published fact-checks that finds the ones covering a statement.

FactCheckIndex holds the fact-checks (tracker.claimreview.FactCheck, as imported), their sentence vectors and BM25 indexes
over their claim and headline. match() takes each query's candidates (the best by BM25 and by
the cosine of the query's adapted vector, tracker.match.model.adapt), describes every candidate by tracker.match.features, and ranks them with the
trained reranker (tracker.match.model). Adding fact-checks embeds only the new ones; save() and
load() keep the vectors, so a stored index is not embedded again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Iterable, Optional, Union

import numpy as np

from ..claimreview import FactCheck, claim_venue
from .features import ADAPTED, VENUES, Context, numbers, venue_kinds
from .lexical import BM25, terms
from .model import MatchModel, load_match_model

CANDIDATES = 100  # per query, the best this many by BM25 and by the adapted cosine each go to the reranker
BATCH = 64  # queries whose cosines are computed together


MIN_TERMS = 3  # a statement with fewer content words is not matched at ingest (checkable())


@dataclass
class Query:
    """A statement to match; its date (the article's) lets the reranker read the dates, its
    speaker (the statement's) is compared with the fact-checks' claimants."""

    text: str
    date: Optional[str] = None
    speaker: Optional[str] = None


def checkable(text: Optional[str]) -> bool:
    """Whether a statement says enough to be matched to a fact-check: at least MIN_TERMS
    content words ("He said so." and "That is true." are not worth an encoder pass)."""
    return len(set(terms(text or ""))) >= MIN_TERMS


@dataclass
class Match:
    url: str
    score: float  # the reranker's probability that the fact-check covers the query
    fact_check: FactCheck


def claimant_key(name: Optional[str]) -> str:
    """A claimant's name as counted: lower-cased, spaces collapsed ('' for none)."""
    return " ".join((name or "").lower().split())


def day_number(value: Optional[str]) -> float:
    """An ISO date (or datetime) as a day number; nan when absent or unreadable."""
    try:
        return float(dt.date.fromisoformat((value or "")[:10]).toordinal())
    except ValueError:
        return float("nan")


class FactCheckIndex:
    """Fact-checks with their vectors and lexical indexes; match() ranks them for statements."""

    def __init__(self, model: Optional[MatchModel] = None):
        self.model = model or load_match_model()
        self.records: list[FactCheck] = []
        self.row: dict[str, int] = {}  # url -> row
        self.vectors = {f: np.zeros((0, self.model.width), np.float32) for f in self.model.dense_fields}
        self._lexical = None
        self._saved_venues: dict[str, str] = {}  # url -> claim venue, as load() read it (its records lack their JSON)
        self._venue_memo: dict[str, tuple[str, str]] = {}  # url -> (its JSON, the venue read from it)

    def __len__(self) -> int:
        return len(self.records)

    def add(self, fact_checks: Iterable[FactCheck], vectors: Optional[dict[str, np.ndarray]] = None) -> int:
        """Add fact-checks, or update those whose url is indexed already; embeds only the new
        ones and those whose text changed, unless `vectors` gives them (field -> one row per
        fact-check, as vector() returns them, e.g. kept in a database). Returns how many were
        added or changed."""
        fact_checks = list(fact_checks)
        given = {fc.url: k for k, fc in enumerate(fact_checks)} if vectors is not None else {}
        changed: dict[int, FactCheck] = {}
        updated = 0
        for fc in fact_checks:
            k = self.row.get(fc.url)
            if k is None:
                k = self.row[fc.url] = len(self.records)
                self.records.append(fc)
            elif self.records[k] == fc:
                continue
            elif all(getattr(self.records[k], f) == getattr(fc, f) for f in self.model.dense_fields):
                self.records[k] = fc  # the same text: its vectors stand
                updated += 1
                self._lexical = None
                continue
            self.records[k] = fc
            changed[k] = fc
        if changed:
            rows = np.fromiter(changed, np.int64, len(changed))
            for f, v in self.vectors.items():
                grown = np.zeros((len(self.records), self.model.width), np.float32)
                grown[: len(v)] = v
                if vectors is not None:
                    grown[rows] = vectors[f][[given[fc.url] for fc in changed.values()]]
                else:
                    grown[rows] = self.model.vectors([getattr(fc, f) or "" for fc in changed.values()])
                self.vectors[f] = grown
            self._lexical = None
        return len(changed) + updated

    def vector(self, url: str) -> dict[str, np.ndarray]:
        """The vectors of one indexed fact-check, per field (what add(vectors=...) takes back)."""
        return {f: v[self.row[url]] for f, v in self.vectors.items()}

    def venue(self, fc: FactCheck) -> str:
        """Where the fact-check's claim was made (tracker.claimreview.claim_venue): from its JSON,
        or as saved with the index."""
        if not fc.claimreview:
            return self._saved_venues.get(fc.url, "")
        json_, venue = self._venue_memo.get(fc.url, (None, ""))
        if json_ != fc.claimreview:  # read once per fact-check, not at every rebuild of lexical()
            venue = claim_venue(fc.claimreview)
            self._venue_memo[fc.url] = (fc.claimreview, venue)
        return venue

    def lexical(self):
        """(BM25 over claims, over headlines, over both, vocabulary), built on first use."""
        if self._lexical is None:
            vocab: dict[str, int] = {}
            claims = [terms(fc.claim_reviewed or "") for fc in self.records]
            heads = [terms(fc.headline or "") for fc in self.records]
            self._lexical = {"claim_reviewed": BM25(claims, vocab), "headline": BM25(heads, vocab),
                             "both": BM25([a + b for a, b in zip(claims, heads)], vocab)}
            self._numbers = [numbers(fc.claim_reviewed or "") for fc in self.records]
            claimants = Counter(claimant_key(fc.claimant) for fc in self.records)
            claimants.pop("", None)
            most = np.log1p(max(claimants.values(), default=1))
            self._claimant_checks = np.array([np.log1p(claimants.get(claimant_key(fc.claimant), 0)) / most
                                              for fc in self.records], np.float32)
            self._venues = np.array([venue_kinds(self.venue(fc)) for fc in self.records], np.float32).reshape(-1, len(VENUES))
            self._days = np.array([day_number(fc.date_published) for fc in self.records])
            self._claim_days = np.array([day_number(fc.claim_date) for fc in self.records])
        return self._lexical

    def cosines(self, vectors: np.ndarray, adapted: Optional[np.ndarray] = None) -> dict[str, np.ndarray]:
        """The statements' cosines with every fact-check (a row per statement), per field, and
        with the claims as ADAPTED: their adapted vectors' (the model's adapter unless given), in
        one pass over the fact-checks' vectors (memory-bound)."""
        adapted = self.model.adapted(vectors) if adapted is None else adapted
        n, claims = len(vectors), "claim_reviewed"
        out = {f: vectors @ m.T for f, m in self.vectors.items() if f != claims}
        both = np.concatenate([vectors, adapted]) @ self.vectors[claims].T
        out[claims], out[ADAPTED] = both[:n], both[n:]
        return out

    def context(self, query: Query, cos: dict[str, np.ndarray]) -> Context:
        """The query's candidates and everything the features read about them (cos: the query's
        cosines with every fact-check, as cosines() gives them)."""
        lexical = self.lexical()
        qt = terms(query.text)
        bm25 = {f: idx.scores(qt) for f, idx in lexical.items()}
        k = min(CANDIDATES, len(self.records))
        best = {id(s): np.argpartition(-s, k - 1)[:k] for s in (bm25["both"], cos[ADAPTED])}
        cand = np.union1d(*best.values())
        said = numbers(query.text)  # without numbers, the number features need not look at the candidates'
        ctx = Context(cand, bm25, cos, said, [self._numbers[j] for j in cand] if said else [],
                      claimant_checks=self._claimant_checks[cand], venues=self._venues[cand], best=best)
        if query.date:
            day = day_number(query.date)
            ctx.days = self._days[cand] - day
            ctx.claim_days = self._claim_days[cand] - day
        return ctx

    def match(self, queries: Iterable[Union[str, Query]], top_k: int = 10) -> list[list[Match]]:
        """For each query (a text, or a Query with its date), the top_k fact-checks, best first."""
        queries = [q if isinstance(q, Query) else Query(q) for q in queries]
        if not self.records or not queries:
            return [[] for _ in queries]
        vectors = self.model.query_vectors([q.text for q in queries])
        out = []
        for k, q in enumerate(queries):
            if k % BATCH == 0:  # one pass over the vectors for a batch of queries: it is memory-bound
                cosines = self.cosines(vectors[k:k + BATCH])
            ctx = self.context(q, {f: c[k % BATCH] for f, c in cosines.items()})
            dated = ctx.days is not None and not np.isnan(day_number(q.date))
            scores = self.model.score(ctx, dated)
            best = np.argsort(-scores, kind="stable")[:top_k]
            out.append([Match(self.records[ctx.cand[j]].url, float(scores[j]), self.records[ctx.cand[j]])
                        for j in best])
        return out

    def save(self, path: Union[str, Path]) -> None:
        """Write the fact-checks (without the JSON as received) and their vectors (float16) to
        one .npz file."""
        arrays = {f"vectors_{f}": v.astype(np.float16) for f, v in self.vectors.items()}
        records = json.dumps([asdict(replace(fc, claimreview="")) for fc in self.records]).encode("utf-8")
        venues = json.dumps([self.venue(fc) for fc in self.records]).encode("utf-8")
        np.savez_compressed(path, records=np.frombuffer(records, np.uint8), venues=np.frombuffer(venues, np.uint8),
                            model=np.array(self.model.version), **arrays)

    @classmethod
    def load(cls, path: Union[str, Path], model: Optional[MatchModel] = None) -> "FactCheckIndex":
        """An index saved by save(); re-embeds the fact-checks when the model has changed since."""
        index = cls(model)
        with np.load(path, allow_pickle=False) as z:
            names = {f.name for f in fields(FactCheck)}
            records = [FactCheck(**{k: v for k, v in r.items() if k in names})
                       for r in json.loads(z["records"].tobytes().decode("utf-8"))]
            if "venues" in z.files:
                index._saved_venues = dict(zip((fc.url for fc in records), json.loads(z["venues"].tobytes().decode("utf-8"))))
            if str(z["model"]) != index.model.version:
                index.add(records)
                return index
            index.records = records
            index.row = {fc.url: k for k, fc in enumerate(records)}
            index.vectors = {f: z[f"vectors_{f}"].astype(np.float32) for f in index.model.dense_fields}
        return index
