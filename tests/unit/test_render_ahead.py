"""Bodies rendered ahead of need (generator.render.render_articles_ahead): the pages' bodies, the
feeds' entries and the leads then come from memory, the same HTML as rendered on demand; newest
articles first; the work stops as soon as it is told to, or at its budget."""

from __future__ import annotations

import pytest

from generator import feeds
from generator.article import Article
from generator.model import build_archive
from generator.render import markdown, render_articles_ahead
from generator.render.markdown import forget_rendered_ahead, render_ahead, render_body
from generator.render.urls import UrlScheme
from generator.sources import SourceRegistry


def make_article(**fields) -> Article:
    return Article(**{"title": "عنوان", "language": "ar", "source": "outlet", **fields})


@pytest.fixture(autouse=True)
def _nothing_ahead(monkeypatch):
    monkeypatch.setattr(markdown, "_RENDERED_AHEAD", {})
    feeds._plain_text.cache_clear()
    yield
    feeds._plain_text.cache_clear()


def _articles():
    return [make_article(id="old", date="2021-01-20", body="قال John Smith أمس\n\nفقرة ثانية"),
            make_article(id="new", date="2021-01-22", body="قتل 32 وأصيب أكثر من 110"),
            make_article(id="en", date="2021-01-21", language="en", body="Two *blasts* hit Baghdad.\x01\n\nMore.")]


def _on_demand(articles) -> dict:
    """What pages and feeds render of the articles with nothing rendered ahead."""
    archive, urls = build_archive(articles, SourceRegistry({})), UrlScheme("https://example.org/", "ar")
    made = {(article.id, lang): feeds._entry(article, lang, archive, urls)
            for article in articles for lang in ("ar", "en")}
    pages = {article.id: render_body(article.body, "rtl" if article.language == "ar" else "ltr")
             for article in articles}
    return {"entries": made, "pages": pages, "leads": {article.id: feeds.plain_lead(article) for article in articles}}


def test_pages_feeds_and_leads_are_answered_from_memory_with_the_html_rendered_on_demand(monkeypatch):
    articles = _articles()
    expected = _on_demand(articles)
    feeds._plain_text.cache_clear()
    assert render_articles_ahead(articles, until=lambda: False) == 9

    def no_rendering(isolate: bool):
        raise AssertionError("rendered again instead of answered from memory")
    monkeypatch.setattr(markdown, "_renderer", no_rendering)
    assert _on_demand(articles) == expected
    assert "<bdi" in expected["pages"]["old"] and "<bdi" not in render_body(articles[0].body)  # the feed's own
    # A text that renders alike either way is kept once.
    assert render_body(articles[1].body, "rtl") is render_body(articles[1].body, "ltr")


def test_leads_are_made_plain_ahead_as_they_are_on_demand():
    articles = _articles()
    expected = {article.id: feeds.plain_lead(article) for article in articles}
    feeds._plain_text.cache_clear()
    render_articles_ahead(articles, until=lambda: False)
    before = feeds._plain_text.cache_info()
    assert {article.id: feeds.plain_lead(article) for article in articles} == expected
    after = feeds._plain_text.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (len(articles), 0)  # none made again


def test_rendering_ahead_stops_when_told_newest_first():
    asked = []

    def until() -> bool:
        asked.append(len(markdown._RENDERED_AHEAD))
        return len(asked) > 2

    assert render_articles_ahead(_articles(), until) == 1  # asked once at first, then before each text
    assert list(markdown._RENDERED_AHEAD) == [(_articles()[1].body, True)]  # the newest article's page body
    assert render_articles_ahead(_articles(), until=lambda: True) == 0


def test_rendering_ahead_keeps_to_its_budget_and_leaves_long_texts(monkeypatch):
    monkeypatch.setattr(markdown, "AHEAD_MAX_CHARACTERS", 40)
    monkeypatch.setattr(markdown, "AHEAD_MAX_TEXT", 30)
    texts = [("نص " * 20, "rtl"), *((f"نص {n}", "rtl") for n in range(10))]
    # The long one is taken but left; each short one is 12 characters of HTML: the fourth passes 40.
    assert render_ahead(texts, until=lambda: False) == 5
    assert [text for text, _ in markdown._RENDERED_AHEAD] == ["نص 0", "نص 1", "نص 2", "نص 3"]
    forget_rendered_ahead()
    assert not markdown._RENDERED_AHEAD
