"""A damaged build cache is noticed, dropped and rebuilt: it never changes what a build writes."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from reliability_helpers import assert_same_tree, clean_tree, entries, make_site, run, set_title, tree

N = 30


def _one(cache: Path, pattern: str) -> Path:
    found = sorted(cache.glob(pattern))
    assert found, f"no {pattern} in {cache}"
    return max(found, key=lambda p: p.stat().st_size)


def _overwrite(path: Path, at: float, data: bytes) -> None:
    raw = bytearray(path.read_bytes())
    start = int(len(raw) * at)
    raw[start : start + len(data)] = data
    path.write_bytes(bytes(raw))


def _cut(path: Path, keep: float) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep)])


DAMAGE = {
    "pack cut short": lambda c: _cut(_one(c, "bodies-*.pack"), 0.5),
    "pack overwritten": lambda c: _overwrite(_one(c, "bodies-*.pack"), 0.4, b"<script>alert(1)</script>"),
    "pack not UTF-8": lambda c: _overwrite(_one(c, "bodies-*.pack"), 0.6, b"\xff\xfe\xc3"),
    "pack deleted": lambda c: _one(c, "bodies-*.pack").unlink(),
    "segment overwritten": lambda c: _overwrite(_one(c, "entries-*.pickle"), 0.5, b"\x00" * 16),
    "segment deleted": lambda c: _one(c, "entries-*.pickle").unlink(),
    "index cut short": lambda c: _cut(c / "entries.pickle", 0.7),
    "manifest overwritten": lambda c: _overwrite(c / "manifest.pickle", 0.5, b"junk" * 8),
    "manifest replaced by junk": lambda c: (c / "manifest.pickle").write_bytes(os.urandom(300)),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_cache_is_dropped_with_one_line(tmp_path: Path, damage: str) -> None:
    root = make_site(tmp_path / "root", N)
    run("build", "--root", root)
    want = clean_tree(root, tmp_path / "clean")
    DAMAGE[damage](root / ".digest-cache")
    shutil.rmtree(root / "site")  # so the build renders every page, with every body
    done = run("build", "--root", root)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: the build cache is damaged ("), done.stderr
    assert_same_tree(tree(root / "site"), want, damage)
    # The cache is whole again: the next build uses it and says nothing.
    set_title(entries(root)[-1], "After the cache was rebuilt", 2_000_000_000)
    again = run("build", "--root", root)
    assert again.stderr.strip() == "" and "incremental" in again.stdout, again.stderr + again.stdout
    assert_same_tree(tree(root / "site"), clean_tree(root, tmp_path / "clean-2"), damage)


def test_a_damaged_pack_is_noticed_by_an_incremental_build(tmp_path: Path) -> None:
    """One edit: the feeds show the newest entries' bodies, read from the pack."""
    root = make_site(tmp_path / "root", N)
    run("build", "--root", root)
    pack = _one(root / ".digest-cache", "bodies-*.pack")
    pack.write_bytes(pack.read_bytes().replace(b"e", b"E"))  # same length, other bytes
    set_title(entries(root)[-1], "An edit after the damage", 2_000_000_000)
    done = run("build", "--root", root)
    assert done.stderr.startswith("warning: the build cache is damaged ("), done.stderr
    assert_same_tree(tree(root / "site"), clean_tree(root, tmp_path / "clean"))
