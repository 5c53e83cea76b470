"""What the search page's script needs besides the Pagefind index, for one interface."""

from __future__ import annotations

from collections import Counter

from generator.model import Archive
from generator.render.i18n import Strings
from generator.search_text import SearchForms

EVENT_LABELS = 200  # events offered in the search page's event filter


def search_page_data(archive: Archive, strings: Strings, lang: str, forms: SearchForms | None = None,
                     head_forms: list[str] | None = None) -> dict:
    """What the search page's script needs besides the index: labels for filter values and the
    plural forms of its counts, in the interface language `lang`."""
    table = strings.by_language[lang]
    events = {event.id: event.curated_title(lang) or event.title
              for event in archive.events_by_coverage()[:EVENT_LABELS] if len(event.articles) > 1}
    return {
        "lang": lang,
        "sources": {source.id: source.name(lang) for source in archive.sources.sources.values()},
        # Only the most covered events with more than one report are offered in the event filter:
        # thousands of labels would be unusable and weigh on every visit to the search page. An
        # event chosen elsewhere (a shared URL) is labelled from its own page's heading.
        "events": events,
        "filterCounts": filter_counts(archive, events),
        "plurals": {key: table[key] for key in ("search_results", "articles_count")},
        # Which lone-proclitic tables exist (generator/search_text.py), so none is asked for in vain.
        "cliticShards": forms.clitic_shards() if forms else [],
        # The forms whose first page of results the build worked out (generator/search_head.py).
        "headForms": list(head_forms or []),
    }


def filter_counts(archive: Archive, offered_events) -> dict[str, dict[str, int]]:
    """Articles per value of each search filter, as templates/_search_index.html gives them to the
    index (one indexed page per article), so that the page lists the filters' values without
    loading the index's filter files: those are loaded only for a search that uses them."""
    counts: dict[str, Counter] = {name: Counter() for name in ("source", "year", "event", "language")}
    for article in archive.articles:
        counts["language"][article.language] += 1
        if article.source:
            counts["source"][article.source] += 1
        if article.date:
            counts["year"][article.date[:4]] += 1
        if article.event in offered_events:
            counts["event"][article.event] += 1
    return {name: dict(sorted(values.items())) for name, values in counts.items()}
