"""The rows that travel between reading, extraction and storage: plain dataclasses."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

EXTRACTOR_VERSION = "0.4.0"
ACCURATE_VERSION = EXTRACTOR_VERSION + "+accurate.5"  # the accurate mode's (.2: fine-tuned encoder; .3: all six layers; .4: the role tagger proposes candidates; .5: int8 encoder, windows 352 apart)


def extractor_version(accurate: bool, cue_types=None) -> str:
    """The version stored with statements made by the default or the accurate mode, naming the
    cue types kept when only some were (so a run that keeps others extracts the article again)."""
    version = ACCURATE_VERSION if accurate else EXTRACTOR_VERSION
    if cue_types is not None and set(cue_types) != set(CUE_TYPES):
        version += " (cue types: " + ", ".join(t for t in CUE_TYPES if t in set(cue_types)) + ")"
    return version

# Fields of one statement in `tracker extract` output (contract: DESIGN.md), in order.
STATEMENT_JSON_FIELDS = (
    "claim", "claim_start", "claim_end", "speaker", "speaker_text", "speaker_start",
    "speaker_end", "cue", "cue_type", "kind", "source", "channel", "confidence",
)

# What kind of attribution a cue makes (Statement.cue_type; tracker.extract.cue_types decides).
CUE_TYPES = ("speech", "belief", "intention", "evidence")


def stable_hash(*parts: object, length: int = 16) -> str:
    """A short hex digest of the parts, stable across runs and machines."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


def normalize_text(text: str) -> str:
    """The text with unicode, spacing and line endings normalized: what the content hash sees."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip()


def text_id(text: str) -> str:
    """The id of an article that has no identity but its text (stdin, a batch record without
    id or url): a line number or position is no identity, it changes when lines are added."""
    return stable_hash("text", normalize_text(text))


@dataclass
class Article:
    """One news article as read: its text exactly as stored (offsets index it) and metadata."""

    text: str
    id: Optional[str] = None
    title: Optional[str] = None
    url: Optional[str] = None
    publisher: Optional[str] = None
    author: Optional[str] = None
    published: Optional[str] = None  # ISO 8601 date or datetime
    source_path: Optional[str] = None  # file path, URL, "stdin", or "file.jsonl:12"

    def __post_init__(self):
        if not self.id:
            self.id = self.make_id()

    @functools.cached_property
    def content_hash(self) -> str:
        """Hash of the normalized text: an unchanged article is skipped without parsing.

        Cached: the ingest asks for it twice, and normalizing a 50 MB text is not free."""
        return stable_hash(normalize_text(self.text), length=32)

    def make_id(self) -> str:
        """Stable id: from the article's identity (url or path) where it has one, else its text.

        Keying on the url/path rather than the text lets an edited article replace its
        old statements instead of sitting beside them.
        """
        if self.url:
            return stable_hash("url", self.url)
        if self.source_path and self.source_path not in ("-", "stdin"):
            return stable_hash("path", self.source_path)
        return text_id(self.text)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass
class Statement:
    """One attribution: somebody is reported to have said, claimed, denied or believed something.

    Offsets are Python string offsets into the article text: text[claim_start:claim_end] == claim.
    """

    claim: str
    claim_start: int
    claim_end: int
    cue: Optional[str] = None
    cue_lemma: Optional[str] = None
    cue_type: str = "speech"  # speech, belief, intention or evidence (CUE_TYPES)
    cue_start: Optional[int] = None
    cue_end: Optional[int] = None
    speaker: Optional[str] = None  # canonical name within the article
    speaker_text: Optional[str] = None  # the mention as written
    speaker_start: Optional[int] = None
    speaker_end: Optional[int] = None
    speaker_kind: Optional[str] = None  # person, organization, government, document, media, group
    kind: str = "indirect"  # direct, indirect, mixed, assertion
    source: Optional[str] = None
    channel: Optional[str] = None  # the outlet's canonical name ("The Associated Press")
    channel_text: Optional[str] = None  # the channel as written ("the AP")
    confidence: float = 1.0
    sentence: Optional[str] = None
    position: int = 0

    def to_json(self) -> dict:
        """The contract fields of `tracker extract`, then the extra ones."""
        d = dataclasses.asdict(self)
        out = {k: d[k] for k in STATEMENT_JSON_FIELDS}
        for k in ("cue_lemma", "cue_start", "cue_end", "speaker_kind", "position", "channel_text"):
            out[k] = d[k]
        return out

    @classmethod
    def from_json(cls, d: dict) -> "Statement":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class Failure:
    """An input that could not be read or ingested, with a reason a user can act on."""

    input: str
    reason: str

    def __str__(self) -> str:
        return f"{self.input}: {self.reason}"


@dataclass
class ExtractedArticle:
    """An article with the statements extracted from it: what one worker hands the writer."""

    article: Article
    statements: list[Statement] = field(default_factory=list)
    error: Optional[str] = None  # why extraction failed for this article, if it did
    version: str = EXTRACTOR_VERSION  # the extractor that made the statements (ACCURATE_VERSION)
