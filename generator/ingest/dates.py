"""Find publication dates in crawled Arabic and English news text.

Two entry points:

* :func:`parse_date_line` reads one short line (a dateline such as
  ``الجمعة ٢٢ يناير ٢٠٢١ - ١٠:٤٢ بتوقيت غرينتش`` or
  ``Published: Jan. 22, 2021 10:42 AM``) and returns the date it states, or
  ``None`` when the line is prose rather than a dateline.
* :func:`find_date_in_path` finds a year-first date in a file or folder name.

Neither function raises on any string input: crawled text is arbitrary, and
one odd line must not stop a build of 30k articles.

The only dependency is ``hijridate``, and only for Hijri dates.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Callable, Iterator, NamedTuple

from hijridate import Hijri

__all__ = ["FoundDate", "parse_date_line", "find_date_in_path"]


@dataclass(frozen=True)
class FoundDate:
    value: datetime  # naive if no time zone was stated; tz-aware (UTC offset) if stated
    precision: str  # "day" or "minute"
    calendar: str  # "gregorian" or "hijri": the calendar the text used; value is Gregorian

    def iso(self) -> str:
        if self.precision == "day":
            return self.value.date().isoformat()
        return self.value.isoformat(timespec="seconds")


# --- limits -----------------------------------------------------------------

# A dateline is short; anything much longer is a paragraph. Checking the raw
# length first keeps a 20 MB "line" from costing more than a len() call; the
# raw limit is looser than the normalised one because tashkeel and bidi marks
# inflate the raw text without adding words.
MAX_RAW_CHARS = 400
MAX_LINE_CHARS = 200

# Words allowed on the line besides the date, time, zone, weekday and labels
# ("نشر في", "Published:", "الموافق" ...). Real datelines carry at most a
# place or an agency ("بغداد -", "Reuters"); prose that mentions a date
# ("وأعلنت وزارة الصحة في 21 يناير 2021 ارتفاع عدد الضحايا") has a subject, a
# verb and an object around it. Four keeps "By Jane Doe, Reuters" and rejects
# most sentences; the brief suggested up to ~12, which lets ordinary one-line
# sentences through, and a wrong article date is worse than a missing one
# (the caller falls back to the path or the crawl date).
MAX_EXTRA_WORDS = 4

# Plausible publication years for crawled news. Outside this range a
# "date" is almost surely a number that happens to look like one.
MIN_YEAR = 1900
MAX_YEAR = 2100


# --- normalisation ----------------------------------------------------------

def _build_translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for i in range(10):
        table[0x0660 + i] = str(i)  # Arabic-Indic digits
        table[0x06F0 + i] = str(i)  # Persian (extended Arabic-Indic) digits
    # Tashkeel, Quranic marks, dagger alef and tatweel carry no meaning for
    # dates but break literal matching of month names.
    for cp in list(range(0x064B, 0x0660)) + [0x0670, 0x0640] + list(range(0x06D6, 0x06EE)):
        table[cp] = None
    # Invisible bidi and joiner marks are common in copied Arabic text.
    for cp in [0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF,
               *range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        table[cp] = None
    # Spelling variants: hamza seats, ta marbuta, alef maqsura, and the
    # Persian/Urdu forms of ya, kaf and ha that Arabic keyboards mix in.
    for src in "أإآٱ":
        table[ord(src)] = "ا"
    for src, dst in {"ة": "ه", "ى": "ي", "ی": "ي", "ې": "ي", "ک": "ك",
                     "ھ": "ه", "ہ": "ه", "ۀ": "ه"}.items():
        table[ord(src)] = dst
    # Arabic punctuation and dash/space variants, so patterns need one form.
    for src, dst in {"،": ",", "؛": ";", "؟": "?", "۔": ".", "٪": "%",
                     "–": "-", "—": "-", "‒": "-", "−": "-", "‐": "-", "‑": "-",
                     "∶": ":", "꞉": ":", "ː": ":"}.items():
        table[ord(src)] = dst
    return table


_TRANSLATION = _build_translation()
_SPACES_RE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    """Fold the text to the one spelling the patterns below are written for.

    The result is only ever matched against, never shown, so it may merge
    letters (أ/ا, ة/ه, ى/ي) that a reader would keep apart.
    """
    # NFKC turns presentation forms (from PDFs), full-width digits and colons
    # and no-break spaces into their plain equivalents.
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_TRANSLATION).casefold()
    return _SPACES_RE.sub(" ", text).strip()


# --- vocabulary (written in normalised spelling) -----------------------------

_GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    # Egyptian/Gulf, Levantine/Iraqi, Maghrebi (Algeria/Tunisia), Moroccan, English.
    1: ("يناير", "كانون الثاني", "كانون ثاني", "جانفي", "january", "jan"),
    2: ("فبراير", "شباط", "فيفري", "فبرير", "february", "feb"),
    3: ("مارس", "اذار", "march", "mar"),
    4: ("ابريل", "نيسان", "افريل", "april", "apr"),
    5: ("مايو", "ايار", "ماي", "may"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "june", "jun"),
    7: ("يوليو", "يوليه", "تموز", "جويليه", "يوليوز", "july", "jul"),
    8: ("اغسطس", "اب", "اوت", "غشت", "august", "aug"),
    9: ("سبتمبر", "ايلول", "شتنبر", "september", "sept", "sep"),
    10: ("اكتوبر", "تشرين الاول", "تشرين اول", "october", "oct"),
    11: ("نوفمبر", "تشرين الثاني", "تشرين ثاني", "نونبر", "november", "nov"),
    12: ("ديسمبر", "كانون الاول", "كانون اول", "دجنبر", "december", "dec"),
}

_HIJRI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("محرم", "المحرم"),
    2: ("صفر",),
    3: ("ربيع الاول", "ربيع اول"),
    4: ("ربيع الاخر", "ربيع الثاني", "ربيع اخر", "ربيع ثاني"),
    5: ("جمادي الاولي", "جمادي الاول", "جمادي اولي"),
    6: ("جمادي الاخره", "جمادي الثانيه", "جمادي الاخر", "جمادي الثاني", "جمادي اخره"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعده", "ذي القعده"),
    12: ("ذو الحجه", "ذي الحجه"),
}


def _month_lookup(table: dict[int, tuple[str, ...]]) -> dict[str, int]:
    # Keys have their spaces removed so "كانون  الثاني" and "ذوالحجه" find
    # the same entry as the canonical spelling.
    return {name.replace(" ", ""): number for number, names in table.items() for name in names}


def _alternation(table: dict[int, tuple[str, ...]]) -> str:
    names = sorted({n for names in table.values() for n in names}, key=len, reverse=True)
    # Longest first, so "كانون الثاني" wins over a bare prefix.
    parts = [r"\s*".join(re.escape(word) for word in name.split(" ")) for name in names]
    # Bounded by non-letters rather than \b, so "22jan2021" and "1442هـ" match.
    return r"(?<![^\W\d])(?:" + "|".join(parts) + r")(?![^\W\d])"


_GREGORIAN_BY_NAME = _month_lookup(_GREGORIAN_MONTHS)
_HIJRI_BY_NAME = _month_lookup(_HIJRI_MONTHS)
_G_MONTH = _alternation(_GREGORIAN_MONTHS)
_H_MONTH = _alternation(_HIJRI_MONTHS)

# Words that may sit on a dateline without making it prose: labels, linking
# words, weekdays (ignored even when they disagree with the date: the
# explicit date is the better witness), era markers and zone words.
_STOPWORDS = frozenset("""
    نشر نشرت نشره منشور تم في بتاريخ تاريخ التاريخ النشر اخر تحديث التحديث
    تعديل التعديل محدث حدث الموافق الموافقه الساعه يوم بتوقيت توقيت
    هجري هجريه ميلادي ميلاديه م ه
    الاحد الاثنين الاتنين الثلاثاء الثلاثا الاربعاء الاربعا الخميس الجمعه السبت
    احد اثنين ثلاثاء اربعاء خميس جمعه سبت
    published publish updated update posted last on at date dated modified
    first edited created gmt utc
    monday tuesday wednesday thursday friday saturday sunday
    mon tue tues wed thu thur thurs fri sat sun
