"""Render the archive model into HTML pages in a staging folder (no knowledge of search indexing)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterator

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, select_autoescape
from markupsafe import Markup

from generator.article import Article
from generator.config import Config
from generator import parallel
from generator import feeds  # (module import: feeds itself imports generator.render.markdown)
from generator.date_archive import article_day
from generator.build_state import code_version
from generator.model import Archive, Event, lead, newest_first, reading_minutes, word_count
from generator.output import SiteWriter
from generator.render.environment import InterfaceEnvironment, template_caches
from generator.render.citation import CitationFacts, apa_parts, bibtex
from generator.render.hijri import hijri_date_text, hijri_month_span_text, hijri_year_span_text
from generator.render.i18n import (
    DIRECTION, FIRST_WEEKDAY, Strings, format_date, format_period, load_strings, month_name, weekday_names)
from generator.render.markdown import render_ahead, render_body
from generator.render.metadata import PageFacts, description, highwire, json_ld, open_graph
from generator.render.fingerprints import ContextFingerprints, digest, tree_digest
from generator.render.pagination import paginate, paginate_archive
from generator.render.urls import UrlScheme
from generator.render.search_page import search_page_data
from generator.search_text import SearchForms, article_text

ASSETS_DIRNAME = "assets"
LIST_ITEM_TEMPLATE = "_article_list_item.html"  # its macro draws one article of any list of articles


class RenderError(Exception):
    """A template that cannot render, named with its file and line."""


@dataclass
class Page:
    url: str                      # URL path, base path included
    template: str
    lang: str                     # interface language
    alternates: dict[str, str]    # interface language -> URL path of the same page
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ListedDay:
    """A day as its list's pages show it, and the days beside it: by its date (`day.day`, as a
    `date_archive.Day` has it), so that a page of the list does not depend on the day's articles.
    Its count of articles is the front page's `pager.total_items`."""
    day: date


@dataclass(frozen=True)
class Rendered:
    fingerprints: dict[str, str]  # output file -> fingerprint of its inputs
    pages: int                    # pages rendered (the others were unchanged)
    by_page: tuple[str, ...] = ()  # the fingerprint of each page, in the order of the pages given


