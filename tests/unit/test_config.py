"""generator.config: archive.toml is validated key by key, and errors name the key or the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import CONFIG_FILENAME, ConfigError, config_from_mapping, load_config


def _write_config(root: Path, text: str) -> Path:
    path = root / CONFIG_FILENAME
    path.write_text(text, encoding="utf-8")
    return path


# -- defaults --------------------------------------------------------------------------------------


def test_defaults_apply_without_archive_toml(tmp_path):
    config = load_config(tmp_path)

    assert config.source_file is None
    assert config.root == tmp_path.resolve()
    assert config.site.title_ar == "أرشيف الأخبار"
    assert config.site.title_en == "News Archive"
    assert config.site.base_url == "http://localhost:8000/"
    assert config.site.base_path == "/"
    assert config.site.default_language == "ar"
    assert config.paths.seeds == tmp_path.resolve() / "seeds"
    assert config.paths.content == tmp_path.resolve() / "content"
    assert config.paths.output == tmp_path.resolve() / "site"
    assert config.paths.templates == tmp_path.resolve() / "templates"
    assert config.interface_languages == ("ar", "en")


def test_values_in_archive_toml_override_defaults(tmp_path):
    path = _write_config(tmp_path, """
[site]
title_en = "Iraq Coverage"
default_language = "en"

