"""generator.content: article files with YAML front matter, machine checksums, idempotent writes."""

from __future__ import annotations

import pytest

from generator.article import Article, Problems
from generator.content import (
    CHECKSUM_KEY,
    ContentError,
    article_path,
    is_machine_written,
    load_articles,
    parse,
    serialise,
    write_article,
)

BODY = (
    "أكد رئيس الوزراء العراقي مصطفى الكاظمي أن الأمن ليس مجرد كلمة نتحدث بها في الإعلام.\n\n"
    "## ردود الفعل\n\n"
    "1\\. دانت الأمم المتحدة \\<التفجير\\> \\*بشدة\\*.\n"
)

ARTICLE = Article(
    id="0e8ff96bc219",
    title="من لا يستطيع حماية المواطنين عليه ان يتنحى من موقعه",
    kicker="رئيس الوزراء العراقي",
    language="ar",
    body=BODY,
    date="2021-01-22T10:42:00+00:00",
    date_precision="minute",
    source="alalam",
    section="العراق",
    event="ev-0e8ff96bc219",
    seed="seeds/002_c645db0d12d9f96d.txt",
    raw_sha256="0e8ff96bc219" + "0" * 52,
)

MINIMAL = "---\nid: abc\ntitle: عنوان\nlanguage: ar\n---\n\nنص\n"


# -- round trip ------------------------------------------------------------------------------------


def test_serialise_then_parse_gives_the_same_article():
    assert parse(serialise(ARTICLE), "x.md") == ARTICLE


@pytest.mark.parametrize("title", [
    "الكاظمي: تفجير بغداد خرق أمني",  # ': ' would start a mapping if unquoted
    "no", "null", "~", "2021-01-22", "123", "#hashtag", "- x", "---", "'quoted'", '"double"',
    "Iraq: 32 dead, 110 hurt", "\u200fعنوان بعلامة اتجاه\u200f",
])
def test_round_trip_survives_yaml_special_values(title):
    article = ARTICLE.with_changes(title=title, kicker=title, section=title)
    assert parse(serialise(article), "x.md") == article


def test_round_trip_with_only_required_fields_and_day_date():
    article = Article(id="a1", title="Title", language="en", body="Text.\n", date="2021-01-22",
                      date_precision="day", date_inferred=True)
    assert parse(serialise(article), "x.md") == article


def test_body_with_a_horizontal_rule_line_survives():
    article = ARTICLE.with_changes(body="first\n\n---\n\nsecond\n")
    assert parse(serialise(article), "x.md").body == "first\n\n---\n\nsecond\n"


def test_serialised_front_matter_lists_fields_in_a_stable_order():
    text = serialise(ARTICLE)
    keys = [line.split(":")[0] for line in text.split("---\n")[1].splitlines()]
    assert keys[:3] == ["id", "title", "kicker"]
    assert keys[-1] == CHECKSUM_KEY
    assert serialise(ARTICLE) == text  # deterministic


def test_unquoted_yaml_date_is_read_as_iso_text():
    text = MINIMAL.replace("language: ar\n", "language: ar\ndate: 2021-01-22\n")
    assert parse(text, "x.md").date == "2021-01-22"


# -- machine checksum ------------------------------------------------------------------------------


def test_untouched_file_is_machine_written():
    assert is_machine_written(serialise(ARTICLE))


def test_editing_one_character_of_the_body_makes_it_hand_edited():
    text = serialise(ARTICLE)
    edited = text.replace("الإعلام", "الاعلام")
    assert edited != text
    assert not is_machine_written(edited)


def test_editing_one_character_of_the_front_matter_makes_it_hand_edited():
    text = serialise(ARTICLE)
    edited = text.replace("section: العراق", "section: العراف")
    assert edited != text
    assert not is_machine_written(edited)


def test_appending_a_newline_makes_it_hand_edited():
    assert not is_machine_written(serialise(ARTICLE) + "\n")


def test_editing_the_checksum_itself_makes_it_hand_edited():
    text = serialise(ARTICLE)
    line = next(line for line in text.splitlines() if line.startswith(CHECKSUM_KEY))
    digit = line[-1]
    edited = text.replace(line, line[:-1] + ("0" if digit != "0" else "1"))
    assert not is_machine_written(edited)


def test_file_without_checksum_is_not_machine_written():
    assert not is_machine_written(MINIMAL)


# -- write_article ---------------------------------------------------------------------------------


