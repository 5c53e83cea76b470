"""Every page of the built demo site passes the Nu HTML Checker (vnu.jar, the W3C validator)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_VNU = PROJECT / ".cache/node/node_modules/vnu-jar/build/dist/vnu.jar"


def _vnu_jar() -> Path:
    jar = Path(os.environ.get("VNU_JAR", DEFAULT_VNU))
    if not jar.exists() or shutil.which("java") is None:
        pytest.fail(f"the Nu validator is required: java and {jar} (scripts/test.sh installs them)")
    return jar


def test_every_page_is_valid_html(demo_project):
    pages = sorted((demo_project / "site").rglob("*.html"))
    assert len(pages) >= 14
    result = subprocess.run(
        ["java", "-jar", str(_vnu_jar()), "--errors-only", "--format", "gnu", *map(str, pages)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_validator_rejects_invalid_html(tmp_path):
    """Guards the test above: the validator run here really reports errors."""
    broken = tmp_path / "broken.html"
    broken.write_text("<p>no doctype, no title", encoding="utf-8")
    result = subprocess.run(["java", "-jar", str(_vnu_jar()), "--errors-only", str(broken)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "doctype" in result.stderr.lower()
