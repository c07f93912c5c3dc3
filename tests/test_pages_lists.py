"""The list pages in a real Chromium against a real `datasette` process: the database's home page,
the statements table at 1280 px, facets, canned queries, low-confidence statements, the CSV.

Screenscreens go to $TRACKER_SCREENSHOTS (else the test's tmp folder).
"""

from __future__ import annotations

import csv
import io
import pathlib
import sqlite3
import urllib.parse

import httpx
import pytest

from tracker.datasette_plugin.config import PACKAGE_METADATA
from tracker.datasette_plugin.serve import setting_flags

from .conftest import datasette_server

LIST_COLUMNS = PACKAGE_METADATA["database"]["tables"]["statements"]["list_columns"]
LONG_CLAIM = ("the harbour tunnel, which the council first promised in the spring of the year "
              "the old ferry stopped running, will take eleven more years to finish and will "
              "cost every household in the northern districts far more than the council has "
              "ever admitted in public meetings")
HOSTILE_TITLE = '<script>alert("title")</script> Harbour "><img src=x onerror=alert(1)>'
HOSTILE_CLAIM = 'the fund <script>alert("claim")</script> is empty "><img src=x onerror=alert(2)>'
LOW = 0.3


@pytest.fixture(scope="module")
def lists_db(browse_db, tmp_path_factory) -> pathlib.Path:
    """news.db from the browsing tests, plus low-confidence, long and hostile rows."""
    path = tmp_path_factory.mktemp("lists") / "news.db"
    source = sqlite3.connect(browse_db)
    conn = sqlite3.connect(path)
    source.backup(conn)
    source.close()
    newest = [r[0] for r in conn.execute("select id from statements order by sort_key desc limit 6")]
    conn.execute("update statements set confidence = ? where id in (?, ?, ?)", [LOW, *newest[:3]])
    conn.execute("update statements set claim = ? where id = ?", [LONG_CLAIM, newest[3]])
    conn.execute("update statements set claim = ? where id = ?", [HOSTILE_CLAIM, newest[4]])
    article = conn.execute("select article_id from statements where id = ?", [newest[5]]).fetchone()[0]
    conn.execute("update articles set title = ?, url = 'javascript:alert(3)' where id = ?",
                 [HOSTILE_TITLE, article])
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def site(lists_db):
    """The documented command: `datasette news.db` with the fast settings (no metadata file)."""
    with datasette_server(lists_db, *setting_flags()) as url:
        yield url + "/news"


