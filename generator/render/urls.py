"""Where every page lives: one place that maps pages to URLs and URLs to files in site/.

The default interface language is served at the base path; the other under /<lang>/. All links
carry the base path, so the site works under a GitHub Pages project sub-path.

An article and an event are one file each (articles/<id>.html, events/<id>.html), as Pelican and
Jekyll name pages, not a folder each with its index.html: the archive's ~100,000 pages would be as
many folders, and a folder costs the file system far more than a file (on this project's build
machine 135 us to make against 6.5 us for a hard link: 13 s of kernel time to make the 31k
archive's pages, and again for every copy of the site made of links). The lists (home, dates,
sources, the events) stay folders: there are a few hundred.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

PAGE_SUFFIX = ".html"  # of a page that is a file of its own, not a folder (articles, events)
_UNSAFE_SEGMENTS = frozenset(("", ".", ".."))


@dataclass(frozen=True)
class UrlScheme:
    base_url: str          # absolute, ends with "/"
    default_language: str

    @cached_property  # asked for every URL made and every output file (half a million times in a 31k build)
    def base_path(self) -> str:
        return urlsplit(self.base_url).path

    def _prefix(self, lang: str) -> str:
        return self.base_path if lang == self.default_language else f"{self.base_path}{lang}/"

    def home(self, lang: str) -> str:
        return self._prefix(lang)

    def articles_root(self, lang: str) -> str:
        return f"{self._prefix(lang)}articles/"

    def article(self, lang: str, article_id: str) -> str:
        return f"{self.articles_root(lang)}{article_id}{PAGE_SUFFIX}"

    def event(self, lang: str, event_id: str) -> str:
        return f"{self.events(lang)}{event_id}{PAGE_SUFFIX}"

    def events(self, lang: str) -> str:
        return f"{self._prefix(lang)}events/"

    def dates(self, lang: str) -> str:
        return f"{self._prefix(lang)}dates/"

    def year(self, lang: str, year: int) -> str:
        return f"{self.dates(lang)}{year:04d}/"

    def month(self, lang: str, year: int, month: int) -> str:
        return f"{self.year(lang, year)}{month:02d}/"

    def day(self, lang: str, year: int, month: int, day: int) -> str:
        return f"{self.month(lang, year, month)}{day:02d}/"

    def sources(self, lang: str) -> str:
        return f"{self._prefix(lang)}sources/"

    def source(self, lang: str, source_id: str) -> str:
        return f"{self.sources(lang)}{source_id}/"

    def content_page(self, lang: str, slug: str) -> str:
        """A page from content/pages/ (slug 'about' -> about/)."""
        return f"{self._prefix(lang)}{slug}/"

    def about(self, lang: str) -> str:
        return self.content_page(lang, "about")

    def raw(self, article_id: str) -> str:
        """The article's text as it arrived (one file for both interfaces)."""
        return f"{self.base_path}raw/{article_id}.txt"

    def search(self, lang: str) -> str:
        return f"{self._prefix(lang)}search/"

    def not_found(self, lang: str) -> str:
        # GitHub Pages serves /404.html for any missing path of the site.
        return f"{self._prefix(lang)}404.html"

    def asset(self, name: str) -> str:
        return f"{self.base_path}assets/{name}"

    def pagefind(self) -> str:
        return f"{self.base_path}pagefind/"

    def absolute(self, url_path: str) -> str:
        origin = self.base_url[: len(self.base_url) - len(self.base_path)]
        return origin + url_path

    def output_file(self, url_path: str) -> str:
        """The file under site/ that serves `url_path` (a path inside the base path)."""
        if not url_path.startswith(self.base_path):
            raise ValueError(f"{url_path!r} is outside the site's base path {self.base_path!r}")
        relative = url_path[len(self.base_path):]
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        if not _UNSAFE_SEGMENTS.isdisjoint(relative.split("/")):
            raise ValueError(f"unsafe output path {url_path!r}")
        return relative
