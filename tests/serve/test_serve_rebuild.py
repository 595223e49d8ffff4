"""Rebuilds while serving write exactly what a fresh ``digest build`` writes."""
from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

from digest.build import build
from digest.config import load_config
from serve_helpers import REPO, SAMPLE, set_field


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_full_build(site: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    if fresh.exists():
        shutil.rmtree(fresh)
    build(load_config(site, output=fresh), use_cache=False)  # from nothing: no cache, no manifest
    served, expected = tree(site / "site"), tree(fresh)
    assert sorted(served) == sorted(expected)
    different = [name for name in expected if served[name] != expected[name]]
    assert different == []


def test_new_deleted_and_renamed_entries_update_every_page(site: Path, running, tmp_path: Path) -> None:
    content = site / "content"
    builds = 1

    def settle() -> None:
        nonlocal builds
        builds += 1
        running.wait_builds(builds)
        assert running.server.state.error is None
        builds = running.server.state.builds

    new = content / "2024" / "07" / "new-entry.md"
    new.parent.mkdir()
    shutil.copyfile(REPO / "content" / "2023/11/yavka-na-povtornyh-vyborah-v-mazhilis.md", new)
    settle()
    # The TASS report of a story already on the home page: named on its card, linked.
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "/2023/11/26/iavka-na-povtornykh-vyborakh-v-mazhilis-kazakhstana-sostavila-386/" in home
    assert_same_as_full_build(site, tmp_path)

    set_field(content / SAMPLE[0], "tags", "[Brand new tag]")
    settle()
    assert (site / "site" / "tags" / "brand-new-tag" / "feed.xml").is_file()
    assert_same_as_full_build(site, tmp_path)

    (content / SAMPLE[2]).unlink()
    settle()
    assert_same_as_full_build(site, tmp_path)

    os.rename(content / SAMPLE[3], content / "2024" / "07" / "moved.md")
    settle()
    assert_same_as_full_build(site, tmp_path)

    shutil.rmtree(content / "2024" / "07")  # a whole folder goes
    settle()
    assert_same_as_full_build(site, tmp_path)
    assert not filecmp.dircmp(site / "site", tmp_path / "fresh").diff_files


def test_the_search_index_follows_the_edits_in_the_background(tmp_path: Path, start_server) -> None:
    from digest.search import find_binary
    from serve_helpers import make_site

    if find_binary() is None:
        import pytest

        pytest.skip("the Pagefind binary is not installed")
    site = make_site(tmp_path / "searchable", "search = true\n")
    lines: list[str] = []
    running = start_server(site, report=lines.append)
    running.wait_until(lambda: any(line.startswith("indexed 5 pages") for line in lines), "the first index")
    new = site / "content" / "2024" / "07" / "kosshy.md"
    new.parent.mkdir()
    new.write_text("---\ntitle: A new polling station in Kosshy\ndate: 2024-07-01\n---\nA school hall.\n", "utf-8")
    running.wait_until(lambda: any(line.startswith("indexed 6 pages") for line in lines), "the index after an edit")
    assert (site / "site" / "pagefind" / "pagefind.js").is_file()
    assert not list((site / "site").glob(".pagefind-*"))  # no half-written bundle left behind
