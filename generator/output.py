"""Atomic output in two versions: `site/` is a link to one of two folders in `site.versions/`, and
a build writes into the other one (the spare) and then points the link at it in one rename.

A build that fails, or is killed, leaves `site/` as it was: the link still points at the previous
version. A rebuild costs what changed, not what exists: the spare still holds the version before
the previous one, so it is brought up to date by replacing only the files that changed since (hard
links to the previous version's) and deleting the ones it no longer has; a file is never written
in place, since the two versions share unchanged files. Making a whole new folder of hard links
instead costs a link per file and a directory per folder, however few pages changed (the 31k
archive: 158,000 files in 4,500 folders; about 12 s of system time on this disk when each of its
100,000 pages was a folder, render/urls.py).

A spare that is not known to hold what it was recorded to hold (a killed build, a state from
another version) is put aside and emptied in the background, and the spare is filled with hard
links to every file of the previous version instead. Where links cannot be made (a file system
without symlinks), `site/` is a plain folder replaced by two renames, as a single staging folder.
"""

from __future__ import annotations

import glob
import hashlib
import heapq
import os
import shutil
import stat
import subprocess
import time
from collections.abc import Container, Iterable
from pathlib import Path, PurePosixPath

from generator import parallel

VERSIONS_SUFFIX = ".versions"
_VERSION_NAMES = ("a", "b")
_DISCARDED_PREFIX = ".discarded-"
PREVIOUS_SUFFIX = ".previous"
PAGEFIND_DIRNAME = "pagefind"  # the search index: kept or replaced part by part by the index stage
_OLD_STAGING_SUFFIX = ".building"  # the staging folder of the layout before site.versions


class OutputError(Exception):
    pass


def versions_dir(output: Path) -> Path:
    return output.with_name(output.name + VERSIONS_SUFFIX)


def live_dir(output: Path) -> Path | None:
    """The folder the published site is in (`output` itself when it is a plain folder)."""
    if output.is_symlink():
        target = Path(os.readlink(output))
        folder = target if target.is_absolute() else output.parent / target
        return folder if folder.is_dir() else None
    return output if output.is_dir() else None


def staging_dir(output: Path) -> Path:
    """The version the next build writes: the one `output` does not point at."""
    versions = versions_dir(output)
    live = live_dir(output)
    if live is not None and live.parent == versions and live.name == _VERSION_NAMES[0]:
        return versions / _VERSION_NAMES[1]
    return versions / _VERSION_NAMES[0]


SPARE_NICENESS = 10  # (os.nice) the spare version's process takes a core only when the build leaves it idle


class SpareWork:
    """Work on the spare version (the folder the next build writes) in a forked process, started
    as the build starts, so that the second core does it while the build reads and links its
    content; `wait()` takes its findings. Without fork (or when it fails) it is done by wait().
    The process yields to the build's (SPARE_NICENESS): while the linking and the build's search
    forms take both cores it waits, and it takes the core they leave idle (while the build reads,
    and from the linking's end to the rendering, where start() waits for it). After a full build,
    making the spare beside the linking made the first rebuild 1.2-2.1 s slower than the next."""

    def __init__(self, output: Path, files: dict[str, str]):
        self.output, self.folder, self.files = output, staging_dir(output), files
        self.owner = os.getpid()  # the build's: what its process puts aside is the build's own
        self.present: set[str] = set()  # the listed files the spare is found to hold
        self._done: bool | None = None
        self._call = parallel.ForkedCall(self._in_background)

    def _in_background(self) -> tuple[bool, set[str]]:
        if os.getpid() != self.owner:  # its own process (not wait() making the call itself)
            os.nice(SPARE_NICENESS)
        return self._work()

    def _work(self) -> tuple[bool, set[str]]:
        raise NotImplementedError

    def busy(self) -> bool:
        """Whether its process is still working (see parallel.ForkedCall.busy)."""
        return self._done is None and self._call.busy()

    def wait(self) -> bool:
        """Wait for the work; False when it failed (start then does it again itself)."""
        if self._done is None:
            try:
                self._done, self.present = self._call.result()
            except Exception:  # noqa: BLE001 - it died or failed before it could tell: nothing is known
                self._done, self.present = False, set()
        return self._done


