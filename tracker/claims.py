"""Which statements make the same claim: a claim's key (its content words, numbers and polarity)
and the similarity of two keys. Pure functions over text; claimstore.py keeps the groups.

Two statements make one claim when their keys are near-duplicates: re-worded wire copy, a quote
trimmed differently, the direct and the reported form ("will cost" / "would cost"). They are kept
apart when they assert something else: other numbers, the opposite polarity ("will not open"),
or one word swapped for another (another subject).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from typing import Iterable, Optional

DEFAULT_THRESHOLD = 0.7
NOT = "not"  # the key's polarity token: present when the claim is negated (an odd count)

# Function words, auxiliaries and modals (so "will cost" and "would cost" agree), pronouns (so
# "we will" and "they would" agree), and the speech verbs a reported claim may carry.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me
more most my myself of off on once only or other our ours ourselves out over own same shall she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves may might must us let lets ll re ve d s t m going gonna
say says said saying tell tells told telling according added adds claim claimed claims
dollar dollars euro euros
""".split())

NEGATIONS = frozenset("not no never nobody nothing none neither nor cannot without n't".split())

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12})
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
PERCENT = {"%", "percent", "per cent", "pct"}

_CONTRACTIONS = [
    (re.compile(r"\bwon't\b"), "will not"), (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bshan't\b"), "shall not"), (re.compile(r"n't\b"), " not"),
    (re.compile(r"'(s|re|ll|d|ve|m)\b"), " "),
]
_NUMBER = re.compile(
    r"(?<![\w.])[$£€¥]?\s?(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(%|percent\b|per cent\b|pct\b|thousand\b|million\b|billion\b|trillion\b|bn\b|mn\b|tn\b|[kmb]\b)?",
)
_WORD = re.compile(r"[^\W_]+")


def stem(word: str) -> str:
    """A light suffix stripper: "costs", "costing", "costed" -> "cost"; "cities" -> "city".

    Crude on purpose (no dictionary, microseconds a word): both sides of a comparison are
    stemmed alike, which is all grouping needs.
    """
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", "e"),
                         ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word[-2] in "su":  # "class", "bus"
                break
            word = word[: len(word) - len(suffix)] + repl
            if suffix in ("ing", "ed") and len(word) >= 4 and word[-1] == word[-2] \
                    and word[-1] not in "lsz":  # "planned" -> "plan"
                word = word[:-1]
            break
    if word.endswith("e") and len(word) >= 4:  # "raise"/"raised" -> "rais", "taxes" -> "tax"
        word = word[:-1]
    return word


def _number_token(value: float, percent: bool) -> str:
    text = f"{value:.6g}".replace("+", "")
    if "e" in text:  # 4e+07 -> an integer written out
        text = str(int(value))
    return "n" + text.replace(".", "d").replace("-", "") + ("pct" if percent else "")


def key_tokens(text: Optional[str]) -> list[str]:
    """The claim's key: its content words (stemmed), its numbers ("$40 million" -> n40000000)
    and NOT when it is negated, in order of first appearance, each once."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'").lower()
    # Accents off, as the full-text index (unicode61) takes them off its words.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    tokens: list[str] = []

    def number(match: re.Match) -> str:
        value = float(match.group(1).replace(",", ""))
        unit = (match.group(2) or "").strip()
        if unit in SCALES:
            value *= SCALES[unit]
        tokens.append(_number_token(value, unit in PERCENT))
        return " \x00 "  # a placeholder keeps the number's place in the order below

    text = _NUMBER.sub(number, text)
    numbers = iter(tokens)
    out: list[str] = []
    negations = 0
    words = re.findall(r"\x00|[^\W_]+", text)
    for i, word in enumerate(words):
        if word == "\x00":
            out.append(next(numbers))
        elif word in NEGATIONS:
            negations += 1
        elif word in NUMBER_WORDS:
            value = NUMBER_WORDS[word]
            following = words[i + 1] if i + 1 < len(words) else ""
            if following in SCALES:
                value *= SCALES[following]
            out.append(_number_token(value, following in PERCENT))
        elif word in SCALES and out and out[-1].startswith("n") and out[-1][1:2].isdigit():
            continue  # "ten million": already scaled
        elif word not in STOP_WORDS and not word.isdigit():
            out.append(stem(word))
        elif word.isdigit():  # a digit run the number pattern did not take (e.g. "3rd")
            out.append("n" + word)
    if negations % 2:
        out.append(NOT)
    return list(dict.fromkeys(out))


def is_number(token: str) -> bool:
    return token[:1] == "n" and token[1:2].isdigit()


def similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """How surely two claim keys make the same claim, 0 to 1.

    0 when the polarity or the numbers differ (a number left out asserts less). Otherwise a
    Jaccard overlap in which a word swapped for another counts twice (another subject, another
    verb), and where one key holds all of the other (a quote trimmed differently; four words at
    least, or three with a number) the overlap is raised halfway to 1.
    """
    a, b = set(a), set(b)
    if (NOT in a) != (NOT in b):
        return 0.0
    a.discard(NOT)
    b.discard(NOT)
    if {t for t in a if is_number(t)} != {t for t in b if is_number(t)}:
        return 0.0
    shared = len(a & b)
    if not shared:
        return 0.0
    only_a, only_b = len(a) - shared, len(b) - shared
    swapped = min(only_a, only_b)
    score = shared / (shared + only_a + only_b + swapped)
    smaller = a if len(a) <= len(b) else b
    # A fragment of three words ("the old harbour wall") is no claim of its own; with
    # a number ("the bridge would cost $40 million") it is.
    if not swapped and (len(smaller) >= 4 or (len(smaller) == 3 and any(map(is_number, smaller)))):
        score = (score + 1) / 2
    return score


def query_terms(tokens: list[str], doc_counts: dict[str, int], pick: int = 5,
                rare: int = 50) -> list[tuple[str, ...]]:
    """The term groups to look candidates up by, most selective first: any stored key holding
    every term of a group is a candidate.

    A rare token (held by at most `rare` keys) alone, so a short trimmed claim is still found,
    then pairs among the `pick` rarest tokens, fewest expected keys first. Tokens that no stored
    key holds cannot find anything, and polarity is no content: both are left out.
    """
    known = [t for t in tokens if doc_counts.get(t) and t != NOT]
    known.sort(key=lambda t: (doc_counts[t], tokens.index(t)))
    if len(known) <= 2:
        return [tuple(known)] if known else []
    rarest = known[:pick]
    singles = [(t,) for t in rarest if doc_counts[t] <= rare]
    pairs = [(a, b) for a, b in itertools.combinations(rarest, 2)
             if (a,) not in singles and (b,) not in singles]
    pairs.sort(key=lambda pair: doc_counts[pair[0]] * doc_counts[pair[1]])
    return singles + pairs


def best_match(tokens: list[str], candidates: Iterable[tuple[str, str]],
               threshold: float = DEFAULT_THRESHOLD) -> Optional[tuple[str, float]]:
    """The id of the most similar candidate (id, key) at or above threshold, with its score."""
    best = None
    tokens = set(tokens)
    # similarity() >= threshold needs at least this share of the larger key in common: most
    # candidates (two common words shared) are dropped on one set intersection.
    floor = 2 * threshold - 1
    for claim_id, key in candidates:
        other = key.split()
        if len(tokens.intersection(other)) < floor * max(len(tokens), len(other)):
            continue
        score = similarity(tokens, other)
        if score >= threshold and (best is None or score > best[1]):
            best = (claim_id, score)
    return best
