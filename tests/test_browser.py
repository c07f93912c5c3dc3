"""What a person sees: the Datasette pages in a real headless Chromium."""

import pytest


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    yield page
    page.close()


def test_statements_page_shows_facets_and_search(page, datasette_url, tmp_path):
    page.goto(f"{datasette_url}/tracker/statements")
    facets = page.locator(".facet-info")
    names = [facets.nth(i).get_attribute("data-column") for i in range(facets.count())]
    assert {"speaker", "kind", "cue_lemma", "source", "channel"} <= set(names)
    assert page.locator(".facet-info[data-column=speaker]").inner_text().count("Antonio Guterres")
    page.fill("input#_search", "Xinjiang")
    page.locator("input#_search").press("Enter")
    page.wait_for_load_state()
    cells = page.locator("td.col-claim")
    assert cells.count() >= 1
    assert all("xinjiang" in cells.nth(i).inner_text().lower() for i in range(cells.count()))
    page.screenshot(path=str(tmp_path / "statements.png"), full_page=True)


def test_speaker_page_lists_statements(page, datasette_url):
    page.goto(f"{datasette_url}/tracker/speakers?name=Antonio+Guterres")
    page.locator("td.col-id a").first.click()
    page.wait_for_load_state()
    rows = page.locator("table.speakers-statements tbody tr")
    assert rows.count() >= 2
    assert "Antonio Guterres" in page.content()


def test_canned_query_form(page, datasette_url):
    page.goto(f"{datasette_url}/tracker/search_claims?q=Olympics")
    assert page.locator("h1").inner_text().strip() == "Search claims"
    assert page.locator("table.rows-and-columns tbody tr").count() >= 1


@pytest.mark.parametrize("typed", ["", '"', "NEAR(", "* -", "Xinjiang AND"])
def test_whatever_is_typed_in_the_search_box_gives_a_page(page, datasette_url, typed):
    page.goto(f"{datasette_url}/tracker/statements")
    page.fill("input#_search", typed)
    with page.expect_navigation() as navigation:
        page.locator("input#_search").press("Enter")
    assert navigation.value.status == 200
    assert page.locator("table.rows-and-columns").count() or "0 rows" in page.content()


def test_ranked_search_marks_the_matched_words(page, datasette_url):
    page.goto(f"{datasette_url}/tracker/statements?_search=Xinjiang&_sort=rank")
    assert page.url.endswith("/tracker/search_claims?q=Xinjiang")
    marks = page.locator("td.col-claim mark")
    assert marks.count() >= 1
    assert {marks.nth(i).inner_text().lower() for i in range(marks.count())} == {"xinjiang"}