class SpareSweep(SpareWork):
    """Deletes from the spare version what the published version's record does not list (see
    _bring_up_to_date). Walking every folder of the spare cost about a second of system time when
    the disk's metadata is cached, 10-16 s when it is not (the 31k archive's 100,000 folders, when
    each page was one), on the core the build's reading and linking also want. So when the spare's
    own record is known, with the time its build finished writing it (`staged`, `written_at`), only
    the folders changed since are listed (a folder's change time moves whenever an entry is added
    to it, removed or renamed, by hand or by another tool while the version was published); in the
    others, what the spare's record lists is what there is (_swept_by_record), where change times
    can be trusted (_change_times_hold). (A process rather than a thread: it holds no lock the
    build needs, and the build forks its own workers meanwhile.) Deleting only unlisted files keeps
    the spare's own record true, so the sweep may run before the build decides to use the spare."""

    def __init__(self, output: Path, files: dict[str, str], staged: dict[str, str] | None = None,
                 written_at: int | None = None):
        self.staged, self.written_at = staged, written_at
        super().__init__(output, files)

    def _work(self) -> tuple[bool, set[str]]:
        found: set[str] = set()
        try:
            if self.folder.is_dir() and not self.folder.is_symlink():
                if self.staged is not None and self.written_at is not None and \
                        _change_times_hold(self.folder, self.written_at):
                    found = _swept_by_record(self.folder, self.files, self.staged, self.written_at)
                else:
                    _remove_unlisted(self.folder, "", self.files, found, top=True)
        except OSError:
            return False, found
        return True, found


class SpareMaking(SpareWork):
    """Makes the spare version afresh from the published one (a hard link to each of its files),
    as start does when no spare is known: the first rebuild after a full build linked the 31k
    archive's 100,000 files while the build waited (about 10 s). A spare made and not used (the
    build failed first) is unknown to the next build, which makes it afresh again.
    `folders` (relative to the site) are linked whole as well: files the build's record does not
    list, that a later stage keeps where they are unchanged (the search index's parts, which the
    index stage otherwise linked into the spare itself: 0.6 s of the 31k archive's first rebuild)."""

    def __init__(self, output: Path, files: dict[str, str], folders: tuple[str, ...] = ()):
        self.folders = folders  # (before the process is forked)
        super().__init__(output, files)

    def _work(self) -> tuple[bool, set[str]]:
        present = _spare_made(self.output, self.folder, self.files, self.folders, self.owner)
        return present is not None, present or set()


def make_spare(output: Path, files: dict[str, str], folders: tuple[str, ...] = ()) -> tuple[Path, set[str]] | None:
    """The spare version made now, as SpareMaking makes it (hard links to the published version's
    `files` and `folders`), by a build that published a site's first version: the next build then
    brings the spare up to date instead of making it beside its own work (the first rebuild after
    a full build of the 31k archive took 12.4 s where the next took 9.5 s). Returns the spare's
    folder and the files it holds; None when it could not be made (the next build makes it)."""
    try:
        folder = staging_dir(output)
    except OSError:
        return None
    present = _spare_made(output, folder, files, folders)
    return None if present is None else (folder, present)


def _spare_made(output: Path, folder: Path, files: dict[str, str], folders: tuple[str, ...],
                owner: int | None = None) -> set[str] | None:
    try:
        present = _made_afresh(output, folder, files, owner)
        live = live_dir(output)
        for name in folders:
            source = live / name if live is not None else None
            if source is not None and source.is_dir() and not source.is_symlink():
                shutil.copytree(source, folder / name, copy_function=os.link, dirs_exist_ok=True)
        return present
    except (OSError, shutil.Error):
        return None


def _made_afresh(output: Path, staging: Path, reuse: dict[str, str] | None, owner: int | None = None) -> set[str]:
    """The staging folder made anew, holding the files of `reuse` that the published site has
    (`owner`: the build's process, when this is another one)."""
    if staging.exists() or staging.is_symlink():
        _remove_in_background(staging, versions_dir(output), owner)
    staging.mkdir(parents=True)
    live = live_dir(output)
    return _link_files(live, staging, reuse) if reuse and live is not None else set()


