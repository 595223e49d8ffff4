"""``digest serve`` as editors run it: prints its URL, stops cleanly on Ctrl-C, says why it cannot start."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from digest.config import load_config
from digest.serve import PreviewServer, _on_sigterm
from serve_helpers import REPO, SAMPLE, TIMEOUT
from sitetools import served_url


def start_cli(root: Path, *args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--root", str(root), "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    return proc, served_url(proc, TIMEOUT)


def test_ctrl_c_stops_the_server_with_status_0(site: Path) -> None:
    proc, url = start_cli(site)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and b"Test digest" in resp.read()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(TIMEOUT) == 0
        stderr = proc.stderr.read()
        assert "Traceback" not in stderr and "ERROR" not in stderr, stderr
    finally:
        proc.kill()
        proc.wait()


def test_sigterm_stops_the_server_with_status_0(site: Path) -> None:
    proc, _ = start_cli(site)
    try:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(TIMEOUT) == 0
    finally:
        proc.kill()
        proc.wait()


def test_a_port_in_use_is_an_error_line(site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "digest", "serve", "--root", str(site), "--port", str(port)],
            capture_output=True, text=True, timeout=TIMEOUT,
        )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(choose another --port, or 0 for any free one)"
    )


def test_stop_ends_every_thread(site: Path) -> None:
    before = {t.ident for t in threading.enumerate()}
    server = PreviewServer(load_config(site), port=0)
    server.start()
    with urllib.request.urlopen(server.url, timeout=10) as resp:
        resp.read()
    server.stop()
    assert server.threads_alive() == []
    left = [t.name for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    assert left == []


def test_a_site_built_by_a_worker_pool_starts_and_stops(tmp_path: Path) -> None:
    """The build may fork workers; they must not inherit serve's SIGTERM handling."""
    root = tmp_path / "big"
    source = (REPO / "content" / SAMPLE[0]).read_text(encoding="utf-8")
    for i in range(600):
        target = root / "content" / f"{i % 12 + 1:02d}" / f"entry-{i}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.replace('title: "', f'title: "{i} ', 1), encoding="utf-8")
    proc, url = start_cli(root)
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(TIMEOUT) == 0
    finally:
        proc.kill()
        proc.wait()


def test_sigterm_stops_serve_but_still_ends_a_forked_worker() -> None:
    stopping = threading.Event()
    previous = _on_sigterm(stopping)
    try:
        pid = os.fork()
        if pid == 0:  # a worker of the build's pool, which ends its workers with SIGTERM
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)
            os._exit(3)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
        assert not stopping.is_set()
        os.kill(os.getpid(), signal.SIGTERM)
        assert stopping.wait(TIMEOUT)
    finally:
        signal.signal(signal.SIGTERM, previous)
