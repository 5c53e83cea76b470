"""Linking's counts of the archive, taken once and kept with the content like an event id.

Linking weighs a term by the number of articles it occurs in (TF-IDF) and learns which terms are
names from the whole archive (names.py). Counted afresh at every build, these move a little with
each batch of new articles: every article's vector, every event's centroid and the related
coverage of events anywhere in the archive could change, so a rebuild would have to compare every
event again, and an event page's "related coverage" could change because of unrelated articles
added elsewhere. So the counts are taken once and kept in `content/link-statistics.tsv`: later
builds weigh the terms it lists by its counts, and count afresh only the terms it does not list
(new since, or in a single article then). It is counted again when the archive has grown or
shrunk by a quarter since, so the weights follow the archive at a cost paid once per quarter of
growth. A clean build of the same content reads the same file and links the same way.

The file is the build's (it is rewritten whole when counted again); delete it to count again.
One term per line: `<term><TAB><articles it occurs in>[<TAB>name]`, after a line
`articles<TAB><articles counted>`; `#` starts a comment.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.article import Problems

LINK_STATISTICS_FILENAME = "link-statistics.tsv"
RECOUNT_GROWTH = 1.25  # counted again when the archive is this many times larger (or smaller)
_NAME = "name"
_HEADER = ("# Linking statistics: the number of articles counted, then each term (folded, stemmed) in more\n"
           "# than one of them, with the number it occurs in, and 'name' when it names a person or place.\n"
           "# Written by the build, which counts again when the archive has grown or shrunk by a quarter;\n"
           "# delete this file to count again now.\n")


@dataclass(frozen=True)
class LinkStatistics:
    articles: int                        # how many articles were counted
    document_frequency: dict[str, int]   # term -> articles it occurs in, for the terms listed
    names: frozenset[str]                # the listed terms that are names

    def describes(self, articles: int) -> bool:
        """Whether these counts still stand for an archive of `articles` articles."""
        if not self.articles:
            return not articles
        return self.articles / RECOUNT_GROWTH <= articles <= self.articles * RECOUNT_GROWTH


def counted(articles: int, document_frequency: dict[str, int], names: frozenset[str] | set[str]) -> LinkStatistics:
    """The statistics as the file keeps them: terms of more than one article, and names. A term of
    a single article is left out (the build then counts it afresh: once, until another article has it)."""
    listed = {term: n for term, n in document_frequency.items() if (n > 1 or term in names) and _storable(term)}
    return LinkStatistics(articles, listed, frozenset(names).intersection(listed))


def _storable(term: str) -> bool:
    if "\t" in term or "\n" in term or "\r" in term or term.startswith("#"):
        return False
    try:
        term.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a damaged source: counted afresh each build
        return False
    return True


def link_statistics_path(content_dir: Path) -> Path:
    return content_dir / LINK_STATISTICS_FILENAME


def load_link_statistics(content_dir: Path, root: Path, problems: Problems) -> LinkStatistics | None:
    """The kept counts, or None when there are none (or they cannot be read: counted again)."""
    path = link_statistics_path(content_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.warn(_name(path, root), f"cannot be read ({error}); the archive is counted again")
        return None
    articles = None
    frequency: dict[str, int] = {}
    names = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if articles is None:
            if len(fields) == 2 and fields[0] == "articles" and fields[1].isdigit():
                articles = int(fields[1])
                continue
            problems.warn(f"{_name(path, root)}:{number}", f"expected 'articles<TAB><number>' before the terms, "
                                                           f"found {line[:60]!r}; the archive is counted again")
            return None
        if not 2 <= len(fields) <= 3 or not fields[0] or not fields[1].isdigit() or int(fields[1]) < 1 \
                or fields[2:] not in ([], [_NAME]):
            problems.warn(f"{_name(path, root)}:{number}", f"expected <term><TAB><articles>[<TAB>name], "
                                                           f"found {line[:60]!r}; the archive is counted again")
            return None
        frequency[fields[0]] = int(fields[1])
        if fields[2:]:
            names.add(fields[0])
    if articles is None:
        problems.warn(_name(path, root), "has no 'articles' line; the archive is counted again")
        return None
    return LinkStatistics(articles, frequency, frozenset(names))


def save_link_statistics(content_dir: Path, root: Path, statistics: LinkStatistics, problems: Problems) -> None:
    """Write the counts whole, through a temporary file: a build killed meanwhile leaves the old file."""
    path = link_statistics_path(content_dir)
    lines = [_HEADER, f"articles\t{statistics.articles}\n"]
    lines.extend(f"{term}\t{n}\t{_NAME}\n" if term in statistics.names else f"{term}\t{n}\n"
                 for term, n in sorted(statistics.document_frequency.items()))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=path.parent,
                                         prefix=f".{path.name}.", delete=False) as stream:
            stream.writelines(lines)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(stream.name, path)
    except OSError as error:
        # The counts still hold for this build; the next one counts again.
        problems.warn(_name(path, root), f"cannot be written ({error.strerror or error}); "
                                         "the next build counts the archive again")
        try:
            os.unlink(stream.name)
        except (OSError, NameError):
            pass


def _name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
