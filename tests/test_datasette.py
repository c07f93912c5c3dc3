"""The browsing UI: Datasette with the package's plugin, over databases built by the tracker."""

import asyncio
import shutil
import sqlite3
import urllib.parse

import httpx
import markupsafe
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.datasette_plugin.config import PACKAGE_METADATA, facet_column
from tracker.datasette_plugin.search import MARK_END, MARK_START, fts_query
from tracker.models import Article, ExtractedArticle, Statement
from tracker.store import open_db, save_article

from . import walk
from .conftest import ROOT, datasette_server, run, server, venv_script

CONFIG = PACKAGE_METADATA["database"]
QUERIES = CONFIG["queries"]


async def get_json(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def configured_facets(table, conn):
    columns = {r[1] for r in conn.execute(f"pragma table_info([{table}])")}
    return [facet_column(f) for f in CONFIG["tables"][table]["facets"] if facet_column(f) in columns]


async def test_statements_page_has_configured_facets_with_counts(ds, seed_db):
    data = await get_json(ds, "/tracker/statements.json?_extra=facet_results")
    results = data["facet_results"]
    results = results.get("results", results)
    assert set(configured_facets("statements", sqlite3.connect(seed_db))) <= set(results)
    speaker_counts = {v["value"]: v["count"] for v in results["speaker"]["results"]}
    assert speaker_counts.get("Antonio Guterres", 0) >= 2
    kinds = {v["value"] for v in results["kind"]["results"]}
    assert {"direct", "indirect", "mixed"} <= kinds
    channels = {v["value"] for v in results["channel"]["results"]}
    assert {"Reuters", "The Guardian"} <= channels


async def test_article_facets(ds):
    data = await get_json(ds, "/tracker/articles.json?_extra=facet_results")
    results = data["facet_results"]
    results = results.get("results", results)
    assert "publisher" in results and "published" in results


async def test_full_text_search_finds_xinjiang(ds):
    data = await get_json(ds, "/tracker/statements.json?_search=Xinjiang&_shape=objects")
    claims = [row["claim"] for row in data["rows"]]
    assert claims and all("xinjiang" in c.lower() for c in claims)
    none = await get_json(ds, "/tracker/statements.json?_search=zebrafish&_shape=objects")
    assert none["rows"] == []


CANNED = {
    "search_claims": {"q": "Xinjiang"},
    "search_articles": {"q": "Xinjiang"},
    "top_speakers": {},
    "via_channel": {"channel": "Reuters"},
    "speaker_statements": {"speaker": "Guterres"},
    "denials": {},
    "sources_cited": {},
    "unreviewed_claims": {},
}
# Need reviews and several outlets, which the seed has not: their rows are tested in
# test_claims_datasette.py; here they run.
CLAIM_QUERIES = {"claims_across_outlets": {}, "rated_false": {},
                 "speaker_reviewed_claims": {"speaker": "Guterres"}}
CLAIM_QUERIES["matched_statements"] = {}  # needs fact-checks: rows in test_match_store.py
CANNED.update(CLAIM_QUERIES)


@pytest.mark.parametrize("name", sorted(CANNED))
async def test_canned_query_runs_and_returns_rows(ds, name):
    assert set(CANNED) == set(QUERIES), "every canned query has a test case"
    assert QUERIES[name]["title"] and QUERIES[name]["description"]
    params = "&".join(f"{k}={v}" for k, v in CANNED[name].items())
    data = await get_json(ds, f"/tracker/{name}.json?_shape=objects&{params}")
    if name == "denials":  # the seed article's denials ("denied access") are no statements
        assert all(row["cue"] for row in data["rows"])
    elif name in CLAIM_QUERIES:
        assert data["rows"] == []
    else:
        assert data["rows"], name


async def test_speaker_statements_query_resolves_aliases(ds):
    by_alias = await get_json(ds, "/tracker/speaker_statements.json?_shape=objects&speaker=Guterres")
    by_name = await get_json(
        ds, "/tracker/speaker_statements.json?_shape=objects&speaker=antonio guterres")
    assert by_alias["rows"] == by_name["rows"]
    assert len(by_name["rows"]) >= 2


async def test_speaker_page_lists_statements(ds):
    data = await get_json(
        ds, "/tracker/speakers.json?_shape=objects&name=Antonio+Guterres")
    (guterres,) = data["rows"]
    response = await ds.client.get(f"/tracker/speakers/{guterres['id']}")
    assert response.status_code == 200
    html = response.text
    assert "speakers-statements" in html
    statements = await get_json(
        ds, f"/tracker/statements.json?_shape=objects&speaker_id={guterres['id']}")
    assert len(statements["rows"]) >= 2
    for row in statements["rows"]:
        assert str(markupsafe.escape(row["claim"])) in html


async def test_article_page_lists_its_statements_in_order(ds, seed_db):
    conn = sqlite3.connect(seed_db)
    (article_id,) = conn.execute("select id from articles").fetchone()
    claims = [r[0] for r in conn.execute(
        "select claim from statements where article_id = ? order by position", [article_id])]
    response = await ds.client.get(f"/tracker/articles/{article_id}")
    assert response.status_code == 200
    html = response.text
    assert "articles-statements" in html
    listed = html[html.index("articles-statements"):]  # above it, the marked-up article text
    positions = [listed.index(str(markupsafe.escape(c))) for c in claims]
    assert positions == sorted(positions)


async def test_other_row_pages_are_plain(ds, seed_db):
    (statement_id,) = sqlite3.connect(seed_db).execute("select id from statements").fetchone()
    response = await ds.client.get(f"/tracker/statements/{statement_id}")
    assert response.status_code == 200 and "row-statements" not in response.text


# --- Paging: every row exactly once -------------------------------------------------------

@pytest.fixture
async def news(browse_db):
    """Datasette over news.db, with pages of _size=max small enough that every export pages."""
    from datasette.app import Datasette

    datasette = Datasette([str(browse_db)], settings={"max_returned_rows": 53})
    await datasette.invoke_startup()
    return datasette


def test_browse_db_is_made_to_trip_paging_up(browse_db):
    conn = sqlite3.connect(browse_db)
    count, nulls, dates = conn.execute(
        "select count(*), sum(published is null), count(distinct published) from statements").fetchone()
    assert count >= 600 and nulls >= 100 and dates < 10  # many rows per date, many without one
    tables = {p.table for p in walk.paths(conn)}
    assert tables == {"statements", "articles", "speakers", "failures", "claims", "reviews",
                      "fact_checks", "statement_matches"}


@pytest.mark.parametrize("how", ["next_url", "csv", "link"])
async def test_every_path_visits_each_row_exactly_once(news, browse_db, how):
    """Each table, plain, filtered on each facet, searched: following next_url (JSON), the
    streamed CSV, and JSON arrays following their Link header."""
    conn = sqlite3.connect(browse_db)
    wrong = []
    for path in walk.paths(conn):
        seen, expected = await walk.visits(news.client, "news", conn, path, how)
        assert sum(expected.values()) > 53 or path.query, path.label  # several pages
        if len(seen) != sum(expected.values()) or set(seen) != set(expected):
            wrong.append(f"{path.label}: {len(seen)} rows, {len(set(seen))} distinct, "
                         f"{sum(expected.values())} in the table")
    assert not wrong, "\n".join(wrong)


async def test_a_real_datasette_process_pages_exactly(browse_db):
    """`datasette news.db` with Datasette's default settings (1,000 rows a CSV page)."""
    conn = sqlite3.connect(browse_db)
    chosen = [p for p in walk.paths(conn) if p.table in ("statements", "articles", "speakers")]
    with datasette_server(browse_db) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for path in chosen:
                for how in ("next_url", "csv", "link"):
                    seen, expected = await walk.visits(client, "news", conn, path, how, size=100)
                    assert len(seen) == sum(expected.values()) and set(seen) == set(expected), \
                        (path.label, how)


async def test_a_database_made_before_sort_keys_pages_by_primary_key(browse_db, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(browse_db, old)
    conn = sqlite3.connect(old)
    for (index,) in conn.execute("select name from sqlite_master where type = 'index' "
                                 "and name like '%sort_key' and tbl_name in "
                                 "('statements', 'articles', 'speakers', 'failures')").fetchall():
        conn.execute(f"drop index {index}")
    for table in ("statements", "articles", "speakers", "failures"):
        conn.execute(f"alter table {table} drop column sort_key")
    conn.commit()
    from datasette.app import Datasette

    ds = Datasette([str(old)])
    for path in walk.paths(conn):
        if path.table in ("statements", "articles", "speakers", "failures"):
            seen, expected = await walk.visits(ds.client, "old", conn, path, "next_url")
            assert len(seen) == sum(expected.values()) and set(seen) == set(expected), path.label
    data = await get_json(ds, "/old/statements.json?_extra=facet_results")
    assert "kind" in data["facet_results"]


# --- Searches that never fail -------------------------------------------------------------

NASTY = ["", " ", '"', '""', '"""', "'", "*", "-", "^", ":", "(", ")", "NEAR(", "NEAR(a b, 2)",
         "AND", "OR", "NOT", "a AND", "OR b", "-Xinjiang", "Xinjiang*", "*Xinjiang", "claim:",
         "{claim speaker}: x", "a + b", "\\", "%", "%00", "\x00", "\u200b", "\ue000x\ue001",
         "Xïnjiäng ünïcode", "新疆", "🙂", "x" * 5000, '"China" NEAR "Xinjiang"', "\"'; drop",
         "<script>alert(1)</script>"]
QUERY = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.sampled_from(list('"*-+^:(){}\\ ,.AaNnDdOoRrTtEe\x00\t新🙂')), max_size=40),
    st.text(max_size=80),
)


