"""How a cell reads: ids as links labelled with the title or name they stand for, long claims
cut on list pages, low-confidence statements tagged. Text from articles is always escaped.

Rules are registries: TABLE_CELLS by (table, column), QUERY_LABELS by a canned query's column
name. A rule returns HTML (or an awaitable of it), or None to leave the cell to Datasette.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

import markupsafe
from datasette import hookimpl
from datasette.utils import tilde_encode

from . import page
from .search import render_marked

CUT = 200  # characters of a claim shown in a list; its row page shows it whole
LABEL_CUT = 80  # characters of a claim standing in for its id
LOW_CONFIDENCE = 0.5  # statements below it are tagged "low" (docs/browsing.md)

# Columns holding a row id, and the table of that row.
ID_TABLES = {
    "statement_id": "statements", "first_statement_id": "statements",
    "last_statement_id": "statements", "article_id": "articles", "first_article_id": "articles",
    "claim_id": "claims", "speaker_id": "speakers", "fact_check_id": "fact_checks",
    "review_id": "reviews",
}
# The table whose ids a canned query lists as `id`.
QUERY_ID_TABLES = {"search_claims": "statements", "search_articles": "articles",
                   "top_speakers": "speakers"}
# A canned query's label columns, and the tables whose row each may stand for, tried in order.
QUERY_LABELS = {
    "claim": ["statements", "claims"], "text": ["claims"], "title": ["articles"],
    "name": ["speakers"], "speaker": ["speakers"], "claim_reviewed": ["fact_checks"],
}
# Timestamps shown as their date in lists (whole on hover and on the row's page).
DATE_COLUMNS = {"published", "first_published", "last_published", "first_said", "reviewed",
                "first_seen", "last_seen", "date_published", "claim_date"}
ID_COLUMNS = {"statements": "statement_id", "articles": "article_id", "claims": "claim_id",
              "speakers": "speaker_id", "fact_checks": "fact_check_id", "reviews": "review_id"}


@dataclasses.dataclass
class Cell:
    row: Any
    value: Any
    column: str
    table: Optional[str]
    database: str
    datasette: Any

    def field(self, name: str):
        """A column of the cell's row, or None if the row lacks it."""
        try:
            value = self.row[name]
        except (KeyError, IndexError):
            return None
        return value["value"] if isinstance(value, dict) else value

    def link(self, table: str, row_id, html) -> markupsafe.Markup:
        href = self.datasette.urls.row(self.database, table, tilde_encode(str(row_id)))
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, html)


def text_html(value, limit: Optional[int] = None) -> markupsafe.Markup:
    """Escaped text (search matches marked), cut to limit characters with … on list pages."""
    value = "" if value is None else str(value)
    if limit and page.list_name() is not None and len(value) > limit:
        value = cut_text(value, limit, page.searched_words())
    return render_marked(value) or markupsafe.escape(value)


def cut_text(value: str, limit: int, words: list[str]) -> str:
    """value cut to about limit characters with …, around the first searched word it holds."""
    lower = value.lower()
    found = [i for i in (lower.find(w) for w in words) if i >= 0]
    start = 0
    if found and min(found) > limit - 40:  # keep the match in view, some words before it
        start = value.rfind(" ", 0, max(min(found) - 60, 0)) + 1
    shown = value[start:start + limit].rstrip()
    return ("\u2026" if start else "") + shown + ("\u2026" if start + limit < len(value) else "")


