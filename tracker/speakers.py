"""Speaker names across articles: the key that decides when two mentions are one real-world speaker.

Pure functions; the store calls them to merge speakers rows across articles.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional

# Honorifics and titles that do not change who is meant ("President Xi Jinping" is "Xi Jinping").
TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "vice", "prime", "minister", "secretary", "general", "secretary-general",
    "sen", "senator", "rep", "representative", "gov", "governor", "mayor", "judge", "justice",
    "chancellor", "king", "queen", "prince", "princess", "pope", "rev", "gen", "col", "capt",
    "lt", "sgt", "adm", "chief", "ambassador", "commissioner", "director", "chairman", "chair",
    "speaker", "leader", "foreign", "defense", "defence", "attorney", "state", "former", "the",
}

# Spelling variants of the same organization (after normalization).
ORG_ALIASES = {
    "un": "united nations",
    "u n": "united nations",
    "the un": "united nations",
    "the united nations": "united nations",
    "us": "united states",
    "u s": "united states",
    "usa": "united states",
    "the us": "united states",
    "the united states": "united states",
    "uk": "united kingdom",
    "u k": "united kingdom",
    "britain": "united kingdom",
    "eu": "european union",
    "the eu": "european union",
    "who": "world health organization",
    "nato": "nato",
}


def fold(name: str) -> str:
    """Lowercase ASCII-ish form with punctuation as spaces: 'U.N.' -> 'u n', 'António' -> 'antonio'."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"[’'`]s\b", "", name.lower())
    name = re.sub(r"[^\w-]+", " ", name)
    return re.sub(r"\s+", " ", name).strip()


def speaker_key(name: str, kind: Optional[str] = None) -> str:
    """The identity key of a canonical speaker name: equal keys are one speakers row."""
    folded = fold(name)
    if folded in ORG_ALIASES:
        return ORG_ALIASES[folded]
    if kind in (None, "person"):
        words = folded.split()
        # Drop leading titles but keep at least one word ("President" alone stays).
        while len(words) > 1 and words[0] in TITLES:
            words.pop(0)
        folded = " ".join(words)
    return folded


PRONOUNS = {
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "who",
    "which", "that", "this", "these", "those", "one", "someone", "some", "others",
}
DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "these"}


def is_alias(mention: Optional[str]) -> bool:
    """Whether a mention names its speaker (a name or a titled role), not a pronoun or a common noun.

    'Guterres', 'the UN chief', 'The Guardian' are aliases; 'he', 'his spokesperson', 'Trump and
    Cruz' are not.
    """
    if not mention or " and " in mention or mention.count("(") != mention.count(")"):
        return False  # two people ("Donald Trump and Sen. Ted Cruz (R-Texas"), or cut short
    words = mention.split()
    if not words or mention.lower() in PRONOUNS:
        return False
    if words[0].lower() in DETERMINERS:
        words = words[1:]
    return any(w[:1].isupper() for w in words)


def surname(name: str) -> Optional[str]:
    """The last word of a multi-word person name's key, else None."""
    words = speaker_key(name, "person").split()
    return words[-1] if len(words) > 1 else None


def merge_aliases(*alias_lists: Iterable[str]) -> list[str]:
    """Union of alias lists, first spelling of each wins, in first-seen order."""
    seen: dict[str, str] = {}
    for aliases in alias_lists:
        for alias in aliases:
            if alias and alias.strip():
                seen.setdefault(alias.strip().lower(), alias.strip())
    return list(seen.values())


def role_from_mention(mention: Optional[str], name: str) -> Optional[str]:
    """The title a mention gives its speaker: 'UN Secretary-General Antonio Guterres' -> 'UN Secretary-General'."""
    if not mention or not name or not mention.endswith(name) or mention == name:
        return None
    role = mention[: -len(name)].strip(" ,")
    if not role or role.lower() in ("the", "a", "an"):
        return None
    return role



# What a speakers row is never named (issue 19). The store links such a speaker to no row;
# tracker.checks finds any that got in.
QUOTED_PRONOUNS = frozenset("i me my mine we us our ours you your yours".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# US postal codes of states, as datelines write them ("CLEVELAND, OH —")
STATE_CODES = frozenset("""AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO
MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC""".split())
FURNITURE = frozenset("""article advertisement advert continued below photo photos image images
video caption share comments comment click subscribe story related read watch more print email
newsletter getty updated published""".split())
# Words for anyone of a kind, never one speaker ("Voters", "officials", "Critics"); the names of
# parties and peoples ("Democrats", "Americans") are names.
COMMON_WORDS = frozenset("""
officials critics experts analysts lawmakers leaders supporters opponents residents voters
people activists protesters demonstrators scientists researchers sources observers members
authorities diplomats investigators prosecutors economists campaigners groups advocates
conservatives liberals others many some most several few both all everyone everybody someone
somebody anyone nobody none one new polls poll surveys survey reports report studies study
data records documents statement statements officers police doctors teachers parents students
workers women men children families citizens insiders aides advisers advisors strategists
pollsters candidates senators governors mayors judges lawyers reporters journalists scholars
historians owners executives employees staff spokesman spokeswoman spokesperson official
source expert analyst voter resident witness aide adviser advisor critic supporter opponent
lawmaker leader author
""".split())
MARKUP = frozenset("<>{}[]=\\|")  # a slash joins names ("NBC News/Wall Street Journal")


def _pronoun(name: str) -> bool:
    return name.strip().lower() in PRONOUNS | QUOTED_PRONOUNS


def _weekday(name: str) -> bool:
    return fold(name) in WEEKDAYS


def _dateline(name: str) -> bool:
    """"OH", "CLEVELAND, OH", "WASHINGTON —", "LONDON (Reuters)"."""
    name = name.strip()
    if re.search(r"[—–]$|\((?:AP|Reuters|AFP)\)", name):
        return True
    last = name.split(",")[-1].strip()
    return name.upper() == name and last in STATE_CODES


def _furniture(name: str) -> bool:
    words = fold(name).split()
    return bool(words) and all(w in FURNITURE for w in words)


def _markup(name: str) -> bool:
    return any(c in MARKUP for c in name) or "href" in name or "http" in name.lower() \
        or name.strip()[:1] == "/" or name.strip()[-1:] == "/" or not any(c.isalpha() for c in name)


def _common_word(name: str) -> bool:
    words = name.strip(" .,;:").split()
    return len(words) == 1 and (words[0].islower() or fold(name) in COMMON_WORDS)


NOT_NAMES = {"pronoun": _pronoun, "weekday": _weekday, "dateline": _dateline,
             "page furniture": _furniture, "markup": _markup, "common word": _common_word}


def not_a_name(name: Optional[str]) -> Optional[str]:
    """Why a speaker name cannot be a speakers row (a key of NOT_NAMES, or "empty"), or None
    when it can be one."""
    if not name or not name.strip():
        return "empty"
    return next((why for why, rule in NOT_NAMES.items() if rule(name)), None)
