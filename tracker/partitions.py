"""Inputs cut into partitions that workers read on their own: the driver lists and sizes files,
and never reads the articles.

A partition is a list of files (directories and globs are expanded to file lists, small files
grouped up to the partition size), a byte range of a big JSONL file (whole lines only: a line
belongs to the range it starts in), or a list of URLs. Reading a partition gives exactly the
articles and failures `readers.read_inputs` gives for the same records, with the same
source paths ("file.jsonl:LINE") and so the same article ids.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence, Union

from . import readers
from .models import Failure

MIN_PARTITION = 16 << 10
MAX_PARTITION = 16 << 20
URLS_PER_PARTITION = 50
# Encodings whose newline is the byte b"\n" and never part of another character: splittable.
_SPLITTABLE = re.compile(r"^(utf[-_]?8(-sig)?|ascii|cp\d+|latin[-_]?1|iso[-_]?8859.*|windows-\d+)$", re.I)


@dataclass(frozen=True)
class Partition:
    """One task's share of the input.

    files: ((path, kind), ...) read whole with readers.read_file (kind None: sniffed).
    urls: URLs fetched with readers.read_url.
    path/start/end/first_line/encoding: a byte range of a JSONL file; first_line is the number of
        the first line starting in it (None until counted, see count_line_starts).
    """

    number: int
    files: tuple[tuple[str, Optional[str]], ...] = ()
    urls: tuple[str, ...] = ()
    path: Optional[str] = None
    start: int = 0
    end: int = 0
    first_line: Optional[int] = None
    encoding: str = "utf-8"


@dataclass(frozen=True)
class InputFile:
    path: str  # absolute, resolved
    kind: Optional[str]
    size: int


def parse_size(text: str) -> int:
    """'4MB', '512KB', '1GB' or a number of bytes."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)\s*", text.lower())
    if not m:
        raise ValueError(f"not a size: {text!r} (e.g. 4MB, 512KB)")
    unit = m.group(2).rstrip("b").rstrip("i")
    return int(float(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[unit])


def auto_size(total_bytes: int, threads: int) -> int:
    """The largest partition for this input: about eight per worker thread (plan then shrinks
    them towards the end, so that no thread waits long on the last one)."""
    return max(MIN_PARTITION, min(MAX_PARTITION, total_bytes // max(1, 8 * threads)))


def input_files(inputs: Sequence[str], urls_file: Optional[str] = None
                ) -> Iterator[Union[InputFile, str, Failure]]:
    """The files the inputs name (as readers.read_inputs finds them: directories walked, globs
    expanded, each file once), the URLs (strings), and a Failure for each input that names nothing."""
    seen: set[str] = set()
    for item in readers._with_urls_file(inputs, urls_file):
        if isinstance(item, Failure) or readers._is_url(item):
            yield item
            continue
        if item == "-":
            raise ValueError("standard input (-) cannot be split among workers: save it to a file")
        path = Path(os.path.expanduser(item))
        if path.is_dir():
            files, explicit = list(readers._walk(path)), False
        elif path.exists() or path.is_symlink():
            files, explicit = [path], True
        elif glob.has_magic(item):
            files, explicit = [], True
            for match in sorted(glob.glob(os.path.expanduser(item), recursive=True)):
                m = Path(match)
                files.extend(readers._walk(m) if m.is_dir() else [m])
        else:
            yield Failure(item, "no such file or directory")
            continue
        if not files:
            yield Failure(item, readers.NOTHING_FOUND)
            continue
        for f in files:
            resolved = str(f.resolve())
            kind = readers.KNOWN_SUFFIXES.get(f.suffix.lower())
            if resolved in seen or (kind is None and not explicit):
                continue
            seen.add(resolved)
            try:
                size = os.path.getsize(resolved)
            except OSError:
                size = 0  # read_file reports why, on the worker
            yield InputFile(resolved, kind, size)


def total_size(inputs: Sequence[str], urls_file: Optional[str] = None) -> int:
    """Bytes in all the input files (a URL counts as a small article)."""
    return sum(x.size if isinstance(x, InputFile) else 4096
               for x in input_files(inputs, urls_file) if not isinstance(x, Failure))


def plan(inputs: Sequence[str], size: int, urls_file: Optional[str] = None,
         total: int = 0, threads: int = 1) -> Iterator[Union[Partition, Failure]]:
    """Partitions of about `size` bytes each, numbered from 0, streaming (the driver holds one
    file list at a time); JSONL files bigger than `size` become byte ranges (first_line None).

    Given `total` (total_size of the inputs), sizes are guided: a partition is at most the bytes
    still to plan over 2 x threads (at least MIN_PARTITION), so the last tasks are small and the
    threads finish together instead of one waiting on a big last partition.
    """
    number = 0
    group: list[tuple[str, Optional[str]]] = []
    group_bytes = 0
    urls: list[str] = []
    left = total

    def target() -> int:
        return max(min(size, MIN_PARTITION), min(size, left // (2 * threads))) if total else size

    def take(**fields) -> Partition:
        nonlocal number
        number += 1
        return Partition(number - 1, **fields)

    for item in input_files(inputs, urls_file):
        if isinstance(item, Failure):
            yield item
        elif isinstance(item, str):
            urls.append(item)
            if len(urls) >= URLS_PER_PARTITION:
                yield take(urls=tuple(urls))
                urls = []
        elif item.size > target() and item.kind == "jsonl" and (encoding := _splittable(item.path)):
            for start, end in _ranges(item.size, target, guided=bool(total)):
                left -= end - start
                yield take(path=item.path, start=start, end=end, encoding=encoding)
        else:
            group.append((item.path, item.kind))
            group_bytes += item.size
            left -= item.size
            if group_bytes >= target():
                yield take(files=tuple(group))
                group, group_bytes = [], 0
    if group:
        yield take(files=tuple(group))
    if urls:
        yield take(urls=tuple(urls))


def _ranges(size: int, target: Callable[[], int], guided: bool) -> Iterator[tuple[int, int]]:
    """Byte ranges covering a file of `size` bytes: even ones of about target() (no sliver of a
    range at the end), or, guided, each of the target() of its moment, a short tail joined to the
    range before it."""
    if not guided:
        n = round(size / target())
        yield from ((size * k // n, size * (k + 1) // n) for k in range(n))
        return
    start = 0
    while start < size:
        step = target()
        end = size if size - (start + step) < step // 2 else start + step
        yield start, end
        start = end


def _splittable(path: str) -> Optional[str]:
    """The file's encoding if its lines can be found by byte (not UTF-16/32, not binary)."""
    try:
        encoding = readers._sniff_encoding(path)
    except (OSError, readers.NotText):
        return None  # read whole, so the worker reports it as read_file does
    return encoding if _SPLITTABLE.match(encoding.replace("_", "-")) else None


def count_line_starts(path: str, start: int, end: int) -> int:
    """How many lines start in bytes [start, end) of the file (a line starts at 0 or after b"\\n")."""
    size = os.path.getsize(path)
    end = min(end, size)
    if start >= end:
        return 0
    with open(path, "rb") as f:
        lo = max(start - 1, 0)
        f.seek(lo)
        remaining, count = end - 1 - lo, int(start == 0)
        while remaining > 0:  # newlines at positions [start-1, end-1) open a line in range
            chunk = f.read(min(remaining, 1 << 20))
            if not chunk:
                break
            count += chunk.count(b"\n")
            remaining -= len(chunk)
    return count


def read_partition(p: Partition, fields: readers.Fields, dayfirst: bool = False,
                   timeout: float = readers.DEFAULT_TIMEOUT) -> Iterator[readers.Result]:
    """The articles and failures of one partition, as readers.read_inputs gives them."""
    for path, kind in p.files:
        yield from readers.read_file(path, kind=kind, fields=fields, dayfirst=dayfirst)
    if p.urls:
        client = readers.make_client(timeout)
        try:
            for url in p.urls:
                yield readers.read_url(url, client=client, timeout=timeout, dayfirst=dayfirst)
        finally:
            client.close()
    if p.path is not None:
        yield from _read_range(p, fields, dayfirst)


def _read_range(p: Partition, fields: readers.Fields, dayfirst: bool) -> Iterator[readers.Result]:
    if p.first_line is None:
        raise ValueError(f"partition {p.number}: first line not counted")
    with open(p.path, "rb") as f:
        f.seek(max(p.start - 1, 0))
        if p.start > 0 and f.read(1) != b"\n":
            f.readline()  # the rest of a line that started in the previous range
        lineno = p.first_line - 1
        while f.tell() < p.end:
            raw = f.readline()
            if not raw:
                break
            lineno += 1
            source = f"{p.path}:{lineno}"
            try:
                line = raw.decode(p.encoding)
            except UnicodeDecodeError:
                yield Failure(source, f"could not decode as {p.encoding}")
                continue
            if lineno == 1:
                line = line.lstrip("\ufeff")
            if line.strip():
                yield readers._json_line_to_article(line, source, fields, dayfirst)
