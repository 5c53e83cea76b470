"""Bad input, one row per case, through the real `archive build`.

Each case is a real file: under tests/fixtures/bad_input/cases/ (laid out as in a project), or
made at test time when it is binary or huge, or when its awkward name is better not committed (the
text of those is in bad_input/renamed/). A small project of good articles
(bad_input/good/: three seeds and one hand-written article, no warnings) is built once; then every
case is dropped into a copy of it and the copy is built again, plainly and with --strict. Every
row checks the same things against that build:

1. the build finishes: exit 0, and 3 (warnings) under --strict, where the good project alone
   exits 0 under --strict;
2. exactly one line of the output is about the row's file (and record), and it is the row's
   line, severity and problem; an input that is no problem (an encoding decoded by evidence, markup in
   the text, an awkward file name) has no line at all and its article is built;
3. every good article's page is in site/;
4. content/ keeps every byte it had (the row's own file included); the build only adds
   content/articles/<id>.md for articles read from seeds/;
5. no page or feed carries markup from the input: no inline script, no event handler, no
   `javascript:` address, no element or comment made from article text, which is shown as text.

The unknown configuration key stops the build before anything is read (configuration errors exit
1, as documented), and the 20 MB line would slow every row down; each has a build of its own.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import FIXTURES, PROJECT, run_archive

BAD_INPUT = FIXTURES / "bad_input"
SUPPORTED = ".csv, .json, .jsonl, .markdown, .md, .ndjson, .text, .txt"
LEFT_AS_IT_IS = "the file is left as it is and skipped"


@dataclass(frozen=True)
class Case:
    name: str
    path: str                     # the file, relative to the project
    severity: str | None          # "error" (skipped), "warning" (built), None (no problem: built, no line)
    message: str = ""             # the problem as printed; "…" stands for any text
    record: str | None = None     # the record of a dump
    shows: tuple[str, ...] = ()   # what its article's pages must show, as text
    built: bool | None = None     # whether an article of its own is built (default: unless an error)
    title: str | None = None      # a dump record's title, to find its article among the file's
    same_as: str | None = None    # the file it duplicates, whose article must not change

    @property
    def where(self) -> str:
        return f"{self.path} (record {self.record})" if self.record else self.path

    @property
    def expected_line(self) -> re.Pattern[str]:
        return re.compile(".+".join(re.escape(part) for part in f"{self.severity}: {self.where}: {self.message}".split("…")))

    def names(self, line: str) -> bool:
        """Whether `line` is about this file (and record): a problem line starts with where it is."""
        return line.startswith((f"warning: {self.where}: ", f"error: {self.where}: "))

    @property
    def has_article(self) -> bool:
        return self.built if self.built is not None else self.severity != "error"


NAMED_AWKWARDLY = {  # made at test time from bad_input/renamed/
    "seeds/aljazeera/file with spaces.txt": "spaces.txt",
    "seeds/aljazeera/مقال باسم عربي.txt": "arabic.txt",
    "seeds/aljazeera/..dots..txt": "dots.txt",
    "seeds/aljazeera/-leading-dash.txt": "dash.txt",
    "seeds/aljazeera/" + "x" * 246 + ".txt": "long.txt",  # 250 characters
}
DUPLICATE = "seeds/reuters/floods (1).txt"  # downloaded twice; sorts before seeds/reuters/floods.txt
HOSTILE_SHOWN = ('<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "[رابط](javascript:alert(1))",
                 "{{ config }}", "{% if x %}", "<!-- تعليق -->", '<a href="javascript:alert(2)">رابط</a>',
                 "# ليس عنواناً", "> ليس اقتباساً و*ليس مائلاً*")
JSONL = "seeds/dumps/records.jsonl"

CASES = [
    Case("empty file", "seeds/aljazeera/empty.txt", "error", "empty file (no text); skipped"),
    Case("whitespace only", "seeds/aljazeera/whitespace-only.txt", "error", "empty file (no text); skipped"),
    Case("byte-order and direction marks only", "seeds/aljazeera/marks-only.txt", "error", "empty file (no text); skipped"),
    Case("image", "seeds/aljazeera/image.png", "warning", f"unsupported file type '.png'; skipped (supported: {SUPPORTED})",
         built=False),
    Case("image saved as text", "seeds/aljazeera/image-saved-as-text.txt", "error", "looks like a binary file, not text; skipped"),
    Case("invalid UTF-8", "seeds/aljazeera/invalid-utf8.txt", "error",
         "not valid UTF-8 (byte 0xff at offset 56) and not recognisably Windows-1256; re-save it as UTF-8; skipped"),
    Case("Latin-1", "seeds/aljazeera/latin-1.txt", "error",
         "not valid UTF-8 (byte 0xe9 at offset 3) and not recognisably Windows-1256; re-save it as UTF-8; skipped"),
    Case("Windows-1256 Arabic", "seeds/aljazeera/windows-1256.txt", None,
         shows=("وزارة التعليم تعلن نتائج الامتحانات", "وبلغت نسبة النجاح ثمانين في المئة.")),
    Case("UTF-16 Arabic", "seeds/aljazeera/utf-16.txt", None, shows=("افتتاح معرض الكتاب الدولي في العاصمة",)),
    Case("UTF-16 without a byte-order mark", "seeds/aljazeera/utf-16-without-bom.txt", "error",
         "looks like UTF-16 text without a byte-order mark; re-save it as UTF-8 (or as UTF-16 with a byte-order "
         "mark); skipped"),
    Case("markup, Markdown and Jinja in the text", "seeds/aljazeera/hostile-markup.txt", None, shows=HOSTILE_SHOWN),
    Case("markup in front matter", "seeds/hostile-front-matter.md", None,
         shows=("<script>alert(1)</script> Title with markup", "<img src=x onerror=alert(1)>",
                "<b onmouseover=alert(1)>Author</b>", "{{ 7*7 }}", '<script>alert("body")</script>',
                "[a link](javascript:alert(1))")),
    *(Case(f"file name: {label}", path, None) for label, path in zip(
        ("spaces", "Arabic letters", "dots", "leading dash", "250 characters"), NAMED_AWKWARDLY)),
    Case("the same article under two names", DUPLICATE, "warning",
         "same article as seeds/reuters/floods.txt (id …); kept that one", built=False,
         same_as="seeds/reuters/floods.txt"),
    Case("two articles with the same title (1)", "seeds/aljazeera/same-title-1.txt", None,
         shows=("انقطعت الكهرباء عن الأحياء الشمالية",)),
    Case("two articles with the same title (2)", "seeds/aljazeera/same-title-2.txt", None,
         shows=("انقطعت الكهرباء مرة ثانية",)),
    Case("impossible date", "seeds/aljazeera/impossible-date.txt", "warning",
         "date line '31/02/2021' is not a real date; the article has no date"),
    Case("impossible date in words", "seeds/aljazeera/impossible-date-in-words.txt", "warning",
         "date line 'الأحد 31 فبراير 2021' is not a real date; the article has no date"),
    Case("impossible date in curated Markdown", "seeds/impossible-date.md", "error",
         "date '2021-02-31' is not an ISO 8601 date such as 2021-01-22 or 2021-01-22T10:42:00+00:00; skipped"),
    Case("two curated articles with one id (1)", "seeds/same-id-1.md", None,
         shows=("The first of two different articles that an archivist gave the same id.",)),
    Case("two curated articles with one id (2)", "seeds/same-id-2.md", "error",
         "id same-id is already used by seeds/same-id-1.md, a different article; skipped"),
    Case("javascript: address in curated Markdown", "seeds/javascript-url.md", "error",
         "source_url 'javascript:alert(1)' must be an http or https address; skipped"),
    Case("event id leaving the site in curated Markdown", "seeds/unsafe-event.md", "error",
         "event '../../../tmp/x' must be lowercase letters, digits and '-' (it is a URL segment); skipped"),
    Case("dump record", JSONL, None, record="line 1", title="سجل سليم في ملف تفريغ",
         shows=("نص السجل السليم الذي يجب أن يبنى.",)),
    Case("dump record without a body", JSONL, "error", "no body (none of the fields body, content, text); skipped",
         record="line 2"),
    Case("dump record without a title", JSONL, "warning", "no title; the start of the body is used", record="line 3",
         title="سجل بلا عنوان لكن له نص كامل يبدأ بهذه الكلمات."),
    Case("dump record without a date", JSONL, "warning", "no date found in the text or the file path", record="line 4",
         title="سجل بلا تاريخ"),
    Case("dump line that is not JSON", JSONL, "error",
         "not valid JSON: Expecting property name enclosed in double quotes; skipped", record="line 5"),
    Case("dump record that is not an object", JSONL, "error", "is not an object of named fields; skipped",
         record="line 6"),
    Case("dump record without a source", JSONL, "warning",
         "unknown source: the article names no registered outlet (add it to content/sources.toml or put the file in a folder "
         "named after the source id)", record="line 7", title="سجل بلا مصدر"),
    Case("markup in dump fields", JSONL, None, record="line 8", title="<script>alert(1)</script> سجل فيه شيفرة",
         shows=("<script>alert(1)</script> سجل فيه شيفرة", "نص <img src=x onerror=alert(1)> و[رابط](javascript:alert(1))",
                "<b onmouseover=alert(1)>كاتب</b>", "https://www.aljazeera.net/news/?q=<script>")),
    Case("dump record with a javascript: address", JSONL, "warning",
         "url 'javascript:alert(1)' is not a web address (http or https); it is not linked", record="line 9",
         title="سجل عنوانه الأصلي شيفرة", shows=("نص سجل عنوانه الأصلي ليس عنوانا على الشبكة.",)),
    Case("dump record with an impossible date", JSONL, "warning",
         "date '31/02/2021' is not a date this archive can read; the article has no date", record="line 10",
         title="سجل بتاريخ مستحيل"),
    Case("dump record with the id of another", JSONL, "error",
         "id … is already used by seeds/dumps/records.jsonl (record line 1), a different article; skipped",
         record="line 11"),
    Case("dump record twice", JSONL, "warning",
         "same article as seeds/dumps/records.jsonl (record line 1) (id …); kept that one", record="line 12",
         built=False),
    Case("CSV record without a body", "seeds/dumps/records.csv", "error",
         "no body (none of the fields body, content, text); skipped", record="2"),
    Case("CSV record with more cells than columns", "seeds/dumps/records.csv", "error",
         "has more cells than the header has columns; skipped", record="3"),
    Case("JSON dump that is not an array", "seeds/dumps/not-an-array.json", "error",
         "a JSON dump must be an array of article records; skipped"),
    Case("JSON dump that does not parse", "seeds/dumps/broken.json", "error",
         "not valid JSON: Expecting ',' delimiter at line 2, column 1; skipped"),
    Case("front matter: broken YAML", "content/articles/broken-yaml.md", "error",
         f"front matter is not valid YAML: …; {LEFT_AS_IT_IS}"),
    Case("front matter: none", "content/articles/no-front-matter.md", "error",
         f"no YAML front matter (the file must start with a '---' line); {LEFT_AS_IT_IS}"),
    Case("front matter: not a mapping", "content/articles/not-a-mapping.md", "error",
         f"front matter must be a mapping of keys to values; {LEFT_AS_IT_IS}"),
    Case("front matter: unknown key", "content/articles/unknown-key.md", "error",
         f"unknown front matter key 'colour'; {LEFT_AS_IT_IS}"),
    Case("front matter: no title", "content/articles/missing-title.md", "error",
         f"front matter key 'title' is required and must be text; {LEFT_AS_IT_IS}"),
    Case("front matter: file name is not its id", "content/articles/wrong-file-name.md", "error",
         "file name must be its id (another-id.md); skipped"),
    Case("front matter: impossible date", "content/articles/impossible-date.md", "error",
         f"date '2021-02-31' is not an ISO 8601 date such as 2021-01-22 or 2021-01-22T10:42:00+00:00; {LEFT_AS_IT_IS}"),
    Case("front matter: event id leaving the site", "content/articles/unsafe-event.md", "error",
         f"event '../../../tmp/x' must be lowercase letters, digits and '-' (it is a URL segment); {LEFT_AS_IT_IS}"),
    Case("front matter broken in a hand edit of an article from seeds/", "content/articles/856319e1a12f.md", "error",
         f"front matter is not valid YAML: mapping values are not allowed in this context …; {LEFT_AS_IT_IS}"),
    Case("the seed of that article", "seeds/aljazeera/edited-by-hand.txt", None,
         shows=("بدأت البلدية حملة لزراعة ألف شجرة",)),
    Case("front matter: javascript: address", "content/articles/javascript-url.md", "error",
         f"source_url 'javascript:alert(1)' must be an http or https address; {LEFT_AS_IT_IS}"),
    Case("front matter: not UTF-8", "content/articles/not-utf8.md", "error",
         f"'utf-8' codec can't decode byte 0xe9 in position 27: invalid continuation byte; {LEFT_AS_IT_IS}"),
    Case("event file: broken TOML", "content/events/ev-broken.toml", "error",
         "not valid TOML (Invalid value (at line 1, column 13)); ignored"),
    Case("event file: unknown key", "content/events/ev-unknown-key.toml", "error",
         "unknown key 'colour' (known: merge_into, summary_ar, summary_en, title_ar, title_en); ignored"),
]


# -- building ------------------------------------------------------------------------------------

def _png() -> bytes:
    """A real 2x2 PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _articles(project: Path) -> list[dict]:
    return json.loads((project / "site/data/articles.json").read_text(encoding="utf-8"))


