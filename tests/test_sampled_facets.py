"""Facet counts for big searches: estimated from a sample past the threshold, exact below it.
A real `datasette` process over the browsing database, with a low threshold in its metadata."""

from __future__ import annotations

import os
import pathlib
import sqlite3

import httpx
import pytest
import yaml

from tracker.datasette_plugin.sampled_facets import estimate
from tracker.datasette_plugin.search import fts_query

from .conftest import datasette_server
from .test_verdicts import CHROMIUM, needs_chromium

THRESHOLD, SAMPLE = 300, 300
BIG, SMALL = "the", "bridge"  # in ~1,180 and ~115 of the ~1,300 claims


@pytest.fixture(scope="module")
def site(browse_db, tmp_path_factory):
    metadata = tmp_path_factory.mktemp("sampled") / "metadata.yml"
    metadata.write_text(yaml.safe_dump({"plugins": {"tracker": {
        "facet_sample_threshold": THRESHOLD, "facet_sample_size": SAMPLE}}}))
    with datasette_server(browse_db, "-m", metadata) as url:
        yield url


def exact_counts(db_path, word: str, column: str) -> dict:
    conn = sqlite3.connect(db_path)
    try:
        return dict(conn.execute(
            f"select {column}, count(*) from statements where rowid in (select rowid from"
            f" statements_fts where statements_fts match ?) and {column} is not null"
            f" group by {column}", [fts_query(word)]).fetchall())
    finally:
        conn.close()


def facets(site, word: str, extra: str = "") -> dict:
    response = httpx.get(f"{site}/news/statements.json?_search={word}{extra}"
                         "&_extra=facet_results")
    assert response.status_code == 200, response.text[:300]
    results = response.json()["facet_results"]
    return results.get("results", results)


def test_a_big_search_has_estimated_counts_close_to_the_exact_ones(site, browse_db):
    results = facets(site, BIG)
    assert {"speaker", "kind", "cue_lemma", "channel"} <= set(results)
    kind = results["kind"]
    assert kind["estimated"] is True
    assert kind["search_matches"] == sum(exact_counts(browse_db, BIG, "kind").values())
    assert 0.7 * SAMPLE <= kind["sample_size"] <= 1.3 * SAMPLE
    exact = exact_counts(browse_db, BIG, "kind")
    for value in kind["results"]:
        assert value["sample_count"] < value["count"]
        if exact[value["value"]] >= 150:
            assert abs(value["count"] - exact[value["value"]]) <= 0.35 * exact[value["value"]]


def test_a_big_search_with_a_filter_estimates_within_the_filter(site, browse_db):
    results = facets(site, BIG, "&kind=direct")
    assert [v["value"] for v in results["kind"]["results"]] == ["direct"]
    assert results["kind"]["estimated"] is True


def test_a_small_search_has_exact_counts(site, browse_db):
    results = facets(site, SMALL)
    for column in ("kind", "speaker", "channel"):
        assert "estimated" not in results[column]
        shown = {v["value"]: v["count"] for v in results[column]["results"]}
        exact = exact_counts(browse_db, SMALL, column)
        assert shown == {value: exact[value] for value in shown}


def test_no_search_has_exact_counts(site):
    response = httpx.get(f"{site}/news/statements.json?_extra=facet_results")
    results = response.json()["facet_results"]
    assert not any("estimated" in f for f in results.get("results", results).values())


def test_estimates_round_to_two_figures():
    assert [estimate(3, 10.0), estimate(1, 0.2), estimate(123, 41.7)] == \
        [30, 1, 5100]


def test_the_page_labels_estimated_counts(site, browse_db, tmp_path_factory):
    needs_chromium()
    from playwright.sync_api import sync_playwright

    folder = os.environ.get("TRACKER_SCREENSHOTS")
    screens = pathlib.Path(folder) if folder else tmp_path_factory.mktemp("screens")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(f"{site}/news/statements?_search={BIG}")
        note = page.locator(".facet-estimated-note").inner_text()
        matches = sum(exact_counts(browse_db, BIG, "kind").values())
        assert f"matches {matches:,} rows" in note and "sample" in note
        kind = page.locator(".facet-info[data-column=kind]")
        assert "estimated" in kind.locator(".facet-estimated-label").inner_text()
        assert kind.locator(".facet-count-estimated").first.inner_text().startswith("≈")
        page.screenshot(path=str(screens / "facets-estimated.png"), full_page=False)
        kind.get_by_role("link", name="direct", exact=True).click()  # a value still filters the rows
        page.wait_for_load_state()
        cells = page.locator("td.col-kind")
        assert cells.count() and {cells.nth(i).inner_text() for i in range(cells.count())} == {"direct"}

        page.goto(f"{site}/news/statements?_search={SMALL}")
        assert page.locator(".facet-estimated-note").count() == 0
        assert page.locator(".facet-count-estimated").count() == 0
        assert page.locator(".facet-info[data-column=kind] .facet-count").count() >= 2
        page.screenshot(path=str(screens / "facets-exact.png"), full_page=False)
        browser.close()
