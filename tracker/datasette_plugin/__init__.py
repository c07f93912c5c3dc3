"""What Datasette shows beyond its defaults: a speaker's page lists the speaker's statements."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import urlsafe_components

SPEAKER_STATEMENTS_SQL = """
select statements.id, statements.cue, statements.claim, statements.kind, statements.source,
  statements.channel, statements.speaker_text, statements.published, statements.article_id,
  articles.title as article_title, articles.source_path as article_source
from statements join articles on articles.id = statements.article_id
where statements.speaker_id = :speaker_id
order by statements.published desc, statements.article_id, statements.position
limit 200
"""


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table != "speakers" or request is None:
        return {}

    async def speaker_statements():
        (speaker_id,) = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(database)
        result = await db.execute(SPEAKER_STATEMENTS_SQL, {"speaker_id": speaker_id})
        return {"speaker_statements": [dict(r) for r in result.rows]}

    return speaker_statements


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
