"""Publication dates, whatever the input wrote, as ISO 8601 strings."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Optional, Union

from dateutil import parser as _dateparser

# Two defaults that differ in every field: a field that comes out different under each
# was not in the input, which is how we tell "2022-02-05" from "2022-02-05 00:00".
_DEFAULT_A = dt.datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = dt.datetime(2001, 2, 2, 1, 1, 1)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def normalize_date(value: Union[str, int, float, dt.date, None], *, dayfirst: bool = False) -> Optional[str]:
    """The date as ISO 8601, or None when it cannot be read (never raises).

    Returns "YYYY-MM-DD" when the input gives no time of day, "YYYY-MM-DDTHH:MM:SS" (plus
    "+HH:MM" when the input gives a zone) when it does, and "YYYY-MM" for a month without a day.
    Accepts ISO 8601, RFC 2822 ("Sat, 05 Feb 2022 10:00:00 +0100"), written dates ("Feb 5, 2022",
    "5 February 2022"), numeric dates ("05/02/2022" is read month first unless `dayfirst`, or
    unless the first number cannot be a month), epoch seconds or milliseconds, and datetime objects.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return _format(value, has_time=True)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 200:
        return None
    if _NUMBER.match(s):
        # A bare year ("2022") is a year; anything longer is an epoch timestamp.
        if re.fullmatch(r"\d{4}", s):
            year = int(s)
            return s if _MIN_YEAR <= year <= _MAX_YEAR else None
        if re.fullmatch(r"\d{8}", s):  # 20220205
            return _parse_text(s, dayfirst=False)
        return _from_epoch(float(s))
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None and _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        return _format(parsed, has_time=True)
    return _parse_text(s, dayfirst=dayfirst)


def _from_epoch(seconds: float) -> Optional[str]:
    if abs(seconds) >= 1e11:  # milliseconds: 1e11 seconds is the year 5138
        seconds /= 1000.0
    try:
        when = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    if not _MIN_YEAR <= when.year <= _MAX_YEAR:
        return None
    return _format(when.replace(microsecond=0), has_time=True)


def _parse_text(s: str, *, dayfirst: bool) -> Optional[str]:
    results = []
    for default in (_DEFAULT_A, _DEFAULT_B):
        try:
            results.append(_dateparser.parse(s, default=default, dayfirst=dayfirst))
        except (ValueError, OverflowError, TypeError, _dateparser.ParserError):
            # Prose around the date ("Published on Feb 5, 2022 by"): fuzzy only when a year shows,
            # because fuzzy parsing finds a "date" in almost any text.
            if not _YEAR.search(s):
                return None
            try:
                results.append(_dateparser.parse(s, default=default, dayfirst=dayfirst, fuzzy=True))
            except (ValueError, OverflowError, TypeError, _dateparser.ParserError):
                return None
    a, b = results
    if a.year != b.year or not _MIN_YEAR <= a.year <= _MAX_YEAR:
        return None  # no year given: "Feb 5" alone is not a publication date
    if a.month != b.month:
        return f"{a.year:04d}"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    has_time = a.hour == b.hour or a.minute == b.minute or a.tzinfo is not None
    return _format(a, has_time=has_time)


def _format(when: dt.datetime, *, has_time: bool) -> str:
    if not has_time:
        return when.date().isoformat()
    return when.replace(microsecond=0).isoformat()
