"""Crawl archives (WARC 1.0/1.1 and ARC, gzipped per record or not) → pages.

``read_archive`` streams an archive record by record with warcio and yields, in
file order:

* a ``CrawledPage`` for each ``response`` record with an HTML or text payload and
  a 200 status: the payload with its transfer and content encodings undone, the
  charset the HTTP header declares, ``WARC-Target-URI`` and ``WARC-Date``;
* a ``Skipped`` for every other record (requests, metadata, revisits, images,
  scripts, redirects, 4xx/5xx, the same URL fetched again), so they can be
  counted;
* a ``Damaged`` for a record that cannot be read (a truncated or corrupt gzip
  member, a bad header, a wrong length, a page over 20 MB), with its offset; the
  reader then looks for the next record and goes on.

Only one record's payload (at most 20 MB) is held at a time: memory stays flat
whatever the archive's size. ``page_text`` decodes a page's payload: the charset
from the HTTP header, else from the page's own ``<meta>``, else guessed as for a
scraped file.
"""
from __future__ import annotations

import codecs
import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from digest.errors import IngestError
from digest.ingest.source import MAX_PAGE_BYTES, decode_declared, decode_page, meta_charset, refuse_binary
from digest.ingest.write import normalize_url

log = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_PLAIN_START = re.compile(rb"(?:^|\n)(WARC/1\.[01]\r?\n|(?:https?|ftp|dns|filedesc)://\S+ \S+ \d{14} )")
_SCAN_CHUNK = 1 << 20


def is_archive(path: Path) -> bool:
    """True for a file named like a crawl archive (``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def record_source(archive: str, offset: int) -> str:
    """How a record is named in reports: ``crawl.warc.gz@1234`` (its byte offset)."""
    return f"{archive}@{offset}"


@dataclass(frozen=True, slots=True)
class CrawledPage:
    """A page taken from a ``response`` record."""

    archive: str
    offset: int
    url: str
    crawl_date: str | None
    """``WARC-Date`` as ``YYYY-MM-DD`` (UTC)."""
    payload: bytes
    charset: str | None
    """The charset the HTTP ``Content-Type`` header declares, if any."""

    @property
    def source(self) -> str:
        return record_source(self.archive, self.offset)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that is not a page; ``kind`` is what the report counts it as."""

    archive: str
    offset: int
    kind: str


@dataclass(frozen=True, slots=True)
class Damaged:
    """A record that cannot be read, or a file that is not an archive."""

    archive: str
    offset: int
    message: str

    @property
    def source(self) -> str:
        return record_source(self.archive, self.offset)


Record = CrawledPage | Skipped | Damaged


def _iterator(fh: BinaryIO):
    """warcio's iterator (imported only when an archive is read), without its own
    warnings on stderr: ``err_count`` still counts them."""
    from warcio.archiveiterator import ArchiveIterator

    class QuietIterator(ArchiveIterator):
        INC_RECORD = ""

    return QuietIterator(fh, arc2warc=True)


def _read_errors() -> tuple[type[Exception], ...]:
    from warcio.exceptions import ArchiveLoadFailed

    return (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError)


# ---------------------------------------------------------------- classification


def _kind_of_type(content_type: str) -> str | None:
    """None for a page, else the skip kind for this media type."""
    media = content_type.split(";")[0].strip().lower()
    if not media or media in PAGE_TYPES:
        return None
    if media.startswith("image/"):
        return "images"
    if "javascript" in media or "ecmascript" in media or media == "application/json":
        return "scripts"
    if media == "text/css":
        return "stylesheets"
    return "other media types"


def _kind_of_status(status: str) -> str | None:
    if status in ("200", "203"):
        return None
    if status.startswith("3"):
        return "redirects"
    if status[:1] in ("4", "5"):
        return "HTTP errors (4xx/5xx)"
    return "other HTTP statuses"


_KINDS = {
    "request": "requests",
    "metadata": "metadata",
    "revisit": "revisits",
    "warcinfo": "warcinfo",
    "arc_header": "warcinfo",
    "resource": "resources",
    "conversion": "conversions",
    "continuation": "continuations",
}


def charset_of(content_type: str | None) -> str | None:
    """The ``charset=`` parameter of a Content-Type header."""
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


# ---------------------------------------------------------------- reading


def read_archive(path: Path, *, shown: str | None = None, seen_urls: set[str] | None = None) -> Iterator[Record]:
    """Every record of the archive at ``path``, in file order (see the module doc).

    ``seen_urls`` (normalised URLs) is shared across archives so that a URL
    fetched twice gives one page; the first fetch is kept.
    """
    shown = shown or str(path)
    seen = seen_urls if seen_urls is not None else set()
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield Damaged(shown, 0, f"cannot read file: {exc.strerror or exc}")
        return
    with fh:
        head = fh.read(16)
        gzipped = head.startswith(_GZIP_MAGIC)
        if not (gzipped or head.startswith((b"WARC/1.", b"filedesc://"))):
            what = "empty" if not head else f"it starts with {head[:12]!r}"
            yield Damaged(shown, 0, f"not a WARC or ARC file ({what})")
            return
        size = fh.seek(0, 2)
        start: int | None = 0
        resyncing = False
        while start is not None:
            end = yield from _read_from(fh, start, shown, seen, quiet=resyncing)
            if end is None:  # not a record start after all: look further
                start = _next_start(fh, start, gzipped)
                continue
            resyncing = True
            if isinstance(end, Damaged):
                yield end
                start = _next_start(fh, end.offset, gzipped)
            elif end < size and _has_data(fh, end):
                yield Damaged(shown, end, "damaged record: the file does not end with a whole record "
                                          "(a truncated or corrupt gzip member)")
                start = _next_start(fh, end, gzipped)
            else:
                start = None


