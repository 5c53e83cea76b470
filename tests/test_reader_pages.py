"""The reader's archive built for real from a fixture project: browse by date and by source,
pagination, article pages (Hijri date, neighbours, permalink, citations, raw text), metadata in
<head> and the about page, in both interfaces.

The fixture adds 203 curated articles from one outlet (201 of them on 22 January 2021, so that
the day's and the outlet's lists have numbered pages: over 200 items always do), an article whose title tries to break out of <script>, and one dated outside
the Hijri converter's range.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import copy_project, run_archive
from generator.render.pagination import PAGE_SIZE

BASE = "/archive/"
DAY_ARTICLES = 201                      # on 2021-01-22 from Reuters, besides the demo's own: over
                                        # 200, so that the day's and the source's lists have numbered pages
HOSTILE_TITLE = 'Budget </script><script>alert(1)</script> & "quotes" <!-- {braces} 100% _x_'


def _seed(article_id: str, title: str, date: str, body: str, *, language: str = "en", source: str = "reuters",
          author: str | None = None, place: str | None = None) -> str:
    front = {
        "id": article_id, "title": title, "date": date,
        "date_precision": "minute" if "T" in date else "day", "source": source, "language": language,
        "author": author, "place": place,
    }
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()
                       if value is not None] + ["---", "", body, ""]
    return "\n".join(lines)


def _day_of_reports(project: Path) -> Path:
    """DAY_ARTICLES market reports on 22 January 2021, a minute apart, in seeds/fixture/."""
    seeds = project / "seeds" / "fixture"
    seeds.mkdir()
    for n in range(DAY_ARTICLES):
        minute = f"{n // 60:02d}:{n % 60:02d}"
        (seeds / f"r{n:03d}.md").write_text(_seed(
            f"fx-{n:03d}", f"Market report number {n} from the Gulf exchanges", f"2021-01-22T{minute}:00+00:00",
            f"Report {n}: shares in company {n} moved {n} points on volume of {n * 7} lots."), encoding="utf-8")
    return seeds


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("reader") / "project", base_url="http://127.0.0.1/archive/")
    seeds = _day_of_reports(project)
    (seeds / "author.md").write_text(_seed(
        "fx-author", "Oil ministers meet in Riyadh", "2021-02-03T09:00:00+03:00",
        "Ministers met to discuss output quotas for the coming quarter.",
        author="Jane Doe", place="Riyadh"), encoding="utf-8")
    (seeds / "hostile.md").write_text(_seed(
        "fx-hostile", HOSTILE_TITLE, "2021-02-04",
        "The lead paragraph mentions </script> and <b>tags</b> & ampersands."), encoding="utf-8")
    (seeds / "old.md").write_text(_seed(
        "fx-old", "An item from 1910 outside the Hijri converter's range", "1910-05-06",
        "An old clipping kept for the record.", source="aljazeera"), encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0, f"build failed: {out}\n{err}"
    return project


def _html(project: Path, path: str) -> str:
    """The page served at `path`, as GitHub Pages finds it: the file, `path`.html, or the folder's index.html."""
    site = project / "site"
    for file in (site / path, site / f"{path}.html", site / path / "index.html"):
        if file.is_file():
            return file.read_text(encoding="utf-8")
    raise FileNotFoundError(site / path)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []       # (href, text) of <a>
        self.head_links: dict[str, str] = {}        # rel -> href of <link>
        self.meta: dict[str, str] = {}
        self.scripts: list[tuple[str, str]] = []    # (type, text)
        self._a: list | None = None
        self._script: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self._a = [attrs["href"], ""]
        elif tag == "link" and "rel" in attrs and "hreflang" not in attrs:
            self.head_links[attrs["rel"]] = attrs["href"]
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], attrs["content"])
        elif tag == "script":
            self._script = [attrs.get("type", ""), ""]

    def handle_data(self, data):
        if self._a is not None:
            self._a[1] += data
        if self._script is not None:
            self._script[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._a is not None:
            self.links.append((self._a[0], " ".join(self._a[1].split())))
            self._a = None
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None


def _parse(project: Path, path: str) -> _Page:
    page = _Page()
    page.feed(_html(project, path))
    return page


def _article_links(page: _Page, prefix: str = "") -> list[str]:
    return [href for href, _ in page.links if href.startswith(f"{BASE}{prefix}articles/")]


# -- browse by date ----------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_dates_go_from_years_to_months_to_a_calendar_to_a_day(project, prefix):
    years = _parse(project, f"{prefix}dates")
    year_links = [href for href, _ in years.links if re.fullmatch(rf"{BASE}{prefix}dates/\d{{4}}/", href)]
    assert year_links == [f"{BASE}{prefix}dates/2021/", f"{BASE}{prefix}dates/1910/"]   # newest first
    day_total = DAY_ARTICLES + 3          # and the demo's three articles, all of 22 January
    year_total = day_total + 2            # and 3 and 4 February
    assert year_total == 206              # Arabic plural category "few" (206 % 100 = 6)
    assert (f"{year_total} مقالات" if not prefix else f"{year_total} articles") in _html(project, f"{prefix}dates")

    months = _parse(project, f"{prefix}dates/2021")
    assert [h for h, _ in months.links if re.fullmatch(rf"{BASE}{prefix}dates/2021/\d\d/", h)] == [
        f"{BASE}{prefix}dates/2021/01/", f"{BASE}{prefix}dates/2021/02/"]

    calendar = _parse(project, f"{prefix}dates/2021/01")
    day_links = {h: text for h, text in calendar.links if re.fullmatch(rf"{BASE}{prefix}dates/2021/01/\d\d/", h)}
    assert set(day_links) == {f"{BASE}{prefix}dates/2021/01/22/"}
    label = f"{day_total} مقالات" if not prefix else f"{day_total} articles"   # read out; the bare number is shown
    assert day_links[f"{BASE}{prefix}dates/2021/01/22/"] == f"22 {day_total} {label}"
    html = _html(project, f"{prefix}dates/2021/01")
    assert html.count("<tr>") == 1 + 5 + (1 if not prefix else 0)  # header + weeks (Saturday-first needs 6)
    assert html.count('<td class="has-articles">') == 1


def test_hijri_dates_are_shown_beside_the_gregorian(project):
    assert "9 جمادى الآخرة 1442 هـ" in _html(project, "dates/2021/01/22")
    assert "9 Jumada al-Akhirah 1442 AH" in _html(project, "en/dates/2021/01/22")
    assert "جمادى الأولى – جمادى الآخرة 1442 هـ" in _html(project, "dates/2021/01")
    assert "1442–1443 AH" in _html(project, "en/dates")
    assert "(9 Jumada al-Akhirah 1442 AH)" in _html(project, "en/articles/fx-000")
    old = _html(project, "en/articles/fx-old")                   # outside the converter's range
    assert "1910" in old and " AH)" not in old


def _list_pages(project: Path, path: str) -> list[str]:
    """A paginated archive list's pages in reading order: its front page, then page/N/ down to 1."""
    numbered = sorted((int(p.name) for p in (project / "site" / path / "page").iterdir()), reverse=True)
    assert numbered == list(range(len(numbered), 0, -1))   # numbered from 1, none missing
    return [path.rstrip("/") or "."] + [f"{path}page/{n}" for n in numbered]


def test_the_day_page_lists_that_days_articles_newest_first_across_pages(project):
    seen = []
    for path in _list_pages(project, "en/dates/2021/01/22/"):
        seen += _article_links(_parse(project, path), "en/")
    assert len(seen) == len(set(seen)) == DAY_ARTICLES + 3
    fixture = [int(h.removesuffix(".html").rsplit("-", 1)[1]) for h in seen if "/fx-" in h]
    assert fixture == sorted(fixture, reverse=True)               # later minutes first


# -- pagination ----------------------------------------------------------------------------------


def test_archive_lists_show_the_newest_first_and_number_older_pages_from_the_oldest(project):
    root = f"{BASE}en/dates/2021/01/22/"
    paths = _list_pages(project, "en/dates/2021/01/22/")
    assert len(paths) >= 2
    front, newer, oldest = _parse(project, paths[0]), _parse(project, paths[1]), _parse(project, paths[-1])
    total, shown = DAY_ARTICLES + 3, len(_article_links(front, "en/"))
    assert shown >= PAGE_SIZE
    last = len(paths) - 1                                         # the newest numbered page
    assert "prev" not in front.head_links and front.head_links["next"] == f"{root}page/{last}/"
    assert newer.head_links["prev"] == root and "next" not in oldest.head_links
    assert front.head_links["canonical"] == f"http://127.0.0.1{root}"
    assert oldest.head_links["canonical"] == f"http://127.0.0.1{root}page/1/"
    assert f"Showing 1–{shown} of {total}" in _html(project, "en/dates/2021/01/22")
    assert "Page 1, counting from the oldest" in _html(project, "en/dates/2021/01/22/page/1")
    assert "الصفحة 1 بالعدّ من الأقدم" in _html(project, "dates/2021/01/22/page/1")
    # What each numbered page covers: the oldest holds the demo's articles, dated by the day alone;
    # the newest numbered page, reports of one zone, from its oldest item's minute to its newest's.
    assert 'class="pagination-period">Friday 22 January 2021</span>' in _html(project, "en/dates/2021/01/22/page/1")
    times = [when[11:16] for when in re.findall(r'<time datetime="([^"]+T[^"]+)">', _html(project, paths[1]))]
    assert len(times) == len(_article_links(newer, "en/")) and times == sorted(times, reverse=True)
    assert f'class="pagination-period">Friday 22 January 2021, {times[-1]} – {times[0]} GMT</span>' in _html(project, paths[1])
    assert f'class="pagination-period">الجمعة 22 يناير 2021، {times[-1]} – {times[0]} ت.غ</span>' in \
        _html(project, paths[1].removeprefix("en/"))
    assert "pagination-period" not in _html(project, "en/dates/2021/01/22")   # the front counts its items
    events = _html(project, "en/events/page/1")   # an event by the day of its first report
    assert re.search(r'class="pagination-period">\w+day \d+ \w+ \d{4}( – \w+day \d+ \w+ \d{4})?</span>', events)
    assert "Page 1" in _html(project, "en/dates/2021/01/22/page/1").split("</title>")[0]
    assert "Page" not in _html(project, "en/dates/2021/01/22").split("</title>")[0]
    assert ">Newest</a>" in _html(project, "en/dates/2021/01/22/page/1")
    assert ">الأحدث</span>" in _html(project, "dates/2021/01/22")


@pytest.mark.parametrize("path", ["", "en/", "sources/reuters/", "en/sources/reuters/"])
def test_home_and_source_lists_are_paginated(project, path):
    pages = _list_pages(project, path)
    assert len(pages) >= 2
    front = _parse(project, pages[0])
    assert front.head_links["next"] == f"{BASE}{path}page/{len(pages) - 1}/"


def test_an_old_page_of_an_archive_list_is_the_same_after_newer_articles_arrive(project, tmp_path):
    """Its address can be cited: page/1/ keeps its oldest articles (and its bytes)."""
    before = (project / "site/en/sources/reuters/page/1/index.html").read_bytes()
    grown = tmp_path / "grown"
    shutil.copytree(project, grown, ignore=shutil.ignore_patterns("site", "site.*"))
    (grown / "seeds" / "fixture" / "later.md").write_text(_seed(
        "fx-later", "Reuters follow-up on the budget", "2021-03-01T09:00:00+00:00", "A later report."),
        encoding="utf-8")
    code, out, err = run_archive(grown, "build")
    assert code == 0, f"build failed: {out}\n{err}"
    assert (grown / "site/en/sources/reuters/page/1/index.html").read_bytes() == before
    assert "follow-up on the budget" in (grown / "site/en/sources/reuters/index.html").read_text(encoding="utf-8")


def test_a_late_report_among_older_ones_changes_its_page_of_the_list_and_rebuilds_to_the_clean_site(tmp_path):
    """A report of 00:20 arriving after the day's 201 others: the day's and the outlet's numbered
    pages from there to the newest keep their bytes but for the one it falls in (or two, where it
    pushes an item over a page's maximum), and the rebuilt site is the clean build's."""
    from generator.render.pagination import is_boundary
    from test_incremental import _assert_same_site

    project = copy_project(tmp_path / "project", base_url="http://127.0.0.1/archive/")
    seeds = _day_of_reports(project)
    code, out, err = run_archive(project, "build")
    assert code == 0, f"build failed: {out}\n{err}"
    lists = ("en/dates/2021/01/22/", "dates/2021/01/22/", "en/sources/reuters/")

    def numbered() -> dict[str, bytes]:
        return {path: (project / "site" / path / "index.html").read_bytes()
                for listed in lists for path in _list_pages(project, listed)[1:]}

    before = numbered()
    late = next(f"fx-late-{n}" for n in range(100) if not is_boundary(f"fx-late-{n}"))
    (seeds / "late.md").write_text(_seed(late, "A late market report", "2021-01-22T00:20:30+00:00",
                                         "Filed late: shares moved."), encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0, f"build failed: {out}\n{err}"
    after = numbered()
    assert after.keys() == before.keys() and len(before) >= 3 * 3
    for listed in lists:
        changed = [path for path in before if path.startswith(f"{listed}page/") and after[path] != before[path]]
        assert 1 <= len(changed) <= 2, (listed, changed)
    _assert_same_site(project, tmp_path / "clean")


def test_sitemap_lists_every_page_of_a_list(project):
    site = project / "site"
    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(rf"<loc>http://127\.0\.0\.1{re.escape(BASE)}(sitemap-[^<]+)</loc>", index)
    assert "sitemap-pages.xml" in listed and "sitemap-2021-01-22.xml" in listed
    sitemap = "".join((site / name).read_text(encoding="utf-8") for name in listed)
    for path in ("dates/2021/01/22/page/1/", "en/sources/reuters/page/1/", "page/1/", "en/dates/2021/01/"):
        assert f"<loc>http://127.0.0.1{BASE}{path}</loc>" in sitemap


# -- browse by source ----------------------------------------------------------------------------------


def test_sources_index_names_outlets_in_both_languages_with_counts(project):
    arabic, english = _html(project, "sources"), _html(project, "en/sources")
    for html in (arabic, english):
        assert "رويترز" in html and "Reuters" in html
        assert f'href="{BASE}{"en/" if html is english else ""}sources/reuters/"' in html
    assert f"{DAY_ARTICLES + 2} articles" in english          # 201 + the two February articles
    assert english.index("sources/reuters/") < english.index("sources/alalam/")  # most articles first


def test_event_pages_link_their_outlets_to_source_pages(project):
    event = json.loads((project / "site/data/articles.json").read_text(encoding="utf-8"))
    event_id = next(r["event"] for r in event if r["id"] == "fx-author")
    assert f'href="{BASE}en/sources/reuters/"' in _html(project, f"en/events/{event_id}")


def test_source_page_links_its_feed_and_lists_newest_first(project):
    page = _parse(project, "en/sources/reuters")
    feed = f"{BASE}sources/reuters/feed.xml"
    assert page.head_links["alternate"] == feed or feed in [h for h, _ in page.links]
    assert feed in [h for h, _ in page.links]
    assert (project / "site/sources/reuters/feed.xml").exists()
    links = _article_links(page, "en/")
    assert links[:2] == [f"{BASE}en/articles/fx-hostile.html", f"{BASE}en/articles/fx-author.html"]
    feed_xml = (project / "site/sources/reuters/feed.xml").read_text(encoding="utf-8")
    assert f'rel="alternate" type="text/html" href="http://127.0.0.1{BASE}sources/reuters/"' in feed_xml


# -- article pages ----------------------------------------------------------------------------------


def test_article_shows_place_author_permalink_and_neighbours_from_its_source(project):
    html = _html(project, "en/articles/fx-author")
    assert "<dt>Place</dt>" in html and "Riyadh" in html
    assert "<dt>Author</dt>" in html and "Jane Doe" in html
    assert f'href="http://127.0.0.1{BASE}en/articles/fx-author.html" dir="ltr">http://127.0.0.1{BASE}en/articles/fx-author.html</a>' in html
    page = _parse(project, "en/articles/fx-author")
    rels = re.findall(r'<a href="([^"]+)" rel="(prev|next)"', html)
    assert rels == [(f"{BASE}en/articles/fx-{DAY_ARTICLES - 1:03d}.html", "prev"), (f"{BASE}en/articles/fx-hostile.html", "next")]
    assert f"{BASE}en/sources/reuters/" in [h for h, _ in page.links]
    assert f"{BASE}en/dates/2021/02/03/" in [h for h, _ in page.links]
    first = _html(project, "articles/fx-000")                 # the oldest: no previous
    assert 'rel="prev"' not in first.split("source-neighbours")[1].split("</nav>")[0]


def test_citations_are_apa_and_bibtex_with_untrusted_text_escaped(project):
    html = _html(project, "en/articles/fx-author")
    assert (f"Jane Doe. (2021, February 3). Oil ministers meet in Riyadh. Reuters. "
            f'<bdi dir="ltr">http://127.0.0.1{BASE}en/articles/fx-author.html</bdi>') in html
    assert "@misc{reuters-fx-author," in html and "author = {{Jane Doe}}" in html
    hostile = _html(project, "en/articles/fx-hostile")
    bibtex = hostile.split('<pre class="citation bibtex" dir="ltr">')[1].split("</pre>")[0]
    assert r"title = {Budget &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; \&amp; &#34;quotes&#34; &lt;!-- \{braces\} 100\% \_x\_}" in bibtex
    assert "<script>alert" not in hostile


def test_raw_text_is_published_as_it_arrived_for_articles_with_a_seed(project):
    seed = project / "seeds/002_c645db0d12d9f96d.txt"
    record = next(r for r in json.loads((project / "site/data/articles.json").read_text(encoding="utf-8"))
                  if r["seed"] == "seeds/002_c645db0d12d9f96d.txt")
    raw = project / f"site/raw/{record['id']}.txt"
    assert raw.read_text(encoding="utf-8") == seed.read_text(encoding="utf-8").replace("\r\n", "\n")
    assert f'href="{BASE}raw/{record["id"]}.txt"' in _html(project, f"en/articles/{record['id']}")
    assert (project / "site/raw/fx-author.txt").read_text(encoding="utf-8").startswith("---\nid: \"fx-author\"")


# -- metadata in <head> ----------------------------------------------------------------------------------


def test_json_ld_parses_and_cannot_break_out_of_its_script_element(project):
    html = _html(project, "en/articles/fx-hostile")
    ld_text = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in ld_text and ">" not in ld_text and "&" not in ld_text
    data = json.loads(ld_text)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == HOSTILE_TITLE
    assert data["datePublished"] == "2021-02-04" and data["inLanguage"] == "en"
    assert data["publisher"] == {"@type": "Organization", "name": "Reuters"}
    assert data["isPartOf"]["url"] == f"http://127.0.0.1{BASE}en/"
    assert data["about"]["@type"] == "Event" and data["about"]["url"].startswith(f"http://127.0.0.1{BASE}en/events/")
    scripts = _parse(project, "en/articles/fx-hostile").scripts
    assert [kind for kind, _ in scripts] == ["application/ld+json"]   # nothing else became a script


def test_head_carries_description_open_graph_and_highwire_tags(project):
    meta = _parse(project, "articles/fx-author").meta
    assert meta["description"] == "Ministers met to discuss output quotas for the coming quarter."
    assert meta["og:type"] == "article" and meta["og:title"] == "Oil ministers meet in Riyadh"
    assert meta["og:url"] == f"http://127.0.0.1{BASE}articles/fx-author.html"
    assert meta["article:published_time"] == "2021-02-03T09:00:00+03:00"
    assert meta["citation_title"] == "Oil ministers meet in Riyadh"
    assert meta["citation_author"] == "Jane Doe"
    assert meta["citation_publication_date"] == "2021/02/03"
    assert meta["citation_publisher"] == "رويترز"
    long_lead = _parse(project, "articles/0e8ff96bc219").meta["description"]
    assert len(long_lead) <= 160 and long_lead.endswith("…")


# -- about page and navigation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("prefix", "title", "lang"), [("", "عن هذا الأرشيف", "ar"), ("en/", "About this archive", "en")])
def test_about_page_and_navigation_in_both_interfaces(project, prefix, title, lang):
    html = _html(project, f"{prefix}about")
    assert f"<h1>{title}</h1>" in html and f'<html lang="{lang}"' in html
    nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
    for section in ("dates/", "sources/", "events/", "about/", "search/"):
        assert f'href="{BASE}{prefix}{section}"' in nav


def test_every_link_and_head_link_in_the_fixture_site_resolves(project):
    site = project / "site"
    for path in sorted(site.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        hrefs = [h for h, _ in page.links] + [h for rel, h in page.head_links.items() if rel in ("prev", "next")]
        for href in hrefs:
            if href.startswith(("http://", "https://", "#")):
                continue
            target = site / href.removeprefix(BASE)
            if href.endswith("/"):
                target = target / "index.html"
            assert target.exists(), f"{path.relative_to(site)} links to missing {href}"


def test_fixture_pages_of_every_new_type_are_valid_html(project):
    import subprocess

    from test_html_valid import _vnu_jar

    site = project / "site"
    paths = ["dates", "dates/2021", "dates/2021/01", "dates/2021/01/22/page/1", "en/dates/2021/01/22",
             "sources", "en/sources/reuters/page/1", "about", "en/about", "articles/fx-hostile",
             "en/articles/fx-author", "en/articles/fx-old", "page/1", "en/events"]
    files = [str(site / f"{p}.html") if (site / f"{p}.html").is_file() else str(site / p / "index.html")
             for p in paths]
    result = subprocess.run(["java", "-jar", str(_vnu_jar()), "--errors-only", "--format", "gnu", *files],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
