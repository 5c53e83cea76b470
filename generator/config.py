"""Typed site configuration read from `archive.toml`.

Every key is declared once with its type and check, so an unknown key, a wrong type or a bad URL
is reported with the key's full name instead of surfacing later as a confusing build failure.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Config:
    root: Path
    site: SiteConfig
    paths: PathsConfig
    source_file: Path | None = None
    interface_languages: tuple[str, ...] = field(default=INTERFACE_LANGUAGES)


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
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _check_language(key: str, value: Any) -> str:
    value = _check_str(key, value)
    if value not in INTERFACE_LANGUAGES:
        raise ConfigError(f"{key}: expected one of {', '.join(INTERFACE_LANGUAGES)}, got {value!r}")
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
}


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


def config_from_mapping(data: dict[str, Any], root: Path, source_file: Path | None = None) -> Config:
    unknown = sorted(set(data) - set(_SCHEMA))
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown section or key (known sections: {', '.join(_SCHEMA)})")
    site = _validated_section("site", data.get("site", {}))
    paths = _validated_section("paths", data.get("paths", {}))
    root = root.resolve()
    return Config(
        root=root,
        site=SiteConfig(**site),
        paths=PathsConfig(**{key: root / value for key, value in paths.items()}),
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
        data.setdefault(section, {}).update(values)
    try:
        return config_from_mapping(data, root, path if path.exists() else None)
    except ConfigError as error:
        raise ConfigError(f"{path.name}: {error}") from None