def start(output: Path, reuse: dict[str, str] | None = None, staged: dict[str, str] | None = None,
          swept: SpareWork | None = None) -> tuple[Path, set[str]]:
    """The staging folder, holding the files of `reuse` (relative path -> digest, as the previous
    build's SiteWriter recorded them) that still exist in the published site.

    `staged` is what the staging folder holds, as the build that wrote it recorded (None when
    that is not known): the folder is then brought up to date file by file instead of being made
    again. Anything else in it (the search index) is the next stages' to keep or replace.
    `swept` is a sweep of the staging folder (or, when `staged` is None, its making afresh)
    started earlier with `reuse`; it is waited for.
    Returns the folder and the files of `reuse` it is known to hold (for SiteWriter.keep: a
    hundred thousand existence checks cost seconds on a cold disk)."""
    staging = staging_dir(output)
    live = live_dir(output)
    done = swept is not None and swept.wait() and swept.folder == staging and swept.files is reuse
    try:
        versions = versions_dir(output)
        if versions.is_symlink() or versions.exists() and not versions.is_dir():
            raise OSError(f"{versions} is not a folder")
        if staged is not None and reuse and live is not None and staging.is_dir() and not staging.is_symlink():
            present = _bring_up_to_date(live, staging, reuse, staged,
                                        swept.present if done and isinstance(swept, SpareSweep) else None)
        elif done and isinstance(swept, SpareMaking):
            present = swept.present
        else:
            present = _made_afresh(output, staging, reuse)
    except OSError as error:
        raise OutputError(f"cannot create the staging folder {staging}: {error.strerror or error}") from None
    return staging, present


def _link_files(source: Path, target: Path, files: dict[str, str]) -> set[str]:
    """Hard links in `target` to the files of `source` that `files` lists; returns those linked.
    Relative to both folders' descriptors, with each folder made once: a path object per file and
    a check of every parent per folder cost as much again as the links (the 31k archive's 122,000
    files: 6.1 s, 1.9 s of it in Python)."""
    if os.link not in os.supports_dir_fd or os.mkdir not in os.supports_dir_fd or not hasattr(os, "O_DIRECTORY"):
        return _link_files_by_path(source, target, files)  # (Windows)
    made: set[str] = {""}
    present = set()
    source_fd = os.open(source, os.O_RDONLY | os.O_DIRECTORY)
    try:
        target_fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for relative in sorted(files):
                parent = relative.rpartition("/")[0]
                if parent not in made:
                    _make_folders(target_fd, parent, made)
                try:
                    os.link(relative, relative, src_dir_fd=source_fd, dst_dir_fd=target_fd)
                except FileNotFoundError:
                    continue  # gone from the site since (someone deleted it): it is written again
                except OSError:
                    if not _link(source / relative, target / relative):  # (a file system without hard links)
                        continue
                present.add(relative)
        finally:
            os.close(target_fd)
    finally:
        os.close(source_fd)
    return present


def _link_files_by_path(source: Path, target: Path, files: dict[str, str]) -> set[str]:
    made: set[str] = set()
    present = set()
    for relative in sorted(files):
        parent = os.path.dirname(relative)
        if parent and parent not in made:
            os.makedirs(target / parent, exist_ok=True)
            made.add(parent)
        if _link(source / relative, target / relative):
            present.add(relative)
    return present


def _make_folders(folder_fd: int, relative: str, made: set[str]) -> None:
    """Make `relative` and the folders holding it under the folder open as `folder_fd`, noting
    them in `made`."""
    parent = relative.rpartition("/")[0]
    if parent not in made:
        _make_folders(folder_fd, parent, made)
    try:
        os.mkdir(relative, dir_fd=folder_fd)
    except FileExistsError:
        pass
    made.add(relative)


