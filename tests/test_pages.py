"""The row pages a fact-checker reads (statement, article, speaker, claim), in a real Chromium.

The database is built by `tracker ingest` from seeds/ plus tests/fixtures/pages.jsonl: two dated
articles quoting Antonio Guterres and one full of markup and javascript: links. Also unit tests
of the highlight segmentation (marks.py) and the chart (chart.py), which need no browser.
"""

from __future__ import annotations

import json
import pathlib
import sqlite3
import urllib.request

import markupsafe
import pytest

from tracker.datasette_plugin.chart import bars_svg, buckets
from tracker.datasette_plugin.marks import Span, find_cue, paragraphs, render, segments
from tracker.datasette_plugin.pages import differs, parse_aliases, safe_href
from tracker.speakers import TITLES, fold

from .conftest import ROOT, SEEDS, datasette_server, run

PAGES_ARTICLES = ROOT / "tests" / "fixtures" / "pages.jsonl"
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]


# --- marks.py: overlapping spans as flat, escaped HTML ----------------------------------------

def test_segments_cut_overlapping_and_nested_spans_into_flat_pieces():
    outer, inner = Span(0, 10, "a", "claim"), Span(3, 6, "b", "speaker")
    crossing = Span(8, 14, "c", "claim")
    pieces = segments(0, 16, [inner, crossing, outer])
    assert [(a, b) for a, b, _ in pieces] == [(0, 3), (3, 6), (6, 8), (8, 10), (10, 14), (14, 16)]
    assert [[s.statement_id for s in active] for _, _, active in pieces] == [
        ["a"], ["a", "b"], ["a"], ["a", "c"], ["c"], []]


def test_segments_clip_spans_to_the_range_and_drop_empty_ones():
    pieces = segments(5, 9, [Span(0, 7, "a", "claim"), Span(9, 12, "b", "claim"), Span(6, 6, "c", "cue")])
    assert [(a, b, [s.statement_id for s in active]) for a, b, active in pieces] == [
        (5, 7, ["a"]), (7, 9, [])]


def test_render_escapes_every_character_and_nests_marks_properly():
    text = 'He said <script>alert(1)</script> & "x"'
    spans = [Span(8, 33, "s1", "claim"), Span(0, 2, "s1", "speaker"), Span(3, 7, "s1", "cue"),
             Span(16, 24, "s2", "claim")]
    (marked,) = render(text, [(0, len(text))], spans, link=lambda s: f"/st/{s.statement_id}?a=1&b=2",
                       anchor=lambda s: f"st-{s.statement_id}" if s.role == "claim" else None)
    html = str(marked)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;/script&gt;" in html
    assert "&amp; &#34;x&#34;" in html and 'href="/st/s1?a=1&amp;b=2"' in html
    assert html.count("<mark") == html.count("</mark>")
    assert html.count('id="st-s1"') == 1 and html.count('id="st-s2"') == 1
    # the nested claim sits inside the outer one, never crossing its tags
    assert ('<mark class="hl hl-claim" data-statement-id="s1" data-role="claim">'
            '<mark class="hl hl-claim" data-statement-id="s2" data-role="claim" id="st-s2">'
            '<a href="/st/s2?a=1&amp;b=2">alert(1)</a></mark></mark>') in html
    assert markupsafe.Markup(html).striptags() == text


def test_render_keeps_one_anchor_for_a_span_cut_by_a_paragraph_break():
    text = "First part of it.\n\nSecond part."
    spans = [Span(6, 25, "s", "claim")]
    out = render(text, paragraphs(text), spans, anchor=lambda s: "st-" + s.statement_id)
    assert len(out) == 2 and "".join(out).count('id="st-s"') == 1
    assert all('data-statement-id="s"' in p for p in out)


def test_paragraphs_split_on_blank_lines_without_their_outer_spaces():
    text = "  One\nstill one.\n\n \n\nTwo.  \n\n"
    assert [text[a:b] for a, b in paragraphs(text)] == ["One\nstill one.", "Two."]
    assert paragraphs("") == [] and paragraphs("\n\n") == []


def test_find_cue_takes_the_occurrence_nearest_the_speaker_outside_the_claim():
    text = "Ann said it. Bob said that rain said nothing, said Carl."
    claim = (text.index("rain"), text.index(", said Carl"))
    carl = (text.index("Carl"), text.index("Carl") + 4)
    start, end = find_cue(text, "said", claim, carl)
    assert (start, end) == (text.index(", said Carl") + 2, text.index(", said Carl") + 6)
    assert find_cue(text, "According to", claim, carl) is None
    assert find_cue(text, None, claim, carl) is None
    assert find_cue("He SAID so", "said", (6, 10), None) == (3, 7)


