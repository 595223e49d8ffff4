"""Crawl archives for the tests, built with warcio from the project's own fixture pages.

``Fetch`` describes one record; ``write_warc`` writes WARC files (gzipped per record or
plain) and ``write_arc`` ARC files (warcio reads ARC but does not write it, so the
few ARC lines are written here).
"""
from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HTML = sorted((FIXTURES / "html").glob("*.html"))
DUMPS = sorted((FIXTURES / "pages").glob("*.txt"))


@dataclass
class Fetch:
    """One record: a response by default."""

    url: str
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    date: str = "2024-03-01T10:00:00Z"
    kind: str = "response"
    headers: list[tuple[str, str]] = field(default_factory=list)


def html_fetch(page: Path, url: str, **kw) -> Fetch:
    return Fetch(url, page.read_bytes(), **kw)


def dump_fetch(page: Path, url: str, **kw) -> Fetch:
    kw.setdefault("content_type", "text/plain; charset=utf-8")
    return Fetch(url, page.read_bytes(), **kw)


def write_warc(path: Path, fetches: list[Fetch], *, gzipped: bool = True, version: str = "WARC/1.1") -> list[int]:
    """Write the records; returns each record's offset."""
    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped, warc_version=version)
        for fetch in fetches:
            offsets.append(fh.tell())
            writer.write_record(_record(writer, fetch))
    return offsets


def _record(writer: WARCWriter, f: Fetch):
    warc_headers = {"WARC-Date": f.date}
    if f.kind == "response":
        http = StatusAndHeaders(f.status, [("Content-Type", f.content_type), *f.headers], protocol="HTTP/1.1")
        return writer.create_warc_record(f.url, "response", payload=io.BytesIO(f.body), http_headers=http,
                                         warc_headers_dict=warc_headers)
    if f.kind == "request":
        http = StatusAndHeaders(f"GET {f.url} HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        return writer.create_warc_record(f.url, "request", payload=io.BytesIO(b""), http_headers=http,
                                         warc_headers_dict=warc_headers)
    if f.kind == "revisit":
        http = StatusAndHeaders(f.status, [("Content-Type", f.content_type)], protocol="HTTP/1.1")
        return writer.create_revisit_record(f.url, digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                            refers_to_uri=f.url, refers_to_date=f.date, http_headers=http)
    if f.kind == "metadata":
        return writer.create_warc_record(f.url, "metadata", payload=io.BytesIO(b"outlinks: none\r\n"),
                                         warc_content_type="application/warc-fields",
                                         warc_headers_dict=warc_headers)
    raise ValueError(f.kind)


def write_arc(path: Path, fetches: list[Fetch], *, gzipped: bool = True) -> list[int]:
    """An ARC (version 1) file: a ``filedesc`` record, then one record per response."""
    offsets = []
    desc = b"1 0 digest-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://test.arc 0.0.0.0 20240301100000 text/plain %d\n%s" % (len(desc), desc)]
    for f in fetches:
        http = (f"HTTP/1.1 {f.status}\r\nContent-Type: {f.content_type}\r\n"
                f"Content-Length: {len(f.body)}\r\n\r\n").encode("latin-1") + f.body
        stamp = f.date.replace("-", "").replace(":", "").replace("T", "")[:14]
        media = f.content_type.split(";")[0]
        records.append(f"{f.url} 192.0.2.1 {stamp} {media} {len(http)}\n".encode("latin-1") + http)
    with open(path, "wb") as fh:
        for record in records:
            offsets.append(fh.tell())
            data = record + b"\n"
            fh.write(gzip.compress(data) if gzipped else data)
    return offsets[1:]