def _link(source: Path, target: Path) -> bool:
    """Link (or copy) a file of the published version; False when it is gone from it."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        return False  # gone from the site since (someone deleted it): it is written again
    except OSError:
        shutil.copy2(source, target)  # a file system without hard links
    return True


def _bring_up_to_date(live: Path, staging: Path, files: dict[str, str], staged: dict[str, str],
                      found: set[str] | None = None) -> set[str]:
    """Make `staging` (holding `staged`) hold `files` as the live version has them, and return the
    ones it holds. Anything else in it goes first, unless a SpareSweep did that already and
    `found` is what it found (pages of removed articles, and files put into the site by hand or
    by another tool while it was published, which a clean build would not have); the search
    index is the index stage's to keep or replace. A listed file missing from it (deleted by
    hand) is linked again like a changed one."""
    if found is None:
        found = set()
        _remove_unlisted(staging, "", files, found, top=True)
    present = set()
    for relative in sorted(files):
        if staged.get(relative) != files[relative] or relative not in found:
            target = staging / relative
            if relative in found or target.is_symlink():
                target.unlink(missing_ok=True)  # (found by the record, and deleted by hand since)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
            if not _link(live / relative, target):
                continue
        present.add(relative)
    return present


def _remove_unlisted(root: Path, folder: str, files: dict[str, str], found: set[str], top: bool = False,
                     left: Container[str] = ()) -> bool:
    """Delete what is under `root/folder` but not in `files`, adding what is to `found`; True
    when the folder is left empty. The folders of `left` are not entered (another caller's)."""
    empty = True
    with os.scandir(root / folder if folder else root) as entries:
        for entry in entries:
            relative = f"{folder}/{entry.name}" if folder else entry.name
            if top and entry.name == PAGEFIND_DIRNAME:
                empty = False
            elif entry.is_dir(follow_symlinks=False):
                if relative in left:
                    empty = False
                elif _remove_unlisted(root, relative, files, found, left=left):
                    os.rmdir(entry.path)
                else:
                    empty = False
            elif relative in files:
                found.add(relative)
                empty = False
            else:
                os.unlink(entry.path)
    return empty


# A folder changed this long before its version's record was taken is listed anyway: file times
# come from a clock that lags the one the record reads by up to a tick, and the build itself was
# writing the version until then.
_CHANGE_TIME_MARGIN_NS = 2_000_000_000


def _change_times_hold(folder: Path, written_at: int) -> bool:
    """Whether the folders' change times can tell what changed since `written_at`: not on Windows
    (where st_ctime is a creation time), nor when the clock is behind the record (set back since),
    nor where adding an entry to a folder does not move its change time to the clock's time (a
    file system that does not keep change times, or a network one with a clock of its own)."""
    if os.name == "nt":
        return False
    before = time.time_ns()
    if before < written_at:
        return False
    probe = folder / f".change-time-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
        changed = os.lstat(folder).st_ctime_ns
    except OSError:
        return False
    return before - _CHANGE_TIME_MARGIN_NS <= changed <= time.time_ns() + _CHANGE_TIME_MARGIN_NS


def _swept_by_record(root: Path, files: dict[str, str], staged: dict[str, str], written_at: int) -> set[str]:
    """What _remove_unlisted does to `root`, which its build left holding `staged` when its record
    was taken at `written_at` (time.time_ns()), without listing the folders unchanged since: in
    those, the files are the recorded ones. Returns the files of `files` that `root` holds."""
    recent = written_at - _CHANGE_TIME_MARGIN_NS
    names: dict[str, list[str]] = {}  # folder -> the recorded files in it
    folders = {""}
    for relative in staged:
        if relative.startswith(PAGEFIND_DIRNAME + "/"):
            continue  # the index stage's
        folder, _, name = relative.rpartition("/")
        names.setdefault(folder, []).append(name)
        while folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    found: set[str] = set()
    emptied: set[str] = set()  # folders something was deleted from
    gone: set[str] = set()  # recorded folders that are not there, or not folders
    for folder in sorted(folders):  # a folder after the one holding it
        parent = folder.rpartition("/")[0]
        if folder and parent in gone:
            gone.add(folder)
            continue
        path = root / folder if folder else root
        try:
            status = os.lstat(path)
        except FileNotFoundError:
            gone.add(folder)
            continue
        if not stat.S_ISDIR(status.st_mode):
            gone.add(folder)  # (its parent changed, and was listed)
            continue
        if not folder or status.st_ctime_ns >= recent:
            # Listed; its recorded sub-folders come in their own turn.
            _remove_unlisted(root, folder, files, found, top=not folder, left=folders)
            emptied.add(folder)  # (also left empty before: its files deleted by hand, or by a sweep killed then)
            continue
        for name in names.get(folder, ()):
            relative = f"{folder}/{name}" if folder else name
            if relative in files:
                found.add(relative)
            else:
                try:
                    os.unlink(root / relative)
                except FileNotFoundError:
                    pass
                emptied.add(folder)
    _remove_empty_folders(root, emptied)
    return found


def _remove_empty_folders(root: Path, candidates: set[str]) -> None:
    """Remove those folders (and then the folders holding them) that are empty, deepest first."""
    pending = [(-folder.count("/"), folder) for folder in candidates if folder]
    heapq.heapify(pending)
    seen = set(candidates)
    while pending:
        _, folder = heapq.heappop(pending)
        try:
            os.rmdir(root / folder)
        except OSError:
            continue  # not empty (or gone)
        parent = folder.rpartition("/")[0]
        if parent and parent not in seen:
            seen.add(parent)
            heapq.heappush(pending, (-parent.count("/"), parent))


def _remove_file(root: Path, relative: str) -> None:
    """Delete a file and the folders it leaves empty."""
    path = root / relative
    if path.exists() or path.is_symlink():
        path.unlink()
    for parent in PurePosixPath(relative).parents:
        if str(parent) == ".":
            break
        try:
            (root / parent).rmdir()
        except OSError:
            break  # not empty


def publish(output: Path) -> None:
    """Point `output` at the staging folder (one rename of a link). The version it pointed at is
    kept as the next build's spare; a plain folder left by an older layout becomes that spare."""
    staging = staging_dir(output)
    versions = versions_dir(output)
    link = output.with_name(output.name + ".link")
    try:
        _remove_leftovers(output)
        if link.is_symlink() or link.exists():
            link.unlink()
        try:
            os.symlink(staging.relative_to(output.parent), link, target_is_directory=True)
        except (OSError, NotImplementedError):
            _publish_by_renames(output, staging)
            return
        if output.is_dir() and not output.is_symlink():
            _replace_plain_folder(output, link, versions / next(n for n in _VERSION_NAMES if n != staging.name))
        else:
            try:
                os.replace(link, output)
            except OSError:  # a system that cannot replace a link to a folder in one rename
                link.unlink()
                _publish_by_renames(output, staging)
    except OSError as error:
        raise OutputError(f"cannot replace {output}: {error.strerror or error}") from None


def _replace_plain_folder(output: Path, link: Path, spare: Path) -> None:
    """Once, from the older layout: the plain folder becomes the spare and `output` the link. Two
    renames; if the second fails, the first is undone."""
    if spare.exists():
        shutil.rmtree(spare)
    os.rename(output, spare)
    try:
        os.replace(link, output)
    except OSError:
        os.rename(spare, output)
        raise


def _remove_leftovers(output: Path) -> None:
    """Folders left by removals that were cut short (not the ones this build handed to a
    background removal), removed in the background too: a removal an earlier build started may
    still be going (a whole version put aside: 100,000 folders, tens of seconds on a slow disk),
    and removing its folder here as well made a build wait 11 s for it. And the folders of the
    older layouts."""
    own = f"-{os.getpid()}-"
    prefix = glob.escape(output.name)
    for leftover in versions_dir(output).glob(f"{_DISCARDED_PREFIX}*"):
        if own not in leftover.name:
            start_removal(leftover)
    for leftover in [*output.parent.glob(prefix + PREVIOUS_SUFFIX), *output.parent.glob(f"{prefix}{PREVIOUS_SUFFIX}-*"),
                     *output.parent.glob(prefix + _OLD_STAGING_SUFFIX)]:
        shutil.rmtree(leftover, ignore_errors=True)


def _publish_by_renames(output: Path, staging: Path) -> None:
    previous = output.with_name(output.name + PREVIOUS_SUFFIX)
    try:
        if output.is_symlink():
            output.unlink()
        elif output.exists():
            os.rename(output, previous)
        os.rename(staging, output)
    except OSError:
        if not output.exists() and previous.exists():
            os.rename(previous, output)
        raise
    if previous.exists():
        _remove_in_background(previous, versions_dir(output))


def put_aside(folder: Path, output: Path) -> Path | None:
    """Free the name of a folder of the output's staging version at once, its removal to be started
    later (start_removal): a removal of thousands of files beside the writing of thousands of others
    slows each file's creation (about twice, for the search index's merges). Returns where it was
    put (None when it is gone already); one never removed is removed by the next publish."""
    return _put_aside(folder, versions_dir(output))


def _remove_in_background(folder: Path, aside: Path, owner: int | None = None) -> None:
    """Delete a folder without making the build wait for it: removing a hundred thousand files
    takes seconds. It is first renamed into `aside` (a folder on the same file system), so its
    name is free at once, under a name that holds the build's process id (`owner`, when this is
    another process); one left by an interrupted removal is removed by the next publish."""
    discarded = _put_aside(folder, aside, owner)
    if discarded is not None:
        start_removal(discarded)


def _put_aside(folder: Path, aside: Path, owner: int | None = None) -> Path | None:
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
        return None
    discarded = aside / f"{_DISCARDED_PREFIX}{folder.name}-{owner or os.getpid()}-{time.monotonic_ns()}"
    try:
        aside.mkdir(parents=True, exist_ok=True)
        os.rename(folder, discarded)
    except OSError:
        shutil.rmtree(folder)
        return None
    return discarded


def start_removal(folder: Path) -> None:
    """`rm -rf` the folder in a process of its own that the build does not wait for (two at once
    on one folder do no harm: each passes over what the other removed)."""
    rm = shutil.which("rm") if os.name == "posix" else None
    if rm:
        subprocess.Popen([rm, "-rf", "--", str(folder)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def abandon(output: Path, aside: Iterable[Path | None] = ()) -> None:
    """After a failed build: the half-written spare goes, and the folders the build put aside
    (put_aside) without starting their removal yet (now, so that a full disk is free again)."""
    staging = staging_dir(output)
    if staging.is_symlink():
        staging.unlink()
    else:
        shutil.rmtree(staging, ignore_errors=True)
    for folder in filter(None, aside):
        shutil.rmtree(folder, ignore_errors=True)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _write_new_file(target: Path, data: bytes) -> None:
    """Write `target` as a new file: whatever is at its path (a hard link shared with the published
    site, a symbolic link) is replaced, never written through. Created exclusively, so that a new
    file costs one call, not a look for an old one first (two per page, 104,000 pages in a full build)."""
    try:
        descriptor = os.open(target, _NEW_FILE, 0o666)
    except FileExistsError:
        target.unlink()
        descriptor = os.open(target, _NEW_FILE, 0o666)
    with open(descriptor, "wb") as stream:
        stream.write(data)


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SiteWriter:
    """Writes one build's files into the staging folder and records each file's digest.

    `previous` is what the last build recorded (relative path -> digest) for the files linked
    into staging by `start`: a file whose new bytes have the same digest is left as it is.
    Paths are relative POSIX paths inside the site; one that would leave it is refused.
    """

    def __init__(self, root: Path, previous: dict[str, str] | None = None, present: set[str] | None = None):
        self.root = root
        self.previous = previous or {}
        self.present = present  # the previous files known to be in root (None: look)
        self.written: dict[str, str] = {}

    def write(self, relative: str, data: str | bytes) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._check(relative)
        digest = content_digest(data)
        self.written[relative] = digest
        target = self.root / relative
        if self.previous.get(relative) == digest and (relative in self.present if self.present is not None
                                                      else target.exists()):
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_new_file(target, data)

    def keep(self, relative: str) -> bool:
        """Keep the previous build's file unchanged; False when there is none to keep."""
        digest = self.previous.get(relative)
        if digest is None or not (relative in self.present if self.present is not None
                                  else (self.root / relative).exists()):
            return False
        self.written[relative] = digest
        return True

    def record(self, written: dict[str, str]) -> None:
        """Add files written by another process into the same staging folder."""
        self.written.update(written)

    def remove_stale(self) -> list[str]:
        """Delete what the previous build wrote and this one did not (a removed article's page)."""
        stale = sorted(set(self.previous) - set(self.written))
        for relative in stale:
            _remove_file(self.root, relative)
            if self.present is not None:
                self.present.discard(relative)
        return stale

    @staticmethod
    def _check(relative: str) -> None:
        parts = PurePosixPath(relative).parts
        if not parts or relative.startswith("/") or ".." in parts or "\\" in relative or "\0" in relative:
            raise OutputError(f"refusing to write outside the site: {relative!r}")
