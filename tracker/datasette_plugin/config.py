"""The browsing configuration (package metadata.yml) fitted to each tracker database's schema."""

from __future__ import annotations

import collections
import importlib.resources
import sqlite3
import threading
import weakref
from typing import Callable, Optional

import yaml

from .search import fts_query

PACKAGE_METADATA = yaml.safe_load(
    importlib.resources.files(__package__).joinpath("metadata.yml").read_text(encoding="utf-8"))
# A database that has these tables is a tracker database, whatever its file name.
TRACKER_TABLES = {"statements", "articles"}


def facet_column(facet) -> str:
    """The column a facet counts: "kind", or {"date": "published"} for a date facet."""
    return facet if isinstance(facet, str) else next(iter(facet.values()))


def fit_table(config: dict, columns: set[str], tables: set[str]) -> dict:
    """A table's configuration without the columns and FTS table the database lacks.

    Without its sort column (a database made before sort_key) the table keeps Datasette's
    primary key order, which pages correctly too.
    """
    fitted = dict(config)
    if "facets" in config:
        fitted["facets"] = [f for f in config["facets"] if facet_column(f) in columns]
    if "columns" in config:
        fitted["columns"] = {c: text for c, text in config["columns"].items() if c in columns}
    for key in ("sort", "sort_desc", "label_column"):
        if key in config and config[key] not in columns:
            del fitted[key]
    if "fts_table" in config and config["fts_table"] not in tables:
        del fitted["fts_table"]
        fitted.pop("fts_pk", None)
    return fitted


def fit_database(config: dict, schema: dict[str, set[str]], compiles: Callable[[str], bool]) -> dict:
    """The database configuration cut to the tables, columns and canned queries it can serve."""
    fitted = {key: value for key, value in config.items() if key not in ("tables", "queries")}
    fitted["tables"] = {
        name: fit_table(table, schema[name], set(schema))
        for name, table in config.get("tables", {}).items() if name in schema
    }
    fitted["queries"] = {
        name: query for name, query in config.get("queries", {}).items() if compiles(query["sql"])
    }
    return fitted


def read_schema(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Every table and view of the database with its columns (generated ones included)."""
    names = [r[0] for r in conn.execute(
        "select name from sqlite_master where type in ('table', 'view')")]
    return {name: {r[1] for r in conn.execute("select * from pragma_table_xinfo(?)", [name])}
            for name in names}


def compiler(conn: sqlite3.Connection) -> Callable[[str], bool]:
    """A test of whether SQL compiles against the database (its tables and columns exist)."""
    conn.create_function("escape_fts", 1, fts_query)
    no_values = collections.defaultdict(lambda: None)  # any :name binds NULL

    def compiles(sql: str) -> bool:
        try:
            conn.execute("explain " + sql, no_values).fetchall()
        except sqlite3.Error:
            return False
        return True

    return compiles


def database_metadata(conn: sqlite3.Connection) -> Optional[dict]:
    """The configuration for this database, or None if it is no tracker database."""
    schema = read_schema(conn)
    if not TRACKER_TABLES <= set(schema):
        return None
    return fit_database(PACKAGE_METADATA["database"], schema, compiler(conn))


class Fitted:
    """Each Datasette database's fitted configuration, read again only when its schema changes.

    Datasette asks for metadata synchronously, many times a request: a schema_version check on
    one kept connection per database is all that costs.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __call__(self, db) -> Optional[dict]:
        with self._lock:
            conn, version, fitted = self._cache.get(db, (None, None, None))
            try:
                if conn is None:
                    conn = db.connect()
                current = conn.execute("pragma schema_version").fetchone()[0]
                if current != version:
                    fitted, version = database_metadata(conn), current
            except sqlite3.Error:  # not a database, or unreadable: nothing to configure
                fitted = None
            self._cache[db] = (conn, version, fitted)
            return fitted


def copy_dicts(value):
    """A copy of nested dicts (lists and strings shared): Datasette merges into what it is given."""
    if isinstance(value, dict):
        return {k: copy_dicts(v) for k, v in value.items()}
    return value
