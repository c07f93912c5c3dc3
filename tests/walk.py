"""Follow every page of a Datasette table the ways a client does, and say which rows it saw.

Shared by tests/test_datasette.py and benchmarks/paging.py (which prints the figures).
"""

from __future__ import annotations

import collections
import csv
import io
import sqlite3
import urllib.parse
from dataclasses import dataclass

from tracker.datasette_plugin.config import PACKAGE_METADATA
from tracker.datasette_plugin.search import fts_query

# A word in about half of the generated claims and articles (tests/browse_data.py); any word
# will do on another database.
SEARCH_WORD = "the"


@dataclass
class Path:
    """One way through a table: the query string, and the SQL of the rows it should give."""

    table: str
    query: str
    where: str = ""
    params: tuple = ()

    @property
    def label(self) -> str:
        return f"{self.table}?{self.query}" if self.query else self.table


def primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    columns = sorted((r[5], r[1]) for r in conn.execute(f"pragma table_info([{table}])") if r[5])
    return [name for _, name in columns] or ["rowid"]


def expected(conn: sqlite3.Connection, path: Path) -> collections.Counter:
    """The primary keys of the rows the path should visit, each once."""
    pk = primary_key(conn, path.table)
    sql = f"select {', '.join(pk)} from [{path.table}] {path.where}"
    return collections.Counter(tuple(str(v) for v in row) for row in conn.execute(sql, path.params))


def paths(conn: sqlite3.Connection, word: str = SEARCH_WORD) -> list[Path]:
    """Every configured table (that the database has): plain, filtered on each facet's commonest
    value, searched, and searched and filtered."""
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    out = []
    for table, config in PACKAGE_METADATA["database"]["tables"].items():
        if table not in tables or config.get("hidden"):
            continue
        out.append(Path(table, ""))
        columns = {r[1] for r in conn.execute(f"pragma table_info([{table}])")}
        facets = [f for f in config.get("facets", []) if isinstance(f, str) and f in columns]
        filters = []
        for column in facets:
            top = conn.execute(
                f"select [{column}] from [{table}] where [{column}] is not null "
                f"group by 1 order by count(*) desc limit 1").fetchone()
            if top:
                filters.append((column, top[0]))
                out.append(Path(table, urllib.parse.urlencode({column: top[0]}),
                                f"where [{column}] = ?", (top[0],)))
        fts = config.get("fts_table")
        if fts in tables:
            match = f"where rowid in (select rowid from [{fts}] where [{fts}] match ?)"
            out.append(Path(table, urllib.parse.urlencode({"_search": word}), match,
                            (fts_query(word),)))
            if filters:
                column, value = filters[0]
                out.append(Path(table, urllib.parse.urlencode({"_search": word, column: value}),
                                f"{match} and [{column}] = ?", (fts_query(word), value)))
    return out


def local(url: str) -> str:
    """The path and query of an absolute URL (Datasette's in-process client wants those)."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def get(client, url: str):
    response = await client.get(local(url))
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response


async def follow_next_url(client, db: str, path: Path, pk: list[str], size: int) -> list[tuple]:
    """Rows of /db/table.json, following next_url to the end."""
    url = f"/{db}/{path.table}.json?_shape=objects&_size={size}&{path.query}"
    seen = []
    while url:
        data = (await get(client, url)).json()
        seen += [tuple(str(row[c]) for c in pk) for row in data["rows"]]
        url = data.get("next_url")
    return seen


async def follow_link_header(client, db: str, path: Path, pk: list[str]) -> list[tuple]:
    """Rows of /db/table.json?_shape=array&_size=max, following the Link: rel=next header."""
    url = f"/{db}/{path.table}.json?_shape=array&_size=max&_stream=on&{path.query}"
    seen = []
    while url:
        response = await get(client, url)
        seen += [tuple(str(row[c]) for c in pk) for row in response.json()]
        link = response.headers.get("link", "")
        url = link[1:link.index(">")] if 'rel="next"' in link else None
    return seen


async def stream_csv(client, db: str, path: Path, pk: list[str]) -> list[tuple]:
    """Rows of the CSV a person downloads: /db/table.csv?_stream=on&_size=max."""
    response = await get(client, f"/{db}/{path.table}.csv?_stream=on&_size=max&{path.query}")
    reader = csv.reader(io.StringIO(response.text))
    header = next(reader)
    rows = list(reader)
    # A failure mid-stream appends its message as a line of its own: no row of this shape.
    assert all(len(row) == len(header) for row in rows), rows[-1]
    return [tuple(row[header.index(c)] for c in pk) for row in rows]


async def visits(client, db: str, conn: sqlite3.Connection, path: Path, how: str,
                 size: int = 37) -> tuple[list[tuple], collections.Counter]:
    """(the rows a client saw, the rows it should see) for one path walked one way."""
    pk = primary_key(conn, path.table)
    if how == "next_url":
        seen = await follow_next_url(client, db, path, pk, size)
    elif how == "csv":
        seen = await stream_csv(client, db, path, pk)
    else:
        seen = await follow_link_header(client, db, path, pk)
    return seen, expected(conn, path)
