"""tracker.readers: every input kind in, articles (or one-line failures) out."""

from __future__ import annotations

import io
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tracker.dates import normalize_date
from tracker.fetch import USER_AGENT
from tracker.models import Article, Failure, text_id
from tracker.readers import NOTHING_FOUND, article_from_html, guess_title, read_inputs

FIXTURES = Path(__file__).parent / "fixtures"


def read(*inputs, **kw):
    return list(read_inputs([str(i) for i in inputs], **kw))


def one(*inputs, **kw):
    results = read(*inputs, **kw)
    assert len(results) == 1, results
    return results[0]


def fixture(name):
    return str((FIXTURES / name).resolve())


# ---------------------------------------------------------------- plain text


def test_txt_with_title_keeps_whole_text():
    a = one(FIXTURES / "titled.txt")
    assert isinstance(a, Article)
    assert a.title == "Harbour plan approved"
    assert a.text == (FIXTURES / "titled.txt").read_text(encoding="utf-8")
    assert a.source_path == fixture("titled.txt")
    assert a.id == Article(text="other", source_path=fixture("titled.txt")).id  # id from path


def test_txt_first_line_that_is_a_sentence_is_no_title():
    a = one(FIXTURES / "untitled.txt")
    assert a.title is None
    assert a.text.startswith("The council said")


@pytest.mark.parametrize("text, title", [
    ("Harbour plan approved\n\nBody text here.\n", "Harbour plan approved"),
    ("\n\n  Harbour plan approved  \n\nBody.", "Harbour plan approved"),
    ("# Markdown headline\n\nBody.", "Markdown headline"),
    ("Will the harbour plan work?\n\nBody.", "Will the harbour plan work?"),
    ("Talks with the U.S.\n\nBody.", "Talks with the U.S."),
    ("The council approved the plan.\n\nBody.", None),  # a sentence
    ("Harbour plan approved\nBody on the next line.", None),  # no blank line after it
    ("Harbour plan approved\n\n", None),  # nothing after it
    ("Only one line", None),
    (" ".join(["word"] * 40) + "\n\nBody.", None),  # too long for a headline
])
def test_guess_title(text, title):
    assert guess_title(text) == title


