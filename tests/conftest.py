"""Shared fixtures: a copy of the project's data that a test may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """data/raw, data/reference and the corrections ledger, copied to a temporary folder."""
    target = tmp_path / "data"
    for name in ("raw", "reference"):
        shutil.copytree(DATA / name, target / name)
    shutil.copy(DATA / "corrections.csv", target / "corrections.csv")
    return target
