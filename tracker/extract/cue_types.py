"""What kind of attribution a cue makes (Statement.cue_type, a contract field): speech (said,
told, wrote, tweeted, according to), belief (believes, thinks, knows, expects), intention (wants,
plans, hopes) or evidence (a poll shows, a study finds, records show). A reader filters on it:
`tracker extract/ingest --cue-types speech,belief`.
"""

from __future__ import annotations

from typing import Iterable, Optional

from ..models import CUE_TYPES, Statement
from . import cues

# frames whose structure says the kind, whatever the word: "X is confident that", "X seems to"
_BELIEF_FRAMES = frozenset({"adj", "raising"})
# frames whose speaker is the source itself ("according to a poll", "In a new survey, ...")
_SOURCE_FRAMES = frozenset({"according", "insource"})


def cue_type(cue_lemma: Optional[str], frame: Optional[str] = None, speaker_lemma: Optional[str] = None,
             cue: Optional[str] = None) -> str:
    """The cue type of an attribution from its cue lemma ("say", "call for", "according to"),
    its frame's name, the lemma of its speaker's head word ("poll", "record", "Smith") and the
    cue as written (the tagger's lemma is sometimes wrong: "hopes" -> "hop")."""
    words = _forms((cue_lemma or "").split(" ")[0]) | _forms((cue or "").split(" ")[0])
    data = (speaker_lemma or "").lower() in cues.DATA_SOURCES
    if data and (words & cues.EVIDENCE_CUES or frame in _SOURCE_FRAMES):
        return "evidence"
    if frame in _BELIEF_FRAMES:
        return "belief"
    if words & cues.INTENTION_CUES:
        return "intention"
    if words & cues.BELIEF_CUES:
        return "belief"
    return "speech"


def _forms(word: str) -> set:
    """The word and what it may be without an inflection ("hopes", "hoped", "hoping" -> "hope")."""
    w = word.lower()
    forms = {w}
    for end, back in (("s", ""), ("es", ""), ("d", ""), ("ed", ""), ("ing", ""), ("ing", "e")):
        if w.endswith(end) and len(w) > len(end) + 2:
            forms.add(w[:-len(end)] + back)
    return forms


def parse_cue_types(value: str) -> tuple[str, ...]:
    """The cue types a comma-separated list names ("speech,belief"), in the contract's order;
    ValueError naming any word that is none of them."""
    asked = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = [v for v in asked if v not in CUE_TYPES]
    if unknown or not asked:
        raise ValueError(f"{', '.join(unknown) or repr(value)}: not a cue type (choose from {', '.join(CUE_TYPES)})")
    return tuple(t for t in CUE_TYPES if t in asked)


def keep_cue_types(statements: Iterable[Statement], types: Optional[Iterable[str]]) -> list[Statement]:
    """The statements whose cue type is one of `types` (all of them when types is None)."""
    if types is None:
        return list(statements)
    types = frozenset(types)
    return [s for s in statements if s.cue_type in types]
