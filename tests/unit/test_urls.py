"""generator.render.urls.UrlScheme: one mapping from pages to URLs and from URLs to output files."""

from __future__ import annotations

import pytest

from generator.render.urls import UrlScheme

ROOT_AR = UrlScheme("http://localhost:8000/", "ar")
ROOT_EN = UrlScheme("https://news.example.org/", "en")
SUB_AR = UrlScheme("https://user.github.io/archive/", "ar")


# -- page URLs -------------------------------------------------------------------------------------


def test_default_language_is_served_at_the_base_path():
    assert ROOT_AR.home("ar") == "/"
    assert ROOT_AR.article("ar", "0e8ff96bc219") == "/articles/0e8ff96bc219.html"
    assert ROOT_AR.event("ar", "ev-0e8ff96bc219") == "/events/ev-0e8ff96bc219.html"
    assert ROOT_AR.events("ar") == "/events/"
    assert ROOT_AR.search("ar") == "/search/"


def test_other_language_lives_under_its_code():
    assert ROOT_AR.home("en") == "/en/"
    assert ROOT_AR.article("en", "0e8ff96bc219") == "/en/articles/0e8ff96bc219.html"
    assert ROOT_AR.event("en", "ev-0e8ff96bc219") == "/en/events/ev-0e8ff96bc219.html"
    assert ROOT_AR.events("en") == "/en/events/"
    assert ROOT_AR.search("en") == "/en/search/"


def test_english_default_puts_arabic_under_ar():
    assert ROOT_EN.home("en") == "/"
    assert ROOT_EN.home("ar") == "/ar/"
    assert ROOT_EN.article("ar", "abc") == "/ar/articles/abc.html"


def test_shared_resources_are_not_language_prefixed():
    assert ROOT_AR.asset("site.css") == "/assets/site.css"
    assert ROOT_AR.pagefind() == "/pagefind/"


def test_sub_path_base_prefixes_every_url():
    assert SUB_AR.base_path == "/archive/"
    assert SUB_AR.home("ar") == "/archive/"
    assert SUB_AR.home("en") == "/archive/en/"
    assert SUB_AR.article("ar", "abc") == "/archive/articles/abc.html"
    assert SUB_AR.article("en", "abc") == "/archive/en/articles/abc.html"
    assert SUB_AR.events("en") == "/archive/en/events/"
    assert SUB_AR.search("ar") == "/archive/search/"
    assert SUB_AR.asset("search.js") == "/archive/assets/search.js"
    assert SUB_AR.pagefind() == "/archive/pagefind/"


def test_absolute_urls_keep_the_origin_once():
    assert SUB_AR.absolute(SUB_AR.article("en", "abc")) == "https://user.github.io/archive/en/articles/abc.html"
    assert ROOT_AR.absolute("/") == "http://localhost:8000/"
    assert ROOT_AR.absolute(ROOT_AR.search("ar")) == "http://localhost:8000/search/"


# -- output files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("scheme", "url", "expected"), [
    (ROOT_AR, "/", "index.html"),
    (ROOT_AR, "/en/", "en/index.html"),
    (ROOT_AR, "/articles/abc.html", "articles/abc.html"),
    (ROOT_AR, "/en/events/ev-abc.html", "en/events/ev-abc.html"),
    (ROOT_AR, "/en/events/", "en/events/index.html"),
    (ROOT_AR, "/assets/site.css", "assets/site.css"),
    (SUB_AR, "/archive/", "index.html"),
    (SUB_AR, "/archive/en/articles/abc.html", "en/articles/abc.html"),
    (SUB_AR, "/archive/data/articles.json", "data/articles.json"),
])
def test_output_file_maps_urls_to_files_under_the_site(scheme, url, expected):
    assert scheme.output_file(url) == expected


@pytest.mark.parametrize("url", [
    "/archive/../etc/",
    "/archive/../../etc/passwd",
    "/archive/articles/../../x/",
    "/archive/articles/..",
    "/archive/./articles/",
    "/archive//articles/",
])
def test_output_file_rejects_dot_segments_and_empty_segments(url):
    with pytest.raises(ValueError, match="unsafe"):
        SUB_AR.output_file(url)


@pytest.mark.parametrize("url", ["/", "/other/", "/archivex/", "/archive", "articles/abc.html", "/en/archive/"])
def test_output_file_rejects_paths_outside_the_base(url):
    with pytest.raises(ValueError, match="outside the site's base path"):
        SUB_AR.output_file(url)


@pytest.mark.parametrize("scheme", [ROOT_AR, SUB_AR], ids=["root", "sub-path"])
def test_every_page_url_maps_to_a_distinct_html_file(scheme):
    urls = []
    for lang in ("ar", "en"):
        urls += [scheme.home(lang), scheme.events(lang), scheme.search(lang),
                 scheme.article(lang, "abc"), scheme.event(lang, "ev-abc")]
    files = [scheme.output_file(url) for url in urls]
    assert len(set(files)) == len(urls)
    assert all(f.endswith(".html") and not f.startswith("/") for f in files)
    # An article and an event are a file each, not a folder: ~100,000 folders cost a build seconds.
    assert [f for f in files if "abc" in f] == \
        ["articles/abc.html", "events/ev-abc.html", "en/articles/abc.html", "en/events/ev-abc.html"]