@pytest.fixture(scope="module")
def sync_ds(seed_db):
    """Datasette over the seed database and a function that GETs a path from it (synchronous,
    for hypothesis); redirects are followed."""
    from datasette.app import Datasette

    loop = asyncio.new_event_loop()
    datasette = Datasette([str(seed_db)])
    loop.run_until_complete(datasette.invoke_startup())

    def get(path):
        return loop.run_until_complete(datasette.client.get(path, follow_redirects=True))

    yield get
    loop.close()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=QUERY)
def test_any_search_gives_a_page_of_rows_or_none(sync_ds, q):
    quoted = urllib.parse.quote(q)
    for path in (f"/tracker/statements?_search={quoted}",
                 f"/tracker/statements.json?_search={quoted}&kind=indirect",
                 f"/tracker/articles.json?_search={quoted}",
                 f"/tracker/statements?_search={quoted}&_sort=rank",
                 f"/tracker/search_claims?q={quoted}",
                 f"/tracker/search_claims.json?q={quoted}",
                 f"/tracker/search_articles.json?q={quoted}"):
        response = sync_ds(path)
        assert response.status_code == 200, (path, response.text[:300])


@settings(max_examples=300, deadline=None)
@given(q=QUERY)
def test_fts_query_is_always_valid_fts5(q):
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table f using fts5(claim, tokenize='porter')")
    conn.execute("insert into f values ('China denied the claims about Xinjiang')")
    conn.execute("select count(*) from f where f match ?", [fts_query(q)]).fetchone()


