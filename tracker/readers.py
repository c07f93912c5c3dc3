"""Inputs of every kind in, articles out: files, directories, globs, stdin, batches and URLs.

`read_inputs` is the one entry point; it yields an `Article` for every article it could read and
a `Failure` (input, one-line reason) for everything it could not, and never raises for bad input.

Failure reasons, one line each (the input is the path as resolved, "file.jsonl:LINE",
"file.csv:LINE", "file.json#ITEM", the URL, "stdin", or a directory/glob as given):
    files:    "no such file or directory", "permission denied", "is a directory",
              "could not read: ...", "binary file, not text", "empty file",
              "no articles found (looked for .txt, ...)" (a directory or glob)
    HTML:     "no article text found in the HTML", "could not parse HTML: ..."
    batches:  "invalid JSON: ...", "expected a JSON object, got an array", "empty text",
              "no text (looked for field 'text', 'content', 'body')", "field 'text' is not a string",
              "no text column (looked for ...; columns: a, b)", "invalid CSV: ...",
              "could not decode as ENCODING"
    stdin:    "empty input", "binary file, not text"
    URLs:     "HTTP 404 Not Found", "HTTP 503 Service Unavailable (after 3 attempts)",
              "timed out after N s", "connection failed: ... (after 3 attempts)",
              "unsupported URL: ...", "invalid URL: ...", "request failed: ...",
              "response larger than 50 MB", "empty response", "unsupported content type X",
              "not an http(s) URL" (a line of the URLs file, as "urls.txt:LINE")
"""

from __future__ import annotations

import codecs
import collections
import csv
import errno
import glob
import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Sequence, Union

import charset_normalizer

from .dates import normalize_date
from .fetch import (
    DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_TIMEOUT, FetchError, fetch, make_client, redact,
    unsupported_scheme,
)
from .models import Article, Failure, text_id

# File kinds by suffix: what a directory walk picks up, and how each file is read.
KNOWN_SUFFIXES = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
    ".csv": "csv",
}
NOTHING_FOUND = "no articles found (looked for " + ", ".join(KNOWN_SUFFIXES) + ")"

Result = Union[Article, Failure]


@dataclass(frozen=True)
class Fields:
    """Which field (JSON key or CSV column) holds each article attribute, in order of preference.

    Names match exactly first, then ignoring case and surrounding spaces. A field the user names
    replaces the defaults, so a misnamed `--text-field` fails instead of silently reading `text`.
    """

    text: tuple[str, ...] = ("text", "content", "body")
    title: tuple[str, ...] = ("title", "headline")
    id: tuple[str, ...] = ("id",)
    url: tuple[str, ...] = ("url", "link", "canonical_url")
    publisher: tuple[str, ...] = ("publisher", "site_name", "sitename", "source")
    author: tuple[str, ...] = ("author", "authors", "byline")
    published: tuple[str, ...] = ("published", "date", "published_at", "publishedAt", "pubDate",
                                  "publication_date")

    @classmethod
    def with_overrides(cls, **named: Optional[str]) -> "Fields":
        """Defaults, with each attribute given a name replaced by that one name."""
        defaults = cls()
        return cls(**{k: (v,) if v else getattr(defaults, k) for k, v in named.items()})


