"""Shared fixtures: copies of the sample site under tests/, built into tmp_path."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digest.build import build
from digest.config import load_config
from sitetools import SAMPLE_SITE


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A private copy of tests/sample_site (its content and config, not expected/)."""
    root = tmp_path / "site-root"
    shutil.copytree(SAMPLE_SITE, root, ignore=shutil.ignore_patterns("expected"))
    return root


@pytest.fixture
def built_sample(sample_root: Path) -> Path:
    """The sample site built once into ROOT/site; returns the output folder.

    Without the search index: the bundle is Pagefind's output, not ours
    (tests/test_search_build.py covers it).
    """
    build(load_config(sample_root), search=False)
    return sample_root / "site"