def test_fts_query_keeps_words_phrases_and_prefixes():
    assert fts_query('China "re-education camps" Xin*') == '"China" "re-education camps" "Xin"*'
    assert fts_query('NEAR(a, b) AND -c') == '"NEAR(a," "b)" "AND" "-c"'
    assert fts_query("") == fts_query('"') == fts_query("* - ^") == '""'


async def test_empty_search_shows_every_row_and_the_search_page_opens_empty(ds, seed_db):
    count = sqlite3.connect(seed_db).execute("select count(*) from statements").fetchone()[0]
    response = await ds.client.get("/tracker/statements?_search=", follow_redirects=True)
    assert response.status_code == 200 and response.url.path == "/tracker/statements"
    assert f"{count} row" in response.text
    database = await ds.client.get("/tracker")
    assert 'href="/tracker/search_claims"' in database.text
    opened = await ds.client.get("/tracker/search_claims")
    assert opened.status_code == 200 and "<form" in opened.text


async def test_sort_by_rank_goes_to_the_ranked_search(ds):
    response = await ds.client.get("/tracker/statements?_search=Xinjiang&_sort=rank")
    assert response.status_code == 302
    assert response.headers["location"] == "/tracker/search_claims?q=Xinjiang"
    response = await ds.client.get("/tracker/articles.json?_search=Xinjiang&_sort_desc=rank")
    assert response.headers["location"] == "/tracker/search_articles.json?q=Xinjiang"
    response = await ds.client.get("/tracker/speakers?_sort=rank&kind=person")
    assert response.headers["location"] == "/tracker/speakers?kind=person"