def read_inputs(
    inputs: Sequence[str],
    *,
    text_field: Optional[str] = None,
    title_field: Optional[str] = None,
    id_field: Optional[str] = None,
    url_field: Optional[str] = None,
    publisher_field: Optional[str] = None,
    author_field: Optional[str] = None,
    published_field: Optional[str] = None,
    urls_file: Optional[str] = None,
    timeout: Optional[float] = DEFAULT_TIMEOUT,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = DEFAULT_BACKOFF,
    stdin: Optional[IO] = None,
    dayfirst: bool = False,
    allow_private: bool = False,
) -> Iterator[Result]:
    """Every article in the inputs, in order, streaming; a Failure for each thing unreadable.

    inputs: file paths, directories (walked recursively for the KNOWN_SUFFIXES kinds, hidden
        entries skipped), glob patterns ("seeds/**/*.txt"), "-" for stdin, http(s) URLs.
    *_field: the JSONL key / CSV column holding that attribute (defaults in `Fields`).
    urls_file: a file of URLs, one per line; blank lines and lines starting with "#" skipped.
        Its URLs are read after `inputs`.
    timeout, attempts, backoff, allow_private: for URLs (see tracker.fetch.fetch); timeout None
        is the default.
    stdin: the stream "-" reads (binary or text); default sys.stdin.
    dayfirst: read ambiguous numeric dates ("05/02/2022") day first.

    A file given twice (or found by two inputs) is read once. Article.source_path is the
    absolute path for files, "path:LINE" for JSONL/CSV records, the URL, or "stdin".
    """
    fields = Fields.with_overrides(
        text=text_field, title=title_field, id=id_field, url=url_field,
        publisher=publisher_field, author=author_field, published=published_field,
    )
    opts = _Options(fields, dayfirst)
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    seen: set[str] = set()
    client = None
    try:
        for item in _with_urls_file(inputs, urls_file):
            if isinstance(item, Failure):
                yield item
            elif _is_url(item):
                client = client or make_client(timeout, allow_private)
                yield read_url(item, client=client, timeout=timeout, attempts=attempts,
                               backoff=backoff, dayfirst=dayfirst, allow_private=allow_private)
            elif unsupported_scheme(item) and not os.path.exists(item):
                yield Failure(redact(item), f"unsupported scheme '{unsupported_scheme(item)}': "
                                            "only http and https URLs are fetched")
            elif item == "-":
                yield from read_stdin(stdin, fields=fields, dayfirst=dayfirst)
            else:
                yield from _read_path_input(item, opts, seen)
    finally:
        if client is not None:
            client.close()


@dataclass(frozen=True)
class _Options:
    fields: Fields
    dayfirst: bool


def _is_url(s: str) -> bool:
    return s.lower().startswith(("http://", "https://"))


def _with_urls_file(inputs: Sequence[str], urls_file: Optional[str]) -> Iterator[Union[str, Failure]]:
    yield from inputs
    if urls_file is None:
        return
    try:
        with open(urls_file, "rb") as f:
            data = f.read()
        text = decode_text(data)
    except OSError as e:
        yield Failure(urls_file, _os_reason(e))
        return
    except NotText as e:
        yield Failure(urls_file, str(e))
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if _is_url(line):
            yield line
        elif unsupported_scheme(line):
            yield Failure(f"{urls_file}:{lineno}", f"unsupported scheme '{unsupported_scheme(line)}'")
        else:
            yield Failure(f"{urls_file}:{lineno}", "not an http(s) URL")


# ---------------------------------------------------------------- paths, directories, globs


def _read_path_input(item: str, opts: _Options, seen: set[str]) -> Iterator[Result]:
    path = Path(os.path.expanduser(item))
    if _SURROGATE.search(item):
        yield Failure(display_path(item), "file name is not valid UTF-8 (rename it)")
        return
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if glob.has_magic(item):
            # The user named these files by pattern: read them whatever the suffix.
            yield from _read_files(item, _glob(item), opts, seen, explicit=True)
        elif path.is_symlink():
            yield Failure(item, "no such file or directory (a broken symbolic link)")
        else:
            yield Failure(item, "no such file or directory")
        return
    except OSError as e:  # a folder on the way that may not be entered, a symbolic link loop
        yield Failure(item, _os_reason(e))
        return
    if stat.S_ISDIR(mode):
        yield from _read_files(item, _walk(path), opts, seen, explicit=False)
    else:  # named: read it whatever its suffix, a pipe too (`tracker ingest db <(cmd)`)
        yield from _read_files(item, [path], opts, seen, explicit=True)


def _read_files(item: str, found: Iterable[Union[Path, Failure]], opts: _Options,
                seen: set[str], explicit: bool) -> Iterator[Result]:
    any_found = False
    for f in found:
        any_found = True
        if isinstance(f, Failure):
            yield f
            continue
        resolved = str(f.resolve())
        if resolved in seen:
            continue
        seen.add(resolved)
        kind = KNOWN_SUFFIXES.get(f.suffix.lower())
        if kind is None and not explicit:
            continue
        yield from read_file(resolved, kind=kind, fields=opts.fields, dayfirst=opts.dayfirst)
    if not any_found:
        yield Failure(item, NOTHING_FOUND)


def _glob(pattern: str) -> Iterator[Union[Path, Failure]]:
    for match in sorted(glob.glob(os.path.expanduser(pattern), recursive=True)):
        m = Path(match)
        yield from (_walk(m) if m.is_dir() else _checked([m]))


