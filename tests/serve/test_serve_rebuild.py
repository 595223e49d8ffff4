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
