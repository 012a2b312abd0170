"""Danish dates and times as printed in minutes ("Mandag d. 20. marts 2023 kl. 16:30",
"04.12.2012", "20-06-2013", "onsdag den 1. oktober 2025 kl. 15.45")."""

from __future__ import annotations

import re
from datetime import date, datetime, time

MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
}
_WORDS = re.compile(r"(\d{1,2})\.\s*(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})[-./](\d{1,2})[-./](\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIME = re.compile(r"(?:kl\.?\s*)(\d{1,2})[:.](\d{2})", re.I)
_TIME_BARE = re.compile(r"\b(\d{1,2}):(\d{2})\b")


def parse_date(text: str) -> date | None:
    for rx, order in ((_ISO, "ymd"), (_WORDS, "dmy-word"), (_NUMERIC, "dmy")):
        m = rx.search(text)
        if not m:
            continue
        try:
            if order == "ymd":
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if order == "dmy-word":
                return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            continue
    return None


def parse_time(text: str) -> time | None:
    m = _TIME.search(text) or _TIME_BARE.search(text)
    if not m:
        return None
    h, mi = int(m.group(1)), int(m.group(2))
    return time(h, mi) if h < 24 and mi < 60 else None


def parse_datetime(text: str) -> datetime | None:
    d = parse_date(text)
    if d is None:
        return None
    return datetime.combine(d, parse_time(text) or time(0, 0))


def with_time(start: datetime | None, text: str) -> datetime | None:
    """``start`` as a header line moves it: a line with a date and/or a time ("Mødedato: 4. december 2012",
    "Kl. 13.00"); a time alone keeps the date read before, a date alone the time when it is the same day."""
    d = parse_date(text)
    t = parse_time(text)
    if d is None and start is None:
        return None
    base = d or start.date()  # type: ignore[union-attr]
    if t is None and start is not None and d == start.date():
        t = start.time()
    return datetime.combine(base, t or time.min)
