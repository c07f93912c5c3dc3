"""What a table page lists: the columns a person reads without scrolling sideways (each table's
`list_columns` in metadata.yml), and on statements a link that hides low-confidence rows.

Datasette 0.65 has no default column subset, and `?_col=` in the URL would also cut the CSV and
JSON exports; so _table.html renders only these columns, and exports keep every one.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import path_with_removed_args, path_with_replaced_args

from .cells import LOW_CONFIDENCE

# ?confidence__gte=0.5: Datasette's own filter, so it pages, counts and exports like any other.
HIDE_LOW = {"confidence__gte": str(LOW_CONFIDENCE)}


def list_toolbar(request, table_columns: list[str], shown: list[str]) -> list[dict]:
    """Links above the rows: every column (or the short list back), hide or show low confidence."""
    links = []
    if "_col" in request.args or "_nocol" in request.args:
        links.append({"label": "Fewer columns",
                      "href": path_with_removed_args(request, {"_col", "_nocol", "_next"})})
    elif len(shown) < len(table_columns):
        every = [("_col", c) for c in table_columns]
        links.append({"label": f"All {len(table_columns)} columns",
                      "href": path_with_replaced_args(request, every + [("_next", None)])})
    if "confidence" in table_columns:
        if request.args.get("confidence__gte") == HIDE_LOW["confidence__gte"]:
            links.append({"label": "Show low-confidence", "class": "show-low",
                          "href": path_with_removed_args(request, {"confidence__gte", "_next"})})
        else:
            links.append({"label": f"Hide low-confidence (below {LOW_CONFIDENCE})",
                          "class": "hide-low",
                          "href": path_with_replaced_args(request, {**HIDE_LOW, "_next": None})})
    return links


def list_ordered(items, names, key: str) -> list:
    """The columns (or cells) of items named in names, in that order; all of them without names."""
    if not names:
        return list(items)
    by_name = {item[key]: item for item in items}
    return [by_name[name] for name in names if name in by_name]


@hookimpl(specname="prepare_jinja2_environment")
def list_ordered_filter(env):
    env.filters["list_ordered"] = list_ordered


@hookimpl(specname="extra_template_vars")
def list_columns_vars(view_name, database, table, request, datasette):
    if view_name != "table" or not table or request is None:
        return {}

    async def list_vars():
        db = datasette.get_database(database)
        if table not in await db.table_names():  # a canned query or a view
            return {}
        columns = await db.table_columns(table)
        wanted = (datasette.table_metadata(database, table) or {}).get("list_columns") or []
        shown = [c for c in wanted if c in columns]
        if not shown:
            return {}
        explicit = "_col" in request.args
        return {"list_columns": None if explicit else shown,
                "list_toolbar": list_toolbar(request, columns, shown)}

    return list_vars
