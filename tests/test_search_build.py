"""The search index as part of ``digest build``: written with the site, kept
through incremental builds, skipped with one line when Pagefind is missing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digest import search
from digest.build import Builder, build
from digest.cli import main
from digest.config import load_config
from sitetools import SAMPLE_SITE

pytestmark = pytest.mark.skipif(search.find_binary() is None, reason="the Pagefind binary is not installed")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "r"
    shutil.copytree(SAMPLE_SITE, root, ignore=shutil.ignore_patterns("expected"))
    return root


def _indexed_pages(site: Path) -> int:
    return len(list((site / "pagefind").rglob("*.pf_fragment")))


def test_build_writes_the_index_and_says_so(root: Path, capsys) -> None:
    assert main(["build", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("indexed ") and " pages for search in " in out[1]
    site = root / "site"
    assert (site / "pagefind/pagefind.js").is_file()
    assert (site / "pagefind/pagefind-ui.js").is_file()
    # Only entry pages are indexed (lists would repeat every entry).
    entries = [p for p in site.glob("[0-9]*/[0-9]*/[0-9]*/*/index.html")]
    assert int(out[1].split()[1]) == len(entries) == _indexed_pages(site)


def test_an_incremental_build_updates_the_index(root: Path) -> None:
    config = load_config(root)
    first = build(config)
    assert first.search is not None and first.search.ok
    unchanged = build(config)
    assert unchanged.search is None  # no page changed: nothing to index
    assert (root / "site/pagefind/pagefind.js").is_file()

    new = root / "content/2024/new-entry.md"
    new.write_text("---\ntitle: Brand new entry\ndate: 2024-05-01\n---\nA zebra crossing.\n", "utf-8")
    again = build(config)
    assert not again.full and again.search is not None and again.search.ok
    assert again.search.pages == first.search.pages + 1
    assert _indexed_pages(root / "site") == again.search.pages


def test_no_search_leaves_the_bundle_out(root: Path, capsys) -> None:
    assert main(["build", "--root", str(root), "--no-search"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert not (root / "site/pagefind").exists()


def test_search_false_in_the_configuration(root: Path) -> None:
    (root / "digest.toml").write_text((root / "digest.toml").read_text("utf-8") + "search = false\n", "utf-8")
    result = build(load_config(root))
    assert result.search is None
    assert not (root / "site/pagefind").exists()


def test_a_missing_binary_skips_search_and_the_build_succeeds(root: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(search, "find_binary", lambda: None)
    assert main(["build", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "search skipped: the Pagefind binary is not installed (pip install 'pagefind[bin]')"
    assert (root / "site/index.html").is_file()
    assert (root / "site/search/index.html").is_file()  # the page says search is unavailable


def test_the_index_survives_a_rebuild_by_a_builder_kept_in_memory(root: Path) -> None:
    builder = Builder(load_config(root), autosave=False)
    builder.build()
    (root / "content/2024/new-entry.md").write_text("---\ntitle: Another\ndate: 2024-05-02\n---\nText.\n", "utf-8")
    result = builder.build()
    builder.close()
    assert result.search is not None and result.search.ok
    assert (root / "site/pagefind/pagefind.js").is_file()
