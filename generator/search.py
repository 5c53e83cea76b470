"""Build the Pagefind search index over a rendered site folder.

The whole folder is indexed in one run of the Pagefind binary: per-file API calls cost about
100 ms each, a directory run costs a fraction of that per page.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

INDEX_LANGUAGE = "ar"


class SearchIndexError(Exception):
    pass


def pagefind_executable() -> Path:
    """The Pagefind binary: `ARCHIVE_PAGEFIND` if set (another build of Pagefind), else the one
    installed with `pagefind[bin]`."""
    override = os.environ.get("ARCHIVE_PAGEFIND")
    if override:
        if not Path(override).is_file():
            raise SearchIndexError(f"the Pagefind binary named by ARCHIVE_PAGEFIND is missing: {override}")
        return Path(override)
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchIndexError("the Pagefind binary is not installed (pip install 'pagefind[bin]')") from None
    try:
        return get_executable()
    except FileNotFoundError as error:
        raise SearchIndexError(f"the Pagefind binary is missing: {error}") from None


def build_index(site_dir: Path, executable: Path | None = None) -> None:
    """Write `pagefind/` into `site_dir`. Raises SearchIndexError with Pagefind's own message."""
    command = [
        str(executable or pagefind_executable()),
        "--site", str(site_dir),
        # One index for the whole archive: readers of either interface search articles in both
        # languages, and Arabic articles dominate, so the Arabic stemmer is the one to use.
        "--force-language", INDEX_LANGUAGE,
        "--quiet",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except OSError as error:
        raise SearchIndexError(f"could not run Pagefind ({command[0]}): {error}") from None
    except subprocess.TimeoutExpired:
        raise SearchIndexError("Pagefind did not finish within an hour") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SearchIndexError(f"Pagefind failed with exit code {result.returncode}: {' / '.join(detail)}")
    if not (site_dir / "pagefind" / "pagefind.js").exists():
        raise SearchIndexError("Pagefind ran but wrote no pagefind/pagefind.js")


def search_page_data(archive, strings, lang: str, forms=None) -> dict:
    """What the search page's script needs besides the index: labels for filter values and the
    plural forms of its counts, in the interface language `lang`."""
    table = strings.by_language[lang]
    return {
        "lang": lang,
        "sources": {source.id: source.name(lang) for source in archive.sources.sources.values()},
        # Only events with more than one report: a filter with thousands of one-article events
        # would be unusable, and their labels would weigh on every visit to the search page.
        "events": {event.id: event.title for event in archive.events_by_coverage() if len(event.articles) > 1},
        "plurals": {key: table[key] for key in ("search_results", "articles_count")},
        # Which lone-proclitic tables exist (generator/search_text.py), so none is asked for in vain.
        "cliticShards": sorted(forms.clitic_tables()) if forms else [],
    }
