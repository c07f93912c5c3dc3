"""The database's home page: how many rows of each kind, the newest statements, the most quoted
speakers, the claims repeated most and the unreviewed claims seen most widely.

Every list reads the first rows of an index (each table's sort key or a count column) and stops
at its LIMIT, so the page costs the same at a million statements as at a thousand.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.database import QueryInterrupted

# What the counts count, in the order they show: table -> label.
COUNTED = {"articles": "articles", "statements": "statements", "speakers": "speakers",
           "claims": "claims", "reviews": "reviews", "fact_checks": "fact-checks"}
COUNT_TIME_LIMIT_MS = 200  # past it a count shows as "many" (Datasette's database page: 5 ms)
SHOWN = 10

# The lists: name -> (heading, table the rows link to, SQL, where "all" leads).
LISTS = {
    "newest_statements": (
        "Newest statements", "statements",
        "select id, speaker, speaker_id, cue, claim, published, confidence from statements"
        " order by sort_key desc limit :n",
        "statements"),
    "top_speakers": (
        "Most quoted speakers", "speakers",
        "select id, name, kind, statement_count, article_count from speakers"
        " where statement_count > 0 order by statement_count desc limit :n",
        "top_speakers"),
    "repeated_claims": (
        "Claims repeated most", "claims",
        "select id, text, statement_count, article_count, speaker_count, latest_rating"
        " from claims where statement_count > 1 order by statement_count desc limit :n",
        "claims"),
    "unreviewed_claims": (
        "Unreviewed claims by reach", "claims",
        "select id, text, statement_count, article_count, speaker_count from claims"
        " where review_count = 0 and statement_count > 0"
        " order by article_count desc, statement_count desc limit :n",
        "unreviewed_claims"),
}


async def count(db, table: str):
    """The table's row count, or None when counting takes longer than the limit."""
    try:
        result = await db.execute(f"select count(*) from [{table}]",
                                  custom_time_limit=COUNT_TIME_LIMIT_MS)
    except QueryInterrupted:
        return None
    return result.rows[0][0]


async def more_url(datasette, database: str, name: str, tables: set, actor):
    """Where a list's "all" link leads: the table, the canned query, else the table listed."""
    if name in tables:
        return datasette.urls.table(database, name)
    if await datasette.get_canned_query(database, name, actor):
        return datasette.urls.query(database, name)
    return None


async def home(datasette, database: str, actor=None) -> dict:
    """The home page's counts and lists (those the database's tables can give)."""
    db = datasette.get_database(database)
    tables = set(await db.table_names())
    counts = [{"table": t, "label": label, "count": await count(db, t)}
              for t, label in COUNTED.items() if t in tables]
    lists = []
    for name, (heading, table, sql, more) in LISTS.items():
        if table not in tables:
            continue
        try:
            rows = (await db.execute(sql, {"n": SHOWN})).rows
        except (sqlite3.Error, QueryInterrupted):  # an older database lacking a column, or too slow
            continue
        lists.append({"name": name, "heading": heading, "table": table,
                      "rows": [dict(r) for r in rows],
                      "more": await more_url(datasette, database, more, tables, actor)
                      or datasette.urls.table(database, table)})
    return {"home_counts": counts, "home_lists": lists}


@hookimpl(specname="extra_template_vars")
def home_vars(view_name, database, request, datasette):
    from . import tracker_databases  # the package imports this module first

    if view_name != "database" or database not in tracker_databases(datasette):
        return {}

    async def home_page():
        return await home(datasette, database, request.actor if request else None)

    return home_page