def _walk(root: Path) -> Iterator[Union[Path, Failure]]:
    """Files of known kinds under root, in sorted order, skipping hidden files and folders; a
    Failure for each folder that cannot be read and each file that cannot be (a FIFO, a
    symbolic link loop, a name that is not UTF-8)."""
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        while errors:
            e = errors.pop(0)
            yield Failure(display_path(e.filename or dirpath), _os_reason(e))
        for d in sorted(dirnames):
            if _SURROGATE.search(d):
                yield Failure(display_path(os.path.join(dirpath, d)),
                              "folder name is not valid UTF-8 (rename it)")
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not _SURROGATE.search(d))
        yield from _checked(Path(dirpath) / name for name in sorted(filenames)
                            if not name.startswith(".") and Path(name).suffix.lower() in KNOWN_SUFFIXES)
    while errors:
        e = errors.pop(0)
        yield Failure(display_path(e.filename or str(root)), _os_reason(e))


def _checked(paths: Iterable[Path]) -> Iterator[Union[Path, Failure]]:
    """The paths that are regular files (or links to one) with UTF-8 names; a Failure for the
    others: reading a FIFO found in a folder would wait for ever."""
    for path in paths:
        name = str(path)
        if _SURROGATE.search(name):
            yield Failure(display_path(name), "file name is not valid UTF-8 (rename it)")
            continue
        try:
            mode = path.stat().st_mode
        except OSError as e:
            yield Failure(name, _os_reason(e))
            continue
        if stat.S_ISREG(mode):
            yield path
        else:
            yield Failure(name, f"not a regular file ({_FILE_TYPES.get(stat.S_IFMT(mode), 'special file')})")


_FILE_TYPES = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a device",
               stat.S_IFBLK: "a device", stat.S_IFDIR: "a directory"}


def display_path(path: str) -> str:
    """A path as text that can be printed and stored: bytes of a name that are not UTF-8
    shown as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_file(path: str, *, kind: Optional[str] = None, fields: Fields = Fields(),
              dayfirst: bool = False) -> Iterator[Result]:
    """The articles in one file; `kind` ("text", "html", "jsonl", "json", "csv") or sniffed.

    `path` should be absolute: it becomes Article.source_path and so the article id. An error
    reading it is a Failure; only a missing dependency (ImportError) or exhausted memory
    escapes, as those are not about this file.
    """
    kind = kind or KNOWN_SUFFIXES.get(Path(path).suffix.lower())
    try:
        if kind == "jsonl":
            yield from read_jsonl(path, fields=fields, dayfirst=dayfirst)
        elif kind == "csv":
            yield from read_csv(path, fields=fields, dayfirst=dayfirst)
        else:
            yield from _read_whole_file(path, kind, fields, dayfirst)
    except OSError as e:
        yield Failure(path, _os_reason(e))
    except (ImportError, MemoryError):
        raise
    except Exception as e:  # a bug must cost this file, not the run
        yield Failure(path, f"could not read: {type(e).__name__}: {_one_line(e)}")


def _read_whole_file(path: str, kind: Optional[str], fields: Fields, dayfirst: bool) -> Iterator[Result]:
    with open(path, "rb") as f:
        data = f.read()
    if not data or data.isspace():  # (not data.strip(): that copies a 50 MB file)
        yield Failure(path, "empty file")
        return
    html_charset = None
    if kind is None and _looks_like_html(data):
        kind = "html"
    if kind == "html":
        html_charset = _meta_charset(data)
    try:
        text = decode_text(data, declared=html_charset)
    except NotText as e:
        yield Failure(path, str(e))
        return
    del data  # a 50 MB file: keep one copy, not two
    if not text or text.isspace():
        yield Failure(path, "empty file")
    elif kind == "html":
        yield article_from_html(text, source_path=path, dayfirst=dayfirst)
    elif kind == "json":
        yield from _read_json_document(text, path, fields, dayfirst)
    else:
        yield article_from_text(text, source_path=path)


def _os_reason(e: OSError) -> str:
    if isinstance(e, FileNotFoundError):
        return "no such file or directory"
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, IsADirectoryError):
        return "is a directory"
    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    return f"could not read: {e.strerror or e}"


# ---------------------------------------------------------------- decoding


class NotText(ValueError):
    """Bytes that are not text in any encoding we can detect; str() is the reason."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls other than tab, newlines, form feed: rare in text, common in binary formats.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes, declared: Optional[str] = None) -> str:
    """The bytes as text: BOM, else UTF-8, else the declared charset, else detected; or NotText.

    A BOM is dropped (it is not part of the text); nothing else is changed, line endings included.
    """
    text = _decode(data, declared)
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > len(sample) / 100:
        raise NotText("binary file, not text")
    return text


