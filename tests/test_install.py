"""A plain `pip install .` into a fresh venv, as anyone installing the package does: no extras,
the pip that `python -m venv` brings (23.2 on Python 3.11). Then every input kind is ingested and
the commands answer --help. Issue 14: a plain install once crashed on the first HTML file."""

import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow
FIXTURES = ROOT / "tests" / "fixtures"


def base_python() -> str:
    """The interpreter the project's venv was made from (a venv made from a venv is a plain one)."""
    return os.path.join(sys.base_prefix, "bin", "python3")


@pytest.fixture(scope="module")
def plain_venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("plain")
    venv = root / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True, env=env)
    # build from a copy of the tree: the wheel must carry everything (templates, models, metadata)
    src = root / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".venv", ".git", "*.db", "__pycache__", "build", "*.egg-info", ".pytest_cache"))
    out = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(src)],
                         capture_output=True, text=True, env=env, cwd=root)
    assert out.returncode == 0, out.stderr[-3000:]
    shutil.rmtree(src)  # nothing may be read from the source tree after the install
    return venv, env, root


def tracker(plain, *args):
    venv, env, root = plain
    return subprocess.run([str(venv / "bin" / "tracker"), *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=root)


def test_every_command_answers_help(plain_venv):
    top = tracker(plain_venv, "--help")
    assert top.returncode == 0, top.stderr
    commands = [line.split()[0] for line in top.stdout.split("Commands:")[1].splitlines()
                if line.strip()]
    assert "ingest" in commands and "extract" in commands
    for name in commands:
        out = tracker(plain_venv, name, "--help")
        assert out.returncode == 0 and "Example:" in out.stdout, (name, out.stderr)


def test_version_is_the_package_version(plain_venv):
    venv, env, _ = plain_venv
    meta = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import importlib.metadata as m; print(m.version('claim-tracker'))"],
                          capture_output=True, text=True, env=env)
    out = tracker(plain_venv, "--version")
    assert out.returncode == 0 and meta.stdout.strip() in out.stdout


def test_plain_install_ingests_every_input_kind(plain_venv, tmp_path):
    db = tmp_path / "plain.db"
    inputs = [ROOT / "seeds", FIXTURES / "page.html", FIXTURES / "titled.txt"]
    jsonl = tmp_path / "batch.jsonl"
    jsonl.write_text(json.dumps({"id": "p1", "text": "The mayor said the bridge would open in May."})
                     + "\n", encoding="utf-8")
    csv_file = tmp_path / "batch.csv"
    csv_file.write_text('id,text\nq1,"Officials said the port would close on Friday."\n',
                        encoding="utf-8")
    out = tracker(plain_venv, "ingest", db, *inputs, jsonl, csv_file, "--silent", "--workers", "1")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    conn = sqlite3.connect(db)
    sources = [r[0] for r in conn.execute("select source_path from articles")]
    assert len(sources) == 5
    assert any(s.endswith("page.html") for s in sources)
    assert any(s.endswith("batch.jsonl:1") or "batch.jsonl" in s for s in sources)
    assert any("batch.csv" in s for s in sources)
    html_id = next(r[0] for r in conn.execute("select id from articles where source_path like '%page.html'"))
    assert conn.execute("select count(*) from statements where article_id = ?", [html_id]).fetchone()[0]


def test_plain_install_extracts_from_stdin(plain_venv):
    venv, env, root = plain_venv
    out = subprocess.run([str(venv / "bin" / "tracker"), "extract", "-"], input=
                         '"We will rebuild the pier," Mayor Ann Lee said on Monday.\n',
                         capture_output=True, text=True, env=env, cwd=root)
    assert out.returncode == 0, out.stderr
    (line,) = out.stdout.splitlines()
    statements = json.loads(line)["statements"]
    assert statements[0]["claim"] == "We will rebuild the pier"
