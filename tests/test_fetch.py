"""The URL fetcher against real HTTP servers on 127.0.0.1: one deadline per URL, Retry-After,
schemes, credentials kept out of the database, private addresses refused unless allowed."""

from __future__ import annotations

import base64
import email.utils
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tracker.fetch import MAX_RETRY_AFTER, FetchError, fetch
from tracker.models import Article, Failure
from tracker.readers import read_inputs

from .conftest import run

PAGE = (b"<html><head><title>Harbour plan</title></head><body><article><p>The minister said "
        b"the harbour plan would create two hundred jobs by next summer.</p><p>Critics said "
        b"the cost had doubled since the plan was first announced.</p></article></body></html>")


class Handler(BaseHTTPRequestHandler):
    times: dict = {}  # path -> times of the requests
    auth: dict = {}  # path -> Authorization header

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        type(self).times.setdefault(path, []).append(time.monotonic())
        type(self).auth[path] = self.headers.get("Authorization")
        first = len(type(self).times[path]) == 1
        try:
            if path.startswith("/drip-body"):  # headers at once, then a byte every 0.2 s
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                for i in range(len(PAGE)):
                    self.wfile.write(PAGE[i:i + 1])
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path.startswith("/drip-headers"):  # even the status line comes slowly
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: " + b"a" * 200:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path.startswith("/busy-seconds"):
                self._send(429 if first else 200, b"slow down" if first else PAGE,
                           [("Retry-After", "1")] if first else [])
            elif path.startswith("/busy-date"):
                when = email.utils.formatdate(time.time() + 2, usegmt=True)
                self._send(503 if first else 200, b"busy" if first else PAGE,
                           [("Retry-After", when)] if first else [])
            elif path.startswith("/busy-hour"):
                self._send(429, b"come back in an hour", [("Retry-After", "3600")])
            elif path.startswith("/busy-long"):
                self._send(503, b"busy", [("Retry-After", "5")])
            elif path == "/to-ftp":
                self._send(302, b"", [("Location", "ftp://example.org/article.txt")])
            elif path == "/auth.html":
                self._send(200, PAGE)
            elif path == "/article.html":
                self._send(200, PAGE)
            else:
                self._send(404, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL = dict(allow_private=True)  # the test server is on 127.0.0.1


def read(*inputs, **kw):
    return list(read_inputs([str(i) for i in inputs], **kw))


# ---------------------------------------------------------------- one deadline per URL


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_timeout_is_a_deadline_for_the_whole_url(server, path):
    url = f"{server}{path}?1"
    start = time.monotonic()
    assert read(url, timeout=1.5, **LOCAL) == [Failure(url, "timed out after 1.5 s")]
    assert time.monotonic() - start < 3.5


# ---------------------------------------------------------------- Retry-After


def test_retry_after_seconds_is_honoured(server):
    url = f"{server}/busy-seconds"
    a = read(url, timeout=10, backoff=0.01, **LOCAL)[0]
    assert isinstance(a, Article)
    first, second = Handler.times["/busy-seconds"]
    assert second - first >= 0.95


def test_retry_after_http_date_is_honoured(server):
    url = f"{server}/busy-date"
    a = read(url, timeout=10, backoff=0.01, **LOCAL)[0]
    assert isinstance(a, Article)
    first, second = Handler.times["/busy-date"]
    assert second - first >= 1.0  # the date is 2 s ahead, to the second


def test_retry_after_longer_than_the_cap_fails_at_once(server):
    url = f"{server}/busy-hour"
    assert read(url, timeout=10, backoff=0.01, **LOCAL) == [Failure(
        url, f"HTTP 429 Too Many Requests (the server asks to wait 3600 s before retrying; "
             f"longer than {MAX_RETRY_AFTER:g} s)")]
    assert len(Handler.times["/busy-hour"]) == 1


def test_retry_after_past_the_deadline_gives_up_without_asking_again(server):
    url = f"{server}/busy-long"
    start = time.monotonic()
    assert read(url, timeout=2, backoff=0.01, **LOCAL) == [Failure(
        url, "HTTP 503 Service Unavailable (gave up after 1 attempts: the next one would pass "
             "the 2 s deadline)")]
    assert len(Handler.times["/busy-long"]) == 1 and time.monotonic() - start < 1


# ---------------------------------------------------------------- schemes


def test_redirect_to_another_scheme_is_unsupported(server):
    url = f"{server}/to-ftp"
    assert read(url, timeout=5, **LOCAL) == [Failure(
        url, "unsupported scheme 'ftp' (redirected to ftp://example.org/article.txt)")]


def test_unsupported_scheme_on_the_command_line(tmp_path):
    result = run("ingest", tmp_path / "t.db", "file:///etc/hostname", "--silent")
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: file:///etc/hostname: unsupported scheme 'file': "
                                     "only http and https URLs are fetched")


