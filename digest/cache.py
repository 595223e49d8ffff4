"""The build cache in ``.digest-cache/``: what was read, and what was written.

* ``entries``: every entry as last read, by file, with the file's size and
  modification time, in segments (``entries-*.pickle``) that ``entries.pickle``
  names; bodies are kept apart in append-only pack files (``bodies-*.pack``)
  and read on demand.
* ``manifest``: every output file with the key it was rendered from and the
  hash of its bytes, so a build renders only files whose key changed and
  writes only files whose bytes changed.

Every index file (``entries.pickle``, the segments, ``manifest.pickle``)
starts with a checksum of what follows, and every body's reference in the
index carries the checksum of its bytes in the pack, checked whenever the
body is read. A cache that is missing or from another version is ignored (the
build is then a cold one); a damaged one (a checksum that does not match, a
pack or segment missing or cut short) raises :class:`CacheError`, and the
build drops the cache and reads every entry again: a damaged cache never
changes what a build writes.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
import uuid
import zlib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from digest import __version__, faults, stories
from digest.config import SiteConfig
from digest.errors import CacheError
from digest.model import Body, Entry, forget_packs

log = logging.getLogger(__name__)

FORMAT = 8
HEADER = b"digest-cache\n"  # then the format (2 bytes), the CRC-32 of the rest (4 bytes), the pickle
ENTRIES = "entries.pickle"
MANIFEST = "manifest.pickle"


def fingerprint(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def config_digest(config: SiteConfig) -> str:
    """What every entry and page depends on in the configuration."""
    values = {k: v for k, v in vars(config).items() if k not in ("config_file",)}
    # Entries keep their story sketch: a new method means reading them again.
    return fingerprint(__version__, FORMAT, stories.VERSION, sorted((k, str(v)) for k, v in values.items()))


@dataclass
class Stamp:
    size: int
    mtime_ns: int


@dataclass
class EntryCache:
    """Entries by path (relative to the content folder) with their file stamps.

    On disk the entry index is a list of *segments*, each a pickle of rows
    (one row an entry as plain values) and of paths gone since the segment
    before; later segments win. A save appends one segment with just what
    changed, so saving after one edit costs next to nothing; when the
    segments hold far more rows than there are entries, they are rewritten
    as one.
    """

    settings: str = ""
    entries: dict[str, tuple[Stamp, Entry]] = field(default_factory=dict)
    # what the segments on disk say of each path: the entry object stored
    stored: dict[str, Entry] = field(default_factory=dict, repr=False)
    segments: list[str] = field(default_factory=list)  # file names in the cache folder, oldest first
    stored_rows: int = 0  # rows in those segments (superseded ones included)
    # segments written by reading processes, not yet named by the index
    pending: list[str] = field(default_factory=list)

    def get(self, rel: str, stamp: Stamp) -> Entry | None:
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        return None

    def adopt(self, segments: list[Path], rows: dict[str, tuple[Stamp, Entry]]) -> None:
        """Rows that reading processes already stored in ``segments`` (in the cache folder)."""
        self.pending.extend(segment.name for segment in segments)
        self.stored_rows += len(rows)
        for rel, (_, entry) in rows.items():
            self.stored[rel] = entry


@dataclass
class Manifest:
    """Output files: path → (key hash, bytes hash)."""

    settings: str = ""
    output: str = ""  # the output folder it describes
    marker: tuple[int, int, int] | None = None  # that folder's marker stamp
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    # everything the site was built from (settings, templates, every entry's and
    # static file's stamp): when it is the same, a build has nothing to do
    inputs: str = ""
    entries: int = 0  # entries in the site built from them
    # what the entry pages of the build that wrote these files were made
    # from, and its sitemap lines (``digest.plan.PlanState``; None on a
    # multilingual site)
    plan: object = None
    # (entry settings, ``digest.stories.PairsState``) of that build's stories
    story_pairs: tuple | None = None


def _read_pickle(path: Path):
    """The value stored in ``path``; None when there is none or it is of another version."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return None
    start = len(HEADER) + 6
    if not raw.startswith(HEADER):
        if raw.startswith(b"\x80"):  # a pickle of the formats before checksums
            return None
        raise CacheError("not a cache file (damaged?)", path=path)
    if int.from_bytes(raw[len(HEADER) : len(HEADER) + 2], "big") != FORMAT:
        return None
    payload = memoryview(raw)[start:]  # a view: no second copy of a large segment
    if len(raw) < start or zlib.crc32(payload) != int.from_bytes(raw[start - 4 : start], "big"):
        raise CacheError("the checksum does not match (cut short or overwritten)", path=path)
    try:
        data = pickle.loads(payload)
    except Exception as exc:  # pragma: no cover - the checksum matched
        raise CacheError(f"unreadable ({exc})", path=path) from None
    if not isinstance(data, dict) or data.get("version") != __version__:
        return None
    return data.get("value")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _dump(value) -> bytes:
    data = pickle.dumps({"version": __version__, "value": value}, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER + FORMAT.to_bytes(2, "big") + zlib.crc32(data).to_bytes(4, "big") + data


_FIELDS = [f.name for f in fields(Entry) if f.init and f.name != "body"]
SEGMENT_PREFIX = "entries-"
MAX_SEGMENTS = 24
SMALL_PACK = 1 << 20  # bytes
MAX_SMALL_PACKS = 16


def _pack_entry(entry: Entry, ref: tuple | None = None) -> tuple:
    """An entry as plain values: much faster to pickle than the dataclass
    (``ref``: where its body is, when not yet in ``entry.body``)."""
    return (ref or entry.body._ref, *[getattr(entry, name) for name in _FIELDS])


_BODY_AT = [f.name for f in fields(Entry) if f.init].index("body")


def _unpack_entry(values: tuple) -> Entry:
    # positional arguments: this runs for every entry of every fresh build
    return Entry(*values[1 : _BODY_AT + 1], Body(None, values[0]), *values[_BODY_AT + 1 :])


def entry_row(rel: str, stamp: Stamp, entry: Entry, ref: tuple | None = None) -> tuple:
    return (rel, stamp.size, stamp.mtime_ns, _pack_entry(entry, ref))


def write_segment(folder: Path, settings: str, rows: list[tuple], gone: list[str] = ()) -> Path:
    """A new segment file of entry rows (and paths gone); returns its path."""
    path = folder / f"{SEGMENT_PREFIX}{uuid.uuid4().hex}.pickle"
    _write_atomic(path, _dump((settings, _sharing(rows), list(gone))))
    return path


# Values that entries repeat (tags, outlets, datelines, languages): each is made
# one object in a segment before it is pickled, so the pickle holds it once and
# the entries read back share it (about 400 bytes less an entry in every build's
# memory, and less to write and read).
_SHARED = tuple(1 + i for i, name in enumerate(_FIELDS) if name in ("tags", "tag_slugs", "source", "dateline", "author", "lang"))


def _sharing(rows: list[tuple]) -> list[tuple]:
    one: dict = {}
    out = []
    for rel, size, mtime, values in rows:
        values = list(values)
        for i in _SHARED:
            value = values[i]
            if type(value) is tuple:
                value = tuple([one.setdefault(v, v) for v in value])
            if value is not None:
                values[i] = one.setdefault(value, value)
        out.append((rel, size, mtime, tuple(values)))
    return out


def read_segment(path: Path, settings: str) -> tuple[dict[str, tuple[Stamp, Entry]], list[str]] | None:
    """The rows and gone paths of a segment, or None when it is missing, damaged or of other settings."""
    value = _read_pickle(path)
    if not (isinstance(value, tuple) and len(value) == 3 and value[0] == settings):
        return None
    rows: dict[str, tuple[Stamp, Entry]] = {}
    try:
        for rel, size, mtime, values in value[1]:
            rows[rel] = (Stamp(size, mtime), _unpack_entry(values))
    except (TypeError, ValueError) as exc:
        log.info("ignoring the entry cache segment %s: %s", path, exc)
        return None
    return rows, list(value[2])


def load_entries(cache_dir: Path, settings: str) -> EntryCache:
    """The entry index: its segments applied in order (an empty cache if any is unusable)."""
    value = _read_pickle(cache_dir / ENTRIES)
    if not (isinstance(value, tuple) and len(value) == 2 and value[0] == settings and isinstance(value[1], list)):
        return EntryCache(settings=settings)
    cache = EntryCache(settings=settings, segments=list(value[1]))
    for name in cache.segments:
        part = read_segment(cache_dir / name, settings)
        if part is None:
            raise CacheError("an index segment is missing or unusable", path=cache_dir / name)
        rows, gone = part
        for rel in gone:
            cache.entries.pop(rel, None)
        cache.entries.update(rows)
        cache.stored_rows += len(rows)
    cache.stored = {rel: entry for rel, (_, entry) in cache.entries.items()}
    _check_packs(cache)
    return cache


def _check_packs(cache: EntryCache) -> None:
    """Every pack the index refers to is there and long enough (a stat each)."""
    ends: dict[str, int] = {}
    for _, entry in cache.entries.values():
        path, offset, length, _ = entry.body._ref
        ends[path] = max(ends.get(path, 0), offset + length)
    for path, end in ends.items():
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            raise CacheError("a pack of bodies is missing", path=path) from None
        if size < end:
            raise CacheError("a pack of bodies is cut short", path=path)


def drop(cache_dir: Path) -> None:
    """Remove the entry index, its segments and packs, the manifest and the journal (not the lock)."""
    forget_packs(str(cache_dir))
    for pattern in (ENTRIES, MANIFEST, JOURNAL, f"{SEGMENT_PREFIX}*.pickle", "bodies-*.pack"):
        for path in cache_dir.glob(pattern):
            path.unlink(missing_ok=True)


class PackWriter:
    """Appends bodies to a new pack file of its own (one per process)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = str(folder / f"bodies-{uuid.uuid4().hex}.pack")
        self._fh = open(self.path, "ab")
        self._offset = 0

    def add(self, html: str) -> tuple[str, int, int, int]:
        """Append a body; where it is: (pack file, offset, length, CRC-32 of the bytes)."""
        data = html.encode("utf-8")
        self._fh.write(data)
        ref = (self.path, self._offset, len(data), zlib.crc32(data))
        self._offset += len(data)
        return ref

    def store(self, entry: Entry) -> Entry:
        """The same entry, with its body moved into the pack."""
        return replace(entry, body=Body(None, self.add(entry.body.html)))

    def close(self) -> None:
        self._fh.close()


def save_entries(cache_dir: Path, cache: EntryCache) -> None:
    """Write what changed in the entry index; bodies not yet in a pack go into a new one.

    When the packs hold more than twice the bytes still referenced, the live
    bodies are copied into one new pack; packs and segments nobody refers to
    are deleted.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    live: dict[str, int] = {}
    loose = False
    for _, entry in cache.entries.values():
        ref = entry.body._ref
        if ref is None:
            loose = True
        else:
            live[ref[0]] = live.get(ref[0], 0) + ref[2]
    packs = {str(p): p.stat().st_size for p in cache_dir.glob("bodies-*.pack")}
    total = sum(size for path, size in packs.items() if path in live)
    compact = total > 2 * sum(live.values()) + (1 << 20)
    # Every save of a few new bodies makes a small pack; many of them are merged.
    small = {path for path in live if packs.get(path, 0) < SMALL_PACK}
    merge = small if len(small) > MAX_SMALL_PACKS else set()
    if loose or compact or merge:
        writer = PackWriter(cache_dir)
        for rel, (stamp, entry) in list(cache.entries.items()):
            ref = entry.body._ref
            if ref is None or compact or ref[0] in merge:
                cache.entries[rel] = (stamp, writer.store(entry))
        writer.close()
        faults.point("pack-written")

    stored = cache.stored
    changed = [rel for rel, (_, entry) in cache.entries.items() if stored.get(rel) is not entry]
    gone = [rel for rel in stored if rel not in cache.entries]
    segments = cache.segments + cache.pending
    rows_after = cache.stored_rows + len(changed)
    if rows_after > 2 * len(cache.entries) + 1000 or len(segments) >= MAX_SEGMENTS:
        # Mostly superseded rows: write the index afresh, as one segment.
        rows = [entry_row(rel, stamp, entry) for rel, (stamp, entry) in cache.entries.items()]
        segments = [write_segment(cache_dir, cache.settings, rows).name]
        cache.stored_rows = len(rows)
    elif changed or gone:
        rows = [entry_row(rel, *cache.entries[rel]) for rel in changed]
        segments.append(write_segment(cache_dir, cache.settings, rows, gone).name)
        cache.stored_rows = rows_after
    elif not cache.pending:
        return  # nothing new to say
    _write_atomic(cache_dir / ENTRIES, _dump((cache.settings, segments)))
    faults.point("index-written")
    cache.segments, cache.pending = segments, []
    cache.stored = {rel: entry for rel, (_, entry) in cache.entries.items()}
    referenced = {entry.body._ref[0] for _, entry in cache.entries.values() if entry.body._ref}
    for path in packs:
        if path not in referenced:
            Path(path).unlink(missing_ok=True)
    keep = set(segments)
    for path in cache_dir.glob(f"{SEGMENT_PREFIX}*.pickle"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


GENERATION = "generation"
JOURNAL = "journal"


def journal(cache_dir: Path) -> set[str] | None:
    """The output files a build may have changed since the manifest was saved (None: no journal).

    A build adds the files it is about to change before it changes the
    first one, and removes the journal once the manifest that describes them
    is saved; so what a journal names is what the manifest may be wrong about.
    """
    try:
        data = (cache_dir / JOURNAL).read_bytes()
    except FileNotFoundError:
        return None
    paths = set()
    for line in data.splitlines():
        try:
            paths.add(json.loads(line))
        except ValueError:  # cut short by a kill: that build had not changed a file yet
            pass
    return paths


def add_to_journal(cache_dir: Path, paths: list[str]) -> None:
    """Say which output files are about to change (one write, before the first change)."""
    data = "".join(json.dumps(p) + "\n" for p in paths).encode("utf-8")
    fd = os.open(cache_dir / JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def clear_journal(cache_dir: Path) -> None:
    (cache_dir / JOURNAL).unlink(missing_ok=True)


def clear_debris(cache_dir: Path) -> None:
    """Remove the temporary files of writes a kill cut short (under the site's lock)."""
    try:
        names = os.listdir(cache_dir)
    except FileNotFoundError:
        return
    for name in names:
        if name.startswith(".") and not os.path.isdir(cache_dir / name):
            (cache_dir / name).unlink(missing_ok=True)


def read_generation(cache_dir: Path) -> str:
    """The token of the builder that built last (see ``Builder._claim``)."""
    try:
        return (cache_dir / GENERATION).read_text("ascii", "replace").strip()
    except OSError:
        return ""


def new_generation(cache_dir: Path) -> str:
    """Say that a new builder is at work on the site (under the site's lock); returns its token."""
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / GENERATION).write_text(token + "\n", "ascii")
    return token


def load_manifest(cache_dir: Path) -> Manifest | None:
    value = _read_pickle(cache_dir / MANIFEST)
    return value if isinstance(value, Manifest) else None


def save_manifest(cache_dir: Path, manifest: Manifest) -> None:
    _write_atomic(cache_dir / MANIFEST, _dump(manifest))