async def test_search_claims_ranks_by_relevance_and_marks_matched_words(ds):
    data = await get_json(ds, "/tracker/search_claims.json?_shape=array&q=Xinjiang")
    assert data and all(f"{MARK_START}Xinjiang{MARK_END}" in row["claim"] for row in data)
    html = (await ds.client.get("/tracker/search_claims?q=Xinjiang")).text
    assert "<mark>Xinjiang</mark>" in html
    articles = await get_json(ds, "/tracker/search_articles.json?_shape=array&q=Olympics")
    assert articles and MARK_START in articles[0]["snippet"]


async def test_search_relevance_order(tmp_path):
    """The claim that says the words most often, in the shortest claim, comes first."""
    from datasette.app import Datasette

    db = open_db(tmp_path / "rank.db")
    text = ("Ana Ruiz said that the harbour plan was approved in spring after a long debate. "
            "Ben Cole said that the harbour plan, the harbour plan, is the harbour's future. "
            "Cy Dunn said that harbour taxes rise.")
    statements = []
    for i, claim in enumerate(["the harbour plan was approved in spring after a long debate",
                               "the harbour plan, the harbour plan, is the harbour's future",
                               "harbour taxes rise"]):
        start = text.index(claim)
        statements.append(Statement(claim=claim, claim_start=start, claim_end=start + len(claim),
                                    speaker="Ana Ruiz", speaker_text="Ana Ruiz", cue="said",
                                    kind="indirect", position=i))
    save_article(db, ExtractedArticle(Article(text=text, published=None), statements))
    ds = Datasette([str(tmp_path / "rank.db")])
    rows = await get_json(ds, "/rank/search_claims.json?_shape=array&q=harbour+plan")
    assert [r["claim"].replace(MARK_START, "").replace(MARK_END, "") for r in rows] == [
        statements[1].claim, statements[0].claim]


async def test_matched_words_are_marked_and_article_text_escaped(tmp_path):
    from datasette.app import Datasette

    db = open_db(tmp_path / "xss.db")
    claim = '<script>alert(1)</script> the Xinjiang "><img src=x onerror=alert(2)> plan'
    text = f"Ana Ruiz said that {claim}."
    start = text.index(claim)
    save_article(db, ExtractedArticle(
        Article(text=text, title="<b>bold</b> title"),
        [Statement(claim=claim, claim_start=start, claim_end=start + len(claim),
                   speaker="Ana Ruiz", speaker_text="Ana Ruiz", cue="said")]))
    ds = Datasette([str(tmp_path / "xss.db")])
    for url in ("/xss/search_claims?q=Xinjiang", "/xss/search_articles?q=Xinjiang",
                "/xss/statements?_search=Xinjiang"):
        html = (await ds.client.get(url)).text
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    html = (await ds.client.get("/xss/search_claims?q=Xinjiang")).text
    assert "<mark>Xinjiang</mark>" in html


# --- The setup comes with the package, for any database name ------------------------------

async def test_any_database_name_gets_facets_queries_and_descriptions(news, browse_db):
    data = await get_json(news, "/news/statements.json?_extra=facet_results&_size=1")
    assert set(configured_facets("statements", sqlite3.connect(browse_db))) <= set(
        data["facet_results"])
    database = await get_json(news, "/news.json")
    assert {q["name"] for q in database["queries"]} == set(QUERIES)
    html = (await news.client.get("/news/statements")).text
    assert markupsafe.escape(CONFIG["tables"]["statements"]["description"]) in html
    assert "What was attributed" in html  # column descriptions
    claims = (await news.client.get("/news/claims")).text
    assert markupsafe.escape(CONFIG["tables"]["claims"]["description"]) in claims
    assert (await get_json(news, "/-/metadata.json"))["title"] == "Claim tracker"


async def test_a_metadata_file_overrides_the_plugin(browse_db):
    from datasette.app import Datasette

    override = {"databases": {"news": {
        "tables": {"statements": {"facets": ["kind"], "description": "Mine."}},
        "queries": {"search_claims": {"title": "Search what was said"}}}}}
    ds = Datasette([str(browse_db)], metadata=override)
    data = await get_json(ds, "/news/statements.json?_extra=facet_results&_size=1")
    assert set(data["facet_results"]) == {"kind"}
    queries = {q["name"]: q for q in (await get_json(ds, "/news.json"))["queries"]}
    assert queries["search_claims"]["title"] == "Search what was said"
    assert set(queries) == set(QUERIES)
    assert "Mine." in (await ds.client.get("/news/statements")).text
    rows = await get_json(ds, "/news/search_claims.json?_shape=array&q=bridge")
    assert rows  # the overridden query keeps the plugin's SQL

    repo = Datasette([str(browse_db)], metadata=yaml.safe_load((ROOT / "metadata.yml").read_text()))
    plain = Datasette([str(browse_db)])
    for path in ("/news/statements.json?_extra=facet_results&_size=1", "/news.json"):
        with_file, without = await get_json(repo, path), await get_json(plain, path)
        assert with_file.get("facet_results") == without.get("facet_results")
        assert with_file.get("queries") == without.get("queries")