def _decode(data: bytes, declared: Optional[str]) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise NotText("binary file, not text") from None
    if b"\x00" in data:
        raise NotText("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    encoding = _detect(data)
    if encoding is None:
        raise NotText("binary file, not text")
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        raise NotText("binary file, not text") from None


def _sniff_encoding(path: str) -> str:
    """The encoding to stream a batch file with, judged from its first 1 MB."""
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            # utf-8-sig / utf-16 / utf-32 drop the BOM themselves when decoding.
            return "utf-8-sig" if encoding == "utf-8" else encoding[:6]
    if b"\x00" in head:
        raise NotText("binary file, not text")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 4:  # a character cut off by the 1 MB boundary
            return "utf-8"
    encoding = _detect(head)
    if encoding is None:
        raise NotText("binary file, not text")
    return encoding


# On short texts charset-normalizer often ties Windows-1252 with other Latin code pages; the
# tie goes to Windows-1252, by far the most common of them on the web.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")


def _detect(data: bytes) -> Optional[str]:
    """The likeliest encoding of non-UTF-8 bytes, or None when they look like no text."""
    results = list(charset_normalizer.from_bytes(data))
    if not results:
        return None
    best = results[0]
    tied = [r for r in results if r.chaos == best.chaos and r.coherence == best.coherence]
    for r in tied:
        names = {r.encoding, *r.could_be_from_charset}
        for preferred in _PREFERRED:
            if preferred in names:
                return preferred
    return best.encoding


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _meta_charset(data: bytes) -> Optional[str]:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


# ---------------------------------------------------------------- plain text

_TITLE_MAX_CHARS = 200
_TITLE_MAX_WORDS = 25
_SENTENCE_END = re.compile(r"[.,;:]$")


def article_from_text(text: str, *, source_path: str, url: Optional[str] = None) -> Result:
    """A plain-text article: text as given (offsets index it), title guessed from line one."""
    if not text or text.isspace():
        return Failure(source_path, "empty file")
    return Article(text=text, title=guess_title(text), url=url, source_path=source_path)


def guess_title(text: str) -> Optional[str]:
    """The first non-empty line, if it reads as a headline rather than the first sentence.

    A headline: short, followed by a blank line and more text, not ending like a sentence
    ("." "," ";" ":"; a "?" or "!" headline is allowed). Markdown "# " marks are dropped.
    Only the head of the text is looked at, so a 50 MB text costs nothing here.
    """
    head = text[:4096]
    lines = head.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i + 2 >= len(lines):
        return None  # nothing after the first line: that line is the article
    first = lines[i].strip()
    if lines[i + 1].strip():
        return None  # the line runs on into a paragraph
    if not any(line.strip() for line in lines[i + 2:]):
        return None
    first = re.sub(r"^#{1,6}\s+", "", first)
    bare = first.rstrip("\"'”’»)]*_ ").strip()
    if not bare or len(first) > _TITLE_MAX_CHARS or len(first.split()) > _TITLE_MAX_WORDS:
        return None
    if _SENTENCE_END.search(bare) and not re.search(r"\b[A-Z]\.[A-Z]\.$", bare):  # "U.S." ends ok
        return None
    return first


# ---------------------------------------------------------------- HTML


def article_from_html(html: str, *, source_path: str, url: Optional[str] = None,
                      dayfirst: bool = False) -> Result:
    """The article in an HTML page, with trafilatura: main text (navigation, ads, related
    links and comments dropped) and metadata (title, author, date, site name, canonical URL).

    The stored text is the extracted text with paragraphs separated by blank lines.
    Article.url is the page's canonical URL, else `url` (where it was fetched from).
    """
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(
            _parse_html(html), url=url, with_metadata=True, include_comments=False,
            include_tables=False,
        )
    except ImportError:
        raise  # a missing dependency is not about this page
    except Exception as e:  # trafilatura and lxml raise many kinds on broken pages
        return Failure(source_path, f"could not parse HTML: {_one_line(e) or type(e).__name__}")
    raw = getattr(doc, "text", None) if doc is not None else None
    if not raw or raw.isspace():
        return Failure(source_path, "no article text found in the HTML")
    text = "\n\n".join(line.strip() for line in raw.splitlines() if line.strip())
    return Article(
        text=text,
        title=_clean(doc.title),
        url=_clean(doc.url) or url,
        publisher=_clean(doc.sitename),
        author=_clean(doc.author),
        published=_html_published(html, doc.date, dayfirst),
        source_path=source_path,
    )


# Deeper than this trafilatura loses the text (it gives up near 3,000 levels, and libxml2 stops
# parsing at 2,048 even without its usual limit of 256).
_MAX_DEPTH = 1000
# The tags whose nesting makes pages that deep (unclosed <font>, wrappers in wrappers): in such
# a page they are dropped, their text kept.
_WRAPPER_TAGS = re.compile(r"</?(?:font|span|b|i|u|em|strong|small|big|center|div|section|"
                           r"article|main|aside|blockquote)(?:\s[^>]*)?/?>", re.I)


def _parse_html(html: str):
    """The page as an lxml tree, parsed as trafilatura would but without libxml2's limit of 256
    levels of nesting, below which a page loses all its text."""
    from lxml import etree, html as lxml_html
    from trafilatura.utils import repair_faulty_html

    parser = lxml_html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                                  remove_comments=True, remove_pis=True, huge_tree=True)
    html = repair_faulty_html(html, html[:50].lower())
    for attempt in range(2):
        try:
            tree = lxml_html.fromstring(html, parser=parser)
        except ValueError:  # a string with an XML encoding declaration: lxml wants bytes then
            tree = lxml_html.fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
        depth = deepest = 0
        for event, _ in etree.iterwalk(tree, events=("start", "end")):
            depth += 1 if event == "start" else -1
            deepest = max(deepest, depth)
        if deepest <= _MAX_DEPTH:
            break
        html = _WRAPPER_TAGS.sub("", html)
    return tree


