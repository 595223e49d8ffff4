"""``digest serve`` as editors run it: prints its URL, stops cleanly on Ctrl-C, says why it cannot start."""
from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from digest.config import load_config
from digest.serve import PreviewServer
from serve_helpers import TIMEOUT


def start_cli(root: Path, *args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--root", str(root), "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if "http://" in line:
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(TIMEOUT):
        proc.kill()
        raise AssertionError(f"no URL printed: {lines!r} {proc.stderr.read()!r}")
    url = re.search(r"http://\S+", "".join(lines)).group(0)
    return proc, url


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
