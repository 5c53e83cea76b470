"""generator.sitemap: sitemaps by day with hreflang alternates, their index sitemap.xml and robots.txt.

The pages come from the real `Renderer.pages()` over a small archive, written into tmp_path.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest

from generator import sitemap
from generator.output import SiteWriter
from generator.article import Article
from generator.config import Config, PathsConfig, SiteConfig
from generator.model import build_archive
from generator.render import Page, Renderer
from generator.render.urls import UrlScheme
from generator.sitemap import write_sitemap
from generator.sources import Source, SourceRegistry

from .helpers import TEMPLATES_DIR

S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"
BASE = "https://user.github.io/archive/"
URLS = UrlScheme(BASE, "ar")

REGISTRY = SourceRegistry({"aljazeera": Source("aljazeera", "الجزيرة نت", "Al Jazeera")})
ARTICLES = [
    Article(id="ar-minute", title="عنوان", language="ar", body="نص", date="2021-01-22T10:42:00+03:00",
            date_precision="minute", source="aljazeera", event="ev-ar-minute"),
    Article(id="en-day", title="Title <b>&", language="en", body="text", date="2021-01-21",
            date_precision="day", event="ev-ar-minute"),
    Article(id="inferred", title="t", language="ar", body="x", date="2021-01-20", date_precision="day",
            date_inferred=True),
    Article(id="undated", title="t", language="ar", body="x"),
]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Page]:
    return _pages(tmp_path_factory.mktemp("project"), ARTICLES)


def _pages(root, articles) -> list[Page]:
    config = Config(
        root=root,
        site=SiteConfig(title_ar="أرشيف", title_en="Archive", base_url=BASE, default_language="ar"),
        paths=PathsConfig(seeds=root / "seeds", content=root / "content", output=root / "site",
                          templates=TEMPLATES_DIR),
    )
    return Renderer(config, build_archive(articles, REGISTRY)).pages()


def _urls(root: ET.Element) -> dict[str, ET.Element]:
    return {url.findtext(f"{S}loc"): url for url in root.findall(f"{S}url")}


def _sitemaps(site) -> dict[str, ET.Element]:
    """Every sitemap the index lists (file name -> its urlset), checking the index on the way."""
    index = ET.fromstring((site / "sitemap.xml").read_bytes())
    assert index.tag == f"{S}sitemapindex"
    listed = [s.findtext(f"{S}loc") for s in index.findall(f"{S}sitemap")]
    assert listed == sorted(listed) and all(loc.startswith(BASE) and "/" not in loc[len(BASE):] for loc in listed)
    files = {loc[len(BASE):]: ET.fromstring((site / loc[len(BASE):]).read_bytes()) for loc in listed}
    assert all(root.tag == f"{S}urlset" for root in files.values())
    return files


def _all_urls(site) -> dict[str, ET.Element]:
    urls: dict[str, ET.Element] = {}
    for root in _sitemaps(site).values():
        found = _urls(root)
        assert not set(found) & set(urls)  # each page is in one sitemap only
        urls.update(found)
    return urls


def _alternates(url: ET.Element) -> dict[str, str]:
    links = url.findall(XHTML_LINK)
    assert all(link.get("rel") == "alternate" for link in links)
    return {link.get("hreflang"): link.get("href") for link in links}


def test_files_are_written_at_the_site_root(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["robots.txt", "sitemap-2021-01-20.xml", "sitemap-2021-01-21.xml", "sitemap-2021-01-22.xml",
                     "sitemap-pages.xml", "sitemap-undated.xml", "sitemap.xml"]
    assert sorted(_sitemaps(tmp_path)) == [name for name in names if name.startswith("sitemap-")]


def test_every_page_is_listed_absolute_sorted_without_404(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    locs = []
    for root in _sitemaps(tmp_path).values():
        listed = [url.findtext(f"{S}loc") for url in root.findall(f"{S}url")]
        assert listed == sorted(listed)
        locs += listed
    assert all(loc.startswith(BASE) for loc in locs)
    assert not any(loc.endswith("404.html") for loc in locs)
    expected = {URLS.absolute(p.url) for p in pages if not p.url.endswith("404.html")}
    assert set(locs) == expected and len(locs) == len(expected)
    for lang in ("ar", "en"):
        for article in ARTICLES:
            assert URLS.absolute(URLS.article(lang, article.id)) in locs
    assert BASE in locs and BASE + "en/" in locs and BASE + "en/events/ev-ar-minute.html" in locs


def test_pages_are_listed_by_day(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    listed = {name: set(_urls(root)) for name, root in _sitemaps(tmp_path).items()}
    for lang in ("", "en/"):
        # An article (its date in its own time zone, an inferred one too) and its day's list.
        day = listed["sitemap-2021-01-22.xml"]
        assert {f"{BASE}{lang}articles/ar-minute.html", f"{BASE}{lang}dates/2021/01/22/"} <= day
        assert f"{BASE}{lang}articles/inferred.html" in listed["sitemap-2021-01-20.xml"]
        # An event under the day of its first report (en-day, the 21st, before ar-minute).
        day_before = listed["sitemap-2021-01-21.xml"]
        assert {f"{BASE}{lang}articles/en-day.html", f"{BASE}{lang}events/ev-ar-minute.html"} <= day_before
        assert f"{BASE}{lang}articles/undated.html" in listed["sitemap-undated.xml"]
        assert {f"{BASE}{lang}", f"{BASE}{lang}dates/2021/01/", f"{BASE}{lang}search/"} <= listed["sitemap-pages.xml"]
    assert not any("/articles/" in loc for loc in listed["sitemap-pages.xml"])


def test_every_url_has_both_languages_and_x_default(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    urls = _all_urls(tmp_path)
    for loc, url in urls.items():
        alternates = _alternates(url)
        assert set(alternates) == {"ar", "en", "x-default"}, loc
        assert loc in (alternates["ar"], alternates["en"])
        assert alternates["x-default"] == alternates["ar"]          # the default interface
        assert [l.get("hreflang") for l in url.findall(XHTML_LINK)][-1] == "x-default"
    article = urls[BASE + "en/articles/en-day.html"]
    assert _alternates(article) == {"ar": BASE + "articles/en-day.html", "en": BASE + "en/articles/en-day.html",
                                    "x-default": BASE + "articles/en-day.html"}


def test_lastmod_only_from_article_dates(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    urls = _all_urls(tmp_path)
    lastmods = {loc: url.findtext(f"{S}lastmod") for loc, url in urls.items()}
    assert lastmods[BASE + "articles/ar-minute.html"] == "2021-01-22T07:42:00Z"
    assert lastmods[BASE + "en/articles/ar-minute.html"] == "2021-01-22T07:42:00Z"
    assert lastmods[BASE + "articles/en-day.html"] == "2021-01-21"
    assert lastmods[BASE + "articles/inferred.html"] is None   # a guessed date is not a modification date
    assert lastmods[BASE + "articles/undated.html"] is None
    assert lastmods[BASE] is None and lastmods[BASE + "events/ev-ar-minute.html"] is None
    # <lastmod> comes before the xhtml links (the sitemap schema's order).
    tags = [child.tag for child in urls[BASE + "articles/en-day.html"]]
    assert tags[:2] == [f"{S}loc", f"{S}lastmod"] and set(tags[2:]) == {XHTML_LINK}


def test_robots_txt_points_at_the_sitemap(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    robots = (tmp_path / "robots.txt").read_text(encoding="utf-8")
    assert robots == f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"


def test_output_is_deterministic_whatever_the_page_order(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path / "one"), pages, URLS)
    shuffled = list(pages)
    random.Random(7).shuffle(shuffled)
    write_sitemap(SiteWriter(tmp_path / "two"), shuffled, URLS)
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_group_past_the_limit_is_cut_into_numbered_files(tmp_path, pages, monkeypatch):
    monkeypatch.setattr(sitemap, "MAX_URLS", 5)
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    files = _sitemaps(tmp_path)
    others = [p for p in pages if sitemap.sitemap_group(p) == "pages" and not p.url.endswith("404.html")]
    parts = -(-len(others) // 5)
    assert parts > 1
    assert [name for name in files if name.startswith("sitemap-pages")] == sorted(
        f"sitemap-pages-part{n}.xml" for n in range(1, parts + 1))
    assert all(1 <= len(root.findall(f"{S}url")) <= 5 for root in files.values())
    locs = [url.findtext(f"{S}loc") for n in range(1, parts + 1) for url in files[f"sitemap-pages-part{n}.xml"]]
    assert locs == sorted(URLS.absolute(p.url) for p in others)
    assert len(_all_urls(tmp_path)) == len([p for p in pages if not p.url.endswith("404.html")])


def test_exactly_at_the_limit_is_one_file(tmp_path, pages, monkeypatch):
    others = [p for p in pages if sitemap.sitemap_group(p) == "pages" and not p.url.endswith("404.html")]
    monkeypatch.setattr(sitemap, "MAX_URLS", len(others))
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    assert "sitemap-pages.xml" in _sitemaps(tmp_path)


def _fingerprints(pages, changed=()) -> list[str]:
    return [f"{page.url}:{'new' if page.url in changed else 'old'}" for page in pages]


def _listing(monkeypatch) -> list[set[str]]:
    """The pages of each sitemap that write_sitemap lists (rather than keeps) from now on."""
    listed: list[set[str]] = []
    entries = sitemap.sitemap_entries

    def spy(group_pages, urls):
        listed.append({page.url for page in group_pages})
        return entries(group_pages, urls)
    monkeypatch.setattr(sitemap, "sitemap_entries", spy)
    return listed


def test_a_sitemap_whose_pages_are_unchanged_is_kept(tmp_path, pages, monkeypatch):
    first = SiteWriter(tmp_path)
    made = write_sitemap(first, pages, URLS, _fingerprints(pages))
    assert sorted(made) == sorted(name for name in first.written if name.startswith("sitemap-"))

    listed = _listing(monkeypatch)
    again = SiteWriter(tmp_path, first.written)
    assert write_sitemap(again, pages, URLS, _fingerprints(pages), made) == made
    assert listed == []
    # A kept file counts as written (the build removes what it did not write), and is the same.
    assert again.written == first.written


def test_a_sitemap_is_kept_when_its_pages_changed_but_not_what_it_lists_of_them(tmp_path, pages, monkeypatch):
    first = SiteWriter(tmp_path)
    made = write_sitemap(first, pages, URLS, _fingerprints(pages))
    listed = _listing(monkeypatch)
    changed = {URLS.article("ar", "en-day")}  # (another event's report joined its event, say)
    again = SiteWriter(tmp_path, first.written)
    remade = write_sitemap(again, pages, URLS, _fingerprints(pages, changed), made)
    assert listed == [] and again.written == first.written
    assert {name for name in made if remade[name] != made[name]} == {"sitemap-2021-01-21.xml"}  # its record

    # Its date changes (within the day): what the sitemap lists of it changes, and the file is written.
    moved = [a.with_changes(date="2021-01-21T08:00:00+00:00", date_precision="minute") if a.id == "en-day" else a
             for a in ARTICLES]
    moved_pages = _pages(tmp_path / "project", moved)
    third = SiteWriter(tmp_path, again.written)
    write_sitemap(third, moved_pages, URLS, _fingerprints(moved_pages), remade)  # (its fingerprint changes back)
    assert listed == [{p.url for p in moved_pages if sitemap.sitemap_group(p) == "2021-01-21"}]
    assert {name for name in third.written if third.written[name] != again.written[name]} == \
        {"sitemap-2021-01-21.xml"}
    assert "2021-01-21T08:00:00Z" in (tmp_path / "sitemap-2021-01-21.xml").read_text(encoding="utf-8")


def test_a_removed_page_changes_its_sitemap(tmp_path, pages, monkeypatch):
    first = SiteWriter(tmp_path)
    made = write_sitemap(first, pages, URLS, _fingerprints(pages))
    listed = _listing(monkeypatch)
    fewer = [p for p in pages if "/articles/inferred.html" not in p.url]
    remade = write_sitemap(SiteWriter(tmp_path, first.written), fewer, URLS, _fingerprints(fewer), made)
    assert len(listed) == 1 and remade["sitemap-2021-01-20.xml"] != made["sitemap-2021-01-20.xml"]
    assert "articles/inferred.html" not in (tmp_path / "sitemap-2021-01-20.xml").read_text(encoding="utf-8")


def test_a_missing_file_is_written_again(tmp_path, pages):
    first = SiteWriter(tmp_path)
    made = write_sitemap(first, pages, URLS, _fingerprints(pages))
    (tmp_path / "sitemap-pages.xml").unlink()
    write_sitemap(SiteWriter(tmp_path, first.written), pages, URLS, _fingerprints(pages), made)
    assert _urls(ET.fromstring((tmp_path / "sitemap-pages.xml").read_bytes()))


def test_without_fingerprints_every_sitemap_is_listed(tmp_path, pages, monkeypatch):
    first = SiteWriter(tmp_path)
    made = write_sitemap(first, pages, URLS, _fingerprints(pages))
    listed = _listing(monkeypatch)
    assert write_sitemap(SiteWriter(tmp_path, first.written), pages, URLS, None, made) == {}
    assert len(listed) == len(made)


def test_urls_are_escaped(tmp_path):
    odd = Page("/archive/a&b<c>/", "x.html", "ar", {"ar": "/archive/a&b<c>/", "en": "/archive/en/a&b<c>/"})
    write_sitemap(SiteWriter(tmp_path), [odd], URLS)
    data = (tmp_path / "sitemap-pages.xml").read_bytes()
    assert b"a&amp;b&lt;c&gt;" in data
    url = ET.fromstring(data).find(f"{S}url")
    assert url.findtext(f"{S}loc") == BASE + "a&b<c>/"
    assert _alternates(url)["en"] == BASE + "en/a&b<c>/"


def test_root_site_and_english_default(tmp_path):
    urls = UrlScheme("https://news.example.org/", "en")
    page = Page("/ar/", "home.html", "ar", {"en": "/", "ar": "/ar/"})
    write_sitemap(SiteWriter(tmp_path), [page], urls)
    index = ET.fromstring((tmp_path / "sitemap.xml").read_bytes())
    assert [s.findtext(f"{S}loc") for s in index] == ["https://news.example.org/sitemap-pages.xml"]
    url = ET.fromstring((tmp_path / "sitemap-pages.xml").read_bytes()).find(f"{S}url")
    assert url.findtext(f"{S}loc") == "https://news.example.org/ar/"
    assert _alternates(url)["x-default"] == "https://news.example.org/"
    assert (tmp_path / "robots.txt").read_text(encoding="utf-8").endswith(
        "Sitemap: https://news.example.org/sitemap.xml\n")
