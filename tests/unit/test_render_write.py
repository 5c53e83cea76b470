"""Renderer.write keeps a page only when what its file was last written from is unchanged, also
where two pages would write one file (the last one's output stays, as in a clean build)."""

from __future__ import annotations

from datetime import date, timedelta

from generator.article import Article
from generator.config import Config, PathsConfig, SiteConfig
from generator.model import build_archive
from generator.output import SiteWriter
from generator.render import Page, Renderer

from .helpers import TEMPLATES_DIR
from .test_sitemap import ARTICLES, BASE, REGISTRY


def _articles(count: int) -> list[Article]:
    start = date(2021, 1, 1)
    return [Article(id=f"a{number:04d}", title=f"عنوان {number}", language="ar", body=f"نص الخبر رقم {number}",
                    date=(start + timedelta(days=number % 7)).isoformat(), date_precision="day",
                    source=("reuters", "alalam")[number % 2], event=f"ev{number // 3}")
            for number in range(count)]


def _pages(root, articles=ARTICLES):
    site = SiteConfig(title_ar="أرشيف", title_en="Archive", base_url=BASE, default_language="ar")
    config = Config(root=root, site=site,
                    paths=PathsConfig(seeds=root / "seeds", content=root / "content", output=root / "site",
                                      templates=TEMPLATES_DIR))
    renderer = Renderer(config, build_archive(articles, REGISTRY))
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


def _tree(folder) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_pages_written_by_two_processes_are_the_pages_one_writes(tmp_path):
    """From parallel.MINIMUM pages a pool's processes write them, finishing in no fixed order: the
    same files as one process writes, the file two pages would write the last page's."""
    from generator import parallel
    articles = _articles(300)
    renderer, pages, shared = _pages(tmp_path, articles)
    assert len(pages) >= parallel.MINIMUM
    alone = SiteWriter(tmp_path / "one")
    renderer.write(alone, pages)
    renderer, pages, _ = _pages(tmp_path, articles)
    two = SiteWriter(tmp_path / "two")
    assert renderer.write(two, pages, jobs=2).pages == len(pages) - 1   # the shared file's first page skipped
    assert two.written == alone.written and _tree(tmp_path / "two") == _tree(tmp_path / "one")
    assert (tmp_path / "two" / shared).read_text(encoding="utf-8") == renderer.render_page(pages[-1])
