"""The built demo site in a real headless Chromium, served on 127.0.0.1 under a sub-path."""

from __future__ import annotations

import json

import pytest

from serve import serve

pytestmark = [pytest.mark.browser]



@pytest.fixture(scope="module")
def site_url(demo_project):
    with serve(demo_project / "site", "/archive/") as url:
        yield url




def _records(demo_project):
    data = json.loads((demo_project / "site/data/articles.json").read_text(encoding="utf-8"))
    return {record["seed"]: record for record in data}


def test_arabic_article_is_right_to_left_and_links_to_the_other_seed(page, site_url, demo_project):
    records = _records(demo_project)
    first, second = records["seeds/000_5d9b0c9880b52963.txt"], records["seeds/002_c645db0d12d9f96d.txt"]
    page.goto(f"{site_url}articles/{first['id']}.html")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("getComputedStyle(document.querySelector('.article-body p')).direction") == "rtl"
    assert page.locator("h1").inner_text() == first["title"]

    page.locator(".other-coverage a", has_text=second["title"]).click()
    page.wait_for_url(f"{site_url}articles/{second['id']}.html")
    assert page.locator("h1").inner_text() == second["title"]
    page.locator(".other-coverage a", has_text=first["title"]).click()
    page.wait_for_url(f"{site_url}articles/{first['id']}.html")


def test_english_interface_is_left_to_right_around_a_right_to_left_article(page, site_url, demo_project):
    record = _records(demo_project)["seeds/002_c645db0d12d9f96d.txt"]
    page.goto(f"{site_url}articles/{record['id']}.html")
    page.locator("a.language-switch").click()
    page.wait_for_url(f"{site_url}en/articles/{record['id']}.html")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    assert page.evaluate("getComputedStyle(document.querySelector('.article-body')).direction") == "rtl"
    assert page.locator(".article .facts").inner_text().startswith("Date")


@pytest.mark.parametrize("interface", ["", "en/"])
def test_search_typed_in_the_browser_finds_both_seed_articles(page, site_url, demo_project, interface):
    records = _records(demo_project)
    page.goto(f"{site_url}{interface}search/")
    page.locator("#search-input").fill("الكاظمي")
    page.locator("#search-input").press("Enter")
    page.wait_for_selector("#search-results li a")
    hrefs = page.locator("#search-results li a").evaluate_all("links => links.map(a => a.href)")
    for seed in ("seeds/000_5d9b0c9880b52963.txt", "seeds/002_c645db0d12d9f96d.txt"):
        assert f"{site_url}{interface}articles/{records[seed]['id']}.html" in hrefs
    assert f"{site_url}{interface}articles/{records['seeds/unrelated-cairo-football.txt']['id']}.html" not in hrefs
    assert "q=" in page.url  # the query is in the URL, so the search can be shared
    assert page.locator("#search-results mark").count() > 0
