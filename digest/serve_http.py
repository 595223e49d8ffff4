"""The preview's HTTP side: map a request path to a file of the output folder, safely.

Only files below the output folder can be served: every path segment is decoded
once and ``.``/``..``, encoded slashes, NUL and hidden names are refused before
the file system is asked, and the resolved path (symlinks followed) must still
lie inside the folder. Only requests addressed to the preview itself are
answered (:func:`allowed_host`): a page elsewhere cannot read it through DNS
rebinding.
"""
from __future__ import annotations

import functools
import ipaddress
import json
import logging
import mimetypes
import os
import shutil
import socket
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import parse_qs, quote, unquote, urlsplit

from digest.livereload import ENDPOINT, inject

if TYPE_CHECKING:
    from digest.serve import PreviewServer

log = logging.getLogger(__name__)

LONG_POLL = 30.0  # seconds a live-reload request waits for a build
HTML = "text/html; charset=utf-8"
TYPES = {
    ".html": HTML,
    ".htm": HTML,
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
}
_SAFE = "!$&'()*+,;=:@-._~"  # characters kept as they are in a redirect's path
NOT_FOUND_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><h1>Page not found</h1><p>There is no page at this address.</p></body></html>
"""


def content_type(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in TYPES:
        return TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path, strict=True)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class Target:
    """Where a request path leads: a file (200), a redirect (301/302) or an error."""

    status: int
    file: str | None = None
    location: str | None = None


def resolve(raw_path: str, base_path: str, root: Path) -> Target:
    """Map the path of a request (still percent-encoded, no query) to a file below ``root``."""
    if not raw_path.startswith("/"):
        return Target(HTTPStatus.BAD_REQUEST)
    if not raw_path.startswith(base_path):
        if raw_path == "/" or raw_path + "/" == base_path:
            return Target(HTTPStatus.FOUND, location=base_path)
        return Target(HTTPStatus.NOT_FOUND)
    parts: list[str] = []
    for raw in raw_path[len(base_path):].split("/"):
        if not raw:
            continue
        try:
            part = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return Target(HTTPStatus.BAD_REQUEST)
        if part in (".", "..") or any(c in part for c in "/\\\0"):
            return Target(HTTPStatus.BAD_REQUEST)
        if part.startswith("."):
            return Target(HTTPStatus.NOT_FOUND)
        parts.append(part)
    top = os.path.realpath(root)
    real = os.path.realpath(os.path.join(top, *parts))
    if not _within(real, top):
        return Target(HTTPStatus.NOT_FOUND)
    if os.path.isdir(real):
        if not raw_path.endswith("/"):
            location = base_path + "".join(quote(p, safe=_SAFE) + "/" for p in parts)
            return Target(HTTPStatus.MOVED_PERMANENTLY, location=location)
        index = os.path.realpath(os.path.join(real, "index.html"))
        if _within(index, top) and os.path.isfile(index):
            return Target(HTTPStatus.OK, file=index)
        return Target(HTTPStatus.NOT_FOUND)
    if os.path.isfile(real) and not raw_path.endswith("/"):
        return Target(HTTPStatus.OK, file=real)
    return Target(HTTPStatus.NOT_FOUND)


def _within(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def allowed_host(header: str | None, served_host: str, port: int) -> bool:
    """Whether a request's ``Host`` header names this preview.

    A browser led by DNS rebinding to the preview (a name of the attacker's that
    now resolves to 127.0.0.1) sends that name. Accepted: no ``Host`` (HTTP/1.0
    clients; browsers always send one), an IP address, ``localhost`` and names
    under ``.localhost``, the ``--host`` given and, when that is every
    interface, this machine's own names; each with no port or this server's.
    """
    if header is None:
        return True
    text = header.strip().lower()
    name, colon, given = text.rpartition(":")
    if not colon or "]" in given:  # no port (an IPv6 address has colons of its own)
        name, given = text, ""
    if given and given != str(port):
        return False
    name = name.rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if not name:
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    return name == "localhost" or name.endswith(".localhost") or name in _served_names(served_host)


@functools.lru_cache(maxsize=8)
def _served_names(host: str) -> frozenset[str]:
    names = {host.strip("[]").lower().rstrip(".")}
    if host in ("", "0.0.0.0", "::"):  # every interface: this machine's names reach it too
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return frozenset(names)


def split_target(target: str) -> tuple[str, str]:
    """(path, query) of a request target, origin form (``/a?b``) or absolute form."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return parts.path or "/", parts.query
    path = target.split("#", 1)[0]
    path, _, query = path.partition("?")
    return path, query


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Connections the kernel keeps waiting to be accepted (the stdlib's 5 overflows
    # as soon as a page's requests and a few reloads arrive together).
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], preview: PreviewServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.preview = preview
        super().__init__(address, PreviewHandler)

    def handle_error(self, request, client_address) -> None:
        log.debug("request from %s failed", client_address, exc_info=True)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    server_version = "digest-serve"
    timeout = 60  # a client that sends nothing for this long is dropped
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the stdlib's name)
        log.debug("%s %s", self.address_string(), format % args)

    def _respond(self, send_body: bool) -> None:
        try:
            preview = self.server.preview
            if not allowed_host(self.headers.get("Host"), preview.host, self.server.server_address[1]):
                body = b"This preview answers only requests addressed to it (localhost or its --host).\n"
                self._send(HTTPStatus.MISDIRECTED_REQUEST, "text/plain; charset=utf-8", body if send_body else None,
                           len(body))
                return
            path, query = split_target(self.path)
            if path == ENDPOINT:
                self._livereload(query, send_body)
            else:
                self._file(path, query, send_body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away: %s", self.path)

    def _livereload(self, query: str, send_body: bool) -> None:
        since = parse_qs(query).get("since", [""])[0]
        snapshot = self.server.preview.state.wait_for_change(since, LONG_POLL)
        body = json.dumps({"token": snapshot.token, "error": snapshot.error, "pages": snapshot.pages}).encode("utf-8")
        self._send(HTTPStatus.OK, "application/json", body if send_body else None, len(body))

    def _file(self, path: str, query: str, send_body: bool) -> None:
        preview = self.server.preview
        data: bytes | None = None
        stream: BinaryIO | None = None
        with preview.state.reading() as snapshot:  # no build starts while a file is opened
            config = preview.config
            target = resolve(path, config.base_path, config.output_dir)
            status, name, kind = target.status, target.file, HTML
            if target.location is None and status != HTTPStatus.BAD_REQUEST:
                if name is None:
                    name = os.path.join(config.output_dir, "404.html")
                kind = content_type(name)
                try:
                    if kind == HTML:
                        with open(name, "rb") as fh:
                            data = fh.read()
                    else:
                        stream = open(name, "rb")  # noqa: SIM115 (read once the build lock is let go)
                except OSError:
                    status = HTTPStatus.NOT_FOUND
                    kind, data = HTML, NOT_FOUND_PAGE
        if target.location is not None:
            self.send_response(target.status)
            self.send_header("Location", target.location + (f"?{query}" if query else ""))
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
        elif stream is not None:
            with stream:
                size = os.fstat(stream.fileno()).st_size
                self._send(status, kind, None, size)
                if send_body:
                    shutil.copyfileobj(stream, self.wfile)
        elif data is not None:
            page = inject(data, snapshot)
            self._send(status, kind, page if send_body else None, len(page))
        else:
            body = b"bad request\n"
            self._send(status, "text/plain; charset=utf-8", body if send_body else None, len(body))

    def _send(self, status: int, kind: str, body: bytes | None, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body is not None:
            self.wfile.write(body)

