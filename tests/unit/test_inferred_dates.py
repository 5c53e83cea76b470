"""Dates inferred for undated articles from their event's dated coverage."""

from __future__ import annotations

import pytest

from generator.article import Article
from generator.inferred_dates import infer_dates, publication_weekday


def _article(article_id: str, body: str, date: str | None = None) -> Article:
    return Article(id=article_id, title="عنوان", language="ar", body=body, date=date,
                   date_precision="minute" if date and "T" in date else ("day" if date else None))


@pytest.mark.parametrize(("text", "weekday"), [
    ("وقال خلال جلسة استثنائية اليوم الجمعة، إن", 4),
    ("المجزرة التي هزت بغداد، أمس الخميس، شدد", 4),   # yesterday Thursday -> written on Friday
    ("The minister said today (Monday) that", 0),
    ("صدر القرار يوم الأحد الماضي", None),
    ("اليوم الاول من المهرجان", None),
])
def test_publication_weekday_reads_today_and_yesterday_cues(text, weekday):
    assert publication_weekday(text) == weekday


def test_undated_article_takes_the_event_day_matching_its_today_cue():
    articles = [
        _article("a", "نص", "2021-01-21T18:00:00+00:00"),   # Thursday
        _article("b", "نص", "2021-01-22T10:42:00+00:00"),   # Friday
        _article("c", "وقال اليوم الجمعة إن"),
    ]
    events = {"a": "ev-a", "b": "ev-a", "c": "ev-a"}
    assert infer_dates(articles, events) == {"c": "2021-01-22"}


def test_without_a_cue_the_event_first_day_is_used():
    articles = [_article("a", "نص", "2021-01-22"), _article("b", "نص", "2021-01-24"), _article("c", "لا إشارة")]
    assert infer_dates(articles, {"a": "e", "b": "e", "c": "e"}) == {"c": "2021-01-22"}


def test_nothing_is_inferred_without_dated_coverage_or_for_dated_articles():
    articles = [_article("a", "نص"), _article("b", "نص", "2021-01-22"), _article("c", "اليوم الجمعة")]
    assert infer_dates(articles, {"a": "e1", "b": "e2", "c": "e3"}) == {}


def test_an_undated_article_takes_its_own_events_days_only():
    articles = [_article("a", "نص", "2021-01-20"), _article("b", "نص", "2021-01-22"),
                _article("c", "لا إشارة"), _article("d", "نص", "2021-01-25"), _article("e", "نص")]
    assert infer_dates(articles, {"a": "e1", "b": "e2", "c": "e2", "d": "e3"}) == {"c": "2021-01-22"}
