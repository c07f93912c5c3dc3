"""Fetching article URLs over HTTP, politely and safely.

- One deadline per URL (`timeout`): connecting, redirects, the body and retries all fit in it,
  so a server that sends a byte a second cannot stall a run.
- Retries for 5xx, 429 and dropped connections, with backoff; a Retry-After header is honoured
  (never asked again sooner), up to MAX_RETRY_AFTER and the deadline.
- Only http and https; other schemes, redirects included, are "unsupported scheme".
- Private, loopback and link-local addresses are refused unless `allow_private`: checked for
  every URL of a redirect chain, and again for the address each connection is made to (a name
  that resolves to a public address and then to a private one gains nothing).
- Credentials in a URL are used for the request and kept out of what is stored (`redact`).
"""

from __future__ import annotations

import contextvars
import email.utils
import ipaddress
import socket
import time
import urllib.parse
from dataclasses import dataclass
from typing import Optional

import httpcore
import httpx

from . import __version__

USER_AGENT = f"claim-tracker/{__version__} (who-said-what news claim tracker)"
DEFAULT_TIMEOUT = 20.0  # seconds per URL, in all
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 0.5  # seconds before the 2nd attempt, doubled before each later one
MAX_RETRY_AFTER = 60.0  # the longest Retry-After waited for; a longer one fails the URL
MAX_REDIRECTS = 10
MAX_BYTES = 50 * 1024 * 1024  # larger bodies are not news articles
SCHEMES = ("http", "https")

