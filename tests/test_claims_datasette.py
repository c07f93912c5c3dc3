"""Claims, reviews and fact-checks in Datasette with the repo's metadata: facets, the canned
queries' rows, and paging that visits every row once (dates partly missing, partly equal)."""

from __future__ import annotations

import json

import pytest

from tracker.factchecks import import_fact_checks
from tracker.models import Article, ExtractedArticle, Statement
from tracker.reviews import Review, save_review
from tracker.store import open_db, save_article

pytestmark = pytest.mark.asyncio

PUBLISHERS = ["Valley Courier", "Morning Herald", "Regional Wire"]
SPEAKERS = ["Ellen Porter", "Dan Reyes", "Alan Cho", "Rita Gomez", "Sam Ortiz"]
NOUNS = ["bridge", "tunnel", "library", "harbour", "stadium", "depot", "clinic", "school",
         "market", "ferry", "airport", "museum", "park", "station", "tower", "canal"]


def build(path) -> dict:
    """40 articles over three outlets; every claim about one place, some repeated elsewhere."""
    db = open_db(path)
    for i in range(40):
        said = [(SPEAKERS[i % 5], f"The {NOUNS[i % 16]} will cost ${10 + i % 16} million"),
                (SPEAKERS[(i + 1) % 5], f"The {NOUNS[(i * 7) % 16]} {NOUNS[(i * 3) % 16]} plan "
                                        f"number {i} was approved")]
        text, statements = "", []
        for position, (speaker, claim) in enumerate(said):
            text += f"{speaker} said "
            start = len(text)
            text += claim + ". "
            statements.append(Statement(
                claim=claim, claim_start=start, claim_end=start + len(claim), speaker=speaker,
                speaker_text=speaker, speaker_kind="person", cue="said", kind="indirect",
                position=position))
        published = None if i % 4 == 0 else f"2024-03-{1 + i % 5:02d}"  # missing and equal dates
        save_article(db, ExtractedArticle(Article(
            text=text, url=f"https://news.example/{i}", published=published,
            publisher=PUBLISHERS[i % 3], title=f"Story {i}"), statements))
    claims = {text: claim_id for claim_id, text in db.execute("select id, text from claims")}
    bridge = claims["The bridge will cost $10 million"]
    tunnel = claims["The tunnel will cost $11 million"]
    save_review(db, bridge, Review(rating="False", url="https://checks.example/bridge",
                                   reviewer="Example Checks", date_published="2024-03-09"))
    save_review(db, tunnel, Review(rating="Mostly true", url="https://checks.example/tunnel",
                                   reviewer="Other Checks", date_published="2024-03-08"))
    feed = path.parent / "feed.jsonl"
    feed.write_text("".join(json.dumps({
        "@type": "ClaimReview", "url": f"https://checks.example/fc/{n}",
        "claimReviewed": f"The {NOUNS[n % 16]} costs too much", "reviewRating": {
            "alternateName": ["False", "True", "Misleading"][n % 3]},
        "author": {"@type": "Organization", "name": ["Example Checks", "Other Checks"][n % 2]},
        **({"datePublished": f"2023-0{1 + n % 3}-01"} if n % 5 else {})}) + "\n"
        for n in range(30)))
    import_fact_checks(db, [str(feed)])
    db.close()
    return {"bridge": bridge, "tunnel": tunnel}


@pytest.fixture(scope="module")
def claims_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("claims") / "tracker.db"
    return path, build(path)


@pytest.fixture
async def ds(claims_db, metadata):
    from datasette.app import Datasette

    datasette = Datasette([str(claims_db[0])], metadata=metadata)
    await datasette.invoke_startup()
    return datasette


