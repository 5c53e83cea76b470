"""The content store: one Markdown file with YAML front matter per article under content/articles/.

Files the generator wrote carry a `machine_checksum` of their own text. A file whose text no
longer matches it was edited by a person and is never overwritten; a file without one was written
by a person from the start. Writing is skipped when the bytes would not change, so running ingest
twice changes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import fields
from pathlib import Path
from typing import Container

import yaml

from generator import parallel
from generator.article import (CURATED_FIELDS, FRONT_MATTER_FIELDS, RESERVED_EVENT_IDS, Article, Problems,
                               article_digest, is_valid_id, is_web_address, parse_iso_date)
from generator.file_cache import FileCache, bytes_digest, file_status

ARTICLES_DIRNAME = "articles"
FORKED_WRITING_MIN = 2000  # files to serialise from which two processes write them (fork: ~0.1 s)
CHECKSUM_KEY = "machine_checksum"
_CHECKSUM_LINE = re.compile(rf"^{CHECKSUM_KEY}: [0-9a-f]+\n", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n?(.*)\Z", re.DOTALL)
_ARTICLE_FIELDS = {f.name: f for f in fields(Article)}
_OPTIONAL_STR_FIELDS = {name for name in (*FRONT_MATTER_FIELDS, *CURATED_FIELDS)
                        if name not in ("id", "title", "language", "date_inferred")}


class ContentError(Exception):
    pass


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _FrontMatterLoader(_BaseLoader):
    """Safe YAML that keeps dates as text, so a bad date is reported against its key."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _checksum(text_without_checksum: str) -> str:
    return hashlib.sha256(text_without_checksum.encode("utf-8")).hexdigest()[:16]


def serialise(article: Article) -> str:
    """The file text for a generator-written article, checksum included."""
    meta = {name: getattr(article, name) for name in FRONT_MATTER_FIELDS}
    meta.update({name: getattr(article, name) for name in CURATED_FIELDS if getattr(article, name)})
    front = yaml.dump(meta, Dumper=_BaseDumper, allow_unicode=True, sort_keys=False, width=10_000)
    unsigned = f"---\n{front}---\n\n{article.body}"
    return f"---\n{front}{CHECKSUM_KEY}: {_checksum(unsigned)}\n---\n\n{article.body}"


def is_machine_written(text: str) -> bool:
    """True when `text` is exactly what the generator wrote (no person has edited it since)."""
    match = _CHECKSUM_LINE.search(text)
    if not match:
        return False
    stored = match.group(0).split(": ")[1].strip()
    return _checksum(text[: match.start()] + text[match.end():]) == stored


