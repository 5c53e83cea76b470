"""Dates for undated articles, inferred from the other coverage of their event.

Crawled copies often lose their date line, but the text says "today, Friday" or "yesterday,
Thursday". Such an article takes the day of its event's dated coverage that matches those words
(else the event's first day), at day precision and marked as inferred so readers can tell.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from generator.arabic import fold
from generator.article import Article, parse_iso_date

_WEEKDAYS = {  # folded spelling -> Monday=0
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}
_DAY_NAMES = "|".join(_WEEKDAYS)
_TODAY = re.compile(rf"(?:اليوم|today)[\s،,(]+({_DAY_NAMES})")
_YESTERDAY = re.compile(rf"(?:امس|yesterday)[\s،,(]+({_DAY_NAMES})")
_SEARCHED_CHARACTERS = 3000  # the cue sits in the lead; later mentions may be of other days


def publication_weekday(text: str) -> int | None:
    """The weekday the text was written on, from "today, <day>" or "yesterday, <day>"."""
    folded = fold(text[:_SEARCHED_CHARACTERS])
    today = _TODAY.search(folded)
    if today:
        return _WEEKDAYS[today.group(1)]
    yesterday = _YESTERDAY.search(folded)
    if yesterday:
        return (_WEEKDAYS[yesterday.group(1)] + 1) % 7
    return None


def _day(article: Article) -> date | None:
    when = parse_iso_date(article.date) if article.date else None
    return when.date() if isinstance(when, datetime) else None


def infer_dates(articles: list[Article], events: dict[str, str]) -> dict[str, str]:
    """Article id -> inferred ISO day, for undated articles whose event has dated coverage."""
    # Only the events of undated articles need their days (a few of the 31k archive's 18,000):
    # the dates of every article were parsed, and every article's days sorted, in each build.
    needed = {events[article.id] for article in articles if not article.date and events.get(article.id)}
    if not needed:
        return {}
    days_by_event: dict[str, set[date]] = {}
    for article in articles:
        event = events.get(article.id)
        if event in needed and article.date:
            day = _day(article)
            if day:
                days_by_event.setdefault(event, set()).add(day)
    inferred = {}
    for article in articles:
        if article.date:
            continue
        days = sorted(days_by_event.get(events.get(article.id, ""), ()))
        if not days:
            continue
        weekday = publication_weekday(article.title + "\n" + article.body)
        matching = [d for d in days if d.weekday() == weekday]
        inferred[article.id] = (matching or days)[0].isoformat()
    return inferred
