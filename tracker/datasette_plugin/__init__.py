"""What Datasette shows beyond its defaults: speaker and article pages list their statements."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import urlsafe_components

STATEMENTS_SQL = """
select statements.id, statements.speaker, statements.speaker_id, statements.cue,
  statements.claim, statements.kind, statements.source, statements.channel,
  statements.speaker_text, statements.published, statements.article_id,
  articles.title as article_title, articles.source_path as article_source
from statements join articles on articles.id = statements.article_id
where statements.{column} = :id
order by {order}
limit 200
"""

# Row pages that list statements: table -> (the statements column pointing at it, the order).
LISTS = {
    "speakers": ("speaker_id", "statements.published desc, statements.article_id, statements.position"),
    "articles": ("article_id", "statements.position"),
}


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table not in LISTS or request is None:
        return {}
    column, order = LISTS[table]

    async def row_statements():
        (row_id,) = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(database)
        if "statements" not in await db.table_names():
            return {}
        sql = STATEMENTS_SQL.format(column=column, order=order)
        result = await db.execute(sql, {"id": row_id})
        return {"row_statements": [dict(r) for r in result.rows], "row_statements_of": table}

    return row_statements


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
