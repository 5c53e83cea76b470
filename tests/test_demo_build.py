"""The demo archive built end to end, checked file by file on disk."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import copy_project, run_archive

SEED_000_TITLE = "الكاظمي: تفجير بغداد خرق أمني لن نسمح بتكراره"
SEED_002_TITLE = "من لا يستطيع حماية المواطنين عليه ان يتنحى من موقعه"


def _records(project: Path) -> dict[str, dict]:
    data = json.loads((project / "site/data/articles.json").read_text(encoding="utf-8"))
    return {record["seed"]: record for record in data}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.html_attrs, self.alternates = [], {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_export_lists_both_seeds_in_one_event_and_not_the_unrelated_article(demo_project):
    records = _records(demo_project)
    seed_000 = records["seeds/000_5d9b0c9880b52963.txt"]
    seed_002 = records["seeds/002_c645db0d12d9f96d.txt"]
    unrelated = records["seeds/unrelated-cairo-football.txt"]
    assert seed_000["event"] and seed_000["event"] == seed_002["event"]
    assert unrelated["event"] != seed_000["event"]
    english = records["seeds/en-baghdad-bombing-kadhimi.txt"]
    assert english["language"] == "en" and english["event"] == seed_000["event"]  # through the gazetteer
    assert seed_000["title"] == SEED_000_TITLE
    assert seed_002["title"] == SEED_002_TITLE
    assert seed_002["date"] == "2021-01-22T10:42:00+00:00"
    assert seed_002["source"] == "alalam"
    for record in records.values():
        assert set(record) == {"id", "seed", "url", "source_url", "title", "date", "source", "language", "event"}
        assert record["language"] == ("en" if record["seed"].startswith("seeds/en-") else "ar")
        assert record["url"] == f"http://127.0.0.1/archive/articles/{record['id']}.html"
        assert re.fullmatch(r"[a-z0-9-]+", record["id"])


def test_undated_seed_takes_its_event_day_marked_as_inferred(demo_project):
    record = _records(demo_project)["seeds/000_5d9b0c9880b52963.txt"]
    assert record["date"] == "2021-01-22"  # "today, Friday" in an event dated Friday 22 January 2021
    stored = (demo_project / f"content/articles/{record['id']}.md").read_text(encoding="utf-8")
    assert "date_inferred: true" in stored
    page = (demo_project / f"site/en/articles/{record['id']}.html").read_text(encoding="utf-8")
    assert "date inferred from the event" in page


def test_article_pages_take_the_article_language_and_direction_in_both_interfaces(demo_project):
    for record in _records(demo_project).values():
        expected = {"lang": "ar", "dir": "rtl"} if record["language"] == "ar" else {"lang": "en", "dir": "ltr"}
        for prefix in ("", "en/"):
            page = _parse(demo_project / f"site/{prefix}articles/{record['id']}.html")
            assert page.html_attrs == expected


def test_interfaces_cross_reference_each_other_with_hreflang(demo_project):
    record = _records(demo_project)["seeds/002_c645db0d12d9f96d.txt"]
    for prefix in ("", "en/"):
        page = _parse(demo_project / f"site/{prefix}articles/{record['id']}.html")
        assert page.alternates == {
            "ar": f"http://127.0.0.1/archive/articles/{record['id']}.html",
            "en": f"http://127.0.0.1/archive/en/articles/{record['id']}.html",
            "x-default": f"http://127.0.0.1/archive/articles/{record['id']}.html",
        }
    arabic = (demo_project / f"site/articles/{record['id']}.html").read_text(encoding="utf-8")
    english = (demo_project / f"site/en/articles/{record['id']}.html").read_text(encoding="utf-8")
    assert '<body lang="ar" dir="rtl"' in arabic and '<body lang="en" dir="ltr"' in english
    assert f'href="/archive/en/articles/{record["id"]}.html" hreflang="en"' in arabic
    assert f'href="/archive/articles/{record["id"]}.html" hreflang="ar"' in english
    assert "Other coverage of this event" in english and "تغطيات أخرى لهذا الحدث" in arabic


def test_seed_articles_link_to_each_other_and_to_their_event_page(demo_project):
    records = _records(demo_project)
    first, second = records["seeds/000_5d9b0c9880b52963.txt"], records["seeds/002_c645db0d12d9f96d.txt"]
    for prefix in ("/archive/", "/archive/en/"):
        site_prefix = prefix.removeprefix("/archive/")
        for this, other in ((first, second), (second, first)):
            links = _parse(demo_project / f"site/{site_prefix}articles/{this['id']}.html").hrefs
            assert f"{prefix}articles/{other['id']}.html" in links
            assert f"{prefix}events/{this['event']}.html" in links
        event_links = _parse(demo_project / f"site/{site_prefix}events/{first['event']}.html").hrefs
        assert f"{prefix}articles/{first['id']}.html" in event_links
        assert f"{prefix}articles/{second['id']}.html" in event_links
        assert f"{prefix}articles/{records['seeds/unrelated-cairo-football.txt']['id']}.html" not in event_links


def test_home_lists_articles_newest_first_in_both_interfaces(demo_project):
    records = _records(demo_project)
    newest = records["seeds/unrelated-cairo-football.txt"]["id"]     # 23 January
    dated = records["seeds/002_c645db0d12d9f96d.txt"]["id"]          # 22 January, 10:42
    undated = records["seeds/000_5d9b0c9880b52963.txt"]["id"]        # 22 January (inferred day)
    for prefix, home in (("/archive/", "site/index.html"), ("/archive/en/", "site/en/index.html")):
        links = [h for h in _parse(demo_project / home).hrefs if "/articles/" in h]
        order = [links.index(f"{prefix}articles/{i}.html") for i in (newest, dated, undated)]
        assert order == sorted(order)


def test_every_link_inside_the_site_resolves_to_a_file(demo_project):
    site = demo_project / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 14
    for page in pages:
        for href in _parse(page).hrefs:
            if href.startswith(("http://", "https://", "#")):
                continue
            assert href.startswith("/archive/"), f"{page}: link {href} ignores the base path"
            target = site / href.removeprefix("/archive/").split("?")[0]
            if href.endswith("/"):
                target = target / "index.html"
            assert target.exists(), f"{page.relative_to(site)} links to missing {href}"


def test_article_body_renders_paragraphs_without_the_repeated_headline(demo_project):
    record = _records(demo_project)["seeds/002_c645db0d12d9f96d.txt"]
    html = (demo_project / f"site/articles/{record['id']}.html").read_text(encoding="utf-8")
    body = html.split('<div class="article-body">')[1].split("</div>")[0]
    assert SEED_002_TITLE not in body
    assert body.count("<p>") == 8  # the lead and the seven paragraphs after the outlet line
    assert "العالم - العراق" not in body and "بتوقيت غرينتش" not in body


def test_search_index_is_built(demo_project):
    parts = json.loads((demo_project / "site/pagefind/parts.json").read_text(encoding="utf-8"))["parts"]
    assert parts and sum(part["pages"] for part in parts) == 4
    for part in parts:
        assert (demo_project / "site/pagefind" / part["name"] / "pagefind.js").exists()
        assert len(list((demo_project / "site/pagefind" / part["name"] / "fragment").iterdir())) == part["pages"]


def test_ingest_writes_front_matter_and_is_idempotent(demo_project):
    articles = sorted((demo_project / "content/articles").glob("*.md"))
    assert len(articles) == 4
    text = articles[0].read_text(encoding="utf-8")
    for key in ("id", "title", "date", "source", "language", "event", "seed", "raw_sha256"):
        assert re.search(rf"^{key}:", text, re.MULTILINE), key
    before = {p: p.read_bytes() for p in articles}
    code, out, _ = run_archive(demo_project, "ingest")
    assert code == 0 and "0 files written" in out
    assert {p: p.read_bytes() for p in sorted((demo_project / "content/articles").glob("*.md"))} == before


def test_two_builds_give_byte_identical_sites(tmp_path):
    sites = []
    for name in ("one", "two"):
        project = copy_project(tmp_path / name, extra_seeds=("unrelated-cairo-football.txt",))
        assert run_archive(project, "build")[0] == 0
        sites.append({p.relative_to(project / "site"): p.read_bytes()
                      for p in sorted((project / "site").rglob("*")) if p.is_file()})
    assert sites[0].keys() == sites[1].keys()
    different = [path for path in sites[0] if sites[0][path] != sites[1][path]]
    assert different == []


def test_fresh_project_without_content_links_the_seeds_into_one_event(tmp_path):
    project = copy_project(tmp_path / "p", extra_seeds=("unrelated-cairo-football.txt",))
    for path in (project / "content/articles").glob("*.md"):
        path.unlink()
    assert run_archive(project, "build")[0] == 0
    records = _records(project)
    assert records["seeds/000_5d9b0c9880b52963.txt"]["event"] == records["seeds/002_c645db0d12d9f96d.txt"]["event"]
    assert records["seeds/unrelated-cairo-football.txt"]["event"] != records["seeds/000_5d9b0c9880b52963.txt"]["event"]


def test_feeds_sitemap_and_robots_are_published_under_the_base_path(demo_project):
    import xml.etree.ElementTree as ET

    site = demo_project / "site"
    records = _records(demo_project)
    seed = records["seeds/002_c645db0d12d9f96d.txt"]
    atom = "{http://www.w3.org/2005/Atom}"
    for feed in ("feed.xml", "en/feed.xml", f"events/{seed['event']}.xml"):
        root = ET.parse(site / feed).getroot()
        links = [e.find(f"{atom}link").get("href") for e in root.findall(f"{atom}entry")]
        assert any(link.endswith(f"/articles/{seed['id']}.html") for link in links), feed
        assert all(link.startswith("http://127.0.0.1/archive/") for link in links)
    index = ET.parse(site / "sitemap.xml").getroot()
    listed = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert listed and all(loc.startswith("http://127.0.0.1/archive/sitemap-") for loc in listed)
    sitemap = "".join((site / loc.rsplit("/", 1)[1]).read_text(encoding="utf-8") for loc in listed)
    assert f"<loc>http://127.0.0.1/archive/articles/{seed['id']}.html</loc>" in sitemap
    assert f'hreflang="en" href="http://127.0.0.1/archive/en/articles/{seed["id"]}.html"' in sitemap
    assert "Sitemap: http://127.0.0.1/archive/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home and 'href="/archive/feed.xml"' in home


def test_a_reprinted_report_is_shown_as_also_published_by_and_counted_once(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "seeds/reprint").mkdir()
    import shutil
    shutil.copy(Path(__file__).parent / "fixtures/seeds/reprint/alalam-reprint.txt", project / "seeds/reprint/")
    assert run_archive(project, "build")[0] == 0
    records = _records(project)
    original = records["seeds/002_c645db0d12d9f96d.txt"]
    reprint = records["seeds/reprint/alalam-reprint.txt"]
    assert reprint["event"] == original["event"]
    page = (project / f"site/en/articles/{original['id']}.html").read_text(encoding="utf-8")
    assert "Also published by" in page and f"/en/articles/{reprint['id']}.html" in page
    event_page = (project / f"site/en/events/{original['event']}.html").read_text(encoding="utf-8")
    assert "<dd>3 reports</dd>" in event_page  # four articles, one of them a reprint
    other = _parse(project / f"site/en/articles/{records['seeds/000_5d9b0c9880b52963.txt']['id']}.html")
    other_coverage_links = [h for h in other.hrefs if "/articles/" in h]
    assert f"/en/articles/{original['id']}.html" in other_coverage_links
