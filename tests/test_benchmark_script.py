"""scripts/benchmark.py end to end on a small synthetic archive, with the real `archive build`: the
rebuilds asked for are run, the later ones reported with their median under the stage table (which
keeps the build and the first two rebuilds), and every measurement is kept in the JSON."""

from __future__ import annotations

import importlib.util
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_benchmark_rebuilds_as_often_as_asked_and_reports_the_later_ones(tmp_path):
    kept = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--synthetic", "40",
                             "--rebuild", "--rebuilds", "3", "--json", str(kept), "--workdir", str(tmp_path)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    runs = json.loads(kept.read_text(encoding="utf-8"))["runs"]
    assert list(runs) == ["build", "rebuild", "rebuild 2", "rebuild 3"]
    assert all(run["returncode"] == 0 for run in runs.values())
    assert result.stdout.count("added 10 articles; rebuilding") == 3
    later = re.search(r"Later rebuilds \(2, each after 10 more articles\): ([\d.]+) / ([\d.]+) s; "
                      r"median \*\*([\d.]+) s\*\*, least ([\d.]+) s", result.stdout)
    assert later, result.stdout[-3000:]
    walls = [runs[name]["wall"] for name in ("rebuild 2", "rebuild 3")]
    assert [float(later.group(1)), float(later.group(2))] == [round(wall, 1) for wall in walls]
    assert float(later.group(3)) == round(statistics.median(walls), 1)
    assert float(later.group(4)) == round(min(walls), 1)
    header = next(line for line in result.stdout.splitlines() if line.startswith("| stage |"))
    assert "rebuild 2 s" in header and "rebuild 3" not in header
    # The generator the builds ran, byte-compiled before them, as an installed package is.
    compiled = Path(re.search(r"generator byte-compiled in (.+) \(as pip install leaves it\)", result.stdout).group(1))
    assert compiled == Path(importlib.util.find_spec("generator").submodule_search_locations[0])
    for module in compiled.rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(module)))
        assert cached.is_file() and cached.stat().st_mtime >= module.stat().st_mtime, module


def test_the_benchmark_refuses_no_rebuilds():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "benchmark.py"), "--rebuild", "--rebuilds", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--rebuilds must be 1 or more" in result.stderr
