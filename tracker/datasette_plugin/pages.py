"""The row pages a fact-checker reads: what the statement, article, speaker and claim pages show.

One async function per table gathers a page's data; row.html hands it to tracker_<kind>.html.
Article text is escaped everywhere (marks.render); only http(s) urls become links.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import urllib.parse
from typing import Optional

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components

from ..speakers import TITLES, fold, is_alias
from .chart import bars_svg, buckets
from .config import TRACKER_TABLES
from .marks import Span, covering, find_cue, paragraphs, render

LOW_CONFIDENCE = 0.5
LIST_LIMIT = 200
FACETS = {"cue_lemma": "cue", "kind": "kind", "source": "source", "channel": "channel"}


@dataclasses.dataclass
class Site:
    """The database a page is about, and how to link to its rows."""

    datasette: object
    database: str
    db: object
    tables: set

    def row(self, table: str, row_id) -> Optional[str]:
        if row_id is None:
            return None
        return self.datasette.urls.row(self.database, table, tilde_encode(str(row_id)))

    def table(self, table: str, args: list[tuple[str, str]] = ()) -> str:
        query = urllib.parse.urlencode(list(args))
        return self.datasette.urls.table(self.database, table) + (f"?{query}" if query else "")

    async def rows(self, sql: str, params: dict) -> list[dict]:
        return [dict(r) for r in (await self.db.execute(sql, params)).rows]

    async def one(self, sql: str, params: dict) -> Optional[dict]:
        rows = await self.rows(sql, params)
        return rows[0] if rows else None


def safe_href(url) -> Optional[str]:
    """The url if it is an http(s) link, else None: a javascript: url from an article is text."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if urllib.parse.urlsplit(url).scheme.lower() in ("http", "https") else None


def article_label(article: dict, prefix: str = "") -> str:
    """The article's title, else its file name, else its id."""
    title = article.get(prefix + "title")
    if title and title.strip():
        return title.strip()
    source = article.get(prefix + "source_path") or article.get(prefix + "source") or ""
    return source.replace("\\", "/").split("/")[-1] or str(article.get(prefix + "id") or "untitled")


def is_low(confidence) -> bool:
    return isinstance(confidence, (int, float)) and confidence < LOW_CONFIDENCE


def span(row: dict, role: str) -> Optional[tuple[int, int]]:
    start, end = row.get(f"{role}_start"), row.get(f"{role}_end")
    if isinstance(start, int) and isinstance(end, int) and start < end:
        return start, end
    return None


def statement_spans(text: str, row: dict) -> list[Span]:
    """The claim, speaker mention and cue of a statement as spans of its article's text."""
    claim, speaker = span(row, "claim"), span(row, "speaker")
    if claim is None:
        return []
    found = {"claim": claim, "speaker": speaker, "cue": find_cue(text, row.get("cue"), claim, speaker)}
    return [Span(*pair, row["id"], role) for role, pair in found.items() if pair]


def date_of(value) -> str:
    return value[:10] if isinstance(value, str) else ""


# --- Statement ------------------------------------------------------------------------------

STATEMENT_SQL = """
select statements.*, articles.title as article_title, articles.published as article_published,
  articles.source_path as article_source_path, articles.publisher as article_publisher,
  articles.url as article_url, articles.text as article_text
from statements left join articles on articles.id = statements.article_id
where statements.id = :id
"""

APPEARANCES_SQL = """
select statements.id, statements.speaker, statements.speaker_id, statements.speaker_text,
  statements.claim, statements.published, statements.article_id, statements.channel,
  articles.title, articles.source_path, articles.publisher
from statements left join articles on articles.id = statements.article_id
where statements.claim_id = :claim_id
order by statements.published is null, statements.published, statements.article_id,
  statements.position
limit {limit}
"""

REVIEWS_SQL = """
select * from reviews where {where}
order by coalesce(date_published, created_at) desc limit 100
"""

MATCHES_SQL = """
select fact_checks.*, max(statement_matches.score) as score
from statement_matches join fact_checks on fact_checks.id = statement_matches.fact_check_id
where statement_matches.statement_id in ({statements})
group by fact_checks.id order by score desc limit 50
"""


async def statement_page(site: Site, row_id: str) -> Optional[dict]:
    row = await site.one(STATEMENT_SQL, {"id": row_id})
    if row is None:
        return None
    text = row.pop("article_text") or ""
    spans = statement_spans(text, row)
    if spans:
        ranges = covering(paragraphs(text), min(s.start for s in spans), max(s.end for s in spans))
        passage = render(text, ranges, spans)
    else:
        passage = []
    claim_id = row.get("claim_id")
    claim = others = None
    if claim_id and "claims" in site.tables:
        claim = await site.one("select * from claims where id = :id", {"id": claim_id})
        others = [a for a in await appearances(site, claim_id, 50) if a["id"] != row_id]
    reviews = await site_reviews(site, claim_id, row_id)
    matches = await fact_checks_matching(site, "select :id", {"id": row_id})
    return {
        "kind": "statement",
        "title": f"{row.get('speaker') or 'Unknown speaker'}: {row.get('claim') or ''}"[:120],
        "row": row,
        "low": is_low(row.get("confidence")),
        "speaker_url": site.row("speakers", row.get("speaker_id")),
        "article_url": site.row("articles", row.get("article_id")),
        "article_label": article_label(row, "article_"),
        "article_date": date_of(row.get("article_published") or row.get("published")),
        "anchor_url": (site.row("articles", row.get("article_id")) or "") + f"#st-{row_id}",
        "passage": passage,
        "sentence": row.get("sentence"),
        "claim": claim,
        "claim_url": site.row("claims", claim_id) if claim else None,
        "appearances": others,
        "reviews": reviews,
        "matches": matches,
    }


