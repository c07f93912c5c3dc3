"""Facet counts for big searches: estimated from a sample of the matching rows.

A table search (?_search=) matching more rows than the plugin config's facet_sample_threshold
(default 20,000) would have every facet count time out. Instead each column facet counts a
fixed random-ish sample of the matches (facet_sample_size, default 5,000 rowids picked by a
hash of the rowid) and scales the counts up; the facet and the page say "estimated".
"""

from __future__ import annotations

import json

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite

DEFAULTS = {"facet_sample_threshold": 20_000, "facet_sample_size": 5_000}
# Odd multiplier and modulus of the rowid hash that picks the sample (rowid * K) % M < cut:
# consecutive rowids land far apart, so the sample spreads over the whole table.
K, M = 2654435761, 1 << 32
COUNT_SQL = "select count(*) from (select 1 from {fts} where {fts} match {match} limit :_limit)"
SAMPLE_SQL = ("select json_group_array(rowid) from {fts} where {fts} match {match}"
              " and (rowid * {k}) % {m} < :_cut")


def sample_config(datasette, database: str, table: str) -> dict:
    config = datasette.plugin_config("tracker", database=database, table=table) or {}
    return {key: int(config.get(key, default)) for key, default in DEFAULTS.items()}


def search_clause(sql: str, metadata: dict) -> tuple[str, str] | None:
    """(the search's where clause in sql, its match expression), or None without a search."""
    fts_table, fts_pk = metadata.get("fts_table"), metadata.get("fts_pk", "rowid")
    if not fts_table:
        return None
    fts = escape_sqlite(fts_table)
    for match in ("escape_fts(:search)", ":search"):
        clause = f"{escape_sqlite(fts_pk)} in (select rowid from {fts} where {fts} match {match})"
        if clause in sql:
            return clause, match
    return None


class SampledColumnFacet(ColumnFacet):
    """Datasette's column facet, counting a sample of the rows when a search matches many."""

    async def facet_results(self):
        sample = await self.sample()
        if sample is None:
            return await super().facet_results()
        sql, params, scale, size, matches = sample
        exact = self.sql, self.params
        self.sql, self.params = sql, params
        try:
            results, timed_out = await super().facet_results()
        finally:
            self.sql, self.params = exact
        for result in results:
            result.update(estimated=True, sample_size=size, search_matches=matches)
            for value in result["results"]:
                value["sample_count"] = value["count"]
                value["count"] = estimate(value["count"], scale)
        return results, timed_out

    async def sample(self):
        """(SQL over the sample, its params, scale, sample size, matches) for a big search."""
        found = search_clause(self.sql, self.metadata or {})
        if found is None or not self.get_configs():
            return None
        clause, match = found
        config = sample_config(self.ds, self.database, self.table)
        fts = escape_sqlite(self.metadata["fts_table"])
        limit = self.ds.setting("facet_time_limit_ms")
        try:
            matches = (await self.ds.execute(
                self.database, COUNT_SQL.format(fts=fts, match=match),
                {**self.params, "_limit": config["facet_sample_threshold"] + 1},
                custom_time_limit=limit)).first()[0]
            if matches <= config["facet_sample_threshold"]:
                return None
            matches = (await self.ds.execute(
                self.database, COUNT_SQL.format(fts=fts, match=match),
                {**self.params, "_limit": -1}, custom_time_limit=limit)).first()[0]
            cut = min(M, M * config["facet_sample_size"] // max(matches, 1))
            rowids = json.loads((await self.ds.execute(
                self.database, SAMPLE_SQL.format(fts=fts, match=match, k=K, m=M),
                {**self.params, "_cut": cut}, custom_time_limit=limit)).first()[0])
        except QueryInterrupted:
            return None  # the exact facets then time out as Datasette reports them
        sql = self.sql.replace(
            clause, f"{escape_sqlite(self.metadata.get('fts_pk', 'rowid'))} in"
                    " (select value from json_each(:_tracker_sample))")
        scale = matches / max(len(rowids), 1)
        return sql, {**self.params, "_tracker_sample": json.dumps(rowids)}, scale, len(rowids), matches


def estimate(count: int, scale: float) -> int:
    """A sample's count scaled to all the matches, to two significant figures."""
    value = count * scale
    if value < 100:
        return max(1, round(value))
    digits = len(str(int(value))) - 2
    return int(round(value, -digits))


@hookimpl(hookwrapper=True, specname="register_facet_classes")
def sampled_facet_classes():
    # Wraps the hook so that Datasette's own column facet gives way to the sampled one.
    outcome = yield
    outcome.force_result([[SampledColumnFacet if cls is ColumnFacet else cls for cls in classes]
                          for classes in outcome.get_result()])
