"""Rows out as CSV, JSON or JSON lines, streamed so a large table never sits in memory."""

from __future__ import annotations

import csv
import json
import sqlite3
from typing import IO


def export_rows(cursor: sqlite3.Cursor, fmt: str, out: IO[str]) -> int:
    """Write a query's rows to out as 'csv', 'json' or 'jsonl'; returns how many."""
    columns = [d[0] for d in cursor.description or []]
    rows = (dict(zip(columns, row)) for row in cursor)
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "json":
        out.write("[")
        for row in rows:
            out.write((",\n" if count else "\n") + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    else:
        raise ValueError(f"Unknown format: {fmt}")
    return count
