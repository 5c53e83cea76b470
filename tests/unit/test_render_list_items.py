"""An article in a list is drawn by templates/_article_list_item.html once per interface and
reused by every list that shows it: the latest articles, a day's, a source's, an event's reports
and an article's other coverage. And what a project's templates copied before that, or before a
day's pages stopped holding the whole day, do now."""

from __future__ import annotations

import shutil

import pytest

from generator.config import Config, PathsConfig, SiteConfig
from generator.model import build_archive
from generator.render import LIST_ITEM_TEMPLATE, Renderer, RenderError

from .helpers import TEMPLATES_DIR
from .test_sitemap import ARTICLES, BASE, REGISTRY

# The list as it was before items had a template of their own: a project that copied the
# templates then and edited them keeps working.
INLINE_LIST = """<ol class="article-list">
{% for item in items %}
  <li class="inline"><a href="{{ article_url(item) }}">{{ item.title }}</a></li>
{% endfor %}
</ol>
"""


def _renderer(root, templates):
    site = SiteConfig(title_ar="أرشيف", title_en="Archive", base_url=BASE, default_language="ar")
    config = Config(root=root, site=site,
                    paths=PathsConfig(seeds=root / "seeds", content=root / "content", output=root / "site",
                                      templates=templates))
    return Renderer(config, build_archive(ARTICLES, REGISTRY))


def _templates(tmp_path, edit):
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    edit(templates)
    return templates


def _marked(templates):
    item = templates / LIST_ITEM_TEMPLATE
    item.write_text(item.read_text(encoding="utf-8").replace("<li>", '<li class="drawn-{{ lang }}">'),
                    encoding="utf-8")


def _rendered(renderer, kind, lang, shown="ar-minute"):
    """The page of `kind` in `lang` that lists the article `shown` (for an article page: shown
    beside it, as other coverage of its event)."""
    def shows(page):
        if kind == "article":
            return page.context["article"].id != shown and shown in [a.id for a in renderer.archive.other_coverage(
                page.context["article"])]
        return shown in [a.id for a in page.context["items"]]

    page = next(p for p in renderer.pages() if p.context.get("kind") == kind and p.lang == lang and shows(p))
    return renderer.render_page(page)


@pytest.mark.parametrize("kind", ["home", "day", "source", "event", "article"])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_list_of_articles_draws_its_items_with_the_item_template(tmp_path, kind, lang):
    renderer = _renderer(tmp_path, _templates(tmp_path, _marked))
    html = _rendered(renderer, kind, lang)
    assert f'<li class="drawn-{lang}">' in html
    assert f'<li class="drawn-{"en" if lang == "ar" else "ar"}">' not in html


def test_an_item_is_drawn_once_per_interface_and_the_same_in_every_list(tmp_path):
    renderer = _renderer(tmp_path, TEMPLATES_DIR)
    article = next(a for a in renderer.archive.articles if a.id == "ar-minute")
    item_ar = renderer._language_globals("ar")["article_list_item"]
    item_en = renderer._language_globals("en")["article_list_item"]
    drawn = item_ar(article)
    assert item_ar(article) is drawn  # kept, not drawn again
    assert item_en(article) != drawn  # the other interface's words and date
    for kind in ("home", "day", "source", "event", "article"):
        assert str(drawn) in _rendered(renderer, kind, "ar")


def test_a_page_drawn_with_items_kept_from_other_pages_is_the_page_drawn_alone(tmp_path):
    """Nothing of one page leaks into another through the kept items: each page, rendered after
    every other kind of page by one renderer, is the same as rendered first by a fresh one."""
    kinds = ("home", "day", "source", "event", "article")
    shared = _renderer(tmp_path, TEMPLATES_DIR)
    for lang in ("ar", "en"):
        after_the_others = {kind: _rendered(shared, kind, lang) for kind in kinds}
        for kind in kinds:
            assert _rendered(_renderer(tmp_path, TEMPLATES_DIR), kind, lang) == after_the_others[kind]


def test_the_item_template_sees_no_page_context_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the project's root, as when `archive build` runs there
    def uses_the_page(templates):
        item = templates / LIST_ITEM_TEMPLATE
        item.write_text(item.read_text(encoding="utf-8").replace("<li>", '<li data-page="{{ page.url }}">'),
                        encoding="utf-8")

    renderer = _renderer(tmp_path, _templates(tmp_path, uses_the_page))
    with pytest.raises(RenderError, match=rf"templates/{LIST_ITEM_TEMPLATE}: cannot draw article .*'page' is undefined"):
        _rendered(renderer, "home", "ar")


def test_a_list_template_from_before_item_templates_still_renders(tmp_path):
    def inline(templates):
        (templates / "_article_list.html").write_text(INLINE_LIST, encoding="utf-8")
        (templates / LIST_ITEM_TEMPLATE).unlink()

    renderer = _renderer(tmp_path, _templates(tmp_path, inline))
    html = _rendered(renderer, "home", "ar")
    assert '<li class="inline"><a href="/archive/articles/ar-minute.html">' in html


def test_a_day_template_from_before_renders_the_day_or_names_what_it_lacks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    day_page = (TEMPLATES_DIR / "dates_day.html").read_text(encoding="utf-8")
    count_line = "{% if pager.is_front %}<p class=\"article-meta\">{{ t('articles_count', count=pager.total_items) }}</p>{% endif %}"
    assert count_line in day_page

    def dates_and_neighbours_only(templates):  # day.day, before.day, after.day: as before
        (templates / "dates_day.html").write_text(day_page.replace(count_line, ""), encoding="utf-8")

    html = _rendered(_renderer(tmp_path / "a", _templates(tmp_path / "a", dates_and_neighbours_only)), "day", "ar")
    assert '<time datetime="2021-01-22">' in html

    def counted_on_every_page(templates):  # the day's count, which its pages no longer hold
        (templates / "dates_day.html").write_text(day_page.replace(count_line, "{{ day.count }}"), encoding="utf-8")

    renderer = _renderer(tmp_path / "b", _templates(tmp_path / "b", counted_on_every_page))
    with pytest.raises(RenderError, match=r"^templates/dates_day\.html: cannot render .*has no attribute 'count'"):
        _rendered(renderer, "day", "ar")
