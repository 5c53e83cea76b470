"""Typed site configuration read from `archive.toml`.

Every key is declared once with its type and check, so an unknown key, a wrong type or a bad URL
is reported with the key's full name instead of surfacing later as a confusing build failure.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

CONFIG_FILENAME = "archive.toml"
INTERFACE_LANGUAGES = ("ar", "en")


class ConfigError(Exception):
    """A problem in archive.toml, worded for the person who edits that file."""


@dataclass(frozen=True)
class SiteConfig:
    title_ar: str
    title_en: str
    base_url: str
    default_language: str

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, always with leading and trailing slash."""
        return urlsplit(self.base_url).path

    def title(self, lang: str) -> str:
        return self.title_ar if lang == "ar" else self.title_en


@dataclass(frozen=True)
class PathsConfig:
    seeds: Path
    content: Path
    output: Path
    templates: Path


DUMP_FIELDS = ("title", "body", "date", "source", "url", "author", "id")


@dataclass(frozen=True)
class DumpFieldsConfig:
    """For each article field, the record keys that may hold it in JSON/JSONL/CSV dumps (first present wins)."""

    title: tuple[str, ...]
    body: tuple[str, ...]
    date: tuple[str, ...]
    source: tuple[str, ...]
    url: tuple[str, ...]
    author: tuple[str, ...]
    id: tuple[str, ...]


@dataclass(frozen=True)
class SearchConfig:
    # A search form held by at least this many articles gets its first page of results worked out
    # by the build (generator/search_head.py); 0 turns that off.
    first_page_min_articles: int = 1500


@dataclass(frozen=True)
class Config:
    root: Path
    site: SiteConfig
    paths: PathsConfig
    dump_fields: DumpFieldsConfig = field(default_factory=lambda: DEFAULT_DUMP_FIELDS)
    search: SearchConfig = field(default_factory=SearchConfig)
    source_file: Path | None = None
    interface_languages: tuple[str, ...] = field(default=INTERFACE_LANGUAGES)

    def without_location(self) -> "Config":
        """The same settings with the project's folder taken out (its paths relative to it), for
        fingerprints: a project built from another folder or working directory, or from a
        checkout at another path with its build state, renders the same pages."""
        def inside(path: Path) -> Path:
            return path.relative_to(self.root) if path.is_relative_to(self.root) else path
        return replace(self, root=Path("."), source_file=None,
                       paths=PathsConfig(**{key: inside(getattr(self.paths, key))
                                            for key in (f.name for f in fields(PathsConfig))}))


def _check_str(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key}: expected a non-empty string, got {value!r}")
    return value


def _check_base_url(key: str, value: Any) -> str:
    value = _check_str(key, value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{key}: expected an absolute http(s) URL such as "
                          f"'https://user.github.io/archive/', got {value!r}")
    if parts.query or parts.fragment:
        raise ConfigError(f"{key}: must not carry a query or fragment, got {value!r}")
    # Empty segments would make "//archive/" links protocol-relative (pointing at another host).
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if not path.endswith("/"):
        path += "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_field_names(key: str, value: Any) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise ConfigError(f"{key}: expected a record key or a list of record keys, got {value!r}")
    return tuple(names)


def _check_language(key: str, value: Any) -> str:
    value = _check_str(key, value)
    if value not in INTERFACE_LANGUAGES:
        raise ConfigError(f"{key}: expected one of {', '.join(INTERFACE_LANGUAGES)}, got {value!r}")
    return value


