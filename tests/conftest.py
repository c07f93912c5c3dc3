"""Shared fixtures: a real tracker database built by `tracker ingest`, and Datasette over it."""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import sqlite3

import pytest
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
def browse_db(tmp_path_factory) -> pathlib.Path:
    """news.db: ~1,300 statements with null and equal dates, and the claims tables (browse_data)."""
    from .browse_data import build_browse_db

    path = tmp_path_factory.mktemp("browse") / "news.db"
    build_browse_db(path)
    return path


@pytest.fixture
async def ds(seed_db):
    """Datasette over the seed database with the package's plugin and no metadata file."""
    from datasette.app import Datasette

    datasette = Datasette([str(seed_db)])
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
def server(command: list, env: dict | None = None):
    """A real Datasette process started by command (with its port as the last argument)."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    proc = subprocess.Popen(command + [str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
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


def datasette_server(db_path, *options, datasette=None, env=None):
    """`datasette serve db_path OPTIONS...` on 127.0.0.1 (the venv's datasette by default)."""
    return server([datasette or venv_script("datasette"), "serve", str(db_path), *map(str, options),
                   "-h", "127.0.0.1", "-p"], env=env)


@pytest.fixture(scope="session")
def datasette_url(seed_db):
    """The seed database served by a real Datasette process with the repo's metadata.yml."""
    with datasette_server(seed_db, "-m", ROOT / "metadata.yml") as url:
        yield url


# The browser tests: Debian's chromium driven by Playwright.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def need_browser():
    """Chromium and Playwright, or a skip that says how to run these (a failure under CI=true)."""
    missing = None
    if not os.path.exists(CHROMIUM):
        missing = "Debian's chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[test]')"
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"{missing}: the browser tests must run in CI")
    if missing:
        pytest.skip(f"{missing}; install it to run the browser tests (CI=true requires them)")


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for a module's browser tests (closed after it: Playwright's sync API
    keeps an event loop running, which the async tests of other modules must not meet)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screens(tmp_path_factory) -> pathlib.Path:
    """Where screenshots go: $TRACKER_SCREENSHOTS, else a temporary folder."""
    folder = os.environ.get("TRACKER_SCREENSHOTS")
    path = pathlib.Path(folder) if folder else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path
