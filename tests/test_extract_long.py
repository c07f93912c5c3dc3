"""Long articles: memory stays bounded in the length of the text (benchmarks/long_article.py
measures time and memory at 1, 2 and 3 MB; benchmarks/prose.py writes the prose)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.extract.quotes import find_quotes
from tracker.extract.spans import Spans

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from prose import prose  # noqa: E402

EXTRACT = """
import json, sys
from tracker.models import Article
from tracker.pipeline import extract_articles
text = open(sys.argv[1], encoding="utf-8").read()
[done] = list(extract_articles([Article(text=text, id="long")], workers=1))
bad = [s for s in done.statements if text[s.claim_start:s.claim_end] != s.claim
       or s.speaker_text is not None and text[s.speaker_start:s.speaker_end] != s.speaker_text]
print(json.dumps({"statements": len(done.statements), "error": done.error, "bad": len(bad),
                  "quoted": sum(s.kind == "direct" for s in done.statements)}))
"""


# The extraction runs in a grandchild: a child forked from this (large) test process starts with
# its memory counted, so a small launcher starts the extraction and reads its peak RSS.
LAUNCH = """
import json, os, subprocess, sys
p = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE)
out = p.stdout.read()
_, status, usage = os.wait4(p.pid, 0)
print(json.dumps({"status": os.waitstatus_to_exitcode(status), "out": out.decode(), "peak_kb": usage.ru_maxrss}))
"""


@pytest.mark.slow
def test_two_megabytes_of_prose_are_extracted_in_under_a_gigabyte(tmp_path):
    text = prose(2_000_000)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", LAUNCH, EXTRACT, str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    launched = json.loads(run.stdout)
    assert launched["status"] == 0, run.stderr
    result = json.loads(launched["out"].strip().splitlines()[-1])
    assert result["error"] is None and result["bad"] == 0
    # about one statement per 120 characters of this prose, a third of them quotations
    assert result["statements"] > len(text) / 200 and result["quoted"] > result["statements"] / 5
    peak_mb = launched["peak_kb"] / 1024  # kilobytes on Linux
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"


def test_spans_look_quotations_up_by_offset():
    text = 'He said "one two" and then \'three\' and "four five six" too.'
    quotes = Spans(find_quotes(text))
    one, three, four = quotes
    assert quotes.at(text.index("two")) is one and quotes.at(text.index("and")) is None
    assert quotes.starting_at(one.start) is one and quotes.starting_at(one.start + 1) is None
    assert quotes.last_starting_before(three.start) is one
    assert quotes.overlapping(one.end - 1, four.start + 1) == [one, three, four]
    assert quotes.overlapping(one.end, four.start) == [three]
    assert quotes.starting_in(0, four.start) == [one, three]
    assert quotes.ending_in(one.end, three.end) == [one, three]
    assert quotes.any_overlapping(one.end, three.start) is False
    assert quotes.holding(one.start, one.end + 1) is one and quotes.holding(one.start, one.end + 2) is None
