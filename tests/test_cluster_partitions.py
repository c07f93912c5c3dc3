"""Partitions read back exactly what readers.read_inputs reads, and the extracted line format
round-trips; no cluster needed."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from tracker.extracted import article_line, from_line, read_extracted
from tracker.models import Article, ExtractedArticle, Failure, Statement
from tracker.partitions import (MIN_PARTITION, count_line_starts, parse_size, plan, read_partition,
                                total_size)
from tracker.readers import Fields, read_inputs


def as_tuples(items):
    return [(type(x).__name__, x.source_path, x.id, x.text, x.title) if isinstance(x, Article)
            else (type(x).__name__, x.input, x.reason) for x in items]


def read_planned(inputs, size, **guide):
    """What the workers read: partitions in plan order, ranges numbered as the driver does."""
    out, line, path = [], 1, None
    for p in plan(inputs, size, **guide):
        if isinstance(p, Failure):
            out.append(p)
            continue
        if p.path is not None:
            if p.path != path:
                line, path = 1, p.path
            first, line = line, line + count_line_starts(p.path, p.start, p.end)
            p = dataclasses.replace(p, first_line=first)
        out.extend(read_partition(p, Fields()))
    return out


def tricky_jsonl(path, newline="\n", bom=False):
    records = [{"text": f"Article {i}: the mayor said caf\u00e9s \u201cwould reopen\u201d soon.",
                "title": f"T{i}"} for i in range(40)]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines[5] = '{"text": "broken'
    lines[9] = ""
    lines[17] = "   "
    lines[23] = json.dumps({"id": "x23", "content": "Kept \u00e9 as given, \u4e2d\u6587 too."},
                           ensure_ascii=False)
    data = (newline.join(lines) + newline).encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize("newline,bom", [("\n", False), ("\r\n", True)])
@pytest.mark.parametrize("size", [7, 64, 333, 1 << 20])
def test_byte_ranges_read_what_the_reader_reads(tmp_path, newline, bom, size):
    path = tricky_jsonl(tmp_path / "batch.jsonl", newline, bom)
    expected = as_tuples(read_inputs([str(path)]))
    assert any(t[0] == "Failure" for t in expected) and len(expected) == 38
    assert as_tuples(read_planned([str(path)], size)) == expected


def test_guided_partitions_shrink_at_the_end_and_read_the_same(tmp_path):
    # a JSONL of 400 records (~500 KB) and a folder of 30 text files, planned for 2 threads
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps({"id": f"r{i}", "text": f"Story {i}. " + "The mayor said the "
                                       "bridge would reopen in spring. " * 20}) + "\n" for i in range(400)))
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        (folder / f"{i}.txt").write_text(f"Story {i}\n\n" + "The minister said the plan was ready. " * 30)
    inputs = [str(big), str(folder)]
    total = total_size(inputs)
    size = max(MIN_PARTITION, total // 8)
    parts = list(plan(inputs, size, total=total, threads=2))
    sizes = [p.end - p.start if p.path else sum(os.path.getsize(f) for f, _ in p.files) for p in parts]
    assert max(sizes) <= size + MIN_PARTITION and sizes[-1] < size / 2  # small tasks last
    assert len(parts) > len(list(plan(inputs, size)))  # more partitions than even ones
    assert as_tuples(read_planned(inputs, size, total=total, threads=2)) == as_tuples(read_inputs(inputs))


def test_count_line_starts_adds_up(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"a\nbb\n\nccc\nd")  # five lines, the last without a newline
    size = path.stat().st_size
    for step in (1, 2, 3, 5, 100):
        assert sum(count_line_starts(str(path), s, s + step) for s in range(0, size, step)) == 5


def test_plan_groups_files_and_reports_missing_inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text(f"Story {i}\n\nThe minister said the plan for site {i} was ready.")
    (folder / "skip.bin").write_bytes(b"\x00\x01")  # not a known kind: a directory walk skips it
    inputs = [str(folder), str(folder / "2.txt"), str(tmp_path / "missing.txt")]
    parts = list(plan(inputs, 150))
    failures = [p for p in parts if isinstance(p, Failure)]
    assert [(f.input, f.reason) for f in failures] == [(inputs[2], "no such file or directory")]
    files = [f for p in parts if not isinstance(p, Failure) for f, _ in p.files]
    assert len(files) == 5 == len(set(files))  # each file once, in every partition
    assert len(parts) - 1 > 1 and [p.number for p in parts if not isinstance(p, Failure)] == list(
        range(len(parts) - 1))
    # the same articles and failures (a failure may come before the file group it follows)
    assert sorted(as_tuples(read_planned(inputs, 150))) == sorted(as_tuples(read_inputs(inputs)))


def test_stdin_cannot_be_partitioned():
    with pytest.raises(ValueError, match="standard input"):
        list(plan(["-"], 1000))


def test_parse_size():
    assert parse_size("4MB") == 4 << 20 and parse_size("512kb") == 512 << 10
    assert parse_size("100") == 100 and parse_size("1.5 GiB") == int(1.5 * (1 << 30))
    with pytest.raises(ValueError):
        parse_size("lots")


def test_extracted_line_round_trips(tmp_path):
    article = Article(text="Ann said rain.", id="a1", title="Rain", url="https://x.example/1",
                      publisher="P", author="Q", published="2024-01-02", source_path="f.jsonl:3")
    statement = Statement(claim="rain", claim_start=9, claim_end=13, cue="said", cue_lemma="say",
                          cue_start=4, cue_end=8, speaker="Ann", speaker_text="Ann",
                          speaker_start=0, speaker_end=3, speaker_kind="person",
                          sentence="Ann said rain.", position=0, confidence=0.75)
    extracted = ExtractedArticle(article, [statement], None, "9.9")
    line = json.loads(json.dumps(article_line(extracted)))
    assert line["id"] == "a1" and line["statements"][0]["claim"] == "rain"
    back = from_line(line, "here")
    assert back.article == article and back.statements == [statement] and back.version == "9.9"
    failed = article_line(ExtractedArticle(article, [], "extraction failed: boom"))
    assert from_line(failed, "here") == Failure("f.jsonl:3", "extraction failed: boom")


def test_read_extracted_names_bad_lines(tmp_path):
    part = tmp_path / "part-000000.jsonl"
    part.write_text('{"id": "a", "statements": []}\n[1]\nnot json\n{"input": "x.txt", "error": "empty file"}\n')
    got = list(read_extracted([str(tmp_path)]))
    assert [g.input for g in got] == [f"{part}:1", f"{part}:2", f"{part}:3", "x.txt"]
    assert "no article id and text" in got[0].reason and got[3].reason == "empty file"
