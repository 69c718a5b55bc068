"""The benchmark's own code on tiny inputs: the floor runs a report's code, the memory
sampler sees every process of a tree at its peak and names its role, the report reads
its results. The benchmark itself is `make bench`, never a timed test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from report_lib.build import bench
from report_lib.build.reports import load_reports
from report_lib.language import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
GROW_MB = 64


def test_the_floor_runs_each_report_s_code(tmp_path):
    layout = bench._copy_project(ROOT, tmp_path / "p", only=["appendix", "overview"])
    floor = bench.floor(layout)
    assert floor["seconds"] > floor["imports_s"] > 0 and floor["per_report_s"] > 0
    assert list((tmp_path / "p" / "floor" / "overview").glob("*.csv")), "charts were made"


def test_the_scale_series_repeats_the_generated_crime_profiles(tmp_path):
    """The crime profiles come from a rule of reports.yml: the series must expand it, and
    count the reports the build makes, not the entries of the list."""
    layout = bench._copy_project(ROOT, tmp_path / "p")
    profiles = [
        r for r in load_reports(layout.report_list) if r.notebook.name == "crime_profile.ipynb"
    ]
    made = bench._scaled(layout, len(profiles) + 2)
    scaled = load_reports(layout.report_list)
    subjects = (len(profiles) + 2) // len(LANGUAGES)
    assert len(scaled) == made == subjects * len(LANGUAGES)
    for lang in LANGUAGES:  # each report in every language, as the build makes them
        mine = [r.id for r in scaled if r.lang == lang]
        assert mine == [f"profile-{i:03d}" for i in range(subjects)]
    assert {r.notebook.name for r in scaled} == {"crime_profile.ipynb"}
    assert {r.parameters["crime"] for r in scaled} == {r.parameters["crime"] for r in profiles}


def test_only_keeps_generated_reports_too(tmp_path):
    generated = next(
        r.id for r in load_reports(ROOT / "notebooks" / "reports.yml") if r.id.startswith("crime-")
    )
    layout = bench._copy_project(ROOT, tmp_path / "p", only=["overview", generated])
    assert {r.id for r in load_reports(layout.report_list)} == {"overview", generated}


def test_memory_is_sampled_per_process_at_its_peak(tmp_path):
    """A parent whose short-lived child grows by GROW_MB, then frees it: the child is
    counted at its peak, as a process of its own, apart from its parent."""
    child = (
        f"import time; b = bytearray({GROW_MB} << 20); b[::4096] = b'x' * len(b[::4096]); "
        "del b; time.sleep(1)"
    )
    parent = (
        "import subprocess, sys, time\n"
        "time.sleep(0.3)\n"
        f"subprocess.run([sys.executable, '-c', {child!r}, 'child'], check=True)\n"
        "time.sleep(0.3)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", parent])
    with bench.Usage(process.pid) as memory:
        process.wait()
    roles = memory.by_role()
    assert roles["build"]["processes"] == 1
    (other,) = [r for name, r in roles.items() if name.startswith("other")]
    assert other["processes"] == 1 and other["peak_rss_mb"] > GROW_MB
    assert roles["build"]["peak_rss_mb"] < GROW_MB


def test_a_command_s_cpu_counts_descendants_no_one_waits_for(tmp_path):
    """The build's CPU is mostly its kernels' and Chromium's, whose parents are killed
    rather than wait for them: a grandchild never waited for must count, by its role."""
    done = tmp_path / "burnt"
    burn = (
        "import pathlib, time\nend = time.process_time() + 0.6\n"
        "while time.process_time() < end: pass\n"
        f"pathlib.Path({str(done)!r}).touch()\ntime.sleep(1)"
    )
    child = (
        "import os, pathlib, subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', {burn!r}])\n"
        # However loaded the machine, the burner has burnt when its parent leaves,
        # and has been seen since (the sampler looks every 50 ms).
        f"while not pathlib.Path({str(done)!r}).exists(): time.sleep(0.05)\n"
        "time.sleep(0.3)\n"
        "os._exit(0)\n"  # never waits: the burner's time is not the parent's to count
    )
    result = bench.measured([sys.executable, "-c", child], tmp_path)
    assert result["cpu_s"] >= 0.5
    (other,) = [r for name, r in result["memory"].items() if name.startswith("other")]
    assert other["processes"] == 1 and other["cpu_s"] >= 0.5


def test_the_report_names_the_four_ways_and_the_scale_series():
    scale = {
        "seconds": 20.0,
        "per_report_s": 2.0,
        "cpu_s": 36.0,
        "memory": {"build": {"peak_rss_mb": 80}},
    }
    results = {
        "reports": 7,
        "cpus": 2,
        "load_before": (0.1, 0, 0),
        "load_after": (0.2, 0, 0),
        "naive_s": 40.0,
        "kernel_build_s": 12.0,
        "zygote_build_s": 8.0,
        "floor_s": 4.0,
        "noop_s": 0.2,
        "touch_one_s": 3.0,
        "floor": {"imports_s": 0.8, "per_report_s": 0.44},
        "kernel_start": {"kernel_s": 1.07, "zygote_s": 0.42},
        "cpu_s": {"kernel_build": 20.5, "zygote_build": 14.25},
        "scale": [
            {**scale, "reports": 10},
            {**scale, "reports": 20, "marginal_s": 1.0, "marginal_cpu_s": 1.75},
        ],
    }
    for key in ("kernel_build_s", "zygote_build_s", "floor_s"):
        results[key.replace("_s", "_ratio")] = results[key] / results["naive_s"]
    text = bench.report(results)
    assert "(0.30)" in text and "(0.20)" in text and "(0.10)" in text
    assert "marginal 1.00 s (1.75 s of CPU)" in text and "build 80" in text
    assert "20.5 s of CPU" in text and "14.2 s of CPU" in text
