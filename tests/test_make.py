"""The Makefile's recipes, run by real make on a copy of it, with the programs they call
replaced by scripts that record their arguments: a folder name is one argument, never
a command, and `make lab` starts as root too, on 127.0.0.1 only."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, unavailable

RECORD = """#!/bin/sh
# Records its arguments, one per NUL-terminated field.
printf '%s\\0' "$@" > "$(dirname "$0")/../../args-$(basename "$0")"
"""
# Refuses root without --allow-root, as JupyterLab does.
JUPYTER = (
    RECORD
    + """for arg in "$@"; do [ "$arg" = --allow-root ] && exit 0; done
if [ "$(id -u)" = 0 ]; then
  echo "Running as root is not recommended. Use --allow-root to bypass." >&2; exit 1
fi
"""
)
# Targets make takes as up to date: the set-up and the build are not under test here.
SET_UP_DONE = ("-o", "report", "-o", ".venv/.installed", "-o", ".venv-lab/.installed")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The Makefile in an empty folder, with a fake report-lib and a fake JupyterLab."""
    if shutil.which("make") is None:
        unavailable("make is missing")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for folder in ("data/raw", "data/reference", ".venv/bin", ".venv-lab/bin", "fake-bin"):
        (tmp_path / folder).mkdir(parents=True)
    for script, text in ((".venv/bin/report-lib", RECORD), (".venv-lab/bin/jupyter", JUPYTER)):
        (tmp_path / script).write_text(text)
        (tmp_path / script).chmod(0o755)
    return tmp_path


def _make(checkout: Path, *args: str, uid: int = 0) -> subprocess.CompletedProcess:
    """make with its set-up targets taken as done, and `id -u` answering `uid`."""
    fake_id = checkout / "fake-bin" / "id"
    fake_id.write_text(f'#!/bin/sh\n[ "$1" = -u ] && echo {uid} && exit 0\nexec /usr/bin/id "$@"\n')
    fake_id.chmod(0o755)
    env = {**os.environ, "PATH": f"{checkout / 'fake-bin'}:{os.environ['PATH']}"}
    env.pop("PUBLISH_DIR", None)
    return subprocess.run(
        ["make", "--no-print-directory", *SET_UP_DONE, *args],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _args(checkout: Path, program: str) -> list[str]:
    return (checkout / f"args-{program}").read_text().split("\0")[:-1]


@pytest.mark.parametrize(
    "folder",
    [
        "my site",
        "x; touch injected",
        "$(shell touch injected)",
        "`touch injected`",
        "a$b'\"c",
        "-x",
    ],
)
def test_publish_dir_is_one_argument_never_a_command(checkout, folder):
    made = _make(checkout, "publish", f"PUBLISH_DIR={folder}")
    assert made.returncode == 0, made.stderr
    assert _args(checkout, "report-lib")[-1] == folder
    assert "publish" in _args(checkout, "report-lib")
    assert not (checkout / "injected").exists()


def test_publish_dir_from_the_environment_is_one_argument(checkout):
    env_folder = "site; touch injected"
    made = subprocess.run(
        ["make", *SET_UP_DONE, "publish"],
        cwd=checkout,
        env={**os.environ, "PUBLISH_DIR": env_folder},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    assert _args(checkout, "report-lib")[-1] == env_folder
    assert not (checkout / "injected").exists()


def test_rollback_names_the_folder_as_one_argument(checkout):
    made = _make(checkout, "rollback", "PUBLISH_DIR=my site")
    assert made.returncode == 0, made.stderr
    assert _args(checkout, "report-lib")[-3:] == ["--rollback", "--", "my site"]


@pytest.mark.parametrize("uid", [0, 1000])
def test_lab_starts_on_localhost_as_root_or_not(checkout, uid):
    made = _make(checkout, "lab", uid=uid)
    assert made.returncode == 0, made.stdout + made.stderr
    args = _args(checkout, "jupyter")
    assert args[0] == "lab" and "--ip=127.0.0.1" in args
    assert ("--allow-root" in args) == (uid == 0)
    assert "http://127.0.0.1:8888/lab" in made.stdout


@pytest.mark.parametrize(
    "name", ["people daily 2024", "a:b", "x%y", "x#y", "q$(shell touch injected)"]
)
def test_a_source_folder_name_make_cannot_take_still_reaches_the_data_step(checkout, name):
    """make splits prerequisites at spaces and reads ':' and '%' in them: such a folder
    must not stop make with its own message, but reach the data step, which names it."""
    (checkout / "data" / "raw" / name).mkdir()
    (checkout / "data" / "corrections.csv").write_text("")
    made = _make(checkout, ".venv/.data")
    assert made.returncode == 0, made.stderr
    assert _args(checkout, "report-lib") == ["data"]
    assert not (checkout / "injected").exists()