# ---------------------------------------------------------------- credentials


def test_credentials_are_used_but_never_stored(server, tmp_path):
    host = server.split("//")[1]
    url, missing = f"http://reader:s3cret@{host}/auth.html", f"http://reader:s3cret@{host}/gone"
    db = tmp_path / "t.db"
    result = run("ingest", db, url, missing, "--silent", "--workers", "1", "--allow-private-urls")
    assert result.exit_code == 1  # the 404
    expected = "Basic " + base64.b64encode(b"reader:s3cret").decode()
    assert Handler.auth["/auth.html"] == expected
    assert "s3cret" not in result.output
    assert f"Error: http://{host}/gone: HTTP 404 Not Found" in result.output
    conn = sqlite3.connect(db)
    dump = "\n".join(conn.iterdump())
    assert "s3cret" not in dump and "reader:" not in dump
    assert conn.execute("select source_path, url from articles").fetchone() == (
        f"http://{host}/auth.html", f"http://{host}/auth.html")


# ---------------------------------------------------------------- private addresses


def test_private_addresses_are_refused_by_default(server):
    before = len(Handler.times.get("/article.html", []))
    host = server.split("//")[1]
    port = host.split(":")[1]
    assert read(f"{server}/article.html", timeout=5) == [Failure(
        f"{server}/article.html",
        "refused: 127.0.0.1 is a loopback address (--allow-private-urls fetches such URLs)")]
    assert read(f"http://localhost:{port}/article.html", timeout=5)[0].reason.startswith(
        "refused: localhost (")
    for url in ("http://10.1.2.3/x", "http://192.168.0.1/x", "http://169.254.169.254/latest/",
                "http://[::1]/x", "http://[::ffff:127.0.0.1]/x", "http://0.0.0.0/x"):
        assert read(url, timeout=5)[0].reason.startswith("refused: "), url
    assert len(Handler.times.get("/article.html", [])) == before  # never asked


def test_the_option_allows_them(server, tmp_path):
    db = tmp_path / "t.db"
    refused = run("ingest", db, f"{server}/article.html", "--silent")
    assert refused.exit_code == 1 and "refused: 127.0.0.1 is a loopback address" in refused.output
    allowed = run("ingest", db, f"{server}/article.html", "--silent", "--workers", "1",
                  "--allow-private-urls")
    assert allowed.exit_code == 0, allowed.output
    assert sqlite3.connect(db).execute("select count(*) from articles").fetchone() == (1,)


def test_a_redirect_to_a_private_address_is_refused():
    """A public page (here httpx's in-memory network, as no public server is reachable from a
    test) that redirects to the cloud metadata address or to localhost."""
    asked = []

    def network(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.host == "news.example":
            target = {"/a": "http://169.254.169.254/latest/meta-data/",
                      "/b": "http://127.0.0.1/secret"}[request.url.path]
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, text="the secret")

    client = httpx.Client(transport=httpx.MockTransport(network))
    with pytest.raises(FetchError) as e:
        fetch("http://news.example/a", client=client, timeout=5)
    assert str(e.value) == ("refused: 169.254.169.254 is a link-local address (redirected to "
                            "http://169.254.169.254/latest/meta-data/) (--allow-private-urls "
                            "fetches such URLs)")
    with pytest.raises(FetchError) as e:
        fetch("http://news.example/b", client=client, timeout=5)
    assert "refused: 127.0.0.1 is a loopback address (redirected to" in str(e.value)
    assert asked == ["http://news.example/a", "http://news.example/b"]
    # Allowed, the same redirect is followed.
    assert fetch("http://news.example/b", client=client, timeout=5,
                 allow_private=True).content == b"the secret"
