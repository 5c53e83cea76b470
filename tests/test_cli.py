"""The `archive` command as a user runs it: errors, strictness, curated content, atomic output."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import copy_project, run_archive


def test_bad_base_url_is_an_error_naming_the_key(tmp_path):
    project = copy_project(tmp_path / "p")
    code, _, err = run_archive(project, "build", "--base-url", "not-a-url")
    assert code == 1 and "site.base_url" in err


def test_strict_turns_warnings_into_a_failing_exit(tmp_path):
    project = copy_project(tmp_path / "p")
    code, _, err = run_archive(project, "build")
    assert code == 0 and "seeds/000_5d9b0c9880b52963.txt: no date found" in err
    code, _, _ = run_archive(project, "build", "--strict")
    assert code == 3


def test_hand_edited_article_is_never_overwritten_until_forced(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    path = next(p for p in (project / "content/articles").glob("*.md") if "000_" in p.read_text(encoding="utf-8"))
    edited = path.read_text(encoding="utf-8").replace("title: 'الكاظمي: تفجير بغداد خرق أمني لن نسمح بتكراره'",
                                                     "title: 'عنوان صححه المؤرشف'")
    assert "عنوان صححه المؤرشف" in edited
    path.write_text(edited, encoding="utf-8")

    code, _, err = run_archive(project, "build")
    assert code == 0
    assert path.read_text(encoding="utf-8") == edited
    assert "عنوان صححه المؤرشف" in (project / f"site/articles/{path.stem}.html").read_text(encoding="utf-8")
    code, out, err = run_archive(project, "ingest")
    assert f"kept hand-edited content/articles/{path.name}" in err

    code, out, _ = run_archive(project, "ingest", "--force", path.stem)
    assert code == 0 and "1 files written" in out
    assert "عنوان صححه المؤرشف" not in path.read_text(encoding="utf-8")


def test_failed_build_leaves_the_previous_site_untouched(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    before = {p.relative_to(project / "site"): p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    template = project / "templates/article.html"
    template.write_text(template.read_text(encoding="utf-8") + "{% if %}", encoding="utf-8")
    code, _, err = run_archive(project, "build")
    assert code == 1 and "templates/article.html" in err
    after = {p.relative_to(project / "site"): p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in (project / "site.versions").iterdir()] == [(project / "site").resolve().name]


def test_a_half_written_spare_version_of_a_killed_build_is_not_published(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    spare = next(name for name in "ab" if name != (project / "site").resolve().name)
    # (made by the first build; a killed build drops its record before it writes into it)
    (project / "site.state" / "spare.pickle").unlink()
    (project / "site.versions" / spare / "articles").mkdir(parents=True, exist_ok=True)
    (project / "site.versions" / spare / "articles/half-written.html").write_text("<p>", encoding="utf-8")
    assert run_archive(project, "build")[0] == 0
    assert (project / "site").resolve().name == spare
    assert not (project / "site/articles/half-written.html").exists()


def test_python_dash_m_generator_runs_the_same_command(tmp_path):
    project = copy_project(tmp_path / "p")
    result = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), "--quiet", "build"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "built site/: 3 articles, 1 events" in result.stdout


def test_the_command_ends_with_mains_exit_status_and_all_its_output(tmp_path):
    """The command ends its process without Python's teardown (cli.run): what it printed still
    arrives, whole, and the status is main()'s."""
    project = copy_project(tmp_path / "p")
    for number in range(40):  # warnings enough to fill a pipe's buffer more than once
        (project / f"seeds/untitled-{number}.txt").write_text(
            f"جملة طويلة رقم {number} تبدأ بها المادة وتنتهي بنقطة.\nنص المقال هنا.\n", encoding="utf-8")
    command = [sys.executable, "-m", "generator", "--project", str(project)]
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as most shells
    strict = subprocess.run([*command, "build", "--strict"], capture_output=True, text=True, timeout=300, env=buffered)
    assert strict.returncode == 3, strict.stderr
    assert "built site/: 43 articles" in strict.stdout
    assert sum("untitled-" in line for line in strict.stderr.splitlines()) >= 40
    (project / "archive.toml").write_text("[site]\ntitle_ar = 3\n", encoding="utf-8")
    failed = subprocess.run([*command, "build"], capture_output=True, text=True, timeout=300, env=buffered)
    assert failed.returncode == 1 and failed.stderr.startswith("archive: error:")


def test_ingest_report_groups_problems_by_article_and_counts_them_by_kind(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "seeds/untitled.txt").write_text("جملة طويلة تبدأ بها المادة وتنتهي بنقطة.\nنص المقال هنا.\n", encoding="utf-8")
    code, out, err = run_archive(project, "ingest", "--report")
    assert code == 0
    lines = err.splitlines()
    start = lines.index("seeds/untitled.txt")
    assert lines[start + 1].startswith("    warning: doubtful title")
    assert any(line.strip().endswith("no date found in the text or the file path") and line.strip().startswith("2 ")
               for line in lines[lines.index("problems by kind:"):])


def test_eval_links_scores_the_linked_archive_against_labels(tmp_path):
    project = copy_project(tmp_path / "p", extra_seeds=("unrelated-cairo-football.txt",))
    assert run_archive(project, "ingest")[0] == 0
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        '{"a": "seeds/000_5d9b0c9880b52963.txt", "b": "seeds/002_c645db0d12d9f96d.txt", "label": "S"}\n'
        '{"a": "seeds/000_5d9b0c9880b52963.txt", "b": "seeds/unrelated-cairo-football.txt", "label": "D"}\n'
        '{"a": "seeds/002_c645db0d12d9f96d.txt", "b": "seeds/unrelated-cairo-football.txt", "label": "S"}\n'
        '{"a": "https://example.org/not-in-archive", "b": "seeds/002_c645db0d12d9f96d.txt", "label": "S"}\n',
        encoding="utf-8")
    before = sorted(p.read_bytes() for p in (project / "content/articles").glob("*.md"))
    code, out, _ = run_archive(project, "eval-links", str(labels), "--errors")
    assert code == 0
    assert "pairs scored: 3 (not in the archive: 1)" in out
    assert "true positives 1, false positives 0, false negatives 1, true negatives 1" in out
    assert "precision 1.000  recall 0.500  F1 0.667" in out
    assert "missed S: seeds/002_c645db0d12d9f96d.txt  seeds/unrelated-cairo-football.txt" in out
    assert sorted(p.read_bytes() for p in (project / "content/articles").glob("*.md")) == before
    assert not (project / "site").exists()  # builds nothing


def test_eval_links_reports_a_malformed_labels_file_by_line(tmp_path):
    project = copy_project(tmp_path / "p")
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"a": "x", "b": "y", "label": "S"}\n{"a": "x", "label": "S"}\n', encoding="utf-8")
    code, _, err = run_archive(project, "eval-links", str(labels))
    assert code == 1 and f"{labels}:2" in err
