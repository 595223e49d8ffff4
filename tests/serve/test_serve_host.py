"""The preview answers only requests addressed to it (DNS rebinding), and keeps a long listen queue."""
from __future__ import annotations

import socket
import struct

import pytest

from digest.livereload import ENDPOINT
from digest.serve_http import allowed_host


def _get(port: int, target: str, host: str | None) -> tuple[int, bytes]:
    """One request with exactly this Host header (none when None)."""
    head = f"GET {target} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + "Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b"\r\n", 1)[0].split()[1]), data.partition(b"\r\n\r\n")[2]


def test_pages_answer_only_to_the_names_the_preview_is_served_as(running) -> None:
    port = running.server.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}",
                 f"digest.localhost:{port}", "127.0.0.1", "localhost", None):
        status, body = _get(port, "/", host)
        assert status == 200, host
        assert b"</html>" in body
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
                 f"localhost.evil.example:{port}", f"localhost:{port + 1}", "", f":{port}"):
        status, body = _get(port, "/", host)
        assert status == 421, host
        assert b"<html" not in body and b"Test digest" not in body
    # The live-reload endpoint (it says which pages changed) and the 404 page too.
    assert _get(port, f"{ENDPOINT}?since=", f"evil.example:{port}")[0] == 421
    assert _get(port, "/no/such/page/", f"evil.example:{port}")[0] == 421


def test_drafts_cannot_be_read_through_a_rebinding_name(site, start_server) -> None:
    draft = site / "content" / "2024" / "06" / "un-experts-review-ballot-scanning-pilot.md"
    draft.write_text(draft.read_text("utf-8").replace("\n---\n", "\ndraft: true\n---\n", 1), "utf-8")
    running = start_server(site, drafts=True)
    port = running.server.port
    status, body = _get(port, "/2024/06/", f"127.0.0.1:{port}")
    assert status == 200 and b"ballot" in body.lower()
    status, body = _get(port, "/2024/06/", f"attacker.example:{port}")
    assert status == 421 and b"ballot" not in body.lower()


@pytest.mark.parametrize(
    ("header", "served", "ok"),
    [
        ("preview.lan:8000", "preview.lan", True),  # the --host given
        ("PREVIEW.LAN.:8000", "preview.lan", True),
        ("preview.lan:8001", "preview.lan", False),
        ("other.lan:8000", "preview.lan", False),
        ("192.168.1.20:8000", "0.0.0.0", True),  # an address cannot be rebound
        ("[fe80::1]:8000", "::", True),
        (f"{socket.gethostname()}:8000", "0.0.0.0", True),  # every interface: the machine's name
        (f"{socket.gethostname()}:8000", "127.0.0.1", socket.gethostname().lower() == "localhost"),
        ("evil.example:8000", "0.0.0.0", False),
        ("localhost:8000", "127.0.0.1", True),
        ("a.b.localhost:8000", "127.0.0.1", True),
        ("localhost.example:8000", "127.0.0.1", False),
    ],
)
def test_allowed_host(header: str, served: str, ok: bool) -> None:
    assert allowed_host(header, served, 8000) is ok


def test_the_listen_queue_holds_many_waiting_connections(running) -> None:
    """The backlog the kernel was given (TCP_INFO of a listening socket: tcpi_sacked)."""
    info = running.server._httpd.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    backlog = struct.unpack_from("I", info, 28)[0]
    with open("/proc/sys/net/core/somaxconn") as fh:
        ceiling = int(fh.read())
    assert backlog == min(1024, ceiling)
    assert backlog >= 128
