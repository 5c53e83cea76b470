"""Benchmark the archive on a real corpus: wall time per stage and peak memory.

    .venv/bin/python scripts/benchmark.py [--corpus DIR] [--articles N] [--command ingest|build]

The corpus folder holds SaudiNewsNet-style day files (`YYYY-MM-DD.zip` with a JSON array, or the
JSON itself). A fresh project is made in a temporary folder (seeds = the first N records), the
real `archive` command runs on it in a child process, and its stage timings and peak resident
memory are printed as a Markdown table row for the README.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpora" / "saudinewsnet"
STAGES = ("ingest", "link", "render", "index")


def _day_files(corpus: Path):
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in sorted(archive.namelist()):
                    if name.endswith(".json"):
                        yield name, json.loads(archive.read(name))
        elif path.suffix == ".json":
            yield path.name, json.loads(path.read_text(encoding="utf-8"))


def make_project(corpus: Path, limit: int | None, target: Path) -> int:
    (target / "seeds").mkdir(parents=True)
    (target / "content").mkdir()
    shutil.copytree(PROJECT / "templates", target / "templates")
    shutil.copy2(PROJECT / "content" / "sources.toml", target / "content" / "sources.toml")
    config = (PROJECT / "archive.toml").read_text(encoding="utf-8")
    # The corpus keeps its crawl time in `date_extracted` and its text in `content`.
    config = re.sub(r"(?m)^date = .*$", 'date = ["date_extracted"]', config)
    (target / "archive.toml").write_text(config, encoding="utf-8")
    written = 0
    for name, records in _day_files(corpus):
        if limit is not None:
            records = records[: max(0, limit - written)]
        if records:
            (target / "seeds" / name).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
            written += len(records)
    return written


def run(project: Path, command: str) -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), command],
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode not in (0, 3):
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"archive {command} failed with exit code {result.returncode}")
    stages = {m.group(1): float(m.group(2))
              for m in re.finditer(r"^(\w+): done in ([\d.]+) s", result.stderr, re.MULTILINE)}
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall": wall, "stages": stages, "peak_mb": peak_mb, "summary": result.stdout.strip()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=None, help="use only the first N records")
    parser.add_argument("--command", choices=("ingest", "build"), default="build")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print its path")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    try:
        records = make_project(args.corpus, args.articles, workdir / "project")
        measured = run(workdir / "project", args.command)
        print(measured["summary"])
        cells = " | ".join(f"{measured['stages'][s]:.1f}" if s in measured["stages"] else "–" for s in STAGES)
        print(f"| records | {' | '.join(STAGES)} | total s | peak MB |")
        print(f"|---|{'---|' * len(STAGES)}---|---|")
        print(f"| {records} | {cells} | {measured['wall']:.1f} | {measured['peak_mb']:.0f} |")
        if args.keep:
            print(f"project kept in {workdir / 'project'}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
