"""Article bodies: Markdown to HTML with raw HTML disabled, so article text is never markup.

In right-to-left text, runs of Latin script (names, URLs, e-mail addresses) and compound numbers
(2020-2021, 10:42, 1,000.5) are isolated with <bdi dir="ltr">, so the bidi algorithm cannot
reorder their parts around the Arabic text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Iterable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# A Latin run may hold spaces, digits and inner punctuation, but starts and ends with a letter or
# digit; a compound number is digits joined by . , : / -
_LTR_RUN = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F0-9 .,:;/_\-@&'’+#%=?~]*[A-Za-z\u00C0-\u024F0-9]"
                      r"|[A-Za-z\u00C0-\u024F]"
                      r"|\d+(?:[.,:/\-]\d+)+")


def _isolate_ltr_runs(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for token in block.children:
            if token.type != "text" or not _LTR_RUN.search(token.content):
                children.append(token)
                continue
            position = 0
            for match in _LTR_RUN.finditer(token.content):
                if match.start() > position:
                    children.append(_text(token.content[position:match.start()]))
                children.extend((_html('<bdi dir="ltr">'), _text(match.group(0)), _html("</bdi>")))
                position = match.end()
            if position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content  # rendered escaped, as any text
    return token


def _html(markup: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = markup  # only the two constant tags above ever pass here
    return token


@lru_cache(maxsize=2)
def _renderer(isolate_ltr: bool) -> MarkdownIt:
    # CommonMark with HTML off: tags in the text are shown as text; markdown-it's link validator
    # already refuses javascript:, vbscript:, file: and data: (except images) URLs.
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    if isolate_ltr:
        renderer.core.ruler.push("isolate_ltr_runs", _isolate_ltr_runs)
    return renderer


# Bodies rendered before a page or feed asked for them (render_ahead), by text and isolation.
_RENDERED_AHEAD: dict[tuple[str, bool], str] = {}
AHEAD_MAX_CHARACTERS = 100_000_000  # of HTML kept (about 200 MB of Arabic): a 31k archive's pages, feeds and leads
AHEAD_MAX_TEXT = 200_000  # characters: a longer body is left to the page that shows it (a render of seconds)


def render_body(markdown_text: str, direction: str = "ltr") -> str:
    """HTML of a body; `direction` is the text's own ("rtl" isolates its left-to-right runs)."""
    isolate = direction == "rtl"
    html = _RENDERED_AHEAD.get((markdown_text, isolate))
    return html if html is not None else _renderer(isolate).render(markdown_text)


def render_ahead(texts: Iterable[tuple[str, str]], until: Callable[[], bool]) -> int:
    """Render bodies (`(markdown text, direction)`, in the order given) before they are asked
    for, until `until()` is true (asked before each) or AHEAD_MAX_CHARACTERS of HTML are kept:
    render_body then answers them from memory, in this process and in those it forks later, until
    forget_rendered_ahead(). Equal renderings of one text are kept as one string. Returns how many
    texts were taken (rendered, or found rendered already)."""
    taken, kept = 0, sum(map(len, _RENDERED_AHEAD.values()))
    for text, direction in texts:
        if kept >= AHEAD_MAX_CHARACTERS or until():
            break
        taken += 1
        isolate = direction == "rtl"
        if (text, isolate) in _RENDERED_AHEAD or len(text) > AHEAD_MAX_TEXT:
            continue
        try:
            html = _renderer(isolate).render(text)
        except Exception:  # noqa: BLE001 - the page that shows it fails with its name instead
            continue
        twin = _RENDERED_AHEAD.get((text, not isolate))
        _RENDERED_AHEAD[(text, isolate)] = twin if twin == html else html
        kept += len(html) if twin != html else 0
    return taken


def forget_rendered_ahead() -> None:
    """Drop what render_ahead kept (once nothing more will ask for it)."""
    _RENDERED_AHEAD.clear()
