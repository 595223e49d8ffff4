"""``kill -9`` at every write step of a build: the next build writes what a clean build writes.

Each case kills a ``digest build`` subprocess at one named point
(``DIGEST_FAULT_KILL_AT``, see digest/faults.py), checks the output as the
kill left it, then builds again, and again after the content is put back:
the site must equal a clean ``--no-cache`` build of the content each time,
with no leftovers and no process of the killed build still running.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_helpers import (
    TIMEOUT, assert_same_tree, clean_tree, debris, entries, env_with, make_site, run, set_title, tree, wait_for,
)

from digest.faults import POINTS

N = 30  # entries: read and rendered in one process (test_kills_workers.py covers the workers)


class Contents:
    """Two states of a site's content, what a clean build writes for each, and a site to put them in."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        source = make_site(scratch / "source", N)
        self.config = (source / "digest.toml").read_text("utf-8")
        self.old = self._snapshot(source, "old")
        files = entries(source)
        for i, path in enumerate(files[-3:]):  # the newest: they are on the home page and in the feeds
            set_title(path, f"Edited title number {i}", 1_900_000_000 + i)
        files[5].unlink()
        added = source / "content" / "2024" / "12" / "a-new-entry.md"
        added.parent.mkdir(parents=True, exist_ok=True)
        added.write_text('---\ntitle: "A new entry"\ndate: 2024-12-30T10:00:00+06:00\ntags: [CEC]\n---\nNew text.\n', "utf-8")
        self.new = self._snapshot(source, "new")
        self.stamp = 1_950_000_000

    def _snapshot(self, source: Path, name: str) -> dict:
        content = self.scratch / f"content-{name}"
        shutil.copytree(source / "content", content)
        return {"content": content, "site": clean_tree(source, self.scratch / f"clean-{name}")}

    def site(self, root: Path, which: dict) -> Path:
        root.mkdir(parents=True)
        (root / "digest.toml").write_text(self.config, "utf-8")
        self.put(root, which)
        return root

    def put(self, root: Path, which: dict) -> None:
        """Make the content that state again, every file with a new modification time."""
        shutil.rmtree(root / "content", ignore_errors=True)
        shutil.copytree(which["content"], root / "content")
        for path in entries(root):
            self.stamp += 1
            os.utime(path, (self.stamp, self.stamp))


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> Contents:
    return Contents(tmp_path_factory.mktemp("states"))


def _killed_build(root: Path, point: str) -> None:
    done = run("build", "--root", root, env=env_with(DIGEST_FAULT_KILL_AT=point), check=False)
    assert done.returncode == -signal.SIGKILL, f"the build was not killed at {point}: {done.returncode}\n{done.stderr}"
    # No process of the killed build goes on writing (the workers die with it).
    wait_for(lambda: not _processes_on(root), "the killed build's processes to end", timeout=10)


def _processes_on(root: Path) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, ValueError):
            continue
        if str(root).encode() in cmdline and state != "Z":
            found.append(int(pid))
    return found


def _assert_each_file_whole(got: dict, old: dict, new: dict) -> None:
    """Every file is as one of the two clean builds has it; none that both have is missing."""
    for path, digest in got.items():
        assert digest in (old.get(path), new.get(path)), f"{path} is neither the old nor the new file"
    lost = sorted((old.keys() & new.keys()) - got.keys())
    assert not lost, f"files lost: {lost[:5]}"


def _assert_recovers(root: Path, states: Contents, now: dict, then: dict) -> None:
    """The next build of the content ``now`` writes the clean site; so does the one after the content becomes ``then``."""
    states.put(root, now)
    run("build", "--root", root)
    assert_same_tree(tree(root / "site"), now["site"], "the build after the kill")
    assert debris(root) == []
    states.put(root, then)
    run("build", "--root", root)
    assert_same_tree(tree(root / "site"), then["site"], "the content changed again")


EDIT_POINTS = ["entries-saved", "pack-written", "index-written", "staged", "staged:3", "journal-written",
               "replaced", "replaced:4", "removed", "written", "manifest-saved"]
COLD_POINTS = ["entries-saved", "pack-written", "index-written", "staged", "staged:50", "swap", "swapped",
               "written", "manifest-saved"]


def test_every_point_is_tried() -> None:
    named = {p.partition(":")[0] for p in EDIT_POINTS + COLD_POINTS}
    assert named == set(POINTS)


@pytest.mark.parametrize("point", EDIT_POINTS)
def test_kill_during_an_incremental_build(tmp_path: Path, states: Contents, point: str) -> None:
    root = states.site(tmp_path / "root", states.old)
    run("build", "--root", root)
    assert_same_tree(tree(root / "site"), states.old["site"], "before")
    states.put(root, states.new)
    _killed_build(root, point)
    # The kill leaves the site: every file whole, old or new.
    _assert_each_file_whole(tree(root / "site"), states.old["site"], states.new["site"])
    # The edit taken back at once: the pages the killed build changed must show the old titles again.
    _assert_recovers(root, states, states.old, states.new)


@pytest.mark.parametrize("point", COLD_POINTS)
def test_kill_during_a_first_build(tmp_path: Path, states: Contents, point: str) -> None:
    root = states.site(tmp_path / "root", states.new)
    _killed_build(root, point)
    site = root / "site"
    if site.exists():  # never half a site: either none yet, or all of it
        assert_same_tree(tree(site), states.new["site"], "after the kill")
    _assert_recovers(root, states, states.new, states.old)


def test_kill_during_a_full_build_over_a_site(tmp_path: Path, states: Contents) -> None:
    """The swap of a full build never leaves the site missing, even killed half way."""
    root = states.site(tmp_path / "root", states.old)
    run("build", "--root", root)
    states.put(root, states.new)
    for point in ("swap", "swapped"):
        done = run("build", "--root", root, "--no-cache", env=env_with(DIGEST_FAULT_KILL_AT=point), check=False)
        assert done.returncode == -signal.SIGKILL, done.stderr
        got = tree(root / "site")  # there is a site, all old or all new
        assert got in (states.old["site"], states.new["site"]), point
    _assert_recovers(root, states, states.new, states.old)


# A build whose kernel cannot exchange two folders: ``exchange`` answers False, as it does
# where renameat2 is missing or the file system refuses RENAME_EXCHANGE.
NO_EXCHANGE = ("import runpy, digest.output as o; o.exchange = lambda a, b: False; "
               "runpy.run_module('digest', run_name='__main__')")


def test_a_kill_between_the_two_renames_of_the_fallback_swap(tmp_path: Path, states: Contents) -> None:
    """Without the exchange the swap is two renames, with a moment of no site between
    them; a kill there leaves the old site in a scratch folder, and the next build puts
    it back before anything else (a preview sees it again), then builds."""
    root = states.site(tmp_path / "root", states.old)
    run("build", "--root", root)
    states.put(root, states.new)
    done = subprocess.run([sys.executable, "-c", NO_EXCHANGE, "build", "--root", str(root), "--no-cache"],
                          capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                          env=env_with(DIGEST_FAULT_KILL_AT="swapped"))
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert not (root / "site").exists()  # the moment the exchange avoids
    _killed_build(root, "entries-saved")  # the next build, killed at its first step:
    assert tree(root / "site") == states.old["site"]  # it had put the old site back
    _assert_recovers(root, states, states.new, states.old)
    assert debris(root) == []
