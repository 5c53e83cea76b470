"""The bilingual gazetteer and the cross-language links it makes possible."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.article import Article
from generator.gazetteer import GazetteerError, load_gazetteer
from generator.link import assign_events

from .helpers import PROJECT_ROOT

GAZETTEER = load_gazetteer(PROJECT_ROOT / "content")


@pytest.mark.parametrize(("text", "expected"), [
    ("والكاظمي في بغداد", {"kadhimi", "baghdad"}),
    ("وللعراق ولبغداد", {"iraq", "baghdad"}),
    ("انفجار في ساحة الطيران", {"tayaran-square"}),
    ("Prime Minister Mustafa al-Kadhimi visited Baghdad's Tayaran Square", {"kadhimi", "baghdad", "tayaran-square"}),
    ("بلدية بغدادي", set()),  # a longer word is not the name
    ("ساحة التحرير", set()),
])
def test_anchors_find_names_in_either_language_and_spelling(text, expected):
    assert GAZETTEER.anchors(text) == expected


def test_malformed_gazetteer_is_an_error_naming_the_entry(tmp_path: Path):
    (tmp_path / "gazetteer.toml").write_text('[baghdad]\nar = "بغداد"\n', encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"\[baghdad\] ar must be a list"):
        load_gazetteer(tmp_path)


def _article(article_id, language, title, body, date="2021-01-22", event=None):
    return Article(id=article_id, title=title, language=language, body=body, date=date,
                   date_precision="day", event=event)


ARABIC = _article("ar1", "ar", "الكاظمي: تفجير بغداد خرق أمني",
                  "شدد رئيس الوزراء مصطفى الكاظمي بعد تفجير ساحة الطيران في بغداد على ملاحقة داعش في العراق.")


def test_english_report_joins_the_arabic_event_through_names_numbers_and_time():
    english = _article("en1", "en", "Kadhimi calls Baghdad bombing a breach",
                       "Mustafa al-Kadhimi said the Tayaran Square bombing in Baghdad, claimed by ISIS, was a breach in Iraq.")
    events = assign_events([ARABIC, english], GAZETTEER)
    assert events["en1"] == events["ar1"]


def test_english_report_naming_too_few_shared_things_stays_apart():
    english = _article("en2", "en", "Football in Baghdad", "A football match was played in Baghdad, Iraq, on Friday.")
    events = assign_events([ARABIC, english], GAZETTEER)
    assert events["en2"] != events["ar1"]


def test_english_report_days_later_stays_apart():
    english = _article("en3", "en", "Kadhimi on the Baghdad bombing",
                       "Mustafa al-Kadhimi said the Tayaran Square bombing in Baghdad, claimed by ISIS, was a breach in Iraq.",
                       date="2021-02-10")
    events = assign_events([ARABIC, english], GAZETTEER)
    assert events["en3"] != events["ar1"]
