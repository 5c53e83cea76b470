"""Screenshots of a built site in headless Chromium, both interfaces, phone and desktop widths.

    .venv/bin/python scripts/screenshots.py [SITE_DIR] [OUT_DIR] [PATH ...]

Serves SITE_DIR (default site/) on 127.0.0.1 and writes one PNG per page, interface and width
into OUT_DIR (default .cache/screenshots/), for looking at before calling UI work done.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium  # noqa: E402
from serve import serve  # noqa: E402

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else Path("site")
    out = Path(argv[1]) if len(argv) > 1 else Path(".cache/screenshots")
    paths = argv[2:] or ["", "search/?q=الكاظمي", "events/"]
    out.mkdir(parents=True, exist_ok=True)
    with serve(site) as url, chromium() as browser:
        for name, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for interface in ("", "en/"):
                for path in paths:
                    page.goto(url + interface + path)
                    page.wait_for_load_state("networkidle")
                    slug = (interface + path).strip("/").replace("/", "_").replace("?", "_") or "home"
                    target = out / f"{slug}-{name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
            context.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