async def get_json(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


@pytest.mark.parametrize("table,facets", [
    ("claims", {"latest_rating", "article_count"}),
    ("reviews", {"rating", "reviewer", "origin"}),
    ("fact_checks", {"rating", "reviewer"}),
])
async def test_tables_have_their_facets(ds, metadata, table, facets):
    config = metadata["databases"]["tracker"]["tables"][table]
    assert config["description"] and set(config["facets"]) == facets
    data = await get_json(ds, f"/tracker/{table}.json?_extra=facet_results")
    results = data["facet_results"]
    results = results.get("results", results)
    assert facets <= set(results)
    if table == "claims":
        articles = {v["value"]: v["count"] for v in results["article_count"]["results"]}
        assert articles[3] >= 1 and articles[1] >= 1  # "The bridge will cost $10 million" x3


async def test_hidden_index_tables(ds):
    tables = {t["name"]: t for t in (await get_json(ds, "/tracker.json"))["tables"]}
    for name in ("claim_keys", "claim_terms", "claim_keys_fts", "fact_checks_fts"):
        assert tables[name]["hidden"], name


async def all_pages(ds, path) -> list:
    """The primary keys of every row met following next_url from path to the end."""
    seen, url = [], path
    while url:
        data = await get_json(ds, url)
        seen += [row["rowid"] if "rowid" in row else row["id"] for row in data["rows"]]
        url = data.get("next_url")
        if url:
            url = url.split("//", 1)[-1].split("/", 1)[-1]
            url = "/" + url
    return seen


@pytest.mark.parametrize("path,where", [
    ("/tracker/claims.json?_size=7&_shape=objects", ""),
    ("/tracker/claims.json?_size=5&_shape=objects&article_count=1", "where article_count = 1"),
    ("/tracker/reviews.json?_size=1&_shape=objects", ""),
    ("/tracker/fact_checks.json?_size=4&_shape=objects", ""),
    ("/tracker/fact_checks.json?_size=3&_shape=objects&rating=False", "where rating = 'False'"),
    ("/tracker/fact_checks.json?_size=2&_shape=objects&_search=bridge",
     "where rowid in (select rowid from fact_checks_fts where fact_checks_fts match 'bridge')"),
])
async def test_paging_visits_each_row_once(ds, claims_db, path, where):
    table = path.split("/")[2].split(".")[0]
    seen = await all_pages(ds, path)
    expected = [r[0] for r in open_db(claims_db[0]).execute(f"select id from {table} {where}")]
    assert len(seen) == len(set(seen)) == len(expected) and set(seen) == set(expected)
    assert len(expected) > 1


async def test_claims_repeated_across_outlets(ds, claims_db):
    rows = (await get_json(ds, "/tracker/claims_across_outlets.json?_shape=objects"))["rows"]
    by_claim = {row["claim"]: row for row in rows}
    bridge = by_claim["The bridge will cost $10 million"]  # articles 0, 16, 32: three outlets
    assert (bridge["outlets"], bridge["articles"], bridge["latest_rating"]) == (3, 3, "False")
    assert set(bridge["publishers"].split(",")) == set(PUBLISHERS)
    assert all(row["outlets"] > 1 for row in rows)


async def test_unreviewed_claims_by_reach(ds, claims_db):
    rows = (await get_json(ds, "/tracker/unreviewed_claims.json?_shape=objects"))["rows"]
    ids = [row["claim_id"] for row in rows]
    assert claims_db[1]["bridge"] not in ids and claims_db[1]["tunnel"] not in ids
    reach = [row["articles"] for row in rows]
    assert reach == sorted(reach, reverse=True) and reach[0] == 3


async def test_everything_rated_false_with_where_it_appeared(ds, claims_db):
    rows = (await get_json(ds, "/tracker/rated_false.json?_shape=objects"))["rows"]
    assert {row["claim_id"] for row in rows} == {claims_db[1]["bridge"]}
    assert sorted(row["url"] for row in rows) == [f"https://news.example/{i}" for i in (0, 16, 32)]
    assert {row["rating"] for row in rows} == {"False"}


async def test_a_speakers_reviewed_claims(ds, claims_db):
    rows = (await get_json(ds, "/tracker/speaker_reviewed_claims.json?_shape=objects"
                               "&speaker=ellen porter"))["rows"]
    assert [(row["claim"], row["rating"], row["times_said"]) for row in rows] == [
        ("The bridge will cost $10 million", "False", 1)]
    other = (await get_json(ds, "/tracker/speaker_reviewed_claims.json?_shape=objects"
                                "&speaker=Dan Reyes"))["rows"]
    assert [(row["claim"], row["rating"]) for row in other] == [  # newest verdict first
        ("The bridge will cost $10 million", "False"),
        ("The tunnel will cost $11 million", "Mostly true")]