# Worth another try: the server or the network may recover. Timeouts are not retried,
# because each one already cost the whole deadline.
_RETRY_STATUS = {429, 500, 502, 503, 504}
_REDIRECT_STATUS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A URL that could not be fetched; str() is the one-line reason."""


@dataclass
class Fetched:
    """A fetched page: the final URL (after redirects), its content type and raw bytes."""

    url: str
    content_type: str  # media type only, lower case ("text/html")
    charset: Optional[str]  # from the Content-Type header, if any
    content: bytes


def make_client(timeout: float = DEFAULT_TIMEOUT, allow_private: bool = False) -> httpx.Client:
    """The HTTP client every fetch uses: names the tool, keeps each URL's deadline, and refuses
    connections to addresses that are not public unless `allow_private`. Redirects are followed
    by `fetch`, which checks each one."""
    transport = httpx.HTTPTransport()
    # The connection pool httpx would make, with our network backend (httpx has no argument
    # for it); httpx is pinned, and the tests of the deadline and of refusals cover this.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=_Backend(allow_private))
    return httpx.Client(timeout=timeout, follow_redirects=False, transport=transport,
                        headers={"User-Agent": USER_AGENT})


def fetch(
    url: str,
    *,
    client: Optional[httpx.Client] = None,
    timeout: float = DEFAULT_TIMEOUT,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = DEFAULT_BACKOFF,
    allow_private: bool = False,
) -> Fetched:
    """GET the URL within `timeout` seconds in all; raise FetchError with a one-line reason.

    Reasons: "HTTP 404 Not Found", "HTTP 503 Service Unavailable (after 3 attempts)",
    "timed out after 20 s", "connection failed: ...", "response larger than 50 MB",
    "unsupported scheme 'ftp'", "refused: ... is a private address ...". A client from
    `make_client` must have been made with the same `allow_private`.
    """
    own = client is None
    client = client or make_client(timeout, allow_private)
    token = _DEADLINE.set(time.monotonic() + timeout)
    try:
        return _fetch(client, url, timeout, max(1, attempts), backoff, allow_private)
    except (httpx.TimeoutException, httpcore.TimeoutException):
        raise FetchError(f"timed out after {timeout:g} s") from None
    finally:
        _DEADLINE.reset(token)
        if own:
            client.close()


def _fetch(client: httpx.Client, url: str, timeout: float, attempts: int, backoff: float,
           allow_private: bool) -> Fetched:
    reason, wait = "no attempt made", 0.0
    for attempt in range(attempts):
        if attempt:
            wait = wait if wait is not None else backoff * 2 ** (attempt - 1)
            if time.monotonic() + wait > _DEADLINE.get():
                raise FetchError(f"{reason} (gave up after {attempt} attempts: the next one "
                                 f"would pass the {timeout:g} s deadline)")
            time.sleep(wait)
        try:
            response = _get(client, url, allow_private)
        except (httpx.ConnectError, httpx.ReadError, httpx.WriteError,
                httpx.RemoteProtocolError) as e:
            reason, wait = f"connection failed: {_one_line(e) or type(e).__name__}", None
            continue
        except httpx.InvalidURL as e:
            raise FetchError(f"invalid URL: {_one_line(e)}") from None
        except httpx.TimeoutException:
            raise
        except httpx.HTTPError as e:
            raise FetchError(f"request failed: {_one_line(e) or type(e).__name__}") from None
        try:
            status = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
            if response.status_code in _RETRY_STATUS:
                reason, wait = status, _retry_after(response.headers.get("retry-after"))
                if wait is not None and wait > MAX_RETRY_AFTER:
                    raise FetchError(f"{status} (the server asks to wait {wait:g} s before "
                                     f"retrying; longer than {MAX_RETRY_AFTER:g} s)")
                continue
            if response.status_code >= 400:
                raise FetchError(status)
            try:
                content = _read_capped(response)
            except (httpx.ReadError, httpx.RemoteProtocolError) as e:
                reason, wait = f"connection failed: {_one_line(e) or type(e).__name__}", None
                continue
            media, charset = _content_type(response.headers.get("content-type", ""))
            return Fetched(str(response.url), media, charset, content)
        finally:
            response.close()
    suffix = f" (after {attempts} attempts)" if attempts > 1 else ""
    raise FetchError(reason + suffix)


def _get(client: httpx.Client, url: str, allow_private: bool) -> httpx.Response:
    """The response at the end of the URL's redirects (streaming: the caller reads and closes
    it), each URL of the chain checked for its scheme and address first."""
    for hop in range(MAX_REDIRECTS + 1):
        _check_url(url, allow_private, redirected=hop > 0)
        response = client.send(client.build_request("GET", url, timeout=_remaining()),
                               stream=True)
        location = response.headers.get("location")
        if response.status_code not in _REDIRECT_STATUS or not location:
            return response
        response.close()
        url = str(response.url.join(location))
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _check_url(url: str, allow_private: bool, redirected: bool) -> None:
    where = f" (redirected to {redact(url)})" if redirected else ""
    scheme = unsupported_scheme(url)
    if scheme is not None:
        raise FetchError(f"unsupported scheme '{scheme}'{where}")
    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL as e:
        raise FetchError(f"invalid URL: {_one_line(e)}") from None
    if not allow_private and host:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return  # the connection will fail and say why (or a proxy resolves the name)
        for info in infos:
            _refuse_private(host, info[4][0], where)


def unsupported_scheme(url: str) -> Optional[str]:
    """The scheme of a URL that is not http(s) ("ftp", "file"), or None."""
    scheme, sep, _ = url.partition("://")
    if sep and scheme and scheme[0].isalpha() and all(c.isalnum() or c in "+.-" for c in scheme):
        return None if scheme.lower() in SCHEMES else scheme.lower()
    return None


def _refuse_private(host: str, address: str, where: str = "") -> None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    if ip.is_global and not ip.is_multicast:
        return
    kind = ("loopback" if ip.is_loopback else "link-local" if ip.is_link_local
            else "private" if ip.is_private else "non-public")
    name = host if host == address else f"{host} ({address})"
    raise FetchError(f"refused: {name} is a {kind} address{where} "
                     "(--allow-private-urls fetches such URLs)")


def redact(url: str) -> str:
    """The URL without the user name and password it may carry (what is stored and shown)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds a Retry-After header asks for (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


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
    return redact(" ".join(str(e).split()))


# ---------------------------------------------------------------- the network backend

_DEADLINE: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar(
    "tracker_fetch_deadline", default=None)


def _remaining(error=httpcore.ReadTimeout) -> Optional[float]:
    """Seconds left before the current URL's deadline (None: no deadline); raises `error`
    once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the URL's deadline passed")
    return left


def _within(timeout: Optional[float], error=httpcore.ReadTimeout) -> Optional[float]:
    left = _remaining(error)
    return left if timeout is None or (left is not None and left < timeout) else timeout


class _Backend(httpcore.SyncBackend):
    """Connections that keep the URL's deadline on every read and write, and that are made to
    an address checked to be public (unless allowed)."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = host
        if not self.allow_private:
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as e:
                raise httpcore.ConnectError(str(e)) from None
            for info in infos:
                _refuse_private(host, info[4][0])
            address = infos[0][4][0]  # connect to the address checked, not a fresh lookup
        stream = super().connect_tcp(address, port, _within(timeout, httpcore.ConnectTimeout),
                                     local_address, socket_options)
        return _DeadlineStream(stream)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes, timeout=None):
        return self._stream.read(max_bytes, _within(timeout))

    def write(self, buffer, timeout=None):
        return self._stream.write(buffer, _within(timeout, httpcore.WriteTimeout))

    def close(self):
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self._stream.start_tls(
            ssl_context, server_hostname, _within(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)