""".split())


# --- date patterns ----------------------------------------------------------

# A day or year must not be the tail of a longer number, nor the minutes of
# a time ("10:22 يناير" is not the 22nd).
_NOT_AFTER_NUMBER = r"(?<![0-9:])"
_DAY = r"([0-9]{1,2})(?![0-9])"
_YEAR = r"([0-9]{4})(?![0-9])"
_ORDINAL = r"(?:st|nd|rd|th)?"
_GAP = r"\s*[-/.,]?\s*"  # "22 يناير", "22-يناير-2021", "22 January, 2021"
_OF = r"(?:(?:of|من)\s+)?(?:شهر\s+)?"  # "22nd of January", "22 من شهر يناير"
_YEAR_WORD = r"(?:(?:من\s+)?(?:عام|سنه)\s+)?"  # "يناير من عام 2021"
_ERA_AD = r"(?:\s*(?:ميلاديه|ميلادي|م)\.?(?!\w))?"
_ERA_AH = r"(?:\s*(?:هجريه|هجري|للهجره|ه)\.?(?!\w))?"
# A Gregorian month may be glossed with its other regional name:
# "كانون الثاني/يناير", "يناير (كانون الثاني)".
_G_MONTHS = rf"({_G_MONTH})(?:\s*[/(-]\s*({_G_MONTH})\s*\)?)?"

_DMY_RE = re.compile(
    _NOT_AFTER_NUMBER + _DAY + _ORDINAL + _GAP + _OF + _G_MONTHS + r"\.?" + _GAP + _YEAR_WORD + _YEAR + _ERA_AD
)
_MDY_RE = re.compile(
    rf"({_G_MONTH})\.?\s*" + _NOT_AFTER_NUMBER + _DAY + _ORDINAL + r"\s*,?\s*" + _YEAR + _ERA_AD
)
_HIJRI_RE = re.compile(
    _NOT_AFTER_NUMBER + _DAY + _GAP + _OF + rf"({_H_MONTH})" + _GAP + _YEAR_WORD + _YEAR + _ERA_AH
)
# 22/01/2021, 22-01-2021, 22.01.2021, 2021/01/22, 2021-01-22 (same separator
# twice). Not preceded or followed by digit-and-separator, so pieces of
# longer numeric runs ("1.22.01.2021") are left alone.
_NUMERIC_RE = re.compile(
    r"(?<![0-9])(?<![0-9][-/.])([0-9]{1,4})([-/.])([0-9]{1,2})\2([0-9]{1,4})(?![0-9])(?![-/.][0-9])"
)


class _DateHit(NamedTuple):
    start: int
    end: int
    day: date
    calendar: str


def _gregorian(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _hijri(year: int, month: int, day: int) -> date | None:
    # hijridate covers 1343-1500 AH (Umm al-Qura) and rejects days past a
    # month's end; either way the text did not state a usable date.
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(g.year, g.month, g.day)


def _month_number(name: str | None) -> int | None:
    return _GREGORIAN_BY_NAME.get(_SPACES_RE.sub("", name)) if name else None


def _from_dmy(m: re.Match[str]) -> date | None:
    month = _month_number(m[2])
    gloss = _month_number(m[3])
    if gloss is not None and gloss != month:
        return None  # "كانون الثاني/فبراير" contradicts itself
    return _gregorian(int(m[4]), month, int(m[1])) if month else None


def _from_mdy(m: re.Match[str]) -> date | None:
    month = _month_number(m[1])
    return _gregorian(int(m[3]), month, int(m[2])) if month else None


def _from_hijri(m: re.Match[str]) -> date | None:
    month = _HIJRI_BY_NAME.get(_SPACES_RE.sub("", m[2]))
    return _hijri(int(m[3]), month, int(m[1])) if month else None


def _from_numeric(m: re.Match[str]) -> date | None:
    first, middle, last = m[1], m[3], m[4]
    if len(first) == 4 and len(last) <= 2:
        return _gregorian(int(first), int(middle), int(last))
    if len(last) == 4 and len(first) <= 2:
        # Day first, as Arabic and British sites write it. Month-first
        # (US) dates are not guessed: "01/02/2021" would silently be wrong.
        return _gregorian(int(last), int(middle), int(first))
    return None


_DATE_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], date | None], str], ...] = (
    (_DMY_RE, _from_dmy, "gregorian"),
    (_MDY_RE, _from_mdy, "gregorian"),
    (_NUMERIC_RE, _from_numeric, "gregorian"),
    (_HIJRI_RE, _from_hijri, "hijri"),
)


def _find_dates(text: str) -> list[_DateHit]:
    """Every valid date on the line, left to right, without overlaps."""
    hits = []
    for pattern, convert, calendar in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            day = convert(m)
            if day is not None:
                hits.append(_DateHit(m.start(), m.end(), day, calendar))
    hits.sort(key=lambda h: (h.start, h.start - h.end))
    chosen: list[_DateHit] = []
    for hit in hits:
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen


# --- time and zone patterns -------------------------------------------------

# "T" is the ISO 8601 separator left over once the date is blanked out.
# "." is accepted as a separator ("10.42 GMT", Guardian style) only when a
# clock marker or zone follows, otherwise "2.50" in a line would be a time.
_TIME_RE = re.compile(
    r"(?<![\w:.])t?([0-9]{1,2})([:.])([0-9]{2})(?::[0-9]{2}(?:[.,][0-9]+)?)?(?![0-9])"
)
_AMPM_RE = re.compile(
    r"\s*(a\.m\.?|p\.m\.?|am|pm|صباحا|صباح|فجرا|ص|مساءا|مساء|عصرا|ظهرا|ليلا|م)(?!\w)"
)
_MORNING = frozenset({"a.m.", "a.m", "am", "صباحا", "صباح", "فجرا", "ص"})
_AFTERNOON = frozenset({"p.m.", "p.m", "pm", "مساءا", "مساء", "عصرا", "م"})

_ZONE_RE = re.compile(
    r"""[\s(]*(?:
        (?P<z>z)(?!\w)
      | (?:gmt|utc|ut)(?:\s*(?P<gsign>[+-])\s*(?P<gh>[0-9]{1,2})(?::?(?P<gm>[0-9]{2}))?)?(?![\w])
      | (?P<sign>[+-])(?P<h>[0-9]{2}):?(?P<m>[0-9]{2})(?![0-9])
      | (?P<abbr>cest|cet|eest|eet|msk|est|edt|cst|cdt|mst|mdt|pst|pdt)(?!\w)
      | (?P<tg>ت\s*\.?\s*غ)(?!\w)
      | (?:ب|و)?(?:ال)?توقيت\s+(?:(?:مدينه|العاصمه)\s+)?(?P<place>\w+)(?:\s+المكرمه)?
      | (?P<greenwich>[غجق]ريني?تش)
    )\)?""",
    re.X,
)

_ABBREVIATION_HOURS = {
    # The fixed-offset names of RFC 2822 plus the European ones news uses.
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3,
}
# Cities and countries whose clocks have had a single offset for the era of
# online news. Places with daylight saving or recent changes (القدس، القاهره،
# بيروت، دمشق، عمان - which also spells Oman once tashkeel is gone - الرباط،
# الخرطوم، طهران، انقره) are still consumed as zone words but give a naive
# time: a guessed offset would be wrong for half the year.
_PLACE_MINUTES = {
    **dict.fromkeys(["غرينتش", "جرينتش", "غرينيتش", "جرينيتش", "قرينتش", "عالمي"], 0),
    **dict.fromkeys(["مكه", "رياض", "سعوديه", "بغداد", "عراق", "كويت", "دوحه", "قطر",
                     "بحرين", "منامه", "صنعاء", "يمن", "عدن"], 180),
    **dict.fromkeys(["ابوظبي", "ابو", "دبي", "امارات", "مسقط"], 240),
    **dict.fromkeys(["جزائر", "تونس"], 60),
}


class _TimeHit(NamedTuple):
    start: int
    end: int
    hour: int
    minute: int
    tz: tzinfo | None


def _offset(minutes: int) -> tzinfo | None:
    if minutes == 0:
        return timezone.utc
    if abs(minutes) > 14 * 60:
        return None  # no real zone is this far out; treat the time as naive
    return timezone(timedelta(minutes=minutes))


def _zone(m: re.Match[str]) -> tzinfo | None:
    if m["z"] or m["tg"] or m["greenwich"]:
        return timezone.utc
    if m["sign"] or m["gsign"]:
        sign = -1 if (m["sign"] or m["gsign"]) == "-" else 1
        hours, mins = int(m["h"] or m["gh"]), int(m["m"] or m["gm"] or 0)
        return _offset(sign * (hours * 60 + mins)) if mins < 60 else None
    if m["abbr"]:
        return _offset(_ABBREVIATION_HOURS[m["abbr"]] * 60)
    if m["place"] is not None:
        place = m["place"].removeprefix("ال")
        minutes = _PLACE_MINUTES.get(place)
        return None if minutes is None else _offset(minutes)
    return timezone.utc  # bare GMT / UTC / UT


def _to_24h(hour: int, marker: str | None) -> int:
    if marker is None or hour > 12:
        return hour  # "15:22 pm" is a 24-hour clock with a redundant marker
    if marker in _MORNING:
        return 0 if hour == 12 else hour
    if marker in _AFTERNOON:
        return hour if hour == 12 else hour + 12
    if marker == "ظهرا":  # around noon: "12:30 ظهرا", "1:15 ظهرا"
        return hour + 12 if hour <= 5 else hour
    return hour + 12 if hour >= 6 and hour != 12 else hour % 12  # ليلا: 11 at night, 2 after midnight


def _find_times(text: str) -> Iterator[_TimeHit]:
    pos = 0
    while (m := _TIME_RE.search(text, pos)) is not None:
        end = m.end()
        ampm = _AMPM_RE.match(text, end)
        if ampm:
            end = ampm.end()
        zone = _ZONE_RE.match(text, end)
        if zone:
            end = zone.end()
        hour, minute = int(m[1]), int(m[3])
        dotted_bare = m[2] == "." and not (ampm or zone)
        if dotted_bare or hour > 23 or minute > 59:
            pos = m.start() + 1
            continue
        hour = _to_24h(hour, ampm[1] if ampm else None)
        yield _TimeHit(m.start(), end, hour, minute, _zone(zone) if zone else None)
        pos = end


# --- deciding whether a line is a dateline -----------------------------------

_TOKEN_RE = re.compile(r"[^\W_]+")
_SENTENCE_END = (".", "!", "?", "…")


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _looks_like_prose(rest: str) -> bool:
    """Whether what is left after removing dates and times reads as prose."""
    extra = [t for t in _TOKEN_RE.findall(rest) if t not in _STOPWORDS]
    if len(extra) > MAX_EXTRA_WORDS:
        return True
    # A short sentence still ends like one ("وقعت الحادثة في 22 يناير 2021.");
    # a dateline ending in "a.m." or "Jan." has no other words left.
    return len(extra) >= 2 and rest.rstrip().endswith(_SENTENCE_END)


def _choose(dates: list[_DateHit]) -> _DateHit:
    # Lines giving both calendars ("9 جمادى الآخرة 1442 هـ - 22 يناير 2021 م")
    # trust the Gregorian part: Hijri dates shift by a day between countries.
    for hit in dates:
        if hit.calendar == "gregorian":
            return hit
    return dates[0]


def _time_for(chosen: _DateHit, dates: list[_DateHit], times: list[_TimeHit]) -> _TimeHit | None:
    """The first time between the neighbouring dates of the chosen calendar.

    On "Published 22 Jan 2021 | Updated 23 Jan 2021 10:00" the time belongs to
    the update, not to the publication date that is returned.
    """
    same = [h for h in dates if h.calendar == chosen.calendar]
    i = same.index(chosen)
    low = same[i - 1].end if i > 0 else 0
    high = same[i + 1].start if i + 1 < len(same) else float("inf")
    return next((t for t in times if low <= t.start and t.end <= high), None)


def parse_date_line(line: str) -> FoundDate | None:
    """The date a line states, when the line is essentially a date/dateline (it may carry a weekday,
    a time, a zone, both calendars, a leading 'نشر في'/'تاريخ النشر:'/'Published:'/'Updated' label).
    Returns None for ordinary prose sentences, so it can be tried on every short line of an article."""
    if not isinstance(line, str) or len(line) > MAX_RAW_CHARS:
        return None
    try:
        return _parse(line)
    except (ValueError, OverflowError):  # pragma: no cover - defensive
        # Patterns and validation should make this unreachable; a bad line
        # must still never abort a build.
        return None


def names_impossible_date(line: str) -> bool:
    """Whether a line is a dateline whose date does not exist ("الأحد 31 فبراير 2021", "31/02/2021").
    Such a line is metadata, and the archivist should be told about it rather than find no date."""
    if not isinstance(line, str) or len(line) > MAX_RAW_CHARS:
        return False
    text = _normalise(line)
    if len(text) > MAX_LINE_CHARS or _find_dates(text):
        return False
    spans = [m.span() for pattern, _, _ in _DATE_PATTERNS for m in pattern.finditer(text)]
    if not spans:
        return False
    without_dates = _blank(text, spans)
    return not _looks_like_prose(_blank(without_dates, [(t.start, t.end) for t in _find_times(without_dates)]))


def _parse(line: str) -> FoundDate | None:
    text = _normalise(line)
    if len(text) > MAX_LINE_CHARS or not any(c.isdigit() for c in text):
        return None
    dates = _find_dates(text)
    if not dates:
        return None
    without_dates = _blank(text, [(h.start, h.end) for h in dates])
    times = list(_find_times(without_dates))
    rest = _blank(without_dates, [(t.start, t.end) for t in times])
    if _looks_like_prose(rest):
        return None

    chosen = _choose(dates)
    time = _time_for(chosen, dates, times)
    day = chosen.day
    if time is None:
        return FoundDate(datetime(day.year, day.month, day.day), "day", chosen.calendar)
    # Seconds are dropped: precision is "minute", and two datelines of the
    # same minute should compare equal.
    value = datetime(day.year, day.month, day.day, time.hour, time.minute, tzinfo=time.tz)
    return FoundDate(value, "minute", chosen.calendar)


# --- paths ------------------------------------------------------------------

# Year first only: 2021-01-22, 2021_01_22, 2021.01.22, 2021/01/22 (folders)
# and 20210122. The compact form needs two-digit month and day and a 19xx/20xx
# year, so an arbitrary id like 12345678 does not pass for a date.
_PATH_DATE_RE = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2})(?:([-_/.])([0-9]{1,2})\2([0-9]{1,2})|([01][0-9])([0-3][0-9]))(?![0-9])"
)
_PATH_DIGITS = {0x0660 + i: str(i) for i in range(10)} | {0x06F0 + i: str(i) for i in range(10)}


def find_date_in_path(path: str) -> FoundDate | None:
    """A date in a file name or folder path: 2021-01-22, 2021_01_22, 20210122, 2021/01/22. Day precision."""
    try:
        path = os.fspath(path)
    except TypeError:
        return None
    if not isinstance(path, str):
        return None
    text = path.replace("\\", "/").translate(_PATH_DIGITS)
    found = None
    # The last date wins: the file name is more specific than a folder
    # ("archive/2021/01/22/report-20210123.html" is the 23rd's report).
    for m in _PATH_DATE_RE.finditer(text):
        month, day = (m[3], m[4]) if m[2] else (m[5], m[6])
        valid = _gregorian(int(m[1]), int(month), int(day))
        if valid is not None:
            found = valid
    if found is None:
        return None
    return FoundDate(datetime(found.year, found.month, found.day), "day", "gregorian")