_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_PUBLISHED_META = {"article:published_time", "datepublished", "date", "pubdate",
                   "publishdate", "dc.date.issued", "sailthru.date"}


def _html_published(html: str, found: Optional[str], dayfirst: bool) -> Optional[str]:
    """trafilatura's date (a day), made a full datetime when the page's meta tags give the
    time of that same day."""
    day = normalize_date(found, dayfirst=dayfirst)
    if not day:
        return None
    head = html[:65536]
    end = head.lower().find("</head>")
    head = head[:end] if end >= 0 else head
    for tag in _META_TAG.findall(head):
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _ATTR.findall(tag)}
        name = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if name in _PUBLISHED_META and attrs.get("content"):
            when = normalize_date(attrs["content"], dayfirst=dayfirst)
            if when and len(when) > 10 and when.startswith(day):
                return when
    return day


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:200]


def _clean(value) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, dict):  # as JSON, not as Python's repr
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v).strip() for v in value if v is not None and str(v).strip())
    value = " ".join(str(value).split())
    return value or None


# ---------------------------------------------------------------- batches: JSONL, JSON, CSV


def record_to_article(record, *, fields: Fields, source_path: str, dayfirst: bool = False,
                      in_batch: bool = True) -> Result:
    """One batch record (a JSON object or CSV row as a dict) as an Article; `text` kept exactly.

    A record of a batch without id or url is known by its text (its line is no identity); a
    JSON file that holds one article (`in_batch` False) is known by its path, as a text file is.
    """
    if not isinstance(record, dict):
        return Failure(source_path, f"expected a JSON object, got {_json_type(record)}")
    key = _find_key(record, fields.text)
    if key is None:
        looked = ", ".join(f"'{n}'" for n in fields.text)
        return Failure(source_path, f"no text (looked for field {looked})")
    text = record[key]
    if not isinstance(text, str):
        return Failure(source_path, f"field '{key}' is not a string")
    if not text or text.isspace():
        return Failure(source_path, "empty text")

    # Optional fields may sit one level down, in a "meta"/"metadata" object (as in PolNeAR).
    nested = [record] + [record[k] for k in ("meta", "metadata") if isinstance(record.get(k), dict)]

    def get(names: tuple[str, ...]):
        for d in nested:
            k = _find_key(d, names)
            if k is not None and d[k] not in (None, ""):
                return d[k]
        return None

    ident = get(fields.id)
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, (str, int, float))):
        return Failure(source_path, f"field '{fields.id[0]}' must be a string or a number, "
                                    f"not {_json_type(ident)}")
    values = {"text": text, "id": _clean(ident), "title": _clean(get(fields.title)),
              "url": _clean(get(fields.url)), "publisher": _clean(get(fields.publisher)),
              "author": _clean(get(fields.author))}
    for name, value in values.items():
        bad = _SURROGATE.search(value or "")
        if bad:
            return Failure(source_path, f"field '{name}' is not valid Unicode "
                                        f"(a lone surrogate \\u{ord(bad.group()):04x})")
    if in_batch and not values["id"] and not values["url"]:
        values["id"] = text_id(text)
    return Article(
        **values,
        published=normalize_date(_date_value(get(fields.published)), dayfirst=dayfirst),
        source_path=source_path,
    )


