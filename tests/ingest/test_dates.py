"""Tests for generator.ingest.dates.

Most cases live in fixtures/dates.tsv (one ``input<TAB>expected`` row each,
test id = line number) so that new datelines from the crawl can be added
without touching Python.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ingest.dates import FoundDate, find_date_in_path, names_impossible_date, parse_date_line

FIXTURES = Path(__file__).parent / "fixtures" / "dates.tsv"


def _fixture_rows() -> list:
    rows = []
    for number, raw in enumerate(FIXTURES.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        text, sep, expected = raw.rpartition("\t")
        assert sep, f"{FIXTURES.name}:{number} has no tab"
        rows.append(pytest.param(text, expected, id=f"line-{number}"))
    return rows


def _describe(found: FoundDate | None) -> str:
    if found is None:
        return "None"
    return f"{found.iso()} {found.precision} {found.calendar}"


@pytest.mark.parametrize(("text", "expected"), _fixture_rows())
def test_fixture(text: str, expected: str) -> None:
    assert _describe(parse_date_line(text)) == expected


def test_fixture_file_covers_enough_cases() -> None:
    assert len(_fixture_rows()) >= 60


def test_value_is_aware_only_when_a_zone_is_stated() -> None:
    aware = parse_date_line("الجمعة ٢٢ يناير ٢٠٢١ - ١٠:٤٢ بتوقيت غرينتش")
    naive = parse_date_line("الجمعة ٢٢ يناير ٢٠٢١ - ١٠:٤٢")
    assert aware is not None and naive is not None
    assert aware.value.utcoffset() is not None
    assert naive.value.tzinfo is None
    assert naive.value == datetime(2021, 1, 22, 10, 42)


def test_found_date_is_frozen_and_hashable() -> None:
    found = parse_date_line("22 January 2021")
    assert found == FoundDate(datetime(2021, 1, 22), "day", "gregorian")
    assert len({found, parse_date_line("22 يناير 2021")}) == 1
    with pytest.raises(AttributeError):
        found.precision = "minute"  # type: ignore[misc]


def test_huge_line_returns_quickly() -> None:
    line = "22 يناير 2021 " * 1_500_000  # about 20 MB
    started = time.perf_counter()
    assert parse_date_line(line) is None
    assert time.perf_counter() - started < 0.1


def test_worst_case_short_line_is_fast() -> None:
    # Many digits and near-miss month names in the longest accepted line.
    line = ("1 2 يناي 3- كانون " * 20)[:200]
    started = time.perf_counter()
    for _ in range(200):
        parse_date_line(line)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("value", [None, 20210122, b"2021-01-22", ["2021-01-22"]])
def test_non_string_input_is_none(value: object) -> None:
    assert parse_date_line(value) is None  # type: ignore[arg-type]
    assert find_date_in_path(value) is None  # type: ignore[arg-type]


@given(st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_parse_date_line_never_raises(text: str) -> None:
    result = parse_date_line(text)
    assert result is None or result.precision in {"day", "minute"}


_DATE_PIECES = st.sampled_from(
    ["22", "٢٢", "۲۲", "1442", "2021", "٢٠٢١", "يناير", "كانون الثاني", "جمادى الآخرة", "هـ", "م", "ص",
     "Jan.", "January", "10:42", "١٠:٤٢", ":", "/", "-", ".", ",", "،", "(", ")", "+03:00", "GMT",
     "بتوقيت", "غرينتش", "مكة", "T", "Z", " ", "  ", "31", "02", "99", "0", "AM", "p.m."]
)


@given(st.lists(_DATE_PIECES, max_size=25).map("".join))
@settings(max_examples=1000, deadline=None)
def test_date_like_noise_never_raises(text: str) -> None:
    # Random text rarely reaches the date code paths; this mixes real pieces.
    result = parse_date_line(text)
    if result is not None:
        assert result.calendar in {"gregorian", "hijri"}
        assert result.iso().startswith(f"{result.value.year:04d}-")


@pytest.mark.parametrize(
    ("line", "impossible"),
    [
        ("الأحد 31 فبراير 2021", True),
        ("31/02/2021", True),
        ("٣١/٠٢/٢٠٢١", True),
        ("Sunday 31 February 2021 10:00 GMT", True),
        ("نشر في 30 فبراير 2020", True),
        ("22 يناير 2021", False),  # a real date
        ("31 فبراير 2021 - 1 مارس 2021", False),  # and a real one beside it
        ("وقعت الحادثة في 31 فبراير 2021 كما قال الشهود في المدينة.", False),  # prose, not a dateline
        ("العدد 12 من 2021", False),
        ("", False),
    ],
)
def test_names_impossible_date(line: str, impossible: bool) -> None:
    assert names_impossible_date(line) is impossible
    assert parse_date_line(line) is None or not impossible


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("content/articles/2021-01-22-kadhimi.txt", "2021-01-22"),
        ("2021_01_22_baghdad.html", "2021-01-22"),
        ("seeds/20210122_001.txt", "2021-01-22"),
        ("archive/2021/01/22/index.html", "2021-01-22"),
        ("archive/2021/1/5/index.html", "2021-01-05"),
        (r"C:\crawl\2021\01\22\a.html", "2021-01-22"),
        ("news/٢٠٢١-٠١-٢٢.html", "2021-01-22"),
        ("archive/2021/01/22/report-20210123.html", "2021-01-23"),
        ("2021-02-31.html", None),
        ("20211301.txt", None),
        ("article-12345678.html", None),
        ("id-120210122.html", None),
        ("seeds/000_5d9b0c9880b52963.txt", None),
        ("", None),
    ],
)
def test_find_date_in_path(path: str, expected: str | None) -> None:
    found = find_date_in_path(path)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.iso(), found.precision, found.calendar) == (expected, "day", "gregorian")


def test_find_date_in_path_accepts_path_objects() -> None:
    found = find_date_in_path(PurePosixPath("2021/01/22/a.txt"))  # type: ignore[arg-type]
    assert found is not None and found.iso() == "2021-01-22"


@given(st.text(max_size=500))
@settings(max_examples=300, deadline=None)
def test_find_date_in_path_never_raises(text: str) -> None:
    find_date_in_path(text)