def test_chart_fills_empty_months_and_draws_one_bar_each():
    periods = buckets({"2023-01": 2, "2023-04": 5, None: 3, "junk": 1})
    assert periods == [("2023-01", 2), ("2023-02", 0), ("2023-03", 0), ("2023-04", 5)]
    svg = bars_svg(periods)
    assert svg.count('class="bar"') == 4 and "2023-01" in svg and "2023-04" in svg
    assert bars_svg([]) == ""
    years = buckets({"2001-05": 1, "2020-02": 4})
    assert years[0] == ("2001", 1) and years[-1] == ("2020", 4) and len(years) == 20


def test_a_spelling_that_names_somebody_else_is_told_apart():
    known = set(fold("Donald Trump President of the United States").split()) | TITLES
    assert differs("Melania Trump", known)
    assert not any(differs(w, known) for w in ["Trump", "President Trump", "Mr Trump", "he",
                                               "US President Donald Trump", "U.S. President Trump",
                                               "his spokesperson", "the president", None])


def test_aliases_read_as_text_without_json_escapes():
    assert parse_aliases('["Guterres", "UN chief\\u2019s office"]') == ["Guterres", "UN chief\u2019s office"]
    assert parse_aliases("not json") == ["not json"] and parse_aliases(None) == []


def test_only_http_links_become_hrefs():
    assert safe_href(" https://a.example/x ") == "https://a.example/x"
    assert [safe_href(u) for u in ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x",
                                   "//evil.example", "", None]] == [None] * 6


# --- The pages in a browser -------------------------------------------------------------------

