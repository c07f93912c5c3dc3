"""Storage: the schema as DESIGN.md gives it, one transaction per article, speakers merged."""

import json

import pytest

from tracker.models import Article, ExtractedArticle, Statement
from tracker.store import TABLES, open_db, save_article


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "t.db")


def statement(text, claim, speaker, mention=None, kind="person", **kw):
    start = text.index(claim)
    mention = mention or speaker
    s_start = text.index(mention)
    return Statement(claim=claim, claim_start=start, claim_end=start + len(claim),
                     speaker=speaker, speaker_text=mention, speaker_start=s_start,
                     speaker_end=s_start + len(mention), speaker_kind=kind, cue="said",
                     cue_lemma="say", **kw)


def test_schema_tables_fts_foreign_keys_and_indexes(db):
    names = set(db.table_names())
    assert {"articles", "statements", "speakers", "failures"} <= names
    for fts in ("statements_fts", "articles_fts"):
        assert {fts, f"{fts}_data", f"{fts}_idx", f"{fts}_docsize", f"{fts}_config"} <= names
    fks = {(fk.column, fk.other_table) for fk in db["statements"].foreign_keys}
    assert fks == {("article_id", "articles"), ("speaker_id", "speakers")}
    assert db.journal_mode == "wal"
    triggers = {t.name for t in db.triggers}
    assert {"statements_ai", "statements_ad", "statements_au"} <= triggers
    for table, spec in TABLES.items():
        indexed = {tuple(i.columns) for i in db[table].indexes}
        for columns in spec.get("indexes", []):
            assert tuple(columns) in indexed, (table, columns)


def test_schema_is_safe_to_reapply(tmp_path):
    path = tmp_path / "t.db"
    first = open_db(path)
    schema = first.schema
    assert open_db(path).schema == schema


def test_every_metadata_facet_column_is_indexed(db):
    from tracker.datasette_plugin.config import PACKAGE_METADATA, facet_column

    for table, spec in PACKAGE_METADATA["database"]["tables"].items():
        for facet in spec.get("facets", []):
            column = facet_column(facet)
            if column not in db[table].columns_dict:
                continue  # a table or column this schema does not have (yet)
            leading = {i.columns[0] for i in db[table].indexes}
            assert column in leading, f"{table}.{column} is faceted but not indexed"


def test_every_table_has_a_unique_sort_key(tmp_path):
    """Datasette sorts every table on sort_key: never null, unique, and in the order it promises."""
    from .browse_data import build_browse_db
    from tracker.store import SORT_KEYS

    path = tmp_path / "t.db"
    build_browse_db(path, articles=40)
    db = open_db(path)
    for table in SORT_KEYS:
        if not db[table].exists():
            continue
        (rows, keys, distinct, nulls), = db.execute(
            f"select count(*), count(sort_key), count(distinct sort_key), "
            f"sum(sort_key is null) from [{table}]")
        assert rows and rows == keys == distinct and not nulls, table
        assert any(i.unique and i.columns == ["sort_key"] for i in db[table].indexes), table
    newest = [r[0] for r in db.execute(
        "select published from statements order by sort_key desc")]
    dated = [d for d in newest if d is not None]
    assert dated == sorted(dated, reverse=True) and newest[len(dated):] == [None] * (len(newest) - len(dated))
    for article_id, in db.execute("select id from articles"):
        positions = [r[0] for r in db.execute(
            "select position from statements where article_id = ? order by sort_key desc", [article_id])]
        assert positions == sorted(positions)  # an article's statements in reading order
    counts = [r[0] for r in db.execute("select statement_count from speakers order by sort_key desc")]
    assert counts == sorted(counts, reverse=True)


def test_a_page_and_its_next_pages_read_rows_in_index_order(db):
    """Datasette's sorted page, filtered or not, and its next pages never sort every match."""
    from tracker.store import SORT_KEYS, SORTED_FILTERS

    def keyset(table):
        pk = db[table].pks[0]
        return f"(sort_key < :v or sort_key is null or (sort_key = :v and {pk} > :i))", pk

    for table in SORT_KEYS:
        if db[table].exists():
            where, pk = keyset(table)
            plan = " ".join(r[3] for r in db.execute(
                f"explain query plan select * from {table} where {where} "
                f"order by sort_key desc, {pk} limit 101", {"v": "x", "i": "y"}))
            assert plan == f"SCAN {table} USING INDEX idx_{table}_sort_key", plan
    for table, filters in SORTED_FILTERS.items():
        for column in filters:
            if column not in db[table].columns_dict:
                continue
            for where in ("", f"and {keyset(table)[0]}"):
                plan = " ".join(r[3] for r in db.execute(
                    f"explain query plan select * from {table} where {column} = :v {where} "
                    "order by sort_key desc, id limit 101", {"v": "x", "i": "y"}))
                assert f"idx_{table}_{column}_sort_key" in plan and "TEMP B-TREE FOR ORDER" not in plan, plan


