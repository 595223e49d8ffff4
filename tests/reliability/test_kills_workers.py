"""A build killed while its worker processes render: they die with it, and the next build is clean."""
from __future__ import annotations

import signal
from pathlib import Path

from reliability_helpers import assert_same_tree, clean_tree, debris, env_with, make_site, run, tree, wait_for
from test_kills import _processes_on

N = 450  # enough entries for the build to read and render in worker processes


def test_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    root = make_site(tmp_path / "root", N)
    # A worker kills the build's main process at its 30th page; the other worker
    # was half way through its own share.
    done = run("build", "--root", root, env=env_with(DIGEST_FAULT_KILL_AT="staged:30"), check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    wait_for(lambda: not _processes_on(root), "the workers to end", timeout=3)
    assert not (root / "site").exists()
    run("build", "--root", root)
    assert debris(root) == []
    assert_same_tree(tree(root / "site"), clean_tree(root, tmp_path / "clean"))
