"""Atomic output: a build writes into a staging folder beside site/ and swaps it in at the end.

A build that fails, or is killed, leaves the previous site/ as it was; a leftover staging folder
from a killed build is removed by the next one.

An incremental build starts its staging folder as hard links to the files the previous build
wrote (only those it recorded), so unchanged files cost nothing. A file is therefore never
written in place: a new version replaces the link, and the published site keeps its own copy
until the swap.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path, PurePosixPath

STAGING_SUFFIX = ".building"
PREVIOUS_SUFFIX = ".previous"


class OutputError(Exception):
    pass


def staging_dir(output: Path) -> Path:
    return output.with_name(output.name + STAGING_SUFFIX)


def start(output: Path, reuse: dict[str, str] | None = None) -> Path:
    """An empty staging folder, or one holding hard links to the files of `reuse` (relative path
    -> digest, as recorded by the previous build's SiteWriter) that still exist in `output`."""
    staging = staging_dir(output)
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        if reuse:
            _link_files(output, staging, reuse)
    except OSError as error:
        raise OutputError(f"cannot create the staging folder {staging}: {error.strerror or error}") from None
    return staging


def _link_files(source: Path, target: Path, files: dict[str, str]) -> None:
    made: set[str] = set()
    for relative in sorted(files):
        parent = os.path.dirname(relative)
        if parent and parent not in made:
            os.makedirs(target / parent, exist_ok=True)
            made.add(parent)
        try:
            os.link(source / relative, target / relative)
        except FileNotFoundError:
            pass  # gone from the site since (someone deleted it): it is written again
        except OSError:
            shutil.copy2(source / relative, target / relative)  # a file system without hard links


def publish(output: Path) -> None:
    """Swap the staging folder in for `output` (two renames; the old site is kept until the end)."""
    staging = staging_dir(output)
    previous = output.with_name(output.name + PREVIOUS_SUFFIX)
    try:
        if previous.exists():
            shutil.rmtree(previous)
        for leftover in output.parent.glob(f"{glob.escape(previous.name)}-*"):
            shutil.rmtree(leftover, ignore_errors=True)  # a removal that was cut short
        if output.exists():
            os.rename(output, previous)
        os.rename(staging, output)
    except OSError as error:
        if not output.exists() and previous.exists():
            os.rename(previous, output)
        raise OutputError(f"cannot replace {output}: {error.strerror or error}") from None
    _remove_in_background(previous)


def _remove_in_background(folder: Path) -> None:
    """Delete the replaced site without making the build wait for it: removing a hundred thousand
    files takes seconds, and the new site is already in place. A folder left by an interrupted
    removal is removed by the next build (see publish)."""
    discarded = folder.with_name(f"{folder.name}-{os.getpid()}-{time.monotonic_ns()}")
    try:
        os.rename(folder, discarded)
        rm = shutil.which("rm") if os.name == "posix" else None
        if rm:
            subprocess.Popen([rm, "-rf", "--", str(discarded)], start_new_session=True,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return
    except OSError:
        discarded = folder
    shutil.rmtree(discarded, ignore_errors=True)


def abandon(output: Path) -> None:
    shutil.rmtree(staging_dir(output), ignore_errors=True)


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class SiteWriter:
    """Writes one build's files into the staging folder and records each file's digest.

    `previous` is what the last build recorded (relative path -> digest) for the files linked
    into staging by `start`: a file whose new bytes have the same digest is left as it is.
    Paths are relative POSIX paths inside the site; one that would leave it is refused.
    """

    def __init__(self, root: Path, previous: dict[str, str] | None = None):
        self.root = root
        self.previous = previous or {}
        self.written: dict[str, str] = {}

    def write(self, relative: str, data: str | bytes) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._check(relative)
        digest = content_digest(data)
        self.written[relative] = digest
        target = self.root / relative
        if self.previous.get(relative) == digest and target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()  # a link shared with the published site: replace it, never write through it
        target.write_bytes(data)

    def keep(self, relative: str) -> bool:
        """Keep the previous build's file unchanged; False when there is none to keep."""
        digest = self.previous.get(relative)
        if digest is None or not (self.root / relative).exists():
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
            path = self.root / relative
            if path.exists():
                path.unlink()
            for parent in PurePosixPath(relative).parents:
                if str(parent) == ".":
                    break
                try:
                    (self.root / parent).rmdir()
                except OSError:
                    break  # not empty
        return stale

    @staticmethod
    def _check(relative: str) -> None:
        parts = PurePosixPath(relative).parts
        if not parts or relative.startswith("/") or ".." in parts or "\\" in relative or "\0" in relative:
            raise OutputError(f"refusing to write outside the site: {relative!r}")
