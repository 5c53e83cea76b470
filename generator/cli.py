"""Command line: `archive build`, `archive ingest`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator import __version__, collector
from generator.build import build, ingest
from generator.parallel import default_jobs
from generator.config import ConfigError, load_config
from generator.article import Problems
from generator.content import ContentError, load_articles
from generator.content_pages import ContentPageError
from generator.gazetteer import GazetteerError
from generator.evaluation import LabelsError, read_labels, score_links
from generator.output import OutputError
from generator.progress import Progress
from generator.render import RenderError
from generator.render.i18n import StringsError
from generator.search import SearchIndexError
from generator.sources import SourcesError

EXIT_OK, EXIT_FAILED, EXIT_WARNINGS = 0, 1, 3
_EXPECTED_FAILURES = (ConfigError, ContentPageError, LabelsError, GazetteerError, SourcesError, ContentError, StringsError, RenderError, SearchIndexError, OutputError)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archive", description="Static archive generator for Arabic and English news.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--project", type=Path, default=Path("."), help="project folder holding archive.toml (default: .)")
    parser.add_argument("--quiet", action="store_true", help="print only problems and the summary")
    commands = parser.add_subparsers(dest="command", required=True)

    build_cmd = commands.add_parser("build", help="ingest seeds/, link events and write the site")
    build_cmd.add_argument("--base-url", help="override site.base_url (e.g. the GitHub Pages URL)")
    build_cmd.add_argument("--strict", action="store_true", help="exit with status 3 when there are warnings")
    build_cmd.add_argument("--jobs", type=int, metavar="N", help="read seeds, make search forms and render pages and feeds in N processes (default: one per core)")

    ingest_cmd = commands.add_parser("ingest", help="only turn seeds/ into content/articles/")
    ingest_cmd.add_argument("--report", action="store_true", help="list every problem per article")
    ingest_cmd.add_argument("--force", nargs="+", metavar="ID", default=[],
                            help="regenerate these hand-edited articles from their seeds (their edits are lost)")
    ingest_cmd.add_argument("--strict", action="store_true", help="exit with status 3 when there are warnings")

    eval_cmd = commands.add_parser("eval-links", help="score the archive's event links against labelled pairs")
    eval_cmd.add_argument("labels", type=Path, help='JSONL file of {"a": ID, "b": ID, "label": "S"|"R"|"D"}')
    eval_cmd.add_argument("--errors", action="store_true", help="list every wrongly linked or missed pair")
    return parser


def _eval_links(config, args) -> int:
    problems = Problems()
    articles = [article for article, _ in load_articles(config.paths.content, config.root, problems).values()]
    _print_problems(problems, sys.stderr)
    scores = score_links(articles, read_labels(args.labels))
    print(f"pairs scored: {scores.scored} (not in the archive: {scores.missing})")
    print(f"true positives {scores.true_positives}, false positives {scores.false_positives}, "
          f"false negatives {scores.false_negatives}, true negatives {scores.true_negatives}")
    print(f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}")
    if args.errors:
        for a, b, label, linked in scores.errors:
            print(f"{'linked' if linked else 'missed'} {label}: {a}  {b}")
    return EXIT_OK


def _print_problems(problems, stream) -> None:
    for problem in problems.sorted():
        print(problem, file=stream)


def _print_report(problems, stream) -> None:
    """Per input file (and record), what an archivist should check or fix, then counts by kind."""
    by_input: dict[str, list[str]] = {}
    kinds: dict[str, int] = {}
    for problem in problems.sorted():
        where = f"{problem.path} (record {problem.record})" if problem.record else problem.path
        by_input.setdefault(where, []).append(f"{problem.severity}: {problem.message}")
        kind = problem.message.split(":")[0].split(" (")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    for where, messages in by_input.items():
        print(where, file=stream)
        for message in messages:
            print(f"    {message}", file=stream)
    if kinds:
        print("problems by kind:", file=stream)
        for kind, count in sorted(kinds.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {count:6d}  {kind}", file=stream)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = Progress(quiet=args.quiet)
    try:
        overrides = {"site": {"base_url": args.base_url}} if getattr(args, "base_url", None) else None
        config = load_config(args.project, overrides)
        if args.command == "eval-links":
            return _eval_links(config, args)
        if args.command == "ingest":
            summary = ingest(config, progress, force=frozenset(args.force), jobs=default_jobs())
            problems = summary.problems
            if args.report:
                _print_report(problems, sys.stderr)
            elif problems:
                _print_problems(problems, sys.stderr)
            for path in summary.kept_edited:
                print(f"kept hand-edited {path} (use --force {Path(path).stem} to regenerate it)", file=sys.stderr)
            print(f"ingest: {len(summary.articles)} articles, {len(summary.written)} files written, "
                  f"{len(summary.kept_edited)} hand-edited kept, {len(problems)} problems")
        else:
            summary = build(config, progress, jobs=args.jobs)
            problems = summary.problems
            _print_problems(problems, sys.stderr)
            warnings = sum(1 for p in problems.items if p.severity == "warning")
            errors = len(problems) - warnings
            print(f"built {config.paths.output.name}/: {summary.articles} articles, {summary.events} events, "
                  f"{summary.pages} pages ({summary.rendered} rendered, the rest unchanged), {warnings} warnings, {errors} errors, {summary.seconds:.1f} s")
    except _EXPECTED_FAILURES as error:
        print(f"archive: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("archive: interrupted; the previous site is unchanged", file=sys.stderr)
        return 130
    if args.strict and len(problems):
        return EXIT_WARNINGS
    return EXIT_OK


def run() -> None:
    """The command (`archive`, `python -m generator`): main(), then the process ends without
    Python's teardown, which frees every object of the run one by one (0.6-0.7 s after a build of
    the 31k archive, with nothing left to do then: every file is closed, every worker process and
    thread done); the build's objects are held until then (collector.held). main() itself returns,
    for callers in the same process."""
    collector.hold_until_exit()
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
