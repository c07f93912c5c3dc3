"""Facet counts for big searches and broad filters: estimated from a sample of the matching rows.

A table page with a search (?_search=) or a filter (?kind=, ?confidence__gte=, ...) matching more
rows than the plugin config's facet_sample_threshold (default 20,000) would have every facet
count read all of them, and time out at a million statements. Instead each column facet counts
a fixed random-ish sample of the matching rows (about facet_sample_size, default 5,000) and
scales the counts up; the facet and the page say "estimated". An unfiltered page stays exact:
its facets read the columns' indexes.
"""

from __future__ import annotations

import json
import random

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ColumnFacet
from datasette.utils import escape_sqlite

DEFAULTS = {"facet_sample_threshold": 20_000, "facet_sample_size": 5_000}
# Odd multiplier and modulus of the rowid hash that picks a search's sample (rowid * K) % M < cut:
# consecutive rowids land far apart, so the sample spreads over the whole table.
K, M = 2654435761, 1 << 32
# At most this many times facet_sample_size rows are drawn, however few of them pass the filters.
MAX_DRAW = 10
IN_DRAWN = "rowid in (select value from json_each(:_tracker_drawn))"
IN_SAMPLE = "rowid in (select value from json_each(:_tracker_sample))"
LIMITED_COUNT = "select count(*) from (select 1 from {table} {where} limit :_tracker_limit)"
FTS_COUNT = "select count(*) from {fts} where {fts} match {match}"
FTS_DRAW = ("select json_group_array(rowid) from {fts} where {fts} match {match}"
            " and (rowid * {k}) % {m} < :_tracker_cut")
# NOT INDEXED: look the drawn rowids up, rather than walk a filtered column's index past them.
SAMPLE = "select json_group_array(rowid) from {table} not indexed where {where}"


def sample_config(datasette, database: str, table: str) -> dict:
    config = datasette.plugin_config("tracker", database=database, table=table) or {}
    return {key: int(config.get(key, default)) for key, default in DEFAULTS.items()}


def search_clause(sql: str, metadata: dict) -> tuple[str, str] | None:
    """(the search's where clause in sql, its match expression), or None without a search."""
    fts_table, fts_pk = metadata.get("fts_table"), metadata.get("fts_pk", "rowid")
    if not fts_table or fts_pk != "rowid":
        return None
    fts = escape_sqlite(fts_table)
    for match in ("escape_fts(:search)", ":search"):
        clause = f"rowid in (select rowid from {fts} where {fts} match {match})"
        if clause in sql:
            return clause, match
    return None


async def draw_from_search(facet, where: str, counted: int | None, found) -> tuple[list, int, str]:
    """Rowids of a share of the search's matches (by the rowid hash, read from the full-text
    index alone), how many it matches, and the page's where clause with the search taken out."""
    clause, match = found
    fts = escape_sqlite(facet.metadata["fts_table"])
    matches = await facet.first(FTS_COUNT.format(fts=fts, match=match), {})
    cut = max(1, round(M * share(facet.config, counted, matches)))
    drawn = json.loads(await facet.first(FTS_DRAW.format(fts=fts, match=match, k=K, m=M),
                                         {"_tracker_cut": cut}))
    return drawn, matches, where.replace(clause, IN_DRAWN)


async def draw_from_table(facet, where: str, counted: int | None, found) -> tuple[list, int, str]:
    """Rowids spread over the table's rowid range (one at random in each of equal strides,
    seeded by the range: reloads agree), the range's size, and the page's where clause."""
    low, high = (await facet.ds.execute(
        facet.database, f"select min(rowid), max(rowid) from {escape_sqlite(facet.table)}")).first()
    span = high - low + 1 if high is not None else 0
    n = min(span, round(span * share(facet.config, counted, span)))
    rng, stride = random.Random(f"{low}:{high}:{n}"), span / max(n, 1)
    drawn = sorted({low + int(i * stride + rng.random() * stride) for i in range(n)})
    return drawn, span, f"{IN_DRAWN} and ({where})"


def share(config: dict, counted: int | None, population: int) -> float:
    """The share of the population to draw for about facet_sample_size of the page's rows (all
    of it if uncounted), within MAX_DRAW times that many rows."""
    size, population = config["facet_sample_size"], max(population, 1)
    return min(1.0, size / (counted or population), MAX_DRAW * size / population)


# Where the sample is drawn from: a search's matches, or else the table's rowid range.
DRAWS = {True: draw_from_search, False: draw_from_table}


class SampledColumnFacet(ColumnFacet):
    """Datasette's column facet, counting a sample of the rows when a search or filters match
    many."""

    async def facet_results(self):
        sample = await self.sample()
        if sample is None:
            return await super().facet_results()
        exact = self.sql, self.params
        self.sql = sample["sql"]
        self.params = {**self.params, "_tracker_sample": json.dumps(sample["rowids"])}
        try:
            results, timed_out = await super().facet_results()
        finally:
            self.sql, self.params = exact
        scale = sample["matches"] / max(len(sample["rowids"]), 1)
        for result in results:
            result.update(estimated=True, sample_size=len(sample["rowids"]),
                          search_matches=sample["matches"], matches_estimated=sample["estimated"],
                          sampled_search=sample["search"])
            for value in result["results"]:
                value["sample_count"] = value["count"]
                value["count"] = estimate(value["count"], scale)
        return results, timed_out

    async def sample(self) -> dict | None:
        """For a page whose search or filters match more than the threshold: {sql (of the sampled
        rows), rowids, matches (the page's rows, counted or estimated), estimated, search}."""
        table = escape_sqlite(self.table or "")
        select, _, where = self.sql.partition(f" from {table} ")
        where = where.strip().removeprefix("where ")
        if not self.table or not where or not self.get_configs() \
                or not await self.ds.get_database(self.database).table_exists(self.table):
            return None  # an unfiltered page's facets read the columns' indexes: exact and fast
        self.config = sample_config(self.ds, self.database, self.table)
        threshold = self.config["facet_sample_threshold"]
        found = search_clause(where, self.metadata or {})
        counted = self.row_count  # Datasette's count of the page's rows, unless it timed out
        try:
            # Uncounted, count up to the threshold only: a narrow filter stays cheap.
            rows = counted if counted is not None else await self.first(
                LIMITED_COUNT.format(table=table, where=f"where {where}"),
                {"_tracker_limit": threshold + 1})
            if rows <= threshold:
                return None
            drawn, population, where = await DRAWS[found is not None](self, where, counted, found)
            rowids = json.loads(await self.first(SAMPLE.format(table=table, where=where),
                                                 {"_tracker_drawn": json.dumps(drawn)}))
        except QueryInterrupted:
            return None  # the exact facets then time out as Datasette reports them
        matches = counted if counted is not None else \
            round(population * len(rowids) / max(len(drawn), 1))
        return {"sql": f"{select} from {table} where {IN_SAMPLE}", "rowids": rowids,
                "matches": matches, "estimated": counted is None, "search": found is not None}

    async def first(self, sql: str, params: dict):
        """The first value of sql's first row, with the page's params, in the facet time limit."""
        results = await self.ds.execute(self.database, sql, {**self.params, **params},
                                        custom_time_limit=self.ds.setting("facet_time_limit_ms"))
        return results.first()[0]


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
