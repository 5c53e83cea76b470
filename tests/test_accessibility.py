"""axe-core (the accessibility engine behind @axe-core/cli) on every page type, both interfaces,
in the real headless Chromium: no serious or critical violations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from serve import serve

PROJECT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get("AXE_JS", PROJECT / ".cache/node/node_modules/axe-core/axe.min.js"))

pytestmark = [pytest.mark.browser]


def _page_paths(demo_project: Path) -> list[str]:
    records = json.loads((demo_project / "site/data/articles.json").read_text(encoding="utf-8"))
    article = next(r for r in records if r["language"] == "ar")
    english = next(r for r in records if r["language"] == "en")
    day = article["date"][:10].replace("-", "/")
    paths = ["", f"articles/{article['id']}.html", f"articles/{english['id']}.html", f"events/{article['event']}.html",
             "events/", "search/?q=الكاظمي", "dates/", f"dates/{day[:4]}/", f"dates/{day[:7]}/", f"dates/{day}/",
             "sources/", "sources/alalam/", "about/", "404.html"]
    return [prefix + path for prefix in ("", "en/") for path in paths]


def test_no_serious_or_critical_accessibility_violations(page, demo_project):
    if not AXE.exists():
        pytest.fail(f"axe-core is required: {AXE} (scripts/test.sh installs it)")
    axe_source = AXE.read_text(encoding="utf-8")
    found = []
    with serve(demo_project / "site", "/archive/") as root:
        for path in _page_paths(demo_project):
            page.goto(root + path)
            page.wait_for_load_state("networkidle")
            # Evaluated through DevTools, so the pages' CSP (no inline scripts) stays as it is.
            results = page.evaluate(axe_source + "\n;axe.run(document, {resultTypes: ['violations']})")
            for violation in results["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    found.append(f"{path}: {violation['id']} ({violation['impact']}): {targets}")
    assert found == []


def test_axe_reports_a_violation_on_a_broken_page(page, tmp_path):
    """Guards the test above: axe really runs and reports what it finds."""
    (tmp_path / "bad.html").write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                                       '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                                       '<button></button></body></html>', encoding="utf-8")
    with serve(tmp_path, "/") as root:
        page.goto(root + "bad.html")
        results = page.evaluate(AXE.read_text(encoding="utf-8") + "\n;axe.run(document)")
    impacts = {v["id"]: v["impact"] for v in results["violations"]}
    assert impacts.get("image-alt") == "critical" and impacts.get("button-name") == "critical"
