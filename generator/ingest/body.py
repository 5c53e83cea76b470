"""Write cleaned blocks of raw text as Markdown that renders back to exactly that text.

Raw article text is untrusted and is not Markdown: a line starting with `#` or `1.`, an
asterisk or an `&lt;` entity must show as written, so every character Markdown could read as
syntax is backslash-escaped.
"""

from __future__ import annotations

import re

_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>&~])")
# Block syntax only counts at the start of a paragraph (ingested paragraphs are single lines).
_BLOCK_START = re.compile(r"^([#>=+\-]|\d{1,9}(?=[.)](?:\s|$)))")
_UNESCAPED_HASH = re.compile(r"(?<!\\)#")


def escape_markdown(text: str) -> str:
    escaped = _INLINE_SPECIALS.sub(r"\\\1", text)
    match = _BLOCK_START.match(escaped)
    if match:
        marker = match.group(1)
        escaped = (marker + "\\" + escaped[len(marker):]) if marker[0].isdigit() else "\\" + escaped
    return escaped


def blocks_to_markdown(blocks: list[tuple[str, str]]) -> str:
    parts = []
    for kind, text in blocks:
        escaped = escape_markdown(text)
        # In a heading a trailing "#" run would be read as the closing sequence and dropped.
        parts.append("## " + _UNESCAPED_HASH.sub(r"\\#", escaped) if kind == "h" else escaped)
    return "\n\n".join(parts) + ("\n" if parts else "")