def test_a_failing_article_leaves_nothing_behind(db):
    text = "The mayor said the bridge would open."
    good = ExtractedArticle(Article(text, source_path="/a.txt"),
                            [statement(text, "the bridge would open", "Jane Smith", "The mayor")])
    save_article(db, good)
    before = {t: list(db[t].rows) for t in ("articles", "statements", "speakers")}
    text2 = "The governor said the road would close."
    broken = statement(text2, "the road would close", "John Doe", "The governor")
    broken.claim = object()  # sqlite3 cannot bind it: the last insert of the article fails
    with pytest.raises(Exception):
        save_article(db, ExtractedArticle(Article(text2, source_path="/b.txt"), [broken]))
    after = {t: list(db[t].rows) for t in ("articles", "statements", "speakers")}
    assert after == before
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert db.execute("select count(*) from statements_fts").fetchone()[0] == 1


def test_speakers_merge_across_articles_by_name_surname_and_title(db):
    t1 = "UN Secretary-General Antonio Guterres said peace was possible."
    t2 = "Guterres said the talks would go on."
    t3 = "Mr. Antonio Guterres said nothing had changed."
    save_article(db, ExtractedArticle(Article(t2, source_path="/2.txt"), [
        statement(t2, "the talks would go on", "Guterres")]))
    save_article(db, ExtractedArticle(Article(t1, source_path="/1.txt"), [
        statement(t1, "peace was possible", "Antonio Guterres",
                  "UN Secretary-General Antonio Guterres")]))
    save_article(db, ExtractedArticle(Article(t3, source_path="/3.txt"), [
        statement(t3, "nothing had changed", "Mr. Antonio Guterres")]))
    speakers = list(db["speakers"].rows)
    assert len(speakers) == 1, speakers
    (row,) = speakers
    assert row["name"] == "Antonio Guterres"
    assert row["role"] == "UN Secretary-General"
    assert {"Guterres", "Antonio Guterres", "UN Secretary-General Antonio Guterres"} <= set(
        json.loads(row["aliases"]))
    assert {r["speaker"] for r in db["statements"].rows} == {"Antonio Guterres"}
    assert {r["speaker_id"] for r in db["statements"].rows} == {row["id"]}


def test_ambiguous_surname_is_not_merged(db):
    t1 = "John Smith said A. Jane Smith said B. Smith said C."
    save_article(db, ExtractedArticle(Article(t1, source_path="/x.txt"), [
        statement(t1, "A", "John Smith"), statement(t1, "B", "Jane Smith"),
        statement(t1, "C", "Smith", "Smith said C")]))
    names = sorted(r["name"] for r in db["speakers"].rows)
    assert names == ["Jane Smith", "John Smith", "Smith"]


def test_organization_spellings_merge(db):
    t1 = "The U.N. said aid was coming. The United Nations said more would follow."
    save_article(db, ExtractedArticle(Article(t1, source_path="/o.txt"), [
        statement(t1, "aid was coming", "U.N.", kind="organization"),
        statement(t1, "more would follow", "United Nations", kind="organization")]))
    assert db["speakers"].count == 1


def test_replacing_an_article_drops_speakers_left_without_statements(db):
    t1 = "Jane Roe said the dam was safe."
    article = Article(t1, source_path="/d.txt")
    save_article(db, ExtractedArticle(article, [statement(t1, "the dam was safe", "Jane Roe")]))
    t2 = "Tom Poe said the dam was safe."
    article2 = Article(t2, source_path="/d.txt")
    save_article(db, ExtractedArticle(article2, [statement(t2, "the dam was safe", "Tom Poe")]))
    assert [r["name"] for r in db["speakers"].rows] == ["Tom Poe"]
    assert db["articles"].count == 1


def test_seed_article_has_one_guterres_row(seed_db):
    import sqlite_utils

    db = sqlite_utils.Database(seed_db)
    rows = [r for r in db["speakers"].rows if "guterres" in r["aliases"].lower()]
    assert len(rows) == 1, rows
    aliases = set(json.loads(rows[0]["aliases"]))
    assert rows[0]["name"] == "Antonio Guterres"
    assert {"Guterres", "United Nations Secretary-General Antonio Guterres"} <= aliases
    assert rows[0]["kind"] == "person"


def test_pronouns_and_cited_documents_are_not_aliases(db):
    t = "Jane Roe arrived. She said the dam was safe. A Roe memo said costs rose."
    s1 = statement(t, "the dam was safe", "Jane Roe", "She")
    s2 = statement(t, "costs rose", "Jane Roe", "A Roe memo", source="memo")
    save_article(db, ExtractedArticle(Article(t, source_path="/p.txt"), [s1, s2]))
    (row,) = db["speakers"].rows
    assert json.loads(row["aliases"]) == ["Jane Roe"]


def test_surname_before_full_name_in_one_article(db):
    t = "Smith said taxes would fall. Later, John Smith said rates would rise."
    save_article(db, ExtractedArticle(Article(t, source_path="/s.txt"), [
        statement(t, "taxes would fall", "Smith"),
        statement(t, "rates would rise", "John Smith")]))
    assert [r["name"] for r in db["speakers"].rows] == ["John Smith"]
    assert {r["speaker"] for r in db["statements"].rows} == {"John Smith"}


def test_speaker_met_through_a_document_has_its_owners_kind(seed_db):
    """'a UN readout', 'the UN statement': the speaker is the United Nations, an organization."""
    import sqlite_utils

    db = sqlite_utils.Database(seed_db)
    (un,) = [r for r in db["speakers"].rows if r["name"] == "United Nations"]
    assert un["kind"] == "organization"
    sources = {r["source"] for r in db["statements"].rows_where("speaker_id = ?", [un["id"]])}
    assert {"readout", "statement"} <= sources
