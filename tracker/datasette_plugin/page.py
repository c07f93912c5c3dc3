"""Which page a request is for, where a hook is not told: Datasette 0.65's render_cell gets no
request, so an ASGI wrapper keeps the request's path for as long as the request runs."""

from __future__ import annotations

import contextvars
import urllib.parse
from typing import Optional

from datasette import hookimpl
from datasette.utils import tilde_decode

PATH: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("tracker_path", default=None)
QUERY: contextvars.ContextVar[str] = contextvars.ContextVar("tracker_query", default="")
MEMO: contextvars.ContextVar[Optional[dict]] = contextvars.ContextVar("tracker_memo", default=None)


@hookimpl(specname="asgi_wrapper")
def keep_request_path(datasette):
    def wrap(app):
        async def keep(scope, receive, send):
            http = scope.get("type") == "http"
            path = PATH.set(scope.get("path") if http else None)
            query = QUERY.set(scope.get("query_string", b"").decode("utf-8", "replace") if http else "")
            memo = MEMO.set({})
            try:
                await app(scope, receive, send)
            finally:
                PATH.reset(path)
                QUERY.reset(query)
                MEMO.reset(memo)

        return keep

    return wrap


def list_name() -> Optional[str]:
    """The table or canned query whose rows the current page lists; None on other pages (a row's)."""
    parts = (PATH.get() or "").strip("/").split("/")
    if len(parts) != 2 or not parts[1]:
        return None
    return tilde_decode(parts[1].rsplit(".", 1)[0] if parts[1].endswith((".json", ".csv"))
                        else parts[1])


def searched_words() -> list[str]:
    """The words of the current page's table search (?_search=), lower-cased."""
    args = urllib.parse.parse_qs(QUERY.get())
    return [w.strip('"*').lower() for s in args.get("_search", []) for w in s.split()
            if w.strip('"*')]


def remembered(key, compute):
    """compute() once per request (every time outside one): for what each cell would ask again."""
    memo = MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