@pytest.fixture
def page(browser):
    """A fresh page that records any dialog a script opens (none should)."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.close()


@pytest.fixture(scope="module")
def pages_db(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("pages") / "pages.db"
    result = run("ingest", path, SEEDS, PAGES_ARTICLES, "--silent", "--workers", "1")
    assert result.exit_code == 0, result.output
    (claim,) = sqlite3.connect(path).execute(
        "select id from claims order by statement_count desc, id limit 1").fetchone()
    result = run("review", path, claim, "--rating", "Mostly true", "--url", "https://checks.example/un",
                 "--reviewer", "Example <b>Checks</b>", "--date", "2024-01-05")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def site(pages_db):
    with datasette_server(pages_db, "-m", ROOT / "metadata.yml") as url:
        yield url + "/pages"


def query(db, sql, *params):
    return [dict(r) for r in sqlite3.connect(db, factory=RowConnection).execute(sql, params)]


class RowConnection(sqlite3.Connection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_factory = sqlite3.Row


def joined(locator) -> str:
    return "".join(locator.nth(i).inner_text() for i in range(locator.count()))


def test_statement_page_highlights_its_claim_in_its_paragraph(page, site, pages_db, screens):
    (s,) = query(pages_db, "select * from statements where speaker_text = 'Guterres'"
                           " and article_id = 'pages-guterres-climate'")
    page.goto(f"{site}/statements/{s['id']}")
    card = page.locator(".tracker-card")
    assert card.locator("h1.claim-text").inner_text() == s["claim"]
    passage = page.locator(".tracker-passage")
    assert joined(passage.locator(f"mark[data-role=claim][data-statement-id='{s['id']}']")) == s["claim"]
    assert joined(passage.locator("mark[data-role=speaker]")) == "Guterres"
    assert passage.locator("mark[data-role=cue]").inner_text() == "told"
    assert "Guterres told delegates in Bonn" in passage.inner_text()
    assert "rich countries" not in passage.inner_text()  # only its own paragraph
    assert "Guterres urges faster cuts" in card.locator("a.article-link").inner_text()
    assert "2023-06-12" in card.inner_text()
    page.screenshot(path=str(screens / "row-statement.png"), full_page=True)

    page.locator("a.see-in-article").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/pages/articles/pages-guterres-climate#st-{s['id']}")
    target = page.locator(f"#st-{s['id']}")
    assert target.get_attribute("data-statement-id") == s["id"]
    assert target.get_attribute("data-role") == "claim"

    page.go_back()
    page.locator(".tracker-card a.speaker").click()
    page.wait_for_load_state()
    assert page.locator(".tracker-speaker h1").inner_text() == "Antonio Guterres"


def test_low_confidence_is_tagged_on_the_statement_page(page, site, pages_db):
    low = query(pages_db, "select id from statements where confidence < 0.5 limit 1")[0]["id"]
    high = query(pages_db, "select id from statements where confidence >= 0.5 limit 1")[0]["id"]
    page.goto(f"{site}/statements/{low}")
    assert page.locator(".confidence .tag-low").inner_text().lower() == "low"
    page.goto(f"{site}/statements/{high}")
    assert page.locator(".confidence .tag-low").count() == 0


def test_article_page_has_one_claim_highlight_per_statement(page, site, pages_db, screens):
    (article,) = query(pages_db, "select id from articles where source_path like '%guterres-china%'")
    statements = query(pages_db, "select id, claim from statements where article_id = ?"
                                 " order by position", article["id"])
    assert len(statements) >= 5
    page.goto(f"{site}/articles/{article['id']}")
    prose = page.locator(".tracker-prose")
    anchored = prose.locator("mark[data-role=claim][id^='st-']")
    assert anchored.count() == len(statements)
    ids = [anchored.nth(i).get_attribute("data-statement-id") for i in range(anchored.count())]
    assert sorted(ids) == sorted(s["id"] for s in statements)
    for s in statements:  # every piece of a claim highlight put together gives the claim
        assert joined(prose.locator(f"mark[data-role=claim][data-statement-id='{s['id']}']")) == s["claim"]
    assert prose.locator("mark[data-role=speaker]").count() >= 1
    assert prose.locator("mark[data-role=cue]").count() >= 1
    rows = page.locator("table.articles-statements tbody tr")
    assert rows.count() == len(statements)
    back = page.locator("table.articles-statements a.to-highlight")
    assert [back.nth(i).get_attribute("href") for i in range(back.count())] == [
        f"#st-{s['id']}" for s in statements]
    page.screenshot(path=str(screens / "row-article.png"), full_page=True)

    for s in statements:  # each highlight links to its statement (where no other nests in it)
        links = prose.locator(f"mark[data-statement-id='{s['id']}'] a[href$='/statements/{s['id']}']")
        assert links.count() >= 1, s["claim"]
    last = statements[-1]["id"]
    prose.locator(f"mark#st-{last} a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/pages/statements/{last}")


def test_antonio_guterres_page_shows_his_statements_and_the_chart(page, site, pages_db, screens):
    page.goto(f"{site}/speakers?name=Antonio+Guterres")
    page.locator("td.col-id a").first.click()
    page.wait_for_load_state()
    assert page.locator(".tracker-speaker h1").inner_text() == "Antonio Guterres"
    (speaker,) = query(pages_db, "select * from speakers where name = 'Antonio Guterres'")
    mine = query(pages_db, "select * from statements where speaker_id = ?", speaker["id"])
    assert page.title().startswith("Antonio Guterres")
    aliases = page.locator(".chip.alias")
    assert [aliases.nth(i).inner_text() for i in range(aliases.count())] == json.loads(speaker["aliases"])
    assert "\\u" not in page.locator(".tracker-head").inner_text()
    assert page.locator(".statement-count").inner_text().endswith(str(len(mine)))
    rows = page.locator("table.speakers-statements tbody tr")
    assert rows.count() == len(mine)
    assert "2023-09-03" in rows.first.inner_text()  # newest first
    written = page.locator("table.speakers-statements td.as-written")
    assert {written.nth(i).inner_text().split(" ≠")[0] for i in range(written.count())} == {
        s["speaker_text"] for s in mine}
    bars = page.locator("svg.tracker-chart rect.bar")
    dated = [s for s in mine if s["published"]]
    assert bars.count() == 4  # 2023-06 to 2023-09
    assert sum(int(bars.nth(i).get_attribute("data-count")) for i in range(bars.count())) == len(dated)
    page.screenshot(path=str(screens / "row-speaker.png"), full_page=True)

    page.fill(".tracker-search input[name=_search]", "climate")
    page.locator(".tracker-search input[type=submit]").click()
    page.wait_for_load_state()
    assert f"speaker_id={speaker['id']}" in page.url and "_search=climate" in page.url
    claims = page.locator("td.col-claim")
    assert claims.count() == 1 and "climate funding" in claims.first.inner_text()


def test_speaker_page_shows_other_spellings_and_links_to_facets(page, site, pages_db):
    (voss,) = query(pages_db, "select * from speakers where name = 'Clara Voss'")
    page.goto(f"{site}/speakers/{voss['id']}")
    spellings = page.locator(".spellings .chip")
    texts = {spellings.nth(i).inner_text().rsplit("\n", 1)[0].strip() for i in range(spellings.count())}
    assert {"Mayor Clara Voss", "Voss"} <= {t.rstrip("0123456789").strip() for t in texts}
    page.locator("a.all-statements").click()
    page.wait_for_load_state()
    facets = page.locator(".facet-info")
    names = {facets.nth(i).get_attribute("data-column") for i in range(facets.count())}
    assert {"cue_lemma", "kind"} <= names
    assert page.locator("table.rows-and-columns tbody tr").count() == 3


def test_claim_page_shows_every_appearance_with_the_first_marked(page, site, pages_db, screens):
    claim = query(pages_db, "select * from claims order by statement_count desc, id limit 1")[0]
    assert claim["statement_count"] >= 2
    page.goto(f"{site}/claims/{claim['id']}")
    assert page.locator(".tracker-claim h1").inner_text() == claim["text"]
    items = page.locator(".tracker-timeline li")
    assert items.count() == claim["statement_count"]
    assert page.locator(".tracker-timeline li.first").count() == 1
    assert page.locator(".tracker-timeline li .tag-first").count() == 1
    first = page.locator(".tracker-timeline li.first a[href*='/statements/']")
    assert first.get_attribute("href").endswith(claim["first_statement_id"])
    review = page.locator(".tracker-reviews li")
    assert review.count() == 1 and "Mostly true" in review.inner_text()
    assert "Example <b>Checks</b>" in review.inner_text()
    assert review.locator("a[href='https://checks.example/un']").count() == 1
    page.screenshot(path=str(screens / "row-claim.png"), full_page=True)

    first.click()  # the first appearance's page lists the others and the claim's review
    page.wait_for_load_state()
    others = page.locator(".tracker-appearances li")
    assert others.count() == claim["statement_count"] - 1
    assert "Mostly true" in page.locator(".tracker-reviews").inner_text()


def hostile_pages(db) -> dict[str, str]:
    """Each page that shows text of the hostile article: name -> path under the database."""
    statements = query(db, "select id, speaker_id, claim_id from statements where article_id = 'pages-hostile'"
                           " order by position")
    assert len(statements) == 3
    pages = {"article": "articles/pages-hostile"}
    for i, s in enumerate(statements):
        pages[f"statement-{i}"] = f"statements/{s['id']}"
        pages[f"speaker-{i}"] = f"speakers/{s['speaker_id']}"
        pages[f"claim-{i}"] = f"claims/{s['claim_id']}"
    return pages


def test_hostile_article_shows_as_text_on_every_page(page, site, pages_db, screens):
    for name, path in hostile_pages(pages_db).items():
        response = page.goto(f"{site}/{path}")
        assert response.status == 200, name
        assert page.locator(".tracker-page").count() == 1, name
        assert page.locator("img[src=x], iframe, a[href^='javascript' i]").count() == 0, name
        scripts = page.locator("script")
        assert not any("alert" in scripts.nth(i).inner_text() for i in range(scripts.count())), name
        shown = page.locator(".tracker-page").inner_text()
        assert "<script>alert(1)</script>" in shown or '"><img src=x onerror=alert(1)>' in shown \
            or "<iframe src=javascript:alert(1)></iframe>" in shown, name
        page.screenshot(path=str(screens / f"row-hostile-{name}.png"), full_page=True)
    page.goto(f"{site}/articles/pages-hostile")
    header = page.locator(".tracker-head").inner_text()
    assert '<script>alert(1)</script> Tram plan "><img src=x onerror=alert(1)>' in header
    assert "javascript:alert(1)" in header and "<b>Harbour</b>" in header
    prose = page.locator(".tracker-prose").inner_text()
    assert all(h in prose for h in HOSTILE) and '<a href="javascript:alert(1)">here</a>' in prose
    assert page.dialogs == []


# --- Reviews and matched fact-checks (browse_db has them) -------------------------------------

def test_statement_and_claim_pages_list_matched_fact_checks(browse_db):
    conn = sqlite3.connect(browse_db)
    statement_id, claim_id, matched = conn.execute(
        "select s.id, s.claim_id, count(*) from statement_matches m join statements s"
        " on s.id = m.statement_id where s.claim_id in (select claim_id from reviews)"
        " group by s.id order by count(*) desc, s.id limit 1").fetchone()
    on_claim = conn.execute(
        "select count(distinct fact_check_id) from statement_matches where statement_id in"
        " (select id from statements where claim_id = ?)", [claim_id]).fetchone()[0]
    reviews = conn.execute("select count(*) from reviews where claim_id = ?", [claim_id]).fetchone()[0]
    with datasette_server(browse_db) as base:
        statement_html = urllib.request.urlopen(f"{base}/news/statements/{statement_id}").read().decode()
        html = urllib.request.urlopen(f"{base}/news/claims/{claim_id}").read().decode()
    assert statement_html.split('class="tracker-list tracker-matches"')[1].split("</ul>")[0].count(
        "<li>") == matched
    assert html.split('class="tracker-list tracker-matches"')[1].split("</ul>")[0].count("<li>") == on_claim
    listed = html.split('class="tracker-list tracker-reviews"')[1].split("</ul>")[0]
    assert reviews and listed.count("<li>") == reviews