# What JSON's "\ud83d" gives alone: a string no UTF-8 file or SQLite text column can hold.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _date_value(value):
    # A date that came through CSV is a string; JSON may give a number (epoch) or a string.
    return value.strip() if isinstance(value, str) else value


def _find_key(record: dict, names: tuple[str, ...]) -> Optional[str]:
    for name in names:
        if name in record and record[name] not in (None, ""):
            return name
    lowered = {str(k).strip().lower(): k for k in record if k is not None}
    for name in names:
        k = lowered.get(name.lower())
        if k is not None and record[k] not in (None, ""):
            return k
    # Present but empty: report the field, so the failure says "empty text", not "no text".
    for name in names:
        k = name if name in record else lowered.get(name.lower())
        if k is not None:
            return k
    return None


def _json_type(value) -> str:
    return {list: "an array", dict: "an object", str: "a string", int: "a number",
            float: "a number", bool: "a boolean", type(None): "null"}.get(type(value), type(value).__name__)


def read_jsonl(path: str, *, fields: Fields = Fields(), dayfirst: bool = False) -> Iterator[Result]:
    """One article per line of a JSONL file, streaming; a bad line is a Failure "path:LINE"."""
    try:
        encoding = _sniff_encoding(path)
    except NotText as e:
        yield Failure(path, str(e))
        return
    any_line = False
    for lineno, line in _numbered_lines(path, encoding):
        source = f"{path}:{lineno}"
        if line is None:
            yield Failure(source, f"could not decode as {encoding}")
            continue
        if not line.strip():
            continue
        any_line = True
        yield _json_line_to_article(line, source, fields, dayfirst)
    if not any_line:
        yield Failure(path, "empty file")


def _numbered_lines(path: str, encoding: str) -> Iterator[tuple[int, Optional[str]]]:
    """(line number, line) for each line, None for a line that does not decode."""
    if encoding.startswith(("utf-16", "utf-32")):
        # Multi-byte newlines: split after decoding (a decoding error then ends the file).
        with open(path, encoding=encoding, newline="\n") as f:
            lineno = 0
            try:
                for lineno, line in enumerate(f, 1):
                    yield lineno, line
            except UnicodeDecodeError:
                yield lineno + 1, None
        return
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError:
                yield lineno, None
                continue
            yield lineno, line.lstrip("\ufeff") if lineno == 1 else line


def _json_line_to_article(line: str, source: str, fields: Fields, dayfirst: bool) -> Result:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        return Failure(source, f"invalid JSON: {e.msg} (column {e.colno})")
    except RecursionError:
        return Failure(source, "invalid JSON: nested too deeply")
    return record_to_article(record, fields=fields, source_path=source, dayfirst=dayfirst)


_ARRAY_KEYS = ("articles", "items", "data", "results", "documents")


