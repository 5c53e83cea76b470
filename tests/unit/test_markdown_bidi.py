"""Left-to-right runs inside right-to-left article text are isolated, and stay escaped text."""

from __future__ import annotations

import pytest

from generator.render.markdown import render_body


@pytest.mark.parametrize(("text", "isolated"), [
    ("قال John Smith أمس", "John Smith"),
    ("عبر https://example.org/a?b=1 اليوم", "https://example.org/a?b=1"),
    ("في الفترة 2020-2021 ارتفع", "2020-2021"),
    ("عند الساعة 10:42 بتوقيت غرينتش", "10:42"),
    ("وكالة Reuters Next", "Reuters Next"),
])
def test_ltr_runs_in_rtl_text_are_wrapped_in_bdi(text, isolated):
    assert f'<bdi dir="ltr">{isolated}</bdi>' in render_body(text, "rtl")


def test_plain_numbers_and_arabic_text_are_left_alone():
    assert render_body("قتل 32 وأصيب أكثر من 110", "rtl") == "<p>قتل 32 وأصيب أكثر من 110</p>\n"


def test_isolated_runs_are_still_escaped_text():
    html = render_body("نص \\<b onclick=x\\>Bold\\</b\\> هنا", "rtl")
    assert "<b" not in html.replace("<bdi", "") and "&lt;" in html and "onclick" in html


def test_left_to_right_text_is_not_touched():
    assert render_body("Baghdad 2020-2021", "ltr") == "<p>Baghdad 2020-2021</p>\n"
