"""Prose pages kept in content/pages/: `<slug>.<lang>.md`, such as about.ar.md and about.en.md.

The first line `# Title` is the page title; the rest is Markdown, rendered like article bodies
(raw HTML off).
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.model import ContentPage

PAGES_DIRNAME = "pages"
_NAME = re.compile(r"^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.(ar|en)\.md$")


# Top-level folders of the site that a page's slug must not take.
RESERVED_SLUGS = frozenset({"ar", "en", "articles", "events", "dates", "sources", "search", "raw",
                            "assets", "data", "pagefind", "page", "feed"})


class ContentPageError(Exception):
    pass


def load_pages(content_dir: Path) -> dict[str, dict[str, ContentPage]]:
    """slug -> language -> page, for every well-named file in content/pages/."""
    folder = content_dir / PAGES_DIRNAME
    pages: dict[str, dict[str, ContentPage]] = {}
    if not folder.is_dir():
        return pages
    for path in sorted(folder.iterdir()):
        match = _NAME.match(path.name)
        if not match:
            continue
        slug, lang = match.groups()
        if slug in RESERVED_SLUGS:
            raise ContentPageError(f"{path}: '{slug}' is a folder of the site; choose another file name")
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff")
        first, _, rest = text.partition("\n")
        if not first.startswith("# ") or not first[2:].strip():
            raise ContentPageError(f"{path}: the first line must be the title, as '# Title'")
        pages.setdefault(slug, {})[lang] = ContentPage(slug, lang, first[2:].strip(), rest.strip() + "\n")
    return pages
