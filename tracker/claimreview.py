"""schema.org ClaimReview JSON-LD, out and in: our verdicts as ClaimReview objects, and published
fact-checks read from JSON-LD files, fact-check pages, the Google Fact Check Tools API and the
DataCommons feed. Pure functions over data, plus the reading of files and URLs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional, Union

from .dates import normalize_date
from .models import stable_hash

CONTEXT = "https://schema.org"
ORGANIZATION_KINDS = {"organization", "government", "document", "media", "group"}


# -- out ---------------------------------------------------------------------------------------

def _compact(d: dict) -> dict:
    """The dict without its empty values (JSON-LD leaves unknown properties out)."""
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _number(value: Optional[float]) -> Union[int, float, None]:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def agent(name: Optional[str], kind: Optional[str] = None) -> Optional[dict]:
    """A speaker or reviewer as a schema.org Person or Organization (by the speaker kind)."""
    if not name:
        return None
    return {"@type": "Organization" if kind in ORGANIZATION_KINDS else "Person", "name": name}


def appearance(article: dict) -> dict:
    """An article as the CreativeWork a claim appeared in."""
    return _compact({
        "@type": "CreativeWork", "url": article.get("url"), "headline": article.get("title"),
        "datePublished": article.get("published"),
        "publisher": agent(article.get("publisher"), "organization"),
    })


def to_claimreview(review: dict, claim_reviewed: str, claimant: Optional[dict] = None,
                   claim_date: Optional[str] = None, appearances: list[dict] = ()) -> dict:
    """One reviews row as a ClaimReview, per schema.org and Google's fact-check guidelines.

    `claimant` is the speaker ({"name", "kind"}); `appearances` are the articles the claim
    appeared in ({"url", "title", "published", "publisher"}), the first appearance first.
    """
    reviewers = [a for a in (agent(review.get("reviewer"), "organization"),
                             agent(review.get("author"), "person")) if a]
    item = _compact({
        "@type": "Claim",
        "author": agent(claimant.get("name"), claimant.get("kind")) if claimant else None,
        "datePublished": claim_date,
        "appearance": [appearance(a) for a in appearances],
        "firstAppearance": appearance(appearances[0]) if appearances else None,
    })
    rating = _compact({
        "@type": "Rating", "alternateName": review["rating"],
        "ratingValue": _number(review.get("rating_value")),
        "bestRating": _number(review.get("best_rating")),
        "worstRating": _number(review.get("worst_rating")),
    })
    return _compact({
        "@context": CONTEXT, "@type": "ClaimReview", "url": review["url"],
        "claimReviewed": claim_reviewed,
        "author": reviewers[0] if len(reviewers) == 1 else reviewers,
        "datePublished": review.get("date_published"),
        "reviewRating": rating, "reviewBody": review.get("explanation"),
        "itemReviewed": item,
    })


# -- in ----------------------------------------------------------------------------------------

@dataclass
class FactCheck:
    """A published fact-check as imported: what a matcher needs, and the JSON as received."""

    url: str
    claim_reviewed: Optional[str] = None
    headline: Optional[str] = None
    rating: Optional[str] = None
    rating_value: Optional[float] = None
    best_rating: Optional[float] = None
    worst_rating: Optional[float] = None
    reviewer: Optional[str] = None  # the fact-checking organization
    author: Optional[str] = None  # the person who wrote it, when given
    claimant: Optional[str] = None  # who made the claim
    claim_date: Optional[str] = None
    date_published: Optional[str] = None
    appearances: list[str] = field(default_factory=list)  # urls the claim appeared at
    language: Optional[str] = None
    explanation: Optional[str] = None
    claimreview: str = ""  # the object as received (JSON)
    source: Optional[str] = None  # the file or URL it was imported from

    @property
    def id(self) -> str:
        return stable_hash("fact_check", self.url)


class BrokenObject(ValueError):
    """A ClaimReview that cannot be imported; str() is the reason."""


def _local(type_name: Any) -> set[str]:
    """The local names of an @type ("ClaimReview", "schema:ClaimReview", a URL, or a list)."""
    names = type_name if isinstance(type_name, list) else [type_name]
    return {str(n).rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1] for n in names if n}


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else (None if value == [] else value)


def _text(value: Any) -> Optional[str]:
    """A text value: a string, a number, or the name/url of a node."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url") or value.get("@id")
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _float(value: Any) -> Optional[float]:
    value = _first(value)
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _agents(value: Any) -> list[dict]:
    nodes = value if isinstance(value, list) else [value]
    return [n if isinstance(n, dict) else {"name": n} for n in nodes if n]


def _urls(value: Any) -> list[str]:
    out = []
    for node in value if isinstance(value, list) else [value]:
        url = node.get("url") or node.get("@id") if isinstance(node, dict) else node
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            out.append(url)
    return out