def _has_data(fh: BinaryIO, at: int) -> bool:
    fh.seek(at)
    return bool(fh.read(4096).strip())


def _next_start(fh: BinaryIO, after: int, gzipped: bool) -> int | None:
    """Offset of the next thing that looks like a record start after ``after``."""
    at = after + 1
    while True:
        fh.seek(at)
        chunk = fh.read(_SCAN_CHUNK + 64)
        if gzipped:
            found = chunk.find(_GZIP_MAGIC)
            if found >= 0:
                return at + found
        else:
            match = _PLAIN_START.search(chunk)
            if match:
                return at + match.start(1)
        if len(chunk) <= _SCAN_CHUNK:
            return None
        at += _SCAN_CHUNK


_WRONG_LENGTH = "damaged record: it is not followed by a blank line (its Content-Length is wrong)"


def _read_from(fh: BinaryIO, start: int, shown: str, seen: set[str], *, quiet: bool):
    """Yield records from ``start`` on; return the offset where the last good
    record ended, or the ``Damaged`` that stopped the reading. With ``quiet``
    (looking for the next record after a damaged one), a start where nothing
    can be read returns None instead: it was not a record start."""
    fh.seek(start)
    iterator = _iterator(fh)
    records = iter(iterator)
    pending: Record | None = None
    pending_offset = start
    read_any = False
    while True:
        errors = iterator.err_count
        try:
            record = next(records)
        except StopIteration:
            record = None
        except _read_errors() as exc:
            if not read_any and quiet:
                return None
            if pending is not None:
                if iterator.err_count > errors:
                    return Damaged(shown, pending_offset, _WRONG_LENGTH)
                if iterator.offset != pending_offset:
                    yield pending
            return Damaged(shown, iterator.offset, _damage(exc))
        if pending is not None:
            yield Damaged(shown, pending_offset, _WRONG_LENGTH) if iterator.err_count > errors else pending
            pending = None
        if record is None:
            return iterator.offset
        read_any = True
        pending_offset = iterator.offset
        pending = _record(record, shown, pending_offset, seen)


def _damage(exc: Exception) -> str:
    from warcio.exceptions import ArchiveLoadFailed

    if isinstance(exc, ArchiveLoadFailed):
        text = " ".join(str(exc).split())
        if "non-chunked gzip" in text:
            return ("the file is gzipped as one stream, not one gzip member per record "
                    "(recompress it: warcio recompress IN OUT)")
        return f"damaged record: {text[:160]}"
    if isinstance(exc, zlib.error):
        return f"damaged record: corrupt gzip data ({exc})"
    return f"damaged record: {exc or type(exc).__name__}"


def _record(record, shown: str, offset: int, seen: set[str]) -> Record:
    kind = _KINDS.get(record.rec_type, None)
    if record.rec_type != "response":
        return Skipped(shown, offset, kind or "other records")
    http = record.http_headers
    if http is None or not http.statusline:
        return Skipped(shown, offset, "other records")
    content_type = http.get_header("Content-Type") or ""
    kind = _kind_of_type(content_type) or _kind_of_status(http.get_statuscode() or "")
    if kind is not None:
        return Skipped(shown, offset, kind)
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip()
    if record.length is not None and record.length > MAX_PAGE_BYTES:
        return Damaged(shown, offset, _too_large(record.length))
    key = normalize_url(url) if url else None
    if key is not None and key in seen:
        return Skipped(shown, offset, "duplicate URLs")
    try:
        payload = record.content_stream().read(MAX_PAGE_BYTES + 1)
    except (zlib.error, OSError, ValueError, EOFError) as exc:
        return Damaged(shown, offset, f"the payload does not decode ({exc or type(exc).__name__})")
    if len(payload) > MAX_PAGE_BYTES:
        return Damaged(shown, offset, _too_large(len(payload)))
    while record.raw_stream.read(1 << 16):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        return Damaged(shown, offset, f"damaged record: truncated ({record.raw_stream.limit} bytes missing)")
    if key is not None:
        seen.add(key)
    date = record.rec_headers.get_header("WARC-Date") or ""
    return CrawledPage(
        archive=shown,
        offset=offset,
        url=url,
        crawl_date=date[:10] if re.match(r"\d{4}-\d\d-\d\d", date) else None,
        payload=payload,
        charset=charset_of(content_type),
    )


def _too_large(size: int) -> str:
    return (f"the page is too large: {size / 1024 / 1024:.1f} MB "
            f"(the limit is {MAX_PAGE_BYTES // 1024 // 1024} MB)")


# ---------------------------------------------------------------- decoding


def page_text(page: CrawledPage) -> str:
    """The page's text: charset from the HTTP header, else the page's ``<meta>``,
    else guessed. Raises IngestError (with the record as its path) when it does not decode."""
    data = page.payload
    try:
        if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            refuse_binary(data)
            for declared in (page.charset, meta_charset(data)):
                text = decode_declared(data, declared)
                if text is not None:
                    if not text.strip():
                        raise IngestError("the page is empty")
                    return text
        return decode_page(data).text
    except IngestError as exc:
        exc.path = page.source
        raise