def parse(text: str, path: str) -> Article:
    """Parse an article file, validating its front matter. Raises ContentError naming the problem."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise ContentError("no YAML front matter (the file must start with a '---' line)")
    try:
        meta = yaml.load(match.group(1), Loader=_FrontMatterLoader) or {}
    except yaml.YAMLError as error:
        raise ContentError(f"front matter is not valid YAML: {error}".replace("\n", " ")) from None
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of keys to values")
    meta.pop(CHECKSUM_KEY, None)
    unknown = sorted(set(meta) - set(FRONT_MATTER_FIELDS) - set(CURATED_FIELDS))
    if unknown:
        raise ContentError(f"unknown front matter key {unknown[0]!r}")
    for key in ("id", "title", "language"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise ContentError(f"front matter key {key!r} is required and must be text")
    if not is_valid_id(meta["id"]):
        raise ContentError(f"id {meta['id']!r} must be lowercase letters, digits and '-' (it is a URL segment)")
    if meta["language"] not in ("ar", "en"):
        raise ContentError(f"language must be 'ar' or 'en', got {meta['language']!r}")
    for key in _OPTIONAL_STR_FIELDS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise ContentError(f"front matter key {key!r} must be text, got {value!r}")
    if meta.get("source_url") is not None and not is_web_address(meta["source_url"]):
        raise ContentError(f"source_url {meta['source_url']!r} must be an http or https address")
    if meta.get("event") is not None and not is_valid_id(meta["event"]):
        raise ContentError(f"event {meta['event']!r} must be lowercase letters, digits and '-' (it is a URL segment)")
    if meta.get("event") in RESERVED_EVENT_IDS:
        raise ContentError(f"event {meta['event']!r} is the name of the events list's page; choose another id")
    if not isinstance(meta.get("date_inferred", False), bool):
        raise ContentError("front matter key 'date_inferred' must be true or false")
    if meta.get("date"):
        if parse_iso_date(meta["date"]) is None:
            raise ContentError(f"date {meta['date']!r} is not an ISO 8601 date such as 2021-01-22 or 2021-01-22T10:42:00+00:00")
    meta.setdefault("date_inferred", False)
    return Article(body=match.group(2).lstrip("\n"), **{k: v for k, v in meta.items() if k in _ARTICLE_FIELDS})


def article_path(content_dir: Path, article_id: str) -> Path:
    return content_dir / ARTICLES_DIRNAME / f"{article_id}.md"


def load_articles(content_dir: Path, root: Path, problems: Problems,
                  cache: FileCache | None = None) -> dict[str, tuple[Article, bool]]:
    """All articles in the store: id -> (article, machine_written). Broken files are reported and
    skipped. With `cache`, a file unchanged since the build that filled it is not parsed again."""
    found: dict[str, tuple[Article, bool]] = {}
    folder = content_dir / ARTICLES_DIRNAME
    if not folder.is_dir():
        return found
    cache = cache if cache is not None else FileCache()
    # Names as strings: a Path for each of 31k files, made and sorted, cost a rebuild about a second.
    base = _relative(folder, root)
    for relative in _markdown_files(str(folder)):
        shown = f"{base}/{relative}"
        try:
            article, machine_written = cache.get(os.path.join(folder, relative), shown, None,
                                                 lambda data: _parse_file(data, shown))
        except (ContentError, UnicodeDecodeError, OSError) as error:
            problems.error(shown, f"{error}; the file is left as it is and skipped")
            continue
        if relative.rpartition("/")[2][:-len(".md")] != article.id:
            problems.error(shown, f"file name must be its id ({article.id}.md); skipped")
            continue
        found[article.id] = (article, machine_written)
    return found


def _markdown_files(folder: str) -> list[str]:
    """The .md files under `folder` at any depth, relative, "/"-separated, in the order of their
    path segments (and folders named so: reading one is reported as the error it is)."""
    found = []
    for parent, folders, files in os.walk(folder):
        inner = os.path.relpath(parent, folder).replace(os.sep, "/")
        prefix = "" if inner == "." else inner + "/"
        found += [prefix + name for name in (*files, *folders) if name.endswith(".md")]
    return sorted(found, key=lambda relative: relative.split("/"))


def _parse_file(data: bytes, shown: str) -> tuple[Article, bool]:
    text = data.decode("utf-8-sig")  # editors on Windows may add a BOM
    return parse(text, shown), is_machine_written(text)


def write_article(content_dir: Path, article: Article, replace_edited: bool = False) -> bool:
    """Write a generator-owned article file if its bytes change. Returns True when written."""
    return ArticleWriter(content_dir, content_dir).write(article, replace_edited)


class ArticleWriter:
    """Writes generator-owned article files, each only when its bytes change.

    A file that a person wrote or edited is never replaced, even one too broken to read (which the
    build skips and reports), unless `replace_edited` (`ingest --force`).

    Serialising costs more than comparing, so the writer keeps a table (article_digest of an article
    -> digest of the file made of it) between builds: with the digest of a file's bytes now
    (from the cache that loaded it), an article unchanged since it was written is not serialised.
    """

    def __init__(self, content_dir: Path, root: Path, files: FileCache | None = None,
                 table: dict[str, str] | None = None):
        self.content_dir = content_dir
        self.root = root  # the files' names in `files` are relative to it
        self._files = files
        self._previous = table if isinstance(table, dict) else {}
        self.table: dict[str, str] = {}   # this build's entries, to keep for the next one
        # The files' names in `files`, made as strings: a Path per article cost 0.8 s of a 31k rebuild.
        self._folder_name = _relative(content_dir / ARTICLES_DIRNAME, root)

    def write(self, article: Article, replace_edited: bool = False) -> bool:
        return bool(self.write_all([article], {article.id} if replace_edited else frozenset()))

    def _remember(self, article: Article, digest: str, stat: tuple[int, int, int, int] | None) -> None:
        """A file just written holds what parsing it would give back: `article`, machine-written
        (a round trip the tests keep exact)."""
        if self._files is not None:
            self._files.put(f"{self._folder_name}/{article.id}.md", None, digest, (article, True), stat)

    def write_all(self, articles: list[Article], replace_edited: Container[str] = frozenset(),
                  jobs: int = 1) -> list[str]:
        """Write each article (`replace_edited`: the ids of those whose edited files are replaced);
        returns the ids of those written, in the order given. When there are many to serialise (a
        first build's 31k: 7.7 s, with the other core idle) and `jobs` > 1, a forked process writes
        the first half while this one writes the second."""
        pending = [article for article in articles if not self._unchanged(article)]
        half = len(pending) // 2 if jobs > 1 and len(pending) >= FORKED_WRITING_MIN else 0
        with parallel.ForkedCall(self._write_some, pending[:half], replace_edited, fork=half > 0) as first:
            try:
                table, written = self._write_some(pending[half:], replace_edited)
            except Exception:
                with contextlib.suppress(Exception):
                    first.result()  # the forked half ends its writes, leaving no temporary file behind
                raise
            table_first, written_first = first.result()
        self.table.update(table_first)
        self.table.update(table)
        done = dict(written_first + written)  # id -> the file's status as written
        for article in pending:
            if article.id in done:
                self._remember(article, self.table[article_digest(article)], done[article.id])
            else:
                self._hold(article)
        return [article_id for article_id, _ in written_first + written]

    def _hold(self, article: Article) -> None:
        """When the article's file holds what this writer makes of it, the cache's value for the
        file is `article` itself, not another article equal to it (read from the file: a body
        string apart from its seed's; see build._settled)."""
        if self._files is None:
            return
        name = f"{self._folder_name}/{article.id}.md"
        cached = self._files.value(name)
        if cached is not None and cached[0] is not article and \
                self._files.digest(name) == self.table.get(article_digest(article)):
            self._files.renew(name, (article, True))

    def _unchanged(self, article: Article) -> bool:
        """The article's file is as this writer made it of the same article (the table says so)."""
        source = article_digest(article)
        now = self._files.digest(f"{self._folder_name}/{article.id}.md") if self._files else None
        if now is not None and self._previous.get(source) == now:
            self.table[source] = now
            self._hold(article)
            return True
        return False

    def _write_some(self, articles: list[Article], replace_edited: Container[str]) \
            -> tuple[dict[str, str], list[tuple[str, tuple[int, int, int, int] | None]]]:
        """The digests of the files made of the articles, and the ids of those written with their
        files' status as soon as each was written."""
        table, written = {}, []
        for article in articles:
            done, table[article_digest(article)] = self._write(article, article.id in replace_edited)
            if done:
                try:
                    stat = file_status(article_path(self.content_dir, article.id))
                except OSError:
                    stat = None  # (checked by its bytes next time)
                written.append((article.id, stat))
        return table, written

    def _write(self, article: Article, replace_edited: bool) -> tuple[bool, str]:
        """Whether the article's file was written, and the digest of the bytes made of it."""
        path = article_path(self.content_dir, article.id)
        text = serialise(article)
        data = text.encode("utf-8")
        digest = bytes_digest(data)
        if path.exists():
            existing = path.read_bytes()
            if existing == data:
                return False, digest
            if not replace_edited and not is_machine_written(existing.decode("utf-8", errors="replace")):
                return False, digest
        temporary = path.with_name(f".{path.name}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)  # never leave a half-written article behind
        except OSError as error:  # a full or read-only disk: stop with a clear message, leave no debris
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise ContentError(f"cannot write {path}: {error.strerror or error}") from None
        return True, digest


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
