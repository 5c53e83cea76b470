"""Archivists' edits to events in content/: titles, summaries, merges, pins and splits."""

from __future__ import annotations

import json

from conftest import copy_project, run_archive


def _records(project):
    data = json.loads((project / "site/data/articles.json").read_text(encoding="utf-8"))
    return {record["seed"]: record for record in data}


SEED_EVENT = "ev-0e8ff96bc219"


def test_curated_titles_and_summary_show_in_each_interface(demo_project):
    arabic = (demo_project / f"site/events/{SEED_EVENT}.html").read_text(encoding="utf-8")
    english = (demo_project / f"site/en/events/{SEED_EVENT}.html").read_text(encoding="utf-8")
    assert "تفجير ساحة الطيران في بغداد ورد الحكومة العراقية</h1>" in arabic
    assert "Tayaran Square bombing and the Iraqi government&#39;s response</h1>" in english
    assert "فجّر انتحاريان" in arabic and "Two suicide bombers" in english


def test_merging_an_event_moves_its_articles_and_keeps_its_old_address(tmp_path):
    project = copy_project(tmp_path / "p", extra_seeds=("unrelated-cairo-football.txt",))
    assert run_archive(project, "build")[0] == 0
    football = _records(project)["seeds/unrelated-cairo-football.txt"]
    old_event = football["event"]
    assert old_event != SEED_EVENT
    (project / f"content/events/{old_event}.toml").write_text(f'merge_into = "{SEED_EVENT}"\n', encoding="utf-8")

    code, out, _ = run_archive(project, "build")
    assert code == 0 and "1 events" in out
    assert _records(project)["seeds/unrelated-cairo-football.txt"]["event"] == SEED_EVENT
    for prefix in ("", "en/"):
        redirect = (project / f"site/{prefix}events/{old_event}.html").read_text(encoding="utf-8")
        assert f'url=/events/{SEED_EVENT}.html' in redirect.replace("/en/", "/") and 'rel="canonical"' in redirect
    # relinking never undoes the merge, and taking the file away undoes it
    assert run_archive(project, "build")[0] == 0
    assert _records(project)["seeds/unrelated-cairo-football.txt"]["event"] == SEED_EVENT
    (project / f"content/events/{old_event}.toml").unlink()
    assert run_archive(project, "build")[0] == 0
    assert _records(project)["seeds/unrelated-cairo-football.txt"]["event"] == old_event


def test_an_article_pinned_to_a_new_event_is_split_off_and_stays_there(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    record = _records(project)["seeds/000_5d9b0c9880b52963.txt"]
    path = project / f"content/articles/{record['id']}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(f"event: {SEED_EVENT}", "event: ev-kadhimi-statement"),
                    encoding="utf-8")
    for _ in range(2):
        code, out, _ = run_archive(project, "build")
        assert code == 0 and "2 events" in out
        records = _records(project)
        assert records["seeds/000_5d9b0c9880b52963.txt"]["event"] == "ev-kadhimi-statement"
        assert records["seeds/002_c645db0d12d9f96d.txt"]["event"] == SEED_EVENT
    assert (project / "site/events/ev-kadhimi-statement.html").exists()


def test_broken_event_files_are_reported_by_name_and_ignored(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "content/events/ev-typo.toml").write_text('titel_ar = "x"\n', encoding="utf-8")
    (project / "content/events/ev-a.toml").write_text('merge_into = "ev-b"\n', encoding="utf-8")
    (project / "content/events/ev-b.toml").write_text('merge_into = "ev-a"\n', encoding="utf-8")
    (project / "content/events/ev-bad-toml.toml").write_text('title_ar = \n', encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0 and "3 articles, 1 events" in out
    assert "content/events/ev-typo.toml: unknown key 'titel_ar'" in err
    assert "content/events/ev-bad-toml.toml: not valid TOML" in err
    assert "cycle" in err


def test_an_archivist_translation_shows_beside_the_original_in_the_other_interface(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    record = _records(project)["seeds/002_c645db0d12d9f96d.txt"]
    path = project / f"content/articles/{record['id']}.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "machine_checksum:", "title_en: Whoever cannot protect citizens should step down\n"
        "summary_en: Iraq's prime minister on the Baghdad bombing.\nmachine_checksum:", 1), encoding="utf-8")
    code, _, err = run_archive(project, "build")
    assert code == 0, err
    english = (project / f"site/en/articles/{record['id']}.html").read_text(encoding="utf-8")
    arabic = (project / f"site/articles/{record['id']}.html").read_text(encoding="utf-8")
    assert '<p class="translated-title">Whoever cannot protect citizens should step down</p>' in english
    assert "Iraq&#39;s prime minister on the Baghdad bombing." in english
    assert "من لا يستطيع حماية المواطنين عليه ان يتنحى من موقعه</h1>" in english  # the original stays
    assert "translated-title" not in arabic
    assert "Whoever cannot protect citizens" in (project / "site/en/index.html").read_text(encoding="utf-8")
    assert "title_en: Whoever" in path.read_text(encoding="utf-8")  # the edit is kept


def test_a_long_event_timeline_is_paginated(tmp_path):
    from generator.render.pagination import PAGE_SIZE

    project = copy_project(tmp_path / "p")
    for n in range(PAGE_SIZE + 5):  # reports pinned to the seeds' event by an archivist
        (project / f"seeds/pinned-{n:03d}.md").write_text(
            f'---\nid: "pinned-{n:03d}"\ntitle: "Report {n}"\nlanguage: "en"\ndate: "2021-01-23"\n'
            f'event: "{SEED_EVENT}"\n---\n\nDistinct report number {n} with its own words {n * 17}.\n', encoding="utf-8")
    assert run_archive(project, "build")[0] == 0
    first = (project / f"site/en/events/{SEED_EVENT}.html").read_text(encoding="utf-8")
    second = (project / f"site/en/events/{SEED_EVENT}/page/2/index.html").read_text(encoding="utf-8")
    assert f'rel="next" href="/en/events/{SEED_EVENT}/page/2/"' in first.replace("<link ", "")
    assert first.count('class="article-link"') == PAGE_SIZE
    assert second.count('class="article-link"') == 3 + 5  # the demo's three reports and the pinned ones
    assert "Page 2" in second
