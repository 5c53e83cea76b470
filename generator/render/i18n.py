"""Interface strings and locale-aware date display for the two interfaces."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from generator.article import parse_iso_date

DIRECTION = {"ar": "rtl", "en": "ltr"}

MONTHS = {
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
           "أكتوبر", "نوفمبر", "ديسمبر"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
_WEEKDAYS = {
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

# The first column of a month calendar (0 = Monday): Saturday in the Arabic interface, as on
# calendars across most Arab countries; Monday (ISO 8601) in the English one.
FIRST_WEEKDAY = {"ar": 5, "en": 0}


def month_name(month: int, lang: str) -> str:
    return MONTHS[lang][month - 1]


# Column headings of a month calendar: the full Arabic names fit a phone's width; English is abridged.
_WEEKDAYS_SHORT = {
    "ar": _WEEKDAYS["ar"],
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}


def weekday_names(lang: str, first_weekday: int) -> list[tuple[str, str]]:
    """(short, full) weekday names in calendar-column order, starting at `first_weekday`."""
    return [(_WEEKDAYS_SHORT[lang][(first_weekday + i) % 7], _WEEKDAYS[lang][(first_weekday + i) % 7])
            for i in range(7)]


class StringsError(Exception):
    pass


def plural_category(lang: str, count: int) -> str:
    """The CLDR plural category of `count` (Arabic has six, English two)."""
    if lang == "ar":
        if count == 0:
            return "zero"
        if count == 1:
            return "one"
        if count == 2:
            return "two"
        if 3 <= count % 100 <= 10:
            return "few"
        if 11 <= count % 100 <= 99:
            return "many"
        return "other"
    return "one" if count == 1 else "other"


@dataclass(frozen=True)
class Strings:
    by_language: dict[str, dict[str, str | dict[str, str]]]

    def get(self, lang: str, key: str, **values) -> str:
        try:
            text = self.by_language[lang][key]
        except KeyError:
            raise StringsError(f"interface string {key!r} is missing for language {lang!r}") from None
        if isinstance(text, dict):  # plural forms, chosen by the `count` value
            forms = text
            text = forms.get(plural_category(lang, values.get("count", 0)), forms["other"])
        return text.format(**values) if values else text


def load_strings(templates_dir: Path, languages: tuple[str, ...]) -> Strings:
    tables = {}
    for lang in languages:
        path = templates_dir / "i18n" / f"{lang}.toml"
        try:
            tables[lang] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise StringsError(f"{path}: {error}") from None
    keys = [set(t) for t in tables.values()]
    missing = set.union(*keys) - set.intersection(*keys)
    if missing:
        raise StringsError(f"interface strings differ between languages: {', '.join(sorted(missing))}")
    for lang, table in tables.items():
        for key, value in table.items():
            if isinstance(value, dict) and "other" not in value:
                raise StringsError(f"templates/i18n/{lang}.toml: [{key}] needs an 'other' plural form")
    return Strings(tables)


def format_date(iso: str | None, precision: str | None, lang: str) -> str:
    """'الجمعة 22 يناير 2021، 10:42 ت.غ' / 'Friday 22 January 2021, 10:42 GMT'."""
    when = parse_iso_date(iso) if iso else None
    if when is None:
        return ""
    if precision != "minute":
        return _day(when, lang)
    return f"{_day(when, lang)}{_separator(lang)}{when:%H:%M}{_zone(when, lang)}"


def _separator(lang: str) -> str:  # between a day and its time
    return "، " if lang == "ar" else ", "


def _day(when: date, lang: str) -> str:
    return f"{_WEEKDAYS[lang][when.weekday()]} {when.day} {MONTHS[lang][when.month - 1]} {when.year}"


def _zone(when: datetime, lang: str) -> str:
    """' ت.غ' / ' GMT', ' UTC+03:00', or '' for a time without a zone."""
    offset = when.utcoffset()
    if offset is None:
        return ""
    if offset.total_seconds() == 0:
        return " ت.غ" if lang == "ar" else " GMT"
    minutes = int(offset.total_seconds() // 60)
    return f" UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_period(oldest_first: list[tuple[str, str | None]], lang: str) -> str:
    """The span of a page's dated items, given as (iso, precision) from the oldest to the newest:
    across days, the first and the last day ('Sunday 9 August 2015 – Monday 10 August 2015': the
    items' own days, which items in several zones can give out of their order); within one day, its
    times and zone once ('Monday 10 August 2015, 19:04 – 20:58 GMT'), or the day alone where an item
    has no time, the two ends' zones differ, or they are one moment. '' for no items."""
    moments = [(parse_iso_date(iso), precision) for iso, precision in oldest_first]
    days = sorted({when.date() for when, _ in moments if when})
    if not days:
        return ""
    if len(days) > 1:
        return f"{_day(days[0], lang)} – {_day(days[-1], lang)}"
    (first, _), (last, _) = moments[0], moments[-1]
    if first is None or last is None or any(precision != "minute" for _, precision in moments) or \
            _zone(first, lang) != _zone(last, lang) or f"{first:%H:%M}" == f"{last:%H:%M}":
        return _day(days[0], lang)
    return f"{_day(days[0], lang)}{_separator(lang)}{first:%H:%M} – {last:%H:%M}{_zone(last, lang)}"
