"""An interface language's environment (generator.render.environment): templates compiled with
that language's strings in them answer as the calls they replace do."""

import pytest
from jinja2 import DictLoader, StrictUndefined, select_autoescape

from generator.render.environment import InterfaceEnvironment
from generator.render.i18n import Strings

STRINGS = Strings({"ar": {"heading": "أحدث <المقالات> & الأحداث", "page_n": "الصفحة {number}",
                          "reports": {"one": "تقرير واحد", "other": "{count} تقارير"}}})


def _environment(templates: dict[str, str]) -> InterfaceEnvironment:
    return InterfaceEnvironment(STRINGS.by_language["ar"], loader=DictLoader(templates), undefined=StrictUndefined,
                                autoescape=select_autoescape(("html",), default_for_string=True))


def _render(templates: dict[str, str], name: str = "page.html", **values) -> str:
    calls = []

    def t(key, **given):
        calls.append(key)
        return STRINGS.get("ar", key, **given)
    return _environment(templates).get_template(name).render(t=t, **values), calls


def test_a_string_asked_for_without_values_is_in_the_compiled_template_escaped():
    page = "<h1>{{ t('heading') }}</h1><p title=\"{{ t('heading') }}\">{{ t('page_n', number=2) }}</p>"
    rendered, calls = _render({"page.html": page})
    assert rendered == ("<h1>أحدث &lt;المقالات&gt; &amp; الأحداث</h1>"
                        "<p title=\"أحدث &lt;المقالات&gt; &amp; الأحداث\">الصفحة 2</p>")
    assert calls == ["page_n"]  # the one with values is still a call
    source = _environment({"page.html": page}).compile(page, "page.html", raw=True)
    assert "&lt;المقالات&gt;" in source and "'heading'" not in source


def test_plural_strings_computed_keys_and_missing_keys_stay_calls():
    page = "{{ t('reports') }}|{{ t('reports', count=1) }}|{{ t(key) }}"
    rendered, calls = _render({"page.html": page}, key="heading")
    assert rendered == "{count} تقارير|تقرير واحد|أحدث &lt;المقالات&gt; &amp; الأحداث"
    assert calls == ["reports", "reports", "heading"]
    with pytest.raises(Exception, match="'nowhere' is missing"):
        _render({"page.html": "{{ t('nowhere') }}"})


@pytest.mark.parametrize("page", [
    "{% set t = other %}{{ t('heading') }}",
    "{% for t in [other] %}{{ t('heading') }}{% endfor %}",
    "{% macro m(t) %}{{ t('heading') }}{% endmacro %}{{ m(other) }}",
    "{% with t = other %}{{ t('heading') }}{% endwith %}",
    "{% import 'lib.html' as t %}{{ other('heading') }}",
    "{% from 'lib.html' import heading as t %}{{ other('heading') }}",
])
def test_a_template_that_gives_the_name_another_meaning_is_refused_with_its_line(page):
    # (Templates including or extending it would see that meaning, and their strings are in place.)
    from jinja2 import TemplateSyntaxError

    lib = "{% macro heading(x='') %}macro{% endmacro %}"
    with pytest.raises(TemplateSyntaxError, match="'t' is the name of the interface strings") as refused:
        _render({"page.html": "\n" + page, "lib.html": lib}, other=lambda key: f"other:{key}")
    assert refused.value.lineno == 2 and refused.value.name == "page.html"
    assert _render({"page.html": "{{ other('heading') }}{{ t.__name__ }}"}, other=str.upper)[0] == "HEADINGt"


def test_compiled_templates_are_kept_per_language_and_strings(tmp_path):
    from generator.render.environment import template_caches

    folder = tmp_path / "templates"
    templates = {"page.html": "<h1>{{ t('heading') }}</h1>"}
    strings = {"ar": {"heading": "أحدث"}, "en": {"heading": "Latest"}}
    (folder / "ar-stale").mkdir(parents=True)
    caches = template_caches(folder, strings)
    rendered = {}
    for lang, cache in caches.items():
        environment = InterfaceEnvironment(strings[lang], loader=DictLoader(templates), bytecode_cache=cache)
        rendered[lang] = environment.get_template("page.html").render()
    assert rendered == {"ar": "<h1>أحدث</h1>", "en": "<h1>Latest</h1>"}
    kept = sorted(path.parent.name for path in folder.glob("*/*"))
    assert len(kept) == 2 and kept[0].startswith("ar-") and kept[1].startswith("en-")
    assert not (folder / "ar-stale").exists() and len(list(folder.iterdir())) == 2

    # A later build loads them compiled; other strings are other templates, the old ones removed.
    again = template_caches(folder, strings)
    environment = InterfaceEnvironment(strings["ar"], loader=DictLoader(templates), bytecode_cache=again["ar"])
    environment.compile = None  # (what is loaded from the cache is not compiled)
    assert environment.get_template("page.html").render() == "<h1>أحدث</h1>"
    changed = {"ar": {"heading": "الأحدث"}, "en": strings["en"]}
    caches = template_caches(folder, changed)
    environment = InterfaceEnvironment(changed["ar"], loader=DictLoader(templates), bytecode_cache=caches["ar"])
    assert environment.get_template("page.html").render() == "<h1>الأحدث</h1>"
    assert len(list(folder.iterdir())) == 2
