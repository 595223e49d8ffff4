"""Shared fixtures: copies of the sample site under tests/, built into tmp_path."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitetools import CHROMIUM, CHROMIUM_ARGS, SAMPLE_SITE, missing

from digest.build import build
from digest.config import load_config


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


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session, driven by Playwright (one sync
    Playwright per thread is all it allows); skips where either is missing, fails in CI."""
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("no playwright: pip install playwright")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