def _check_count(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{key}: expected a whole number >= 0, got {value!r}")
    return value


def _check_relative_dir(key: str, value: Any) -> str:
    value = _check_str(key, value)
    if Path(value).is_absolute() or ".." in Path(value).parts:
        raise ConfigError(f"{key}: expected a folder inside the project, got {value!r}")
    return value


# section -> key -> (check, default). A default of None means the key is required.
_SCHEMA: dict[str, dict[str, tuple[Callable[[str, Any], Any], Any]]] = {
    "site": {
        "title_ar": (_check_str, "أرشيف الأخبار"),
        "title_en": (_check_str, "News Archive"),
        "base_url": (_check_base_url, "http://localhost:8000/"),
        "default_language": (_check_language, "ar"),
    },
    "paths": {
        "seeds": (_check_relative_dir, "seeds"),
        "content": (_check_relative_dir, "content"),
        "output": (_check_relative_dir, "site"),
        "templates": (_check_relative_dir, "templates"),
    },
    "dump_fields": {
        "title": (_check_field_names, ("title", "headline")),
        "body": (_check_field_names, ("body", "content", "text")),
        "date": (_check_field_names, ("date", "published", "date_published")),
        "source": (_check_field_names, ("source", "outlet")),
        "url": (_check_field_names, ("url", "link")),
        "author": (_check_field_names, ("author", "byline")),
        "id": (_check_field_names, ("id",)),
    },
    "search": {
        "first_page_min_articles": (_check_count, SearchConfig.first_page_min_articles),
    },
}


DEFAULT_DUMP_FIELDS = DumpFieldsConfig(**{name: default for name, (_, default) in _SCHEMA["dump_fields"].items()})


def _validated_section(name: str, raw: Any) -> dict[str, Any]:
    schema = _SCHEMA[name]
    if not isinstance(raw, dict):
        raise ConfigError(f"[{name}]: expected a table, got {raw!r}")
    unknown = sorted(set(raw) - set(schema))
    if unknown:
        raise ConfigError(f"{name}.{unknown[0]}: unknown key (known keys: {', '.join(schema)})")
    values = {}
    for key, (check, default) in schema.items():
        values[key] = check(f"{name}.{key}", raw[key]) if key in raw else default
    return values


def _check_output_is_separate(root: Path, paths: dict[str, str]) -> None:
    """The output folder is replaced wholesale by every build, so it must hold nothing else."""
    output = (root / paths["output"]).resolve()
    if output == root:
        raise ConfigError(f"paths.output: must be a sub-folder of the project, not the project itself ({paths['output']!r})")
    for key in ("seeds", "content", "templates"):
        other = (root / paths[key]).resolve()
        if output == other or output in other.parents or other in output.parents:
            raise ConfigError(f"paths.output: must be separate from paths.{key} ({paths['output']!r} and "
                              f"{paths[key]!r}); every build replaces the output folder")


def config_from_mapping(data: dict[str, Any], root: Path, source_file: Path | None = None) -> Config:
    unknown = sorted(set(data) - set(_SCHEMA))
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown section or key (known sections: {', '.join(_SCHEMA)})")
    site = _validated_section("site", data.get("site", {}))
    paths = _validated_section("paths", data.get("paths", {}))
    dump_fields = _validated_section("dump_fields", data.get("dump_fields", {}))
    search = _validated_section("search", data.get("search", {}))
    root = root.resolve()
    _check_output_is_separate(root, paths)
    return Config(
        root=root,
        site=SiteConfig(**site),
        paths=PathsConfig(**{key: root / value for key, value in paths.items()}),
        dump_fields=DumpFieldsConfig(**dump_fields),
        search=SearchConfig(**search),
        source_file=source_file,
    )


def load_config(root: Path, overrides: dict[str, dict[str, Any]] | None = None) -> Config:
    """Read `archive.toml` under `root` (defaults apply when the file is absent)."""
    path = root / CONFIG_FILENAME
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from error
    for section, values in (overrides or {}).items():
        if not isinstance(data.setdefault(section, {}), dict):
            raise ConfigError(f"{path.name}: [{section}]: expected a table, got {data[section]!r}")
        data[section].update(values)
    try:
        return config_from_mapping(data, root, path if path.exists() else None)
    except ConfigError as error:
        raise ConfigError(f"{path.name}: {error}") from None
