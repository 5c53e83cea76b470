"""Interface strings (templates/i18n/*.toml) and generator.render.i18n.format_date."""

from __future__ import annotations

import string
import tomllib

import pytest

from generator.render.i18n import DIRECTION, StringsError, format_date, format_period, load_strings

from .helpers import TEMPLATES_DIR

LANGUAGES = ("ar", "en")


def _table(lang: str) -> dict:
    return tomllib.loads((TEMPLATES_DIR / "i18n" / f"{lang}.toml").read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# -- the string tables -----------------------------------------------------------------------------


def test_both_languages_have_the_same_keys():
    ar, en = _table("ar"), _table("en")
    assert sorted(set(ar) - set(en)) == []
    assert sorted(set(en) - set(ar)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_value_is_empty_or_not_text(lang):
    for key, value in _table(lang).items():
        forms = value if isinstance(value, dict) else {"": value}
        assert isinstance(value, (str, dict)), f"{lang}.toml: {key} is neither text nor plural forms"
        for form, text in forms.items():
            assert isinstance(text, str) and text.strip(), f"{lang}.toml: {key} {form} is empty"
        if isinstance(value, dict):
            assert "other" in value, f"{lang}.toml: [{key}] lacks the 'other' form"


def _flat(value) -> str:
    return " ".join(value.values()) if isinstance(value, dict) else value


def test_placeholders_agree_between_languages():
    ar, en = _table("ar"), _table("en")
    for key in ar:
        assert _placeholders(_flat(ar[key])) - {"count"} == _placeholders(_flat(en[key])) - {"count"}, key


def test_arabic_strings_are_arabic_and_english_strings_are_not():
    ar, en = _table("ar"), _table("en")
    arabic = set(chr(c) for c in range(0x0621, 0x064B))
    untranslated = [k for k in ar if k not in ("other_language_switch", "list_separator") and not arabic & set(_flat(ar[k]))]
    assert untranslated == [], "Arabic table has entries without Arabic letters"
    stray = [k for k in en if k not in ("other_language_switch", "list_separator") and arabic & set(_flat(en[k]))]
    assert stray == []


def test_load_strings_reads_both_tables_and_formats_values():
    strings = load_strings(TEMPLATES_DIR, LANGUAGES)
    assert strings.get("en", "nav_home") == "Home"
    assert strings.get("ar", "nav_home") == "الرئيسية"
    assert strings.get("en", "search_no_results", query="بغداد") == "No results for “بغداد”."
    assert "بغداد" in strings.get("ar", "search_no_results", query="بغداد")


def test_missing_string_names_the_key_and_language():
    strings = load_strings(TEMPLATES_DIR, LANGUAGES)
    with pytest.raises(StringsError, match=r"'no_such_key'.*'en'"):
        strings.get("en", "no_such_key")


def test_load_strings_rejects_tables_that_differ(tmp_path):
    folder = tmp_path / "i18n"
    folder.mkdir()
    (folder / "ar.toml").write_text('a = "أ"\nb = "ب"\n', encoding="utf-8")
    (folder / "en.toml").write_text('a = "A"\n', encoding="utf-8")
    with pytest.raises(StringsError, match=r"\bb\b"):
        load_strings(tmp_path, LANGUAGES)


def test_load_strings_names_a_missing_file(tmp_path):
    (tmp_path / "i18n").mkdir()
    with pytest.raises(StringsError, match="ar.toml"):
        load_strings(tmp_path, LANGUAGES)


def test_directions():
    assert DIRECTION == {"ar": "rtl", "en": "ltr"}


# -- format_date -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("iso", "precision", "ar", "en"), [
    ("2021-01-22T10:42:00+00:00", "minute",
     "الجمعة 22 يناير 2021، 10:42 ت.غ", "Friday 22 January 2021, 10:42 GMT"),
    ("2021-01-22", "day", "الجمعة 22 يناير 2021", "Friday 22 January 2021"),
    ("2021-01-22T10:42:00+00:00", "day", "الجمعة 22 يناير 2021", "Friday 22 January 2021"),
    ("2021-01-22T13:42:00+03:00", "minute",
     "الجمعة 22 يناير 2021، 13:42 UTC+03:00", "Friday 22 January 2021, 13:42 UTC+03:00"),
    ("2021-01-22T05:12:00-04:30", "minute",
     "الجمعة 22 يناير 2021، 05:12 UTC-04:30", "Friday 22 January 2021, 05:12 UTC-04:30"),
    ("2021-01-22T10:42:00", "minute", "الجمعة 22 يناير 2021، 10:42", "Friday 22 January 2021, 10:42"),
    ("2020-12-31", "day", "الخميس 31 ديسمبر 2020", "Thursday 31 December 2020"),
    ("2021-05-02", None, "الأحد 2 مايو 2021", "Sunday 2 May 2021"),
])
def test_format_date(iso, precision, ar, en):
    assert format_date(iso, precision, "ar") == ar
    assert format_date(iso, precision, "en") == en