def test_write_article_twice_writes_once(tmp_path):
    content = tmp_path / "content"
    assert write_article(content, ARTICLE) is True
    path = article_path(content, ARTICLE.id)
    first = path.read_bytes()

    assert write_article(content, ARTICLE) is False
    assert path.read_bytes() == first
    assert first == serialise(ARTICLE).encode("utf-8")


def test_write_article_rewrites_when_the_article_changes(tmp_path):
    content = tmp_path / "content"
    write_article(content, ARTICLE)
    changed = ARTICLE.with_changes(section="عربي ودولي")
    assert write_article(content, changed) is True
    assert parse(article_path(content, ARTICLE.id).read_text(encoding="utf-8"), "x").section == "عربي ودولي"


def test_write_article_never_replaces_a_file_a_person_edited_even_a_broken_one(tmp_path):
    content = tmp_path / "content"
    write_article(content, ARTICLE)
    path = article_path(content, ARTICLE.id)
    broken = path.read_text(encoding="utf-8").replace("title: ", "title: [", 1)  # an edit that breaks the YAML
    path.write_text(broken, encoding="utf-8")
    assert write_article(content, ARTICLE) is False
    assert path.read_text(encoding="utf-8") == broken
    assert write_article(content, ARTICLE, replace_edited=True) is True  # ingest --force
    assert path.read_bytes() == serialise(ARTICLE).encode("utf-8")


def test_write_article_leaves_no_temporary_file(tmp_path):
    content = tmp_path / "content"
    write_article(content, ARTICLE)
    assert sorted(p.name for p in (content / "articles").iterdir()) == [f"{ARTICLE.id}.md"]


# -- malformed front matter ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected_message"), [
    ("id: abc\ntitle: عنوان\nlanguage: ar\n\nنص\n", "no YAML front matter"),
    ("---\nid: abc\ntitle: عنوان\nlanguage: ar\nنص بلا نهاية للرأس\n", "no YAML front matter"),
    ("---\nid: abc\ntitle: [unclosed\nlanguage: ar\n---\n\nنص\n", "not valid YAML"),
    ("---\n- a\n- b\n---\n\nنص\n", "must be a mapping"),
    ("---\nid: abc\ntitle: عنوان\nlanguage: ar\ntitel: x\n---\n\nنص\n", "unknown front matter key 'titel'"),
    ("---\nid: abc\nlanguage: ar\n---\n\nنص\n", "'title' is required"),
    ("---\nid: abc\ntitle: '   '\nlanguage: ar\n---\n\nنص\n", "'title' is required"),
    ("---\ntitle: عنوان\nlanguage: ar\n---\n\nنص\n", "'id' is required"),
    ("---\nid: 123\ntitle: عنوان\nlanguage: ar\n---\n\nنص\n", "'id' is required"),
    ("---\nid: ../x\ntitle: عنوان\nlanguage: ar\n---\n\nنص\n", "'../x'"),
    ("---\nid: ABC\ntitle: عنوان\nlanguage: ar\n---\n\nنص\n", "lowercase"),
    ("---\nid: abc\ntitle: عنوان\nlanguage: fr\n---\n\nنص\n", "language must be 'ar' or 'en'"),
    ("---\nid: abc\ntitle: عنوان\nlanguage: ar\ndate: '2021-02-31'\n---\n\nنص\n", "2021-02-31"),
    ("---\nid: abc\ntitle: عنوان\nlanguage: ar\ndate: 22/01/2021\n---\n\nنص\n", "ISO 8601"),
    ("---\nid: abc\ntitle: عنوان\nlanguage: ar\nsource: 3\n---\n\nنص\n", "'source' must be text"),
    ("---\nid: abc\ntitle: عنوان\nlanguage: ar\ndate_inferred: maybe\n---\n\nنص\n", "true or false"),
    # events/index.html is the events list's page: no event may take its name
    ("---\nid: abc\ntitle: عنوان\nlanguage: ar\nevent: index\n---\n\nنص\n", "the events list's page"),
], ids=[
    "no-dashes", "unclosed-front-matter", "bad-yaml", "not-a-mapping", "unknown-key", "missing-title",
    "blank-title", "missing-id", "numeric-id", "path-traversal-id", "uppercase-id", "bad-language",
    "quoted-impossible-date", "non-iso-date", "non-text-source", "non-bool-date-inferred", "reserved-event-id",
])
def test_malformed_front_matter_raises_a_helpful_content_error(text, expected_message):
    with pytest.raises(ContentError) as caught:
        parse(text, "content/articles/abc.md")
    assert expected_message in str(caught.value)


