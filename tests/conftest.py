"""Shared fixtures: a real tracker database built by `tracker ingest`, and Datasette over it."""

from __future__ import annotations

import contextlib
import pathlib
import sqlite3

import pytest
import yaml
from click.testing import CliRunner

from tracker.cli import cli

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_ARTICLE = SEEDS / "un-guterres-china-xinjiang.txt"


def run(*args, input=None):
    """Invoke the tracker CLI in-process and return click's result."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def snapshot(db_path) -> dict:
    """Every row of the content tables (and the FTS index), to compare databases."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        out = {}
        for table in ("articles", "statements", "speakers", "statements_fts", "articles_fts"):
            if table in tables:
                rows = conn.execute(f"select * from [{table}] order by 1").fetchall()
                cols = [d[0] for d in conn.execute(f"select * from [{table}] limit 0").description]
                out[table] = [
                    {c: v for c, v in zip(cols, row) if c != "ingested_at"} for row in rows
                ]
        return out
    finally:
        conn.close()


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> pathlib.Path:
    """tracker.db built from seeds/ by the ingest command."""
    path = tmp_path_factory.mktemp("seed") / "tracker.db"
    result = run("ingest", path, SEEDS, "--silent", "--workers", "1")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def metadata() -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text())


@pytest.fixture
async def ds(seed_db, metadata):
    """Datasette over the seed database with the repo's metadata.yml and plugin."""
    from datasette.app import Datasette

    datasette = Datasette([str(seed_db)], metadata=metadata)
    await datasette.invoke_startup()
    return datasette


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def venv_script(name: str) -> str:
    """A console script installed beside the running Python (the project's venv)."""
    import sys

    return str(pathlib.Path(sys.executable).parent / name)


@contextlib.contextmanager
def datasette_server(db_path):
    """A real `datasette` process on 127.0.0.1 serving db_path with the repo's metadata.yml."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    proc = subprocess.Popen(
        [venv_script("datasette"), "serve", str(db_path), "-m", str(ROOT / "metadata.yml"),
         "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode())
                time.sleep(0.1)
        else:
            raise RuntimeError("datasette did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def datasette_url(seed_db):
    """The seed database served by a real Datasette process."""
    with datasette_server(seed_db) as url:
        yield url