[paths]
output = "public"
""")
    config = load_config(tmp_path)

    assert config.source_file == path
    assert config.site.title_en == "Iraq Coverage"
    assert config.site.title_ar == "أرشيف الأخبار"  # untouched keys keep their default
    assert config.site.default_language == "en"
    assert config.paths.output == tmp_path.resolve() / "public"


def test_site_title_is_chosen_by_interface_language():
    config = config_from_mapping({"site": {"title_ar": "أرشيف", "title_en": "Archive"}}, Path("."))
    assert config.site.title("ar") == "أرشيف"
    assert config.site.title("en") == "Archive"


def test_override_of_base_url_wins_over_the_file(tmp_path):
    _write_config(tmp_path, '[site]\nbase_url = "http://localhost:8000/"\n')
    config = load_config(tmp_path, {"site": {"base_url": "https://user.github.io/archive"}})
    assert config.site.base_url == "https://user.github.io/archive/"


# -- unknown keys and sections ---------------------------------------------------------------------


def test_unknown_key_is_named_with_its_section(tmp_path):
    _write_config(tmp_path, '[site]\ntitel_ar = "أرشيف"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "site.titel_ar" in str(caught.value)
    assert CONFIG_FILENAME in str(caught.value)


def test_unknown_key_message_lists_the_known_keys():
    with pytest.raises(ConfigError, match="site.titel_ar") as caught:
        config_from_mapping({"site": {"titel_ar": "x"}}, Path("."))
    assert "title_ar" in str(caught.value)


def test_unknown_section_is_named():
    with pytest.raises(ConfigError, match="sitee") as caught:
        config_from_mapping({"sitee": {"title_ar": "x"}}, Path("."))
    assert "site" in str(caught.value).split("known sections:")[1]
    assert "paths" in str(caught.value).split("known sections:")[1]


def test_section_that_is_not_a_table_is_rejected():
    with pytest.raises(ConfigError, match=r"\[site\]"):
        config_from_mapping({"site": 3}, Path("."))


# -- wrong types -----------------------------------------------------------------------------------


def test_wrong_type_names_the_key(tmp_path):
    _write_config(tmp_path, "[site]\ntitle_ar = 3\n")
    with pytest.raises(ConfigError, match=r"site\.title_ar") as caught:
        load_config(tmp_path)
    assert "3" in str(caught.value)


@pytest.mark.parametrize("value", ["", "   ", None, ["a"], True])
def test_title_must_be_non_empty_text(value):
    with pytest.raises(ConfigError, match=r"site\.title_en"):
        config_from_mapping({"site": {"title_en": value}}, Path("."))


# -- base_url --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "example.org",
    "ftp://x/",
    "https://example.org/?page=2",
    "https://example.org/archive/#top",
    "//example.org/",
    "http:///archive/",
    "file:///home/user/site/",
])
def test_bad_base_url_names_site_base_url(url):
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"site": {"base_url": url}}, Path("."))
    assert "site.base_url" in str(caught.value)
    assert repr(url) in str(caught.value)


def test_sub_path_base_url_gets_a_trailing_slash():
    config = config_from_mapping({"site": {"base_url": "https://user.github.io/archive"}}, Path("."))
    assert config.site.base_url == "https://user.github.io/archive/"
    assert config.site.base_path == "/archive/"


@pytest.mark.parametrize(("url", "expected_url", "expected_path"), [
    ("https://user.github.io", "https://user.github.io/", "/"),
    ("https://user.github.io/", "https://user.github.io/", "/"),
    ("https://user.github.io/archive/", "https://user.github.io/archive/", "/archive/"),
    ("http://localhost:8000", "http://localhost:8000/", "/"),
    ("https://example.org/news/archive", "https://example.org/news/archive/", "/news/archive/"),
])
def test_base_url_is_normalised_to_end_with_a_slash(url, expected_url, expected_path):
    config = config_from_mapping({"site": {"base_url": url}}, Path("."))
    assert config.site.base_url == expected_url
    assert config.site.base_path == expected_path


@pytest.mark.parametrize("url", ["https://user.github.io//archive/", "https://user.github.io//archive//"])
def test_base_url_with_double_slash_does_not_yield_protocol_relative_links(url):
    """Regression: '//archive/' links are protocol-relative and point at a host named 'archive'."""
    try:
        config = config_from_mapping({"site": {"base_url": url}}, Path("."))
    except ConfigError as error:  # rejecting it is as good as normalising it
        assert "site.base_url" in str(error)
        return
    assert not config.site.base_path.startswith("//")
    assert config.site.base_path == "/archive/"


# -- default_language ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_supported_default_languages_are_accepted(lang):
    assert config_from_mapping({"site": {"default_language": lang}}, Path(".")).site.default_language == lang


@pytest.mark.parametrize("lang", ["fr", "AR", "arabic", ""])
def test_unsupported_default_language_is_rejected(lang):
    with pytest.raises(ConfigError, match=r"site\.default_language"):
        config_from_mapping({"site": {"default_language": lang}}, Path("."))


# -- paths -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["seeds", "content", "output", "templates"])
@pytest.mark.parametrize("value", ["/srv/site", "../site", "site/../../elsewhere", ".."])
def test_paths_outside_the_project_are_rejected(key, value):
    with pytest.raises(ConfigError) as caught:
        config_from_mapping({"paths": {key: value}}, Path("."))
    assert f"paths.{key}" in str(caught.value)


def test_nested_relative_path_is_resolved_under_the_root(tmp_path):
    config = config_from_mapping({"paths": {"output": "build/site"}}, tmp_path)
    assert config.paths.output == tmp_path.resolve() / "build" / "site"


@pytest.mark.parametrize("value", [".", "./"])
def test_output_path_may_not_be_the_project_root(tmp_path, value):
    """Regression: every build replaces the output folder, so '.' would delete the project."""
    with pytest.raises(ConfigError, match=r"paths\.output"):
        config_from_mapping({"paths": {"output": value}}, tmp_path)


@pytest.mark.parametrize("paths", [
    {"output": "content"},
    {"output": "seeds"},
    {"output": "templates"},
    {"output": "content/site"},
    {"output": "build", "content": "build/content"},
], ids=["is-content", "is-seeds", "is-templates", "inside-content", "holds-content"])
def test_output_path_may_not_overlap_another_project_folder(tmp_path, paths):
    """Regression: publishing the site would replace (delete) the overlapping folder."""
    with pytest.raises(ConfigError, match=r"paths\.output"):
        config_from_mapping({"paths": paths}, tmp_path)


# -- the file itself -------------------------------------------------------------------------------


def test_invalid_toml_names_the_file(tmp_path):
    path = _write_config(tmp_path, '[site\ntitle_ar = "x"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(path) in str(caught.value)
    assert "not valid TOML" in str(caught.value)


def test_config_file_that_is_not_utf8_names_the_file(tmp_path):
    path = tmp_path / CONFIG_FILENAME
    path.write_bytes('[site]\ntitle_ar = "أرشيف"\n'.encode("cp1256"))
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(path) in str(caught.value)


def test_errors_from_the_file_are_prefixed_with_its_name(tmp_path):
    _write_config(tmp_path, '[site]\nbase_url = "example.org"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{CONFIG_FILENAME}: site.base_url")


def test_section_that_is_not_a_table_in_the_file_is_named(tmp_path):
    _write_config(tmp_path, 'site = "https://user.github.io/archive/"\n')
    with pytest.raises(ConfigError, match=r"\[site\]"):
        load_config(tmp_path)


def test_override_on_a_section_that_is_not_a_table_is_a_config_error(tmp_path):
    _write_config(tmp_path, 'site = "https://user.github.io/archive/"\n')
    with pytest.raises(ConfigError, match=r"\[site\]"):
        load_config(tmp_path, {"site": {"base_url": "https://user.github.io/archive/"}})


def test_project_archive_toml_is_valid():
    from .helpers import PROJECT_ROOT

    config = load_config(PROJECT_ROOT)
    assert config.source_file == PROJECT_ROOT / CONFIG_FILENAME
    assert config.site.default_language in config.interface_languages
