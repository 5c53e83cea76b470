"""Atomic output: a build writes into a staging folder beside site/ and swaps it in at the end.

A build that fails, or is killed, leaves the previous site/ as it was; a leftover staging folder
from a killed build is removed by the next one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

STAGING_SUFFIX = ".building"
PREVIOUS_SUFFIX = ".previous"


class OutputError(Exception):
    pass


def staging_dir(output: Path) -> Path:
    return output.with_name(output.name + STAGING_SUFFIX)


def start(output: Path) -> Path:
    staging = staging_dir(output)
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
    except OSError as error:
        raise OutputError(f"cannot create the staging folder {staging}: {error.strerror or error}") from None
    return staging


def publish(output: Path) -> None:
    """Swap the staging folder in for `output` (two renames; the old site is kept until the end)."""
    staging = staging_dir(output)
    previous = output.with_name(output.name + PREVIOUS_SUFFIX)
    try:
        if previous.exists():
            shutil.rmtree(previous)
        if output.exists():
            os.rename(output, previous)
        os.rename(staging, output)
    except OSError as error:
        if not output.exists() and previous.exists():
            os.rename(previous, output)
        raise OutputError(f"cannot replace {output}: {error.strerror or error}") from None
    shutil.rmtree(previous, ignore_errors=True)


def abandon(output: Path) -> None:
    shutil.rmtree(staging_dir(output), ignore_errors=True)
