"""The model: one curated news entry, and the slug rules."""
from __future__ import annotations

import functools
import os
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from slugify import slugify as _slugify

from digest.errors import CacheError

# Letters that the generic transliteration drops or renders poorly.
_KAZAKH = [
    ("ә", "a"), ("Ә", "A"), ("ғ", "g"), ("Ғ", "G"), ("қ", "k"), ("Қ", "K"),
    ("ң", "n"), ("Ң", "N"), ("ө", "o"), ("Ө", "O"), ("ұ", "u"), ("Ұ", "U"),
    ("ү", "u"), ("Ү", "U"), ("һ", "h"), ("Һ", "H"), ("і", "i"), ("І", "I"),
]
MAX_SLUG = 80


@functools.lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """A URL-safe slug: lower-case ASCII, Cyrillic and Kazakh transliterated.

    ``Выборы в Мажилис`` → ``vybory-v-mazhilis``; ``Сайлау`` → ``sailau``.
    The result never contains ``/`` or ``.``, so it cannot leave its folder.
    """
    return _slugify(text, replacements=_KAZAKH, max_length=MAX_SLUG, word_boundary=True)


_PACKS: dict[str, int] = {}


def read_pack(path: str, offset: int, length: int, crc: int | None = None) -> str:
    """Read one body from a pack file; with ``crc`` (the build cache's), check it first.

    Packs are append-only and never renamed onto, so an open descriptor stays
    right for every reference into that file; ``pread`` keeps this safe in
    forked processes that share the descriptor.
    """
    fd = _PACKS.get(path)
    if fd is None:
        try:
            fd = _PACKS[path] = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            if crc is None:
                raise
            raise CacheError("a pack of bodies is missing", path=path) from None
    data = os.pread(fd, length, offset)
    if crc is not None and (len(data) != length or zlib.crc32(data) != crc):
        raise CacheError(f"a body's checksum does not match (at byte {offset})", path=path)
    return data.decode("utf-8")


def forget_packs(folder: str) -> None:
    """Close the descriptors of packs in a folder that is going away."""
    for path in [p for p in _PACKS if os.path.dirname(p) == folder]:
        os.close(_PACKS.pop(path))


class Body:
    """An entry's HTML body, held in memory or read on demand from a cache pack.

    Lists, archives and unchanged pages never need bodies, so a warm build
    does not load them. A body in a pack is read each time it is asked for,
    not kept: a build asks once for most (for the entry page), and kept they
    would stay in the memory of each process that renders (250 MiB a worker
    at 100,000 entries: over the gibibyte).
    """

    __slots__ = ("_html", "_ref")

    def __init__(self, html: str | None = None, ref: tuple[str, int, int, int] | None = None) -> None:
        self._html = html
        self._ref = ref  # (pack file, offset, length, CRC-32 of the bytes)

    @property
    def html(self) -> str:
        html = self._html
        return html if html is not None else read_pack(*self._ref)  # type: ignore[misc]

    def in_pack(self) -> bool:
        return self._ref is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Body) and self.html == other.html

    def __reduce__(self):
        return (Body, (self._html, self._ref))


@dataclass(frozen=True, slots=True)
class Entry:
    """One news entry, read from ``content/**/*.md``.

    ``date`` is always time-zone aware: an entry keeps the offset it was written
    with; a naive date was read in the site's time zone. ``url`` is relative to
    the site root (``2023/03/10/slug/``).
    """

    source_path: str  # relative to the content folder, POSIX separators
    title: str
    date: datetime
    slug: str
    body: Body
    tags: tuple[str, ...] = ()
    tag_slugs: tuple[str, ...] = ()
    source: str | None = None
    source_url: str | None = None
    dateline: str | None = None
    author: str | None = None
    lang: str | None = None
    summary: str | None = None
    lede: str = ""
    draft: bool = False
    featured: bool = False
    has_time: bool = True
    slug_given: bool = False
    story: str | None = None  # the editor's story id: entries sharing one are one story
    sketch: bytes = b""  # the text's fingerprint for finding the same story (digest.stories)
    extra: dict = field(default_factory=dict, compare=False)
    digest: str = ""  # fingerprint of the source file and the settings it was read with
    url: str = field(init=False, compare=False)  # relative to the site root: 2023/03/10/<slug>/
    ident: str = field(init=False, compare=False, repr=False)  # what a page key holds of this entry
    order: tuple = field(init=False, compare=False, repr=False)  # sort key: time, then file

    def __post_init__(self) -> None:
        date = self.date  # (as strftime's %Y/%m/%d; a fifth of the time, for every entry of every build)
        url = "%d/%02d/%02d/%s/" % (date.year, date.month, date.day, self.slug)
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "ident", f"{self.digest} {url}")
        object.__setattr__(self, "order", (self.date.timestamp(), self.source_path))

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def tag_links(self) -> tuple[tuple[str, str], ...]:
        """(name, slug) of each tag."""
        return tuple(zip(self.tags, self.tag_slugs))

    @property
    def teaser(self) -> str:
        """The editor's note if there is one, else the lede."""
        return self.summary or self.lede


@dataclass(frozen=True, slots=True)
class Tag:
    name: str
    slug: str
    entries: tuple[Entry, ...]

    @property
    def body_html(self) -> str:
        return self.body.html

    @property
    def url(self) -> str:
        return f"tags/{self.slug}/"