def file_name(source_path) -> str:
    """The last part of an article's source path ("news/a.html" -> "a.html")."""
    return str(source_path or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


async def article_label(cell: Cell, article_id, title) -> markupsafe.Markup:
    """An article's title, else its file name in italics, else its id: never "None"."""
    if title:
        return text_html(title)
    db = cell.datasette.get_database(cell.database)
    rows = (await db.execute("select source_path from articles where id = ?", [article_id])).rows
    name = file_name(rows[0][0]) if rows else ""
    return markupsafe.Markup('<span class="file-name">{}</span>').format(name or article_id)


def is_low(confidence) -> bool:
    return isinstance(confidence, (int, float)) and confidence < LOW_CONFIDENCE


def low_tag(confidence) -> markupsafe.Markup:
    if not is_low(confidence):
        return markupsafe.Markup("")
    return markupsafe.Markup(
        ' <span class="low-confidence" title="Extractor confidence {:.2f}, below {}">low</span>'
    ).format(confidence, LOW_CONFIDENCE)


def statement_claim(cell: Cell):
    claim = cell.link("statements", cell.field("id"), text_html(cell.value, CUT))
    return claim + low_tag(cell.field("confidence"))


def statement_speaker(cell: Cell):
    speaker_id = cell.field("speaker_id")
    return cell.link("speakers", speaker_id, text_html(cell.value)) if speaker_id else None


def statement_confidence(cell: Cell):
    return markupsafe.Markup("{}{}").format(cell.value, low_tag(cell.value)) if is_low(cell.value) else None


def date_only(cell: Cell):
    """A timestamp as its date in lists (the whole of it on hover and on the row's page)."""
    if not isinstance(cell.value, str) or len(cell.value) <= 10 or page.list_name() is None:
        return None
    return markupsafe.Markup('<time datetime="{0}" title="{0}">{1}</time>').format(
        cell.value, cell.value[:10])


def article_title(cell: Cell):
    if cell.value:
        return cell.link("articles", cell.field("id"), text_html(cell.value))
    name = file_name(cell.field("source_path")) or cell.field("id")
    return cell.link("articles", cell.field("id"),
                     markupsafe.Markup('<span class="file-name">{}</span>').format(name))


def row_label(table: str, limit: Optional[int] = None):
    """A rule linking a label column to its own row."""
    return lambda cell: cell.link(table, cell.field("id"), text_html(cell.value, limit))


def cut(limit: int):
    return lambda cell: text_html(cell.value, limit) if cell.value else None


TABLE_CELLS = {
    ("statements", "claim"): statement_claim,
    ("statements", "speaker"): statement_speaker,
    ("statements", "confidence"): statement_confidence,
    ("articles", "title"): article_title,
    ("speakers", "name"): row_label("speakers"),
    ("claims", "text"): row_label("claims", CUT),
    ("fact_checks", "claim_reviewed"): row_label("fact_checks", CUT),
    ("reviews", "explanation"): cut(CUT),
    ("statements", "sentence"): cut(CUT),
}


async def foreign_key(cell: Cell):
    """An expanded foreign key as its label alone, linked (Datasette adds the id beside it)."""
    table = ID_TABLES.get(cell.column)
    if table is None:
        return None
    row_id, label = cell.value["value"], cell.value["label"]
    if table == "articles":
        return cell.link(table, row_id, await article_label(cell, row_id, label))
    if label is None or label == row_id:
        return cell.link(table, row_id, row_id)
    return cell.link(table, row_id, text_html(label, LABEL_CUT))


def row_ids(cell: Cell) -> dict[str, Any]:
    """The rows a canned query's result row stands for: table -> id."""
    ids = {table: cell.field(column) for table, column in ID_COLUMNS.items() if cell.field(column)}
    id_table = QUERY_ID_TABLES.get(page.list_name() or "")
    if id_table and cell.field("id"):
        ids[id_table] = cell.field("id")
    return ids


URL_COLUMNS = {"url", "review_url", "fact_check_url"}


def short_url(cell: Cell):
    """A web address as its site and the start of its path; only http(s) becomes a link."""
    url = str(cell.value or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        return None  # Datasette shows it as text
    shown = url.split("://", 1)[1]
    if len(shown) > 32:
        shown = shown[:31] + "\u2026"
    return markupsafe.Markup('<a href="{0}" title="{0}">{1}</a>').format(url, shown)


async def query_cell(cell: Cell):
    """Ids and labels in a canned query's results linked to the rows they stand for."""
    if cell.column in DATE_COLUMNS:
        return date_only(cell)
    if cell.column in URL_COLUMNS:
        return short_url(cell)
    ids = row_ids(cell)
    if cell.column in ID_TABLES or cell.column == "id":
        table = ID_TABLES.get(cell.column) or QUERY_ID_TABLES.get(page.list_name() or "")
        if table and cell.value:
            return cell.link(table, cell.value, text_html(cell.value))
        return None
    for table in QUERY_LABELS.get(cell.column, []):
        if table in ids:
            if table == "articles":
                return cell.link(table, ids[table], await article_label(cell, ids[table], cell.value))
            if cell.value is None:
                return None
            return cell.link(table, ids[table], text_html(cell.value, CUT))
    return None


def is_tracker_database(datasette, database: str) -> bool:
    from . import fitted  # the package imports this module first

    return page.remembered(("tracker database", database),
                           lambda: fitted(datasette.get_database(database)) is not None)


@hookimpl(specname="render_cell", tryfirst=True)
def render_list_cell(row, value, column, table, database, datasette):
    # tryfirst: a claim with marked search words is linked here, marks and all.
    if not is_tracker_database(datasette, database):
        return None
    cell = Cell(row, value, column, table, database, datasette)
    if table is None:
        return query_cell(cell)
    if isinstance(value, dict) and "label" in value:
        return foreign_key(cell)
    rule = TABLE_CELLS.get((table, column))
    if rule is None and column in ID_TABLES and value:
        return cell.link(ID_TABLES[column], value, text_html(value))
    if rule is None and column in DATE_COLUMNS:
        return date_only(cell)
    return rule(cell) if rule else None