_IMPOSSIBLE_DATES = pytest.mark.parametrize("date", ["2021-02-31", "2021-13-01"], ids=["feb-31", "month-13"])


def _with_unquoted_date(date: str) -> str:
    return f"---\nid: abc\ntitle: عنوان\nlanguage: ar\ndate: {date}\n---\n\nنص\n"


@_IMPOSSIBLE_DATES
def test_unquoted_impossible_date_raises_content_error(date):
    """Regression: YAML's own date reading raised a bare ValueError for these."""
    with pytest.raises(ContentError):
        parse(_with_unquoted_date(date), "content/articles/abc.md")


@_IMPOSSIBLE_DATES
def test_unquoted_impossible_date_error_names_the_key_and_value(date):
    with pytest.raises(ContentError) as caught:
        parse(_with_unquoted_date(date), "content/articles/abc.md")
    assert "date" in str(caught.value)
    assert date in str(caught.value)


# -- load_articles ---------------------------------------------------------------------------------


def _store(tmp_path):
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    return tmp_path / "content", articles


def test_load_articles_skips_a_broken_file_and_loads_the_good_one(tmp_path):
    content, folder = _store(tmp_path)
    write_article(content, ARTICLE)
    (folder / "broken.md").write_text("no front matter here\n", encoding="utf-8")
    problems = Problems()

    found = load_articles(content, tmp_path, problems)

    assert list(found) == [ARTICLE.id]
    assert found[ARTICLE.id] == (ARTICLE, True)
    assert len(problems) == 1
    problem = problems.items[0]
    assert problem.severity == "error"
    assert problem.path == "content/articles/broken.md"
    assert "front matter" in problem.message


def test_load_articles_reports_hand_written_files_as_not_machine_written(tmp_path):
    content, folder = _store(tmp_path)
    (folder / "abc.md").write_text(MINIMAL, encoding="utf-8")
    problems = Problems()
    found = load_articles(content, tmp_path, problems)
    assert found["abc"][1] is False
    assert found["abc"][0].body == "نص\n"
    assert len(problems) == 0


def test_load_articles_rejects_a_file_named_differently_from_its_id(tmp_path):
    content, folder = _store(tmp_path)
    (folder / "other-name.md").write_text(MINIMAL, encoding="utf-8")
    problems = Problems()
    assert load_articles(content, tmp_path, problems) == {}
    assert problems.items[0].path == "content/articles/other-name.md"
    assert "abc.md" in problems.items[0].message


def test_load_articles_reports_a_file_that_is_not_utf8(tmp_path):
    content, folder = _store(tmp_path)
    (folder / "abc.md").write_bytes(MINIMAL.encode("cp1256"))
    problems = Problems()
    assert load_articles(content, tmp_path, problems) == {}
    assert problems.items[0].severity == "error"
    assert problems.items[0].path == "content/articles/abc.md"


def test_load_articles_without_a_store_is_empty(tmp_path):
    problems = Problems()
    assert load_articles(tmp_path / "content", tmp_path, problems) == {}
    assert len(problems) == 0


def test_load_articles_survives_a_file_with_an_impossible_unquoted_date(tmp_path):
    """Regression: the ValueError from YAML used to abort the whole ingest/build."""
    content, folder = _store(tmp_path)
    write_article(content, ARTICLE)
    (folder / "abc.md").write_text(MINIMAL.replace("language: ar\n", "language: ar\ndate: 2021-02-31\n"),
                                   encoding="utf-8")
    problems = Problems()
    found = load_articles(content, tmp_path, problems)
    assert list(found) == [ARTICLE.id]
    assert [(p.path, p.severity) for p in problems.items] == [("content/articles/abc.md", "error")]


def test_articles_are_read_at_any_depth_in_path_order_and_a_folder_named_like_one_is_reported(tmp_path):
    content, folder = _store(tmp_path)
    for relative, article_id in (("b/zz.md", "zz"), ("a-b/yy.md", "yy"), ("a/xx.md", "xx")):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(MINIMAL.replace("id: abc", f"id: {article_id}"), encoding="utf-8")
    (folder / "odd.md").mkdir()
    (folder / "notes.txt").write_text("not an article", encoding="utf-8")
    problems = Problems()
    assert list(load_articles(content, tmp_path, problems)) == ["xx", "yy", "zz"]  # a/ before a-b/, as Path orders
    assert [(p.path, p.severity) for p in problems.items] == [("content/articles/odd.md", "error")]