@pytest.fixture
def page(browser):
    """A 1280 px wide page that fails the test if any script opens a dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert dialogs == [], "a script from an article ran"


def query(db, sql, *args):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def row_id_of(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlparse(url).path.rsplit("/", 1)[-1])


def no_script_links(page):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]


# --- The home page ------------------------------------------------------------------------

def test_home_page_counts_and_lists_link_to_their_rows(page, site, lists_db, screens):
    page.goto(site)
    page.screenshot(path=str(screens / "home.png"), full_page=True)
    for table, label in [("articles", "articles"), ("statements", "statements"),
                         ("speakers", "speakers"), ("claims", "claims"), ("reviews", "reviews"),
                         ("fact_checks", "fact-checks")]:
        (count,), = query(lists_db, f"select count(*) from {table}")
        assert page.locator(f".home-counts .count-{table}").inner_text().split() == [
            f"{count:,}", label]
    newest = [r[0] for r in query(lists_db, "select id from statements order by sort_key desc limit 10")]
    links = page.locator("#home-newest_statements a.row-link")
    assert [row_id_of(links.nth(i).get_attribute("href")) for i in range(links.count())] == newest
    assert page.locator("#home-newest_statements .low-confidence").count() == 3
    assert "<script>" in page.locator("#home-newest_statements").inner_text()  # shown as text
    top = query(lists_db, "select id, name from speakers order by statement_count desc limit 1")[0]
    speakers = page.locator("#home-top_speakers a.row-link")
    assert speakers.first.inner_text() == top[1]
    unreviewed = query(lists_db, "select id from claims where review_count = 0 and statement_count > 0"
                                 " order by article_count desc, statement_count desc limit 1")[0][0]
    assert row_id_of(page.locator("#home-unreviewed_claims a.row-link").first.get_attribute("href")) == unreviewed
    assert page.locator("#home-repeated_claims a.row-link").count() >= 1
    # Datasette's list of tables stays, folded
    assert page.locator("details.home-tables").get_attribute("open") is None
    assert page.locator("details.home-tables h3 a", has_text="statements").count() == 1
    no_script_links(page)

    speakers.first.click()
    page.wait_for_load_state()
    assert row_id_of(page.url) == top[0] and top[1] in page.content()
    page.go_back()
    links.first.click()
    page.wait_for_load_state()
    assert row_id_of(page.url) == newest[0]
    assert page.locator("h1").count() and newest[0] in page.content()


# --- The statements table -----------------------------------------------------------------

def test_statements_table_fits_1280_px_with_titles_and_cut_claims(page, site, lists_db, screens):
    page.goto(site + "/statements")
    page.evaluate("document.querySelector('.list-toolbar').scrollIntoView()")
    page.screenshot(path=str(screens / "statements.png"))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    assert page.evaluate("document.querySelector('table.rows-and-columns').scrollWidth") <= 1280
    headers = page.locator("table.rows-and-columns th")
    assert [headers.nth(i).get_attribute("data-column") for i in range(headers.count())] == LIST_COLUMNS
    articles = page.locator("td.col-article_id")
    texts = [articles.nth(i).inner_text().strip() for i in range(articles.count())]
    assert texts and "None" not in texts and all(texts)
    # the long claim is cut here and whole on its page
    cell = page.locator("td.col-claim", has_text=LONG_CLAIM[:60])
    shown = cell.inner_text().strip()
    assert shown.endswith("\u2026") and len(shown) <= 201 and LONG_CLAIM not in shown
    cell.locator("a").click()
    page.wait_for_load_state()
    assert LONG_CLAIM in page.locator("body").inner_text()
    no_script_links(page)


def test_an_untitled_article_shows_its_file_name(page, site, lists_db):
    article, source = query(lists_db, "select id, source_path from articles where title is null "
                                      "and statement_count > 0 limit 1")[0]
    page.goto(f"{site}/statements?article_id={urllib.parse.quote(article)}")
    cells = page.locator("td.col-article_id")
    assert cells.count() >= 1
    assert {cells.nth(i).inner_text().strip() for i in range(cells.count())} == {source.split("/")[-1]}
    cells.first.locator("a").click()
    page.wait_for_load_state()
    assert row_id_of(page.url) == article


def test_every_column_is_one_click_away(page, site):
    page.goto(site + "/statements")
    page.locator(".list-toolbar a", has_text="columns").click()
    page.wait_for_load_state()
    assert page.locator("table.rows-and-columns th").count() > len(LIST_COLUMNS)
    assert page.locator("td.col-sentence").count() >= 1


def test_clicking_a_facet_value_filters_the_rows(page, site, lists_db, screens):
    page.goto(site + "/statements")
    page.locator(".facet-info[data-column=kind]").get_by_role("link", name="direct", exact=True).click()
    page.wait_for_load_state()
    assert "kind=direct" in page.url
    page.screenshot(path=str(screens / "statements-kind-direct.png"))
    kinds = page.locator("td.col-kind")
    assert kinds.count() >= 1
    assert {kinds.nth(i).inner_text().strip() for i in range(kinds.count())} == {"direct"}
    (count,), = query(lists_db, "select count(*) from statements where kind = 'direct'")
    assert f"{count:,} rows" in page.locator("h3").first.inner_text()


# --- Confidence ---------------------------------------------------------------------------

def test_low_confidence_rows_are_marked_and_a_link_hides_them(page, site, lists_db, screens):
    page.goto(site + "/statements")
    low = [r[0] for r in query(lists_db, "select id from statements where confidence < 0.5")]
    tags = page.locator("td.col-claim .low-confidence")
    assert tags.count() == len(low) == 3
    tagged = [row_id_of(page.locator("td.col-claim:has(.low-confidence) a").nth(i).get_attribute("href"))
              for i in range(3)]
    assert sorted(tagged) == sorted(low)
    page.locator("a.hide-low").click()
    page.wait_for_load_state()
    assert "confidence__gte=0.5" in page.url
    page.evaluate("document.querySelector('.list-toolbar').scrollIntoView()")
    page.screenshot(path=str(screens / "statements-hide-low.png"))
    assert page.locator(".low-confidence").count() == 0
    (kept,), = query(lists_db, "select count(*) from statements where confidence >= 0.5")
    assert f"{kept:,} rows" in page.locator("h3").first.inner_text()
    page.locator("a.show-low").click()
    page.wait_for_load_state()
    assert "confidence" not in page.url


# --- Canned queries -----------------------------------------------------------------------

def test_a_canned_query_links_its_rows_labels_its_input_and_folds_its_sql(page, site, screens):
    page.goto(site + "/search_claims?q=harbour")
    page.screenshot(path=str(screens / "search_claims.png"))
    assert page.title() == "Search claims"
    field = page.locator("input[name=q]")
    label = page.locator(f"label[for={field.get_attribute('id')}]").inner_text()
    assert label == "Words to search for"
    assert page.locator("details.query-sql").get_attribute("open") is None
    assert not page.locator("details.query-sql pre").is_visible()
    assert page.locator("td.col-claim mark").count() >= 1
    first = page.locator("td.col-claim a").first
    claim = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert "/news/statements/" in page.url
    assert claim in page.locator("body").inner_text()
    no_script_links(page)


def test_every_canned_query_page_has_its_title_and_no_raw_ids(page, site, screens):
    for name in ("top_speakers", "unreviewed_claims", "speaker_statements"):
        page.goto(f"{site}/{name}")
        assert page.title() == PACKAGE_METADATA["database"]["queries"][name]["title"]
        page.screenshot(path=str(screens / f"query-{name}.png"))
    page.goto(f"{site}/top_speakers")
    headers = page.locator("table.rows-and-columns th")
    assert "id" not in [headers.nth(i).inner_text() for i in range(headers.count())]
    page.locator("td.col-name a").first.click()
    page.wait_for_load_state()
    assert "/news/speakers/" in page.url


def test_hostile_article_text_stays_text(page, site, screens):
    for path in ("", "/statements", "/articles", "/search_claims?q=fund",
                 "/search_articles?q=harbour"):
        page.goto(site + path)
        no_script_links(page)
    page.goto(site + "/articles")
    page.screenshot(path=str(screens / "articles.png"))
    page.goto(site + "/articles?title__startswith=%3Cscript")
    assert HOSTILE_TITLE in page.locator("td.col-title").inner_text()


# --- Exports keep every column and row ----------------------------------------------------

def test_the_statements_csv_has_every_column_and_every_row_once(page, site, lists_db):
    page.goto(site + "/statements")
    href = page.locator(".export-links a", has_text="CSV").first.get_attribute("href")
    assert "_col" not in href
    url = urllib.parse.urljoin(page.url, href)
    text = httpx.get(url + ("&" if "?" in url else "?") + "_stream=on", timeout=60).text
    rows = list(csv.reader(io.StringIO(text)))
    conn = sqlite3.connect(lists_db)
    columns = [d[0] for d in conn.execute("select * from statements limit 0").description]
    ids = [r[0] for r in conn.execute("select id from statements")]
    conn.close()
    # every column, in order (the page's CSV link adds the labels of foreign keys beside them)
    assert [c for c in rows[0] if not c.endswith("_label")] == columns
    exported = [r[0] for r in rows[1:]]
    assert len(exported) == len(ids) and set(exported) == set(ids)


# --- The small functions behind the pages -------------------------------------------------

def test_a_cut_claim_keeps_the_searched_word_in_view():
    from tracker.datasette_plugin.cells import cut_text

    claim = "the ferry " * 40 + "tunnel costs more than the bridge"
    assert cut_text(claim, 200, []) == claim[:200].rstrip() + "\u2026"
    around = cut_text(claim, 200, ["tunnel"])
    assert around.startswith("\u2026") and "tunnel" in around and len(around) <= 202
    assert cut_text("short", 200, ["short"]) == "short"


def test_file_names_and_input_labels():
    from tracker.datasette_plugin.cells import file_name
    from tracker.datasette_plugin.queries import param_label, shown_columns

    assert file_name("news/2024/harbour.html") == "harbour.html"
    assert file_name("C:\\news\\harbour.txt") == "harbour.txt"
    assert file_name(None) == ""
    assert param_label("q") == "Words to search for"
    assert param_label("min_date") == "Min date"
    # ids a label links are left to the exports; others stay
    assert shown_columns(["id", "speaker", "claim", "title", "article_id", "speaker_id"],
                         "search_claims") == ["speaker", "claim", "title"]
    assert shown_columns(["claim", "claim_id", "statement_id"], "rated_false") == ["claim", "claim_id"]