async def appearances(site: Site, claim_id: str, limit: int) -> list[dict]:
    rows = await site.rows(APPEARANCES_SQL.format(limit=limit), {"claim_id": claim_id})
    for r in rows:
        r.update(url=site.row("statements", r["id"]), speaker_url=site.row("speakers", r["speaker_id"]),
                 article_url=site.row("articles", r["article_id"]), article_label=article_label(r),
                 date=date_of(r["published"]))
    return rows


async def site_reviews(site: Site, claim_id: Optional[str], statement_id: Optional[str]) -> list[dict]:
    if "reviews" not in site.tables or not (claim_id or statement_id):
        return []
    where = " or ".join(w for w, v in (("claim_id = :claim_id", claim_id),
                                       ("statement_id = :statement_id", statement_id)) if v)
    rows = await site.rows(REVIEWS_SQL.format(where=where),
                           {"claim_id": claim_id, "statement_id": statement_id})
    for r in rows:
        r.update(href=safe_href(r.get("url")), row_url=site.row("reviews", r["id"]),
                 date=date_of(r.get("date_published") or r.get("created_at")))
    return rows


async def fact_checks_matching(site: Site, statements_sql: str, params: dict) -> list[dict]:
    if not {"statement_matches", "fact_checks"} <= site.tables:
        return []
    rows = await site.rows(MATCHES_SQL.format(statements=statements_sql), params)
    for r in rows:
        r.update(href=safe_href(r.get("url")), row_url=site.row("fact_checks", r["id"]),
                 date=date_of(r.get("date_published")))
    return rows


# --- Article --------------------------------------------------------------------------------

ARTICLE_STATEMENTS_SQL = """
select * from statements where article_id = :id order by position
"""


async def article_page(site: Site, row_id: str) -> Optional[dict]:
    article = await site.one("select * from articles where id = :id", {"id": row_id})
    if article is None:
        return None
    text = article.get("text") or ""
    statements = await site.rows(ARTICLE_STATEMENTS_SQL, {"id": row_id})
    spans = [s for row in statements for s in statement_spans(text, row)]
    links = {row["id"]: site.row("statements", row["id"]) for row in statements}
    prose = render(text, paragraphs(text), spans, link=lambda s: links[s.statement_id],
                   anchor=lambda s: f"st-{s.statement_id}" if s.role == "claim" else None)
    marked = {s.statement_id for s in spans if s.role == "claim"}
    for row in statements:
        row.update(url=links[row["id"]], speaker_url=site.row("speakers", row["speaker_id"]),
                   anchor=f"st-{row['id']}" if row["id"] in marked else None,
                   low=is_low(row["confidence"]))
    return {
        "kind": "article",
        "title": article_label(article),
        "article": article,
        "href": safe_href(article.get("url")),
        "date": date_of(article.get("published")),
        "prose": prose,
        "statements": statements,
    }


# --- Speaker --------------------------------------------------------------------------------

SPEAKER_STATEMENTS_SQL = """
select statements.id, statements.speaker_text, statements.cue, statements.claim,
  statements.kind, statements.source, statements.channel, statements.confidence,
  statements.published, statements.article_id,
  articles.title, articles.source_path
from statements left join articles on articles.id = statements.article_id
where statements.speaker_id = :id
order by statements.published desc, statements.article_id, statements.position
limit {limit}
"""


TALLY_LIMIT = 5_000
TALLIED = ("speaker_text", *FACETS)
# The spellings and facet values of a speaker's newest statements, read once (SQLite computes a
# CTE used more than once once) and counted per column in SQL: ~20-28 ms for the most quoted
# speaker of 100,000 statements (9,811), where a query per column over all took 5x as long.
TALLY_SQL = (
    f"with recent as (select {', '.join(TALLIED)} from statements"
    f" where speaker_id = :id order by published desc limit {TALLY_LIMIT}) "
    + " union all ".join(f"select '{c}' as col, {c} as value, count(*) as n from recent group by {c}"
                         for c in TALLIED))


def ranked(counter: collections.Counter, n: int, blank: bool = True) -> list[tuple]:
    """The n commonest (value, count), ties in the order of their text; blank=False skips null and ''."""
    items = [kv for kv in counter.items() if blank or kv[0] not in (None, "")]
    return sorted(items, key=lambda kv: (-kv[1], str(kv[0])))[:n]


