"""Checks over a database's speakers and channels (issue 19): rows a reader could not trust.

Each check reads stored rows and returns those that fail it, as dicts; CHECKS names them all.
benchmarks/quality.py prints them for the held-out articles ingested; tests/test_quality_checks.py
ingests articles written for it and asserts that none fails.
"""

from __future__ import annotations

import json
import re
import sqlite_utils

from .extract.cues import OUTLET_CANONICAL
from .speakers import TITLES, fold, not_a_name


def bad_speakers(db: sqlite_utils.Database) -> list[dict]:
    """Speakers rows named by a pronoun, a weekday, a dateline, page furniture, markup or a
    lone common word ("I", "Monday", "OH", "Article", "<", "Voters"), each with why."""
    rows = db.execute("select id, name, statement_count from speakers").fetchall()
    return [{"id": i, "name": name, "statements": n, "why": why}
            for i, name, n in rows if (why := not_a_name(name))]


def _name_words(name: str) -> list[str]:
    """The folded words of a person's name or mention, titles, acronyms and lower-case words
    dropped ("Sen. Ted Cruz" -> ["ted", "cruz"], "a defensive Obama" -> ["obama"])."""
    return [fold(w) for w in re.findall(r"[\w'’-]+", name)
            if fold(w) not in TITLES and not (w.isupper() and len(w) > 1) and not w[:1].islower()]


def _other_given(name: str, alias: str) -> bool:
    """Does the alias give the name's surname another given name ("Melania Trump" for "Donald
    Trump")? Its word right before the surname (initials skipped) is the given name it gives."""
    own, words = _name_words(name), _name_words(alias)
    if len(own) < 2 or len(words) < 2 or words[-1] != own[-1]:
        return False
    before = [w for w in words[:-1] if len(w) > 1]
    if not before or any(w == own[0] or len(own[0]) == 1 and w.startswith(own[0]) for w in words[:-1]):
        return False
    return before[-1] not in own


def merged_given_names(db: sqlite_utils.Database) -> list[dict]:
    """Speakers rows whose aliases give the row's surname another given name ("Donald Trump"
    with the alias "Melania Trump"), each with that alias."""
    out = []
    for i, name, aliases in db.execute("select id, name, aliases from speakers where kind = 'person'"):
        alias = next((a for a in json.loads(aliases or "[]") if _other_given(name, a)), None)
        if alias is not None:
            out.append({"id": i, "name": name, "alias": alias})
    return out


def _outlet_words(name: str) -> list[str]:
    words = fold(name).split()
    return words[1:] if words[:1] == ["the"] else words


def _fragment_of(channel: str, outlet: str) -> bool:
    """Are the channel's words a proper run at the start or end of the outlet's ("Post" of
    "The Washington Post", "Washington" of it)?"""
    part, whole = _outlet_words(channel), _outlet_words(outlet)
    return 0 < len(part) < len(whole) and (whole[-len(part):] == part or whole[:len(part)] == part)


def fragment_channels(db: sqlite_utils.Database) -> list[dict]:
    """Channels that are a fragment of an outlet's name: of a listed outlet ("Post", "Times") or
    of the name the statement wrote ("Herald" for "the Miami Herald"), with their statements."""
    rows = db.execute("select channel, channel_text, count(*) from statements where channel is not null"
                      " group by channel, channel_text").fetchall()
    out: dict[str, dict] = {}
    for channel, written, n in rows:
        if channel in OUTLET_CANONICAL:
            continue
        whole = next((o for o in sorted(OUTLET_CANONICAL) if _fragment_of(channel, o)), None)
        if whole is None and written and _fragment_of(channel, written.split("'s ")[0].split("’s ")[0]):
            whole = written
        if whole is not None:
            row = out.setdefault(channel, {"channel": channel, "of": whole, "statements": 0})
            row["statements"] += n
    return list(out.values())


CHECKS = {"bad speakers": bad_speakers, "merged given names": merged_given_names,
          "fragment channels": fragment_channels}


def run_checks(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """Every check's failing rows, by the check's name."""
    return {name: check(db) for name, check in CHECKS.items()}
