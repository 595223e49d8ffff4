"""Serving the output folder: content types, folders, 404, sub-paths, and nothing outside it."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from digest.livereload import ENDPOINT
from digest.serve_http import resolve
from serve_helpers import make_site

SECRET = "TOP-SECRET-7f3a"


@pytest.fixture
def secret(site: Path) -> Path:
    """A file beside the output folder, and one beside the site root: neither may be served."""
    (site / "secret.txt").write_text(SECRET, encoding="utf-8")
    (site.parent / "secret.txt").write_text(SECRET, encoding="utf-8")
    return site / "secret.txt"


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """Send the request line exactly as given (no client-side normalisation)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status_line = data.split(b"\r\n", 1)[0]
    return int(status_line.split()[1]), data


def test_html_is_utf8_and_carries_the_reload_script(running) -> None:
    status, headers, body = running.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body)
    assert ENDPOINT.encode() in body
    assert body.rstrip().endswith(b"</html>")


def test_the_script_is_never_written_into_the_output_folder(site: Path, running) -> None:
    for page in (site / "site").rglob("*.html"):
        assert b"__digest__" not in page.read_bytes(), page


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/rss.xml", "application/xml; charset=utf-8"),
        ("/tags/un/feed.xml", "application/xml; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/tags/", "text/html; charset=utf-8"),
        ("/2023/03/", "text/html; charset=utf-8"),
    ],
)
def test_content_types(running, path: str, kind: str) -> None:
    status, headers, body = running.get(path)
    assert (status, headers["content-type"]) == (200, kind)
    if kind.startswith("application/xml"):
        assert body.startswith(b"<?xml") and ENDPOINT.encode() not in body


def test_static_files_of_the_site_are_served_with_their_type(site: Path, start_server) -> None:
    (site / "static").mkdir()
    (site / "static" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (site / "static" / "data.bin").write_bytes(b"\x00\x01")
    running = start_server(site)
    assert running.get("/logo.svg")[1]["content-type"] == "image/svg+xml"
    assert running.get("/data.bin")[1]["content-type"] == "application/octet-stream"


def test_a_folder_without_slash_redirects(running) -> None:
    status, headers, _ = running.get("/tags")
    assert (status, headers["location"]) == (301, "/tags/")
    status, headers, _ = running.get("/2023/03?x=1")
    assert (status, headers["location"]) == (301, "/2023/03/?x=1")


def test_head_sends_headers_only(running) -> None:
    status, headers, body = running.get("/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000


def test_missing_page_gets_the_sites_404_page(running) -> None:
    status, headers, body = running.get("/no/such/page/")
    assert status == 404
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"Page not found" in body and b"Test digest" in body  # the site's own 404.html
    assert ENDPOINT.encode() in body
    assert running.get("/index.html/")[0] == 404  # a file is not a folder
    assert running.get("/.digest-output")[0] == 404  # hidden files are not served


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/static/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/static%2f..%2f..%2fsecret.txt",
        "/%2fetc%2fpasswd",
        "/..%5csecret.txt",
        "/static/..\\..\\secret.txt",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/" + "/".join([".."] * 12) + "/etc/passwd",
        "http://127.0.0.1/../secret.txt",
        "/%00/secret.txt",
        "/%ff%fe/secret.txt",
        "secret.txt",
    ],
)
def test_nothing_outside_the_output_folder_is_served(running, secret: Path, target: str) -> None:
    status, data = raw_get(running.server.port, target)
    assert status in (400, 404), data[:200]
    assert SECRET.encode() not in data and b"root:x:0:0" not in data


def test_symlinks_out_of_the_output_folder_are_not_followed(site: Path, running, secret: Path) -> None:
    out = site / "site"
    os.symlink(secret, out / "leak.txt")
    os.symlink(site, out / "leakdir")
    for target in ("/leak.txt", "/leakdir/secret.txt", "/leakdir/"):
        status, data = raw_get(running.server.port, target)
        assert status == 404 and SECRET.encode() not in data, target


def test_resolve_keeps_inside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("x")
    assert resolve("/a/", "/", out).file == os.path.realpath(out / "a" / "index.html")
    assert resolve("/a", "/", out).location == "/a/"
    assert resolve("/a/../a/", "/", out).status == 400
    assert resolve("/%61/", "/", out).file is not None  # %61 is 'a'
    assert resolve("/x/a/", "/x/", out).file is not None
    assert resolve("/a/", "/x/", out).status == 404


def test_base_url_with_a_sub_path_serves_the_site_under_it(tmp_path: Path, start_server) -> None:
    root = make_site(tmp_path / "sub", 'base_url = "https://example.org/digest/"\n')
    running = start_server(root)
    assert running.server.url.endswith("/digest/")
    status, headers, body = running.get("/digest/")
    assert status == 200 and b'href="/digest/static/style.css"' in body
    assert running.get("/digest/static/style.css")[0] == 200
    assert running.get("/")[:2][0] == 302 and running.get("/")[1]["location"] == "/digest/"
    assert running.get("/digest")[1]["location"] == "/digest/"
    assert running.get("/digest/tags")[1]["location"] == "/digest/tags/"
    assert running.get("/static/style.css")[0] == 404
    status, _, body = running.get("/digest/nothing-here/")
    assert status == 404 and b"Page not found" in body
