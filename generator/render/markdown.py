"""Article bodies: Markdown to HTML with raw HTML disabled, so article text is never markup."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # CommonMark with HTML off: tags in the text are shown as text; markdown-it's link validator
    # already refuses javascript:, vbscript:, file: and data: (except images) URLs.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render_body(markdown_text: str) -> str:
    return _renderer().render(markdown_text)
