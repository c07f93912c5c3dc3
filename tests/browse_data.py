"""A tracker database for the browsing tests, written through the store as `tracker ingest` writes.

Made to trip up paging: many rows share a date, speaker count or time, and many have none. The
articles are generated from sentences written for these tests; no spaCy is involved.
"""

from __future__ import annotations

import random

from tracker.models import Article, ExtractedArticle, Failure, Statement, stable_hash
from tracker.store import open_db, record_failure, save_article

PEOPLE = [f"{first} {last}" for first in ["Maria", "Tom", "Anna", "Samir", "Grace", "Lars",
                                            "Priya", "Jonas", "Elena", "Omar", "Ruth", "Kofi"]
          for last in ["Okonjo", "Reyes", "Lindqvist", "Haddad", "Mbeki", "Holm", "Nair", "Berg"]]
BODIES = ["the Ministry of Water", "the Harbour Authority", "the Teachers Union",
          "the Central Bank", "the City Council"]
CUES = [("said", "say", "speech"), ("told reporters", "tell", "speech"),
        ("believes", "believe", "belief"), ("denied", "deny", "speech"),
        ("wants", "want", "intention"), ("warned", "warn", "speech")]
SUBJECTS = ["the new bridge", "bus fares", "the river", "the school budget", "the harbour",
            "water prices", "the night trains", "the housing plan", "flood defences",
            "the city library"]
VERBS = ["will cost", "has doubled", "was never approved for", "saves", "cannot cover",
         "will open for", "is delayed by", "has cut"]
OBJECTS = ["twelve million euros", "every family in the north", "three more years",
           "the poorest districts", "two hundred jobs", "the summer season", "half the schools"]
CHANNELS = [None, None, None, "Radio North", "The Evening Ledger", "Coast Wire"]
SOURCES = [None, None, "statement", "spokesperson", "interview"]
# Null and equal dates on purpose, and one with a time zone (a "+" in the paging token).
DATES = [None, None, None, "2021-03-04", "2021-03-04", "2021-03-05",
         "2022-11-30T08:00:00+00:00", "2020-01-01"]


def article(i: int, rng: random.Random) -> ExtractedArticle:
    """One article: a lead sentence, then statements of the shape 'X said that Y.'"""
    text, statements = "Council notes for week %d. " % i, []
    for position in range(rng.randint(2, 8)):
        speaker = rng.choice(PEOPLE if rng.random() < .8 else BODIES)
        cue, lemma, _ = rng.choice(CUES)
        claim = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        kind = rng.choice(["indirect", "indirect", "direct", "mixed"])
        mention = speaker[0].upper() + speaker[1:]
        if kind == "direct":
            text += "\u201c"
            c0 = len(text)
            text += claim.capitalize() + ",\u201d "
            claim = claim.capitalize()
            s0 = len(text)
            text += f"{mention} {cue}. "
        else:
            s0 = len(text)
            text += f"{mention} {cue} that "
            c0 = len(text)
            text += claim + ". "
        statements.append(Statement(
            claim=claim, claim_start=c0, claim_end=c0 + len(claim), cue=cue, cue_lemma=lemma,
            speaker=speaker.removeprefix("the ").title() if speaker in BODIES else speaker,
            speaker_text=mention, speaker_start=s0, speaker_end=s0 + len(mention),
            speaker_kind="organization" if speaker in BODIES else "person", kind=kind,
            source=rng.choice(SOURCES), channel=rng.choice(CHANNELS),
            confidence=rng.choice([.5, .75, 1.0]), sentence=claim, position=position))
    published = rng.choice(DATES)
    return ExtractedArticle(Article(
        text=text, title=f"Week {i} at the council" if i % 7 else None,
        url=f"https://ledger.example/{i}", publisher=rng.choice(["Ledger", "Wire", None]),
        published=published, source_path=f"browse:{i}"), statements)


# The claims issue's tables as the data model contract names them, for databases made before
# they exist in the store: column -> type.
CONTRACT_TABLES = {
    "claims": ({"id": str, "text": str, "statement_count": int, "article_count": int,
                "speaker_count": int, "first_published": str, "first_statement_id": str,
                "first_article_id": str, "last_published": str, "last_statement_id": str,
                "review_count": int, "latest_rating": str}, "id"),
    "reviews": ({"id": str, "claim_id": str, "statement_id": str, "rating": str,
                 "rating_value": float, "best_rating": float, "worst_rating": float,
                 "reviewer": str, "author": str, "url": str, "date_published": str,
                 "explanation": str, "origin": str, "claimreview": str, "created_at": str}, "id"),
    "fact_checks": ({"id": str, "url": str, "claim_reviewed": str, "headline": str,
                     "rating": str, "rating_value": float, "best_rating": float,
                     "worst_rating": float, "reviewer": str, "claimant": str,
                     "claim_date": str, "date_published": str, "claimreview": str,
                     "source": str, "imported_at": str}, "id"),
    "statement_matches": ({"statement_id": str, "fact_check_id": str, "score": float},
                          ("statement_id", "fact_check_id")),
}


def add_claim_tables(db, rng: random.Random) -> None:
    """Rows for claims, reviews, fact_checks and statement_matches (tables made if missing)."""
    for name, (columns, pk) in CONTRACT_TABLES.items():
        if not db[name].exists():
            db[name].create(columns, pk=pk)
    statements = [r[0] for r in db.execute("select id from statements order by id")]
    ratings = ["False", "Mostly false", "True", None]
    for i in range(160):
        first = statements[i]
        db["claims"].insert({
            "id": stable_hash("claim", i), "text": f"claim number {i}",
            "statement_count": rng.choice([1, 1, 2, 3]), "article_count": 1, "speaker_count": 1,
            "first_published": rng.choice(DATES), "first_statement_id": first,
            "last_published": rng.choice(DATES), "last_statement_id": first,
            "review_count": 0, "latest_rating": rng.choice(ratings)})
    claims = [r[0] for r in db.execute("select id from claims order by id")]
    for i in range(130):
        db["reviews"].insert({
            "id": stable_hash("review", i), "claim_id": rng.choice(claims),
            "rating": rng.choice(ratings), "reviewer": rng.choice(["Check Desk", "Verify"]),
            "url": f"https://check.example/{i}", "date_published": rng.choice(DATES),
            "origin": rng.choice(["manual", "imported"]), "created_at": "2023-01-01T00:00:00"})
        db["fact_checks"].insert({
            "id": stable_hash("fact check", i), "url": f"https://verify.example/{i}",
            "claim_reviewed": f"reviewed claim {i}", "rating": rng.choice(ratings),
            "reviewer": rng.choice(["Check Desk", "Verify"]), "date_published": rng.choice(DATES),
            "imported_at": "2023-01-01T00:00:00"})
    checks = [r[0] for r in db.execute("select id from fact_checks")]
    pairs = {(rng.choice(statements), rng.choice(checks)) for _ in range(220)}
    db["statement_matches"].insert_all(
        {"statement_id": s, "fact_check_id": f, "score": rng.choice([.5, .9])} for s, f in pairs)


def build_browse_db(path, articles: int = 260, seed: int = 14) -> None:
    """Write the database at path: ~1,300 statements, 130 failures, and the claims tables."""
    rng = random.Random(seed)
    db = open_db(path)
    for i in range(articles):
        save_article(db, article(i, rng))
    for i in range(130):  # recorded within a second or two: many share a time
        record_failure(db, Failure(f"broken-{i}.html", "could not read the page"))
    with db.atomic():
        add_claim_tables(db, rng)
    db.close()
    open_db(path).close()  # the claims tables get their sort keys as the store gives them
