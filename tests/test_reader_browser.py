"""The reader's pages in a real headless Chromium at phone width: direction follows the
interface, nothing overflows 390 px, and the calendar's day links lead to the day's page."""

from __future__ import annotations

import json

import pytest

from browser import chromium, chromium_path
from serve import serve

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site_url(demo_project):
    with serve(demo_project / "site", "/archive/") as url:
        yield url


@pytest.fixture(scope="module")
def phone(site_url):
    if chromium_path() is None:
        pytest.fail("Debian's chromium is required for the browser tests (apt-get install chromium)")
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:")) else outside.append(r.url))
        yield page
        context.close()
        assert outside == [], f"requests left the site: {outside}"


def _article_id(demo_project) -> str:
    data = json.loads((demo_project / "site/data/articles.json").read_text(encoding="utf-8"))
    return next(r["id"] for r in data if r["seed"] == "seeds/002_c645db0d12d9f96d.txt")


PATHS = ["dates/", "dates/2021/", "dates/2021/01/", "dates/2021/01/22/", "sources/", "sources/alalam/", "about/"]


@pytest.mark.parametrize("interface", ["", "en/"])
def test_reader_pages_follow_the_interface_direction_and_fit_a_phone(phone, site_url, demo_project, interface):
    expected = "rtl" if interface == "" else "ltr"
    for path in PATHS + [f"articles/{_article_id(demo_project)}.html"]:
        phone.goto(f"{site_url}{interface}{path}")
        assert phone.evaluate("getComputedStyle(document.body).direction") == expected, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{interface}{path} is {width} px wide at {PHONE['width']} px"


def test_calendar_day_link_opens_the_days_articles(phone, site_url, demo_project):
    phone.goto(f"{site_url}en/dates/2021/01/")
    phone.locator(".calendar td.has-articles a").first.click()
    phone.wait_for_url(f"{site_url}en/dates/2021/01/22/")
    hrefs = phone.locator(".article-list a.article-link").evaluate_all("links => links.map(a => a.href)")
    assert f"{site_url}en/articles/{_article_id(demo_project)}.html" in hrefs
    assert "9 Jumada al-Akhirah 1442 AH" in phone.locator("p.hijri").inner_text()


def test_article_page_html_and_css_stay_within_30_kb(demo_project):
    site = demo_project / "site"
    css = sum((site / "assets" / name).stat().st_size for name in ("site.css", "fonts.css"))
    for page in sorted((site / "articles").glob("*.html")):
        assert page.stat().st_size + css <= 30 * 1024, f"{page.relative_to(site)} is over the 30 KB budget"