def _article_pages(article_id: str) -> list[str]:
    return [f"articles/{article_id}.html", f"en/articles/{article_id}.html"]


@dataclass
class Build:
    project: Path
    code: int | None                  # None when only the --strict build ran
    strict_code: int
    lines: list[str]                  # problems printed by the (first) build
    strict_lines: list[str]           # and by the build under --strict
    content_before: dict[str, bytes]
    content_after: dict[str, bytes]
    articles: list[dict]              # site/data/articles.json


def _good_project(target: Path) -> Path:
    shutil.copytree(BAD_INPUT / "good", target)
    shutil.copytree(PROJECT / "templates", target / "templates")
    return target


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Build:
    """The good project alone, built under --strict: nothing to report."""
    project = _good_project(tmp_path_factory.mktemp("good") / "project")
    content_before = _snapshot(project / "content")
    code, out, err = run_archive(project, "--quiet", "build", "--strict")
    assert (code, err) == (0, ""), out + err
    return Build(project, code, code, [], [], content_before, _snapshot(project / "content"), _articles(project))


def _build_with(project: Path, plain_build_too: bool = True) -> Build:
    content_before = _snapshot(project / "content")
    code = err = None
    if plain_build_too:
        code, _, err = run_archive(project, "--quiet", "build")
    strict_code, _, strict_err = run_archive(project, "--quiet", "build", "--strict")
    return Build(project, code, strict_code, (err or strict_err).splitlines(), strict_err.splitlines(),
                 content_before, _snapshot(project / "content"), _articles(project))