async def test_other_databases_are_left_alone(tmp_path):
    from datasette.app import Datasette

    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("create table statements (id integer primary key, text)")
    other.commit()
    ds = Datasette([str(tmp_path / "other.db")])
    assert "title" not in await get_json(ds, "/-/metadata.json")
    assert (await get_json(ds, "/other.json"))["queries"] == []
    response = await ds.client.get("/other/statements?_sort=rank")
    assert response.status_code != 302  # no redirects of ours on other databases


async def test_canned_queries_need_their_tables(browse_db, tmp_path):
    from datasette.app import Datasette

    path = tmp_path / "nospeakers.db"
    shutil.copy(browse_db, path)
    conn = sqlite3.connect(path)
    conn.execute("drop table speakers")
    conn.commit()
    ds = Datasette([str(path)])
    names = {q["name"] for q in (await get_json(ds, "/nospeakers.json"))["queries"]}
    assert names == set(QUERIES) - {"top_speakers", "speaker_statements", "speaker_reviewed_claims"}


# --- Real processes: the documented commands ----------------------------------------------

@pytest.mark.parametrize("options", [(), ("-m", ROOT / "metadata.yml")], ids=["plain", "with -m"])
def test_datasette_news_db_has_the_setup(browse_db, options):
    with datasette_server(browse_db, *options) as base:
        check_setup(base)


def check_setup(base: str, db: str = "news") -> dict:
    """The facets, canned queries and descriptions of news.db over HTTP; returns the settings."""
    facets = httpx.get(f"{base}/{db}/statements.json?_extra=facet_results&_size=1").json()
    assert {"speaker", "kind", "cue_lemma", "source", "channel"} <= set(facets["facet_results"])
    queries = {q["name"] for q in httpx.get(f"{base}/{db}.json").json()["queries"]}
    assert queries == set(QUERIES)
    html = httpx.get(f"{base}/{db}/statements").text
    assert str(markupsafe.escape(CONFIG["tables"]["statements"]["description"])) in html
    return httpx.get(f"{base}/-/settings.json").json()


def test_tracker_serve_uses_the_plugin_and_the_fast_settings(browse_db):
    from tracker.datasette_plugin.serve import SETTINGS

    with server([venv_script("tracker"), "serve", str(browse_db), "--host", "127.0.0.1",
                 "--port"]) as base:
        served = check_setup(base)
    assert served["suggest_facets"] is False
    for name, value in SETTINGS.items():
        assert str(served[name]).lower() == str(value).lower(), name


def test_serve_help_and_bad_database(tmp_path):
    result = run("serve", "--help")
    assert result.exit_code == 0 and "Example:" in result.output
    result = run("serve", tmp_path / "missing.db")
    assert result.exit_code == 2 and "missing.db" in result.output


def test_the_documented_datasette_command_has_the_fast_settings():
    from tracker.datasette_plugin.serve import setting_flags

    readme = (ROOT / "README.md").read_text()
    command = f"datasette tracker.db {' '.join(setting_flags())}"
    assert command in readme


@pytest.mark.parametrize("channel", ["Radio North", ""])
async def test_via_channel_lists_a_channel_or_all_relayed_newest_first(browse_db, channel):
    from datasette.app import Datasette

    ds = Datasette([str(browse_db)])
    rows = await get_json(ds, "/news/via_channel.json?_shape=array&channel="
                          + urllib.parse.quote(channel))
    where = "channel = ?" if channel else "channel is not null and ? = ''"
    expected = sqlite3.connect(browse_db).execute(
        f"select count(*) from statements where {where}", [channel]).fetchone()[0]
    assert len(rows) == min(expected, 1000) and rows
    assert all(r["channel"] == channel if channel else r["channel"] for r in rows)
    dates = [r["published"] or "" for r in rows]
    assert dates == sorted(dates, reverse=True)
