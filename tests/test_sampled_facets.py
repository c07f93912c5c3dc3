"""Facet counts for big searches and broad filters: estimated from a sample past the threshold,
exact below it. A real `datasette` process over the browsing database, with a low threshold in
its metadata."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
import yaml

from tracker.datasette_plugin.sampled_facets import estimate
from tracker.datasette_plugin.search import fts_query

from .conftest import datasette_server

THRESHOLD, SAMPLE = 300, 300
BIG, SMALL = "the", "bridge"  # in ~1,180 and ~115 of the ~1,300 claims
# Filters: every statement of the browsing database has confidence 0.5 or more; ~635 are
# indirect; ~200 were carried by Coast Wire.
BROAD, INDIRECT, NARROW = "confidence__gte=0.5", "kind=indirect", "channel=Coast+Wire"


@pytest.fixture(scope="module")
def site(browse_db, tmp_path_factory):
    metadata = tmp_path_factory.mktemp("sampled") / "metadata.yml"
    metadata.write_text(yaml.safe_dump({"plugins": {"tracker": {
        "facet_sample_threshold": THRESHOLD, "facet_sample_size": SAMPLE}}}))
    with datasette_server(browse_db, "-m", metadata) as url:
        yield url


# The SQL of each filter above, for the exact counts.
WHERE = {BROAD: "confidence >= 0.5", INDIRECT: "kind = 'indirect'", NARROW: "channel = 'Coast Wire'"}


def exact_counts(db_path, word: str | None, column: str, where: str = "1") -> dict:
    search = ("rowid in (select rowid from statements_fts where statements_fts match ?)"
              if word else "1")
    conn = sqlite3.connect(db_path)
    try:
        return dict(conn.execute(
            f"select {column}, count(*) from statements where {search} and {where}"
            f" and {column} is not null group by {column}",
            [fts_query(word)] if word else []).fetchall())
    finally:
        conn.close()


def facets(site, word: str | None, extra: str = "") -> dict:
    query = f"_search={word}{extra}" if word else extra.lstrip("&")
    response = httpx.get(f"{site}/news/statements.json?{query}&_extra=facet_results")
    assert response.status_code == 200, response.text[:300]
    results = response.json()["facet_results"]
    return results.get("results", results)


def assert_close(facet: dict, exact: dict, at_least: int = 150, within: float = 0.35):
    """Every value seen at least `at_least` times is estimated within `within` of its count."""
    shown = {v["value"]: v["count"] for v in facet["results"]}
    assert shown and set(shown) <= set(exact)
    for value, count in exact.items():
        if count >= at_least:
            assert abs(shown[value] - count) <= within * count, (value, shown[value], count)


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


def test_a_big_search_with_a_broad_filter_counts_the_filtered_matches(site, browse_db):
    results = facets(site, BIG, f"&{BROAD}")
    kind = results["kind"]
    exact = exact_counts(browse_db, BIG, "kind", WHERE[BROAD])
    assert kind["estimated"] is True and kind["matches_estimated"] is False
    assert kind["search_matches"] == sum(exact.values())
    assert_close(kind, exact)


def test_a_broad_filter_has_estimated_counts_close_to_the_exact_ones(site, browse_db):
    results = facets(site, None, f"&{BROAD}")
    for column in ("kind", "channel", "source", "cue_lemma"):
        facet = results[column]
        assert facet["estimated"] is True and facet["sampled_search"] is False
        assert 0.7 * SAMPLE <= facet["sample_size"] <= 1.3 * SAMPLE
        assert facet["search_matches"] == sum(exact_counts(browse_db, None, "kind", WHERE[BROAD]).values())
        assert_close(facet, exact_counts(browse_db, None, column, WHERE[BROAD]))
    assert results == facets(site, None, f"&{BROAD}")  # the same sample on every reload


def test_a_filter_counts_its_own_rows_in_the_sample(site, browse_db):
    results = facets(site, None, f"&{INDIRECT}")
    indirect = sum(exact_counts(browse_db, None, "kind", WHERE[INDIRECT]).values())
    # every sampled row is indirect: the estimate is the page's count, to two figures
    assert [(v["value"], v["count"]) for v in results["kind"]["results"]] == \
        [("indirect", estimate(indirect, 1.0))]
    assert results["channel"]["estimated"] is True
    assert_close(results["source"], exact_counts(browse_db, None, "source", WHERE[INDIRECT]),
                 at_least=100, within=0.4)


def test_an_uncounted_filter_estimates_its_total_too(site, browse_db):
    # ?_nocount=1 stands for a count that timed out: the page's total comes from the sample.
    kind = facets(site, None, f"&{BROAD}&_nocount=1")["kind"]
    total = sum(exact_counts(browse_db, None, "kind", WHERE[BROAD]).values())
    assert kind["estimated"] is True and kind["matches_estimated"] is True
    assert abs(kind["search_matches"] - total) <= 0.1 * total
    assert_close(kind, exact_counts(browse_db, None, "kind", WHERE[BROAD]))


def test_a_narrow_filter_has_exact_counts(site, browse_db):
    results = facets(site, None, f"&{NARROW}")
    for column in ("kind", "speaker", "source"):
        assert "estimated" not in results[column]
        shown = {v["value"]: v["count"] for v in results[column]["results"]}
        exact = exact_counts(browse_db, None, column, WHERE[NARROW])
        assert shown == {value: exact[value] for value in shown}


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


def test_the_page_labels_estimated_counts(site, browse_db, browser, screens):
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

    page.goto(f"{site}/news/statements")  # unfiltered: exact
    assert page.locator(".facet-estimated-note").count() == 0
    page.locator("a.hide-low").click()  # ?confidence__gte=0.5 keeps every row: estimated
    page.wait_for_load_state()
    note = page.locator(".facet-estimated-note").inner_text()
    total = sum(exact_counts(browse_db, None, "kind", WHERE[BROAD]).values())
    assert f"the filters match {total:,} rows" in note and "sample" in note
    channel = page.locator(".facet-info[data-column=channel]")
    assert "estimated" in channel.locator(".facet-estimated-label").inner_text()
    page.screenshot(path=str(screens / "facets-estimated-filter.png"), full_page=False)
    channel.get_by_role("link", name="Coast Wire", exact=True).click()
    page.wait_for_load_state()
    cells = page.locator("td.col-channel")
    assert cells.count() and {cells.nth(i).inner_text() for i in range(cells.count())} == {"Coast Wire"}
    assert "confidence__gte=0.5" in page.url
    assert page.locator(".facet-estimated-note").count() == 0  # ~200 rows: counted exactly
    page.close()