@pytest.fixture(scope="module")
def bad(good, tmp_path_factory) -> Build:
    """Every case at once, in a copy of the built good project."""
    project = tmp_path_factory.mktemp("bad") / "project"
    shutil.copytree(good.project, project)
    shutil.copytree(BAD_INPUT / "cases", project, dirs_exist_ok=True)
    (project / "seeds/aljazeera/image.png").write_bytes(_png())
    (project / "seeds/aljazeera/image-saved-as-text.txt").write_bytes(_png())
    for name, source in NAMED_AWKWARDLY.items():
        shutil.copy(BAD_INPUT / "renamed" / source, project / name)
    shutil.copy(project / "seeds/reuters/floods.txt", project / DUPLICATE)
    return _build_with(project)


# -- checking ------------------------------------------------------------------------------------

_FORBIDDEN_TAGS = {"img", "iframe", "object", "embed", "svg", "math", "style", "base", "frame", "frameset"}
_DATA_BLOCKS = {"application/ld+json", "application/json"}  # never run
_SCRIPT_ADDRESS = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


class _Page(HTMLParser):
    """What a browser would make of a page: its elements' problems, and its visible text."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.text = ""
        self._in_script = False
        self._data_block: str | None = None  # the text of the JSON data block being read
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self._in_body = True
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        self._in_script = tag == "script"
        if tag == "script" and attributes.get("type") in _DATA_BLOCKS:
            self._data_block = ""
        elif tag == "script" and not attributes.get("src"):
            self.problems.append("inline script")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r}")
            if value and _SCRIPT_ADDRESS.match(re.sub(r"[\s\x00-\x1f]", "", value)):
                self.problems.append(f"script address {name}={value!r}")

    def handle_endtag(self, tag):
        self._in_script = False
        if tag == "script" and self._data_block is not None:
            try:  # text such as '</script>' inside would have cut it short
                json.loads(self._data_block)
            except ValueError:
                self.problems.append(f"data block that is not JSON: {self._data_block[:60]!r}")
            self._data_block = None

    def handle_comment(self, data):
        if self._in_body:
            self.problems.append(f"comment <!--{data}-->")

    def handle_data(self, data):
        if self._data_block is not None:
            self._data_block += data
        elif not self._in_script:
            self.text += data


def _read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _site_problems(site: Path) -> list[str]:
    """Every page's and every feed entry's problems, as 'file: problem'."""
    found = []
    for path in sorted(site.rglob("*.html")):
        found += [f"{path.relative_to(site)}: {problem}" for problem in _read_page(path).problems]
    atom = "{http://www.w3.org/2005/Atom}"
    for path in sorted(site.rglob("*.xml")):
        for content in ElementTree.parse(path).getroot().iter(f"{atom}content"):
            if content.get("type") == "html":
                page = _Page()
                page.feed(content.text or "")
                found += [f"{path.relative_to(site)}: {problem}" for problem in page.problems]
    return found


def _article_of(case: Case, build: Build) -> dict:
    matches = [a for a in build.articles if a["seed"] == case.path and case.title in (None, a["title"])]
    return matches[0] if len(matches) == 1 else {}


def check_case(case: Case, build: Build, good: Build) -> None:
    site = build.project / "site"
    # 1. the build finishes; --strict fails it on the warnings
    if build.code is not None:
        assert build.code == 0
    assert build.strict_code == 3
    # 2. one line names the file (and record), and it is the row's line
    naming = [line for line in build.lines if case.names(line)]
    if case.severity is None:
        assert naming == [], f"an input that is no problem is reported: {naming}"
    else:
        assert len(naming) == 1, f"expected one line naming {case.path} {case.record or ''}, got {naming}"
        assert case.expected_line.fullmatch(naming[0]), naming[0]
    # 3. every good article is built
    missing = [page for article in good.articles for page in _article_pages(article["id"]) if not (site / page).is_file()]
    assert missing == []
    # 4. content/ loses nothing; the row's own file, and the article it duplicates, keep every byte
    assert [path for path in build.content_before if path not in build.content_after] == []
    if case.path.startswith("content/"):
        relative = case.path.removeprefix("content/")
        assert build.content_after[relative] == build.content_before[relative]
    if case.same_as:
        original = next(a for a in good.articles if a["seed"] == case.same_as)
        assert next(a for a in build.articles if a["id"] == original["id"]) == original
        relative = f"articles/{original['id']}.md"
        assert build.content_after[relative] == build.content_before[relative]
    # 5. nothing from the input became markup; an article built from the input shows it as text
    if case.has_article:
        article = _article_of(case, build)
        assert article, f"no article built from {case.path} {case.record or ''}"
        for page_path in _article_pages(article["id"]):
            page = _read_page(site / page_path)
            assert page.problems == [], page_path
            for shown in case.shows:
                assert shown in page.text, (page_path, shown)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(case, bad, good):
    check_case(case, bad, good)


# -- what holds for the whole build --------------------------------------------------------------

def test_every_line_of_the_output_belongs_to_one_case(bad):
    reported = [line for line in bad.lines if not any(case.names(line) for case in CASES)]
    assert reported == [], "\n".join(reported)


def test_a_second_build_reports_the_same(bad):
    assert bad.strict_lines == bad.lines


def test_content_keeps_every_byte_and_only_gains_the_articles_read_from_seeds(bad):
    # The search words of the new articles are appended to the recorded ones (search_words.py), and
    # linking's counts, the build's own file, are taken again for an archive grown by more than a quarter.
    grown, counts = "search-words.tsv", "link-statistics.tsv"
    assert bad.content_after[grown].startswith(bad.content_before[grown])
    assert len(bad.content_after[grown]) > len(bad.content_before[grown])
    assert bad.content_after[counts].startswith(bad.content_before[counts][:200])  # the same header
    assert bad.content_after[counts] != bad.content_before[counts]
    assert [path for path, data in bad.content_before.items()
            if path not in (grown, counts) and bad.content_after.get(path) != data] == []
    added = sorted(set(bad.content_after) - set(bad.content_before))
    from_seeds = {f"articles/{a['id']}.md" for a in bad.articles if a["seed"]}
    assert [path for path in added if path not in from_seeds] == []


def test_the_page_check_sees_markup_that_would_run():
    page = _Page()
    page.feed('<body><p>text</p><script>x()</script><img src=x onerror="y()"><a href=" java\tscript:z()">a</a>'
              '<!-- c --><script type="application/ld+json">{"a": "</script>"}</script></body>')
    assert page.problems == ["inline script", "<img> element",
                             "event handler onerror='y()'", "script address href=' java\\tscript:z()'",
                             "comment <!-- c -->", "data block that is not JSON: '{\"a\": \"'"]
    assert page.text == 'texta"}'  # what the cut-short data block left as text


def test_no_page_or_feed_carries_markup_from_the_input(good, bad):
    assert _site_problems(good.project / "site") == []  # the templates alone pass the check
    problems = _site_problems(bad.project / "site")
    assert problems == [], "\n".join(problems)


def test_every_output_path_stays_inside_the_site(bad):
    site = (bad.project / "site").resolve()
    assert [p for p in site.rglob("*") if not p.resolve().is_relative_to(site)] == []
    assert sorted(p.name for p in bad.project.iterdir()) == ["archive.toml", "content", "seeds", "site", "site.state",
                                                              "site.versions", "templates"]


def test_awkwardly_named_files_are_published_under_their_article_id(bad):
    for path in NAMED_AWKWARDLY:
        article = next(a for a in bad.articles if a["seed"] == path)
        raw = bad.project / f"site/raw/{article['id']}.txt"
        assert raw.read_bytes() == (bad.project / path).read_bytes()


# -- cases with a build of their own -------------------------------------------------------------

def test_unknown_config_key_stops_the_build_and_keeps_the_previous_site(good, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(good.project, project)
    config = project / "archive.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'titel = "typo"\n', encoding="utf-8")
    site_before, content_before = _snapshot(project / "site"), _snapshot(project / "content")
    for strict in ((), ("--strict",)):
        code, out, err = run_archive(project, "--quiet", "build", *strict)
        assert (code, out) == (1, "")  # configuration errors exit 1, with or without --strict
        assert err.splitlines() == ["archive: error: archive.toml: site.titel: unknown key "
                                    "(known keys: title_ar, title_en, base_url, default_language)"]
    assert _snapshot(project / "site") == site_before  # every good article's page is still there
    assert _snapshot(project / "content") == content_before


@pytest.mark.slow
def test_a_20_megabyte_single_line(good, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(good.project, project)
    (project / "seeds/aljazeera/2021-03-21-one-line.txt").write_text("كلمة طويلة، " * 1_750_000, encoding="utf-8")
    assert (project / "seeds/aljazeera/2021-03-21-one-line.txt").stat().st_size > 20_000_000
    build = _build_with(project, plain_build_too=False)  # each build of it takes a while
    case = Case("20 MB single line", "seeds/aljazeera/2021-03-21-one-line.txt", "warning",
                "no title line (the first line is a whole paragraph); its first words are used as the title",
                shows=("كلمة طويلة، كلمة طويلة،",))
    check_case(case, build, good)
    assert build.lines == [f"warning: {case.path}: {case.message}"]
