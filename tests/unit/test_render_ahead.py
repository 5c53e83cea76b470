"""Bodies rendered ahead of need (generator.render.render_articles_ahead): pages and feeds get the
same HTML from memory, newest articles first, and the work stops as soon as it is told to."""

from __future__ import annotations

import pytest

from generator import feeds
from generator.article import Article
from generator.render import markdown, render_articles_ahead
from generator.render.markdown import render_ahead, render_body


def make_article(**fields) -> Article:
    return Article(**{"title": "عنوان", "language": "ar", **fields})


@pytest.fixture(autouse=True)
def _nothing_ahead(monkeypatch):
    monkeypatch.setattr(markdown, "_RENDERED_AHEAD", {})


def _articles():
    return [make_article(id="old", date="2021-01-20", body="قال John Smith أمس\n\nفقرة ثانية"),
            make_article(id="new", date="2021-01-22", body="قتل 32 وأصيب أكثر من 110"),
            make_article(id="en", date="2021-01-21", language="en", body="Two *blasts* hit Baghdad.\x01")]


def _fresh(text: str, direction: str) -> str:
    return markdown._renderer(direction == "rtl").render(text)


def test_what_pages_and_feeds_render_is_rendered_ahead_and_answered_from_memory():
    articles = _articles()
    assert render_articles_ahead(articles, until=lambda: False) == 9
    for article in articles:
        direction = "rtl" if article.language == "ar" else "ltr"
        page = render_body(article.body, direction)
        assert page is render_body(article.body, direction)  # from memory, not rendered again
        assert page == _fresh(article.body, direction)
        feed = render_body(feeds.xml_safe(article.body))
        assert feed is render_body(feeds.xml_safe(article.body)) and feed == _fresh(feeds.xml_safe(article.body), "ltr")
    assert "<bdi" in render_body(articles[0].body, "rtl") and "<bdi" not in render_body(articles[0].body)
    # A text that renders alike either way is kept once.
    assert render_body(articles[1].body, "rtl") is render_body(articles[1].body, "ltr")
    assert feeds.plain_lead(articles[0]) == "قال John Smith أمس"


def test_rendering_ahead_stops_when_told_newest_first():
    asked = []

    def until() -> bool:
        asked.append(len(markdown._RENDERED_AHEAD))
        return len(asked) > 1

    assert render_articles_ahead(_articles(), until, every=1) == 1  # asked before each text
    assert list(markdown._RENDERED_AHEAD) == [(_articles()[1].body, True)]  # the newest article's page body
    assert render_articles_ahead(_articles(), until=lambda: True) == 0


def test_rendering_ahead_asks_every_so_many_texts():
    asked = []
    texts = [(f"نص {n}", "rtl") for n in range(10)]
    assert render_ahead(texts, lambda: asked.append(1) or len(asked) > 2, every=4) == 8
    assert len(markdown._RENDERED_AHEAD) == 8

