"""What Datasette shows of a tracker database: the package's metadata (descriptions, facets,
sort orders, canned queries) for any database with the tracker's tables, searches that never
fail, and the row pages of statements, articles, speakers and claims (pages.py).

Each hook is a small function: a new page is a template in templates/ and a view that a
register_routes hook lists.
"""

from __future__ import annotations

import urllib.parse

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Response

from .config import PACKAGE_METADATA, Fitted, copy_dicts
from .pages import row_page_vars  # noqa: F401 (the row pages' hook)
from .search import fts_query, render_marked, search_redirect
# Pages of issue 18, one module each; their hooks register with the plugin through these imports.
from .page import keep_request_path  # noqa: F401
from .cells import render_list_cell  # noqa: F401
from .lists import list_columns_vars, list_ordered_filter  # noqa: F401
from .home import home_vars  # noqa: F401
from .queries import query_filters  # noqa: F401
from .sampled_facets import sampled_facet_classes  # noqa: F401 (hook)
from .verdicts import verdict_permission, verdict_routes, verdict_vars  # noqa: F401 (hooks)

fitted = Fitted()


def tracker_databases(datasette) -> dict[str, dict]:
    """The fitted configuration of every attached tracker database, by name."""
    databases = {}
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        config = fitted(db)
        if config is not None:
            databases[name] = config
    return databases


@hookimpl
def get_metadata(datasette, key, database, table):
    # Datasette merges a -m metadata file over this, so a user's file overrides any of it.
    databases = tracker_databases(datasette)
    if not databases:
        return {}
    return copy_dicts({**PACKAGE_METADATA["instance"], "databases": databases})


@hookimpl(trylast=True)
def prepare_connection(conn):
    # Replaces Datasette's escape_fts (trylast: registered after it), which makes an invalid
    # FTS5 query (HTTP 400) of an empty search, a lone quote or a string of punctuation.
    conn.create_function("escape_fts", 1, fts_query)


@hookimpl
def render_cell(value):
    return render_marked(value)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def redirect_searches(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                args = urllib.parse.parse_qsl(
                    scope.get("query_string", b"").decode("utf-8", "replace"),
                    keep_blank_values=True)
                target = search_redirect(scope["path"], args)
                if target and is_tracker_route(datasette, scope["path"].split("/")[1]):
                    path, args = target
                    query = urllib.parse.urlencode(args)
                    location = datasette.urls.path(path) + (f"?{query}" if query else "")
                    await Response.redirect(location).asgi_send(send)
                    return
            await app(scope, receive, send)

        return redirect_searches

    return wrap


def is_tracker_route(datasette, route: str) -> bool:
    try:
        db = datasette.get_database(route=tilde_decode(route))
    except KeyError:
        return False
    return fitted(db) is not None


# Datasette lists every column description above the rows; fold them away so the rows show first.
FOLD_COLUMN_DESCRIPTIONS = """
document.querySelectorAll("dl.column-descriptions").forEach(function (dl) {
  var details = document.createElement("details");
  details.className = "column-descriptions-fold";
  var summary = document.createElement("summary");
  summary.textContent = "What the columns mean";
  details.appendChild(summary);
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(dl);
});
"""


@hookimpl
def extra_body_script(view_name):
    if view_name == "table":
        return FOLD_COLUMN_DESCRIPTIONS
    return ""
