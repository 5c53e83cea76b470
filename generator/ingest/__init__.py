"""Ingest: raw files under seeds/ -> cleaned articles with metadata (nothing is written here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from generator.article import Article, Problems
from generator.ingest.decode import DecodeError, decode_bytes
from generator.config import DEFAULT_DUMP_FIELDS, DumpFieldsConfig
from generator import parallel
from generator.file_cache import FileCache, bytes_digest
from generator.ingest.readers import READERS, RawFile, ReadArticle, ReadContext
from generator.sources import SourceRegistry


@dataclass
class IngestResult:
    articles: list[Article]
    problems: Problems
    files_read: int


# Files that operating systems and tools leave behind; anything else is read or reported.
_SYSTEM_JUNK = {".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep", ".gitignore"}


def _is_input(path: Path, seeds_dir: Path) -> bool:
    parts = path.relative_to(seeds_dir).parts
    return (path.is_file() and path.name not in _SYSTEM_JUNK and not path.name.startswith("._")
            and not any(part.startswith(".") for part in parts[:-1]))  # .git/ and the like


def _seed_files(seeds_dir: Path) -> list[Path]:
    # Sorted so that reports, and which of two identical files wins, never depend on the file system.
    return sorted((p for p in seeds_dir.rglob("*") if _is_input(p, seeds_dir)),
                  key=lambda p: p.relative_to(seeds_dir).as_posix())


def ingest_seeds(seeds_dir: Path, root: Path, registry: SourceRegistry,
                 on_file: Callable[[], None] | None = None,
                 dump_fields: DumpFieldsConfig | None = None,
                 cache: FileCache | None = None,
                 recorded_seeds: Mapping[str, str] | None = None, jobs: int = 1) -> IngestResult:
    """Read every seed file. With `cache`, a file unchanged since the build that filled it (and
    read with the same sources and dump fields) is not read again. An article found in two files
    is kept from the one `recorded_seeds` (article id -> seed path) names, so that filing a copy
    never changes an archived article; failing that, from the first file in path order.
    With `jobs` > 1, files to read are read in that many processes (a file at a time each)."""
    recorded_seeds = recorded_seeds or {}
    problems = Problems()
    dump_fields = dump_fields or DEFAULT_DUMP_FIELDS
    cache = cache if cache is not None else FileCache()
    reading = (repr(registry), repr(dump_fields))
    articles: dict[str, Article] = {}
    read_from: dict[str, tuple[str, str | None]] = {}  # article id -> the file and record it was read from
    files = _seed_files(seeds_dir) if seeds_dir.is_dir() else []
    shown_names = {path: path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
                   for path in files}
    ahead = _read_ahead([p for p in files if not cache.is_unchanged(p, shown_names[p], reading)],
                        shown_names, seeds_dir, registry, dump_fields, jobs)

    def read(data: bytes, path: Path, shown: str) -> tuple[list[ReadArticle], Problems]:
        found = ahead.pop(path, None)
        if found is not None and found[0] == bytes_digest(data):
            return found[1]
        return _read_file(data, path, shown, seeds_dir, registry, dump_fields)

    for path in files:
        shown = shown_names[path]
        try:
            found, found_problems = cache.get(path, shown, reading, lambda data: read(data, path, shown))
            problems.extend(found_problems)
            for article, record in found:
                kept = articles.get(article.id)
                if kept is None:
                    articles[article.id], read_from[article.id] = article, (shown, record)
                elif kept.raw_sha256 != article.raw_sha256:
                    problems.error(shown, f"id {article.id} is already used by {_where(*read_from[article.id])}, "
                                          "a different article; skipped", record)
                elif article.seed == recorded_seeds.get(article.id) != kept.seed:
                    # The archive has it from this file: it stays as it is, and the other copy is reported.
                    other_path, other_record = read_from[article.id]
                    problems.warn(other_path, f"same article as {_where(shown, record)} (id {article.id}); "
                                              "kept that one", other_record)
                    articles[article.id], read_from[article.id] = article, (shown, record)
                else:
                    problems.warn(shown, f"same article as {_where(*read_from[article.id])} (id {article.id}); "
                                         "kept that one", record)
        except Exception as error:  # one broken article must never stop the rest of the build
            problems.error(shown, f"could not be read ({type(error).__name__}: {error}); skipped")
        if on_file:
            on_file()
    return IngestResult(list(articles.values()), problems, len(files))


def _read_ahead(paths: list[Path], shown: dict[Path, str], seeds_dir: Path, registry: SourceRegistry,
                dump_fields: DumpFieldsConfig, jobs: int) -> dict[Path, tuple[str, tuple]]:
    """Files read in parallel before the (ordered) main pass: path -> (digest of the bytes read,
    what _read_file made of them). A file that fails here is simply read again in the main pass,
    which reports the failure in its place."""
    if jobs < 2 or len(paths) < 2:
        return {}
    results: dict[Path, tuple[str, tuple]] = {}
    for chunk in parallel.in_forked_processes(_read_chunk, (shown, seeds_dir, registry, dump_fields), paths,
                                              jobs, chunk=1):
        results.update(chunk)
    return results


def _read_chunk(paths: list[Path]) -> dict[Path, tuple[str, tuple]]:
    shown, seeds_dir, registry, dump_fields = parallel.work()
    results = {}
    for path in paths:
        try:
            data = path.read_bytes()
            results[path] = (bytes_digest(data), _read_file(data, path, shown[path], seeds_dir, registry, dump_fields))
        except Exception:  # reported by the main pass, which reads the file again
            pass
    return results


def _where(path: str, record: str | None) -> str:
    return f"{path} (record {record})" if record else path


def _read_file(data: bytes, path: Path, shown: str, seeds_dir: Path, registry: SourceRegistry,
               dump_fields: DumpFieldsConfig) -> tuple[list[ReadArticle], Problems]:
    """The articles of one seed file and the problems found in it (a pure function of its bytes,
    its place and the reading configuration, so that it can be cached)."""
    problems = Problems()
    context = ReadContext(registry, dump_fields, problems)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        problems.warn(shown, f"unsupported file type {path.suffix or '(none)'!r}; skipped "
                             f"(supported: {', '.join(sorted(READERS))})")
        return [], problems
    try:
        text, _encoding = decode_bytes(data)
    except DecodeError as error:
        problems.error(shown, f"{error}; skipped")
        return [], problems
    relative_parts = path.relative_to(seeds_dir).parts
    folder_source = None
    if len(relative_parts) > 1 and registry.get(relative_parts[0]):
        folder_source = relative_parts[0]
    found = reader(RawFile(shown, text, folder_source), context)
    for item in found:
        item.article.text_digest  # worked out by the reading process, and cached with the article
    return found, problems
