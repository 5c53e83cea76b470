"""The atomic output folder: publishing a build never leaves the site half-replaced."""

from __future__ import annotations

import os

import pytest

from generator import output


def test_a_failed_switch_from_a_plain_folder_puts_the_folder_back(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    staging = output.start(site)
    (staging / "index.html").write_text("new", encoding="utf-8")

    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.os, "replace", refuse)
    with pytest.raises(output.OutputError, match="cannot replace"):
        output.publish(site)
    assert site.is_dir() and not site.is_symlink()
    assert (site / "index.html").read_text(encoding="utf-8") == "old"


def test_publishing_points_the_site_at_the_staging_folder_by_a_relative_link(tmp_path):
    site = tmp_path / "out" / "www"
    for text in ("first", "second", "third"):
        staging = output.start(site)
        (staging / "index.html").write_text(text, encoding="utf-8")
        output.publish(site)
        assert (site / "index.html").read_text(encoding="utf-8") == text
        assert not os.path.isabs(os.readlink(site))
    assert sorted(p.name for p in output.versions_dir(site).iterdir() if not p.name.startswith(".")) == ["a", "b"]
