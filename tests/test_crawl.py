"""Crawl a 200-article archive served under a sub-path: every page reachable from the home pages,
and every link, stylesheet, script, feed and preload they reference, answers without error."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from conftest import copy_project, run_archive
from serve import serve

BASE = "/news/archive/"
CONFIGURED = f"http://127.0.0.1{BASE}"  # the base URL the site is built for (served on another port)
SOURCES = ("reuters", "aljazeera", "bbc-arabic", "alalam")
ARABIC_WORDS = "الحكومة تعلن خطة جديدة لدعم الاقتصاد في المدن والقرى بعد اجتماع الوزراء".split()


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.references: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "a" and attrs.get("rel") == "external"):
                self.references.append(attrs[name])


@pytest.fixture(scope="module")
def archive_site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("crawl") / "project", base_url=CONFIGURED)
    seeds = project / "seeds" / "fixture"
    seeds.mkdir()
    for n in range(200):
        arabic = n % 4 != 0
        words = " ".join(ARABIC_WORDS[(n + i) % len(ARABIC_WORDS)] for i in range(40))
        front = {
            "id": f"crawl-{n:03d}",
            "title": f"خبر رقم {n} عن الاقتصاد" if arabic else f"Report {n} on the economy",
            "date": f"2020-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "date_precision": "day",
            "source": SOURCES[n % len(SOURCES)],
            "language": "ar" if arabic else "en",
        }
        body = f"{words} {n}." if arabic else f"Paragraph {n} about prices, wages and jobs in the region."
        (seeds / f"{n:03d}.md").write_text(
            "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in front.items())
            + f"---\n\n{body}\n", encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0, out + err
    assert "203 articles" in out
    return project / "site"


def test_every_internal_reference_resolves_under_the_sub_path(archive_site):
    with serve(archive_site, BASE) as root:
        origin = root[: -len(BASE)]
        queue, seen, pages, broken = [root, f"{root}en/"], set(), 0, []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    kind = response.headers.get("Content-Type", "")
                    data = response.read()
            except urllib.error.HTTPError as error:
                broken.append(f"{url} ({error.code})")
                continue
            if "text/html" not in kind:
                continue
            pages += 1
            parser = _References()
            parser.feed(data.decode("utf-8"))
            for reference in parser.references:
                target = urldefrag(urljoin(url, reference)).url
                if target.startswith(CONFIGURED):  # canonical, hreflang, feeds: the configured site
                    target = root + target[len(CONFIGURED):]
                if target.startswith(origin):
                    assert urlsplit(target).path.startswith(BASE), f"{url} links outside the base path: {reference}"
                    if target not in seen:
                        queue.append(target)
                else:
                    assert not target.startswith(("http:", "https:", "//")), f"{url} refers outside the site: {target}"
    assert broken == []
    assert pages > 2 * 203  # both interfaces of every article, and the browsing pages


def test_every_page_of_the_200_article_archive_is_valid_html(archive_site):
    from test_html_valid import _vnu_jar

    pages = sorted(archive_site.rglob("*.html"))
    assert len(pages) > 2 * 203
    result = subprocess.run(["java", "-jar", str(_vnu_jar()), "--errors-only", "--format", "gnu", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (result.stderr + result.stdout)[:5000]


class _Security(HTMLParser):
    def __init__(self):
        super().__init__()
        self.csp: list[str] = []
        self.inline_scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(attrs.get("content") or "")
        # Data blocks (JSON, JSON-LD) are never executed; any other inline script would be.
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in ("application/json", "application/ld+json"):
            self.inline_scripts += 1
        self.handlers += [name for name in attrs if name.lower().startswith("on")]


def test_every_page_has_a_strict_content_security_policy_and_no_inline_code(archive_site):
    pages = sorted(archive_site.rglob("*.html"))
    for page in pages:
        parsed = _Security()
        parsed.feed(page.read_text(encoding="utf-8"))
        assert len(parsed.csp) == 1, page
        script_sources = next(d for d in parsed.csp[0].split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources.replace("wasm-unsafe-eval", "")
        assert parsed.inline_scripts == 0, page
        assert parsed.handlers == [], page
