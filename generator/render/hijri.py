"""The Hijri (Umm al-Qura) calendar beside the Gregorian one, as shown in both interfaces.

hijridate covers 1343–1500 AH (1924-08-01 to 2077-11-16); outside that range nothing is shown
rather than a wrong date.
"""

from __future__ import annotations

import calendar
from datetime import date

from hijridate import Gregorian, Hijri

_ERA = {"ar": "هـ", "en": "AH"}


def to_hijri(day: date) -> Hijri | None:
    try:
        return Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return None


def _month_name(hijri: Hijri, lang: str) -> str:
    return hijri.month_name("ar" if lang == "ar" else "en")


def hijri_date_text(day: date | None, lang: str) -> str:
    """'9 جمادى الآخرة 1442 هـ' / '9 Jumada al-Akhirah 1442 AH', or '' outside the supported range."""
    hijri = to_hijri(day) if day else None
    if hijri is None:
        return ""
    return f"{hijri.day} {_month_name(hijri, lang)} {hijri.year} {_ERA[lang]}"


def _span(first: Hijri | None, last: Hijri | None, lang: str, months: bool) -> str:
    if first is None or last is None:
        return ""
    era = _ERA[lang]
    if not months:
        years = str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
        return f"{years} {era}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{_month_name(first, lang)} {first.year} {era}"
    if first.year == last.year:
        return f"{_month_name(first, lang)} – {_month_name(last, lang)} {first.year} {era}"
    return f"{_month_name(first, lang)} {first.year} – {_month_name(last, lang)} {last.year} {era}"


def hijri_month_span_text(year: int, month: int, lang: str) -> str:
    """The Hijri months a Gregorian month overlaps: 'Jumada al-Awwal – Jumada al-Akhirah 1442 AH'."""
    last_day = calendar.monthrange(year, month)[1]
    return _span(to_hijri(date(year, month, 1)), to_hijri(date(year, month, last_day)), lang, months=True)


def hijri_year_span_text(year: int, lang: str) -> str:
    """The Hijri years a Gregorian year overlaps: '1442–1443 AH'."""
    return _span(to_hijri(date(year, 1, 1)), to_hijri(date(year, 12, 31)), lang, months=False)
