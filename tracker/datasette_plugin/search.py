"""Full-text search that never fails: whatever a person types becomes a valid FTS5 query."""

from __future__ import annotations

import re

import markupsafe

# A quoted phrase, or a run of anything but spaces and quotes (a trailing * asks for a prefix).
TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')
# Characters FTS5 cannot take inside a string (it stops at NUL) or that no tokenizer keeps.
UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
# What matches no row: an empty phrase (an empty query is a syntax error).
NOTHING = '""'
WORD = re.compile(r"\w")

# Highlight markers that the canned searches' highlight() and snippet() put around matched words.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


def fts_query(text) -> str:
    """An FTS5 query matching the words of text in any order; never a syntax error.

    Each word or "quoted phrase" becomes a quoted FTS5 phrase, so operators (AND, NEAR, -, ^,
    parentheses, column filters) are plain words; a word ending in * matches words starting
    with it. Text without a word matches nothing.
    """
    terms = []
    for phrase, word in TERM.findall(UNSAFE.sub(" ", str(text or ""))):
        prefix = False
        if word:
            prefix = word.endswith("*")
            phrase = word.rstrip("*")
        if not WORD.search(phrase):
            continue
        terms.append('"' + phrase.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms) or NOTHING


def render_marked(value) -> markupsafe.Markup | None:
    """HTML of text whose matched words are marked (MARK_START ... MARK_END), or None if unmarked.

    The text is escaped first: it comes from articles; only the <mark> tags are ours.
    """
    if not isinstance(value, str) or MARK_START not in value:
        return None
    escaped = str(markupsafe.escape(value))
    html = MARKED.sub(r"<mark>\1</mark>", escaped)
    return markupsafe.Markup(html.replace(MARK_START, "").replace(MARK_END, ""))


# The ranked search (a canned query) that stands in for each table's own search when a person
# asks for relevance order (?_sort=rank): Datasette's table page can only sort on a column.
RANKED_SEARCHES = {"statements": "search_claims", "articles": "search_articles"}
TABLE_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/.]+)(?P<ext>\.json|\.csv)?$")


def search_redirect(path: str, args: list[tuple[str, str]]) -> tuple[str, list] | None:
    """The page to show instead of a table search Datasette cannot answer, or None if it can.

    ?_sort=rank goes to the ranked search of the table (or is dropped where it has none);
    a blank ?_search= is dropped, so an empty search box shows every row.
    """
    match = TABLE_PATH.match(path)
    if not match:
        return None
    search = next((v for k, v in args if k == "_search"), None)
    rank = any(k in ("_sort", "_sort_desc") and v == "rank" for k, v in args)
    if rank and search and search.strip() and match["table"] in RANKED_SEARCHES:
        ranked = f"/{match['database']}/{RANKED_SEARCHES[match['table']]}{match['ext'] or ''}"
        return ranked, [("q", search)]
    kept = [(k, v) for k, v in args
            if not (k in ("_sort", "_sort_desc") and v == "rank")
            and not (k == "_search" and not v.strip())]
    return (path, kept) if kept != args else None
