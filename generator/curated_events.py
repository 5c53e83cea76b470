"""What archivists say about events, in `content/events/<event-id>.toml`.

Titles and summaries in Arabic and English, and merges (`merge_into`): the linker proposes,
archivists decide, and relinking never undoes what they wrote. Pinning an article to an event,
and splitting one, is done in the article's own front matter (`event:`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from generator.article import RESERVED_EVENT_IDS, Problems, is_valid_event_id

EVENTS_DIRNAME = "events"
_KEYS = {"title_ar", "title_en", "summary_ar", "summary_en", "merge_into"}


@dataclass(frozen=True)
class CuratedEvent:
    id: str
    title_ar: str | None = None
    title_en: str | None = None
    summary_ar: str | None = None
    summary_en: str | None = None
    merge_into: str | None = None

    def title(self, lang: str) -> str | None:
        return self.title_ar if lang == "ar" else self.title_en

    def summary(self, lang: str) -> str | None:
        return self.summary_ar if lang == "ar" else self.summary_en


def load_curated_events(content_dir: Path, root: Path, problems: Problems) -> dict[str, CuratedEvent]:
    """Every event file; a broken one is reported (naming file and key) and ignored."""
    folder = content_dir / EVENTS_DIRNAME
    curated: dict[str, CuratedEvent] = {}
    if not folder.is_dir():
        return curated
    for path in sorted(folder.glob("*.toml")):
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        event_id = path.stem
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
            problems.error(shown, f"not valid TOML ({error}); ignored")
            continue
        if not is_valid_event_id(event_id):
            problems.error(shown, "file name must be an event id (lowercase letters, digits, '-'; not "
                                  f"{', '.join(sorted(RESERVED_EVENT_IDS))}, the events list's page); ignored")
            continue
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            problems.error(shown, f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))}); ignored")
            continue
        bad = [key for key, value in data.items() if not isinstance(value, str) or not value.strip()]
        if bad:
            problems.error(shown, f"{bad[0]} must be non-empty text; ignored")
            continue
        if data.get("merge_into") == event_id or ("merge_into" in data and not is_valid_event_id(data["merge_into"])):
            problems.error(shown, f"merge_into {data['merge_into']!r} must be another event's id; ignored")
            continue
        curated[event_id] = CuratedEvent(id=event_id, **{k: v.strip() for k, v in data.items()})
    return curated


def resolve_merges(curated: dict[str, CuratedEvent], problems: Problems) -> dict[str, str]:
    """Event id -> the id it is finally merged into (chains followed, cycles reported)."""
    final: dict[str, str] = {}
    for event_id in sorted(curated):
        seen = [event_id]
        target = curated[event_id].merge_into
        while target and target in curated and curated[target].merge_into:
            if target in seen:
                problems.error(f"content/{EVENTS_DIRNAME}/{event_id}.toml",
                               f"merge_into forms a cycle ({' -> '.join(seen + [target])}); not merged")
                target = None
                break
            seen.append(target)
            target = curated[target].merge_into
        if target:
            final[event_id] = target
    return final
