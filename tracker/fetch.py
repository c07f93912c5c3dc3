"""Fetching article URLs over HTTP: timeout, user agent, retries with backoff, one-line errors."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import httpx

from . import __version__

USER_AGENT = f"claim-tracker/{__version__} (who-said-what news claim tracker)"
DEFAULT_TIMEOUT = 20.0
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 0.5  # seconds before the 2nd attempt, doubled before each later one
MAX_BYTES = 50 * 1024 * 1024  # larger bodies are not news articles

# Worth another try: the server or the network may recover. Timeouts are not retried,
# because each one already cost the full timeout.
_RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(Exception):
    """A URL that could not be fetched; str() is the one-line reason."""


@dataclass
class Fetched:
    """A fetched page: the final URL (after redirects), its content type and raw bytes."""

    url: str
    content_type: str  # media type only, lower case ("text/html")
    charset: Optional[str]  # from the Content-Type header, if any
    content: bytes


def make_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """The HTTP client every fetch uses: follows redirects, names the tool."""
    return httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    )


def fetch(
    url: str,
    *,
    client: Optional[httpx.Client] = None,
    timeout: float = DEFAULT_TIMEOUT,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = DEFAULT_BACKOFF,
) -> Fetched:
    """GET the URL, retrying 5xx/429 and connection errors; raise FetchError with a reason.

    Reasons: "HTTP 404 Not Found", "HTTP 503 Service Unavailable (after 3 attempts)",
    "timed out after 20 s", "connection failed: ...", "response larger than 50 MB".
    """
    own = client is None
    client = client or make_client(timeout)
    try:
        return _fetch(client, url, timeout, max(1, attempts), backoff)
    finally:
        if own:
            client.close()


def _fetch(client: httpx.Client, url: str, timeout: float, attempts: int, backoff: float) -> Fetched:
    reason = "no attempt made"
    for attempt in range(attempts):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            with client.stream("GET", url, timeout=timeout) as response:
                if response.status_code in _RETRY_STATUS:
                    reason = f"HTTP {response.status_code} {response.reason_phrase}"
                    continue
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}")
                content = _read_capped(response)
                media, charset = _content_type(response.headers.get("content-type", ""))
                return Fetched(str(response.url), media, charset, content)
        except httpx.TimeoutException:
            raise FetchError(f"timed out after {timeout:g} s") from None
        except (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError) as e:
            reason = f"connection failed: {_one_line(e) or type(e).__name__}"
        except httpx.UnsupportedProtocol as e:
            raise FetchError(f"unsupported URL: {_one_line(e)}") from None
        except httpx.InvalidURL as e:
            raise FetchError(f"invalid URL: {_one_line(e)}") from None
        except httpx.HTTPError as e:
            raise FetchError(f"request failed: {_one_line(e) or type(e).__name__}") from None
    suffix = f" (after {attempts} attempts)" if attempts > 1 else ""
    raise FetchError(reason + suffix)


def _read_capped(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(f"response larger than {MAX_BYTES // (1024 * 1024)} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _content_type(header: str) -> tuple[str, Optional[str]]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())
