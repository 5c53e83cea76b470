"""The registry of outlets (`content/sources.toml`) and matching text against it.

An outlet is recognised only through the registry: an unknown name is reported for the archivist
to add, never guessed, because a wrong source attribution misleads readers.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from generator.arabic import fold

SOURCES_FILENAME = "sources.toml"
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


class SourcesError(Exception):
    pass


@dataclass(frozen=True)
class Source:
    id: str
    name_ar: str
    name_en: str
    homepage: str | None = None
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" else self.name_en


@dataclass(frozen=True)
class SourceRegistry:
    sources: dict[str, Source]

    def __post_init__(self) -> None:
        by_name: dict[str, str] = {}
        for source in self.sources.values():
            for name in (source.id, source.name_ar, source.name_en, *source.aliases):
                key = fold(name).strip()
                if by_name.get(key, source.id) != source.id:
                    # A shared name would attribute articles to an outlet by the order of the file.
                    raise SourcesError(f"{SOURCES_FILENAME}: the name {name!r} is used by both "
                                       f"[{by_name[key]}] and [{source.id}]; names and aliases must be unique")
                by_name[key] = source.id
        object.__setattr__(self, "_by_name", by_name)

    def get(self, source_id: str | None) -> Source | None:
        return self.sources.get(source_id) if source_id else None

    def match_name(self, text: str) -> Source | None:
        """The source whose name or alias is exactly `text` (spelling variants folded)."""
        source_id = self._by_name.get(fold(text).strip())  # type: ignore[attr-defined]
        return self.sources[source_id] if source_id else None

    def match_url(self, url: str) -> Source | None:
        host = (urlsplit(url).hostname or "").lower()
        for source in self.sources.values():
            if any(host == d or host.endswith("." + d) for d in source.domains):
                return source
        return None


_KNOWN_KEYS = {"name_ar", "name_en", "homepage", "aliases", "domains"}


def load_sources(content_dir: Path) -> SourceRegistry:
    path = content_dir / SOURCES_FILENAME
    if not path.exists():
        return SourceRegistry({})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SourcesError(f"{path}: not valid TOML: {error}") from None
    sources = {}
    for source_id, entry in sorted(data.items()):
        where = f"{path}: [{source_id}]"
        if not set(source_id) <= _ID_CHARS:
            raise SourcesError(f"{where}: ids use only a-z, 0-9 and '-'")
        if not isinstance(entry, dict):
            raise SourcesError(f"{where}: expected a table")
        unknown = sorted(set(entry) - _KNOWN_KEYS)
        if unknown:
            raise SourcesError(f"{where}: unknown key {unknown[0]!r}")
        for key in ("name_ar", "name_en"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise SourcesError(f"{where}: {key} must be a non-empty string")
        for key in ("aliases", "domains"):
            if not isinstance(entry.get(key, []), list) or not all(isinstance(v, str) for v in entry.get(key, [])):
                raise SourcesError(f"{where}: {key} must be a list of strings")
        sources[source_id] = Source(
            id=source_id,
            name_ar=entry["name_ar"],
            name_en=entry["name_en"],
            homepage=entry.get("homepage"),
            aliases=tuple(entry.get("aliases", [])),
            domains=tuple(d.lower() for d in entry.get("domains", [])),
        )
    return SourceRegistry(sources)
