"""generator.ingest.body: raw text escaped as Markdown renders back to exactly that text.

Raw article text is untrusted; through `render_body` it must come out as text, never as markup
(no lists, headings, links, emphasis, code or HTML of its own).
"""

from __future__ import annotations

import html
import re

import pytest

from generator.ingest.body import blocks_to_markdown, escape_markdown
from generator.render.markdown import render_body

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")

TRICKY_LINES = [
    "# x",
    "## x",
    "#hashtag",
    "#",
    "1. x",
    "1) x",
    "123456789. x",
    "- x",
    "+ x",
    "* x",
    "> x",
    "= x",
    "===",
    "---",
    "***",
    "___",
    "- - -",
    "```",
    "~~~",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<!-- c -->",
    "<https://example.org>",
    "a<br>b",
    "[a](javascript:alert(1))",
    "![a](x.png)",
    "[a]: /url",
    "&lt;b&gt;",
    "&amp; &copy; &#60; &#x3C;",
    "*a* _b_",
    "**bold** __strong__",
    "foo_bar_baz",
    "~~strike~~",
    "`code` and ``more``",
    "back\\slash \\* \\\\ end\\",
    "{{ x }}",
    "{% if %}yes{% endif %}",
    "| a | b |",
    "https://example.org/a_b_c",
    "# عاجل: انفجار في بغداد",
    "1. الكاظمي يترأس اجتماعاً طارئاً",
    "- قال <b>الكاظمي</b> إن *الأمن* ليس [مجاملة](javascript:alert(1))",
    "> «ما حصل خرق أمني» &lt;تصريح&gt;",
    "مقتل 32 وإصابة أكثر من 110 أشخاص_ `تفجير` {{ بغداد }}",
    "<!-- تعليق --> نص عربي \\ مع شرطة مائلة",
]


def _tags(rendered: str) -> set[str]:
    return {name.lower() for _, name in _TAG.findall(rendered)}


def _text_content(rendered: str) -> str:
    return html.unescape(_TAG.sub("", rendered)).strip()


@pytest.mark.parametrize("line", TRICKY_LINES)
def test_paragraph_renders_back_to_the_raw_text(line):
    rendered = render_body(blocks_to_markdown([("p", line)]))
    assert _tags(rendered) == {"p"}, rendered
    assert _text_content(rendered) == line


@pytest.mark.parametrize("line", TRICKY_LINES)
def test_subheading_renders_back_to_the_raw_text(line):
    rendered = render_body(blocks_to_markdown([("h", line)]))
    assert _tags(rendered) == {"h2"}, rendered
    assert _text_content(rendered) == line


@pytest.mark.parametrize("line", [
    "الوسم الأكثر تداولا #",
    "Top stories ##",
    "x #",
    "رقم # 5",
    "لغة C# في المدارس",
    "#1 الأهلي في الصدارة",
    "ينتهي بشرطة وعلامة \\#",
], ids=["arabic-hash", "english-double-hash", "bare-hash", "inner-hash", "c-sharp", "leading-hash",
        "escaped-hash"])
def test_subheading_with_hashes_keeps_them(line):
    """Regression: '## text #' lost its trailing ' #' (CommonMark's ATX closing sequence)."""
    rendered = render_body(blocks_to_markdown([("h", line)]))
    assert _tags(rendered) == {"h2"}, rendered
    assert _text_content(rendered) == line


def test_no_raw_html_or_script_reaches_the_output():
    rendered = render_body(blocks_to_markdown([
        ("p", "<script>alert(1)</script>"),
        ("p", "<img src=x onerror=alert(1)>"),
        ("h", "<iframe src=//evil></iframe>"),
    ]))
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert "<iframe" not in rendered
    assert _tags(rendered) == {"p", "h2"}


def test_javascript_link_is_not_a_link():
    rendered = render_body(blocks_to_markdown([("p", "[اضغط هنا](javascript:alert(1))")]))
    assert "<a" not in rendered
    assert "href" not in rendered


def test_several_blocks_keep_their_order_and_kinds():
    blocks = [
        ("p", "قال رئيس الوزراء إن حياة الناس ليست مجاملة."),
        ("h", "ردود الفعل"),
        ("p", "1. دانت الأمم المتحدة التفجير."),
        ("p", "# آخر فقرة"),
    ]
    rendered = render_body(blocks_to_markdown(blocks))
    elements = re.findall(r"<(p|h2)>(.*?)</\1>", rendered, re.DOTALL)
    assert [(("h" if tag == "h2" else "p"), html.unescape(text)) for tag, text in elements] == blocks


def test_markdown_is_one_block_per_paragraph_separated_by_blank_lines():
    markdown = blocks_to_markdown([("p", "أولى"), ("h", "عنوان"), ("p", "ثانية")])
    assert markdown == "أولى\n\n## عنوان\n\nثانية\n"


def test_no_blocks_give_empty_markdown():
    assert blocks_to_markdown([]) == ""


def test_plain_arabic_is_left_unescaped():
    line = "قال الكاظمي، اليوم الجمعة، إن ما حصل خرق أمني كبير."
    assert escape_markdown(line) == line


def test_only_the_list_marker_digit_run_is_escaped():
    assert escape_markdown("2021. عام صعب") == "2021\\. عام صعب"
    assert escape_markdown("2021 عام صعب") == "2021 عام صعب"
