"""generator.sitemap: sitemap.xml with hreflang alternates (split past the limit) and robots.txt.

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
    root = tmp_path_factory.mktemp("project")
    config = Config(
        root=root,
        site=SiteConfig(title_ar="أرشيف", title_en="Archive", base_url=BASE, default_language="ar"),
        paths=PathsConfig(seeds=root / "seeds", content=root / "content", output=root / "site",
                          templates=TEMPLATES_DIR),
    )
    return Renderer(config, build_archive(ARTICLES, REGISTRY)).pages()


def _urls(root: ET.Element) -> dict[str, ET.Element]:
    return {url.findtext(f"{S}loc"): url for url in root.findall(f"{S}url")}


def _alternates(url: ET.Element) -> dict[str, str]:
    links = url.findall(XHTML_LINK)
    assert all(link.get("rel") == "alternate" for link in links)
    return {link.get("hreflang"): link.get("href") for link in links}


def test_files_are_written_at_the_site_root(tmp_path, pages):
    assert write_sitemap(SiteWriter(tmp_path), pages, URLS) == ["sitemap.xml", "robots.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["robots.txt", "sitemap.xml"]


def test_every_page_is_listed_absolute_sorted_without_404(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    root = ET.fromstring((tmp_path / "sitemap.xml").read_bytes())
    assert root.tag == f"{S}urlset"
    locs = [url.findtext(f"{S}loc") for url in root.findall(f"{S}url")]
    assert locs == sorted(locs)
    assert all(loc.startswith(BASE) for loc in locs)
    assert not any(loc.endswith("404.html") for loc in locs)
    expected = {URLS.absolute(p.url) for p in pages if not p.url.endswith("404.html")}
    assert set(locs) == expected and len(locs) == len(expected)
    for lang in ("ar", "en"):
        for article in ARTICLES:
            assert URLS.absolute(URLS.article(lang, article.id)) in locs
    assert BASE in locs and BASE + "en/" in locs and BASE + "en/events/ev-ar-minute/" in locs


def test_every_url_has_both_languages_and_x_default(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    urls = _urls(ET.fromstring((tmp_path / "sitemap.xml").read_bytes()))
    for loc, url in urls.items():
        alternates = _alternates(url)
        assert set(alternates) == {"ar", "en", "x-default"}, loc
        assert loc in (alternates["ar"], alternates["en"])
        assert alternates["x-default"] == alternates["ar"]          # the default interface
        assert [l.get("hreflang") for l in url.findall(XHTML_LINK)][-1] == "x-default"
    article = urls[BASE + "en/articles/en-day/"]
    assert _alternates(article) == {"ar": BASE + "articles/en-day/", "en": BASE + "en/articles/en-day/",
                                    "x-default": BASE + "articles/en-day/"}


def test_lastmod_only_from_article_dates(tmp_path, pages):
    write_sitemap(SiteWriter(tmp_path), pages, URLS)
    urls = _urls(ET.fromstring((tmp_path / "sitemap.xml").read_bytes()))
    lastmods = {loc: url.findtext(f"{S}lastmod") for loc, url in urls.items()}
    assert lastmods[BASE + "articles/ar-minute/"] == "2021-01-22T07:42:00Z"
    assert lastmods[BASE + "en/articles/ar-minute/"] == "2021-01-22T07:42:00Z"
    assert lastmods[BASE + "articles/en-day/"] == "2021-01-21"
    assert lastmods[BASE + "articles/inferred/"] is None   # a guessed date is not a modification date
    assert lastmods[BASE + "articles/undated/"] is None
    assert lastmods[BASE] is None and lastmods[BASE + "events/ev-ar-minute/"] is None
    # <lastmod> comes before the xhtml links (the sitemap schema's order).
    tags = [child.tag for child in urls[BASE + "articles/en-day/"]]
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
    for name in ("sitemap.xml", "robots.txt"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_split_into_an_index_past_the_limit(tmp_path, pages, monkeypatch):
    monkeypatch.setattr(sitemap, "MAX_URLS", 5)
    written = write_sitemap(SiteWriter(tmp_path), pages, URLS)
    listed = [p for p in pages if not p.url.endswith("404.html")]
    parts = -(-len(listed) // 5)
    assert parts > 1
    assert written == [f"sitemap-{n}.xml" for n in range(1, parts + 1)] + ["sitemap.xml", "robots.txt"]
    index = ET.fromstring((tmp_path / "sitemap.xml").read_bytes())
    assert index.tag == f"{S}sitemapindex"
    assert [s.findtext(f"{S}loc") for s in index.findall(f"{S}sitemap")] == [
        f"{BASE}sitemap-{n}.xml" for n in range(1, parts + 1)]
    locs = []
    for n in range(1, parts + 1):
        part = ET.fromstring((tmp_path / f"sitemap-{n}.xml").read_bytes())
        assert part.tag == f"{S}urlset"
        assert 1 <= len(part.findall(f"{S}url")) <= 5
        assert all(set(_alternates(url)) == {"ar", "en", "x-default"} for url in part.findall(f"{S}url"))
        locs += [url.findtext(f"{S}loc") for url in part.findall(f"{S}url")]
    assert locs == sorted({URLS.absolute(p.url) for p in listed})
    assert (tmp_path / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {BASE}sitemap.xml\n")


def test_exactly_at_the_limit_is_one_file(tmp_path, pages, monkeypatch):
    listed = [p for p in pages if not p.url.endswith("404.html")]
    monkeypatch.setattr(sitemap, "MAX_URLS", len(listed))
    assert write_sitemap(SiteWriter(tmp_path), pages, URLS) == ["sitemap.xml", "robots.txt"]
    assert ET.fromstring((tmp_path / "sitemap.xml").read_bytes()).tag == f"{S}urlset"


def test_urls_are_escaped(tmp_path):
    odd = Page("/archive/a&b<c>/", "x.html", "ar", {"ar": "/archive/a&b<c>/", "en": "/archive/en/a&b<c>/"})
    write_sitemap(SiteWriter(tmp_path), [odd], URLS)
    data = (tmp_path / "sitemap.xml").read_bytes()
    assert b"a&amp;b&lt;c&gt;" in data
    url = ET.fromstring(data).find(f"{S}url")
    assert url.findtext(f"{S}loc") == BASE + "a&b<c>/"
    assert _alternates(url)["en"] == BASE + "en/a&b<c>/"


def test_root_site_and_english_default(tmp_path):
    urls = UrlScheme("https://news.example.org/", "en")
    page = Page("/ar/", "home.html", "ar", {"en": "/", "ar": "/ar/"})
    write_sitemap(SiteWriter(tmp_path), [page], urls)
    url = ET.fromstring((tmp_path / "sitemap.xml").read_bytes()).find(f"{S}url")
    assert url.findtext(f"{S}loc") == "https://news.example.org/ar/"
    assert _alternates(url)["x-default"] == "https://news.example.org/"
    assert (tmp_path / "robots.txt").read_text(encoding="utf-8").endswith(
        "Sitemap: https://news.example.org/sitemap.xml\n")