def from_claimreview(obj: dict, source: Optional[str] = None) -> FactCheck:
    """A schema.org ClaimReview object as a FactCheck; BrokenObject when it has no usable url."""
    url = _text(obj.get("url")) or (obj.get("@id") if str(obj.get("@id", "")).startswith("http") else None)
    if not url:
        raise BrokenObject("a ClaimReview without a url")
    rating = _first(obj.get("reviewRating")) or {}
    if not isinstance(rating, dict):
        rating = {"alternateName": rating}
    item = _first(obj.get("itemReviewed")) or {}
    if not isinstance(item, dict):
        item = {}
    authors = _agents(obj.get("author")) + _agents(obj.get("publisher"))
    organization = next((a for a in authors if "Organization" in _local(a.get("@type"))
                         or "NewsMediaOrganization" in _local(a.get("@type"))), None)
    person = next((a for a in authors if "Person" in _local(a.get("@type"))), None)
    reviewer = organization or (authors[0] if authors and person is None else None)
    return FactCheck(
        url=url, claim_reviewed=_text(obj.get("claimReviewed")),
        headline=_text(obj.get("headline")) or _text(obj.get("name")),
        rating=_text(rating.get("alternateName")) or _text(rating.get("name")),
        rating_value=_float(rating.get("ratingValue")), best_rating=_float(rating.get("bestRating")),
        worst_rating=_float(rating.get("worstRating")),
        reviewer=_text(reviewer), author=_text(person),
        claimant=_text(item.get("author")), claim_date=normalize_date(_text(item.get("datePublished"))),
        date_published=normalize_date(_text(obj.get("datePublished"))),
        appearances=list(dict.fromkeys(_urls(item.get("firstAppearance"))
                                       + _urls(item.get("appearance")))),
        language=_text(obj.get("inLanguage")), explanation=_text(obj.get("reviewBody")),
        claimreview=json.dumps(obj, ensure_ascii=False), source=source,
    )


def claim_venue(claimreview: Optional[str]) -> str:
    """Where the reviewed claim was made, as a ClaimReview's JSON describes it ("a presidential
    debate", "a tweet"): its itemReviewed's appearance (or firstAppearance) description, lower-cased;
    '' when it gives none or the JSON is absent or unreadable."""
    try:
        item = _first(json.loads(claimreview or "{}").get("itemReviewed")) or {}
    except (ValueError, AttributeError):
        return ""
    for key in ("appearance", "firstAppearance"):
        node = _first(item.get(key)) if isinstance(item, dict) else None
        if isinstance(node, dict) and isinstance(node.get("description"), str):
            return " ".join(node["description"].lower().split())
    return ""


def from_fact_check_tools(claim: dict, review: dict, source: Optional[str] = None) -> FactCheck:
    """One claimReview of a claim in a Google Fact Check Tools API response as a FactCheck."""
    url = _text(review.get("url"))
    if not url:
        raise BrokenObject("a claimReview without a url")
    publisher = review.get("publisher") or {}
    return FactCheck(
        url=url, claim_reviewed=_text(claim.get("text")), headline=_text(review.get("title")),
        rating=_text(review.get("textualRating")),
        reviewer=_text(publisher.get("name")) or _text(publisher.get("site")),
        claimant=_text(claim.get("claimant")), claim_date=normalize_date(claim.get("claimDate")),
        date_published=normalize_date(review.get("reviewDate")),
        language=_text(review.get("languageCode")),
        claimreview=json.dumps({**claim, "claimReview": [review]}, ensure_ascii=False),
        source=source,
    )


Found = tuple[str, Union[FactCheck, BrokenObject]]  # (position, what was found there)


def find_fact_checks(value: Any, where: str, source: Optional[str] = None,
                     strict: bool = False) -> Iterator[Found]:
    """Every ClaimReview in a JSON value, wherever it sits: the value itself, a list, @graph,
    a DataFeed's dataFeedElement[].item[], a page's mainEntity, or a Fact Check Tools API
    response's claims[].claimReview[]. `where` names the value's position; `strict` reports a
    top-level value that holds no ClaimReview (a line of a ClaimReview file) as broken.
    """
    found = False
    for position, item in _walk(value, where):
        found = True
        if isinstance(item, BrokenObject):
            yield position, item
            continue
        kind, obj, extra = item
        try:
            fact_check = (from_claimreview(obj, source) if kind == "ClaimReview"
                          else from_fact_check_tools(obj, extra, source))
        except BrokenObject as e:
            yield position, e
        else:
            yield position, fact_check
    if strict and not found:
        yield where, BrokenObject("no ClaimReview in it" + (
            f" (@type {', '.join(sorted(_local(value.get('@type'))))})"
            if isinstance(value, dict) and value.get("@type") else ""))