def test_crlf_text_kept_as_read(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes(b"Headline\r\n\r\nThe mayor said it.\r\n")
    a = one(p)
    assert a.text == "Headline\r\n\r\nThe mayor said it.\r\n"
    assert a.title == "Headline"


def test_utf8_bom_is_dropped(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfThe mayor said \xe2\x80\x9cyes\xe2\x80\x9d.")
    assert one(p).text == "The mayor said \u201cyes\u201d."


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "utf16.txt"
    p.write_bytes("The mayor said “yes”.".encode("utf-16"))
    assert one(p).text == "The mayor said “yes”."


def test_non_utf8_is_detected_and_decoded():
    a = one(FIXTURES / "latin1.txt")
    assert isinstance(a, Article)
    assert a.text.startswith("Café owners said the new rules were très unfair")
    assert "déclared" in a.text


def test_binary_file_fails(tmp_path):
    p = tmp_path / "photo.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    assert one(p) == Failure(str(p.resolve()), "binary file, not text")


def test_binary_without_nul_bytes_fails(tmp_path):
    p = tmp_path / "noise.txt"
    p.write_bytes(bytes(b for b in range(1, 32) if b not in (9, 10, 12, 13)) * 200)
    assert one(p) == Failure(str(p.resolve()), "binary file, not text")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_file_fails(tmp_path, content):
    p = tmp_path / "empty.txt"
    p.write_bytes(content)
    assert one(p) == Failure(str(p.resolve()), "empty file")


def test_50mb_text_file_read_in_bounded_memory(tmp_path):
    p = tmp_path / "huge.txt"
    paragraph = "The minister said the plan would work, and the mayor’s office agreed.\n\n"
    size = 50 * 1024 * 1024
    with open(p, "w", encoding="utf-8") as f:
        f.write("Big article\n\n")
        written = 0
        chunk = paragraph * 1000
        while written < size:
            f.write(chunk)
            written += len(chunk.encode("utf-8"))
    file_size = p.stat().st_size
    tracemalloc.start()
    try:
        a = one(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(a, Article)
    assert a.title == "Big article"
    assert len(a.text) > 50_000_000
    # The bytes, the str (2 bytes a char, for the ’) and CPython's transient 1-byte buffer
    # while decoding: about 4x at the peak. Never a copy per line or per paragraph.
    assert peak < 5 * file_size, (peak, file_size)


# ---------------------------------------------------------------- HTML


def test_html_article_text_and_metadata():
    a = one(FIXTURES / "page.html")
    assert isinstance(a, Article)
    assert a.title == "Minister defends harbour plan"
    assert a.author == "Jane Reporter"
    assert a.publisher == "The Coastal Herald"
    assert a.url == "https://herald.example/news/harbour-plan"
    assert a.published == "2022-02-05T10:30:00+01:00"
    assert a.source_path == fixture("page.html")
    assert "The harbour minister said on Saturday" in a.text
    assert "called for an independent review" in a.text
    for dropped in ("Politics", "Buy one subscription", "Related stories", "Storm damage",
                    "All rights reserved"):
        assert dropped not in a.text
    assert "\n\n" in a.text  # paragraphs kept apart


def test_broken_html_does_not_crash():
    a = one(FIXTURES / "broken.html")
    assert isinstance(a, Article)
    assert "The mayor said the bridge would reopen" in a.text
    assert a.title == "Bridge repairs"


@pytest.mark.parametrize("html", [
    "<html><body><p>unclosed <div><span>",
    "<<<>>><html<<body>>",
    "</p></div></html>",
    "<html><head><title>x</title></head><body>" + "<div>" * 5000 + "text",
])
def test_garbage_html_gives_article_or_failure(tmp_path, html):
    p = tmp_path / "bad.html"
    p.write_text(html, encoding="utf-8")
    r = one(p)
    assert isinstance(r, (Article, Failure))
    if isinstance(r, Failure):
        assert r.input == str(p.resolve())


def test_html_without_text_fails():
    assert one(FIXTURES / "no-text.html") == Failure(fixture("no-text.html"),
                                                     "no article text found in the HTML")


def test_html_charset_from_meta(tmp_path):
    p = tmp_path / "latin.htm"
    body = ("<html><head><meta charset='iso-8859-1'><title>Caf\xe9</title></head><body><article>"
            + "<p>Le ministre a d\xe9clar\xe9 que le caf\xe9 resterait ouvert tout l'\xe9t\xe9.</p>" * 5
            + "</article></body></html>")
    p.write_bytes(body.encode("latin-1"))
    a = one(p)
    assert "déclaré que le café" in a.text


# ---------------------------------------------------------------- JSONL, JSON, CSV


def test_jsonl_batch():
    results = read(FIXTURES / "batch.jsonl")
    path = fixture("batch.jsonl")
    assert [type(r).__name__ for r in results] == ["Article", "Article", "Failure", "Failure", "Article"]
    a1, a2, bad, notext, a5 = results
    assert (a1.id, a1.text, a1.title, a1.url, a1.publisher, a1.author, a1.published) == (
        "a1", "The minister said the plan would work.", "Plan", "https://example.org/a1",
        "Example News", "Ann Writer", "2022-02-05")
    assert a1.source_path == f"{path}:1"
    assert (a2.text, a2.published) == ("Officials denied the report.", "2022-02-05T10:00:00+01:00")
    assert bad.input == f"{path}:3" and bad.reason.startswith("invalid JSON: ")
    assert "\n" not in bad.reason
    assert notext == Failure(f"{path}:4", "no text (looked for field 'text', 'content', 'body')")
    assert a5.text == "  Spaces kept “exactly” as given.  "  # offsets index it: not stripped
    assert a5.published == "2022-02-05T10:00:00+00:00"  # epoch seconds


def test_jsonl_field_options(tmp_path):
    p = tmp_path / "api.ndjson"
    p.write_text('{"uuid": "u1", "article_body": "He said so.", "headline_text": "H", '
                 '"link": "https://x.example/1", "text": "not this"}\n', encoding="utf-8")
    a = one(p, text_field="article_body", title_field="headline_text", id_field="uuid",
            url_field="link")
    assert (a.id, a.text, a.title, a.url) == ("u1", "He said so.", "H", "https://x.example/1")
    assert one(p, text_field="missing") == Failure(
        f"{p.resolve()}:1", "no text (looked for field 'missing')")


def test_jsonl_odd_lines(tmp_path):
    p = tmp_path / "odd.jsonl"
    p.write_text('\n[1, 2]\n{"text": 5}\n{"text": "   "}\n\n{"text": "ok"}\n', encoding="utf-8")
    path = str(p.resolve())
    assert read(p) == [
        Failure(f"{path}:2", "expected a JSON object, got an array"),
        Failure(f"{path}:3", "field 'text' is not a string"),
        Failure(f"{path}:4", "empty text"),
        Article(text="ok", id=text_id("ok"), source_path=f"{path}:6"),  # known by its text
    ]


def test_json_array_and_single_object(tmp_path):
    arr = tmp_path / "arr.json"
    arr.write_text('[{"text": "One."}, {"body": "Two."}]', encoding="utf-8")
    assert [(a.text, a.source_path) for a in read(arr)] == [
        ("One.", f"{arr.resolve()}#1"), ("Two.", f"{arr.resolve()}#2")]
    single = tmp_path / "single.json"
    single.write_text('{"title": "T", "content": "Three."}', encoding="utf-8")
    a = one(single)
    assert (a.text, a.title, a.source_path) == ("Three.", "T", str(single.resolve()))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text('{"articles": [{"text": "Four."}]}', encoding="utf-8")
    assert one(wrapped).text == "Four."
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": ', encoding="utf-8")
    f = one(bad)
    assert f.input == str(bad.resolve()) and f.reason.startswith("invalid JSON: ")


def test_csv_batch():
    results = read(FIXTURES / "batch.csv")
    path = fixture("batch.csv")
    c1, c2, c3 = results
    assert (c1.id, c1.title, c1.text, c1.author, c1.published, c1.source_path) == (
        "c1", "First", "The mayor said the road would reopen, eventually.", "Sam Smith",
        "2022-05-02", f"{path}:2")
    assert c2.text == "Line one.\nLine two, said the clerk."  # quoted newline kept
    assert c2.author is None and c2.published == "2022-02-05T08:00:00+00:00"
    assert c3 == Failure(f"{path}:5", "empty text")  # line 5: c2 spans lines 3-4


def test_csv_without_text_column():
    assert read(FIXTURES / "notext.csv") == [Failure(
        fixture("notext.csv"),
        "no text column (looked for 'text', 'content', 'body'; columns: name, summary)")]


def test_csv_options_delimiter_and_long_fields(tmp_path):
    p = tmp_path / "export.csv"
    long_text = "The mayor said it. " * 20000  # beyond the csv module's default field limit
    p.write_text(f"story;name\n\"{long_text}\";N1\n", encoding="cp1252")
    a = one(p, text_field="story", id_field="name")
    assert (a.text, a.id) == (long_text, "N1")


def test_csv_non_utf8(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes("text,title\n\"Le caf\xe9 a d\xe9clar\xe9 faillite, a dit le maire.\",Caf\xe9\n"
                  .encode("latin-1"))
    a = one(p)
    assert a.text == "Le café a déclaré faillite, a dit le maire." and a.title == "Café"


# ---------------------------------------------------------------- directories, globs, stdin


def test_directory_recursive_known_kinds_only(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("A said it.", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("B said it.", encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "c.jsonl").write_text('{"text": "C said it."}\n', encoding="utf-8")
    (tmp_path / "sub" / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "sub" / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden" / "d.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".e.txt").write_text("hidden", encoding="utf-8")
    assert [a.text for a in read(tmp_path)] == ["A said it.", "B said it.", "C said it."]


def test_same_file_twice_read_once(tmp_path):
    (tmp_path / "a.txt").write_text("A said it.", encoding="utf-8")
    assert len(read(tmp_path, tmp_path / "a.txt", str(tmp_path) + "/*.txt")) == 1


def test_glob(tmp_path):
    for name in ("x1.txt", "x2.txt", "y.txt"):
        (tmp_path / name).write_text(f"{name} said.", encoding="utf-8")
    assert [a.text for a in read(str(tmp_path / "x*.txt"))] == ["x1.txt said.", "x2.txt said."]


def test_empty_directory_and_glob_fail(tmp_path):
    (tmp_path / "readme.docx").write_bytes(b"PK")
    assert read(tmp_path) == [Failure(str(tmp_path), NOTHING_FOUND)]
    pattern = str(tmp_path / "*.txt")
    assert read(pattern) == [Failure(pattern, NOTHING_FOUND)]
    assert NOTHING_FOUND.startswith("no articles found (looked for .txt")


def test_missing_path_fails(tmp_path):
    missing = str(tmp_path / "nope.txt")
    assert read(missing) == [Failure(missing, "no such file or directory")]


def test_good_inputs_survive_bad_ones(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    results = read(tmp_path / "missing.txt", FIXTURES / "notext.csv", tmp_path / "empty.txt",
                   FIXTURES / "untitled.txt")
    assert [type(r).__name__ for r in results] == ["Failure", "Failure", "Failure", "Article"]
    assert all("\n" not in str(r) for r in results if isinstance(r, Failure))


def test_stdin_text():
    a = one("-", stdin=io.BytesIO("Headline\n\nThe mayor said “no”.".encode()))
    assert (a.text, a.title, a.source_path) == ("Headline\n\nThe mayor said “no”.", "Headline", "stdin")


def test_stdin_text_stream():
    a = one("-", stdin=io.StringIO("The mayor said no."))
    assert a.text == "The mayor said no." and a.source_path == "stdin"


def test_stdin_jsonl():
    data = b'{"id": "s1", "text": "One said."}\n{oops\n{"text": "Two said."}\n'
    results = read("-", stdin=io.BytesIO(data))
    assert [(type(r).__name__, getattr(r, "source_path", None) or r.input) for r in results] == [
        ("Article", "stdin:1"), ("Failure", "stdin:2"), ("Article", "stdin:3")]
    assert results[0].id == "s1"


def test_stdin_empty_and_binary():
    assert read("-", stdin=io.BytesIO(b"  \n")) == [Failure("stdin", "empty input")]
    assert read("-", stdin=io.BytesIO(b"\x00\x01\x02")) == [Failure("stdin", "binary file, not text")]


def test_stdin_html():
    a = one("-", stdin=io.BytesIO((FIXTURES / "page.html").read_bytes()))
    assert a.title == "Minister defends harbour plan" and a.source_path == "stdin"


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("value, iso", [
    ("2022-02-05", "2022-02-05"),
    ("Feb 5, 2022", "2022-02-05"),
    ("5 February 2022", "2022-02-05"),
    ("February 5th, 2022", "2022-02-05"),
    ("05/02/2022", "2022-05-02"),  # month first by default ...
    ("25/02/2022", "2022-02-25"),  # ... unless it cannot be
    ("Sat, 05 Feb 2022 10:00:00 +0100", "2022-02-05T10:00:00+01:00"),  # RFC 2822
    ("Sat, 05 Feb 2022 10:00:00 GMT", "2022-02-05T10:00:00+00:00"),
    ("2022-02-05T10:00:00Z", "2022-02-05T10:00:00+00:00"),
    ("2022-02-05T10:00:00.123+05:30", "2022-02-05T10:00:00+05:30"),
    ("2022-02-05 10:00", "2022-02-05T10:00:00"),
    (1644055200, "2022-02-05T10:00:00+00:00"),  # epoch seconds
    ("1644055200", "2022-02-05T10:00:00+00:00"),
    (1644055200000, "2022-02-05T10:00:00+00:00"),  # epoch milliseconds
    ("20220205", "2022-02-05"),
    ("Published on February 5, 2022 by staff", "2022-02-05"),
    ("February 2022", "2022-02"),
    ("2022", "2022"),
    ("", None), (None, None), ("not a date", None), ("Feb 5", None), ("yesterday", None),
    ("32/13/2022", None), (True, None), (10**20, None),
])
def test_normalize_date(value, iso):
    assert normalize_date(value) == iso


def test_normalize_date_dayfirst():
    assert normalize_date("05/02/2022", dayfirst=True) == "2022-02-05"


# ---------------------------------------------------------------- URLs


class _Handler(BaseHTTPRequestHandler):
    hits: dict = {}
    user_agents: list = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status, body=b"", ctype="text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def do_GET(self):
        type(self).user_agents.append(self.headers.get("User-Agent"))
        hits = type(self).hits
        hits[self.path] = hits.get(self.path, 0) + 1
        page = (FIXTURES / "page.html").read_bytes()
        if self.path == "/article.html":
            self._send(200, page)
        elif self.path == "/plain.txt":
            self._send(200, "Headline\n\nThe mayor said “yes”.".encode(), "text/plain; charset=utf-8")
        elif self.path == "/latin1.txt":
            self._send(200, "Le caf\xe9 a ferm\xe9, a dit le maire.".encode("latin-1"),
                       "text/plain; charset=iso-8859-1")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/plain.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/flaky"):
            if hits[self.path] == 1:
                self._send(503, b"busy")
            else:
                self._send(200, page)
        elif self.path == "/down":
            self._send(503, b"busy")
        elif self.path == "/slow":
            time.sleep(3)
            self._send(200, page)
        elif self.path == "/image.png":
            self._send(200, b"\x89PNG\r\n", "image/png")
        elif self.path == "/empty.html":
            self._send(200, b"")
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


# The test server listens on 127.0.0.1, which the fetcher refuses unless told otherwise.
FAST = dict(timeout=5, backoff=0.05, allow_private=True)


def test_url_html(server):
    url = f"{server}/article.html"
    a = one(url, **FAST)
    assert a.title == "Minister defends harbour plan"
    assert a.source_path == url
    assert a.url == "https://herald.example/news/harbour-plan"  # canonical
    assert a.publisher == "The Coastal Herald" and a.published == "2022-02-05T10:30:00+01:00"
    assert "Related stories" not in a.text
    assert _Handler.user_agents[-1] == USER_AGENT and USER_AGENT.startswith("claim-tracker/")


def test_url_plain_text_and_redirect(server):
    a = one(f"{server}/redirect", **FAST)
    assert a.text == "Headline\n\nThe mayor said “yes”." and a.title == "Headline"
    assert a.url == f"{server}/plain.txt" and a.source_path == f"{server}/redirect"
    assert one(f"{server}/latin1.txt", **FAST).text == "Le café a fermé, a dit le maire."


def test_url_404(server):
    url = f"{server}/missing"
    assert read(url, **FAST) == [Failure(url, "HTTP 404 Not Found")]


def test_url_retries_5xx(server):
    url = f"{server}/flaky?1"
    a = one(url, **FAST)
    assert isinstance(a, Article) and _Handler.hits["/flaky?1"] == 2


def test_url_gives_up_after_attempts(server):
    url = f"{server}/down"
    before = _Handler.hits.get("/down", 0)
    assert read(url, attempts=3, **FAST) == [
        Failure(url, "HTTP 503 Service Unavailable (after 3 attempts)")]
    assert _Handler.hits["/down"] - before == 3


def test_url_timeout(server):
    url = f"{server}/slow"
    start = time.monotonic()
    assert read(url, timeout=0.5, backoff=0.05, allow_private=True) == [
        Failure(url, "timed out after 0.5 s")]
    assert time.monotonic() - start < 2.5


def test_url_connection_refused():
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    f = one(url, attempts=2, **FAST)
    assert f.input == url and f.reason.startswith("connection failed") and f.reason.endswith(
        "(after 2 attempts)")


def test_url_unsupported_and_empty(server):
    assert read(f"{server}/image.png", **FAST) == [
        Failure(f"{server}/image.png", "unsupported content type image/png")]
    assert read(f"{server}/empty.html", **FAST) == [Failure(f"{server}/empty.html", "empty response")]


def test_urls_file(server, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# articles to fetch\n{server}/article.html\n\n  {server}/missing  \n"
                    "ftp://example.org/x\n", encoding="utf-8")
    results = read(FIXTURES / "untitled.txt", urls_file=str(urls), **FAST)
    assert [type(r).__name__ for r in results] == ["Article", "Article", "Failure", "Failure"]
    assert results[1].source_path == f"{server}/article.html"
    assert results[2] == Failure(f"{server}/missing", "HTTP 404 Not Found")
    assert results[3] == Failure(f"{urls}:5", "unsupported scheme 'ftp'")
    missing = str(tmp_path / "none.txt")
    assert read(urls_file=missing) == [Failure(missing, "no such file or directory")]


# ---------------------------------------------------------------- never raises

from hypothesis import given, settings, strategies as st  # noqa: E402

from tracker.readers import Fields, decode_text, NotText, record_to_article  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.integers(), st.floats(allow_nan=True), st.none()))
def test_normalize_date_never_raises(value):
    result = normalize_date(value)
    assert result is None or (isinstance(result, str) and result[:4].isdigit())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_decode_text_gives_text_or_not_text(data):
    try:
        assert isinstance(decode_text(data), str)
    except NotText as e:
        assert str(e) == "binary file, not text"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["text", "title", "id", "date", "author", "x"]),
                       st.one_of(st.text(max_size=20), st.integers(), st.none(),
                                 st.lists(st.text(max_size=5), max_size=3))))
def test_record_to_article_never_raises(record):
    r = record_to_article(record, fields=Fields(), source_path="f.jsonl:1")
    if isinstance(r, Article):
        assert r.text == record["text"]
    else:
        assert r.input == "f.jsonl:1" and "\n" not in r.reason


def test_metadata_in_nested_meta_object(tmp_path):
    p = tmp_path / "corpus.jsonl"
    p.write_text('{"id": "x", "text": "He said it.", "meta": {"publisher": "breitbart", '
                 '"publication_date": "2015-11-11", "title": "T", "author": "V"}}\n', encoding="utf-8")
    a = one(p)
    assert (a.publisher, a.published, a.title, a.author) == ("breitbart", "2015-11-11", "T", "V")


# ---------------------------------------------------------------- hostile inputs

import contextlib  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402


@contextlib.contextmanager
def unprivileged():
    """Permission bits do not bind root: run the block as nobody when the tests run as root."""
    if os.geteuid() != 0:
        yield
        return
    try:
        os.setegid(65534)
        os.seteuid(65534)
    except OSError:
        pytest.skip("cannot drop root privileges to test permissions")
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def open_dir():
    """A folder anyone may enter (tmp_path is private to root when the tests run as root)."""
    path = Path(tempfile.mkdtemp(prefix="tracker-test-"))
    path.chmod(0o777)
    yield path
    for p in path.rglob("*"):
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    path.chmod(0o755)
    shutil.rmtree(path)


@contextlib.contextmanager
def deadline(seconds):
    """Fail, rather than hang the suite, when reading blocks (as a FIFO does)."""
    def fire(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")
    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def texts_and_failures(results):
    return ([r.text for r in results if isinstance(r, Article)],
            [(r.input, r.reason) for r in results if isinstance(r, Failure)])


def test_fifo_in_a_directory_is_reported_not_read(tmp_path):
    (tmp_path / "a.txt").write_text("A said it.", encoding="utf-8")
    os.mkfifo(tmp_path / "b.txt")
    (tmp_path / "c.txt").write_text("C said it.", encoding="utf-8")
    with deadline(20):
        results = read(tmp_path)
    assert texts_and_failures(results) == (
        ["A said it.", "C said it."], [(str(tmp_path / "b.txt"), "not a regular file (a FIFO)")])


def test_symbolic_link_loop_named_or_in_a_directory(tmp_path):
    (tmp_path / "a.txt").write_text("A said it.", encoding="utf-8")
    os.symlink(tmp_path / "loop2.txt", tmp_path / "loop1.txt")
    os.symlink(tmp_path / "loop1.txt", tmp_path / "loop2.txt")
    assert texts_and_failures(read(tmp_path)) == (["A said it."], [
        (str(tmp_path / "loop1.txt"), "symbolic link loop"),
        (str(tmp_path / "loop2.txt"), "symbolic link loop")])
    assert read(tmp_path / "loop1.txt") == [Failure(str(tmp_path / "loop1.txt"), "symbolic link loop")]


def test_file_name_that_is_not_utf8(tmp_path):
    (tmp_path / "a.txt").write_text("A said it.", encoding="utf-8")
    fd = os.open(os.fsencode(tmp_path) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"The owner said it.")
    os.close(fd)
    shown = f"{tmp_path}/caf\\xe9.txt"
    assert texts_and_failures(read(tmp_path)) == (
        ["A said it."], [(shown, "file name is not valid UTF-8 (rename it)")])
    named = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt")
    assert read(named) == [Failure(shown, "file name is not valid UTF-8 (rename it)")]


def test_lone_surrogate_escape_in_json(tmp_path):
    p = tmp_path / "batch.jsonl"
    p.write_text('{"text": "A said it."}\n{"text": "Smile \\ud83d please, he said."}\n'
                 '{"text": "B said it.", "title": "\\udc00"}\n{"text": "C said it."}\n',
                 encoding="utf-8")
    path = str(p.resolve())
    assert texts_and_failures(read(p)) == (["A said it.", "C said it."], [
        (f"{path}:2", "field 'text' is not valid Unicode (a lone surrogate \\ud83d)"),
        (f"{path}:3", "field 'title' is not valid Unicode (a lone surrogate \\udc00)")])


def test_unreadable_subdirectory_is_reported(open_dir):
    (open_dir / "a.txt").write_text("A said it.", encoding="utf-8")
    (open_dir / "sub").mkdir()
    (open_dir / "sub" / "b.txt").write_text("B said it.", encoding="utf-8")
    (open_dir / "sub").chmod(0o000)
    with unprivileged():
        results = read(open_dir)
    assert texts_and_failures(results) == (
        ["A said it."], [(str(open_dir / "sub"), "permission denied")])


def test_unreadable_top_level_directory_says_permission_denied(open_dir):
    folder = open_dir / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("A said it.", encoding="utf-8")
    folder.chmod(0o000)
    with unprivileged():
        results = read(folder)
    assert results == [Failure(str(folder), "permission denied")]


def test_named_file_under_a_folder_that_cannot_be_entered(open_dir):
    locked = open_dir / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("A said it.", encoding="utf-8")
    (open_dir / "b.txt").write_text("B said it.", encoding="utf-8")
    locked.chmod(0o644)  # readable, not searchable
    with unprivileged():
        results = read(locked / "a.txt", open_dir / "b.txt")
    assert texts_and_failures(results) == (
        ["B said it."], [(str(locked / "a.txt"), "permission denied")])


def test_closed_stdin_stream():
    stream = io.BytesIO(b"The mayor said it.")
    stream.close()
    assert read("-", stdin=stream) == [Failure("stdin", "standard input is closed")]


def test_unsupported_schemes(tmp_path):
    for url in ("file:///etc/passwd", "ftp://example.org/a.txt", "gopher://example.org/"):
        scheme = url.split(":")[0]
        assert read(url) == [Failure(url, f"unsupported scheme '{scheme}': only http and https "
                                          "URLs are fetched")]


# ---------------------------------------------------------------- CSV that does not parse


def test_csv_unbalanced_quote_fails_its_row_not_the_rows_after(tmp_path):
    p = tmp_path / "q.csv"
    p.write_text('id,text\n1,"The mayor said the bridge would open.\n'
                 '2,"The governor said taxes would rise.\n3,The minister said talks failed.\n'
                 '4,"A ""quoted"" word, kept.\n\nWith a paragraph."\n5,Last row.\n',
                 encoding="utf-8")
    path = str(p.resolve())
    results = read(p)
    assert texts_and_failures(results) == (
        ["The minister said talks failed.", 'A "quoted" word, kept.\n\nWith a paragraph.',
         "Last row."],
        [(f"{path}:2", "invalid CSV: ',' expected after '\"' (an unbalanced quote?)"),
         (f"{path}:3", "invalid CSV: ',' expected after '\"' (an unbalanced quote?)")])
    assert [r.source_path.rsplit(":", 1)[1] for r in results if isinstance(r, Article)] == [
        "4", "5", "8"]


def test_csv_quote_open_to_the_end_of_the_file(tmp_path):
    p = tmp_path / "eof.csv"
    p.write_text('id,text\n1,First row.\n2,"Never closed\n3,Swallowed?\n', encoding="utf-8")
    assert texts_and_failures(read(p)) == (["First row.", "Swallowed?"], [
        (f"{p.resolve()}:3", "invalid CSV: a quoted field runs to the end of the file "
                             "(an unbalanced quote?)")])


def test_csv_field_over_too_many_lines_fails_its_row(tmp_path):
    from tracker.readers import CSV_MAX_ROW_LINES

    n = CSV_MAX_ROW_LINES + 50
    p = tmp_path / "runaway.csv"
    with p.open("w", encoding="utf-8") as f:
        f.write('id,text\n0,"A stray quote opens here\n')
        for i in range(1, n):
            f.write(f"{i},Row {i} said it.\n")
        f.write(f'{n},and a stray quote closes here"\n{n + 1},The last row said it.\n')
    path = str(p.resolve())
    texts, failures = texts_and_failures(read(p))
    assert failures == [(f"{path}:2", f"invalid CSV: a row runs over more than "
                                      f"{CSV_MAX_ROW_LINES:,} lines (an unbalanced quote?)")]
    assert texts[0] == "Row 1 said it." and texts[-1] == "The last row said it."
    assert len(texts) == n + 1


def test_csv_row_past_the_size_limit_fails_its_row(tmp_path, monkeypatch):
    import tracker.readers

    monkeypatch.setattr(tracker.readers, "CSV_MAX_ROW_BYTES", 2**20)
    p = tmp_path / "big.csv"
    p.write_text('id,text\n1,"' + "x" * (2**20 + 10) + '"\n2,Small row.\n', encoding="utf-8")
    assert texts_and_failures(read(p)) == (
        ["Small row."], [(f"{p.resolve()}:2", "invalid CSV: a row is larger than 1 MB "
                                              "(an unbalanced quote?)")])


# ---------------------------------------------------------------- HTML nested very deep


@pytest.mark.parametrize("depth", [300, 600, 2500, 20000])
def test_html_nested_deeper_than_256_levels_keeps_its_text(depth):
    para = "<p>The mayor said the new bridge over the river would open in May next year.</p>"
    html = ("<html><head><title>Deep page</title></head><body>" + '<div class="w">' * depth
            + para * 4 + "</div>" * depth + "</body></html>")
    a = article_from_html(html, source_path="deep.html")
    assert isinstance(a, Article), a
    assert a.text.count("The mayor said the new bridge") == 4


def test_html_with_hundreds_of_unclosed_tags_keeps_all_its_text():
    html = "<html><head><title>Old page</title></head><body>" + "".join(
        f"<font size=2><p>Paragraph {i}: the mayor said bridge {i} would open in May."
        for i in range(400)) + "</body></html>"
    a = article_from_html(html, source_path="old.html")
    assert "bridge 0 would" in a.text and "bridge 399 would" in a.text
