"""Pages' fingerprints: the same for the same archive (in one process or split over two), and
changed exactly for the pages that show what changed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from generator.article import Article
from generator.config import Config, PathsConfig, SiteConfig
from generator.model import build_archive
from generator.render import Renderer
from generator.render.fingerprints import ContextFingerprints
from generator.sources import Source, SourceRegistry

from .helpers import TEMPLATES_DIR

REGISTRY = SourceRegistry({"one": Source("one", "المصدر", "One"), "two": Source("two", "الثاني", "Two")})


def _articles(count: int = 300) -> list[Article]:
    start = date(2021, 1, 1)
    return [Article(id=f"a{number:04d}", title=f"عنوان {number}", language="ar", body=f"نص الخبر رقم {number}",
                    date=(start + timedelta(days=number % 40)).isoformat(), date_precision="day",
                    source=("one", "two")[number % 2], event=f"ev{number // 3}")
            for number in range(count)]


def _fingerprints(root, articles: list[Article], jobs: int) -> tuple[list[str], list[str]]:
    config = Config(root=root, site=SiteConfig(title_ar="أرشيف", title_en="Archive", base_url="https://example.org/",
                                                     default_language="ar"),
                    paths=PathsConfig(seeds=root / "seeds", content=root / "content", output=root / "site",
                                      templates=TEMPLATES_DIR))
    renderer = Renderer(config, build_archive(articles, REGISTRY))
    pages = renderer.pages()
    renderer.prepare_search_forms()
    return [page.url for page in pages], renderer.fingerprints(pages, jobs)


def test_two_processes_give_what_one_gives_and_so_does_the_next_build(tmp_path):
    urls, alone = _fingerprints(tmp_path, _articles(), jobs=1)
    assert len(urls) >= 800  # enough pages to be split over two processes
    assert _fingerprints(tmp_path, _articles(), jobs=2) == (urls, alone)
    assert len(set(alone)) == len(alone)


def test_a_changed_article_changes_the_pages_that_show_it_and_no_other(tmp_path):
    articles = _articles()
    urls, before = _fingerprints(tmp_path, articles, jobs=2)
    edited = [a.with_changes(title="عنوان آخر") if a.id == "a0123" else a for a in articles]
    after_urls, after = _fingerprints(tmp_path, edited, jobs=2)
    assert after_urls == urls
    changed = {url for url, old, new in zip(urls, before, after) if old != new}
    # Its own page in both interfaces, its event's (a0123 is in ev41 with a0124 and a0125, whose
    # pages list it as other coverage); not the pages of articles of other events and other days
    # (a0122: ev40, 2021-01-03, source one; a0126: ev42, 2021-01-07, source one) nor ev40's.
    assert {"/articles/a0123.html", "/en/articles/a0123.html", "/events/ev41.html", "/en/events/ev41.html",
            "/articles/a0124.html", "/articles/a0125.html"} <= changed
    assert not any("/a0122/" in url or "/ev40/" in url or "/a0126/" in url for url in changed)


def test_a_context_value_of_an_unknown_type_is_refused():
    with pytest.raises(TypeError, match="object"):
        ContextFingerprints().of({"kind": "page", "value": object()})


def test_an_article_pages_context_is_digested_from_its_articles_and_events_and_changes_with_each():
    from generator.model import Event

    articles = _articles(6)
    event, related = Event("ev0", articles[:3]), Event("ev1", articles[3:5])
    alternates = {"ar": "/articles/a0000.html", "en": "/en/articles/a0000.html"}

    def page(**changes) -> str:
        context = {"kind": "article", "article": articles[0], "event": event, "related_events": [related],
                   "older": None, "newer": articles[1]}
        context.update(changes.pop("context", {}))
        arguments = {"template": "article.html", "alternates": alternates, "context": context, **changes}
        return ContextFingerprints().of_page(**arguments)

    assert page() == page()
    variants = [
        page(context={"article": articles[0].with_changes(title="آخر")}),
        page(context={"event": Event("ev0", articles[:2])}),          # the event lost a report
        page(context={"event": Event("ev0", articles[:3], related=("ev1",))}),
        page(context={"related_events": []}),
        page(context={"related_events": [Event("ev1", articles[3:6])]}),  # a related event grew
        page(context={"older": articles[1], "newer": None}),           # the neighbours swapped
        page(context={"newer": articles[1].with_changes(title="آخر")}),
        page(context={"kind": "event_redirect"}),
        page(template="other.html"),
        page(alternates={"ar": "/articles/a0000.html", "en": "/en/articles/other.html"}),
    ]
    assert len({page(), *variants}) == len(variants) + 1
    # A list's page: its items, its pager (a dataclass), a string and a number.
    from generator.render.pagination import paginate

    (first, _), (second, _) = paginate(articles, lambda lang: "/sources/one/", page_size=3)

    def listing(**changes) -> str:
        context = {"kind": "source", "source_id": "one", "items": articles[:3], "pager": first, "count": 6}
        context.update(changes)
        return ContextFingerprints().of_page("source.html", alternates, context)

    variants = [listing(source_id="two"), listing(items=articles[:2]), listing(items=articles[3:6]),
                listing(pager=second), listing(count=7), listing(items=[])]
    assert listing() == listing() and len({listing(), *variants}) == len(variants) + 1
    # Any other context is walked, as `of` walks it.
    other = {"kind": "dates", "years": (2021, 2020), "counts": {"2021": 3}}
    assert ContextFingerprints().of_page("dates.html", alternates, other) == \
        ContextFingerprints().of(("dates.html", alternates, other))


def test_a_new_report_at_the_top_of_a_list_leaves_its_numbered_pages_and_the_day_before_alone(tmp_path):
    """The newest report, joining the most covered event: the home page's most covered events, the
    day's count and the days beside a day are shown by the list's own page alone (or by date), so
    the numbered pages of the latest articles and of its day, and every page of the day before,
    keep their fingerprints (a rebuild does not render them again)."""
    start = datetime(2021, 1, 1, 0, 0)
    articles = [Article(id=f"a{number:04d}", title=f"عنوان {number}", language="ar", body=f"نص الخبر رقم {number}",
                        date=(start + timedelta(minutes=7 * number)).isoformat(), date_precision="minute",
                        source=("one", "two")[number % 2], event="ev-big" if number % 20 == 0 else f"ev{number}")
                for number in range(400)]  # 2021-01-01 and 2021-01-02, 206 and 194 reports
    newest = Article(id="a9999", title="عنوان جديد", language="ar", body="نص جديد", date="2021-01-02T23:59:00",
                     date_precision="minute", source="one", event="ev-big")
    urls, before = _fingerprints(tmp_path, articles, jobs=1)
    after_urls, after = _fingerprints(tmp_path, articles + [newest], jobs=1)
    before, after = dict(zip(urls, before)), dict(zip(after_urls, after))
    changed = {url for url in before if url in after and before[url] != after[url]}
    numbered_home = [url for url in before if url.startswith(("/page/", "/en/page/"))]
    numbered_day = [url for url in before if url.startswith(("/dates/2021/01/02/page/", "/en/dates/2021/01/02/page/"))]
    day_before = [url for url in before if url.startswith(("/dates/2021/01/01/", "/en/dates/2021/01/01/"))]
    assert len(numbered_home) >= 2 * 4 and len(numbered_day) >= 2 * 1 and len(day_before) >= 2 * 2
    assert not changed.intersection(numbered_home + numbered_day + day_before)
    assert {"/", "/en/", "/dates/2021/01/02/", "/en/dates/2021/01/02/"} <= changed  # the lists' own pages


def test_a_report_dated_among_older_ones_changes_its_own_page_of_each_list_not_the_newer_ones(tmp_path):
    """A late report of the archive's past (its id and its event's not at a page boundary): the
    latest articles', its day's, its source's and the events list's numbered pages change where it
    falls in, not every page from there to the newest, as pages cut every 50 items would."""
    from generator.render.pagination import is_boundary
    start = datetime(2021, 1, 1, 0, 0)
    articles = [Article(id=f"a{number:04d}", title=f"عنوان {number}", language="ar", body=f"نص الخبر رقم {number}",
                        date=(start + timedelta(minutes=7 * number)).isoformat(), date_precision="minute",
                        source=("one", "two")[number % 2], event=f"ev{number}")
                for number in range(600)]  # 2021-01-01 to 2021-01-03, each report its own event
    late_id = next(f"late{n}" for n in range(100) if not is_boundary(f"late{n}") and not is_boundary(f"ev-late{n}"))
    late = Article(id=late_id, title="عنوان متأخر", language="ar", body="نص متأخر", date="2021-01-01T12:03:00",
                   date_precision="minute", source="one", event=f"ev-{late_id}")
    urls, before = _fingerprints(tmp_path, articles, jobs=1)
    after_urls, after = _fingerprints(tmp_path, articles + [late], jobs=1)
    before, after = dict(zip(urls, before)), dict(zip(after_urls, after))
    for prefix in ("/page/", "/en/page/", "/dates/2021/01/01/page/", "/sources/one/page/", "/events/page/"):
        numbered = [url for url in before if url.startswith(prefix)]
        changed = [url for url in numbered if before[url] != after.get(url)]
        # Its own page; the next one too where it pushes an item across a page's maximum (a few
        # times in a hundred: the test is not to hang on where this fixture's pages end).
        assert len(numbered) >= 4 and 1 <= len(changed) <= 2, (prefix, len(numbered), changed)
