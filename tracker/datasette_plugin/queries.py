"""How a canned query's page reads: its inputs labelled in words (query.html); its results link
to the rows they list through cells.py."""

from __future__ import annotations

from datasette import hookimpl

from .cells import ID_COLUMNS, ID_TABLES, QUERY_ID_TABLES, QUERY_LABELS

# A canned query's :name parameters as a person reads them.
PARAM_LABELS = {
    "q": "Words to search for",
    "speaker": "Speaker's name (or any name they go by)",
    "channel": "Channel: the outlet relayed (e.g. Reuters), empty for all",
}


def param_label(name: str) -> str:
    """The label of a query's input: PARAM_LABELS, else the name in words ("min_date" -> "Min date")."""
    return PARAM_LABELS.get(name) or name.replace("_", " ").strip().capitalize()


def shown_columns(columns: list[str], query: str) -> list[str]:
    """A canned query's columns on its page: the id columns whose row a label beside them links
    (a claim, a title, a name) are left to the CSV and JSON."""
    def table_of(column):
        return QUERY_ID_TABLES.get(query) if column == "id" else ID_TABLES.get(column)

    ids = {column: table_of(column) for column in columns if table_of(column)}
    present = {table for table in ids.values()}
    linked = set()
    for column in columns:  # a label links the first table of its list that the row has
        table = next((t for t in QUERY_LABELS.get(column, []) if t in present), None)
        if table:
            linked.add(table)
    return [c for c in columns
            if c not in ids or ids[c] not in linked or c not in ("id", *ID_COLUMNS.values())]


@hookimpl(specname="prepare_jinja2_environment")
def query_filters(env):
    env.filters["param_label"] = param_label
    env.filters["shown_columns"] = shown_columns