def _read_json_document(text: str, path: str, fields: Fields, dayfirst: bool) -> Iterator[Result]:
    """A .json file: an array of articles ("path#N"), {"articles": [...]}, one article, or JSONL."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        if e.msg == "Extra data":  # several documents: it is JSONL under a .json name
            yield from read_jsonl(path, fields=fields, dayfirst=dayfirst)
        else:
            yield Failure(path, f"invalid JSON: {e.msg} (line {e.lineno} column {e.colno})")
        return
    except RecursionError:
        yield Failure(path, "invalid JSON: nested too deeply")
        return
    if isinstance(value, dict) and _find_key(value, fields.text) is None:
        for key in _ARRAY_KEYS:
            if isinstance(value.get(key), list):
                value = value[key]
                break
    if isinstance(value, list):
        if not value:
            yield Failure(path, NOTHING_FOUND)
        for i, item in enumerate(value, 1):
            yield record_to_article(item, fields=fields, source_path=f"{path}#{i}", dayfirst=dayfirst)
    else:
        yield record_to_article(value, fields=fields, source_path=path, dayfirst=dayfirst,
                                in_batch=False)


def _raise_csv_field_limit() -> None:
    # The csv module's default 128 KB field limit would reject long articles; a row's size is
    # limited by CSV_MAX_ROW_BYTES instead.
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10


# A row may run over several lines (a quoted text with paragraphs), but one that runs over more
# lines or bytes than these is taken for an unbalanced quote that swallowed the rows after it.
CSV_MAX_ROW_LINES = 10_000
CSV_MAX_ROW_BYTES = 50 * 1024 * 1024


def read_csv(path: str, *, fields: Fields = Fields(), dayfirst: bool = False) -> Iterator[Result]:
    """One article per row of a CSV with a header row, streaming; "path:LINE" per row.

    The delimiter (",", ";", tab or "|") is the one the header row uses most. A malformed row
    (an unbalanced quote, a row of more than CSV_MAX_ROW_LINES lines or CSV_MAX_ROW_BYTES) is a
    Failure of that row, and reading goes on at the line after the one it started on.
    """
    _raise_csv_field_limit()
    try:
        encoding = _sniff_encoding(path)
    except NotText as e:
        yield Failure(path, str(e))
        return
    with open(path, encoding=encoding, newline="") as f:
        try:
            header_line = f.readline()
        except UnicodeDecodeError:
            yield Failure(path, f"could not decode as {encoding}")
            return
        if not header_line.strip():
            yield Failure(path, "empty file")
            return
        f.seek(0)
        delimiter = max(",;\t|", key=header_line.count)
        rows = _csv_rows(f, delimiter)
        try:
            _, header = next(rows)
        except (StopIteration, csv.Error, _RowError):
            yield Failure(path, "invalid CSV: the header row cannot be read")
            return
        except UnicodeDecodeError:
            yield Failure(path, f"could not decode as {encoding}")
            return
        if _find_key({h: "x" for h in header}, fields.text) is None:
            looked = ", ".join(f"'{n}'" for n in fields.text)
            columns = ", ".join(h.strip() for h in header) or "none"
            yield Failure(path, f"no text column (looked for {looked}; columns: {columns})")
            return
        while True:
            try:
                start, row = next(rows)
            except StopIteration:
                break
            except UnicodeDecodeError:
                yield Failure(f"{path}:{rows.line + 1}", f"could not decode as {encoding}")
                break
            except _RowError as e:
                yield Failure(f"{path}:{e.line}", f"invalid CSV: {e.reason}")
                continue
            if not row:
                continue  # a blank line
            record = {h: row[i] if i < len(row) else None for i, h in enumerate(header)}
            yield record_to_article(record, fields=fields, source_path=f"{path}:{start}",
                                    dayfirst=dayfirst)


class _RowError(Exception):
    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason


class _csv_rows:
    """(first line number, cells) for each row of a CSV stream, csv's strict parsing; a bad row
    raises _RowError and the next call starts again at the line after the row's first line, so
    one stray quote costs one row, not every row after it."""

    def __init__(self, f: IO[str], delimiter: str):
        self._file = iter(f)
        self._delimiter = delimiter
        self._replay: collections.deque = collections.deque()  # (number, line) to read again
        self._row: list[tuple[int, str]] = []  # the lines of the row being read
        self._size = 0
        self.line = 0  # number of the last line read from the file
        self._reader = self._new_reader()

    def _new_reader(self):
        return csv.reader(self._lines(), delimiter=self._delimiter, strict=True)

    def _lines(self) -> Iterator[str]:
        while True:
            if self._replay:
                number, line = self._replay.popleft()
            else:
                line = next(self._file, None)
                if line is None:
                    return
                self.line += 1
                number = self.line
            self._row.append((number, line))
            self._size += len(line)
            if len(self._row) > CSV_MAX_ROW_LINES:
                raise _RowError(self._row[0][0], f"a row runs over more than {CSV_MAX_ROW_LINES:,} "
                                                 "lines (an unbalanced quote?)")
            if self._size > CSV_MAX_ROW_BYTES:
                raise _RowError(self._row[0][0], f"a row is larger than "
                                                 f"{CSV_MAX_ROW_BYTES // 2**20} MB (an unbalanced quote?)")
            yield line

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, list[str]]:
        self._row, self._size = [], 0
        try:
            cells = next(self._reader)
        except (csv.Error, _RowError) as e:
            lines = self._row
            # Read again from the line after the one the bad row started on.
            self._replay.extendleft(reversed(lines[1:]))
            self._reader = self._new_reader()
            if isinstance(e, _RowError):
                raise
            reason = _one_line(e)
            if reason == "unexpected end of data":
                reason = "a quoted field runs to the end of the file (an unbalanced quote?)"
            else:
                reason += " (an unbalanced quote?)" if "expected after" in reason else ""
            raise _RowError(lines[0][0] if lines else self.line, reason) from None
        return (self._row[0][0] if self._row else self.line), cells


# ---------------------------------------------------------------- stdin and URLs


def read_stdin(stream: Optional[IO] = None, *, fields: Fields = Fields(),
               dayfirst: bool = False) -> Iterator[Result]:
    """Stdin as one text article ("stdin"), an HTML page, or a JSONL batch ("stdin:LINE")
    when its first line is a JSON object."""
    stream = stream if stream is not None else sys.stdin
    try:
        if stream is None:  # what Python makes of a closed file descriptor 0
            raise ValueError("closed")
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
    except ValueError:  # "I/O operation on closed file"
        yield Failure("stdin", "standard input is closed")
        return
    except OSError as e:
        yield Failure("stdin", "standard input is closed" if e.errno == errno.EBADF
                      else f"could not read: {e.strerror or e}")
        return
    if isinstance(raw, bytes):
        if _looks_like_html(raw):
            charset = _meta_charset(raw)
        else:
            charset = None
        try:
            text = decode_text(raw, declared=charset)
        except NotText as e:
            yield Failure("stdin", str(e))
            return
    else:
        text = raw
    if not text or text.isspace():
        yield Failure("stdin", "empty input")
        return
    if _looks_like_jsonl(text):
        for lineno, line in enumerate(text.split("\n"), 1):
            if line.strip():
                yield _json_line_to_article(line, f"stdin:{lineno}", fields, dayfirst)
    elif _looks_like_html(text[:2048].encode("utf-8", "ignore")):
        yield article_from_html(text, source_path="stdin", dayfirst=dayfirst)
    else:
        yield article_from_text(text, source_path="stdin")


def _looks_like_jsonl(text: str) -> bool:
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return False
    first = stripped.split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_SNIFF_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


def read_url(url: str, *, client=None, timeout: float = DEFAULT_TIMEOUT,
             attempts: int = DEFAULT_ATTEMPTS, backoff: float = DEFAULT_BACKOFF,
             dayfirst: bool = False, allow_private: bool = False) -> Result:
    """The article at an http(s) URL: HTML pages extracted, text/plain taken as text.

    Article.source_path is the URL as given; Article.url the canonical URL, else the final URL;
    both without any user name and password the URL carried.
    """
    source = redact(url)
    try:
        page = fetch(url, client=client, timeout=timeout, attempts=attempts, backoff=backoff,
                     allow_private=allow_private)
    except FetchError as e:
        return Failure(source, str(e))
    if not page.content.strip():
        return Failure(source, "empty response")
    is_html = page.content_type in _HTML_TYPES or (
        page.content_type in _SNIFF_TYPES and _looks_like_html(page.content))
    if not is_html and page.content_type != "text/plain":
        return Failure(source, f"unsupported content type {page.content_type or '(none)'}")
    declared = page.charset or (_meta_charset(page.content) if is_html else None)
    try:
        text = decode_text(page.content, declared=declared)
    except NotText as e:
        return Failure(source, str(e))
    if is_html:
        result = article_from_html(text, source_path=source, url=redact(page.url), dayfirst=dayfirst)
    else:
        result = article_from_text(text, source_path=source, url=redact(page.url))
    if isinstance(result, Article) and result.url and redact(result.url) != result.url:
        result.url = redact(result.url)  # a canonical link in the page may carry them too
        result.id = result.make_id()
    return result
