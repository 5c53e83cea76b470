"""Renderer.write keeps a page only when what its file was last written from is unchanged, also
where two pages would write one file (the last one's output stays, as in a clean build)."""

from __future__ import annotations

from generator.config import Config, PathsConfig, SiteConfig
from generator.model import build_archive
from generator.output import SiteWriter
from generator.render import Page, Renderer

from .helpers import TEMPLATES_DIR
from .test_sitemap import ARTICLES, BASE, REGISTRY


def _pages(root):
    site = SiteConfig(title_ar="أرشيف", title_en="Archive", base_url=BASE, default_language="ar")
    config = Config(root=root, site=site,
                    paths=PathsConfig(seeds=root / "seeds", content=root / "content", output=root / "site",
                                      templates=TEMPLATES_DIR))
    renderer = Renderer(config, build_archive(ARTICLES, REGISTRY))
    pages = renderer.pages()
    missing = next(p for p in pages if p.url.endswith("404.html") and p.lang == "ar")
    search = next(p for p in pages if p.context.get("kind") == "search" and p.lang == "ar")
    # A second page at the search page's address, after it: a clean build leaves its output there.
    pages.append(Page(search.url, missing.template, "ar", search.alternates, {"kind": "not_found"}))
    return renderer, pages, renderer.urls.output_file(search.url)


def test_a_file_two_pages_write_holds_the_last_ones_output_in_a_rebuild_too(tmp_path):
    renderer, pages, shared = _pages(tmp_path)
    first = SiteWriter(tmp_path / "incremental")
    written = renderer.write(first, pages)
    renderer, pages, _ = _pages(tmp_path)  # the next build, nothing changed
    again = renderer.write(SiteWriter(tmp_path / "incremental", first.written), pages, written.fingerprints)
    assert again.pages == 0
    renderer.write(SiteWriter(tmp_path / "clean"), pages)
    assert (tmp_path / "incremental" / shared).read_bytes() == (tmp_path / "clean" / shared).read_bytes()