def parse_aliases(value) -> list[str]:
    """The aliases column (a JSON list) as strings; anything else is one alias as written."""
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    if isinstance(parsed, list):
        return [str(a) for a in parsed if a]
    return [str(parsed)]


def differs(written: Optional[str], known_words: set[str]) -> bool:
    """Whether a mention names somebody the speaker's name, role and titles do not account for.

    "Melania Trump" filed under Donald Trump differs; "Guterres", "the UN chief", "he" do not.
    """
    if not is_alias(written):
        return False
    # acronyms ("UN", "U.S.") name organisations in titles, not another person
    words = [w for w in written.split() if not (w.replace(".", "").isupper() or "." in w.strip("."))]
    return any(w not in known_words for w in fold(" ".join(words)).split())


async def speaker_page(site: Site, row_id: str) -> Optional[dict]:
    speaker = await site.one("select * from speakers where id = :id", {"id": row_id})
    if speaker is None:
        return None
    params = {"id": row_id}
    count = (await site.one("select count(*) as n from statements where speaker_id = :id", params))["n"]
    months = {r["month"]: r["n"] for r in await site.rows(
        "select substr(published, 1, 7) as month, count(*) as n from statements"
        " where speaker_id = :id group by month", params)}
    known = set(fold(" ".join([speaker.get("name") or "", speaker.get("role") or ""])).split()) | TITLES
    counts = {column: collections.Counter() for column in TALLIED}
    for r in await site.rows(TALLY_SQL, params):
        counts[r["col"]][r["value"]] = r["n"]
    tallied = sum(counts["speaker_text"].values())
    spellings = [{"text": text, "n": n} for text, n in ranked(counts["speaker_text"], 50)]
    for s in spellings:
        s.update(differs=differs(s["text"], known),
                 url=site.table("statements", [("speaker_id", row_id), ("speaker_text", s["text"])])
                 if s["text"] is not None else None)
    statements = await site.rows(SPEAKER_STATEMENTS_SQL.format(limit=LIST_LIMIT), params)
    for r in statements:
        r.update(url=site.row("statements", r["id"]), article_url=site.row("articles", r["article_id"]),
                 article_label=article_label(r), date=date_of(r["published"]),
                 low=is_low(r["confidence"]), differs=differs(r["speaker_text"], known))
    facets = []
    for column, label in FACETS.items():
        values = [{"value": v, "n": n, "url": site.table("statements", [("speaker_id", row_id), (column, v)])}
                  for v, n in ranked(counts[column], 8, blank=False)]
        facets.append({"label": label, "column": column, "values": values})
    undated = months.pop(None, 0)
    return {
        "kind": "speaker",
        "title": speaker.get("name") or row_id,
        "speaker": speaker,
        "aliases": parse_aliases(speaker.get("aliases")),
        "count": count,
        "undated": undated,
        "chart": bars_svg(buckets(months)),
        "spellings": spellings,
        "statements": statements,
        "facets": facets,
        "tallied": tallied,
        "search_action": site.table("statements"),
        "all_url": site.table("statements", [("speaker_id", row_id)]
                              + [("_facet", c) for c in FACETS]),
    }


# --- Claim ----------------------------------------------------------------------------------

async def claim_page(site: Site, row_id: str) -> Optional[dict]:
    claim = await site.one("select * from claims where id = :id", {"id": row_id})
    if claim is None:
        return None
    timeline = await appearances(site, row_id, LIST_LIMIT)
    first = claim.get("first_statement_id") or (timeline[0]["id"] if timeline else None)
    for r in timeline:
        r["first"] = r["id"] == first
    params = {"id": row_id}
    speakers = await site.rows(
        "select speaker_id, speaker, count(*) as n from statements where claim_id = :id"
        " group by speaker_id, speaker order by n desc limit 50", params)
    for s in speakers:
        s["url"] = site.row("speakers", s["speaker_id"])
    outlets = await site.rows(
        "select coalesce(statements.channel, articles.publisher) as outlet, count(*) as n"
        " from statements left join articles on articles.id = statements.article_id"
        " where statements.claim_id = :id and outlet is not null"
        " group by outlet order by n desc limit 50", params)
    return {
        "kind": "claim",
        "title": claim.get("text") or row_id,
        "claim": claim,
        "timeline": timeline,
        "speakers": speakers,
        "outlets": outlets,
        "reviews": await site_reviews(site, row_id, None),
        "matches": await fact_checks_matching(
            site, "select id from statements where claim_id = :id", params),
    }


PAGES = {"statements": statement_page, "articles": article_page, "speakers": speaker_page,
         "claims": claim_page}


@hookimpl(specname="extra_template_vars")
def row_page_vars(view_name, database, table, request, datasette):
    if view_name != "row" or table not in PAGES or request is None:
        return {}

    async def page_vars():
        db = datasette.get_database(database)
        tables = set(await db.table_names())
        pks = urlsafe_components(request.url_vars["pks"])
        if not TRACKER_TABLES <= tables or table not in tables or len(pks) != 1:
            return {}
        page = await PAGES[table](Site(datasette, database, db, tables), pks[0])
        return {"tracker_page": page} if page else {}

    return page_vars
