"""A build killed while Pagefind indexes the site: Pagefind dies with it, and the next build is clean."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from reliability_helpers import debris, descendants_alive, env_with, make_site, run, wait_for

# Stands in for Pagefind: says its pid, kills the build that started it (as
# ``kill -9`` would, while the index is being written), then goes on writing
# into the folder it was given for a minute, unless it dies with the build.
FAKE_PAGEFIND = """\
import os, signal, sys, time
out = sys.argv[sys.argv.index("--output-path") + 1]
with open(os.environ["FAKE_PAGEFIND_PID"], "w") as fh:
    fh.write(str(os.getpid()))
os.kill(os.getppid(), signal.SIGKILL)
for i in range(600):
    time.sleep(0.1)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "fragment-%d" % i), "w") as fh:
        fh.write("late")
"""


def test_pagefind_dies_with_a_killed_build(tmp_path: Path) -> None:
    root = make_site(tmp_path / "root", 30)
    config = root / "digest.toml"
    config.write_text(config.read_text("utf-8").replace("search = false", "search = true"), "utf-8")
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!{sys.executable}\n{FAKE_PAGEFIND}", "utf-8")
    fake.chmod(0o755)
    pid_file = tmp_path / "pagefind.pid"
    env = env_with(PAGEFIND_BINARY_PATH=str(fake), FAKE_PAGEFIND_PID=str(pid_file))
    done = run("build", "--root", root, env=env, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    pid = int(pid_file.read_text())
    try:
        wait_for(lambda: not descendants_alive([pid]), "Pagefind to die with the build", timeout=10)
    finally:
        if descendants_alive([pid]):
            os.kill(pid, signal.SIGKILL)
    # The next build (without search) clears what the killed one left and writes nothing late.
    config.write_text(config.read_text("utf-8").replace("search = true", "search = false"), "utf-8")
    run("build", "--root", root)
    assert debris(root) == []
