"""An article in a list is drawn by templates/_article_list_item.html once per interface and
reused by every list that shows it: the latest articles, a day's, a source's, an event's reports
and an article's other coverage."""

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


def test_the_item_template_sees_no_page_context_and_says_so(tmp_path):
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
