"""Shared fixtures: copies of the sample site under tests/, built into tmp_path."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from digest.build import build
from digest.config import load_config

TESTS = Path(__file__).resolve().parent
SAMPLE_SITE = TESTS / "sample_site"


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the sha256 of its bytes (and its mtime)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(folder).as_posix()] = f"{hashlib.sha256(data).hexdigest()} {path.stat().st_mtime_ns}"
    return out


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A private copy of tests/sample_site (its content and config, not expected/)."""
    root = tmp_path / "site-root"
    shutil.copytree(SAMPLE_SITE, root, ignore=shutil.ignore_patterns("expected"))
    return root


@pytest.fixture
def built_sample(sample_root: Path) -> Path:
    """The sample site built once into ROOT/site; returns the output folder."""
    build(load_config(sample_root))
    return sample_root / "site"