def _walk(value: Any, where: str, depth: int = 0) -> Iterator[tuple[str, Any]]:
    if depth > 12:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{where}[{i}]", depth + 1)
        return
    if not isinstance(value, dict):
        return
    if "ClaimReview" in _local(value.get("@type")):
        yield where, ("ClaimReview", value, None)
        return
    reviews = value.get("claimReview")
    if isinstance(reviews, list) and ("text" in value or "claimant" in value):
        for i, review in enumerate(reviews):  # Fact Check Tools API: claims[].claimReview[]
            if isinstance(review, dict):
                yield f"{where}.claimReview[{i}]", ("api", value, review)
            else:
                yield f"{where}.claimReview[{i}]", BrokenObject("a claimReview that is not an object")
        return
    for key, child in value.items():
        if isinstance(child, (dict, list)) and key not in ("@context",):
            yield from _walk(child, f"{where}.{key}" if where else key, depth + 1)


def compact_rdfa(nodes: list[dict]) -> list[dict]:
    """RDFa as extruct gives it (expanded JSON-LD nodes) as compact objects with nested nodes."""
    by_id = {n.get("@id"): n for n in nodes if isinstance(n, dict)}

    def value(v: Any, seen: frozenset) -> Any:
        if isinstance(v, list):
            values = [value(x, seen) for x in v]
            return values[0] if len(values) == 1 else values
        if isinstance(v, dict):
            if "@value" in v:
                return v["@value"]
            ref = v.get("@id")
            if ref in by_id and ref not in seen and len(v) == 1:
                return node(by_id[ref], seen | {ref})
            return ref if len(v) == 1 else v
        return v

    def node(n: dict, seen: frozenset) -> dict:
        out: dict = {}
        for key, v in n.items():
            if key == "@type":
                out["@type"] = sorted(_local(v))[0] if len(_local(v)) == 1 else sorted(_local(v))
            elif key == "@id":
                if not str(v).startswith("_:"):
                    out["@id"] = v
            else:
                out[key.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]] = value(v, seen)
        return out

    return [node(n, frozenset({n.get("@id")})) for n in nodes if isinstance(n, dict)]


def embedded_in_html(html: str, base_url: Optional[str] = None) -> list:
    """The structured data of a page (JSON-LD, microdata and RDFa), as JSON-LD-like objects."""
    import extruct

    data = extruct.extract(html, base_url=base_url, syntaxes=["json-ld", "microdata", "rdfa"],
                           uniform=True, errors="ignore")
    return data.get("json-ld", []) + data.get("microdata", []) + compact_rdfa(data.get("rdfa", []))


# -- reading sources ---------------------------------------------------------------------------

def read_source(source: str, timeout: float = 20.0, allow_private: bool = False) -> Iterator[Found]:
    """Every fact-check in a file or http(s) URL: JSON-LD (one object, a list, @graph), JSON
    lines, a Fact Check Tools API response, the DataCommons feed, or an HTML page with its
    ClaimReview embedded. A file or URL that cannot be read at all raises OSError or ValueError
    with a one-line reason; a broken object is yielded with its position, and reading goes on.
    """
    if source.startswith(("http://", "https://")):
        from .fetch import FetchError, fetch, redact
        from .readers import decode_text

        try:
            page = fetch(source, timeout=timeout, allow_private=allow_private)
        except FetchError as e:
            raise OSError(str(e)) from None
        text = decode_text(page.content, page.charset)
        label = redact(source)  # what is stored and shown: never a password
        if "json" in page.content_type or text.lstrip()[:1] in ("{", "["):
            yield from _json_text(text, label)
        else:
            yield from find_fact_checks(embedded_in_html(text, base_url=page.url), label, label)
        return
    with open(source, "rb") as f:
        head = f.read(4096)
    from .readers import _looks_like_html, decode_text

    if _looks_like_html(head):
        with open(source, "rb") as f:
            html = decode_text(f.read())
        yield from find_fact_checks(embedded_in_html(html), source, source)
    elif _is_json_lines(source):
        yield from _json_lines(source)
    else:
        with open(source, encoding="utf-8-sig") as f:
            yield from _json_text(f.read(), source)


def _json_text(text: str, source: str) -> Iterator[Found]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON, JSON lines or HTML ({e})") from None
    yield from find_fact_checks(value, source, source, strict=not isinstance(value, list))
    if isinstance(value, list):  # a list of ClaimReviews: an item that is none is broken
        for i, item in enumerate(value):
            if not any(True for _ in _walk(item, "")):
                yield f"{source}[{i}]", BrokenObject("no ClaimReview in it")


def _is_json_lines(path: str) -> bool:
    """True when the file's first line is a whole JSON value and more lines follow."""
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        first = f.readline()
        try:
            json.loads(first)
        except json.JSONDecodeError:
            return False
        return any(line.strip() for line in f)


def _json_lines(path: str) -> Iterator[Found]:
    """One object per line, read as a stream: memory stays flat however long the file."""
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                value = json.loads(line)
            except json.JSONDecodeError as e:
                yield where, BrokenObject(f"not JSON ({e})")
                continue
            yield from find_fact_checks(value, where, path, strict=True)


def write_json_list(objects: Iterator[dict], out) -> int:
    """Write objects as one JSON list, streamed; returns how many."""
    count = 0
    out.write("[")
    for obj in objects:
        out.write((",\n" if count else "\n") + json.dumps(obj, ensure_ascii=False, indent=2))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
