"""Recording a verdict from the browser: the `tracker-review` permission, the form's template
variables and the POST route that writes one review through tracker.reviews.save_review.

Only actors that the plugin config's `reviewers` allow block matches may write (default: root,
as signed in with `--root`); everything else Datasette serves stays read-only.
"""

from __future__ import annotations

import asyncio

from datasette import hookimpl
from datasette.utils import actor_matches_allow, tilde_decode, urlsafe_components
from datasette.utils.asgi import Forbidden, NotFound, Response

from ..reviews import Review, ReviewError, save_review
from ..store import CannotOpen, open_db

PERMISSION = "tracker-review"
DEFAULT_REVIEWERS = {"id": "root"}
# Row pages that carry the form: table -> SQL giving (statement_id, claim_id) of the row's id.
TARGETS = {
    "statements": "select id as statement_id, claim_id from statements where id = :id",
    "claims": "select null as statement_id, id as claim_id from claims where id = :id",
}
# The form's fields, as Review takes them; the author is the signed-in actor.
FIELDS = ("rating", "url", "explanation", "reviewer")


def reviewers(datasette, database: str | None = None):
    """The allow block of who may record verdicts: plugins: tracker: reviewers in metadata."""
    config = datasette.plugin_config("tracker", database=database) or {}
    return config.get("reviewers", DEFAULT_REVIEWERS)


@hookimpl(specname="permission_allowed")
def verdict_permission(datasette, actor, action, resource):
    if action != PERMISSION:
        return None
    return bool(actor) and actor_matches_allow(actor, reviewers(datasette, resource))


async def may_review(datasette, actor, database: str) -> bool:
    return await datasette.permission_allowed(actor, PERMISSION, resource=database, default=False)


@hookimpl(specname="extra_template_vars")
def verdict_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table not in TARGETS or request is None:
        return {}

    async def tracker_verdict():
        db = datasette.get_database(database)
        if table not in await db.table_names() or "reviews" not in await db.table_names():
            return {}
        (row_id,) = urlsafe_components(request.url_vars["pks"])
        row = (await db.execute(TARGETS[table], {"id": row_id})).first()
        if row is None:
            return {}
        return {"tracker_verdict": {
            "statement_id": row["statement_id"], "claim_id": row["claim_id"],
            "allowed": db.is_mutable and await may_review(datasette, request.actor, database),
            "action": datasette.urls.database(database) + "/-/tracker-verdict",
            "back": request.path,
        }}

    return tracker_verdict


def local_path(path: str, fallback: str) -> str:
    """path if it is a path on this site (no scheme, no //host), else fallback."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else fallback


def record(db_path: str, target_id: str, review: Review) -> dict:
    """save_review on its own connection (a worker thread); ReviewError for a bad verdict."""
    try:
        db = open_db(db_path)
    except CannotOpen as e:
        raise ReviewError(str(e))
    try:
        return save_review(db, target_id, review)
    finally:
        db.close()


async def verdict_view(datasette, request):
    """POST /DB/-/tracker-verdict: record the verdict, then back to the page it came from."""
    try:
        db = datasette.get_database(route=tilde_decode(request.url_vars["database"]))
    except KeyError:
        raise NotFound("No such database")
    if request.method != "POST":
        return Response.text("POST a verdict from a claim or statement page", status=405)
    if not await may_review(datasette, request.actor, db.name):
        raise Forbidden(f"{PERMISSION}: you may not record verdicts on {db.name}")
    form = await request.post_vars()
    target = form.get("statement_id") or form.get("claim_id") or ""
    back = local_path(form.get("back", ""), datasette.urls.database(db.name))
    if db.path is None or db.is_memory or not db.is_mutable:
        raise Forbidden(f"{db.name} is served read-only (immutable or in memory): no verdicts")
    review = Review(**{f: (form.get(f) or "").strip() or None for f in FIELDS},
                    author=str(request.actor.get("display") or request.actor.get("id")))
    try:
        row = await asyncio.to_thread(record, db.path, target, review)
    except ReviewError as e:
        datasette.add_message(request, f"Verdict not recorded: {e}", datasette.ERROR)
        return Response.redirect(back)
    on = "this statement" if row["statement_id"] else "this claim"
    datasette.add_message(request, f"Verdict recorded on {on}: {row['rating']}", datasette.INFO)
    return Response.redirect(back)


@hookimpl(specname="register_routes")
def verdict_routes():
    return [(r"^/(?P<database>[^/]+)/-/tracker-verdict$", verdict_view)]