@pytest.mark.parametrize("iso", [None, "", "not a date", "2021-02-31"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_format_date_of_missing_or_bad_date_is_empty(iso, lang):
    assert format_date(iso, "day", lang) == ""


@pytest.mark.parametrize(("oldest_first", "ar", "en"), [
    ([("2021-01-22T10:42:00+00:00", "minute"), ("2021-01-22T11:00:00+00:00", "minute"), ("2021-01-22T13:05:00+00:00", "minute")],
     "الجمعة 22 يناير 2021، 10:42 – 13:05 ت.غ", "Friday 22 January 2021, 10:42 – 13:05 GMT"),
    ([("2021-01-22T10:42:00", "minute"), ("2021-01-22T13:05:00", "minute")],
     "الجمعة 22 يناير 2021، 10:42 – 13:05", "Friday 22 January 2021, 10:42 – 13:05"),
    ([("2021-01-22T05:12:00-04:30", "minute"), ("2021-01-22T06:00:00-04:30", "minute")],
     "الجمعة 22 يناير 2021، 05:12 – 06:00 UTC-04:30", "Friday 22 January 2021, 05:12 – 06:00 UTC-04:30"),
    # Across days: the first and the last day, in the order of days.
    ([("2021-01-21", "day"), ("2021-01-22", "day")],
     "الخميس 21 يناير 2021 – الجمعة 22 يناير 2021", "Thursday 21 January 2021 – Friday 22 January 2021"),
    ([("2021-01-21T23:50:00+00:00", "minute"), ("2021-01-22T00:10:00+00:00", "minute")],
     "الخميس 21 يناير 2021 – الجمعة 22 يناير 2021", "Thursday 21 January 2021 – Friday 22 January 2021"),
    # Ordered by the moment, a later zone's item is a day ahead of the newest one's.
    ([("2021-01-23T01:00:00+03:00", "minute"), ("2021-01-22T23:00:00+00:00", "minute")],
     "الجمعة 22 يناير 2021 – السبت 23 يناير 2021", "Friday 22 January 2021 – Saturday 23 January 2021"),
    ([("2021-01-21T21:00:00-05:00", "minute"), ("2021-01-22", "day")],
     "الخميس 21 يناير 2021 – الجمعة 22 يناير 2021", "Thursday 21 January 2021 – Friday 22 January 2021"),
    # One day: an item without a time, two zones at the ends or one moment name the day alone.
    ([("2021-01-22", "day"), ("2021-01-22T13:05:00+00:00", "minute")], "الجمعة 22 يناير 2021", "Friday 22 January 2021"),
    ([("2021-01-22T10:42:00+00:00", "minute"), ("2021-01-22T13:05:00+03:00", "minute")],
     "الجمعة 22 يناير 2021", "Friday 22 January 2021"),
    ([("2021-01-22T10:42:00", "minute"), ("2021-01-22T13:05:00+00:00", "minute")],
     "الجمعة 22 يناير 2021", "Friday 22 January 2021"),
    ([("2021-01-22T10:42:00+00:00", "minute")] * 2, "الجمعة 22 يناير 2021", "Friday 22 January 2021"),
    ([("not a date", "minute"), ("2021-01-22T13:05:00+00:00", "minute")], "الجمعة 22 يناير 2021",
     "Friday 22 January 2021"),
    ([("not a date", "day")], "", ""),
    ([], "", ""),
])
def test_format_period(oldest_first, ar, en):
    assert format_period(oldest_first, "ar") == ar
    assert format_period(oldest_first, "en") == en


def test_every_month_and_weekday_has_a_name():
    for month in range(1, 13):
        iso = f"2021-{month:02d}-01"
        for lang in LANGUAGES:
            weekday, day, month_name, year = format_date(iso, "day", lang).split(" ")
            assert weekday and month_name and day == "1" and year == "2021"
    weekdays = {format_date(f"2021-01-{d:02d}", "day", "ar").split(" ")[0] for d in range(18, 25)}
    assert len(weekdays) == 7


@pytest.mark.parametrize(("lang", "count", "text"), [
    ("ar", 1, "مقال واحد"), ("ar", 2, "مقالان"), ("ar", 3, "3 مقالات"), ("ar", 10, "10 مقالات"),
    ("ar", 11, "11 مقالاً"), ("ar", 100, "100 مقال"), ("ar", 103, "103 مقالات"),
    ("en", 1, "1 article"), ("en", 2, "2 articles"), ("en", 0, "0 articles"),
])
def test_plural_forms_follow_the_language_rules(lang, count, text):
    assert load_strings(TEMPLATES_DIR, LANGUAGES).get(lang, "articles_count", count=count) == text