def test_an_article_unchanged_since_its_file_was_written_is_not_serialised_again(tmp_path, monkeypatch):
    import generator.content as content_module
    from generator.content import ArticleWriter
    from generator.file_cache import FileCache

    root = tmp_path
    content = root / "content"
    first = ArticleWriter(content, root)
    assert first.write(ARTICLE) is True
    files: FileCache = FileCache()
    assert ARTICLE.id in load_articles(content, root, Problems(), cache=files)  # the next build reads the file
    serialised = []
    real = content_module.serialise
    monkeypatch.setattr(content_module, "serialise", lambda article: serialised.append(article.id) or real(article))
    again = ArticleWriter(content, root, files, first.table)
    assert again.write(ARTICLE) is False and serialised == []          # known by its digest and the file's
    assert again.write(ARTICLE.with_changes(section="اقتصاد")) is True and serialised == [ARTICLE.id]


def test_many_articles_are_written_by_two_processes_as_by_one(tmp_path, monkeypatch):
    import os

    import generator.content as content_module
    from generator.content import ArticleWriter

    monkeypatch.setattr(content_module, "FORKED_WRITING_MIN", 4)  # (a first build's thousands, in small)
    articles = [ARTICLE.with_changes(id=f"{number:012x}", title=f"عنوان {number}") for number in range(9)]
    edited = articles[1].id  # a file a person edited: in the half the forked process writes
    writers = []
    real = content_module.serialise
    monkeypatch.setattr(content_module, "serialise", lambda article: writers.append(os.getpid()) or real(article))
    results = {}
    for jobs in (1, 2):
        content = tmp_path / f"content-{jobs}"
        write_article(content, articles[1])
        path = article_path(content, edited)
        path.write_text(path.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
        writer = ArticleWriter(content, tmp_path)
        writers.clear()
        written = writer.write_all(articles, jobs=jobs)
        results[jobs] = (written, writer.table, {p.name: p.read_bytes() for p in (content / "articles").iterdir()})
        assert written == [article.id for article in articles if article.id != edited]  # in order
        # (what the forked process serialises is not counted here)
        assert writers == [os.getpid()] * (len(articles) - (len(articles) // 2 if jobs == 2 else 0))
    assert results[1] == results[2]
    assert sorted(results[2][2]) == sorted(f"{article.id}.md" for article in articles)  # no temporary file left


def test_a_write_that_fails_in_the_forked_process_fails_the_build_with_its_message(tmp_path, monkeypatch):
    import generator.content as content_module
    from generator.content import ArticleWriter

    monkeypatch.setattr(content_module, "FORKED_WRITING_MIN", 4)
    articles = [ARTICLE.with_changes(id=f"{number:012x}") for number in range(8)]
    content = tmp_path / "content"
    target = article_path(content, articles[0].id)
    target.with_name(f".{target.name}.tmp").mkdir(parents=True)  # where the first file is written first, a folder
    with pytest.raises(ContentError, match=f"cannot write .*{articles[0].id}.md"):
        ArticleWriter(content, tmp_path).write_all(articles, jobs=2)


def test_a_write_that_fails_in_the_build_s_half_lets_the_forked_half_finish_its_files(tmp_path, monkeypatch):
    import generator.content as content_module
    from generator.content import ArticleWriter

    monkeypatch.setattr(content_module, "FORKED_WRITING_MIN", 4)
    articles = [ARTICLE.with_changes(id=f"{number:012x}") for number in range(8)]
    content = tmp_path / "content"
    target = article_path(content, articles[4].id)  # the first of the build's own half
    target.with_name(f".{target.name}.tmp").mkdir(parents=True)
    with pytest.raises(ContentError, match=f"cannot write .*{articles[4].id}.md"):
        ArticleWriter(content, tmp_path).write_all(articles, jobs=2)
    names = sorted(path.name for path in (content / "articles").iterdir())
    assert names == sorted([f"{article.id}.md" for article in articles[:4]] + [f".{target.name}.tmp"])


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_next_build_reads_the_files_written_without_parsing_them(tmp_path, monkeypatch, jobs):
    import generator.content as content_module
    from generator.content import ArticleWriter
    from generator.file_cache import FileCache

    monkeypatch.setattr(content_module, "FORKED_WRITING_MIN", 4)  # (with jobs=2, a forked half)
    root, content = tmp_path, tmp_path / "content"
    articles = [ARTICLE.with_changes(id=f"{number:012x}", title=f"عنوان {number}") for number in range(8)]
    edited = articles[5].id
    write_article(content, articles[5].with_changes(title="قديم"))
    path = article_path(content, edited)
    path.write_text(path.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    files: FileCache = FileCache()
    load_articles(content, root, Problems(), cache=files)  # (the build reads the store first)
    writer = ArticleWriter(content, root, files)
    assert writer.write_all(articles[:7], jobs=jobs) == [a.id for a in articles[:7] if a.id != edited]
    assert writer.write(articles[7]) is True

    parsed = []
    real = content_module._parse_file
    monkeypatch.setattr(content_module, "_parse_file", lambda data, shown: parsed.append(shown) or real(data, shown))
    loaded = load_articles(content, root, Problems(), cache=FileCache(files.entries()))
    assert parsed == []  # each checked by its bytes (being new), none parsed
    assert loaded == {a.id: (a, True) for a in articles if a.id != edited} | \
        {edited: (parse(path.read_text(encoding="utf-8"), "x"), False)}  # the edited file as it is
    path.write_text(serialise(articles[5]), encoding="utf-8")  # changed since: parsed again
    assert load_articles(content, root, Problems(), cache=FileCache(files.entries()))[edited] == (articles[5], True)
    assert parsed == [f"content/articles/{edited}.md"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_written_are_trusted_by_their_status_once_recorded_a_moment_after(tmp_path, monkeypatch, jobs):
    """Recorded at once, a file just written is racily clean and checked by its bytes; recorded
    later (a build saves its caches long after it writes the content), by its status alone."""
    import generator.content as content_module
    import generator.file_cache as file_cache
    from generator.content import ArticleWriter
    from generator.file_cache import FileCache, file_status

    monkeypatch.setattr(content_module, "FORKED_WRITING_MIN", 4)  # (with jobs=2, a forked half)
    root, content = tmp_path, tmp_path / "content"
    articles = [ARTICLE.with_changes(id=f"{number:012x}", title=f"عنوان {number}") for number in range(8)]
    files: FileCache = FileCache()
    writer = ArticleWriter(content, root, files)
    assert len(writer.write_all(articles, jobs=jobs)) == len(articles)
    names = {article.id: f"content/articles/{article.id}.md" for article in articles}
    at_once = files.entries()
    assert all(at_once[name].stat is None for name in names.values())
    monkeypatch.setattr(file_cache, "_RACY_SECONDS", 0.0)  # (as if recorded long after the writes)
    later = files.entries()
    assert all(later[names[a.id]].stat == file_status(article_path(content, a.id)) for a in articles)
    digested = []
    real = file_cache.bytes_digest
    monkeypatch.setattr(file_cache, "bytes_digest", lambda data: digested.append(data) or real(data))
    assert load_articles(content, root, Problems(), cache=FileCache(later)) == {a.id: (a, True) for a in articles}
    assert digested == []  # not one read
    assert load_articles(content, root, Problems(), cache=FileCache(at_once)) == {a.id: (a, True) for a in articles}
    assert len(digested) == len(articles)  # each read and checked by its bytes
    path = article_path(content, articles[3].id)
    path.write_text(serialise(articles[3].with_changes(title="تغير")), encoding="utf-8")  # changed since
    assert load_articles(content, root, Problems(), cache=FileCache(later))[articles[3].id][0].title == "تغير"


def test_an_event_file_named_for_the_events_list_s_page_is_reported_and_ignored(tmp_path):
    from generator.curated_events import load_curated_events

    events = tmp_path / "content" / "events"
    events.mkdir(parents=True)
    (events / "index.toml").write_text('title_en = "Taken"\n', encoding="utf-8")
    (events / "ev-a.toml").write_text('merge_into = "index"\n', encoding="utf-8")
    (events / "ev-b.toml").write_text('title_en = "Kept"\n', encoding="utf-8")
    problems = Problems()
    curated = load_curated_events(tmp_path / "content", tmp_path, problems)
    assert sorted(curated) == ["ev-b"]
    reported = {problem.path: problem.message for problem in problems.items}
    assert "the events list's page" in reported["content/events/index.toml"]
    assert "must be another event's id" in reported["content/events/ev-a.toml"]
