"""Fact-check matching over a tracker database: the `fact_checks` rows in, a FactCheckIndex out.

The rows are those `tracker import-claimreview` writes (columns as the data-model contract names
them). Their sentence vectors are kept in the `fact_check_vectors` table, keyed by fact-check id
with the encoder version and a hash of the text they embed, so each fact-check is embedded once:
new and changed ones are embedded, and written, when the index is next built.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import sqlite_utils

from .match import FactCheck, FactCheckIndex, MatchModel, load_match_model
from .models import stable_hash

VECTORS = "fact_check_vectors"
VECTOR_COLUMNS = {"fact_check_id": str, "field": str, "encoder": str, "text_hash": str, "vector": bytes}


class NoFactChecks(LookupError):
    """The database has no fact-checks to match against."""


def fact_checks(db: sqlite_utils.Database) -> list[tuple[str, FactCheck]]:
    """(id, FactCheck) of every row of the fact_checks table, in id order."""
    if "fact_checks" not in db.table_names():
        raise NoFactChecks("no fact_checks table: import fact-checks first (tracker import-claimreview)")
    cols = set(db["fact_checks"].columns_dict)
    wanted = ["url", "claim_reviewed", "headline", "claimant", "claim_date", "date_published", "rating", "reviewer"]
    select = ", ".join(f"[{c}]" if c in cols else f"null as [{c}]" for c in wanted)
    out = []
    for row in db.execute(f"select id, {select} from fact_checks order by id").fetchall():
        values = dict(zip(wanted, row[1:]))
        out.append((row[0], FactCheck(**{k: ("" if v is None and k in ("headline", "claimant", "rating", "reviewer")
                                                 else v) for k, v in values.items()})))
    return out


def fact_check_index(db: sqlite_utils.Database, model: Optional[MatchModel] = None) -> FactCheckIndex:
    """The index of the database's fact-checks, embedding (and storing the vectors of) those
    whose vectors are missing or stale. Raises NoFactChecks when there are none."""
    model = model or load_match_model()
    rows = [(i, fc) for i, fc in fact_checks(db) if fc.url and fc.claim_reviewed]
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
        if all(v is not None and v[0] == stable_hash(getattr(fc, f)) for v, f in zip(vecs, model.dense_fields)):
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
                  "text_hash": stable_hash(getattr(fc, f)), "vector": v.astype(np.float16).tobytes()}
                 for i, fc in fresh for f, v in index.vector(fc.url).items()),
                pk=("fact_check_id", "field"))
    return index
