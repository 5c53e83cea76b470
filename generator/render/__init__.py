"""Render the archive model into HTML pages in a staging folder (no knowledge of search indexing)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, select_autoescape

from generator.article import Article
from generator.config import Config
from generator.feeds import feed_url
from generator.model import Archive, reading_minutes, word_count
from generator.render.i18n import DIRECTION, Strings, format_date, load_strings
from generator.render.markdown import render_body
from generator.render.urls import UrlScheme

ASSETS_DIRNAME = "assets"


class RenderError(Exception):
    """A template that cannot render, named with its file and line."""


@dataclass
class Page:
    url: str                      # URL path, base path included
    template: str
    lang: str                     # interface language
    alternates: dict[str, str]    # interface language -> URL path of the same page
    context: dict = field(default_factory=dict)


class Renderer:
    def __init__(self, config: Config, archive: Archive):
        self.config = config
        self.archive = archive
        self.urls = UrlScheme(config.site.base_url, config.site.default_language)
        self.languages = config.interface_languages
        self.strings: Strings = load_strings(config.paths.templates, self.languages)
        self.env = Environment(
            loader=FileSystemLoader(config.paths.templates),
            autoescape=select_autoescape(("html", "xml"), default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._bodies: dict[str, str] = {}

    # -- what each page needs ------------------------------------------------------------------

    def pages(self) -> list[Page]:
        pages: list[Page] = []

        def add(kind: str, template: str, url_for: Callable[[str], str], **context) -> None:
            alternates = {lang: url_for(lang) for lang in self.languages}
            for lang in self.languages:
                pages.append(Page(alternates[lang], template, lang, alternates, {"kind": kind, **context}))

        add("home", "home.html", self.urls.home,
            articles=self.archive.articles, events=self.archive.events_by_coverage()[:10])
        add("events", "events.html", self.urls.events, events=self.archive.events_by_coverage())
        add("search", "search.html", self.urls.search)
        add("not_found", "404.html", self.urls.not_found)
        for event in self.archive.events.values():
            add("event", "event.html", lambda lang, e=event: self.urls.event(lang, e.id), event=event,
                related_events=[self.archive.events[other] for other in event.related])
            for old_id in event.merged_from:  # the merged event's address keeps working
                add("event_redirect", "redirect.html", lambda lang, i=old_id: self.urls.event(lang, i),
                    target=event)
        for article in self.archive.articles:
            add("article", "article.html", lambda lang, a=article: self.urls.article(lang, a.id),
                article=article, event=self.archive.event_of(article),
                other_coverage=self.archive.other_coverage(article),
                same_report=self.archive.same_report(article),
                related_events=self.archive.related_events(article))
        return pages

    def _globals(self, page: Page) -> dict:
        lang = page.lang
        return {
            "lang": lang,
            "dir": DIRECTION[lang],
            "page": page,
            "site_title": self.config.site.title(lang),
            "t": lambda key, **values: self.strings.get(lang, key, **values),
            "urls": self.urls,
            "languages": self.languages,
            "default_language": self.config.site.default_language,
            "canonical": self.urls.absolute(page.url),
            "absolute": self.urls.absolute,
            "direction": DIRECTION,
            "date_text": lambda a: format_date(a.date, a.date_precision, lang),
            "event_date_text": lambda iso: format_date(iso, "day", lang),
            "source_name": self._source_name(lang),
            "source_label": lambda source_id: self._source_label(lang, source_id),
            "body_html": self._body_html,
            "reading_minutes": reading_minutes,
            "feed_url": lambda kind, key=None: feed_url(self.urls, kind, key),
            "word_count": word_count,
            "article_url": lambda a: self.urls.article(lang, a.id),
            "event_url": lambda e: self.urls.event(lang, e.id),
            "reprints": self.archive.reprints,
            "event_title": lambda e: e.curated_title(lang) or e.title,
            "event_title_lang": lambda e: lang if e.curated_title(lang) else e.language,
            # Each article is indexed once, from its default-interface page; the search page maps
            # results to the reader's interface.
            "pagefind_indexed": page.context.get("kind") == "article" and lang == self.config.site.default_language,
        }

    def _source_label(self, lang: str, source_id: str | None) -> str | None:
        source = self.archive.sources.get(source_id)
        return source.name(lang) if source else source_id  # an id missing from the registry is shown as given

    def _source_name(self, lang: str) -> Callable[[Article], str | None]:
        return lambda article: self._source_label(lang, article.source)

    def _body_html(self, article: Article) -> str:
        if article.id not in self._bodies:
            self._bodies[article.id] = render_body(article.body)
        return self._bodies[article.id]

    # -- writing ---------------------------------------------------------------------------------

    def render_page(self, page: Page) -> str:
        try:
            template = self.env.get_template(page.template)
            return template.render(**self._globals(page), **page.context)
        except TemplateSyntaxError as error:
            where = self._template_path(error.filename or page.template)
            raise RenderError(f"{where}:{error.lineno}: template syntax error: {error.message}") from None
        except TemplateError as error:
            raise RenderError(f"{self._template_path(page.template)}: cannot render {page.url}: {error}") from None

    def _template_path(self, filename: str) -> str:
        path = self.config.paths.templates / filename
        try:
            return Path(filename).resolve().relative_to(self.config.root).as_posix()
        except ValueError:
            return path.relative_to(self.config.root).as_posix() if path.is_relative_to(self.config.root) else filename

    def write(self, out_dir: Path, pages: list[Page], on_page: Callable[[], None] | None = None) -> None:
        for page in pages:
            target = out_dir / self.urls.output_file(page.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.render_page(page), encoding="utf-8")
            if on_page:
                on_page()
        assets = self.config.paths.templates / ASSETS_DIRNAME
        if assets.is_dir():
            shutil.copytree(assets, out_dir / ASSETS_DIRNAME, dirs_exist_ok=True)
