"""Measure the search page on a built site in headless Chromium: time and bytes per query.

    .venv/bin/python scripts/search_benchmark.py SITE_DIR [--base /archive/] [--top 50] [QUERY ...]

SITE_DIR is a built archive (for example the project kept by `scripts/benchmark.py --keep`). The
queries are the given ones, else the `--top` most frequent content words of the archive's articles
(stopwords left out). Each query runs in a fresh browser context (cold cache) on the real search
page served on 127.0.0.1: the page is loaded, then the query typed, and the time until results are
shown and the bytes transferred for the query alone (after the page has loaded) are recorded, with
the bytes of the page load itself and of browsing by one filter. Bytes are response bodies as
served, uncompressed (GitHub Pages would gzip the HTML, JS and JSON; Pagefind's own index files
are gzipped already). Prints a Markdown summary.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import threading
import time
from collections import Counter
from html import unescape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import chromium  # noqa: E402
from serve import _SubPathHandler, serve  # noqa: E402


def frequent_words(site: Path, top: int) -> list[str]:
    from generator.stopwords import STOPWORDS as _STOPWORDS  # the stopword list linking uses
    from generator.search_text import strip_article, tokens

    counts: Counter[str] = Counter()
    for page in (site / "articles").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        body = unescape(re.sub(r"<[^>]+>", " ", html.split('class="article-body">', 1)[-1].split("</div>", 1)[0]))
        counts.update(t for t in tokens(body) if len(strip_article(t)) > 2 and not t.isdigit()
                      and t not in _STOPWORDS)
    return [word for word, _ in counts.most_common(top)]


class Meter:
    """Bytes of response bodies the server sent (Pagefind fetches from a worker, which the page's
    own network events do not show, so they are counted where they leave the server), in all and
    by kind of file (Pagefind's word index, fragments, filters, metadata; everything else)."""

    total = 0
    by_kind: Counter[str] = Counter()
    lock = threading.Lock()

    @classmethod
    def snapshot(cls) -> tuple[int, Counter[str]]:
        with cls.lock:
            return cls.total, Counter(cls.by_kind)


def _kind(path: str) -> str:
    suffix = path.split("?", 1)[0].rsplit(".", 1)[-1]
    return suffix if suffix.startswith("pf_") or suffix == "pagefind" else "other"


class _CountingHandler(_SubPathHandler):
    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        with Meter.lock:
            Meter.total += len(data)
            Meter.by_kind[_kind(self.path)] += len(data)
            Meter.by_kind[_kind(self.path) + " requests"] += 1
        outputfile.write(data)


def counting_server(site_dir: Path, prefix: str):
    return serve(site_dir, prefix, handler_base=_CountingHandler)


def _wait_done(page, timeout_s: float = 120) -> None:
    page.wait_for_selector("#search-status[data-state=done], #search-status[data-state=error]",
                           state="attached", timeout=timeout_s * 1000)


def measure(url: str, browser, query: str | None, filters: str = "") -> dict:
    context = browser.new_context()
    page = context.new_page()
    before, kinds_before = Meter.snapshot()
    page.goto(f"{url}search/")
    page.wait_for_selector("form.search-form[data-ready]", state="attached")
    page.wait_for_load_state("networkidle")
    loaded, kinds_loaded = Meter.snapshot()
    started = time.perf_counter()
    if query is None:
        page.goto(f"{url}search/?{filters}")
    else:
        page.locator("#search-input").fill(query)
        page.locator("#search-input").press("Enter")
    _wait_done(page)
    elapsed = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    status = page.locator("#search-status").inner_text()
    context.close()
    done, kinds_done = Meter.snapshot()
    kinds_done.subtract(kinds_loaded)
    kinds_loaded.subtract(kinds_before)
    by_kind = lambda kinds: {kind: (n if kind.endswith("requests") else round(n / 1024, 1))  # noqa: E731
                             for kind, n in sorted(kinds.items()) if n}
    return {"query": query or filters, "ms": elapsed * 1000, "query_kb": (done - loaded) / 1024,
            "page_kb": (loaded - before) / 1024, "status": status,
            "query_by_kind": by_kind(kinds_done), "page_by_kind": by_kind(kinds_loaded)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--base", default="/", help="the site's base path (as built)")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--filter", default="year=2015", help="a filter-only browse to measure")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("queries", nargs="*")
    args = parser.parse_args(argv)

    queries = args.queries or frequent_words(args.site, args.top)
    rows = []
    with counting_server(args.site, args.base) as url, chromium() as browser:
        measure(url, browser, queries[0])  # warm the server and the disk cache, not the browser
        for query in queries:
            row = measure(url, browser, query)
            rows.append(row)
            print(f"{row['query']}\t{row['ms']:.0f} ms\t{row['query_kb']:.0f} KB\t{row['status']}\t"
                  f"{row['query_by_kind']}", flush=True)
        browse = measure(url, browser, None, args.filter)
        print(f"browse {args.filter}\t{browse['ms']:.0f} ms\t{browse['query_kb']:.0f} KB\t{browse['query_by_kind']}")
    times = [r["ms"] for r in rows]
    sizes = [r["query_kb"] for r in rows]
    print()
    print("| queries | median ms | slowest ms | median KB | largest KB | page load KB | browse by filter ms / KB |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {len(rows)} | {statistics.median(times):.0f} | {max(times):.0f} | {statistics.median(sizes):.0f} | "
          f"{max(sizes):.0f} | {statistics.median(r['page_kb'] for r in rows):.0f} | "
          f"{browse['ms']:.0f} / {browse['query_kb']:.0f} |")
    print(f"page load by kind (KB, requests): {rows[0]['page_by_kind']}")
    slowest = max(rows, key=lambda r: r["ms"])
    print(f"slowest: {slowest['query']} ({slowest['ms']:.0f} ms, {slowest['query_kb']:.0f} KB)")
    if args.json:
        args.json.write_text(json.dumps({"queries": rows, "browse": browse}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
