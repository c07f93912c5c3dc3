"""Fact-check matching over a tracker database: the `fact_checks` rows in, a FactCheckIndex out.

The rows are those `tracker import-claimreview` writes (tracker.factchecks.iter_fact_checks). Their sentence vectors are kept in the `fact_check_vectors` table, keyed by fact-check id
with the encoder version and a hash of the text they embed, so each fact-check is embedded once:
new and changed ones are embedded, and written, when the index is next built.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import sqlite_utils

from .factchecks import iter_fact_checks
from .match import FactCheckIndex, MatchModel, load_match_model
from .models import stable_hash

VECTORS = "fact_check_vectors"
VECTOR_COLUMNS = {"fact_check_id": str, "field": str, "encoder": str, "text_hash": str, "vector": bytes}


class NoFactChecks(LookupError):
    """The database has no fact-checks to match against."""


def fact_check_index(db: sqlite_utils.Database, model: Optional[MatchModel] = None) -> FactCheckIndex:
    """The index of the database's fact-checks, embedding (and storing the vectors of) those
    whose vectors are missing or stale. Raises NoFactChecks when there are none."""
    model = model or load_match_model()
    rows = [(fc.id, fc) for fc in iter_fact_checks(db) if fc.claim_reviewed] if "fact_checks" in db.table_names() else []
    if not rows:
        raise NoFactChecks("no fact-checks in the database: import some first (tracker import-claimreview)")
    if not db[VECTORS].exists():
        db[VECTORS].create(VECTOR_COLUMNS, pk=("fact_check_id", "field"))
    stored = {(r[0], r[1]): r[2:] for r in db.execute(
        f"select fact_check_id, field, text_hash, vector from {VECTORS} where encoder = ?", [model.version])}
    index = FactCheckIndex(model)
    known, fresh = [], []
    for i, fc in rows:
        vecs = [stored.get((i, f)) for f in model.dense_fields]
        if all(v is not None and v[0] == stable_hash(getattr(fc, f) or "") for v, f in zip(vecs, model.dense_fields)):
            known.append((fc, [np.frombuffer(v[1], np.float16).astype(np.float32) for v in vecs]))
        else:
            fresh.append((i, fc))
    if known:
        index.add([fc for fc, _ in known],
                  {f: np.stack([v[k] for _, v in known]) for k, f in enumerate(model.dense_fields)})
    if fresh:
        index.add([fc for _, fc in fresh])
        with db.atomic():
            db[VECTORS].upsert_all(
                ({"fact_check_id": i, "field": f, "encoder": model.version,
                  "text_hash": stable_hash(getattr(fc, f) or ""), "vector": v.astype(np.float16).tobytes()}
                 for i, fc in fresh for f, v in index.vector(fc.url).items()),
                pk=("fact_check_id", "field"))
    return index