class Renderer:
    def __init__(self, config: Config, archive: Archive, search_forms: SearchForms | None = None,
                 known_forms: dict[str, str] | None = None, head_forms: list[str] | None = None,
                 compiled_templates: Path | None = None):
        """`search_forms` are the archive's (made from its articles when not given); `known_forms`
        the index forms of articles whose forms are known already (article id -> forms);
        `compiled_templates` a folder where the compiled templates are kept between builds."""
        self.config = config
        self.archive = archive
        self._fingerprints: ContextFingerprints | None = None
        self.urls = UrlScheme(config.site.base_url, config.site.default_language)
        self.languages = config.interface_languages
        self.strings: Strings = load_strings(config.paths.templates, self.languages)
        # An environment per interface, its templates compiled with that language's strings in them.
        caches = template_caches(compiled_templates, self.strings.by_language) if compiled_templates else {}
        self.envs = {lang: InterfaceEnvironment(
            self.strings.by_language[lang],
            bytecode_cache=caches.get(lang),
            loader=FileSystemLoader(config.paths.templates),
            autoescape=select_autoescape(("html", "xml"), default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # templates do not change during a build; checking costs a stat per page
        ) for lang in self.languages}
        self._bodies: dict[str, str] = {}
        self._forms: dict[str, str] = dict(known_forms or {})
        self._shared_globals: dict[str, dict] = {}
        self._list_items: dict[tuple[str, str], Markup] = {}  # (interface, article id) -> its list item
        self._search_data: dict[str, dict] = {}
        self._source_ids = frozenset(archive.source_ids())   # the sources that have a page
        self.search_forms = search_forms or SearchForms(article_text(a) for a in archive.articles)
        self.head_forms = list(head_forms or [])  # whose first page of results the build works out

    # -- what each page needs ------------------------------------------------------------------

    def pages(self) -> list[Page]:
        pages: list[Page] = []
        urls, archive = self.urls, self.archive

        def add(kind: str, template: str, url_for: Callable[[str], str], **context) -> None:
            alternates = {lang: url_for(lang) for lang in self.languages}
            shared = {"kind": kind, **context}  # one object: its fingerprint is walked once for every language
            for lang in self.languages:
                pages.append(Page(alternates[lang], template, lang, alternates, shared))

        def add_list(kind: str, template: str, url_for: Callable[[str], str], items: list,
                     newest_first: bool = True, front: dict | None = None, **context) -> None:
            """Pages of PAGE_SIZE items, or for archive lists (newest first) of about as many, cut
            by their items' ids and numbered from the oldest. `front` holds what only the list's
            own page shows (its numbered pages get it empty: what a page's context holds is what
            its fingerprint covers, and a numbered page of an archive list is to stay as it is
            while the list grows elsewhere)."""
            front = front or {}
            listed = paginate_archive(items, url_for, key=attrgetter("id")) if newest_first else paginate(items, url_for)
            for pager, chunk in listed:
                shown = front if pager.is_front else dict.fromkeys(front)
                add(kind, template, lambda lang, p=pager: p.url(lang, p.number),
                    items=chunk, pager=pager, **context, **shown)

        add_list("home", "home.html", urls.home, archive.articles,
                 front={"events": archive.events_by_coverage()[:10]})
        add_list("events", "events.html", urls.events, archive.events_newest_first())
        add("search", "search.html", urls.search)
        add("not_found", "404.html", urls.not_found)
        for event in archive.events.values():
            add_list("event", "event.html", lambda lang, e=event: urls.event(lang, e.id), event.reports,
                     newest_first=False, event=event, related_events=[archive.events[other] for other in event.related])
            for old_id in event.merged_from:  # the merged event's address keeps working
                add("event_redirect", "redirect.html", lambda lang, i=old_id: urls.event(lang, i),
                    target=event)
        for article in archive.articles:
            older, newer = archive.source_neighbours(article)
            add("article", "article.html", lambda lang, a=article: urls.article(lang, a.id),
                article=article, event=archive.event_of(article),
                related_events=archive.related_events(article), older=older, newer=newer)

        # Browse by date: years -> months -> a month's calendar -> a day's articles.
        dates = archive.dates
        add("dates", "dates.html", urls.dates, years=list(reversed(dates.years.values())))
        for year in dates.years.values():
            add("year", "dates_year.html", lambda lang, y=year.year: urls.year(lang, y), year=year)
        for month in dates.months():
            before, after = dates.adjacent_months(month.year, month.month)
            add("month", "dates_month.html", lambda lang, m=month: urls.month(lang, m.year, m.month),
                month=month, before=before, after=after)
        for day in dates.days():
            # The days by their dates: a page holding the day itself, or the days beside it, would
            # depend on all their articles, and every page of the day would change with each one.
            before, after = dates.adjacent_days(day.day)
            add_list("day", "dates_day.html",
                     lambda lang, d=day.day: urls.day(lang, d.year, d.month, d.day), list(day.articles),
                     day=ListedDay(day.day), before=before and ListedDay(before.day),
                     after=after and ListedDay(after.day))

        # Browse by source.
        source_ids = archive.source_ids()
        add("sources", "sources.html", urls.sources,
            sources=sorted(source_ids, key=lambda i: (-len(archive.source_articles(i)), i)))
        for source_id in source_ids:
            add_list("source", "source.html", lambda lang, i=source_id: urls.source(lang, i),
                     archive.source_articles(source_id), source_id=source_id)

        for slug, versions in sorted(archive.pages.items()):
            add("content_page", "content_page.html", lambda lang, s=slug: urls.content_page(lang, s),
                versions=versions)
        return pages

    def _globals(self, page: Page) -> dict:
        lang = page.lang
        pager = page.context.get("pager")
        article = page.context.get("article")
        canonical = self.urls.absolute(page.url)
        values = {
            **self._language_globals(lang),
            "page": page,
            "pager": None,
            "canonical": canonical,
            "pager_url": (lambda n: pager.url(lang, n)) if pager else None,
            # Each article is indexed once, from its default-interface page; the search page maps
            # results to the reader's interface.
            "pagefind_indexed": page.context.get("kind") == "article" and lang == self.config.site.default_language,
        }
        versions = page.context.get("versions")
        if versions:  # a content page: this interface's version, else the one there is
            values["content"] = versions.get(lang) or next(iter(versions.values()))
        if article is not None:
            values.update(self._article_globals(page, article, canonical))
        return values

    def _language_globals(self, lang: str) -> dict:
        """What every page of one interface shares: built once per language, not once per page."""
        if lang in self._shared_globals:
            return self._shared_globals[lang]
        urls = self.urls
        self._shared_globals[lang] = {
            "lang": lang,
            "dir": DIRECTION[lang],
            "site_title": self.config.site.title(lang),
            "t": lambda key, **values: self.strings.get(lang, key, **values),
            "urls": urls,
            "languages": self.languages,
            "default_language": self.config.site.default_language,
            "absolute": urls.absolute,
            "direction": DIRECTION,
            "date_text": lambda a: format_date(a.date, a.date_precision, lang),
            "event_date_text": lambda iso: format_date(iso, "day", lang),
            "items_period": lambda items: _items_period(items, lang),
            "day_text": lambda d: format_date(d.isoformat(), "day", lang),
            "month_text": lambda y, m: month_name(m, lang) + f" {y}",
            "month_name": lambda m: month_name(m, lang),
            "weekday_names": weekday_names(lang, FIRST_WEEKDAY[lang]),
            "first_weekday": FIRST_WEEKDAY[lang],
            "hijri_date_text": lambda d: hijri_date_text(d, lang),
            "hijri_article_date": lambda a: hijri_date_text(article_day(a), lang),
            "hijri_month_text": lambda y, m: hijri_month_span_text(y, m, lang),
            "hijri_year_text": lambda y: hijri_year_span_text(y, lang),
            "source_name": self._source_name(lang),
            "source_label": lambda source_id: self._source_label(lang, source_id),
            "source_name_by_id": lambda i, in_lang=lang: self._source_label(in_lang, i),
            "source_count": lambda i: len(self.archive.source_articles(i)),
            "body_html": self._body_html,
            "markdown_html": render_body,
            "reading_minutes": reading_minutes,
            "feed_url": lambda kind, key=None: feeds.feed_url(urls, kind, key),
            "word_count": word_count,
            "article_url": lambda a: urls.article(lang, a.id),
            "event_url": lambda e: urls.event(lang, e.id),
            "source_url": lambda i: urls.source(lang, i),
            "source_page_url": lambda a: urls.source(lang, a.source) if a.source in self._source_ids else None,
            "source_id_page_url": lambda i: urls.source(lang, i) if i in self._source_ids else None,
            "year_url": lambda y: urls.year(lang, y),
            "month_url": lambda y, m: urls.month(lang, y, m),
            "day_url": lambda d: urls.day(lang, d.year, d.month, d.day),
            "article_day_url": self._article_day_url(lang),
            "has_raw_text": lambda a: a.id in self.archive.raw_text_ids,
            "about_available": "about" in self.archive.pages,
            "reprints": self.archive.reprints,
            "event_title": lambda e: e.curated_title(lang) or e.title,
            "event_title_lang": lambda e: lang if e.curated_title(lang) else e.language,
            "search_forms": self._search_forms_of,
            "search_page_data": lambda: self._search_page_data(lang),
        }
        self._shared_globals[lang]["article_list_item"] = self._list_item(lang)
        return self._shared_globals[lang]

    def _list_item(self, lang: str) -> Callable[[Article], Markup]:
        """An article as the lists of one interface show it, drawn once per build: each article is
        in several lists (the latest, its day's, its source's, its event's, its event's other
        reports' pages), and its item is most of a list page's rendering."""
        macro = None

        def item(article: Article) -> Markup:
            nonlocal macro
            key = (lang, article.id)
            drawn = self._list_items.get(key)
            if drawn is None:
                if macro is None:
                    module = self.envs[lang].get_template(LIST_ITEM_TEMPLATE).make_module(self._language_globals(lang))
                    macro = module.article_list_item
                try:
                    drawn = self._list_items[key] = Markup(macro(article))
                except TemplateError as error:
                    raise RenderError(f"{self._template_path(LIST_ITEM_TEMPLATE)}: cannot draw article "
                                      f"{article.id}: {error}") from None
            return drawn
        return item

    def _article_globals(self, page: Page, article: Article, canonical: str) -> dict:
        lang = page.lang
        event = page.context.get("event")
        source_name = self._source_name(lang)(article)
        facts = PageFacts(
            article=article, event=event, canonical=canonical,
            event_url=self.urls.absolute(self.urls.event(lang, event.id)) if event else None,
            source_name=source_name, site_title=self.config.site.title(lang),
            site_url=self.urls.absolute(self.urls.home(lang)), lang=lang,
        )
        citation = CitationFacts(article, source_name, self.config.site.title(lang), canonical)
        return {
            # Worked out for the pages rendered only, not put in every article page's context: they
            # follow from the article and its event, whose fingerprints cover every report of the
            # event and its copies (walking each page's list of the event's other reports cost more
            # than the rest of its context: a report of an event of 200 lists 199).
            "other_coverage": self.archive.other_coverage(article),
            "same_report": self.archive.same_report(article),
            "description": description(article),
            "json_ld": json_ld(facts),
            "open_graph": open_graph(facts),
            "highwire": highwire(facts),
            "cite_apa": apa_parts(citation, lang),
            "cite_bibtex": bibtex(citation),
        }

    def _article_day_url(self, lang: str) -> Callable[[Article], str | None]:
        def url(article: Article) -> str | None:
            day = article_day(article)
            return self.urls.day(lang, day.year, day.month, day.day) if day else None
        return url

    def _source_label(self, lang: str, source_id: str | None) -> str | None:
        source = self.archive.sources.get(source_id)
        return source.name(lang) if source else source_id  # an id missing from the registry is shown as given

    def _source_name(self, lang: str) -> Callable[[Article], str | None]:
        return lambda article: self._source_label(lang, article.source)

    def _search_page_data(self, lang: str) -> dict:
        if lang not in self._search_data:  # the search page's fingerprint and the page itself
            self._search_data[lang] = search_page_data(self.archive, self.strings, lang, self.search_forms,
                                                       self.head_forms)
        return self._search_data[lang]

    def _search_forms_of(self, article: Article) -> str:
        if article.id not in self._forms:
            self._forms[article.id] = self.search_forms.article_forms(article)
        return self._forms[article.id]

    def _body_html(self, article: Article) -> str:
        if article.id not in self._bodies:
            self._bodies[article.id] = render_body(article.body, DIRECTION[article.language])
        return self._bodies[article.id]

    # -- writing ---------------------------------------------------------------------------------

    def render_page(self, page: Page) -> str:
        try:
            template = self.envs[page.lang].get_template(page.template)
            return template.render({**self._globals(page), **page.context})
        except TemplateSyntaxError as error:
            where = self._template_path(error.filename or page.template)
            raise RenderError(f"{where}:{error.lineno}: template syntax error: {error.message}") from None
        except TemplateError as error:
            raise RenderError(f"{self._template_path(page.template)}: cannot render {page.url}: {error}") from None

    def _template_path(self, filename: str) -> str:
        """A template's file as an error names it: relative to the project where it is inside it
        (`filename` is a template's name, or the path Jinja gives, which is absolute)."""
        path = Path(filename) if Path(filename).is_absolute() else self.config.paths.templates / filename
        try:
            return path.resolve().relative_to(self.config.root.resolve()).as_posix()
        except ValueError:
            return filename

    def _walker(self) -> ContextFingerprints:
        if self._fingerprints is None:
            self._fingerprints = ContextFingerprints(article_facts=lambda a: (a.id in self.archive.raw_text_ids,
                                                                              self.archive.reprints(a)))
        return self._fingerprints

    def article_fingerprint(self, article: Article) -> str:
        """Everything a page may show of one article (each digested once per build, here or by
        the pages' fingerprints)."""
        return self._walker().article(article)

    def event_fingerprint(self, event: Event) -> str:
        """Everything a page may show of one event, its reports included (each digested once per build)."""
        return self._walker().event(event)

    def fingerprints(self, pages: list[Page], jobs: int = 1) -> list[str]:
        """The fingerprint of everything each page is rendered from, in the order of `pages`. With
        `jobs` > 1, the second half of the pages in a forked process: every article and event is
        digested first, so that neither process walks one again."""
        shared = digest(code_version(), tree_digest(self.config.paths.templates), repr(self.config.without_location()),
                        repr(self.archive.sources), repr(self.archive.pages), sorted(self._source_ids))
        walker = self._walker()
        if jobs < 2 or len(pages) < 2 * parallel.MINIMUM:
            return self._fingerprints_of(pages, shared, 0, len(pages))
        for article in self.archive.articles:
            walker.article(article)
        for event in self.archive.events.values():
            walker.event(event)
        middle = len(pages) // 2
        while middle < len(pages) and pages[middle].context is pages[middle - 1].context:
            middle += 1  # the pages of one context (one per language) on one side
        with parallel.ForkedCall(self._fingerprints_of, pages, shared, middle, len(pages)) as second_half:
            first_half = self._fingerprints_of(pages, shared, 0, middle)
            return first_half + second_half.result()

    def _fingerprints_of(self, pages: list[Page], shared: str, start: int, stop: int) -> list[str]:
        walker = self._walker()
        result: list[str] = []
        # A context's digest, with its template and alternates (the pages of one thing in each
        # interface share the three objects), by their ids.
        contexts: dict[tuple[int, int, str], str] = {}
        for page in pages[start:stop]:
            kind = page.context.get("kind")
            if kind == "search":  # drawn from the whole archive
                extra = digest(self._search_page_data(page.lang))
            elif kind == "article" and page.lang == self.config.site.default_language:
                extra = self._search_forms_of(page.context["article"])  # hashed as it is: no repr of it
            elif kind == "sources":
                extra = digest([(i, len(self.archive.source_articles(i))) for i in page.context["sources"]])
            else:
                extra = ""
            key = (id(page.context), id(page.alternates), page.template)
            context = contexts.get(key)
            if context is None:
                context = contexts[key] = walker.of_page(page.template, page.alternates, page.context)
            # The parts joined rather than a tuple's repr digested (two pages for each context): the
            # digests have a fixed length, and a URL and a language cannot hold the separator.
            result.append(hashlib.blake2b("\0".join((shared, context, page.lang, page.url, extra)).encode(
                "utf-8", "surrogatepass"), digest_size=16).hexdigest())
        return result

    def write(self, site: SiteWriter, pages: list[Page], previous: dict[str, str] | None = None,
              on_pages: Callable[[int], None] | None = None, jobs: int = 1) -> "Rendered":
        """Render and write the pages whose fingerprint differs from `previous` (output file ->
        fingerprint of the build that wrote the file now in staging); copy the assets. Returns the
        fingerprints to record. `jobs` > 1 renders in that many forked processes."""
        previous = previous or {}
        self.prepare_search_forms(jobs)
        by_page = self.fingerprints(pages, jobs)
        files = [self.urls.output_file(page.url) for page in pages]
        # A file two pages would write holds the last one's output, so it is known by that one's,
        # and only that one is rendered (the pool's processes finish their pages in no fixed order).
        fingerprints = dict(zip(files, by_page))
        last_page = {relative: index for index, relative in enumerate(files)}
        todo = sorted(index for relative, index in last_page.items()
                      if not (previous.get(relative) == fingerprints[relative] and site.keep(relative)))
        if on_pages:
            on_pages(len(pages) - len(todo))
        if jobs > 1 and len(todo) >= parallel.MINIMUM:
            self._write_in_processes(site, pages, todo, on_pages, jobs)
        else:
            for index in todo:
                self._write_page(site, pages[index])
                if on_pages:
                    on_pages(1)
        assets = self.config.paths.templates / ASSETS_DIRNAME
        if assets.is_dir():
            for path in sorted(p for p in assets.rglob("*") if p.is_file()):
                site.write(f"{ASSETS_DIRNAME}/{path.relative_to(assets).as_posix()}", path.read_bytes())
        return Rendered(fingerprints, len(todo), tuple(by_page))

    def _write_page(self, site: SiteWriter, page: Page) -> None:
        site.write(self.urls.output_file(page.url), self.render_page(page))

    def _write_in_processes(self, site: SiteWriter, pages: list[Page], todo: list[int],
                            on_pages: Callable[[int], None] | None, jobs: int) -> None:
        for written in parallel.in_forked_processes(_render_chunk, (self, site, pages), todo, jobs):
            site.record(written)
            if on_pages:
                on_pages(len(written))

    def article_forms(self) -> dict[str, str]:
        """The index forms of every article worked out so far (article id -> forms)."""
        return dict(self._forms)

    def prepare_search_forms(self, jobs: int = 1) -> None:
        """Work out every indexed article's search forms, in `jobs` processes (each page's
        fingerprint and its hidden search element need them)."""
        missing = [a for a in self.archive.articles if a.id not in self._forms]
        if jobs > 1 and len(missing) >= parallel.MINIMUM:
            for forms in parallel.in_forked_processes(_forms_chunk, (self, missing), list(range(len(missing))), jobs):
                self._forms.update(forms)
        else:
            for article in missing:
                self._search_forms_of(article)


def _items_period(items: list, lang: str) -> str:
    """From the oldest dated item of a newest-first list of articles or events to the newest ('' when
    none is dated): what a numbered page of an archive list covers, now that its items' positions
    are not shown."""
    moments = [(item.date, item.date_precision) if isinstance(item, Article) else (item.first_date, "day")
               for item in reversed(items)]
    return format_period([moment for moment in moments if moment[0]], lang)


def render_articles_ahead(articles: list[Article], until: Callable[[], bool]) -> int:
    """Render what the pages and feeds of `articles` will render of each (its body on its page and
    in feeds, its lead, and the lead as plain text), newest articles first, until `until()` is
    true: for time the build would otherwise spend waiting (a full build's 31k articles: the
    linking process answered 10-25 s after the build process had worked out the search forms, and
    this is 10 s of work that the render workers and the feeds did once per interface). Newest
    first, since a rebuild's pages are mostly of the last days. Returns how many texts were taken
    (markdown.render_ahead)."""
    if until():
        return 0

    def texts() -> Iterator[tuple[str, str]]:
        for article in newest_first(articles):
            yield article.body, DIRECTION[article.language]
            yield feeds.xml_safe(article.body), "ltr"
            yield feeds.xml_safe(lead(article)), "ltr"
            # Its lead as plain text, from the lead just rendered (kept by plain_lead): each page's
            # description asks for it in the render workers, and each feed entry in this process.
            feeds.plain_lead(article)
    return render_ahead(texts(), until)


def _forms_chunk(indices: list[int]) -> dict[str, str]:
    renderer, articles = parallel.work()
    return {articles[i].id: renderer._search_forms_of(articles[i]) for i in indices}


def _render_chunk(indices: list[int]) -> dict[str, str]:
    renderer, site, pages = parallel.work()
    local = SiteWriter(site.root, site.previous)
    for index in indices:
        renderer._write_page(local, pages[index])
    return local.written
