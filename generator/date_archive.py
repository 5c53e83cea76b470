"""The archive by date: years, months and days with their articles, and a month's calendar grid.

An article belongs to the calendar day written in its date (in the offset it was published with),
the day its page shows. Undated articles are not in the date archive.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from generator.article import Article, parse_iso_date


def article_day(article: Article) -> date | None:
    when = parse_iso_date(article.date) if article.date else None
    return when.date() if when else None


@dataclass(frozen=True)
class Day:
    day: date
    articles: tuple[Article, ...]      # newest first, as in the archive

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    days: dict[int, Day]               # day of the month -> Day, ascending

    @property
    def count(self) -> int:
        return sum(d.count for d in self.days.values())

    def weeks(self, first_weekday: int) -> list[list[date | None]]:
        """The month as calendar rows of seven days starting on `first_weekday` (0 = Monday);
        days of the neighbouring months are None."""
        grid = calendar.Calendar(first_weekday).monthdatescalendar(self.year, self.month)
        return [[d if d.month == self.month else None for d in week] for week in grid]


@dataclass(frozen=True)
class Year:
    year: int
    months: dict[int, Month]           # ascending

    @property
    def count(self) -> int:
        return sum(m.count for m in self.months.values())


@dataclass(frozen=True)
class DateArchive:
    years: dict[int, Year]             # ascending

    def month(self, year: int, month: int) -> Month | None:
        found = self.years.get(year)
        return found.months.get(month) if found else None

    def day(self, when: date) -> Day | None:
        found = self.month(when.year, when.month)
        return found.days.get(when.day) if found else None

    def months(self) -> list[Month]:
        return [m for y in self.years.values() for m in y.months.values()]

    def days(self) -> list[Day]:
        return [d for m in self.months() for d in m.days.values()]

    def adjacent_months(self, year: int, month: int) -> tuple[Month | None, Month | None]:
        """The nearest earlier and later months that have articles."""
        keys = [(m.year, m.month) for m in self.months()]
        return _neighbours(keys, (year, month), lambda k: self.month(*k))

    def adjacent_days(self, when: date) -> tuple[Day | None, Day | None]:
        """The nearest earlier and later days that have articles."""
        keys = [d.day for d in self.days()]
        return _neighbours(keys, when, self.day)


def _neighbours(keys, key, get):
    index = keys.index(key)
    before = get(keys[index - 1]) if index > 0 else None
    after = get(keys[index + 1]) if index + 1 < len(keys) else None
    return before, after


def build_date_archive(articles: list[Article]) -> DateArchive:
    """Group `articles` (newest first) by year, month and day; order within a day is kept."""
    grouped: dict[date, list[Article]] = {}
    for article in articles:
        day = article_day(article)
        if day is not None:
            grouped.setdefault(day, []).append(article)
    years: dict[int, dict[int, dict[int, Day]]] = {}
    for day in sorted(grouped):
        years.setdefault(day.year, {}).setdefault(day.month, {})[day.day] = Day(day, tuple(grouped[day]))
    return DateArchive({
        year: Year(year, {month: Month(year, month, days) for month, days in months.items()})
        for year, months in years.items()
    })
