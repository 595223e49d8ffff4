"""The build cache in ``.digest-cache/``: what was read, and what was written.

* ``entries``: every entry as last read, by file, with the file's size and
  modification time; bodies are kept apart in append-only pack files
  (``bodies-*.pack``) and read on demand.
* ``manifest``: every output file with the key it was rendered from and the
  hash of its bytes, so a build renders only files whose key changed and
  writes only files whose bytes changed.

A cache that is missing, unreadable or from another version is ignored (the
build is then a cold one); it never changes what a build writes.
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import uuid
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from digest import __version__, stories
from digest.config import SiteConfig
from digest.model import Body, Entry

log = logging.getLogger(__name__)

FORMAT = 5
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
    """Entries by path (relative to the content folder) with their file stamps."""

    settings: str = ""
    entries: dict[str, tuple[Stamp, Entry]] = field(default_factory=dict)
    # the stored form of each entry, kept so an unchanged one is not packed again
    rows: dict[str, tuple[Entry, tuple]] = field(default_factory=dict, repr=False)

    def get(self, rel: str, stamp: Stamp) -> Entry | None:
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        return None


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


def _read_pickle(path: Path):
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged cache is only a slower build
        log.info("ignoring the cache file %s: %s", path, exc)
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != __version__:
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
    return pickle.dumps({"format": FORMAT, "version": __version__, "value": value}, protocol=pickle.HIGHEST_PROTOCOL)


_FIELDS = [f.name for f in fields(Entry) if f.init and f.name != "body"]


def _pack_entry(entry: Entry) -> tuple:
    """An entry as plain values: much faster to pickle than the dataclass."""
    return (entry.body._ref, *[getattr(entry, name) for name in _FIELDS])


def _unpack_entry(values: tuple) -> Entry:
    return Entry(body=Body(None, values[0]), **dict(zip(_FIELDS, values[1:])))


def load_entries(cache_dir: Path, settings: str) -> EntryCache:
    value = _read_pickle(cache_dir / ENTRIES)
    if isinstance(value, tuple) and len(value) == 2 and value[0] == settings:
        entries: dict[str, tuple[Stamp, Entry]] = {}
        rows: dict[str, tuple[Entry, tuple]] = {}
        try:
            for row in value[1]:
                rel, size, mtime, values = row
                entry = _unpack_entry(values)
                entries[rel] = (Stamp(size, mtime), entry)
                rows[rel] = (entry, row)
        except (TypeError, ValueError) as exc:
            log.info("ignoring the entry cache: %s", exc)
        else:
            return EntryCache(settings=settings, entries=entries, rows=rows)
    return EntryCache(settings=settings)


class PackWriter:
    """Appends bodies to a new pack file of its own (one per process)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = str(folder / f"bodies-{uuid.uuid4().hex}.pack")
        self._fh = open(self.path, "ab")
        self._offset = 0

    def store(self, entry: Entry) -> Entry:
        """The same entry, with its body moved into the pack."""
        data = entry.body.html.encode("utf-8")
        self._fh.write(data)
        ref = (self.path, self._offset, len(data))
        self._offset += len(data)
        return replace(entry, body=Body(None, ref))

    def close(self) -> None:
        self._fh.close()


def save_entries(cache_dir: Path, cache: EntryCache) -> None:
    """Write the entry index; bodies not yet in a pack go into a new one.

    When the packs hold more than twice the bytes still referenced, the live
    bodies are copied into one new pack; packs nobody refers to are deleted.
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
    if loose or compact:
        writer = PackWriter(cache_dir)
        for rel, (stamp, entry) in list(cache.entries.items()):
            if entry.body._ref is None or compact:
                cache.entries[rel] = (stamp, writer.store(entry))
        writer.close()
    rows = []
    kept = cache.rows
    for rel, (stamp, entry) in cache.entries.items():
        old = kept.get(rel)
        if old is not None and old[0] is entry and old[1][1:3] == (stamp.size, stamp.mtime_ns):
            rows.append(old[1])
        else:
            row = (rel, stamp.size, stamp.mtime_ns, _pack_entry(entry))
            kept[rel] = (entry, row)
            rows.append(row)
    for rel in kept.keys() - cache.entries.keys():
        del kept[rel]
    _write_atomic(cache_dir / ENTRIES, _dump((cache.settings, rows)))
    referenced = {entry.body._ref[0] for _, entry in cache.entries.values() if entry.body._ref}
    for path in packs:
        if path not in referenced:
            Path(path).unlink(missing_ok=True)


def load_manifest(cache_dir: Path) -> Manifest | None:
    value = _read_pickle(cache_dir / MANIFEST)
    return value if isinstance(value, Manifest) else None


def save_manifest(cache_dir: Path, manifest: Manifest) -> None:
    _write_atomic(cache_dir / MANIFEST, _dump(manifest))
