"""Which page a request is for, where a hook is not told: Datasette 0.65's render_cell gets no
request, so an ASGI wrapper keeps the request's path for as long as the request runs."""

from __future__ import annotations

import contextvars
from typing import Optional

from datasette import hookimpl
from datasette.utils import tilde_decode

PATH: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("tracker_path", default=None)


@hookimpl(specname="asgi_wrapper")
def keep_request_path(datasette):
    def wrap(app):
        async def keep(scope, receive, send):
            token = PATH.set(scope.get("path") if scope.get("type") == "http" else None)
            try:
                await app(scope, receive, send)
            finally:
                PATH.reset(token)

        return keep

    return wrap


def list_name() -> Optional[str]:
    """The table or canned query whose rows the current page lists; None on other pages (a row's)."""
    parts = (PATH.get() or "").strip("/").split("/")
    if len(parts) != 2 or not parts[1]:
        return None
    return tilde_decode(parts[1].rsplit(".", 1)[0] if parts[1].endswith((".json", ".csv"))
                        else parts[1])
