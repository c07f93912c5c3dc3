"""A 50 MB text file is ingested in bounded memory, not rejected by spaCy's max_length."""

import random
import sqlite3
import string
import subprocess
import sys

import pytest

PROSE = "The mayor said the new bridge would open in May. “We are ready,” she told reporters.\n\n"
MEASURE = """
import resource, sys
from tracker.cli import cli
try:
    cli(sys.argv[1:], standalone_mode=False)
finally:
    print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def write_big_file(path, size=50_000_000):
    """Prose at the start, middle and end; in between, lines of long machine-made tokens
    (a data dump pasted into an article), which keeps the parse affordable in a test."""
    rng = random.Random(7)
    token = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(499))
    filler = (token + " ") * 20 + "\n\n"
    n = -(-size // len(filler))  # rounded up: at least size bytes
    with open(path, "w", encoding="utf-8") as f:
        f.write(PROSE)
        f.write(filler * (n // 2))
        f.write(PROSE)
        f.write(filler * (n - n // 2))
        f.write(PROSE)


@pytest.mark.slow
def test_fifty_megabyte_text_file(tmp_path):
    big = tmp_path / "big.txt"
    write_big_file(big)
    assert big.stat().st_size >= 50_000_000
    db = tmp_path / "t.db"
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, "ingest", str(db), str(big), "--silent", "--workers", "1"],
        capture_output=True, text=True, timeout=900,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    maxrss_mb = int(out.stderr.rsplit("maxrss_kb", 1)[1].split()[0]) / 1024
    # spaCy and its model take ~250 MB; the text may be held a few times over, no more.
    assert maxrss_mb < 1200, f"peak memory {maxrss_mb:.0f} MB"
    conn = sqlite3.connect(db)
    text = conn.execute("select text from articles").fetchone()[0]
    assert text == big.read_text(encoding="utf-8")
    rows = conn.execute("select claim, claim_start, claim_end from statements").fetchall()
    for claim, start, end in rows:
        assert text[start:end] == claim
    bridge = sorted(start for claim, start, _ in rows if claim == "the new bridge would open in May")
    assert len(bridge) == 3 and bridge[-1] > 49_000_000
