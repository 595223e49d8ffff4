"""The build cache in ``.digest-cache/``: what was read, and what was written.

* ``entries``: every entry as last read, by file, with the file's size and
  modification time; bodies are kept apart in a pack file and read on demand.
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
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from digest import __version__
from digest.config import SiteConfig
from digest.model import Body, Entry

log = logging.getLogger(__name__)

FORMAT = 2
ENTRIES = "entries.pickle"
BODIES = "bodies.pack"
MANIFEST = "manifest.pickle"


def fingerprint(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def config_digest(config: SiteConfig) -> str:
    """What every entry and page depends on in the configuration."""
    values = {k: v for k, v in vars(config).items() if k not in ("config_file",)}
    return fingerprint(__version__, FORMAT, sorted((k, str(v)) for k, v in values.items()))


@dataclass
class Stamp:
    size: int
    mtime_ns: int


@dataclass
class EntryCache:
    """Entries by path (relative to the content folder) with their file stamps."""

    settings: str = ""
    entries: dict[str, tuple[Stamp, Entry]] = field(default_factory=dict)

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
        try:
            entries = {rel: (Stamp(size, mtime), _unpack_entry(values)) for rel, size, mtime, values in value[1]}
        except (TypeError, ValueError) as exc:
            log.info("ignoring the entry cache: %s", exc)
        else:
            return EntryCache(settings=settings, entries=entries)
    return EntryCache(settings=settings)


def save_entries(cache_dir: Path, cache: EntryCache) -> None:
    """Write the entries with their bodies moved into the pack file.

    Bodies already in the current pack stay where they are; new ones are
    appended. The pack is rewritten whole when it has grown to more than twice
    what it holds.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    pack = cache_dir / BODIES
    pack_name = str(pack)
    pending: list[tuple[str, Stamp, Entry]] = []
    live = 0
    for rel, (stamp, entry) in cache.entries.items():
        ref = entry.body._ref
        if ref is not None and ref[0] == pack_name and entry.body._html is None:
            live += ref[2]
        else:
            pending.append((rel, stamp, entry))
    size = pack.stat().st_size if pack.exists() else 0
    rewrite = size > 2 * (live + 1) + (1 << 20)
    if rewrite:
        pending = [(rel, stamp, entry) for rel, (stamp, entry) in cache.entries.items()]
        for _, _, entry in pending:
            entry.body.html  # load before the pack is replaced
        tmp = pack.with_name(BODIES + ".new")
        mode, offset = "wb", 0
        target = tmp
    else:
        mode, offset, target = "ab", size, pack
    stored: dict[str, tuple[Stamp, Entry]] = dict(cache.entries)
    with open(target, mode) as fh:
        for rel, stamp, entry in pending:
            data = entry.body.html.encode("utf-8")
            fh.write(data)
            stored[rel] = (stamp, replace(entry, body=Body(None, (pack_name, offset, len(data)))))
            offset += len(data)
    if rewrite:
        os.replace(tmp, pack)
    rows = [(rel, stamp.size, stamp.mtime_ns, _pack_entry(entry)) for rel, (stamp, entry) in stored.items()]
    _write_atomic(cache_dir / ENTRIES, _dump((cache.settings, rows)))
    cache.entries = stored


def load_manifest(cache_dir: Path) -> Manifest | None:
    value = _read_pickle(cache_dir / MANIFEST)
    return value if isinstance(value, Manifest) else None


def save_manifest(cache_dir: Path, manifest: Manifest) -> None:
    _write_atomic(cache_dir / MANIFEST, _dump(manifest))
