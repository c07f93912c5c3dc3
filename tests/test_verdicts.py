"""Recording a verdict from the browser: a signed-in reviewer writes one reviews row; nobody else
writes anything. Real `datasette` and `tracker serve` processes, headless Chromium, the SQLite file."""

from __future__ import annotations

import os
import pathlib
import re
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest
import yaml

from .conftest import SEEDS, datasette_server, free_port, run

SECRET = "verdict-tests-secret"
REVIEWERS = ["alice"]
HARBOUR = """Harbour bridge costs questioned

The mayor of Port Ellery, Dana Whitcombe, said on Monday that the new harbour bridge will cost
twelve million euros less than planned. "We have saved every cent we promised to save,"
Whitcombe told reporters.

The city auditor, Felix Amari, disputed that figure. Amari said the bridge budget had doubled
since 2021.
"""


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> pathlib.Path:
    """review.db: the seed article and one written here, ingested (claims grouped at ingest)."""
    folder = tmp_path_factory.mktemp("verdicts")
    (folder / "articles").mkdir()
    (folder / "articles" / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    path = folder / "review.db"
    result = run("ingest", path, SEEDS, folder / "articles", "--silent", "--workers", "1")
    assert result.exit_code == 0, result.output
    return path


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def statement(db_path, claim_like: str) -> dict:
    (row,) = rows(db_path, "select id, claim_id from statements where claim like ?",
                  [f"%{claim_like}%"])
    return row


def reviews(db_path) -> list[dict]:
    return rows(db_path, "select * from reviews order by created_at, id")


@pytest.fixture(scope="module")
def site(db_path, tmp_path_factory):
    """`datasette serve` with a metadata file naming alice the only reviewer (not even root)."""
    metadata = tmp_path_factory.mktemp("meta") / "metadata.yml"
    metadata.write_text(yaml.safe_dump({"plugins": {"tracker": {"reviewers": {"id": REVIEWERS}}}}))
    env = {**os.environ, "DATASETTE_SECRET": SECRET}
    with datasette_server(db_path, "-m", metadata, env=env) as url:
        yield url


def actor_cookie(actor_id: str) -> str:
    """The ds_actor cookie Datasette sets when actor_id signs in (same secret as the server)."""
    from datasette.app import Datasette

    return Datasette([], secret=SECRET).sign({"a": {"id": actor_id}}, "actor")


def page_as(browser, url: str, actor_id: str | None):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    if actor_id:
        context.add_cookies([{"name": "ds_actor", "value": actor_cookie(actor_id), "url": url}])
    return context.new_page()


def csrf_session(url: str, path: str, actor_id: str | None = None) -> tuple[httpx.Client, str]:
    """A client holding the csrftoken cookie of a page, and the token its form carries."""
    client = httpx.Client(base_url=url)
    if actor_id:
        client.cookies.set("ds_actor", actor_cookie(actor_id))
    html = client.get(path).text
    token = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert token, f"{path} has no csrftoken"
    return client, token.group(1)


def verdict_form(**fields) -> dict:
    return {"rating": "Mostly false", "url": "https://checks.example/forged",
            "explanation": "forged", **fields}


def test_reviewer_records_a_verdict_from_the_statement_page(browser, site, db_path, screens):
    target = statement(db_path, "harbour bridge will cost")
    before = len(reviews(db_path))
    page = page_as(browser, site, "alice")
    page.goto(f"{site}/review/statements/{target['id']}")
    form = page.locator("form.tracker-verdict-form")
    assert form.count() == 1
    page.fill("#verdict-rating", "Misleading")
    page.fill("#verdict-url", "https://checks.example/harbour-bridge")
    page.fill("#verdict-explanation", "The saving counts a grant that was <b>never</b> approved.")
    page.screenshot(path=str(screens / "verdict-form-signed-in.png"), full_page=True)
    with page.expect_navigation():
        page.click("form.tracker-verdict-form input[type=submit]")
    assert page.url.endswith(f"/review/statements/{target['id']}")
    assert "Verdict recorded on this statement: Misleading" in page.inner_text(".message-info")
    page.screenshot(path=str(screens / "verdict-recorded.png"), full_page=True)
    assert "<b>never</b>" in page.inner_text("body")  # the explanation shows as text

    after = reviews(db_path)
    assert len(after) == before + 1
    (row,) = [r for r in after if r["url"] == "https://checks.example/harbour-bridge"]
    assert row["statement_id"] == target["id"] and row["claim_id"] == target["claim_id"]
    assert row["rating"] == "Misleading" and row["author"] == "alice" and row["origin"] == "manual"
    assert row["explanation"] == "The saving counts a grant that was <b>never</b> approved."
    (claim,) = rows(db_path, "select review_count, latest_rating from claims where id = ?",
                    [target["claim_id"]])
    assert claim == {"review_count": 1, "latest_rating": "Misleading"}
    page.context.close()


def test_reviewer_records_a_verdict_on_a_whole_claim(browser, site, db_path):
    target = statement(db_path, "budget had doubled")
    page = page_as(browser, site, "alice")
    page.goto(f"{site}/review/claims/{target['claim_id']}")
    page.fill("#verdict-rating", "True")
    page.fill("#verdict-url", "https://checks.example/bridge-budget")
    with page.expect_navigation():
        page.click("form.tracker-verdict-form input[type=submit]")
    assert "Verdict recorded on this claim: True" in page.inner_text(".message-info")
    (row,) = [r for r in reviews(db_path) if r["url"] == "https://checks.example/bridge-budget"]
    assert row["claim_id"] == target["claim_id"] and row["statement_id"] is None
    page.context.close()


def test_anonymous_visitor_sees_no_form_and_a_forged_post_writes_nothing(browser, site, db_path):
    target = statement(db_path, "saved every cent")
    page = page_as(browser, site, None)
    for path in (f"/review/statements/{target['id']}", f"/review/claims/{target['claim_id']}"):
        response = page.goto(site + path)
        assert response.status == 200
        assert page.locator("form.tracker-verdict-form").count() == 0
        assert "Record a verdict" not in page.content()
    page.context.close()
    before = reviews(db_path)
    action = f"{site}/review/-/tracker-verdict"
    # No cookie at all (CSRF does not apply): the permission refuses.
    response = httpx.post(action, data=verdict_form(statement_id=target["id"]))
    assert response.status_code == 403
    # A valid CSRF token and cookie (from a page anyone may open), but nobody signed in.
    client, token = csrf_session(site, "/-/messages")
    response = client.post(action, data=verdict_form(statement_id=target["id"], csrftoken=token))
    assert response.status_code == 403
    # The reviewer's own cookie sent by another site's form: no CSRF token.
    forged = httpx.post(action, data=verdict_form(statement_id=target["id"]),
                        cookies={"ds_actor": actor_cookie("alice")})
    assert forged.status_code == 403
    assert "did not match cookie" in forged.text  # refused by asgi-csrf, before the view
    # ... or with a token that is not the cookie's.
    forged = httpx.post(action, data=verdict_form(statement_id=target["id"], csrftoken=token),
                        cookies={"ds_actor": actor_cookie("alice"), "ds_csrftoken": "x" + token})
    assert forged.status_code == 403
    assert reviews(db_path) == before


def test_signed_in_non_reviewer_is_refused(browser, site, db_path):
    target = statement(db_path, "saved every cent")
    page = page_as(browser, site, "bob")
    page.goto(f"{site}/review/statements/{target['id']}")
    assert "bob" in page.inner_text("header")  # signed in ...
    assert page.locator("form.tracker-verdict-form").count() == 0  # ... but not a reviewer
    page.context.close()
    before = reviews(db_path)
    client, token = csrf_session(site, f"/review/statements/{target['id']}", "bob")
    response = client.post("/review/-/tracker-verdict",
                           data=verdict_form(statement_id=target["id"], csrftoken=token))
    assert response.status_code == 403
    assert reviews(db_path) == before


def test_a_bad_verdict_is_one_line_on_the_page_and_writes_nothing(site, db_path):
    target = statement(db_path, "saved every cent")
    before = reviews(db_path)
    client, token = csrf_session(site, f"/review/statements/{target['id']}", "alice")
    response = client.post("/review/-/tracker-verdict", data=verdict_form(
        statement_id=target["id"], url="javascript:alert(1)", csrftoken=token))
    assert response.status_code == 302
    page = client.get(response.headers["location"]).text
    assert "Verdict not recorded: not an http(s) URL: &#39;javascript:alert(1)&#39;" in page
    response = client.post("/review/-/tracker-verdict", data=verdict_form(
        statement_id="no-such-id", back="https://elsewhere.example/", csrftoken=token))
    assert response.headers["location"] == "/review"  # never sent off-site
    assert reviews(db_path) == before


def test_the_database_stays_read_only_to_sql(site, db_path):
    before = reviews(db_path)
    cookies = {"ds_actor": actor_cookie("alice")}
    for sql in ["insert into reviews (id, claim_id, rating, url) values ('x', 'y', 'False', 'https://a.example')",
                "delete from reviews", "update claims set latest_rating = 'True'"]:
        response = httpx.get(f"{site}/review.json", params={"sql": sql}, cookies=cookies)
        assert response.status_code == 400, sql
    assert reviews(db_path) == before


def test_tracker_serve_root_prints_the_sign_in_url(browser, db_path):
    target = statement(db_path, "bridge budget had doubled")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "serve", str(db_path), "--port",
                             str(port), "--root"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline().strip()
        assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/-/auth-token\?token=\w+", line), line
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/-/versions.json")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        page = page_as(browser, line, None)
        page.goto(line)  # signs in as root
        page.goto(f"http://127.0.0.1:{port}/review/statements/{target['id']}")
        page.fill("#verdict-rating", "Accurate")
        page.fill("#verdict-url", "https://checks.example/budget-doubled")
        with page.expect_navigation():
            page.click("form.tracker-verdict-form input[type=submit]")
        assert "Verdict recorded" in page.inner_text(".message-info")
        page.context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    (row,) = [r for r in reviews(db_path) if r["url"] == "https://checks.example/budget-doubled"]
    assert row["author"] == "root" and row["statement_id"] == target["id"]
